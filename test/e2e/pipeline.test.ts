/**
 * The whole telemetry pipeline, end to end, as the real programs: an app with a client certificate sends
 * OTLP traces, logs and metrics to the collector agent, which forwards to two gateway replicas that route
 * spans to each other by trace ID, tail-sample, redact, and export to Jaeger v2 (writing to a recording
 * Elasticsearch stand-in), to a recording stand-in of Logstash's `http` input, and to Prometheus 3, which
 * scrapes the gateways over mTLS and sends a seed pack's alert through Alertmanager to a webhook.
 * Everything runs on 127.0.0.1 from the rendered configs; pipeline.ts lists every change (REWRITES).
 *
 * The load_balancing resolver is static here (no DNS); Elasticsearch and Logstash are stand-ins (no
 * binaries here); the agent's Kubernetes clients (k8s_attributes, kubelet_stats) reach no API server and
 * kubelet, and say so in its log, as on a node whose API server is unreachable.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tls from 'tls';
import { requireTool } from '../tools';
import * as yaml from 'js-yaml';
import type { PrometheusConfigFile, ScrapeConfig } from '../../constructs/prometheus-config';
import { activeCatalogs } from '../../rules';
import type { StackConfig } from '../../src/config/types';
import { deliveryLabels } from '../../src/lib/metric-labels';
import { configMapData, synthStack } from '../helpers';
import { seriesIndex, targetLabelNames } from '../rules/delivery';
import {
  Attributes,
  counterRequest,
  jaegerThriftBatch,
  logsRequest,
  newTraceId,
  postOtlp,
  postTls,
  SpanSpec,
  tracesRequest,
  zipkinSpans,
} from './otlp';
import { AppPod, LocalPipeline, REWRITES } from './pipeline';
import { OtlpAttribute } from './stubs';
import { fastAlertingConfig, waitFor } from './support';

const bins = {
  otelcol: requireTool('otelcol'),
  jaeger: requireTool('jaeger'),
  prometheus: requireTool('prometheus'),
  alertmanager: requireTool('alertmanager'),
};

const BASELINE_PERCENT = 25;
// Long enough for both spans of a trace to arrive (one goes through the agent's 2s batch) on a loaded machine.
const DECISION_WAIT_S = 6;

/**
 * The alerting test's fast config, with two gateways, a baseline share that sampling can be measured on,
 * an app's deployment among the resource attributes its metrics carry as labels, and the MultiAgents
 * pods' own job.
 */
function e2eConfig() {
  return fastAlertingConfig({
    collector: {
      replicas: 2,
      sampling: { percentage: BASELINE_PERCENT, decisionWait: `${DECISION_WAIT_S}s` },
      resourceLabels: { deployment: 'k8s.deployment.name' },
    },
    scrapeTargets: [{ job: 'multiagents', namespace: 'agents', matchLabels: { app: 'multiagents' }, port: 9100 }],
    traceIntake: { enabled: true },
  });
}

/** What the MultiAgents pod's prometheus_client serves (seed 001): its CPU gauge, raised by the alert test. */
let APP_CPU_PERCENT = 20;
const MULTIAGENTS_POD = 'multiagents-7d9f8c6b5-q4xzt';
/** Two pods of the apps: one the `multiagents` scrape target selects, one annotated for the `kubernetes-pods` job. */
const APPS: AppPod[] = [
  {
    name: MULTIAGENTS_POD,
    namespace: 'agents',
    labels: { app: 'multiagents' },
    port: 9100,
    metrics: () => `multiagents_system_cpu_percent ${APP_CPU_PERCENT}\n`,
  },
  {
    name: 'agentcore-0',
    namespace: 'agents',
    labels: { app: 'agentcore' },
    port: 8000,
    annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8000' },
    metrics: () => 'agentcore_active_agents 3\n',
  },
];
/** Every job that finds a target here (Grafana is not part of the pipeline). */
const EXPECTED_JOBS = [
  'prometheus',
  'alertmanager',
  'otel-collector',
  'otel-agent',
  'jaeger',
  'trace-intake',
  'agents',
  'multiagents',
  'kubernetes-pods',
];

