/**
 * A stand-in Elasticsearch for read-only clients (the Elasticsearch exporter): HTTPS with a given
 * certificate, HTTP basic authentication of one user, and fixed JSON answers to GETs of fixed paths.
 * Every request is recorded with the credentials it carried; a path it has no answer for is answered
 * 404 and recorded in `unknown`, so a test shows what a client asked for. Beside it, a CONNECT proxy
 * (what `HTTPS_PROXY` points a Go client at) that tunnels a host name to a local port: the client keeps
 * the address and the TLS server name the stack renders, and the stand-in answers.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as net from 'net';
import * as path from 'path';

export interface FakeElasticsearch {
  readonly port: number;
  /** `GET /path?query`, in order. */
  readonly requests: string[];
  /** The `Authorization` header of each request, in the same order (`''` when none). */
  readonly authorizations: string[];
  /** Requests it had no answer for. */
  readonly unknown: string[];
  /** TLS handshakes that failed (a client that does not trust the certificate). */
  readonly tlsErrors: string[];
  readonly stop: () => Promise<void>;
}

/**
 * Serves `answers` (URL path → JSON body) over HTTPS with the certificate in `certDir` (tls.crt,
 * tls.key), to a client sending `Authorization: Basic <user:password>`; others get Elasticsearch's 401.
 */
export function startFakeElasticsearch(
  certDir: string,
  user: { username: string; password: string },
  answers: Readonly<Record<string, unknown>>,
): Promise<FakeElasticsearch> {
  const expected = `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`;
  const requests: string[] = [];
  const authorizations: string[] = [];
  const unknown: string[] = [];
  const tlsErrors: string[] = [];
  const reply = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json', 'X-Elastic-Product': 'Elasticsearch' });
    res.end(JSON.stringify(body));
  };
  const server = https.createServer(
    {
      cert: fs.readFileSync(path.join(certDir, 'tls.crt')),
      key: fs.readFileSync(path.join(certDir, 'tls.key')),
      // Elasticsearch's HTTP layer as the stack configures it (xpack.security.http.ssl.supported_protocols).
      minVersion: 'TLSv1.3',
    },
    (req, res) => {
      const request = `${req.method} ${req.url ?? ''}`;
      requests.push(request);
      authorizations.push(req.headers.authorization ?? '');
      if (req.headers.authorization !== expected) {
        reply(res, 401, {
          error: { type: 'security_exception', reason: 'unable to authenticate user' },
          status: 401,
        });
        return;
      }
      const pathname = new URL(req.url ?? '/', 'https://stand-in').pathname;
      const answer = req.method === 'GET' ? answers[pathname] : undefined;
      if (answer === undefined) {
        unknown.push(request);
        reply(res, 404, { error: { type: 'resource_not_found_exception', reason: request }, status: 404 });
        return;
      }
      reply(res, 200, answer);
    },
  );
  return serveHttps(server, tlsErrors).then((served) => ({ ...served, requests, authorizations, unknown }));
}

/**
 * Starts `server` on a free loopback port, recording failed TLS handshakes (a client that does not
 * trust the certificate) in `tlsErrors`; `stop` closes it with its open connections.
 */
export function serveHttps(
  server: https.Server,
  tlsErrors: string[],
): Promise<{ port: number; tlsErrors: string[]; stop: () => Promise<void> }> {
  server.on('tlsClientError', (e) => tlsErrors.push(e.message));
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as net.AddressInfo).port,
        tlsErrors,
        stop: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      }),
    ),
  );
}

export interface ConnectProxy {
  readonly port: number;
  /** The `host:port` of each CONNECT request, in order. */
  readonly connects: string[];
  readonly stop: () => Promise<void>;
}

/**
 * An HTTP proxy that answers CONNECT for the `host:port`s of `routes` by tunnelling to the local port
 * given, and refuses any other.
 */
export function startConnectProxy(routes: Readonly<Record<string, number>>): Promise<ConnectProxy> {
  const connects: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((_req, res) => {
    res.writeHead(405);
    res.end();
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const target = req.url ?? '';
    connects.push(target);
    const port = routes[target];
    if (port === undefined) {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = net.connect(port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as net.AddressInfo).port,
        connects,
        stop: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      }),
    ),
  );
}
