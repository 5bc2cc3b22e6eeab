/**
 * The content policy for prompts and completions (genai.content), judged by the real programs: three
 * gateways, each rendered with one mode (drop, hash, keep), run side by side with the rewrites of
 * pipeline.ts (REWRITES), sending spans to one real Jaeger v2 (writing to the recording Elasticsearch
 * stand-in, the trace store) and logs to the recording stand-in of Logstash's `http` input. An app sends
 * each gateway the same GenAI spans, span events and event log records, every content value in the
 * forms instrumentations use (string, structured, older indexed attributes, event bodies); the test
 * reads what the stores received.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CONTENT_STREAM } from '../../constructs/genai-content';
import { resolveConfig } from '../../src/config/loader';
import { GenAiContentConfig } from '../../src/config/types';
import { synthStack } from '../helpers';
import { podEnv } from '../judge';
import { requireTool } from '../tools';
import { newSpanId, newTraceId, postOtlp } from './otlp';
import { LocalPeers, localizeConfigFile, LocalPod, writeStackPki } from './pipeline';
import { elasticsearchStub, logstashStub } from './stubs';
import { Processes, waitFor } from './support';

const bins = { otelcol: requireTool('otelcol'), jaeger: requireTool('jaeger') };
const MODES = ['drop', 'hash', 'keep'] as const;
type Mode = GenAiContentConfig['mode'];

/** Each mode's config: every trace kept, decided 2 s after its root span (dev: no log sampling). */
const configFor = (mode: Mode) =>
  resolveConfig({
    collector: { sampling: { percentage: 100, decisionWait: '2s', decisionWaitAfterRoot: '1s' } },
    genai: { content: { mode } },
  });

// ---- OTLP/JSON values of every shape ------------------------------------------------------------

type Json = string | number | boolean | Json[] | { [key: string]: Json };
type AnyValue = Record<string, unknown>;

function anyValue(v: Json): AnyValue {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return { intValue: String(v) };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } };
  return { kvlistValue: { values: Object.entries(v).map(([key, x]) => ({ key, value: anyValue(x) })) } };
}

const kv = (attributes: Record<string, Json>) =>
  Object.entries(attributes).map(([key, value]) => ({ key, value: anyValue(value) }));

/** A value as the collector turns it into text before hashing: a string itself, a structure its JSON with keys sorted (Go's encoding/json). */
function text(v: Json): string {
  if (typeof v === 'string') return v;
  const sorted = (x: Json): Json =>
    Array.isArray(x)
      ? x.map(sorted)
      : typeof x === 'object'
        ? Object.fromEntries(
            Object.keys(x)
              .sort()
              .map((k) => [k, sorted(x[k]!)]),
          )
        : x;
  return JSON.stringify(sorted(v));
}
const sha256 = (v: Json) => createHash('sha256').update(text(v)).digest('hex');

// ---- what the app sends: every content value holds SECRET ---------------------------------------

const MARK = 'SECRET';
const INPUT_MESSAGES: Json = [
  { role: 'user', parts: [{ type: 'text', content: `${MARK} what is the weather in Paris` }] },
];
const OUTPUT_MESSAGES: Json = [
  { role: 'assistant', parts: [{ type: 'text', content: `${MARK} sunny, 21 degrees` }], finish_reason: 'stop' },
];

