import { toYaml } from './render';

/** The json_exporter module that reads Logstash's pipeline stats. */
export const LOGSTASH_METRICS_MODULE = 'logstash';

/** The monitoring API path the sidecar reads: every pipeline's events, queue and dead-letter queue. */
export const LOGSTASH_STATS_PATH = '/_node/stats/pipelines';

/** One metric of a json_exporter module (its config package's `Metric`, as yaml.v2 reads it). */
export interface JsonExporterMetric {
  readonly name: string;
  /** A Kubernetes JSONPath (client-go's `jsonpath`) to the value. */
  readonly path: string;
  readonly help: string;
  /** `value` (the default) reads one number at `path`. */
  readonly type?: 'value';
  readonly valuetype: 'counter' | 'gauge';
  /** Labels: a static string or a JSONPath template. */
  readonly labels?: Record<string, string>;
}

/** json_exporter's config file: modules by name, each a list of metrics. */
export interface JsonExporterConfig {
  readonly modules: Record<string, { readonly metrics: readonly JsonExporterMetric[] }>;
}

/**
 * What is read of each pipeline of `GET /_node/stats/pipelines` (Logstash 9's node stats API:
 * `pipelines.<id>.events.{in,filtered,out}`, `pipelines.<id>.queue.{events_count,queue_size_in_bytes}`
 * for a persisted queue, `pipelines.<id>.dead_letter_queue.queue_size_in_bytes` where the DLQ is enabled):
 * name, its path under the pipeline, its type and help.
 */
const PIPELINE_METRICS: readonly (readonly [string, string, 'counter' | 'gauge', string])[] = [
  ['logstash_pipeline_events_in_total', 'events.in', 'counter', 'Events the pipeline received from its inputs.'],
  [
    'logstash_pipeline_events_filtered_total',
    'events.filtered',
    'counter',
    "Events that went through the pipeline's filters.",
  ],
  ['logstash_pipeline_events_out_total', 'events.out', 'counter', "Events the pipeline's outputs sent."],
  ['logstash_pipeline_queue_events', 'queue.events_count', 'gauge', 'Events in the persistent queue.'],
  [
    'logstash_pipeline_queue_size_bytes',
    'queue.queue_size_in_bytes',
    'gauge',
    'Size of the persistent queue on disk, in bytes.',
  ],
  [
    'logstash_pipeline_dead_letter_queue_size_bytes',
    'dead_letter_queue.queue_size_in_bytes',
    'gauge',
    'Size of the dead-letter queue on disk, in bytes.',
  ],
];

/** The catalogued names, in the order the module renders them. */
export const LOGSTASH_PIPELINE_METRICS = PIPELINE_METRICS.map(([name, , type, help]) => ({ name, type, help }));

/**
 * The json_exporter config for Logstash: per pipeline id, a series of each metric labelled `pipeline`.
 * json_exporter's JSONPath cannot name a map's keys, so each pipeline (known when the stack renders:
 * pipelines.yml) gets its own metrics, reading `pipelines['<id>']`.
 */
export function logstashJsonExporterConfig(pipelineIds: readonly string[]): JsonExporterConfig {
  return {
    modules: {
      [LOGSTASH_METRICS_MODULE]: {
        metrics: pipelineIds.flatMap((id) =>
          PIPELINE_METRICS.map(([name, path, valuetype, help]) => ({
            name,
            path: `{.pipelines['${id}'].${path}}`,
            help,
            valuetype,
            labels: { pipeline: id },
          })),
        ),
      },
    },
  };
}

/** The rendered config file. */
export function renderLogstashJsonExporterConfig(pipelineIds: readonly string[]): string {
  return toYaml(logstashJsonExporterConfig(pipelineIds));
}

/** Where the sidecar listens and what it reads. */
export interface LogstashJsonExporterArgs {
  /** `--web.listen-address`, e.g. `:7979`. */
  readonly listen: string;
  /** Its module config file. */
  readonly config: string;
  /** Its TLS web config (exporter toolkit). */
  readonly webConfig: string;
}

/** The sidecar's command line: the tests run the real binary with it. */
export function logstashJsonExporterArgs(args: LogstashJsonExporterArgs): string[] {
  return [`--web.listen-address=${args.listen}`, `--web.config.file=${args.webConfig}`, `--config.file=${args.config}`];
}

/**
 * The scrape's query: json_exporter serves a target's metrics at `/probe?module=&target=`; the target is
 * Logstash's API on the pod's loopback (the sidecar shares Logstash's network namespace).
 */
export function logstashProbeParams(apiPort: number): Record<string, string[]> {
  return { module: [LOGSTASH_METRICS_MODULE], target: [`http://127.0.0.1:${apiPort}${LOGSTASH_STATS_PATH}`] };
}
