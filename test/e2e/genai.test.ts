/**
 * The GenAI catalogue (rules/catalog/genai.ts) judged by the real collector: the rendered gateway runs as
 * one local process (the rewrites of pipeline.ts), an app with a client certificate sends it every GenAI
 * semantic-conventions metric as OTLP histograms with the conventions' units and attributes, and the
 * test reads the gateway's Prometheus exporter as Prometheus does (mTLS, Prometheus' certificate): each
 * catalogued name arrives as a histogram, each series with exactly the labels its catalogue and its
 * delivery give it, and the token counts and durations add up to what was sent.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { DELIVERY_LABELS } from '../../src/lib/metric-labels';
import { GENAI, seriesLabelNames, seriesNames, spanMetricsCatalog } from '../../rules/catalog';
import { resolveConfig } from '../../src/config/loader';
import { synthStack } from '../helpers';
import { requireTool } from '../tools';
import { HistogramSpec, histogramsRequest, newTraceId, postOtlp, SpanSpec, tracesRequest } from './otlp';
import { LocalPeers, localizeConfigFile, LocalPod, writeStackPki } from './pipeline';
import { catalogArrivalTests, freePort, httpsGet, parseExposition, Processes, Sample, waitFor } from './support';
import { podEnv } from '../judge';
import { runPromtool } from '../rules/promtest';

const otelcol = requireTool('otelcol');
const promtool = requireTool('promtool');
/** The span metrics' bound, low enough that the test crosses it. */
const CARDINALITY_LIMIT = 12;
/** The price list of the priced run: per million tokens, in USD. */
const PRICES = { input: 2.5, output: 10 };
const config = resolveConfig({
  genai: { enabled: true, cost: { currency: 'USD', prices: [{ model: 'gpt-4o', ...PRICES }] } },
  collector: { spanMetrics: { cardinalityLimit: CARDINALITY_LIMIT } },
});

/** The app: an agent service in a pod, as the agent's k8s_attributes would describe it. */
const SERVICE = {
  'service.name': 'research-agent',
  'service.instance.id': 'research-agent-1',
  'k8s.namespace.name': 'agents',
  'k8s.pod.name': 'research-agent-6d5f8-k2x9p',
};
const GATEWAY = 'otel-collector.observability.svc';

/** The conventions' attributes of an LLM call (semconv 1.41). */
const CALL = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-4o',
  'gen_ai.response.model': 'gpt-4o-2024-08-06',
  'server.address': 'api.openai.com',
  'server.port': 443,
};
const SECONDS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
const TOKENS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

/** Every metric of the catalogue as an instrumentation following the conventions records it. */
const SENT: Record<string, HistogramSpec[]> = {
  gen_ai_client_token_usage: [
    {
      name: 'gen_ai.client.token.usage',
      unit: '{token}',
      bounds: TOKENS,
      values: [1200, 800],
      attributes: { ...CALL, 'gen_ai.token.type': 'input' },
    },
    {
      name: 'gen_ai.client.token.usage',
      unit: '{token}',
      bounds: TOKENS,
      values: [350, 150],
      attributes: { ...CALL, 'gen_ai.token.type': 'output' },
    },
  ],
  gen_ai_client_operation_duration_seconds: [
    {
      name: 'gen_ai.client.operation.duration',
      unit: 's',
      bounds: SECONDS,
      values: [1.5, 2.5],
      attributes: { ...CALL, 'error.type': 'timeout' },
    },
  ],
  gen_ai_client_operation_time_to_first_chunk_seconds: [
    {
      name: 'gen_ai.client.operation.time_to_first_chunk',
      unit: 's',
      bounds: SECONDS,
      values: [0.3],
      attributes: CALL,
    },
  ],
  gen_ai_client_operation_time_per_output_chunk_seconds: [
    {
      name: 'gen_ai.client.operation.time_per_output_chunk',
      unit: 's',
      bounds: SECONDS,
      values: [0.02, 0.03],
      attributes: CALL,
    },
  ],
  gen_ai_server_request_duration_seconds: [
    {
      name: 'gen_ai.server.request.duration',
      unit: 's',
      bounds: SECONDS,
      values: [2],
      attributes: { ...CALL, 'error.type': '500' },
    },
  ],
  gen_ai_server_time_to_first_token_seconds: [
    {
      name: 'gen_ai.server.time_to_first_token',
      unit: 's',
      bounds: [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0],
      values: [0.2],
      attributes: CALL,
    },
  ],
  gen_ai_server_time_per_output_token_seconds: [
    {
      name: 'gen_ai.server.time_per_output_token',
      unit: 's',
      bounds: [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5],
      values: [0.04],
      attributes: CALL,
    },
  ],
  gen_ai_invoke_agent_duration_seconds: [
    {
      name: 'gen_ai.invoke_agent.duration',
      unit: 's',
      bounds: [0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8, 25.6, 51.2, 102.4, 204.8, 409.6],
      values: [12],
      attributes: { 'gen_ai.agent.name': 'researcher', 'gen_ai.request.model': 'gpt-4o', 'error.type': 'tool_error' },
    },
  ],
  gen_ai_execute_tool_duration_seconds: [
    {
      name: 'gen_ai.execute_tool.duration',
      unit: 's',
      bounds: SECONDS,
      values: [0.7],
      attributes: {
        'gen_ai.tool.name': 'web_search',
        'gen_ai.tool.type': 'function',
        'gen_ai.agent.name': 'researcher',
        'error.type': 'rate_limited',
      },
    },
  ],
};