/** The content attributes of the chat span: current (structured and string) and older (flat and indexed). */
const SPAN_CONTENT: Record<string, Json> = {
  'gen_ai.input.messages': INPUT_MESSAGES,
  'gen_ai.output.messages': JSON.stringify(OUTPUT_MESSAGES),
  'gen_ai.system_instructions': [{ type: 'text', content: `${MARK} you are a travel agent` }],
  'gen_ai.tool.call.arguments': `{"city":"${MARK} Paris"}`,
  'gen_ai.tool.call.result': `{"forecast":"${MARK} sunny"}`,
  'gen_ai.prompt': `${MARK} legacy prompt`,
  'gen_ai.completion': `${MARK} legacy completion`,
  'gen_ai.prompt.0.role': 'user',
  'gen_ai.prompt.0.content': `${MARK} indexed prompt`,
  'gen_ai.completion.0.content': `${MARK} indexed completion`,
  'gen_ai.completion.0.tool_calls.0.arguments': `{"q":"${MARK}"}`,
};
/** What is no content and stays as sent. */
const SPAN_KEPT: Record<string, Json> = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.request.model': 'gpt-4o',
  'gen_ai.usage.input_tokens': 42,
  'gen_ai.input.messages_ref': 'gs://prompts/run-1/input.jsonl',
};
/** Span events and their content attributes. */
const SPAN_EVENTS: Array<{ name: string; content: Record<string, Json> }> = [
  { name: 'gen_ai.content.prompt', content: { 'gen_ai.prompt': `${MARK} event prompt` } },
  { name: 'gen_ai.content.completion', content: { 'gen_ai.completion': `${MARK} event completion` } },
  {
    name: 'gen_ai.client.inference.operation.details',
    content: { 'gen_ai.input.messages': INPUT_MESSAGES, 'gen_ai.output.messages': OUTPUT_MESSAGES },
  },
];

/** Log records: the content events (named by `eventName` or the older `event.name`), and two plain records. */
interface RecordSpec {
  id: string;
  eventName?: string;
  body?: Json;
  attributes: Record<string, Json>;
  /** Attributes of it that are content. */
  content: string[];
  /** Whether its body is content. */
  contentBody: boolean;
}
const RECORDS: RecordSpec[] = [
  {
    id: 'user-message',
    eventName: 'gen_ai.user.message',
    body: { role: 'user', content: `${MARK} book me a flight` },
    attributes: {},
    content: [],
    contentBody: true,
  },
  {
    id: 'choice',
    body: { index: 0, finish_reason: 'stop', message: { role: 'assistant', content: `${MARK} booked` } },
    attributes: { 'event.name': 'gen_ai.choice' },
    content: [],
    contentBody: true,
  },
  {
    id: 'system-message',
    eventName: 'gen_ai.system.message',
    body: `${MARK} you are a booking agent`,
    attributes: {},
    content: [],
    contentBody: true,
  },
  {
    id: 'details',
    eventName: 'gen_ai.client.inference.operation.details',
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.input.messages': JSON.stringify(INPUT_MESSAGES),
      'gen_ai.output.messages': OUTPUT_MESSAGES,
    },
    content: ['gen_ai.input.messages', 'gen_ai.output.messages'],
    contentBody: false,
  },
  {
    id: 'tool-log',
    body: 'tool get_weather finished',
    attributes: { 'gen_ai.tool.name': 'get_weather', 'gen_ai.tool.call.result': `${MARK} sunny` },
    content: ['gen_ai.tool.call.result'],
    contentBody: false,
  },
  {
    id: 'plain',
    body: 'agent started',
    attributes: { 'gen_ai.request.model': 'gpt-4o' },
    content: [],
    contentBody: false,
  },
];
const carriesContent = (r: RecordSpec) => r.contentBody || r.content.length > 0 || r.eventName !== undefined;

const GATEWAY = 'otel-collector.observability.svc';
const NANOS = () => String(BigInt(Date.now()) * 1_000_000n);

