/**
 * Agent-aware tail sampling (collector.sampling: keepToolErrors, tokensPerCallAbove, agentTraceSpansAbove),
 * judged by the real programs: one gateway rendered with low thresholds, with the other rules out of
 * the way (no error rule, no trace lasts the latency threshold, a baseline of 0%), sending spans to a
 * real Jaeger v2 that writes to the recording Elasticsearch stand-in (the trace store), with the
 * rewrites of pipeline.ts (REWRITES). An app sends traces each rule must keep and near misses it must
 * drop, all at once; once the gateway has decided every trace, the test reads which traces the store
 * holds, and what each policy decided from the gateway's own metrics.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { resolveConfig } from '../../src/config/loader';
import { synthStack } from '../helpers';
import { podEnv } from '../judge';
import { requireTool } from '../tools';
import { Attributes, newSpanId, newTraceId, otlpAttributes, postOtlp } from './otlp';
import { LocalPeers, localizeConfigFile, LocalPod, writeStackPki } from './pipeline';
import { elasticsearchStub, logstashStub } from './stubs';
import { parseExposition, Processes, waitFor } from './support';

const bins = { otelcol: requireTool('otelcol'), jaeger: requireTool('jaeger') };

const TOKENS = 1000;
const SPANS = 10;
const config = resolveConfig({
  collector: {
    sampling: {
      keepErrors: false,
      keepToolErrors: true,
      tokensPerCallAbove: TOKENS,
      agentTraceSpansAbove: SPANS,
      latencyThreshold: '1h',
      percentage: 0,
      decisionWait: '2s',
      decisionWaitAfterRoot: '1s',
    },
  },
});

// ---- the traces: a root span and its children ----------------------------------------------------

type Status = 'ok' | 'error' | 'unset';
interface Span {
  name: string;
  attributes?: Attributes;
  status?: Status;
}
const STATUS_CODE: Record<Status, number> = { unset: 0, ok: 1, error: 2 };

const agent = (): Span => ({
  name: 'invoke_agent planner',
  attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner' },
});
const chat = (input?: number | string, output?: number, status: Status = 'ok'): Span => ({
  name: 'chat gpt-4o',
  attributes: {
    'gen_ai.operation.name': 'chat',
    'gen_ai.request.model': 'gpt-4o',
    ...(input !== undefined ? { 'gen_ai.usage.input_tokens': input } : {}),
    ...(output !== undefined ? { 'gen_ai.usage.output_tokens': output } : {}),
    ...(status === 'error' ? { 'error.type': 'rate_limited' } : {}),
  },
  status,
});
const tool = (status: Status, errorType?: string): Span => ({
  name: 'execute_tool get_weather',
  attributes: {
    'gen_ai.operation.name': 'execute_tool',
    'gen_ai.tool.name': 'get_weather',
    ...(errorType ? { 'error.type': errorType } : {}),
  },
  status,
});
const http = (status: Status): Span => ({
  name: 'GET /forecast',
  attributes: { 'http.request.method': 'GET' },
  status,
});
/** `n` spans of an agent loop's iterations: model and tool calls in turn. */
const iterations = (n: number): Span[] =>
  Array.from({ length: n }, (_, i) => (i % 2 === 0 ? chat(10, 10) : tool('ok')));

