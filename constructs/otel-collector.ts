import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import {
  CollectorAutoscalingConfig,
  CollectorConfig,
  CommonConfig,
  GenAiContentConfig,
  SpanMetricsConfig,
} from '../src/config/types';
import { durationSeconds } from '../src/config/duration';
import { imageOf } from '../src/lib/images';
import { APP_METRIC_LABELS } from '../src/lib/metric-labels';
import { show } from '../src/lib/problems';
import { cpuCores, quantityBytes } from '../src/lib/quantity';
import { toYaml } from '../src/lib/render';
import { claimTemplate, Component, Endpoint, PortSpec, httpProbe, scratch } from '../src/lib/component';
import { contentProblems, contentProcessor } from './genai-content';
import { Jaeger } from './jaeger';
import { Logstash } from './logstash';
import { logSamplingProblems, logSamplingProcessors, SampledStream } from './otel-log-sampling';
import { otelClientTls, otelServerTls, Pki, TlsFiles } from './mtls';
import { CollectorConfigFile, Id, Processors, SpanMetricsConnector } from './otel-config';
import { collectorGoMemLimit, MEMORY_LIMITER } from './otel-memory';
import { collectorTelemetry, redactionProcessor } from './otel-redaction';
import { samplingPolicies } from './otel-trace-sampling';
import { Retention } from './retention';
import { COMPONENTS } from '../src/lib/names';

export interface OtelCollectorProps {
  readonly config: CollectorConfig;
  readonly common: CommonConfig;
  /** Where traces go (OTLP/gRPC). */
  readonly jaeger: Jaeger;
  /** Where logs go (OTLP/HTTP with JSON encoding into Logstash's `http` input). */
  readonly logstash: Logstash;
  /** The log streams Logstash routes records to, of which log sampling exempts some. */
  readonly retention: Retention;
  /** Issues the gateway's certificate: it serves OTLP and metrics over mTLS and is a client of Jaeger and Logstash. */
  readonly pki: Pki;
  /** What becomes of prompt and completion content. @default - dropped */
  readonly content?: GenAiContentConfig;
  /** @default IMAGES.collector */
  readonly image?: string;
}

const DROP_CONTENT: GenAiContentConfig = { mode: 'drop', keepFor: '7d' };

const QUEUE_DIR = '/var/lib/otelcol/queue';

/**
 * The OpenTelemetry Collector (contrib) gateway: OTLP in over gRPC and HTTP; metrics out to a
 * Prometheus scrape endpoint, traces to Jaeger over OTLP, logs to Logstash as OTLP/JSON.
 *
 * Traces are tail-sampled, logs sampled by severity, and PII is redacted before anything leaves;
 * prompt and completion content is dropped, hashed or routed to its own stream (genai-content.ts).
 * With more than one replica, a first pipeline routes every span by trace ID (`load_balancing`) to
 * one replica's sampling receiver through a headless Service, so all spans of a trace meet in one
 * place whichever replica received them. Exporter queues are persisted on each replica's volume (`file_storage`)
 * and retried, so a backend outage of minutes loses nothing. `memory_limiter` runs first in every
 * pipeline, sized from the container's memory limit.
 */
export class OtelCollector extends Component {
  public readonly configFile: CollectorConfigFile;
  public readonly rendered: string;
  /** Headless Service resolving to every replica's sampling receiver (trace-ID routing). */
  public readonly samplingServiceName: string;
  /** The gateway's certificate files. */
  public readonly tls: TlsFiles;

