/**
 * Log sampling by severity (seed 000 §18.3: INFO 10%, DEBUG 0.1%, errors and the audit stream whole),
 * judged by the real collector: the production profile's rendered gateway config runs as one local
 * process, with the rewrites of pipeline.ts (REWRITES) and the Logstash stand-in as its log backend.
 * An app with a client certificate sends it records of every severity; the test counts what reaches
 * Logstash.
 */
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { resolveConfig } from '../../src/config/loader';
import { configMapData, synthStack } from '../helpers';
import { requireTool } from '../tools';
import { LogSpec, logsRequest, newTraceId, postOtlp } from './otlp';
import { LocalPeers, localizeConfigFile, LocalPod, writeStackPki } from './pipeline';
import { logstashStub, OtlpAttribute } from './stubs';
import { freePort, Processes, waitFor } from './support';
import { podEnv } from '../judge';

const otelcol = requireTool('otelcol');
const config = resolveConfig({ profile: 'production' });
const { debug, info, unspecified } = config.collector.logSampling;

/** Records sent per kind; `percent` is the share the config keeps. */
const KINDS = {
  trace: { n: 5_000, severity: { number: 1, text: 'TRACE' }, percent: debug },
  debug: { n: 20_000, severity: { number: 5, text: 'DEBUG' }, percent: debug },
  info: { n: 4_000, severity: { number: 9, text: 'INFO' }, percent: info },
  warn: { n: 1_000, severity: { number: 13, text: 'WARN' }, percent: 100 },
  error: { n: 1_000, severity: { number: 17, text: 'ERROR' }, percent: 100 },
  fatal: { n: 1_000, severity: { number: 21, text: 'FATAL' }, percent: 100 },
  unspecified: { n: 1_000, severity: { number: 0 }, percent: unspecified },
  // The audit stream, named by the record itself or by its resource: never sampled, whatever the severity.
  'audit-info': { n: 1_000, severity: { number: 9, text: 'INFO' }, percent: 100 },
  'audit-debug': { n: 1_000, severity: { number: 5, text: 'DEBUG' }, percent: 100 },
  // INFO records of 300 traces, 10 each: a trace's records are kept or dropped together.
  'traced-info': { n: 3_000, severity: { number: 9, text: 'INFO' }, percent: info },
} as const;
type Kind = keyof typeof KINDS;
const TRACES = 300;

const SERVICE = { 'service.name': 'ms-agent', 'service.instance.id': 'agent-1' };
const GATEWAY = 'otel-collector.observability.svc';

let dir: string;
let gateway: LocalPod;
let logstash: Awaited<ReturnType<typeof logstashStub>>;
const processes = new Processes();

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-o11y-log-sampling-'));
  const { files } = synthStack(config);
  const pkiDir = path.join(dir, 'pki');
  writeStackPki(pkiDir, Object.values(files).flat());
  logstash = await logstashStub(path.join(pkiDir, 'logstash-tls'));
  gateway = new LocalPod(files['otel-collector'], 'otel-collector', 'otel-collector-0', 'observability', dir, pkiDir);
  await gateway.allocatePorts();
  // Only logs flow here: Jaeger is a closed port, and the trace-ID routing tier resolves this gateway alone.
  const closed = await freePort();
  const peers: LocalPeers = new Map([
    ['logstash', () => logstash.port],
    ['jaeger', () => closed],
  ]);
  const file = localizeConfigFile(gateway, '/etc/otelcol/config.yaml', peers, [gateway.portByName('otlp-sampling')]);
  processes.start('otel-collector-0', otelcol, [`--config=${file}`], podEnv(files['otel-collector'], 'otel-collector'));
  await waitFor('the gateway to be healthy', async () =>
    (await fetch(`http://127.0.0.1:${gateway.port(13133)}/`)).ok ? true : undefined,
  ).catch((e: Error) => {
    throw new Error(`${e.message}\n${processes.tail()}`);
  });
}, 60_000);

