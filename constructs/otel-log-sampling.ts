import { LogSamplingConfig, LogStreamConfig } from '../src/config/types';
import { show } from '../src/lib/problems';
import type { ProbabilisticSamplerProcessor, TransformProcessor } from './otel-config';

/**
 * Log sampling by severity in the gateway (seed 000 §18.3). One `transform` gives each record that may
 * be dropped its share as a `sampling.priority` attribute (a percentage) and a random key; the
 * `probabilistic_sampler` keeps it with that probability, hashing its trace ID (so the records of one
 * trace at one severity are kept or dropped together) or, without one, the key; a second `transform`
 * removes what the sampling wrote, except the `sampling.threshold` of a record kept at less than 100%
 * (OpenTelemetry's `th`: the record stands for 1/p records). A record without a priority (WARN and
 * above, an exempt stream's, a severity kept whole) passes: the sampler keeps 100% of the rest.
 */

const PRIORITY = 'sampling.priority';
const KEY = 'sampling.key';
// Written by the sampler: the randomness it drew from the trace ID or key, and a kept record's threshold.
const RANDOMNESS = 'sampling.randomness';
const THRESHOLD = 'sampling.threshold';
/** The attribute naming a record's log stream (constructs/logstash-pipeline.ts). */
export const DATASET_ATTRIBUTE = 'data_stream.dataset';

/** The processors, in pipeline order, by id. */
export interface LogSamplingProcessors {
  readonly 'transform/log_priority': TransformProcessor;
  readonly 'probabilistic_sampler/logs': ProbabilisticSamplerProcessor;
  readonly 'transform/log_priority_cleanup': TransformProcessor;
}

/** An OTTL string literal. */
function str(value: string): string {
  return JSON.stringify(value);
}

/** An OTTL float literal in plain decimals (OTTL reads no exponent). */
function float(value: number): string {
  const text = value.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 20 });
  return text.includes('.') ? text : `${text}.0`;
}

/**
 * OTTL condition: the record lands in one of `names`, as Logstash picks its stream: the record's own
 * `data_stream.dataset`, else its resource's.
 */
function inStreams(names: readonly string[]): string {
  const own = `log.attributes[${str(DATASET_ATTRIBUTE)}]`;
  const resource = `resource.attributes[${str(DATASET_ATTRIBUTE)}]`;
  const any = (path: string) => names.map((name) => `${path} == ${str(name)}`).join(' or ');
  return `(${any(own)} or (${own} == nil and (${any(resource)})))`;
}

/**
 * OTTL condition selecting the records sampling may drop: those not in an exempt stream. Logstash puts a
 * record naming no stream, or an unknown one, in the first (`streams[0]`); when that one is exempt, only
 * records naming another stream are sampled. `undefined`: every stream is exempt.
 */
function sampledStreams(streams: readonly string[], exempt: readonly string[]): string | undefined {
  const sampled = streams.filter((s) => !exempt.includes(s));
  if (sampled.length === 0) return undefined;
  if (streams[0] !== undefined && exempt.includes(streams[0])) return inStreams(sampled);
  return exempt.length > 0 ? `not ${inStreams(exempt)}` : 'true';
}

/** A log stream as sampling sees it: its name, and its compliance preset (a `sox` stream is exempt by default). */
export type SampledStream = Pick<LogStreamConfig, 'name' | 'compliance'>;

/** The streams whose records are never sampled: the config's, or by default every `sox` stream. */
export function exemptStreams(config: LogSamplingConfig, streams: readonly SampledStream[]): readonly string[] {
  return config.exemptStreams ?? streams.filter((s) => s.compliance === 'sox').map((s) => s.name);
}

/** Each severity band sampling may drop, as an OTTL condition, with its share. */
function bands(config: LogSamplingConfig): Array<[condition: string, percent: number]> {
  const severity = 'log.severity_number';
  return [
    [`${severity} >= SEVERITY_NUMBER_TRACE and ${severity} < SEVERITY_NUMBER_INFO`, config.debug],
    [`${severity} >= SEVERITY_NUMBER_INFO and ${severity} < SEVERITY_NUMBER_WARN`, config.info],
    [`${severity} == SEVERITY_NUMBER_UNSPECIFIED`, config.unspecified],
  ];
}

/**
 * The gateway's log sampling processors for `config`, with the log streams Logstash routes to (the
 * first takes records naming none); `undefined` when every record is kept.
 */
export function logSamplingProcessors(
  config: LogSamplingConfig,
  streams: readonly SampledStream[],
): LogSamplingProcessors | undefined {
  const where = sampledStreams(
    streams.map((s) => s.name),
    exemptStreams(config, streams),
  );
  const sampled = bands(config).filter(([, percent]) => percent < 100);
  if (where === undefined || sampled.length === 0) return undefined;
  const scope = where === 'true' ? '' : ` and ${where}`;
  const priority = `log.attributes[${str(PRIORITY)}]`;
  return {
    'transform/log_priority': {
      error_mode: 'ignore',
      log_statements: [
        {
          context: 'log',
          statements: [
            // A record's share is the config's, not one its sender chose.
            `delete_key(log.attributes, ${str(PRIORITY)})`,
            ...sampled.map(([band, percent]) => `set(${priority}, ${float(percent)}) where ${band}${scope}`),
            `set(log.attributes[${str(KEY)}], UUID()) where ${priority} != nil`,
          ],
        },
      ],
    },
    'probabilistic_sampler/logs': {
      mode: 'hash_seed',
      // A record without a priority is kept; it may lack a trace ID and key, which must not drop it.
      sampling_percentage: 100,
      fail_closed: false,
      attribute_source: 'traceID',
      from_attribute: KEY,
      sampling_priority: PRIORITY,
    },
    'transform/log_priority_cleanup': {
      error_mode: 'ignore',
      log_statements: [
        {
          context: 'log',
          statements: [
            `delete_key(log.attributes, ${str(PRIORITY)})`,
            `delete_key(log.attributes, ${str(KEY)})`,
            `delete_key(log.attributes, ${str(RANDOMNESS)})`,
            // "0" is 100%: the record stands for itself alone.
            `delete_key(log.attributes, ${str(THRESHOLD)}) where log.attributes[${str(THRESHOLD)}] == "0"`,
          ],
        },
      ],
    },
  };
}

/** Exempt streams that are no log stream (paths under /collector/logSampling). */
export function logSamplingProblems(config: LogSamplingConfig, streams: readonly SampledStream[]): string[] {
  const names = streams.map((s) => s.name);
  return (config.exemptStreams ?? []).flatMap((name, i) =>
    names.includes(name)
      ? []
      : [
          `/collector/logSampling/exemptStreams/${i}: must name a log stream of /retention/streams (${names.join(', ')}), got ${show(name)}`,
        ],
  );
}
