import { LogLevel, RedactionConfig } from '../src/config/types';
import type { Telemetry, TransformProcessor } from './otel-config';

// Group 1 is the whole address, so the replacement can hash it.
const EMAIL = '([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,})';
// Group 1 is the first three octets.
const IPV4 =
  '\\b((?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\\.(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\\.(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9]))\\.(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\\b';

/** An OTTL string literal: OTTL strings escape `"` and `\` as Go and JSON do. */
function str(value: string): string {
  return JSON.stringify(value);
}

function escapeRegex(word: string): string {
  return word.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
}

/**
 * A dotted segment of the name that is, or ends in `_`/`-` plus, one of the words: `db.password`,
 * `access_token`, `payment.credit_card.number`, `http.request.header.authorization` match;
 * `gen_ai.usage.input_tokens` and `llm.token_count.prompt` (token counts of LLM calls) do not.
 */
function removedName(words: readonly string[]): string {
  // "A dotted segment that is, or ends in `_`/`-` plus, the word" is the word after the start, a `.`,
  // `_` or `-`, and before a `.` or the end. Written so, Go's regexp checks each name in a third less
  // time than with the segment spelled out, and it checks every attribute name of every record.
  return `(?:^|[._-])(?:${words.map(escapeRegex).join('|')})(?:\\.|$)`;
}

/**
 * OTTL statements that remove personal data from a map of attributes (`target`, a context-prefixed
 * path such as `span.attributes`: the collector rewrites unprefixed paths and asks for prefixed ones).
 * In collector config `$$` is a literal `$`, so `$$1` is group 1.
 */
function mapStatements(config: RedactionConfig, target: string): string[] {
  const out: string[] = [];
  if (config.removeAttributesNamed.length > 0) {
    out.push(`delete_matching_keys(${target}, ${str(`(?i)${removedName(config.removeAttributesNamed)}`)})`);
  }
  for (const key of config.pseudonymize) {
    const ref = `${target}[${str(key)}]`;
    out.push(`set(${ref}, SHA256(${ref})) where IsString(${ref})`);
    // A non-string identifier cannot be hashed by SHA256; it is dropped rather than kept in clear.
    out.push(`delete_key(${target}, ${str(key)}) where ${ref} != nil and not IsString(${ref})`);
  }
  if (config.emails === 'hash')
    out.push(`replace_all_patterns(${target}, "value", ${str(EMAIL)}, "$$1", SHA256, "email-sha256:%s")`);
  if (config.emails === 'remove')
    out.push(`replace_all_patterns(${target}, "value", ${str(EMAIL)}, "[email removed]")`);
  if (config.ipv4 === 'zero-last-octet') out.push(`replace_all_patterns(${target}, "value", ${str(IPV4)}, "$$1.0")`);
  return out;
}

function bodyStatements(config: RedactionConfig): string[] {
  const body = 'log.body';
  const out: string[] = [];
  if (config.emails === 'hash')
    out.push(`replace_pattern(${body}, ${str(EMAIL)}, "$$1", SHA256, "email-sha256:%s") where IsString(${body})`);
  if (config.emails === 'remove')
    out.push(`replace_pattern(${body}, ${str(EMAIL)}, "[email removed]") where IsString(${body})`);
  if (config.ipv4 === 'zero-last-octet')
    out.push(`replace_pattern(${body}, ${str(IPV4)}, "$$1.0") where IsString(${body})`);
  return out;
}

/** The `transform` processor settings that apply `config` to span attributes, log attributes and log bodies. */
export function redactionProcessor(config: RedactionConfig): TransformProcessor {
  return {
    // One statement failing on one record (an unexpected type) must not drop the record.
    error_mode: 'ignore',
    trace_statements: [{ context: 'span', statements: mapStatements(config, 'span.attributes') }],
    log_statements: [
      { context: 'log', statements: [...mapStatements(config, 'log.attributes'), ...bodyStatements(config)] },
    ],
  };
}

/** The regular expressions the statements use, for tests. */
export const REDACTION_PATTERNS = {
  email: EMAIL,
  ipv4: IPV4,
  removedName,
};

/**
 * The log level of a collector (agent or gateway) for the stack's `common.logLevel`. At `debug` a
 * collector logs the telemetry itself (the transform processor logs every record it rewrites, before
 * the rewrite): the personal data redaction removes would land in the node's container logs, and the
 * gateway would spend a tenth of its CPU marshalling it (docs/pipeline-bench.md). So `info` is as
 * verbose as a collector gets.
 */
export function collectorLogLevel(level: LogLevel): LogLevel {
  return level === 'debug' ? 'info' : level;
}

/**
 * A collector's own telemetry (agent and gateway): logs at the level collectorLogLevel allows, and
 * detailed metrics for Prometheus to pull at `port` (the reader has no TLS settings).
 */
export function collectorTelemetry(level: LogLevel, port: number): Telemetry {
  return {
    logs: { level: collectorLogLevel(level) },
    metrics: { level: 'detailed', readers: [{ pull: { exporter: { prometheus: { host: '0.0.0.0', port } } } }] },
  };
}