  constructor(scope: Construct, id: string, props: OtelCollectorProps) {
    const image = props.image ?? imageOf(scope, 'collector');
    // With an HPA the replica count is the HPA's; the gateway is rendered for the fewest it may run.
    const autoscaling = props.config.autoscaling.enabled ? props.config.autoscaling : undefined;
    const fewest = autoscaling?.minReplicas ?? props.config.replicas;
    const routed = fewest > 1;
    super(scope, id, {
      name: COMPONENTS.collector,
      namespace: props.common.namespace,
      role: 'telemetry-gateway',
      image,
      ports: [
        {
          name: 'otlp-grpc',
          port: 4317,
          carries: 'OTLP/gRPC from instrumented agents: traces, metrics, logs',
          tls: 'mtls',
        },
        {
          name: 'otlp-http',
          port: 4318,
          carries: 'OTLP/HTTP from instrumented agents: traces, metrics, logs',
          tls: 'mtls',
        },
        ...(routed
          ? [
              {
                name: 'otlp-sampling',
                port: 4319,
                carries: 'spans routed by trace ID from the gateway replicas to the one that samples the trace',
                tls: 'mtls' as const,
              },
            ]
          : []),
        {
          name: 'prom-exporter',
          port: 8889,
          carries: "agents' metrics, exposed for Prometheus to scrape",
          tls: 'mtls',
        },
        // The internal telemetry's Prometheus reader has no TLS settings: plaintext, inside the namespace.
        { name: 'metrics', port: 8888, carries: "the collector's own /metrics" },
        { name: 'health', port: 13133, carries: 'health_check extension' },
      ],
    });
    const config = props.config;
    const content = props.content ?? DROP_CONTENT;
    // Its config's rules, reported at synth (and by buildStack for the whole stack at once).
    const streams = props.retention.streams;
    this.node.addValidation({
      validate: () => [
        ...samplingProblems(config),
        ...autoscalingProblems(config),
        ...resourceLabelProblems(config.resourceLabels),
        ...logSamplingProblems(config.logSampling, streams),
        ...contentProblems(content),
      ],
    });
    this.tls = props.pki.issue(this, ['server auth', 'client auth']);
    const tls = this.tls;
    const jaeger = props.jaeger.endpoint(this, 'otlp-grpc');
    const logstash = props.logstash.endpoint(this, 'otlp-http');
    this.samplingServiceName = `${this.name}-sampling`;
    // Each replica sends spans to its peers (and itself) through the headless sampling Service.
    const samplingPeers = routed
      ? this.endpoint(this, 'otlp-sampling', { service: this.samplingServiceName })
      : undefined;
    this.configFile = gatewayConfig({
      config,
      common: props.common,
      tls,
      port: (name) => this.port(name),
      host: this.host,
      jaeger,
      logstash,
      logStreams: streams,
      content,
      samplingPeers,
    });
    this.rendered = toYaml(this.configFile);
    this.configMap('Config', this.name, { 'config.yaml': this.rendered });
    this.serviceAccount();
    this.service('Service', { ports: this.ports.filter((p) => p.name !== 'otlp-sampling') });
    new k8s.KubeService(this, 'SamplingService', {
      metadata: { name: this.samplingServiceName, labels: this.labels },
      spec: {
        // Headless and ready-only: the load balancer must not route traces to a replica that is not serving.
        clusterIp: 'None',
        selector: this.selector,
        ports: routed
          ? [
              {
                name: 'otlp-sampling',
                port: this.port('otlp-sampling').port,
                targetPort: k8s.IntOrString.fromString('otlp-sampling'),
                protocol: 'TCP',
              },
            ]
          : [],
      },
    });

    new k8s.KubeStatefulSet(this, 'Resource', {
      metadata: { name: this.name, labels: this.labels },
      spec: {
        serviceName: this.samplingServiceName,
        // Left out under an HPA, so an apply (or a GitOps sync) does not undo its count.
        ...(autoscaling ? {} : { replicas: config.replicas }),
        podManagementPolicy: 'Parallel',
        selector: { matchLabels: this.selector },
        template: this.podTemplate({
          rendered: [this.rendered],
          // Time to drain the in-memory batch into the persistent queue.
          terminationGracePeriodSeconds: 60,
          replicas: autoscaling?.maxReplicas ?? config.replicas,
          containers: [
            {
              name: 'otel-collector',
              args: ['--config=/etc/otelcol/config.yaml'],
              env: [
                collectorGoMemLimit(config.resources.limits.memory),
                // The span metrics' instance: the replica that counted them.
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              ],
              resources: config.resources,
              livenessProbe: httpProbe('health', '/'),
              readinessProbe: httpProbe('health', '/', { initialDelaySeconds: 5, periodSeconds: 5 }),
              volumeMounts: [
                { name: 'config', mountPath: '/etc/otelcol/config.yaml', subPath: 'config.yaml', readOnly: true },
                { name: 'queue', mountPath: '/var/lib/otelcol' },
                { name: 'tmp', mountPath: '/tmp' },
                tls.mount,
              ],
            },
          ],
          volumes: [{ name: 'config', configMap: { name: this.name } }, scratch('tmp'), tls.volume],
        }),
        volumeClaimTemplates: [claimTemplate('queue', config.queue.storage, this.labels)],
      },
    });
    this.disruptionBudget(fewest);
    if (autoscaling) this.autoscaler(autoscaling);
  }