let dir: string;
let gateway: LocalPod;
let samples: Sample[] = [];
let types = new Map<string, string>();
const processes = new Processes();

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-o11y-genai-'));
  const { files } = synthStack(config);
  const pkiDir = path.join(dir, 'pki');
  writeStackPki(pkiDir, Object.values(files).flat());
  gateway = new LocalPod(files['otel-collector'], 'otel-collector', 'otel-collector-0', 'observability', dir, pkiDir);
  await gateway.allocatePorts();
  // Only metrics flow here: Jaeger and Logstash are a closed port.
  const closed = await freePort();
  const peers: LocalPeers = new Map([
    ['logstash', () => closed],
    ['jaeger', () => closed],
  ]);
  // One gateway replica (the dev profile): no trace-ID routing tier.
  const file = localizeConfigFile(gateway, '/etc/otelcol/config.yaml', peers);
  processes.start('otel-collector-0', otelcol, [`--config=${file}`], {
    ...podEnv(files['otel-collector'], 'otel-collector'),
    POD_NAME: 'otel-collector-0',
  });
  const fail = (e: Error) => {
    throw new Error(`${e.message}\n${processes.tail()}`);
  };
  await waitFor('the gateway to be healthy', async () =>
    (await fetch(`http://127.0.0.1:${gateway.port(13133)}/`)).ok ? true : undefined,
  ).catch(fail);

  const status = await postOtlp(
    gateway.port(4318),
    'metrics',
    histogramsRequest(SERVICE, 'opentelemetry.instrumentation.openai_v2', Object.values(SENT).flat()),
    path.join(pkiDir, 'app'),
    GATEWAY,
  );
  expect(status).toBe(200);
  const prometheus = {
    cert: path.join(pkiDir, 'prometheus-tls', 'tls.crt'),
    key: path.join(pkiDir, 'prometheus-tls', 'tls.key'),
  };
  const text = await waitFor('the GenAI metrics at the exporter', async () => {
    const body = await httpsGet(
      gateway.portByName('prom-exporter'),
      '/metrics',
      path.join(pkiDir, 'prometheus-tls', 'ca.crt'),
      prometheus,
    ).catch(() => undefined);
    return body && Object.keys(SENT).every((name) => body.includes(`${name}_count`)) ? body : undefined;
  }).catch(fail);
  // Prometheus stores no empty label: the exporter's empty otel_scope_version and otel_scope_schema_url
  // (the meter gave neither) are not a series' labels.
  const parsed = parseExposition(text);
  samples = parsed.samples.map((s) => ({
    ...s,
    labels: Object.fromEntries(Object.entries(s.labels).filter(([, v]) => v !== '')),
  }));
  types = parsed.types;
}, 60_000);

