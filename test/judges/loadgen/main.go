// The pipeline bench's two ends, one binary over OTLP/gRPC with mTLS, built from the same collector
// release as the judged collector (see go.mod). Built by scripts/judges.sh.
//
//	loadgen send -addr HOST:PORT[,HOST:PORT…] -ca ca.crt -cert tls.crt -key tls.key [-spans N] [-senders C] ...
//	  sends N spans in requests of -batch spans (traces of -trace-spans spans, random trace IDs, the
//	  attributes an agent platform's spans carry, some of which the gateway's redaction rewrites) from C
//	  concurrent connections (spread over the addresses), each sending its next request when the last
//	  was answered (-duration: for that long instead; -rate: at most that many spans per second;
//	  -hold-above: not while a receiver's heap is above that, as its memory_limiter would refuse); prints
//	  {"spans":…,"seconds":…,"errors":…,"start":Unix ms} (spans: those the receiver accepted).
//	loadgen sink -listen HOST:PORT -stats HOST:PORT -ca ca.crt -cert tls.crt -key tls.key
//	  accepts OTLP traces (client certificate required) and counts spans; GET /stats on the -stats
//	  address answers {"spans":…,"requests":…,"timeline":[[Unix ms of a request, spans so far],…]},
//	  POST /reset starts counting again.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	// The collector's OTLP exporters compress with gzip by default.
	_ "google.golang.org/grpc/encoding/gzip"
)

func main() {
	if len(os.Args) < 2 {
		log.Fatal("usage: loadgen send|sink [flags]")
	}
	switch os.Args[1] {
	case "send":
		send(os.Args[2:])
	case "sink":
		sink(os.Args[2:])
	default:
		log.Fatalf("loadgen: unknown mode %q (send or sink)", os.Args[1])
	}
}

type tlsFlags struct{ ca, cert, key, serverName *string }

func addTLSFlags(fs *flag.FlagSet) tlsFlags {
	return tlsFlags{
		ca:         fs.String("ca", "", "CA certificate (PEM) that signed the peer's certificate"),
		cert:       fs.String("cert", "", "own certificate (PEM)"),
		key:        fs.String("key", "", "own private key (PEM)"),
		serverName: fs.String("server-name", "", "name to verify the server's certificate for (send; default: the address' host)"),
	}
}