  /**
   * The gateway's HorizontalPodAutoscaler. Every resize re-maps about 1/(n+1) of trace IDs to another
   * replica (docs/deploying.md, "Gateway autoscaling"), so it scales up at most doubling a minute and
   * down one replica at a time after ten minutes of low use: a replica scaled away leaves its queue on
   * its claim until that ordinal returns, and a trace straddling a re-map is decided in two parts.
   */
  private autoscaler(autoscaling: CollectorAutoscalingConfig): void {
    const utilization = (name: string, percent: number): k8s.MetricSpecV2 => ({
      type: 'Resource',
      resource: { name, target: { type: 'Utilization', averageUtilization: percent } },
    });
    new k8s.KubeHorizontalPodAutoscalerV2(this, 'Autoscaler', {
      metadata: { name: this.name, labels: this.labels },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'StatefulSet', name: this.name },
        minReplicas: autoscaling.minReplicas,
        maxReplicas: autoscaling.maxReplicas,
        metrics: [
          utilization('cpu', autoscaling.targetCpuPercent),
          ...(autoscaling.targetMemoryPercent !== undefined
            ? [utilization('memory', autoscaling.targetMemoryPercent)]
            : []),
        ],
        behavior: {
          scaleUp: {
            stabilizationWindowSeconds: 60,
            selectPolicy: 'Max',
            policies: [{ type: 'Percent', value: 100, periodSeconds: 60 }],
          },
          scaleDown: {
            stabilizationWindowSeconds: 600,
            selectPolicy: 'Min',
            policies: [{ type: 'Pods', value: 1, periodSeconds: 300 }],
          },
        },
      },
    });
  }
}

/** What the gateway's config file is rendered from: its config, its ports and certificate, and its peers' endpoints. */
export interface GatewayConfigInput {
  readonly config: CollectorConfig;
  readonly common: CommonConfig;
  readonly tls: TlsFiles;
  /** The gateway's port of a name. */
  readonly port: (name: string) => PortSpec;
  /** The gateway Service's host name, which every replica's certificate carries. */
  readonly host: string;
  readonly jaeger: Endpoint;
  readonly logstash: Endpoint;
  /** The log streams Logstash routes records to; the first takes records naming none. */
  readonly logStreams: readonly SampledStream[];
  /** What becomes of prompt and completion content. */
  readonly content: GenAiContentConfig;
  /** The headless sampling Service, when spans are routed by trace ID (more than one replica). */
  readonly samplingPeers?: Endpoint;
}

