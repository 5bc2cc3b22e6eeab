// Command fakes3 is the tests' stand-in for an S3 bucket: gofakes3's in-memory S3 API served over TLS
// on a loopback port, so Thanos' own S3 client (minio-go) uploads, lists and deletes with the rendered
// bucket config. It prints "listening <addr>" once it serves.
package main

import (
	"crypto/tls"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"regexp"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address to serve on")
	cert := flag.String("cert", "", "server certificate (PEM)")
	key := flag.String("key", "", "server key (PEM)")
	bucket := flag.String("bucket", "", "bucket to create")
	flag.Parse()
	if *cert == "" || *key == "" || *bucket == "" {
		fmt.Fprintln(os.Stderr, "usage: fakes3 -cert FILE -key FILE -bucket NAME [-listen ADDR]")
		os.Exit(2)
	}
	backend := s3mem.New()
	if err := backend.CreateBucket(*bucket); err != nil {
		log.Fatal(err)
	}
	pair, err := tls.LoadX509KeyPair(*cert, *key)
	if err != nil {
		log.Fatal(err)
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatal(err)
	}
	faker := gofakes3.New(backend, gofakes3.WithAutoBucket(false))
	server := &http.Server{
		Handler:   logRequests(faker.Server()),
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12},
	}
	fmt.Printf("listening %s\n", ln.Addr())
	log.Fatal(server.ServeTLS(ln, "", ""))
}

// logRequests prints each request's method, path and the access key it was signed with ("-" for an
// unsigned one): gofakes3 checks no signature, so a test reads here which credentials the client used.
func logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := "-"
		if m := credential.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
			key = m[1]
		}
		log.Printf("%s %s key=%s", r.Method, r.URL.RequestURI(), key)
		next.ServeHTTP(w, r)
	})
}

// credential is the access key ID of a SigV4 Authorization header.
var credential = regexp.MustCompile(`Credential=([^/]+)/`)
