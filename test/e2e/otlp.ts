/**
 * An OTLP/HTTP JSON client with a client certificate, as an instrumented app configured per the
 * docs/architecture.md's "Sending telemetry from your apps" would be, and builders for the spans, logs and metrics the
 * end-to-end test sends.
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as https from 'https';
import * as path from 'path';
import { OtlpAttribute } from './stubs';

export type Attributes = Record<string, string | number | boolean>;

export function otlpAttributes(attributes: Attributes): OtlpAttribute[] {
  return Object.entries(attributes).map(([key, v]) => ({
    key,
    value:
      typeof v === 'string'
        ? { stringValue: v }
        : typeof v === 'boolean'
          ? { boolValue: v }
          : Number.isInteger(v)
            ? { intValue: String(v) }
            : { doubleValue: v },
  }));
}

export function newTraceId(): string {
  return randomBytes(16).toString('hex');
}

export function newSpanId(): string {
  return randomBytes(8).toString('hex');
}

/** A span as the test describes it: which trace, how long, whether it failed, its attributes. */
export interface SpanSpec {
  traceId: string;
  name: string;
  durationMs: number;
  error?: boolean;
  attributes?: Attributes;
}

const NANOS_PER_MS = 1_000_000n;
/** When the app started: the start of every cumulative counter it sends. */
const START_NANOS = String(BigInt(Date.now()) * NANOS_PER_MS);

export function tracesRequest(service: Attributes, spans: SpanSpec[]): unknown {
  const now = BigInt(Date.now()) * NANOS_PER_MS;
  return {
    resourceSpans: [
      {
        resource: { attributes: otlpAttributes(service) },
        scopeSpans: [
          {
            scope: { name: 'agent-o11y-e2e' },
            spans: spans.map((s) => ({
              traceId: s.traceId,
              spanId: newSpanId(),
              name: s.name,
              kind: 2,
              startTimeUnixNano: String(now - BigInt(s.durationMs) * NANOS_PER_MS),
              endTimeUnixNano: String(now),
              attributes: otlpAttributes(s.attributes ?? {}),
              status: s.error ? { code: 2, message: 'failed' } : { code: 1 },
            })),
          },
        ],
      },
    ],
  };
}

/** A log record as the test describes it; its severity is INFO unless it says (OTLP's number, 0 for none, and text). */
export interface LogSpec {
  body: string;
  attributes?: Attributes;
  traceId?: string;
  severity?: { number: number; text?: string };
}

export function logsRequest(service: Attributes, records: LogSpec[]): unknown {
  const now = String(BigInt(Date.now()) * NANOS_PER_MS);
  return {
    resourceLogs: [
      {
        resource: { attributes: otlpAttributes(service) },
        scopeLogs: [
          {
            scope: { name: 'agent-o11y-e2e' },
            logRecords: records.map((r) => ({
              timeUnixNano: now,
              observedTimeUnixNano: now,
              severityNumber: r.severity?.number ?? 9,
              ...(r.severity ? (r.severity.text ? { severityText: r.severity.text } : {}) : { severityText: 'INFO' }),
              body: { stringValue: r.body },
              attributes: otlpAttributes(r.attributes ?? {}),
              ...(r.traceId ? { traceId: r.traceId } : {}),
            })),
          },
        ],
      },
    ],
  };
}

export function gaugeRequest(service: Attributes, name: string, value: number, attributes: Attributes = {}): unknown {
  const now = String(BigInt(Date.now()) * NANOS_PER_MS);
  return {
    resourceMetrics: [
      {
        resource: { attributes: otlpAttributes(service) },
        scopeMetrics: [
          {
            scope: { name: 'agent-o11y-e2e' },
            metrics: [
              {
                name,
                gauge: { dataPoints: [{ timeUnixNano: now, asDouble: value, attributes: otlpAttributes(attributes) }] },
              },
            ],
          },
        ],
      },
    ],
  };
}

