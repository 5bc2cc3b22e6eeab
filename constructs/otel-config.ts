/**
 * The subset of the OpenTelemetry Collector's configuration file the stack renders, as types: one
 * interface per component type we use, keyed by its type name (`otlp`, `otlp/<name>`, ...), so the
 * gateway's and the agent's config.yaml are built from checked objects. tsc refuses a misspelt key or
 * a component type we do not know; `otelcol validate` with the judged collector has the last word
 * (test/otel/collector-configs.test.ts), and test/otel/check-collector-config.ts holds the component
 * types to the judged binary's own list.
 */

/** `configtls` server settings. */
export interface TlsServerSettings {
  cert_file: string;
  key_file: string;
  /** Requiring a client certificate signed by this CA (mTLS). */
  client_ca_file?: string;
  min_version?: '1.2' | '1.3';
  reload_interval?: string;
}

/** `configtls` client settings. */
export type TlsClientSettings =
  | { insecure: true }
  | {
      ca_file: string;
      cert_file?: string;
      key_file?: string;
      min_version?: '1.2' | '1.3';
      reload_interval?: string;
      server_name_override?: string;
    };

/** `configretry` of an exporter. */
export interface RetryOnFailure {
  enabled: boolean;
  initial_interval?: string;
  max_interval?: string;
  max_elapsed_time?: string;
}

/** `exporterhelper` queue of an exporter; `storage` names a storage extension to persist it. */
export interface SendingQueue {
  enabled: boolean;
  storage?: string;
  queue_size?: number;
}

// ---- extensions ----------------------------------------------------------------------------

export interface HealthCheckExtension {
  endpoint: string;
}

export interface FileStorageExtension {
  directory: string;
  create_directory?: boolean;
  timeout?: string;
  compaction?: { on_start?: boolean; on_rebound?: boolean; directory?: string };
}

export interface Extensions {
  health_check?: HealthCheckExtension;
  file_storage?: FileStorageExtension;
  [id: `file_storage/${string}`]: FileStorageExtension;
}

// ---- receivers -----------------------------------------------------------------------------

export interface OtlpReceiver {
  protocols: {
    grpc?: {
      endpoint: string;
      tls?: TlsServerSettings;
      keepalive?: { server_parameters: { max_connection_age: string; max_connection_age_grace: string } };
    };
    http?: { endpoint: string; tls?: TlsServerSettings };
  };
}

export interface FileLogReceiver {
  include: string[];
  exclude?: string[];
  start_at?: 'beginning' | 'end';
  include_file_path?: boolean;
  include_file_name?: boolean;
  /** A storage extension keeping read positions across restarts. */
  storage?: string;
  operators?: Array<{ type: 'container'; id?: string }>;
}

export interface KubeletStatsReceiver {
  collection_interval: string;
  auth_type: 'serviceAccount' | 'tls' | 'none';
  endpoint: string;
  insecure_skip_verify?: boolean;
  metric_groups: Array<'node' | 'pod' | 'container' | 'volume'>;
}

export interface Receivers {
  otlp?: OtlpReceiver;
  [id: `otlp/${string}`]: OtlpReceiver;
  file_log?: FileLogReceiver;
  kubelet_stats?: KubeletStatsReceiver;
}

// ---- processors ----------------------------------------------------------------------------

export interface MemoryLimiterProcessor {
  check_interval: string;
  limit_percentage: number;
  spike_limit_percentage: number;
}

/** A tail-sampling policy that may stand inside an `and` policy. */
export type LeafSamplingPolicy = { name: string } & (
  | { type: 'status_code'; status_code: { status_codes: Array<'OK' | 'ERROR' | 'UNSET'> } }
  | { type: 'latency'; latency: { threshold_ms: number } }
  | { type: 'probabilistic'; probabilistic: { sampling_percentage: number } }
  /** Keeps a trace when any span (`span`) or span event (`spanevent`) matches any of the conditions. */
  | {
      type: 'ottl_condition';
      ottl_condition: { error_mode?: 'ignore' | 'silent' | 'propagate'; span?: string[]; spanevent?: string[] };
    }
  /** Keeps a trace when a span or its resource has the attribute `key` with one of `values`. */
  | { type: 'string_attribute'; string_attribute: { key: string; values: string[] } }
  /** Keeps a trace with `min_spans` spans or more (and at most `max_spans`, when set), of any kind. */
  | { type: 'span_count'; span_count: { min_spans: number; max_spans?: number } }
);

/** Keeps a trace when every sub-policy keeps it, each judging the whole trace on its own. */
export type AndSamplingPolicy = { name: string; type: 'and'; and: { and_sub_policy: LeafSamplingPolicy[] } };

export type SamplingPolicy = LeafSamplingPolicy | AndSamplingPolicy;

export interface TailSamplingProcessor {
  decision_wait: string;
  decision_wait_after_root_received?: string;
  num_traces: number;
  decision_cache?: { sampled_cache_size?: number; non_sampled_cache_size?: number };
  num_shards?: number;
  policies: SamplingPolicy[];
}

/** OTTL statements run in one context (`span`, `log`, `datapoint`, ...). */
export interface OttlStatements {
  context: 'resource' | 'scope' | 'span' | 'spanevent' | 'log' | 'metric' | 'datapoint';
  statements: string[];
}

export interface TransformProcessor {
  error_mode?: 'ignore' | 'silent' | 'propagate';
  trace_statements?: OttlStatements[];
  metric_statements?: OttlStatements[];
  log_statements?: OttlStatements[];
}