func (f tlsFlags) config(server bool) *tls.Config {
	pem, err := os.ReadFile(*f.ca)
	if err != nil {
		log.Fatalf("loadgen: -ca: %v", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		log.Fatalf("loadgen: -ca %s holds no certificate", *f.ca)
	}
	pair, err := tls.LoadX509KeyPair(*f.cert, *f.key)
	if err != nil {
		log.Fatalf("loadgen: -cert/-key: %v", err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS13}
	if server {
		cfg.ClientCAs = pool
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
	} else {
		cfg.RootCAs = pool
		cfg.ServerName = *f.serverName
	}
	return cfg
}

func send(args []string) {
	fs := flag.NewFlagSet("send", flag.ExitOnError)
	addrs := fs.String("addr", "", "OTLP/gRPC address of the receiver; several, comma-separated, share the connections")
	total := fs.Int("spans", 200_000, "spans to send (unless -duration is set)")
	duration := fs.Duration("duration", 0, "send for this long instead of a number of spans")
	rate := fs.Int("rate", 0, "spans per second at most, over all connections (0: as fast as the receiver answers)")
	batch := fs.Int("batch", 500, "spans per request")
	traceSpans := fs.Int("trace-spans", 10, "spans per trace")
	senders := fs.Int("senders", 4, "concurrent connections, each with one request in flight")
	holdAbove := fs.Float64("hold-above", 0, "hold back while a receiver's heap (-heap) is at or above this many bytes")
	heapURLs := fs.String("heap", "", "the receivers' Prometheus metrics URLs, comma-separated, for otelcol_process_runtime_heap_alloc_bytes")
	tlsf := addTLSFlags(fs)
	_ = fs.Parse(args)
	if *addrs == "" || *batch%*traceSpans != 0 {
		log.Fatal("loadgen send: -addr is required and -batch must be a multiple of -trace-spans")
	}

	requests := int64((*total + *batch - 1) / *batch)
	var next, sent, errors atomic.Int64
	var wg sync.WaitGroup
	targets := strings.Split(*addrs, ",")
	conns := make([]*grpc.ClientConn, *senders)
	for i := range conns {
		conn, err := grpc.NewClient(targets[i%len(targets)], grpc.WithTransportCredentials(credentials.NewTLS(tlsf.config(false))))
		if err != nil {
			log.Fatalf("loadgen send: %v", err)
		}
		defer conn.Close()
		conns[i] = conn
	}
	var hold atomic.Bool
	if *holdAbove > 0 {
		go watchHeap(strings.Split(*heapURLs, ","), *holdAbove, &hold)
	}
	start := time.Now()
	// more reserves the next request: its number must be within the total (or the time within the
	// duration), and with -rate, it waits for the request's start time on the shared schedule.
	more := func() bool {
		for hold.Load() && (*duration == 0 || time.Since(start) < *duration) {
			time.Sleep(10 * time.Millisecond)
		}
		n := next.Add(1)
		if *rate > 0 {
			time.Sleep(time.Until(start.Add(time.Duration(float64(n-1) * float64(*batch) / float64(*rate) * float64(time.Second)))))
		}
		if *duration > 0 {
			return time.Since(start) < *duration
		}
		return n <= requests
	}
	for i := range *senders {
		wg.Add(1)
		go func(seed uint64) {
			defer wg.Done()
			client := ptraceotlp.NewGRPCClient(conns[seed])
			rng := rand.New(rand.NewPCG(seed, uint64(start.UnixNano())))
			td := newBatch(*batch, *traceSpans)
			for more() {
				renew(td, *traceSpans, rng)
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				_, err := client.Export(ctx, ptraceotlp.NewExportRequestFromTraces(td))
				cancel()
				if err != nil {
					if errors.Add(1) <= 3 {
						log.Printf("loadgen send: %v", err)
					}
					continue
				}
				sent.Add(int64(*batch))
			}
		}(uint64(i))
	}
	wg.Wait()
	out, _ := json.Marshal(map[string]any{"spans": sent.Load(), "seconds": time.Since(start).Seconds(), "errors": errors.Load(), "start": start.UnixMilli()})
	fmt.Println(string(out))
}

// watchHeap sets hold while any receiver's heap is at or above the limit, as a collector's
// memory_limiter refuses data above its soft limit (and agents retry later), polling more often than
// the limiter's one-second check so that the sender reacts at least as fast.
func watchHeap(urls []string, limit float64, hold *atomic.Bool) {
	client := &http.Client{Timeout: time.Second}
	for {
		above := false
		for _, url := range urls {
			if heap, err := heapAlloc(client, url); err == nil && heap >= limit {
				above = true
			}
		}
		hold.Store(above)
		time.Sleep(100 * time.Millisecond)
	}
}

func heapAlloc(client *http.Client, url string) (float64, error) {
	res, err := client.Get(url)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(body), "\n") {
		if value, ok := strings.CutPrefix(line, "otelcol_process_runtime_heap_alloc_bytes "); ok {
			return strconv.ParseFloat(strings.TrimSpace(value), 64)
		}
	}
	return 0, fmt.Errorf("%s: no otelcol_process_runtime_heap_alloc_bytes", url)
}

// newBatch builds one request's spans: an agent platform's service, traces of an agent run calling a
// model and tools, with the attributes such spans carry (and the PII the gateway must redact).
func newBatch(spans, traceSpans int) ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	res := rs.Resource().Attributes()
	res.PutStr("service.name", "multiagents-worker")
	res.PutStr("service.instance.id", "worker-7f9c4d-2")
	res.PutStr("k8s.namespace.name", "agents")
	res.PutStr("k8s.pod.name", "multiagents-worker-7f9c4d-2")
	ss := rs.ScopeSpans().AppendEmpty()
	ss.Scope().SetName("agent-o11y-loadgen")
	for i := range spans {
		s := ss.Spans().AppendEmpty()
		s.SetKind(ptrace.SpanKindInternal)
		a := s.Attributes()
		switch k := i % traceSpans; {
		case k == 0:
			s.SetName("invoke_agent planner")
			s.SetKind(ptrace.SpanKindServer)
			a.PutStr("http.request.method", "POST")
			a.PutStr("url.path", "/v1/agents/planner/runs")
			a.PutStr("client.address", "10.42.7.13")
			a.PutStr("user.id", "alice-4711")
			a.PutStr("http.request.header.authorization", "Bearer eyJhbGciOi.example")
		case k%3 == 1:
			s.SetName("chat gpt-4o")
			s.SetKind(ptrace.SpanKindClient)
			a.PutStr("gen_ai.operation.name", "chat")
			a.PutStr("gen_ai.request.model", "gpt-4o")
			a.PutInt("gen_ai.usage.input_tokens", 1834)
			a.PutInt("gen_ai.usage.output_tokens", 212)
			a.PutStr("gen_ai.prompt.summary", "draft a reply to carol.jones@example.com about the refund")
		default:
			s.SetName("execute_tool search_orders")
			a.PutStr("gen_ai.tool.name", "search_orders")
			a.PutStr("db.system.name", "postgresql")
			a.PutStr("server.address", "192.168.12.40")
			a.PutStr("db.password", "hunter2")
			a.PutStr("user.id", "alice-4711")
		}
		a.PutStr("agent.run.id", "run-000000")
	}
	return td
}