/** The gateway's config.yaml, as typed data. */
export function gatewayConfig({
  config,
  common,
  tls,
  port,
  host,
  jaeger,
  logstash,
  logStreams,
  content,
  samplingPeers,
}: GatewayConfigInput): CollectorConfigFile {
  const routed = samplingPeers !== undefined;
  const sampling = config.sampling;
  const maxTraces = sampling.maxTraces ?? Math.floor(quantityBytes(config.resources.limits.memory) / 4096);
  const queued = {
    retry_on_failure: {
      enabled: true,
      initial_interval: '5s',
      max_interval: '1m',
      max_elapsed_time: `${durationSeconds(config.queue.retryFor)}s`,
    },
    sending_queue: { enabled: true, storage: 'file_storage/queue', queue_size: 5000 },
  };
  const processors = (...names: Array<Id<Processors>>): Array<Id<Processors>> => [
    'memory_limiter',
    ...names,
    'resource',
    'batch',
  ];
  const redact: Array<Id<Processors>> = config.redaction.enabled ? ['transform/redact'] : [];
  const logSampling = logSamplingProcessors(config.logSampling, logStreams);
  const sampled = logSampling ? (Object.keys(logSampling) as Array<keyof typeof logSampling>) : [];
  // Content goes before redaction, which then has less to read. With `keep` it names the record's
  // stream, which log sampling reads, so it goes first; else after sampling: a dropped record costs nothing.
  const logProcessors: Array<Id<Processors>> =
    content.mode === 'keep'
      ? ['transform/genai_content', ...sampled, ...redact]
      : [...sampled, 'transform/genai_content', ...redact];
  const spanMetrics = config.spanMetrics.enabled;
  return {
    extensions: {
      health_check: { endpoint: `0.0.0.0:${port('health').port}` },
      // Survives restarts of the pod: the volume is the replica's own claim.
      'file_storage/queue': {
        directory: QUEUE_DIR,
        create_directory: true,
        timeout: '10s',
        compaction: { on_start: true, on_rebound: true, directory: QUEUE_DIR },
      },
    },
    receivers: {
      otlp: {
        protocols: {
          grpc: {
            endpoint: `0.0.0.0:${port('otlp-grpc').port}`,
            tls: otelServerTls(tls),
            // An agent's gRPC connection stays on the replica it first reached: under an HPA, closing each
            // after 2 minutes (its in-flight calls get 30 s) spreads the agents over the replicas added since.
            ...(config.autoscaling.enabled
              ? { keepalive: { server_parameters: { max_connection_age: '2m', max_connection_age_grace: '30s' } } }
              : {}),
          },
          http: { endpoint: `0.0.0.0:${port('otlp-http').port}`, tls: otelServerTls(tls) },
        },
      },
      ...(routed
        ? {
            'otlp/sampling': {
              protocols: { grpc: { endpoint: `0.0.0.0:${port('otlp-sampling').port}`, tls: otelServerTls(tls) } },
            },
          }
        : {}),
    },
    processors: {
      memory_limiter: MEMORY_LIMITER,
      tail_sampling: {
        decision_wait: `${durationSeconds(sampling.decisionWait)}s`,
        decision_wait_after_root_received: `${durationSeconds(sampling.decisionWaitAfterRoot)}s`,
        num_traces: maxTraces,
        // A span arriving after its trace was decided follows the decision, for the last num_traces
        // kept and as many dropped traces. Without the caches a decided trace stays among the
        // num_traces tracked, at ~270 bytes instead of ~110 (docs/pipeline-bench.md).
        decision_cache: { sampled_cache_size: maxTraces, non_sampled_cache_size: maxTraces },
        // One event loop per core the container may use: a single loop runs every decision, and every
        // processor after tail_sampling, on one goroutine (docs/pipeline-bench.md).
        num_shards: cpuCores(config.resources.limits.cpu ?? config.resources.requests.cpu),
        // A trace is kept when any policy keeps it.
        policies: samplingPolicies(sampling),
      },
      'transform/genai_content': contentProcessor(content),
      ...(config.redaction.enabled ? { 'transform/redact': redactionProcessor(config.redaction) } : {}),
      ...logSampling,
      ...(spanMetrics ? { 'transform/span_metrics_resource': SPAN_METRICS_RESOURCE } : {}),
      // An app's metrics carry the labels every alert and dashboard reads and no others: job and instance
      // (the exporter's, from service.name and service.instance.id), the resource attributes of
      // collector.resourceLabels (by default the app's namespace and pod, which the agent's
      // k8s_attributes added) and the meter's otel_scope_name. The other resource attributes (an SDK may
      // add dozens, process IDs, command lines and pod UIDs among them) stay in target_info; turned into
      // labels they would make every series of an app unique per process and every alert carry them
      // (src/lib/metric-labels.ts).
      'transform/metric_labels': {
        error_mode: 'ignore',
        metric_statements: [
          {
            context: 'datapoint',
            statements: Object.entries(config.resourceLabels).map(
              ([label, attribute]) =>
                `set(datapoint.attributes["${label}"], resource.attributes["${attribute}"]) where resource.attributes["${attribute}"] != nil`,
            ),
          },
        ],
      },
      resource: {
        attributes: [
          { key: 'k8s.cluster.name', value: common.cluster, action: 'upsert' },
          { key: 'deployment.environment.name', value: common.environment, action: 'upsert' },
        ],
      },
      batch: { send_batch_size: config.batchSize, send_batch_max_size: config.batchSize * 2, timeout: '5s' },
    },
    exporters: {
      prometheus: {
        endpoint: `0.0.0.0:${port('prom-exporter').port}`,
        tls: otelServerTls(tls),
        enable_open_metrics: true,
      },
      ...(routed
        ? {
            load_balancing: {
              routing_key: 'traceID',
              protocol: {
                // The resolver yields pod IPs; each replica's certificate names the gateway's Service.
                otlp: {
                  tls: otelClientTls(tls, port('otlp-sampling'), host),
                  timeout: '10s',
                  retry_on_failure: { enabled: true, max_elapsed_time: '5m' },
                  sending_queue: { enabled: true, queue_size: 5000 },
                },
              },
              // A headless Service resolves to every ready replica; n to n+1 re-maps about 1/(n+1) of trace IDs.
              resolver: { dns: { hostname: samplingPeers.host, port: String(samplingPeers.port), interval: '5s' } },
            },
          }
        : {}),
      'otlp_grpc/jaeger': {
        endpoint: jaeger.hostPort,
        tls: otelClientTls(tls, jaeger),
        ...queued,
      },
      'otlp_http/logstash': {
        logs_endpoint: logstash.url(),
        encoding: 'json',
        compression: 'none',
        tls: otelClientTls(tls, logstash),
        ...queued,
      },
    },
    ...(spanMetrics ? { connectors: { span_metrics: spanMetricsConnector(config.spanMetrics) } } : {}),
    service: {
      extensions: ['health_check', 'file_storage/queue'],
      telemetry: collectorTelemetry(common.logLevel, port('metrics').port),
      pipelines: {
        metrics: { receivers: ['otlp'], processors: processors('transform/metric_labels'), exporters: ['prometheus'] },
        ...(spanMetrics
          ? {
              'metrics/span_metrics': {
                receivers: ['span_metrics'],
                processors: processors('transform/span_metrics_resource', 'transform/metric_labels'),
                exporters: ['prometheus'],
              },
            }
          : {}),
        // Span metrics count every span as it arrives, before routing and tail sampling keep a share.
        ...(routed
          ? {
              'traces/route': {
                receivers: ['otlp'],
                processors: ['memory_limiter'],
                exporters: ['load_balancing', ...(spanMetrics ? (['span_metrics'] as const) : [])],
              },
            }
          : spanMetrics
            ? {
                'traces/span_metrics': {
                  receivers: ['otlp'],
                  processors: ['memory_limiter'],
                  exporters: ['span_metrics'],
                },
              }
            : {}),
        traces: {
          receivers: [routed ? 'otlp/sampling' : 'otlp'],
          processors: processors('tail_sampling', 'transform/genai_content', ...redact),
          exporters: ['otlp_grpc/jaeger'],
        },
        logs: {
          receivers: ['otlp'],
          // Sampled before redaction: a dropped record costs no redaction.
          processors: processors(...logProcessors),
          exporters: ['otlp_http/logstash'],
        },
      },
    },
  };
}