/**
 * `probabilistic_sampler` on logs, in its `hash_seed` mode: a record is kept when the hash of its trace
 * ID (or, without one, of `from_attribute`) falls within `sampling_percentage`, or within the
 * percentage its `sampling_priority` attribute gives (a number above 0, which overrides it).
 */
export interface ProbabilisticSamplerProcessor {
  mode?: 'hash_seed';
  sampling_percentage: number;
  /** Whether an item without randomness (no trace ID and no `from_attribute`) is dropped. */
  fail_closed: boolean;
  attribute_source?: 'traceID' | 'record';
  from_attribute?: string;
  sampling_priority?: string;
}

export interface ResourceProcessor {
  attributes: Array<{ key: string; value?: string; action: 'insert' | 'update' | 'upsert' | 'delete' }>;
}

export interface BatchProcessor {
  send_batch_size: number;
  send_batch_max_size?: number;
  timeout: string;
}

export interface K8sAttributesProcessor {
  auth_type: 'serviceAccount' | 'kubeConfig' | 'none';
  filter?: { node_from_env_var?: string };
  extract: {
    metadata: string[];
    labels?: Array<{ tag_name: string; key: string; from: 'pod' | 'namespace' }>;
  };
  pod_association: Array<{ sources: Array<{ from: 'resource_attribute'; name: string } | { from: 'connection' }> }>;
}

export interface Processors {
  memory_limiter?: MemoryLimiterProcessor;
  tail_sampling?: TailSamplingProcessor;
  [id: `probabilistic_sampler/${string}`]: ProbabilisticSamplerProcessor;
  [id: `transform/${string}`]: TransformProcessor;
  resource?: ResourceProcessor;
  batch?: BatchProcessor;
  k8s_attributes?: K8sAttributesProcessor;
}

// ---- exporters -----------------------------------------------------------------------------

export interface PrometheusExporter {
  endpoint: string;
  tls?: TlsServerSettings;
  enable_open_metrics?: boolean;
}

export interface OtlpGrpcExporter {
  endpoint: string;
  tls: TlsClientSettings;
  timeout?: string;
  retry_on_failure?: RetryOnFailure;
  sending_queue?: SendingQueue;
}

export interface OtlpHttpExporter {
  logs_endpoint?: string;
  traces_endpoint?: string;
  metrics_endpoint?: string;
  encoding?: 'proto' | 'json';
  compression?: 'none' | 'gzip';
  tls: TlsClientSettings;
  retry_on_failure?: RetryOnFailure;
  sending_queue?: SendingQueue;
}

export interface LoadBalancingExporter {
  routing_key: 'traceID' | 'service' | 'resource' | 'metric' | 'streamID';
  protocol: { otlp: Omit<OtlpGrpcExporter, 'endpoint'> };
  resolver: { dns: { hostname: string; port: string; interval?: string } };
}

export interface Exporters {
  prometheus?: PrometheusExporter;
  load_balancing?: LoadBalancingExporter;
  [id: `otlp_grpc/${string}`]: OtlpGrpcExporter;
  [id: `otlp_http/${string}`]: OtlpHttpExporter;
}

// ---- connectors ----------------------------------------------------------------------------

/** connector/spanmetricsconnector (type `span_metrics`): spans in, call counts and durations out. */
export interface SpanMetricsConnector {
  /** Metric name prefix: `traces.span.metrics` gives `traces_span_metrics_calls_total`. */
  namespace: string;
  histogram: { unit: 's' | 'ms'; explicit: { buckets: string[] } };
  dimensions: Array<{ name: string }>;
  /** Default dimensions left out. */
  exclude_dimensions?: string[];
  /** The resource attributes that tell resources apart; spans of resources equal in these count together. */
  resource_metrics_key_attributes?: string[];
  /** Distinct attribute sets per resource and metric; past it, one overflow series. */
  aggregation_cardinality_limit: number;
  metrics_flush_interval: string;
}

export interface Connectors {
  span_metrics?: SpanMetricsConnector;
}

// ---- service -------------------------------------------------------------------------------

/** A component's id as a pipeline names it: a key its section can have. */
export type Id<Section> = Extract<keyof Section, string>;

/** A pipeline; a connector is an exporter of one pipeline and a receiver of another. */
export interface Pipeline {
  receivers: Array<Id<Receivers> | Id<Connectors>>;
  processors: Array<Id<Processors>>;
  exporters: Array<Id<Exporters> | Id<Connectors>>;
}

export interface Telemetry {
  logs: { level: 'debug' | 'info' | 'warn' | 'error' };
  metrics: {
    level: 'none' | 'basic' | 'normal' | 'detailed';
    readers: Array<{ pull: { exporter: { prometheus: { host: string; port: number } } } }>;
  };
}

export interface Pipelines {
  traces?: Pipeline;
  metrics?: Pipeline;
  logs?: Pipeline;
  [id: `traces/${string}`]: Pipeline;
  [id: `metrics/${string}`]: Pipeline;
}

/** The collector's configuration file. */
export interface CollectorConfigFile {
  extensions: Extensions;
  receivers: Receivers;
  processors: Processors;
  exporters: Exporters;
  connectors?: Connectors;
  service: {
    extensions: Array<Id<Extensions>>;
    telemetry: Telemetry;
    pipelines: Pipelines;
  };
}