afterAll(async () => {
  await processes.stopAll();
  await logstash?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** The records of one kind, each body naming its kind and number. */
function records(kind: Kind, traceIds: readonly string[]): LogSpec[] {
  const { n, severity } = KINDS[kind];
  return Array.from({ length: n }, (_, i) => ({
    body: `${kind} ${i}`,
    severity,
    ...(kind === 'audit-info' ? { attributes: { 'data_stream.dataset': 'audit' } } : {}),
    ...(kind === 'traced-info' ? { traceId: traceIds[i % traceIds.length] } : {}),
  }));
}

async function send(specs: LogSpec[], resource: Record<string, string> = {}): Promise<void> {
  for (let i = 0; i < specs.length; i += 1000) {
    const status = await postOtlp(
      gateway.port(4318),
      'logs',
      logsRequest({ ...SERVICE, ...resource }, specs.slice(i, i + 1000)),
      path.join(dir, 'pki', 'app'),
      GATEWAY,
    );
    expect(status).toBe(200);
  }
}

/** Every record Logstash received: its body, attributes and trace ID. */
function received(): Array<{ body: string; attributes: Record<string, string>; traceId?: string }> {
  return logstash.requests.flatMap((r) =>
    (r.body.resourceLogs ?? []).flatMap((rl) =>
      (rl.scopeLogs ?? []).flatMap((sl) =>
        (sl.logRecords ?? []).map((lr) => ({
          body: lr.body?.stringValue ?? '',
          attributes: Object.fromEntries(
            (lr.attributes ?? []).map((a: OtlpAttribute) => [
              a.key,
              String(a.value.stringValue ?? a.value.doubleValue),
            ]),
          ),
          ...(lr.traceId ? { traceId: lr.traceId } : {}),
        })),
      ),
    ),
  );
}

test('the production gateway keeps INFO, DEBUG and TRACE records at their shares, every WARN, ERROR and FATAL record and the whole audit stream', async () => {
  expect([info, debug]).toEqual([10, 0.1]);
  const traceIds = Array.from({ length: TRACES }, () => newTraceId());
  // Interleaved, as an app's records are: the kinds of every batch mixed.
  const all = (Object.keys(KINDS) as Kind[])
    .filter((k) => k !== 'audit-debug')
    .flatMap((kind) => records(kind, traceIds))
    .map((r) => ({ r, order: randomUUID() }))
    .sort((a, b) => a.order.localeCompare(b.order))
    .map(({ r }) => r);
  await send(all);
  await send(records('audit-debug', traceIds), { 'data_stream.dataset': 'audit' });

  const kindOf = (body: string) => body.split(' ')[0] as Kind;
  const count = (kind: Kind) =>
    new Set(
      received()
        .filter((r) => kindOf(r.body) === kind)
        .map((r) => r.body),
    ).size;
  const whole = (Object.keys(KINDS) as Kind[]).filter((k) => KINDS[k].percent === 100);
  await waitFor(
    'every record that is never sampled at Logstash',
    () => (whole.every((k) => count(k) === KINDS[k].n) ? true : undefined),
    60_000,
  ).catch((e: Error) => {
    throw new Error(
      `${e.message}: ${JSON.stringify(Object.fromEntries(whole.map((k) => [k, count(k)])))}\n${processes.tail()}`,
    );
  });
  // The sampled records were sent with them; let the last batch (5 s timeout) arrive.
  let settled = received().length;
  await waitFor(
    'no more records for 6 s',
    async () => {
      await new Promise((r) => setTimeout(r, 6_000));
      const now = received().length;
      const done = now === settled;
      settled = now;
      return done ? true : undefined;
    },
    60_000,
  );

  const got = received();
  // A trace's records at one severity share its fate: the unit sampled is the trace.
  const tracedKept = new Map<string, number>();
  for (const r of got.filter((x) => kindOf(x.body) === 'traced-info'))
    tracedKept.set(r.traceId ?? '', (tracedKept.get(r.traceId ?? '') ?? 0) + 1);
  const lines: string[] = [];
  for (const [kind, { n, percent }] of Object.entries(KINDS) as Array<[Kind, (typeof KINDS)[Kind]]>) {
    const [units, kept, unit] = kind === 'traced-info' ? [TRACES, tracedKept.size, 'traces'] : [n, count(kind), ''];
    const p = percent / 100;
    const sigma = Math.sqrt(units * p * (1 - p));
    const [low, high] = [Math.max(0, Math.floor(units * p - 4 * sigma)), Math.ceil(units * p + 4 * sigma)];
    lines.push(
      `${kind}: kept ${kept}/${units}${unit && ` ${unit}`} (${percent}%: expected ${units * p} ± 4σ = [${low}, ${high}])`,
    );
    expect([kind, kept >= low && kept <= high]).toEqual([kind, true]);
  }
  console.log(`log sampling (production):\n${lines.join('\n')}`);
  // Nothing arrives twice, and every kept trace arrived whole.
  expect(got.length).toBe(new Set(got.map((r) => r.body)).size);
  expect([...tracedKept.values()].filter((c) => c !== KINDS['traced-info'].n / TRACES)).toEqual([]);

  // What the sampling wrote is gone, but a record kept at less than 100% says so (OpenTelemetry's th).
  const attributeKeys = new Set(got.flatMap((r) => Object.keys(r.attributes)));
  for (const key of ['sampling.priority', 'sampling.key', 'sampling.randomness'])
    expect(attributeKeys).not.toContain(key);
  const threshold = (kind: Kind) =>
    new Set(got.filter((r) => kindOf(r.body) === kind).map((r) => r.attributes['sampling.threshold']));
  expect(threshold('info')).toEqual(new Set(['e666']));
  expect(threshold('debug')).toEqual(new Set(['ffbe77']));
  for (const kind of ['warn', 'error', 'fatal', 'unspecified', 'audit-info', 'audit-debug'] as const)
    expect([kind, threshold(kind)]).toEqual([kind, new Set([undefined])]);
}, 180_000);

test("the dev profile's gateway samples no logs", () => {
  const dev = yaml.load(
    configMapData(
      synthStack(resolveConfig({ profile: 'dev' })).files['otel-collector'],
      'otel-collector',
      'config.yaml',
    ),
  ) as { service: { pipelines: { logs: { processors: string[] } } } };
  expect(dev.service.pipelines.logs.processors).toEqual([
    'memory_limiter',
    'transform/genai_content',
    'transform/redact',
    'resource',
    'batch',
  ]);
});
