/**
 * Recording HTTPS servers that stand where the pipeline's backends stand, speaking just enough of their
 * APIs for the real clients: Elasticsearch (for Jaeger's span writer) and Logstash's `http` input (for the
 * gateway's OTLP/JSON log exporter). Both present a certificate from the test CA; the Logstash stand-in
 * requires a client certificate as Logstash does (`ssl_client_authentication => required`).
 */
import * as fs from 'fs';
import * as https from 'https';
import * as net from 'net';
import * as path from 'path';
import * as tls from 'tls';
import * as zlib from 'zlib';

/** A document Jaeger wrote through the bulk API. */
export interface BulkDoc {
  index: string;
  doc: Record<string, unknown>;
}

export interface HttpsStub {
  readonly port: number;
  close(): Promise<void>;
}

function serverOptions(certDir: string, requireClientCert: boolean): https.ServerOptions {
  return {
    cert: fs.readFileSync(path.join(certDir, 'tls.crt')),
    key: fs.readFileSync(path.join(certDir, 'tls.key')),
    ca: fs.readFileSync(path.join(certDir, 'ca.crt')),
    requestCert: requireClientCert,
    rejectUnauthorized: requireClientCert,
    minVersion: 'TLSv1.3',
  };
}

function start(
  options: https.ServerOptions,
  handler: (
    req: import('http').IncomingMessage & { socket: tls.TLSSocket },
    body: string,
    res: import('http').ServerResponse,
  ) => void,
): Promise<HttpsStub> {
  const server = https.createServer(options, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      // Clients may compress their bodies, as both real servers accept.
      const raw = Buffer.concat(chunks);
      const body = (req.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(raw) : raw).toString('utf8');
      handler(req as import('http').IncomingMessage & { socket: tls.TLSSocket }, body, res);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as net.AddressInfo).port,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      }),
    ),
  );
}

function json(res: import('http').ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'X-Elastic-Product': 'Elasticsearch' });
  res.end(JSON.stringify(body));
}

/**
 * Elasticsearch 9 as far as Jaeger's span writer needs it: the version at `/`, acknowledged templates and
 * indices, and a bulk API that records every document and reports it created. Every request must carry
 * `authorization` (the user Jaeger is given); any other request is recorded in `unexpected`.
 */
export async function elasticsearchStub(
  certDir: string,
  version: string,
  authorization: string,
): Promise<HttpsStub & { docs: BulkDoc[]; unexpected: string[]; unauthorized: number }> {
  const docs: BulkDoc[] = [];
  const unexpected: string[] = [];
  let unauthorized = 0;
  const stub = await start(serverOptions(certDir, false), (req, body, res) => {
    const url = new URL(req.url ?? '/', 'https://stub');
    if (req.headers.authorization !== authorization) {
      unauthorized++;
      json(res, 401, { error: { type: 'security_exception', reason: 'unauthorized' }, status: 401 });
      return;
    }
    if (url.pathname === '/' && (req.method === 'GET' || req.method === 'HEAD')) {
      json(res, 200, {
        name: 'stub',
        cluster_name: 'agent-o11y',
        cluster_uuid: 'stub',
        version: {
          number: version,
          build_flavor: 'default',
          minimum_wire_compatibility_version: '8.19.0',
          minimum_index_compatibility_version: '8.0.0',
        },
        tagline: 'You Know, for Search',
      });
    } else if (url.pathname === '/_bulk' || url.pathname.endsWith('/_bulk')) {
      const lines = body.split('\n').filter((l) => l.trim() !== '');
      const items: unknown[] = [];
      for (let i = 0; i + 1 < lines.length; i += 2) {
        const action = JSON.parse(lines[i]!) as Record<string, { _index?: string }>;
        const [op, meta] = Object.entries(action)[0] ?? ['index', {}];
        docs.push({ index: meta._index ?? '', doc: JSON.parse(lines[i + 1]!) as Record<string, unknown> });
        items.push({
          [op]: { _index: meta._index, _id: `stub-${docs.length}`, _version: 1, result: 'created', status: 201 },
        });
      }
      json(res, 200, { took: 1, errors: false, items });
    } else if (
      /^\/(_index_template|_template|_ilm\/policy)\//.test(url.pathname) ||
      (req.method === 'PUT' && !url.pathname.slice(1).includes('/'))
    ) {
      json(res, 200, { acknowledged: true, shards_acknowledged: true, index: url.pathname.slice(1) });
    } else if (req.method === 'HEAD') {
      json(res, 404, {});
    } else {
      unexpected.push(`${req.method} ${req.url}`);
      json(res, 200, {});
    }
  });
  return {
    ...stub,
    docs,
    unexpected,
    get unauthorized() {
      return unauthorized;
    },
  };
}

/**
 * Logstash's `http` input as the gateway's `otlp_http` log exporter meets it: HTTPS with a required client
 * certificate, taking OTLP/JSON export requests and answering 200. Records each request's body and the
 * client certificate's subject.
 */
export async function logstashStub(
  certDir: string,
): Promise<HttpsStub & { requests: Array<{ path: string; clientSubject: string; body: OtlpLogsRequest }> }> {
  const requests: Array<{ path: string; clientSubject: string; body: OtlpLogsRequest }> = [];
  const stub = await start(serverOptions(certDir, true), (req, body, res) => {
    requests.push({
      path: req.url ?? '',
      clientSubject: req.socket.getPeerCertificate().subject?.CN ?? '',
      body: JSON.parse(body) as OtlpLogsRequest,
    });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{}');
  });
  return { ...stub, requests };
}

/** The parts of an OTLP/JSON logs export request the tests read. */
export interface OtlpLogsRequest {
  resourceLogs?: Array<{
    resource?: { attributes?: OtlpAttribute[] };
    scopeLogs?: Array<{ logRecords?: Array<{ body?: OtlpValue; attributes?: OtlpAttribute[]; traceId?: string }> }>;
  }>;
}

export interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}

export interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}