/** The span resource attributes the span metrics keep: the service and its namespace. */
const SPAN_METRICS_RESOURCE_KEYS = ['service.name', 'service.namespace', 'k8s.namespace.name'] as const;

/**
 * The span metrics' resource: the service (`job`) and its namespace, and as `service.instance.id`
 * (`instance`) the gateway replica that counted them. Each replica counts the spans it received, so
 * each replica's series are its own; and they are not the service's own instances, whose
 * `target_info` a join on `job, instance` must find alone.
 */
const SPAN_METRICS_RESOURCE = {
  error_mode: 'ignore' as const,
  metric_statements: [
    {
      context: 'resource' as const,
      statements: [
        `keep_keys(resource.attributes, [${SPAN_METRICS_RESOURCE_KEYS.map((k) => `"${k}"`).join(', ')}])`,
        'set(resource.attributes["service.instance.id"], "${env:POD_NAME}")',
      ],
    },
  ],
};

/** Span durations' buckets: from a cache hit to a long agent loop. */
const SPAN_DURATION_BUCKETS = [
  '5ms',
  '10ms',
  '25ms',
  '50ms',
  '100ms',
  '250ms',
  '500ms',
  '1s',
  '2500ms',
  '5s',
  '10s',
  '30s',
  '1m',
  '2m',
  '5m',
];