let dir: string;
let pkiDir: string;
const processes = new Processes();
const gateways = new Map<Mode, LocalPod>();
const traceIds = new Map<Mode, string>();
let elasticsearch: Awaited<ReturnType<typeof elasticsearchStub>>;
let logstash: Awaited<ReturnType<typeof logstashStub>>;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-o11y-genai-content-'));
  const stacks = new Map(MODES.map((m) => [m, synthStack(configFor(m)).files]));
  const files = stacks.get('drop')!;
  pkiDir = path.join(dir, 'pki');
  // Every mode's stack names the same certificates: one throwaway CA serves all.
  writeStackPki(pkiDir, Object.values(files).flat());
  const basic = `Basic ${Buffer.from('judge-secret-username:judge-secret-password').toString('base64')}`;
  elasticsearch = await elasticsearchStub(path.join(pkiDir, 'elasticsearch-tls'), '9.5.4', basic);
  logstash = await logstashStub(path.join(pkiDir, 'logstash-tls'));

  const jaeger = new LocalPod(files.jaeger, 'jaeger', 'jaeger-0', 'observability', dir, pkiDir);
  await jaeger.allocatePorts();
  for (const mode of MODES) {
    const pod = new LocalPod(
      stacks.get(mode)!['otel-collector'],
      'otel-collector',
      `otel-collector-${mode}`,
      'observability',
      dir,
      pkiDir,
    );
    await pod.allocatePorts();
    gateways.set(mode, pod);
  }
  const peers: LocalPeers = new Map([
    ['jaeger', (p: number) => jaeger.port(p)],
    ['elasticsearch', () => elasticsearch.port],
    ['logstash', () => logstash.port],
  ]);
  const localize = (pod: LocalPod, inside: string) => localizeConfigFile(pod, inside, peers);
  processes.start(
    'jaeger',
    bins.jaeger,
    ['--config', localize(jaeger, '/etc/jaeger/config.yaml')],
    podEnv(files.jaeger, 'jaeger'),
  );
  for (const [mode, pod] of gateways)
    processes.start(pod.podName, bins.otelcol, [`--config=${localize(pod, '/etc/otelcol/config.yaml')}`], {
      ...podEnv(stacks.get(mode)!['otel-collector'], 'otel-collector'),
      POD_NAME: pod.podName,
    });
  const healthy = async (url: string) => ((await fetch(url)).ok ? true : undefined);
  try {
    await waitFor('jaeger to be healthy', () => healthy(`http://127.0.0.1:${jaeger.port(13133)}/status`));
    for (const pod of gateways.values())
      await waitFor(`${pod.podName} to be healthy`, () => healthy(`http://127.0.0.1:${pod.port(13133)}/`));
    await Promise.all(MODES.map(send));
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${processes.tail()}`, { cause: e });
  }
}, 60_000);

afterAll(async () => {
  await processes.stopAll();
  await Promise.all([elasticsearch?.close(), logstash?.close()]);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Sends one mode's gateway the chat span with its events and the log records, as service `content-<mode>`. */
async function send(mode: Mode): Promise<void> {
  const pod = gateways.get(mode)!;
  const traceId = newTraceId();
  traceIds.set(mode, traceId);
  const resource = { attributes: kv({ 'service.name': `content-${mode}` }) };
  const now = NANOS();
  const span = {
    traceId,
    spanId: newSpanId(),
    name: 'chat gpt-4o',
    kind: 3,
    startTimeUnixNano: String(BigInt(now) - 20_000_000n),
    endTimeUnixNano: now,
    attributes: kv({ ...SPAN_KEPT, ...SPAN_CONTENT }),
    events: SPAN_EVENTS.map((e) => ({
      timeUnixNano: now,
      name: e.name,
      attributes: kv({ 'gen_ai.provider.name': 'openai', ...e.content }),
    })),
    status: { code: 1 },
  };
  const certDir = path.join(pkiDir, 'app');
  expect(
    await postOtlp(
      pod.port(4318),
      'traces',
      { resourceSpans: [{ resource, scopeSpans: [{ scope: { name: 'genai' }, spans: [span] }] }] },
      certDir,
      GATEWAY,
    ),
  ).toBe(200);
  const logRecords = RECORDS.map((r) => ({
    timeUnixNano: now,
    severityNumber: 9,
    severityText: 'INFO',
    ...(r.eventName ? { eventName: r.eventName } : {}),
    ...(r.body !== undefined ? { body: anyValue(r.body) } : {}),
    attributes: kv({ 'record.id': r.id, ...r.attributes }),
  }));
  expect(
    await postOtlp(
      pod.port(4318),
      'logs',
      { resourceLogs: [{ resource, scopeLogs: [{ scope: { name: 'genai' }, logRecords }] }] },
      certDir,
      GATEWAY,
    ),
  ).toBe(200);
}

// ---- what the stores received --------------------------------------------------------------------

interface StoredTag {
  key: string;
  value: unknown;
}
interface StoredSpan {
  traceID: string;
  tags?: StoredTag[];
  tag?: Record<string, unknown>;
  logs?: Array<{ fields: StoredTag[] }>;
}

/** The span document Jaeger wrote for a mode's trace. */
function storedSpan(mode: Mode): StoredSpan | undefined {
  return elasticsearch.docs
    .filter((d) => d.index.includes('jaeger-span-'))
    .map((d) => d.doc as unknown as StoredSpan)
    .find((s) => s.traceID === traceIds.get(mode));
}

/** A span's tags by key, whether Jaeger wrote them as a list or as fields (`.` spelt `@`). */
function tags(span: StoredSpan): Record<string, unknown> {
  return {
    ...Object.fromEntries((span.tags ?? []).map((t) => [t.key, t.value])),
    ...Object.fromEntries(Object.entries(span.tag ?? {}).map(([k, v]) => [k.replace(/@/g, '.'), v])),
  };
}

/** An event's fields by key. */
function fields(span: StoredSpan, event: string): Record<string, unknown> {
  const log = (span.logs ?? []).find((l) => l.fields.some((f) => f.key === 'event' && f.value === event));
  if (!log) throw new Error(`no event ${event} in ${JSON.stringify(span.logs)}`);
  return Object.fromEntries(log.fields.map((f) => [f.key, f.value]));
}

interface StoredRecord {
  id: string;
  body: unknown;
  attributes: Record<string, unknown>;
  /** The record exactly as Logstash received it. */
  raw: string;
}

function plain(v: Record<string, unknown> | undefined): unknown {
  if (!v) return undefined;
  if ('stringValue' in v) return v.stringValue;
  if ('intValue' in v) return Number(v.intValue);
  if ('boolValue' in v) return v.boolValue;
  if ('arrayValue' in v) return ((v.arrayValue as { values?: AnyValue[] }).values ?? []).map(plain);
  if ('kvlistValue' in v)
    return Object.fromEntries(
      ((v.kvlistValue as { values?: Array<{ key: string; value: AnyValue }> }).values ?? []).map((x) => [
        x.key,
        plain(x.value),
      ]),
    );
  return undefined;
}

/** The log records Logstash received from a mode's gateway. */
function storedRecords(mode: Mode): StoredRecord[] {
  return logstash.requests.flatMap((r) =>
    (r.body.resourceLogs ?? [])
      .filter((rl) => rl.resource?.attributes?.some((a) => a.value.stringValue === `content-${mode}`))
      .flatMap((rl) =>
        (rl.scopeLogs ?? []).flatMap((sl) =>
          (sl.logRecords ?? []).map((lr) => {
            const attributes = Object.fromEntries(
              (lr.attributes ?? []).map((a) => [a.key, plain(a.value as Record<string, unknown>)]),
            );
            return {
              id: String(attributes['record.id']),
              body: plain(lr.body as Record<string, unknown> | undefined),
              attributes,
              raw: JSON.stringify(lr),
            };
          }),
        ),
      ),
  );
}

/** Waits for a mode's span in the trace store and all its records at Logstash. */
async function arrived(mode: Mode): Promise<{ span: StoredSpan; records: Map<string, StoredRecord> }> {
  try {
    const span = await waitFor(`the ${mode} span in the trace store`, () => storedSpan(mode), 30_000);
    const records = await waitFor(
      `the ${mode} records at Logstash`,
      () => {
        const got = storedRecords(mode);
        return got.length >= RECORDS.length ? got : undefined;
      },
      30_000,
    );
    expect(records).toHaveLength(RECORDS.length);
    return { span, records: new Map(records.map((r) => [r.id, r])) };
  } catch (e) {
    throw new Error(
      `${(e as Error).message}\nElasticsearch: ${elasticsearch.docs.length} documents, unexpected ${JSON.stringify(elasticsearch.unexpected)}; ` +
        `Logstash: ${logstash.requests.length} requests\n${processes.tail()}`,
      { cause: e },
    );
  }
}

/** Every span document and every log record of a mode, as stored, in one text. */
function everything(mode: Mode, span: StoredSpan, records: Map<string, StoredRecord>): string {
  return JSON.stringify(span) + [...records.values()].map((r) => r.raw).join('\n');
}

// ---- the modes -------------------------------------------------------------------------------------

test('drop: no content reaches the trace store or Logstash; everything else arrives as sent', async () => {
  const { span, records } = await arrived('drop');
  expect(everything('drop', span, records)).not.toContain(MARK);
  const spanTags = tags(span);
  for (const key of Object.keys(SPAN_CONTENT)) expect([key, spanTags[key]]).toEqual([key, undefined]);
  expect(spanTags).toMatchObject({ ...SPAN_KEPT, 'gen_ai.usage.input_tokens': 42 });
  for (const event of SPAN_EVENTS) {
    const f = fields(span, event.name);
    for (const key of Object.keys(event.content))
      expect([event.name, key, f[key]]).toEqual([event.name, key, undefined]);
    expect(f['gen_ai.provider.name']).toBe('openai');
  }
  for (const spec of RECORDS) {
    const got = records.get(spec.id)!;
    for (const key of spec.content) expect([spec.id, key, got.attributes[key]]).toEqual([spec.id, key, undefined]);
    // A content event keeps its name and other attributes, and its body is emptied; other records keep theirs.
    expect([spec.id, got.body]).toEqual([spec.id, spec.contentBody ? '' : spec.body]);
    expect(got.attributes['data_stream.dataset']).toBeUndefined();
  }
  expect(records.get('tool-log')!.attributes['gen_ai.tool.name']).toBe('get_weather');
  expect(records.get('choice')!.attributes['event.name']).toBe('gen_ai.choice');
}, 60_000);

test('hash: each content value reaches the stores as the SHA-256 of its text, exactly, and nothing in clear', async () => {
  const { span, records } = await arrived('hash');
  expect(everything('hash', span, records)).not.toContain(MARK);
  const spanTags = tags(span);
  for (const [key, value] of Object.entries(SPAN_CONTENT)) expect([key, spanTags[key]]).toEqual([key, sha256(value)]);
  expect(spanTags).toMatchObject(SPAN_KEPT);
  for (const event of SPAN_EVENTS) {
    const f = fields(span, event.name);
    for (const [key, value] of Object.entries(event.content))
      expect([event.name, key, f[key]]).toEqual([event.name, key, sha256(value)]);
  }
  for (const spec of RECORDS) {
    const got = records.get(spec.id)!;
    for (const key of spec.content)
      expect([spec.id, key, got.attributes[key]]).toEqual([spec.id, key, sha256(spec.attributes[key]!)]);
    expect([spec.id, got.body]).toEqual([spec.id, spec.contentBody ? sha256(spec.body!) : spec.body]);
  }
  // Equal content, equal hash: the structured messages on the span and in its event.
  expect(fields(span, 'gen_ai.client.inference.operation.details')['gen_ai.input.messages']).toBe(
    spanTags['gen_ai.input.messages'],
  );
}, 60_000);

test('keep: spans keep no content; every record carrying it goes whole to the content stream, and no other does', async () => {
  const { span, records } = await arrived('keep');
  expect(JSON.stringify(span)).not.toContain(MARK);
  const spanTags = tags(span);
  for (const key of Object.keys(SPAN_CONTENT)) expect([key, spanTags[key]]).toEqual([key, undefined]);
  for (const spec of RECORDS) {
    const got = records.get(spec.id)!;
    if (carriesContent(spec)) {
      expect([spec.id, got.attributes['data_stream.dataset']]).toEqual([spec.id, CONTENT_STREAM]);
      expect([spec.id, got.body]).toEqual([spec.id, spec.body]);
      for (const key of spec.content)
        expect([spec.id, key, got.attributes[key]]).toEqual([spec.id, key, spec.attributes[key]]);
    } else {
      expect([spec.id, got.attributes['data_stream.dataset']]).toEqual([spec.id, undefined]);
    }
  }
  // What goes to the default stream holds no content.
  const defaultStream = [...records.values()].filter((r) => r.attributes['data_stream.dataset'] !== CONTENT_STREAM);
  expect(defaultStream.map((r) => r.id)).toEqual(['plain']);
  expect(defaultStream.map((r) => r.raw).join('\n')).not.toContain(MARK);
}, 60_000);

test('no gateway complains about the content statements', () => {
  const complaints = processes.logs.filter(
    (l) => /otel-collector-/.test(l) && /\t(warn|error)\t|deprecat|failed to execute statement/i.test(l),
  );
  expect(complaints).toEqual([]);
});
