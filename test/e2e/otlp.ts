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

export function logsRequest(
  service: Attributes,
  records: Array<{ body: string; attributes?: Attributes; traceId?: string }>,
): unknown {
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
              severityNumber: 9,
              severityText: 'INFO',
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