/** Each case: the trace it sends (the first span is the root, the others its children) and whether it must be kept. */
const CASES: Array<{ name: string; keep: boolean; spans: Span[] }> = [
  // keepToolErrors
  {
    name: 'a tool call that failed (status ERROR) in an agent run',
    keep: true,
    spans: [agent(), chat(10, 10), tool('error', 'ToolError')],
  },
  {
    name: 'a tool call that failed with error.type only (status unset)',
    keep: true,
    spans: [agent(), chat(10, 10), tool('unset', 'timeout')],
  },
  { name: 'tool calls that succeeded', keep: false, spans: [agent(), chat(10, 10), tool('ok'), tool('unset')] },
  { name: 'a failed model call, not a tool call', keep: false, spans: [agent(), chat(10, 10, 'error'), tool('ok')] },
  // A tool call and a failure on different spans: no failed tool call (an `and` of two policies would keep it).
  {
    name: 'a tool call that succeeded and a failed HTTP call beside it',
    keep: false,
    spans: [agent(), tool('ok'), http('error')],
  },
  // tokensPerCallAbove
  {
    name: `one model call of ${TOKENS + 1} tokens`,
    keep: true,
    spans: [agent(), chat(10, 10), chat(600, TOKENS - 599)],
  },
  {
    name: `one model call of ${TOKENS + 1} output tokens, no input count`,
    keep: true,
    spans: [agent(), chat(undefined, TOKENS + 1)],
  },
  {
    name: `one model call whose input count is the string "${TOKENS + 500}"`,
    keep: true,
    spans: [agent(), chat(String(TOKENS + 500), 0)],
  },
  { name: `one model call of exactly ${TOKENS} tokens`, keep: false, spans: [agent(), chat(600, TOKENS - 600)] },
  {
    name: `model calls of ${TOKENS * 0.6} tokens each, ${TOKENS * 1.8} together`,
    keep: false,
    spans: [agent(), chat(300, 300), chat(300, 300), chat(300, 300)],
  },
  // agentTraceSpansAbove
  { name: `an agent run of ${SPANS + 1} spans`, keep: true, spans: [agent(), ...iterations(SPANS)] },
  { name: `an agent run of exactly ${SPANS} spans`, keep: false, spans: [agent(), ...iterations(SPANS - 1)] },
  // A run still going at the decision: its invoke_agent span (ending last) has not arrived, its tool calls have.
  {
    name: `a loop of ${SPANS + 1} spans with tool calls, its agent span not arrived`,
    keep: true,
    spans: [http('ok'), ...iterations(SPANS)],
  },
  {
    name: `${SPANS + 1} spans without an agent or a tool call`,
    keep: false,
    spans: [http('ok'), ...Array.from({ length: SPANS }, () => chat(10, 10))],
  },
];

const GATEWAY = 'otel-collector.observability.svc';
const NANOS_PER_MS = 1_000_000n;

let dir: string;
let pkiDir: string;
let gateway: LocalPod;
const processes = new Processes();
const traceIds = new Map<string, string>();
let elasticsearch: Awaited<ReturnType<typeof elasticsearchStub>>;
let logstash: Awaited<ReturnType<typeof logstashStub>>;