// renew gives the batch fresh trace and span IDs and current times, so each request is new traces.
func renew(td ptrace.Traces, traceSpans int, rng *rand.Rand) {
	spans := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans()
	now := time.Now()
	var trace pcommon.TraceID
	var root pcommon.SpanID
	for i := range spans.Len() {
		s := spans.At(i)
		if i%traceSpans == 0 {
			binary.LittleEndian.PutUint64(trace[:8], rng.Uint64())
			binary.LittleEndian.PutUint64(trace[8:], rng.Uint64())
		}
		var id pcommon.SpanID
		binary.LittleEndian.PutUint64(id[:], rng.Uint64())
		s.SetTraceID(trace)
		s.SetSpanID(id)
		if i%traceSpans == 0 {
			root = id
			s.SetParentSpanID(pcommon.NewSpanIDEmpty())
		} else {
			s.SetParentSpanID(root)
		}
		// Well under the gateway's latency threshold: the baseline share decides.
		d := time.Duration(1+rng.IntN(400)) * time.Millisecond
		s.SetStartTimestamp(pcommon.NewTimestampFromTime(now.Add(-d)))
		s.SetEndTimestamp(pcommon.NewTimestampFromTime(now))
	}
}

type counter struct {
	ptraceotlp.UnimplementedGRPCServer
	mu       sync.Mutex
	spans    int64
	requests int64
	timeline [][2]int64
}

func (c *counter) Export(_ context.Context, req ptraceotlp.ExportRequest) (ptraceotlp.ExportResponse, error) {
	n := int64(req.Traces().SpanCount())
	now := time.Now()
	c.mu.Lock()
	c.spans += n
	c.requests++
	c.timeline = append(c.timeline, [2]int64{now.UnixMilli(), c.spans})
	c.mu.Unlock()
	return ptraceotlp.NewExportResponse(), nil
}

func sink(args []string) {
	fs := flag.NewFlagSet("sink", flag.ExitOnError)
	listen := fs.String("listen", "127.0.0.1:0", "OTLP/gRPC listen address")
	stats := fs.String("stats", "127.0.0.1:0", "HTTP address of /stats and /reset")
	tlsf := addTLSFlags(fs)
	_ = fs.Parse(args)

	c := &counter{}
	server := grpc.NewServer(grpc.Creds(credentials.NewTLS(tlsf.config(true))), grpc.MaxRecvMsgSize(64<<20))
	ptraceotlp.RegisterGRPCServer(server, c)
	lis, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatalf("loadgen sink: %v", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /stats", func(w http.ResponseWriter, _ *http.Request) {
		c.mu.Lock()
		out, _ := json.Marshal(map[string]any{"spans": c.spans, "requests": c.requests, "timeline": c.timeline})
		c.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(out)
	})
	mux.HandleFunc("POST /reset", func(w http.ResponseWriter, _ *http.Request) {
		c.mu.Lock()
		c.spans, c.requests, c.timeline = 0, 0, nil
		c.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	})
	statsLis, err := net.Listen("tcp", *stats)
	if err != nil {
		log.Fatalf("loadgen sink: %v", err)
	}
	go func() { log.Fatal(http.Serve(statsLis, mux)) }()
	log.Printf("loadgen sink: otlp %s stats %s", lis.Addr(), statsLis.Addr())
	log.Fatal(server.Serve(lis))
}