/**
 * The span metrics connector: `traces_span_metrics_calls_total` and
 * `traces_span_metrics_duration_seconds` per service (`job`), span name, kind, status and the
 * configured dimensions, bounded per service by the cardinality limit. Flushed every 15 s, half the default
 * scrape interval, so a scrape never sees a value older than one flush.
 */
export function spanMetricsConnector(config: SpanMetricsConfig): SpanMetricsConnector {
  return {
    namespace: 'traces.span.metrics',
    histogram: { unit: 's', explicit: { buckets: SPAN_DURATION_BUCKETS } },
    dimensions: config.dimensions.map((name) => ({ name })),
    // The service is the series' job already, and the replica that counted is its instance (see
    // SPAN_METRICS_RESOURCE): neither is a label again.
    exclude_dimensions: ['service.name', 'collector.instance.id'],
    // One series set per service and namespace, not per pod or process of it.
    resource_metrics_key_attributes: [...SPAN_METRICS_RESOURCE_KEYS],
    aggregation_cardinality_limit: config.cardinalityLimit,
    metrics_flush_interval: '15s',
  };
}

/** A Prometheus label name. */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Labels the Prometheus exporter gives every series of an app itself, or reserves. */
const EXPORTER_LABELS = /^(job|instance|le|quantile|otel_scope_.*|__.*)$/;

/**
 * Resource labels the exporter cannot give, or that leave out a default the alert packs and
 * dashboards select by (paths under /collector/resourceLabels).
 */
export function resourceLabelProblems(labels: Readonly<Record<string, string>>): string[] {
  const problems = Object.keys(labels).flatMap((label) =>
    !LABEL_NAME.test(label)
      ? [
          `/collector/resourceLabels/${label}: must be named like a Prometheus label (letters, digits and _, not starting with a digit), got ${show(label)}`,
        ]
      : EXPORTER_LABELS.test(label)
        ? [
            `/collector/resourceLabels/${label}: is a label the Prometheus exporter sets or reserves (job, instance, le, quantile, otel_scope_*, __*): choose another name`,
          ]
        : [],
  );
  const missing = Object.keys(APP_METRIC_LABELS).filter((label) => !Object.hasOwn(labels, label));
  if (missing.length > 0)
    problems.push(
      `/collector/resourceLabels: must keep ${missing.join(' and ')} (the alert packs and dashboards select an app's metrics by ${Object.keys(APP_METRIC_LABELS).join(' and ')}), got ${show(labels)}`,
    );
  return problems;
}

/** Tail-sampling waits the collector cannot keep (paths under /collector/sampling). */
/** The autoscaler's rules: a floor that keeps the routing tier, below its ceiling. */
export function autoscalingProblems(collector: CollectorConfig): string[] {
  const { enabled, minReplicas, maxReplicas } = collector.autoscaling;
  if (!enabled) return [];
  if (minReplicas < 2) {
    return [
      `/collector/autoscaling/minReplicas: must be 2 or more: a gateway rendered for 1 replica has no trace-ID routing, so the replicas it scaled to would each sample parts of traces, got ${minReplicas}`,
    ];
  }
  if (maxReplicas <= minReplicas) {
    return [`/collector/autoscaling/maxReplicas: must be more than minReplicas (${minReplicas}), got ${maxReplicas}`];
  }
  return [];
}

export function samplingProblems(collector: CollectorConfig): string[] {
  const { decisionWait, decisionWaitAfterRoot } = collector.sampling;
  const afterRoot = durationSeconds(decisionWaitAfterRoot);
  if (afterRoot < 1 || !Number.isInteger(afterRoot)) {
    return [
      `/collector/sampling/decisionWaitAfterRoot: must be whole seconds (the collector decides once a second), got ${show(decisionWaitAfterRoot)}`,
    ];
  }
  if (afterRoot >= durationSeconds(decisionWait)) {
    return [
      `/collector/sampling/decisionWaitAfterRoot: must be shorter than /collector/sampling/decisionWait (${decisionWait}), or the root span would never speed up a decision, got ${show(decisionWaitAfterRoot)}`,
    ];
  }
  return [];
}