/** The rendered scrape jobs by name. */
function renderedJobs(config: StackConfig): Map<string, ScrapeConfig> {
  const prometheus = yaml.load(
    configMapData(synthStack(config).files.prometheus, 'prometheus', 'prometheus.yml'),
  ) as PrometheusConfigFile;
  return new Map(prometheus.scrape_configs.map((j) => [j.job_name, j]));
}

const SERVICE: Attributes = { 'service.name': 'multiagents-worker', 'service.instance.id': 'worker-1' };
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** A span as Jaeger stored it in Elasticsearch. */
interface StoredSpan {
  traceID: string;
  operationName: string;
  tags?: Array<{ key: string; value: unknown }>;
  /** Tags Jaeger stores as fields (`.` spelt `@`). */
  tag?: Record<string, unknown>;
}

let pipeline: LocalPipeline;
let dir: string;
const started = Date.now();

beforeAll(async () => {
  // A failure, never a skip: the README's test command runs as root.
  if (process.getuid?.() !== 0)
    throw new Error("the pipeline test needs root (a private mount namespace for the agent's service account)");
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-o11y-pipeline-'));
  pipeline = new LocalPipeline(e2eConfig(), { ...bins, dir, apps: APPS });
  try {
    await pipeline.start();
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${pipeline.processes.tail(8000, /^(?![^\n]*(level=DEBUG|\tdebug\t))/)}`, {
      cause: e,
    });
  }
  console.log(`pipeline up ${Date.now() - started} ms after start; rewrites:\n- ${REWRITES.join('\n- ')}`);
}, 120_000);

afterAll(async () => {
  await pipeline?.stopAll();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Spans stored by Jaeger, by trace ID. */
function storedTraces(): Map<string, StoredSpan[]> {
  const byTrace = new Map<string, StoredSpan[]>();
  for (const { index, doc } of pipeline.elasticsearch.docs) {
    if (!index.includes('jaeger-span-')) continue;
    const span = doc as unknown as StoredSpan;
    byTrace.set(span.traceID, [...(byTrace.get(span.traceID) ?? []), span]);
  }
  return byTrace;
}

function tag(span: StoredSpan, key: string): unknown {
  return span.tags?.find((t) => t.key === key)?.value ?? span.tag?.[key.replace(/\./g, '@')];
}

/** Log records Logstash's input received, flattened. */
function storedLogs(): Array<{ body: string; attributes: Record<string, string> }> {
  return pipeline.logstash.requests.flatMap((r) =>
    (r.body.resourceLogs ?? []).flatMap((rl) =>
      (rl.scopeLogs ?? []).flatMap((sl) =>
        (sl.logRecords ?? []).map((lr) => ({
          body: lr.body?.stringValue ?? '',
          attributes: Object.fromEntries(
            (lr.attributes ?? []).map((a: OtlpAttribute) => [
              a.key,
              String(a.value.stringValue ?? a.value.intValue ?? a.value.boolValue ?? a.value.doubleValue),
            ]),
          ),
        })),
      ),
    ),
  );
}

/** Fails with what went wrong: the processes' warnings and errors (their debug logs are too many). */
function failWithLogs(e: unknown): never {
  const problems = pipeline.processes.tail(
    8000,
    /\t(warn|error|fatal)\t|level=(warn|error)|"level":"(warn|error)"| exited /i,
  );
  const full = path.join(os.tmpdir(), 'agent-o11y-pipeline.log');
  fs.writeFileSync(full, pipeline.processes.tail(Infinity));
  const indices = [...new Set(pipeline.elasticsearch.docs.map((d) => d.index))];
  throw new Error(
    `${(e as Error).message}\nElasticsearch: ${pipeline.elasticsearch.docs.length} documents in ${JSON.stringify(indices)}, ` +
      `unexpected requests ${JSON.stringify(pipeline.elasticsearch.unexpected)}, unauthorized ${pipeline.elasticsearch.unauthorized}; ` +
      `Logstash: ${pipeline.logstash.requests.length} requests\n${problems}\n(every process's log: ${full})`,
  );
}

/** Sends spans: via the agent (as an app on the node), or straight to replica 1 (as an app using the gateway Service). */
async function sendSpans(spans: SpanSpec[], via: 'agent' | 'gateway1'): Promise<void> {
  const pod = via === 'agent' ? pipeline.pods.agent : pipeline.pods.gateway1;
  const serverName = via === 'agent' ? 'otel-agent.observability-agent.svc' : 'otel-collector.observability.svc';
  for (let i = 0; i < spans.length; i += 100) {
    const status = await postOtlp(
      pod.port(4318),
      'traces',
      tracesRequest(SERVICE, spans.slice(i, i + 100)),
      pipeline.appTlsDir,
      serverName,
    );
    expect(status).toBe(200);
  }
}

async function sendLogs(records: Array<{ body: string; attributes?: Attributes }>): Promise<void> {
  expect(
    await postOtlp(
      pipeline.pods.agent.port(4318),
      'logs',
      logsRequest(SERVICE, records),
      pipeline.appTlsDir,
      'otel-agent.observability-agent.svc',
    ),
  ).toBe(200);
}

describe('the rendered pipeline, end to end over mTLS', () => {
  test('a client without a certificate is refused at every port that declares mTLS, and one with a certificate is served', async () => {
    const { agent, gateway0, jaeger, prometheus, alertmanager, intake } = pipeline.pods;
    const mtlsPorts: Array<[string, number]> = [
      ['trace-intake zipkin', intake!.port(9411)],
      ['trace-intake jaeger-grpc', intake!.port(14250)],
      ['trace-intake jaeger-http', intake!.port(14268)],
      ['agent otlp-grpc', agent.port(4317)],
      ['agent otlp-http', agent.port(4318)],
      ['gateway otlp-grpc', gateway0.port(4317)],
      ['gateway otlp-http', gateway0.port(4318)],
      ['gateway otlp-sampling', gateway0.port(4319)],
      ['gateway prom-exporter', gateway0.port(8889)],
      ['jaeger otlp-grpc', jaeger.port(4317)],
      ['jaeger otlp-http', jaeger.port(4318)],
      ['jaeger query-http', jaeger.port(16686)],
      ['jaeger query-grpc', jaeger.port(16685)],
      ['prometheus web', prometheus.port(9090)],
      ['alertmanager web', alertmanager.port(9093)],
    ];
    const ca = fs.readFileSync(path.join(pipeline.appTlsDir, 'ca.crt'));
    const attempt = (port: number, withCert: boolean) =>
      new Promise<string>((resolve) => {
        const socket = tls.connect({
          host: '127.0.0.1',
          port,
          ca,
          rejectUnauthorized: false,
          minVersion: 'TLSv1.3',
          ALPNProtocols: ['h2', 'http/1.1'],
          ...(withCert
            ? {
                cert: fs.readFileSync(path.join(pipeline.appTlsDir, 'tls.crt')),
                key: fs.readFileSync(path.join(pipeline.appTlsDir, 'tls.key')),
              }
            : {}),
        });
        // TLS 1.3 servers check the client certificate after the handshake: a refusal arrives as an alert.
        socket.on('secureConnect', () =>
          setTimeout(() => {
            socket.destroy();
            resolve('open');
          }, 300),
        );
        socket.on('error', (e) => resolve(`refused: ${(e as NodeJS.ErrnoException).code ?? e.message}`));
      });
    const results: string[] = [];
    for (const [name, port] of mtlsPorts)
      results.push(`${name}: ${await attempt(port, false)} / with certificate: ${await attempt(port, true)}`);
    console.log(`mTLS refusals:\n${results.join('\n')}`);
    for (const line of results) expect(line).toMatch(/: refused: \S+ \/ with certificate: open$/);
  });

  test('redacts span attributes, log attributes and log bodies as the table of docs/architecture.md says', async () => {
    const traceId = newTraceId();
    const sensitive: Attributes = {
      password: 'hunter2',
      access_token: 'abc',
      'db.password': 'pw',
      'http.request.header.authorization': 'Bearer x',
      cookie: 'c=1',
      api_key: 'k',
      credit_card: '4111',
      'gen_ai.usage.input_tokens': 42,
      'user.id': 'alice',
      user_id: 'bob',
      'enduser.id': 'carol',
      'user.name': 'Dave',
      'user.email': 'eve@example.com',
      note: 'contact eve@example.com from 10.1.2.3',
    };
    await sendSpans([{ traceId, name: 'redaction', durationMs: 10, error: true, attributes: sensitive }], 'agent');
    await sendLogs([{ body: 'login by eve@example.com from 192.168.7.42', attributes: sensitive }]);
    const span = await waitFor(
      'the redacted span in Elasticsearch',
      () => storedTraces().get(traceId)?.[0],
      30_000,
    ).catch(failWithLogs);
    const log = await waitFor(
      'the redacted log at Logstash',
      () => storedLogs().find((l) => l.body.startsWith('login by')),
      30_000,
    ).catch(failWithLogs);

    const spanTags = Object.fromEntries((span.tags ?? []).map((t) => [t.key, String(t.value)]));
    for (const [what, attributes] of [
      ['span', spanTags],
      ['log', log.attributes],
    ] as const) {
      for (const removed of [
        'password',
        'access_token',
        'db.password',
        'http.request.header.authorization',
        'cookie',
        'api_key',
        'credit_card',
      ]) {
        expect([what, removed, attributes[removed]]).toEqual([what, removed, undefined]);
      }
      expect([what, attributes['gen_ai.usage.input_tokens']]).toEqual([what, '42']);
      for (const [key, value] of [
        ['user.id', 'alice'],
        ['user_id', 'bob'],
        ['enduser.id', 'carol'],
        ['user.name', 'Dave'],
        ['user.email', 'eve@example.com'],
      ]) {
        expect([what, key, attributes[key!]]).toEqual([what, key, sha256(value!)]);
      }
      expect([what, attributes.note]).toEqual([
        what,
        `contact email-sha256:${sha256('eve@example.com')} from 10.1.2.0`,
      ]);
    }
    expect(log.body).toBe(`login by email-sha256:${sha256('eve@example.com')} from 192.168.7.0`);
    // Nor do the programs' own logs (which end up in the node's container logs) show what was redacted.
    const leaks = pipeline.processes.logs.filter((l) => /hunter2|eve@example\.com|10\.1\.2\.3|192\.168\.7\.42/.test(l));
    expect(leaks).toEqual([]);
  }, 60_000);

  test('keeps every error and slow trace, a binomial share of the rest, each kept trace whole although its spans reached different gateways', async () => {
    const make = (n: number, kind: 'error' | 'slow' | 'baseline') =>
      Array.from({ length: n }, () => ({ traceId: newTraceId(), kind }));
    const traces = [...make(30, 'error'), ...make(30, 'slow'), ...make(400, 'baseline')];
    // Two spans per trace: one through the agent (to replica 0), one straight to replica 1.
    const spansOf = (t: { traceId: string; kind: string }, part: string): SpanSpec => ({
      traceId: t.traceId,
      name: `${t.kind}-${part}`,
      durationMs: t.kind === 'slow' ? 6000 : 20,
      error: t.kind === 'error' && part === 'b',
    });
    await sendSpans(
      traces.map((t) => spansOf(t, 'a')),
      'agent',
    );
    await sendSpans(
      traces.map((t) => spansOf(t, 'b')),
      'gateway1',
    );
    const kept = (kind: string) => traces.filter((t) => t.kind === kind && storedTraces().has(t.traceId));
    await waitFor('every error and slow trace in Elasticsearch', () =>
      kept('error').length === 30 && kept('slow').length === 30 ? true : undefined,
    ).catch(failWithLogs);
    // Let the baseline decisions settle: the decision wait, the batch timeouts, Jaeger's bulk flush.
    await new Promise((r) => setTimeout(r, (DECISION_WAIT_S + 8) * 1000));

    const stored = storedTraces();
    const baselineKept = kept('baseline').length;
    const n = 400;
    const p = BASELINE_PERCENT / 100;
    const sigma = Math.sqrt(n * p * (1 - p));
    const [low, high] = [Math.floor(n * p - 4 * sigma), Math.ceil(n * p + 4 * sigma)];
    const broken = traces.filter((t) => stored.has(t.traceId) && stored.get(t.traceId)!.length !== 2);
    console.log(
      `sampling: errors kept ${kept('error').length}/30, slow kept ${kept('slow').length}/30, baseline kept ${baselineKept}/${n} ` +
        `(expected ${n * p} ± 4σ = [${low}, ${high}]), kept traces not whole: ${broken.length}`,
    );
    expect(baselineKept).toBeGreaterThanOrEqual(low);
    expect(baselineKept).toBeLessThanOrEqual(high);
    expect(broken.map((t) => [t.traceId, stored.get(t.traceId)!.map((s) => s.operationName)])).toEqual([]);
    // Every kept error trace carries its error (Jaeger's `error` tag).
    for (const t of kept('error'))
      expect([t.traceId, stored.get(t.traceId)!.some((s) => String(tag(s, 'error')) === 'true')]).toEqual([
        t.traceId,
        true,
      ]);
  }, 120_000);

  test("Zipkin and Jaeger senders' spans reach the trace store through the intake and the gateway, sampled as OTLP spans are", async () => {
    const intake = pipeline.pods.intake!;
    const serverName = 'trace-intake.observability.svc';
    const zipkinTrace = newTraceId();
    const jaegerTrace = newTraceId();
    expect(
      await postTls(
        intake.port(9411),
        '/api/v2/spans',
        zipkinSpans('legacy-zipkin', zipkinTrace, 'GET /zipkin', 20),
        'application/json',
        pipeline.appTlsDir,
        serverName,
      ),
    ).toBe(202);
    expect(
      await postTls(
        intake.port(14268),
        '/api/traces',
        jaegerThriftBatch('legacy-jaeger', jaegerTrace, 'GET /jaeger', 20),
        'application/x-thrift',
        pipeline.appTlsDir,
        serverName,
      ),
    ).toBe(202);
    // Both failed, so the gateway's tail sampling keeps them whatever the baseline share.
    await waitFor(
      'the Zipkin and Jaeger spans in the trace store',
      () => {
        const traces = storedTraces();
        const zipkin = traces.get(zipkinTrace);
        const jaeger = traces.get(jaegerTrace);
        return zipkin && jaeger ? { zipkin, jaeger } : undefined;
      },
      (DECISION_WAIT_S + 30) * 1000,
    )
      .then(({ zipkin, jaeger }) => {
        expect(zipkin.map((s) => s.operationName)).toEqual(['GET /zipkin']);
        expect(jaeger.map((s) => s.operationName)).toEqual(['GET /jaeger']);
        // Their failure survives the translations (Zipkin's error tag, Jaeger's error=true: OTLP's error status).
        for (const span of [...zipkin, ...jaeger]) expect(String(tag(span, 'error'))).toBe('true');
      })
      .catch(failWithLogs);
  });

  test("every target carries exactly the labels its rendered job gives it, the stack's, the apps' and the annotated pod's", async () => {
    let up: Awaited<ReturnType<typeof pipeline.prometheusQuery>> = [];
    const targets = await waitFor(
      'every job with a target up',
      async () => {
        up = await pipeline.prometheusQuery('up');
        return EXPECTED_JOBS.every((job) => up.some((s) => s.metric.job === job && s.value[1] === '1'))
          ? up
          : undefined;
      },
      30_000,
    ).catch((e) =>
      failWithLogs(new Error(`${(e as Error).message}; up: ${JSON.stringify(up.map((s) => [s.metric, s.value[1]]))}`)),
    );
    const jobs = renderedJobs(pipeline.config);
    const seen = targets.map((t) => [
      t.metric.job,
      Object.keys(t.metric)
        .filter((l) => l !== '__name__')
        .sort(),
    ]);
    console.log(`targets up: ${JSON.stringify(targets.map((t) => t.metric))}`);
    expect([...new Set(seen.map(([job]) => job))].sort()).toEqual([...EXPECTED_JOBS].sort());
    // The annotated pod's own label comes through the kubernetes-pods job's labelmap.
    expect(seen).toEqual(
      seen.map(([job]) => [job, targetLabelNames(jobs.get(job as string)!, job === 'kubernetes-pods' ? ['app'] : [])]),
    );
  }, 60_000);

  test("an app's OTLP metric reaches Prometheus with exactly the labels of its delivery: job, instance, the configured resource labels, its meter; not its pod's UID", async () => {
    // In the cluster the agent's k8s_attributes adds the pod's namespace, name, UID and deployment; here
    // (no API server) the app says them.
    const app = {
      ...SERVICE,
      'k8s.namespace.name': 'agents',
      'k8s.pod.name': 'multiagents-worker-5f7c9-x2k4q',
      'k8s.pod.uid': '3f9c1b2e-7d4a-4e8b-9a61-0c5d2f8e4b17',
      'k8s.deployment.name': 'multiagents-worker',
      'telemetry.sdk.language': 'python',
      'process.pid': '4242',
    };
    const send = () =>
      postOtlp(
        pipeline.pods.agent.port(4318),
        'metrics',
        counterRequest(app, 'multiagents.workflows', 'multiagents_workflows_total', 7, {
          workflow_id: 'onboarding',
          status: 'completed',
        }),
        pipeline.appTlsDir,
        'otel-agent.observability-agent.svc',
      );
    expect(await send()).toBe(200);
    const series = await waitFor('multiagents_workflows_total in Prometheus', async () => {
      const result = await pipeline.prometheusQuery('multiagents_workflows_total');
      return result.length > 0 ? result : undefined;
    }).catch(failWithLogs);
    console.log(`OTLP series in Prometheus: ${JSON.stringify(series.map((s) => s.metric))}`);
    expect(series).toHaveLength(1);
    // Exactly what the catalogue's delivery says (the promtool tests feed the same), no resource attribute besides.
    const workflows = seriesIndex(activeCatalogs(['multiagents'])).get('multiagents_workflows_total')!;
    expect(Object.keys(series[0]!.metric).sort()).toEqual(
      ['__name__', ...deliveryLabels(pipeline.config.collector.resourceLabels).otlp, ...workflows.def.labels].sort(),
    );
    expect(series[0]!.metric).toMatchObject({
      job: SERVICE['service.name'],
      instance: SERVICE['service.instance.id'],
      namespace: 'agents',
      pod: app['k8s.pod.name'],
      deployment: app['k8s.deployment.name'],
      otel_scope_name: 'multiagents.workflows',
    });
    // No label carries the pod's UID, under any name.
    expect(Object.values(series[0]!.metric)).not.toContain(app['k8s.pod.uid']);
    // The rest of the resource is in target_info, joinable on job and instance: one for the app's
    // instance. (The gateways' span metrics of the service have target_info of their own, under the
    // counting gateway's instance, so they never make this join ambiguous.)
    const info = await pipeline.prometheusQuery(`target_info{job="${SERVICE['service.name']}"}`);
    expect(
      info
        .filter((s) => s.metric.instance?.startsWith('otel-collector-'))
        .every((s) => s.metric.k8s_pod_uid === undefined),
    ).toBe(true);
    expect(info.filter((s) => s.metric.instance === SERVICE['service.instance.id']).map((s) => s.metric)).toEqual([
      expect.objectContaining({
        instance: SERVICE['service.instance.id'],
        telemetry_sdk_language: 'python',
        process_pid: '4242',
        k8s_pod_uid: app['k8s.pod.uid'],
      }),
    ]);
  }, 60_000);

  test("a scraped app metric reaches Prometheus with its job's labels, and its alert reaches the webhook through Alertmanager", async () => {
    APP_CPU_PERCENT = 95;
    const series = await waitFor('multiagents_system_cpu_percent at 95 in Prometheus', async () => {
      const result = await pipeline.prometheusQuery('multiagents_system_cpu_percent == 95');
      return result.length > 0 ? result : undefined;
    }).catch(failWithLogs);
    console.log(`scraped series in Prometheus: ${JSON.stringify(series.map((s) => s.metric))}`);
    expect(series).toHaveLength(1);
    expect(series[0]!.metric).toEqual({
      __name__: 'multiagents_system_cpu_percent',
      job: 'multiagents',
      instance: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
      namespace: 'agents',
      pod: MULTIAGENTS_POD,
    });
    const delivery = await waitFor('critical_cpu_usage at the webhook', () =>
      pipeline.received.find(
        (r) =>
          r.path === '/webhook/critical' &&
          r.body.alerts?.some((a) => a.labels.alertname === 'critical_cpu_usage' && a.status === 'firing'),
      ),
    ).catch(failWithLogs);
    const alert = delivery.body.alerts!.find((a) => a.labels.alertname === 'critical_cpu_usage')!;
    console.log(`alert at the webhook ${Date.now() - started} ms after start: ${JSON.stringify(alert.labels)}`);
    // The series' labels, the rule's and Prometheus' external labels: nothing else.
    expect(alert.labels).toEqual({
      alertname: 'critical_cpu_usage',
      severity: 'critical',
      cluster: 'agents',
      environment: 'dev',
      job: 'multiagents',
      instance: series[0]!.metric.instance,
      namespace: 'agents',
      pod: MULTIAGENTS_POD,
    });
    expect(alert.annotations.description).toMatch(/ is 95\.0% \(threshold 90%\)\.$/);
  }, 120_000);

  test('loses no span and no log record while the trace backend is down for 60 s and a gateway restarts', async () => {
    const before = pipeline.elasticsearch.docs.length;
    const logsBefore = storedLogs().length;
    await pipeline.stop('jaeger');
    const outage = Date.now();
    // Error traces: every one is kept, so every span must arrive.
    const traces = Array.from({ length: 100 }, () => newTraceId());
    await sendSpans(
      traces.map((traceId) => ({ traceId, name: 'durable', durationMs: 5, error: true })),
      'agent',
    );
    const records = Array.from({ length: 100 }, (_, i) => ({ body: `durable log ${i}` }));
    await sendLogs(records);
    // Past the decision wait, the kept spans sit in the gateways' persistent Jaeger queues; then replica 0 restarts.
    await new Promise((r) => setTimeout(r, (DECISION_WAIT_S + 6) * 1000));
    await pipeline.stop('otel-collector-0');
    pipeline.run('otel-collector-0');
    await waitFor('replica 0 healthy again', async () =>
      (await fetch(`http://127.0.0.1:${pipeline.pods.gateway0.port(13133)}/`)).ok ? true : undefined,
    );
    await sendLogs(records.map((r) => ({ body: `${r.body} after restart` })));
    await new Promise((r) => setTimeout(r, Math.max(0, 60_000 - (Date.now() - outage))));
    pipeline.run('jaeger');
    const arrived = () => traces.filter((t) => storedTraces().has(t)).length;
    await waitFor('every span after the outage', () => (arrived() === traces.length ? true : undefined), 150_000).catch(
      failWithLogs,
    );
    const durableLogs = () => storedLogs().filter((l) => l.body.startsWith('durable log'));
    await waitFor('every log record', () =>
      new Set(durableLogs().map((l) => l.body)).size === 200 ? true : undefined,
    ).catch(failWithLogs);
    console.log(
      `durability: Jaeger down ${60} s, replica 0 restarted; spans ${arrived()}/${traces.length} stored ` +
        `(${pipeline.elasticsearch.docs.length - before} span documents written), log records ${new Set(durableLogs().map((l) => l.body)).size}/200 ` +
        `(${storedLogs().length - logsBefore} received, duplicates ${storedLogs().length - logsBefore - 200}); recovered ${Date.now() - outage} ms after the outage began`,
    );
  }, 300_000);

  test('no component complains about its config: nothing deprecated, rewritten or unknown', () => {
    // The rendered configs must be in the form each program wants now, not accepted with a warning.
    const complaints = pipeline.processes.logs.filter((l) =>
      /deprecat|please rewrite|will be removed|unknown (field|key)/i.test(l),
    );
    expect(complaints).toEqual([]);
  });
});