/** What the exporter serves now, empty labels left out as Prometheus leaves them out. */
async function exposition(): Promise<{ samples: Sample[]; types: Map<string, string> }> {
  const pkiDir = path.join(dir, 'pki');
  const body = await httpsGet(
    gateway.portByName('prom-exporter'),
    '/metrics',
    path.join(pkiDir, 'prometheus-tls', 'ca.crt'),
    {
      cert: path.join(pkiDir, 'prometheus-tls', 'tls.crt'),
      key: path.join(pkiDir, 'prometheus-tls', 'tls.key'),
    },
  );
  const parsed = parseExposition(body);
  return {
    samples: parsed.samples.map((s) => ({
      ...s,
      labels: Object.fromEntries(Object.entries(s.labels).filter(([, v]) => v !== '')),
    })),
    types: parsed.types,
  };
}

afterAll(async () => {
  await processes.stopAll();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('the catalogue names every metric the test sends, and only those', () => {
  expect(GENAI.metrics.map((m) => m.name).sort()).toEqual(Object.keys(SENT).sort());
});

catalogArrivalTests(GENAI, () => ({
  // The exposition's histogram series, each under its family's name, with the delivery's labels and `le` set aside.
  samples: samples
    .filter((s) => GENAI.metrics.some((m) => s.name === `${m.name}_count`))
    .map((s) => ({
      ...s,
      name: s.name.replace(/_count$/, ''),
      labels: Object.fromEntries(Object.entries(s.labels).filter(([k]) => !DELIVERY_LABELS.otlp.includes(k))),
    })),
  types,
}));

test.each(
  GENAI.metrics.flatMap((def) =>
    seriesNames(def).map((series): [string, string[]] => [series, seriesLabelNames(def, GENAI, series)]),
  ),
)('%s carries exactly its labels and the OTLP delivery’s', (series, labels) => {
  const found = samples.filter((s) => s.name === series);
  expect(found.length).toBeGreaterThan(0);
  for (const s of found) {
    expect(Object.keys(s.labels).sort()).toEqual([...labels].sort());
    expect(s.labels).toMatchObject({
      job: SERVICE['service.name'],
      instance: SERVICE['service.instance.id'],
      namespace: SERVICE['k8s.namespace.name'],
      pod: SERVICE['k8s.pod.name'],
      otel_scope_name: 'opentelemetry.instrumentation.openai_v2',
    });
  }
});

test('token usage arrives per token type, with the counts and sums sent', () => {
  const count = (type: string) =>
    samples.find((s) => s.name === 'gen_ai_client_token_usage_count' && s.labels.gen_ai_token_type === type);
  const sum = (type: string) =>
    samples.find((s) => s.name === 'gen_ai_client_token_usage_sum' && s.labels.gen_ai_token_type === type);
  expect([count('input')?.value, sum('input')?.value]).toEqual([2, 2000]);
  expect([count('output')?.value, sum('output')?.value]).toEqual([2, 500]);
  expect(count('input')!.labels).toMatchObject({
    gen_ai_operation_name: 'chat',
    gen_ai_provider_name: 'openai',
    gen_ai_request_model: 'gpt-4o',
    gen_ai_response_model: 'gpt-4o-2024-08-06',
    server_address: 'api.openai.com',
    server_port: '443',
  });
});

/**
 * A priced run, judged by Prometheus' rule engine (promtool) on the rendered genai.rules.yaml: the
 * token series exactly as the gateway exported them, each 0 before the run and its exported value
 * from 1m. Over 5m at 1m, a counter that starts at 0 has rate() = its increase / 300 s, so the cost
 * rate times 300 is the run's cost: 2000 input tokens at 2.5 USD and 500 output tokens at 10 USD per
 * million, 0.005 + 0.005 = 0.01 USD, checked to the billionth of a dollar (rate() divides in floating
 * point).
 */
test('a priced run costs exactly its tokens times their prices, per model, per service and in total', () => {
  const run = fs.mkdtempSync(path.join(dir, 'priced-run-'));
  const { parts } = synthStack(config);
  fs.writeFileSync(path.join(run, 'genai.rules.yaml'), parts.ruleFiles['genai.rules.yaml']!);
  const series = samples
    .filter((s) => s.name === 'gen_ai_client_token_usage_sum')
    .map((s) => ({
      series: `${s.name}{${Object.entries(s.labels)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',')}}`,
      values: `0 ${s.value}x10`,
    }));
  expect(series).toHaveLength(2);
  const nanoUsd = (expr: string) => `round(${expr} * 300 * 1e9)`;
  const cost = 10_000_000; // 0.01 USD in billionths
  const promtest = {
    rule_files: ['genai.rules.yaml'],
    evaluation_interval: '1m',
    tests: [
      {
        interval: '1m',
        input_series: series,
        promql_expr_test: [
          {
            expr: nanoUsd('model:gen_ai_cost:rate5m'),
            eval_time: '1m',
            exp_samples: [{ labels: '{currency="USD",gen_ai_request_model="gpt-4o"}', value: cost }],
          },
          {
            expr: nanoUsd('namespace_job:gen_ai_cost:rate5m'),
            eval_time: '1m',
            exp_samples: [{ labels: '{currency="USD",job="research-agent",namespace="agents"}', value: cost }],
          },
          {
            expr: nanoUsd(':gen_ai_cost:rate5m'),
            eval_time: '1m',
            exp_samples: [{ labels: '{currency="USD"}', value: cost }],
          },
          { expr: 'model:gen_ai_tokens_unpriced:rate5m', eval_time: '1m', exp_samples: [] },
        ],
      },
    ],
  };
  fs.writeFileSync(path.join(run, 'run.promtest.yaml'), yaml.dump(promtest, { lineWidth: -1 }));
  expect(runPromtool(promtool, ['test', 'rules', path.join(run, 'run.promtest.yaml')])).toContain('SUCCESS');
  expect(PRICES.input * 2000 + PRICES.output * 500).toBe(cost / 1000);
});

test('a duration’s buckets are cumulative and in seconds, as sent', () => {
  const buckets = samples.filter(
    (s) => s.name === 'gen_ai_client_operation_duration_seconds_bucket' && s.labels.error_type === 'timeout',
  );
  const at = (le: string) => buckets.find((b) => b.labels.le === le)?.value;
  expect([at('1.28'), at('2.56'), at('+Inf')]).toEqual([0, 2, 2]);
});

describe('span metrics, counted before tail sampling', () => {
  const AGENT = { ...SERVICE, 'service.name': 'support-agent', 'service.instance.id': 'support-agent-1' };
  let spanSamples: Sample[] = [];
  let spanTypes = new Map<string, string>();

  beforeAll(async () => {
    // An agent's work as the GenAI span conventions describe it: chats with a model, tool calls (two
    // failing), and 20 spans named after a ticket id, which the cardinality limit must bound.
    const spans: SpanSpec[] = [
      ...Array.from({ length: 6 }, (): SpanSpec => ({
        traceId: newTraceId(),
        name: 'chat gpt-4o',
        durationMs: 1200,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': 'gpt-4o',
          'gen_ai.agent.name': 'support',
        },
      })),
      ...Array.from({ length: 4 }, (_, i): SpanSpec => ({
        traceId: newTraceId(),
        name: 'execute_tool lookup_order',
        durationMs: 80,
        error: i < 2,
        attributes: {
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': 'lookup_order',
          'gen_ai.agent.name': 'support',
          ...(i < 2 ? { 'error.type': 'timeout' } : {}),
        },
      })),
      ...Array.from({ length: 20 }, (_, i): SpanSpec => ({
        traceId: newTraceId(),
        name: `GET /tickets/${1000 + i}`,
        durationMs: 5,
      })),
    ];
    expect(
      await postOtlp(gateway.port(4318), 'traces', tracesRequest(AGENT, spans), path.join(dir, 'pki', 'app'), GATEWAY),
    ).toBe(200);
    // The connector flushes every 15 s; a new series is 0 at its first flush and counts from the
    // next, so Prometheus' rate() sees its first spans.
    const chat = (now: { samples: Sample[] }) =>
      now.samples.find((x) => x.name === 'traces_span_metrics_calls_total' && x.labels.span_name === 'chat gpt-4o')
        ?.value;
    ({ samples: spanSamples, types: spanTypes } = await waitFor(
      'span metrics at the exporter, after their second flush',
      async () => {
        const now = await exposition().catch(() => undefined);
        return now && chat(now) === 6 ? now : undefined;
      },
      50_000,
    ));
  }, 60_000);

  const calls = (labels: Record<string, string>) =>
    spanSamples
      .filter((x) => x.name === 'traces_span_metrics_calls_total')
      .filter((x) => Object.entries(labels).every(([k, v]) => x.labels[k] === v));

  test('each span is counted once, by service, name, kind, status and the GenAI dimensions, before sampling', () => {
    const chat = calls({ span_name: 'chat gpt-4o' });
    expect(chat.map((x) => x.value)).toEqual([6]);
    // The service is the job; the gateway replica that counted is the instance; no pod or process.
    expect(chat[0]!.labels).toEqual({
      job: 'support-agent',
      instance: 'otel-collector-0',
      namespace: SERVICE['k8s.namespace.name'],
      otel_scope_name: 'spanmetricsconnector',
      span_name: 'chat gpt-4o',
      span_kind: 'SPAN_KIND_SERVER',
      status_code: 'STATUS_CODE_OK',
      gen_ai_operation_name: 'chat',
      gen_ai_request_model: 'gpt-4o',
      gen_ai_agent_name: 'support',
    });
    const tool = (status: string) => calls({ gen_ai_tool_name: 'lookup_order', status_code: status });
    expect(tool('STATUS_CODE_OK').map((x) => x.value)).toEqual([2]);
    expect(tool('STATUS_CODE_ERROR').map((x) => [x.labels.error_type, x.value])).toEqual([['timeout', 2]]);
  });

  test('durations are in seconds', () => {
    const of = (name: string) =>
      spanSamples.find((x) => x.name === name && x.labels.span_name === 'chat gpt-4o')?.value;
    expect(of('traces_span_metrics_duration_seconds_count')).toBe(6);
    expect(of('traces_span_metrics_duration_seconds_sum')).toBeCloseTo(7.2, 6);
    expect(spanTypes.get('traces_span_metrics_duration_seconds')).toBe('histogram');
    expect(spanTypes.get('traces_span_metrics_calls_total')).toBe('counter');
  });

  test(`a span name holding an id is bounded: ${CARDINALITY_LIMIT} label sets per metric, the rest in one overflow series`, () => {
    const all = calls({});
    expect(all.length).toBe(CARDINALITY_LIMIT + 1);
    const overflow = all.filter((x) => x.labels.otel_metric_overflow === 'true');
    const tickets = all.filter((x) => x.labels.span_name?.startsWith('GET /tickets/'));
    // 20 ticket spans: those whose label sets fit under the limit, one each, and the rest together.
    expect(overflow.map((x) => x.value)).toEqual([20 - tickets.length]);
    expect(tickets.every((x) => x.value === 1)).toBe(true);
  });

  test('every series carries only the catalogue’s labels and the span metrics delivery’s', () => {
    const catalog = spanMetricsCatalog(config.collector.spanMetrics.dimensions);
    const allowed = new Set([...catalog.metrics[0]!.labels, ...DELIVERY_LABELS['span-metrics'], 'le']);
    const names = new Set(catalog.metrics.flatMap((m) => seriesNames(m)));
    const series = spanSamples.filter((x) => x.name.startsWith('traces_span_metrics_') && !x.name.endsWith('_created'));
    expect(series.length).toBeGreaterThan(0);
    for (const x of series) {
      expect(names).toContain(x.name);
      for (const label of Object.keys(x.labels)) expect(allowed).toContain(label);
    }
  });
});