/** A monotonic cumulative counter (an OTel Counter) with one data point, recorded by meter `scope`. */
export function counterRequest(
  service: Attributes,
  scope: string,
  name: string,
  value: number,
  attributes: Attributes = {},
): unknown {
  const now = String(BigInt(Date.now()) * NANOS_PER_MS);
  return {
    resourceMetrics: [
      {
        resource: { attributes: otlpAttributes(service) },
        scopeMetrics: [
          {
            scope: { name: scope },
            metrics: [
              {
                name,
                sum: {
                  aggregationTemporality: 2,
                  isMonotonic: true,
                  dataPoints: [
                    {
                      startTimeUnixNano: START_NANOS,
                      timeUnixNano: now,
                      asDouble: value,
                      attributes: otlpAttributes(attributes),
                    },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  };
}

/** One cumulative histogram data point: its bucket bounds and the values recorded into it. */
export interface HistogramSpec {
  name: string;
  unit: string;
  bounds: readonly number[];
  values: readonly number[];
  attributes: Attributes;
}

/** Cumulative explicit-bucket histograms (OTel Histograms), one data point each, recorded by meter `scope`. */
export function histogramsRequest(service: Attributes, scope: string, histograms: readonly HistogramSpec[]): unknown {
  const now = String(BigInt(Date.now()) * NANOS_PER_MS);
  return {
    resourceMetrics: [
      {
        resource: { attributes: otlpAttributes(service) },
        scopeMetrics: [
          {
            scope: { name: scope },
            metrics: histograms.map((h) => {
              // Bucket i holds values <= bounds[i] (and > bounds[i-1]); the last, values above every bound.
              const counts = Array.from({ length: h.bounds.length + 1 }, () => 0);
              for (const v of h.values) {
                const i = h.bounds.findIndex((b) => v <= b);
                counts[i === -1 ? h.bounds.length : i]! += 1;
              }
              return {
                name: h.name,
                unit: h.unit,
                histogram: {
                  aggregationTemporality: 2,
                  dataPoints: [
                    {
                      startTimeUnixNano: START_NANOS,
                      timeUnixNano: now,
                      count: String(h.values.length),
                      sum: h.values.reduce((a, b) => a + b, 0),
                      bucketCounts: counts.map(String),
                      explicitBounds: h.bounds,
                      attributes: otlpAttributes(h.attributes),
                    },
                  ],
                },
              };
            }),
          },
        ],
      },
    ],
  };
}

/** Posts OTLP/JSON over HTTPS with the client certificate in `certDir`; resolves with the HTTP status. */
export function postOtlp(
  port: number,
  signal: 'traces' | 'logs' | 'metrics',
  body: unknown,
  certDir: string,
  serverName: string,
): Promise<number> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port,
        path: `/v1/${signal}`,
        method: 'POST',
        servername: serverName,
        ca: fs.readFileSync(path.join(certDir, 'ca.crt')),
        cert: fs.readFileSync(path.join(certDir, 'tls.crt')),
        key: fs.readFileSync(path.join(certDir, 'tls.key')),
        minVersion: 'TLSv1.3',
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** POSTs a body over mTLS with the app's certificate to a path of a local port; resolves the status. */
export function postTls(
  port: number,
  urlPath: string,
  body: Buffer | string,
  contentType: string,
  certDir: string,
  serverName: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port,
        path: urlPath,
        method: 'POST',
        servername: serverName,
        ca: fs.readFileSync(path.join(certDir, 'ca.crt')),
        cert: fs.readFileSync(path.join(certDir, 'tls.crt')),
        key: fs.readFileSync(path.join(certDir, 'tls.key')),
        minVersion: 'TLSv1.3',
        headers: { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A failed span as a Zipkin v2 JSON sender (zipkin-js, Brave) posts it to /api/v2/spans. */
export function zipkinSpans(service: string, traceId: string, name: string, durationMs: number): string {
  return JSON.stringify([
    {
      traceId,
      id: newSpanId(),
      name,
      kind: 'SERVER',
      timestamp: Date.now() * 1000 - durationMs * 1000,
      duration: durationMs * 1000,
      localEndpoint: { serviceName: service },
      tags: { error: 'upstream refused', 'http.method': 'GET' },
    },
  ]);
}

/**
 * A failed span as jaeger-client posts it to a collector's /api/traces: a Jaeger Thrift `Batch`
 * (jaeger.thrift) in Thrift's binary protocol, written out field by field.
 */
export function jaegerThriftBatch(service: string, traceId: string, name: string, durationMs: number): Buffer {
  const parts: Buffer[] = [];
  const field = (type: number, id: number) => {
    const b = Buffer.alloc(3);
    b.writeUInt8(type, 0);
    b.writeInt16BE(id, 1);
    parts.push(b);
  };
  const i32 = (v: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    parts.push(b);
  };
  const i64 = (v: bigint) => {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(BigInt.asIntN(64, v));
    parts.push(b);
  };
  const str = (s: string) => {
    i32(Buffer.byteLength(s));
    parts.push(Buffer.from(s));
  };
  const stop = () => parts.push(Buffer.from([0]));
  const [STRING, I32, I64, STRUCT, LIST, BOOL] = [11, 8, 10, 12, 15, 2];
  const micros = BigInt(Date.now()) * 1000n;
  // Batch.process: Process { 1: serviceName }
  field(STRUCT, 1);
  field(STRING, 1);
  str(service);
  stop();
  // Batch.spans: list<Span> of one
  field(LIST, 2);
  parts.push(Buffer.from([STRUCT]));
  i32(1);
  field(I64, 1);
  i64(BigInt(`0x${traceId.slice(16)}`)); // traceIdLow
  field(I64, 2);
  i64(BigInt(`0x${traceId.slice(0, 16)}`)); // traceIdHigh
  field(I64, 3);
  i64(BigInt(`0x${newSpanId()}`)); // spanId
  field(I64, 4);
  i64(0n); // parentSpanId: a root span
  field(STRING, 5);
  str(name); // operationName
  field(I32, 7);
  i32(1); // flags: sampled
  field(I64, 8);
  i64(micros - BigInt(durationMs) * 1000n); // startTime
  field(I64, 9);
  i64(BigInt(durationMs) * 1000n); // duration
  // tags: list<Tag> of one, error=true (Tag { 1: key, 2: vType BOOL=2, 5: vBool })
  field(LIST, 10);
  parts.push(Buffer.from([STRUCT]));
  i32(1);
  field(STRING, 1);
  str('error');
  field(I32, 2);
  i32(2);
  field(BOOL, 5);
  parts.push(Buffer.from([1]));
  stop();
  stop(); // end of Span
  stop(); // end of Batch
  return Buffer.concat(parts);
}