/** Every case's trace in one OTLP/JSON request, as an app's exporter would batch them. */
function request(): unknown {
  const now = BigInt(Date.now()) * NANOS_PER_MS;
  const spans = CASES.flatMap((c) => {
    const traceId = newTraceId();
    traceIds.set(c.name, traceId);
    const rootId = newSpanId();
    return c.spans.map((s, i) => ({
      traceId,
      spanId: i === 0 ? rootId : newSpanId(),
      ...(i === 0 ? {} : { parentSpanId: rootId }),
      name: s.name,
      kind: i === 0 ? 2 : 3,
      startTimeUnixNano: String(now - BigInt(50 - i) * NANOS_PER_MS),
      endTimeUnixNano: String(now - (i === 0 ? 0n : NANOS_PER_MS)),
      attributes: otlpAttributes(s.attributes ?? {}),
      status: { code: STATUS_CODE[s.status ?? 'ok'] },
    }));
  });
  return {
    resourceSpans: [
      {
        resource: { attributes: otlpAttributes({ 'service.name': 'agent-sampling' }) },
        scopeSpans: [{ scope: { name: 'agent-o11y-e2e' }, spans }],
      },
    ],
  };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-o11y-agent-sampling-'));
  const files = synthStack(config).files;
  pkiDir = path.join(dir, 'pki');
  writeStackPki(pkiDir, Object.values(files).flat());
  const basic = `Basic ${Buffer.from('judge-secret-username:judge-secret-password').toString('base64')}`;
  elasticsearch = await elasticsearchStub(path.join(pkiDir, 'elasticsearch-tls'), '9.5.4', basic);
  logstash = await logstashStub(path.join(pkiDir, 'logstash-tls'));

  const jaeger = new LocalPod(files.jaeger, 'jaeger', 'jaeger-0', 'observability', dir, pkiDir);
  gateway = new LocalPod(files['otel-collector'], 'otel-collector', 'otel-collector-0', 'observability', dir, pkiDir);
  await jaeger.allocatePorts();
  await gateway.allocatePorts();
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
  processes.start('otel-collector', bins.otelcol, [`--config=${localize(gateway, '/etc/otelcol/config.yaml')}`], {
    ...podEnv(files['otel-collector'], 'otel-collector'),
    POD_NAME: gateway.podName,
  });
  const healthy = async (url: string) => ((await fetch(url)).ok ? true : undefined);
  try {
    await waitFor('jaeger to be healthy', () => healthy(`http://127.0.0.1:${jaeger.port(13133)}/status`));
    await waitFor('the gateway to be healthy', () => healthy(`http://127.0.0.1:${gateway.port(13133)}/`));
    expect(await postOtlp(gateway.port(4318), 'traces', request(), path.join(pkiDir, 'app'), GATEWAY)).toBe(200);
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${processes.tail()}`, { cause: e });
  }
}, 60_000);

afterAll(async () => {
  await processes.stopAll();
  await Promise.all([elasticsearch?.close(), logstash?.close()]);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** The gateway's count of traces each tail-sampling policy (or all of them, `global`) kept and did not keep. */
async function decisions(): Promise<Map<string, { kept: number; notKept: number }>> {
  const text = await (await fetch(`http://127.0.0.1:${gateway.portByName('metrics')}/metrics`)).text();
  const counts = new Map<string, { kept: number; notKept: number }>();
  for (const s of parseExposition(text).samples) {
    const global = s.name === 'otelcol_processor_tail_sampling_global_count_traces_sampled';
    if (!global && s.name !== 'otelcol_processor_tail_sampling_count_traces_sampled') continue;
    const policy = global ? 'global' : s.labels.policy!;
    const count = counts.get(policy) ?? { kept: 0, notKept: 0 };
    if (s.labels.sampled === 'true') count.kept += s.value;
    else count.notKept += s.value;
    counts.set(policy, count);
  }
  return counts;
}

/** The cases whose trace the store holds. */
function stored(): string[] {
  const ids = new Set(
    elasticsearch.docs
      .filter((d) => d.index.includes('jaeger-span-'))
      .map((d) => (d.doc as unknown as { traceID: string }).traceID),
  );
  return CASES.filter((c) => ids.has(traceIds.get(c.name)!)).map((c) => c.name);
}

const KEPT = CASES.filter((c) => c.keep).map((c) => c.name);

let settling: Promise<void> | undefined;
/**
 * Waits until the gateway has decided every trace (all at once: they arrived together), then until the
 * store holds as many traces as the gateway says it kept: a dropped trace can arrive no later.
 */
function settled(): Promise<void> {
  settling ??= (async () => {
    try {
      const global = await waitFor(
        'the gateway to decide every trace',
        async () => {
          const counted = (await decisions()).get('global');
          return counted && counted.kept + counted.notKept >= CASES.length ? counted : undefined;
        },
        30_000,
      );
      await waitFor(
        `the ${global.kept} traces the gateway kept in the trace store`,
        () => (stored().length >= global.kept ? true : undefined),
        30_000,
      );
    } catch (e) {
      throw new Error(`${(e as Error).message}\nstored: ${JSON.stringify(stored())}\n${processes.tail()}`, {
        cause: e,
      });
    }
  })();
  return settling;
}

test('the trace store holds exactly the traces a rule keeps: a failed tool call, a model call over the token threshold, an agent run over the span threshold', async () => {
  await settled();
  expect(stored()).toEqual(KEPT);
}, 60_000);

test("each rule's policy keeps exactly the traces of its cases, by the gateway's own count", async () => {
  await settled();
  const counts = await decisions();
  const policy = (name: string) => counts.get(name) ?? { kept: 0, notKept: 0 };
  expect({
    tool_errors: policy('tool_errors').kept,
    token_heavy_calls: policy('token_heavy_calls').kept,
    agent_loops: policy('agent_loops').kept,
    baseline: policy('baseline').kept,
    global: policy('global'),
  }).toEqual({
    tool_errors: 2,
    token_heavy_calls: 3,
    agent_loops: 2,
    baseline: 0,
    global: { kept: KEPT.length, notKept: CASES.length - KEPT.length },
  });
}, 60_000);

test('the gateway logs no warning or error evaluating the conditions (no count it could not read)', async () => {
  await settled();
  const complaints = processes.logs.filter((l) => /^\[otel-collector\]/.test(l) && /\t(warn|error)\t/i.test(l));
  expect(complaints).toEqual([]);
}, 60_000);
