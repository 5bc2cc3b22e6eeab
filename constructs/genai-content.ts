import { durationSeconds } from '../src/config/duration';
import { GenAiContentConfig } from '../src/config/types';
import { show } from '../src/lib/problems';
import type { OttlStatements, TransformProcessor } from './otel-config';
import { DATASET_ATTRIBUTE } from './otel-log-sampling';
import type { AddedLogStream } from './retention';
import { COMPLIANCE } from './retention-policy';

/**
 * The content policy for prompts and completions (issue 14): what the gateway does with the GenAI
 * semantic conventions' content before anything is stored. Spans never keep it (the trace store keeps
 * every span for `retention.traces`); log records drop it, hash it, or take it whole to a log stream of
 * their own whose lifecycle deletes it within `keepFor`.
 */

/** Attributes that hold content (spans, span events and log records): the current names, then the older ones. */
export const CONTENT_ATTRIBUTES = [
  'gen_ai.input.messages',
  'gen_ai.output.messages',
  'gen_ai.system_instructions',
  'gen_ai.tool.call.arguments',
  'gen_ai.tool.call.result',
  // The `gen_ai.content.prompt` and `gen_ai.content.completion` span events' attributes.
  'gen_ai.prompt',
  'gen_ai.completion',
] as const;

/** Prefixes of the indexed older attributes (OpenLLMetry's `gen_ai.prompt.0.content`, `gen_ai.completion.0.role`, ...). */
export const CONTENT_ATTRIBUTE_PREFIXES = ['gen_ai.prompt.', 'gen_ai.completion.'] as const;

/**
 * Events whose log record carries content in its body: the older per-message events, and the current
 * inference details event (its content is in attributes, and an SDK may put a body beside them). The
 * name is the record's `event_name`, or its `event.name` attribute in SDKs older than that field.
 */
export const CONTENT_EVENTS = [
  'gen_ai.system.message',
  'gen_ai.user.message',
  'gen_ai.assistant.message',
  'gen_ai.tool.message',
  'gen_ai.choice',
  'gen_ai.content.prompt',
  'gen_ai.content.completion',
  'gen_ai.client.inference.operation.details',
] as const;

/** The log stream (data stream dataset) of content in `keep` mode. */
export const CONTENT_STREAM = 'genai_content';

const DAY = 86400;
/** The longest `keepFor`: content is personal data, which the `gdpr` preset deletes within 30 days. */
export const CONTENT_MAX_KEEP_SECONDS = COMPLIANCE.gdprMaxAgeSeconds;
/** The shortest `keepFor`: the stream rolls over at half of it, and more often than twice a day is index churn. */
export const CONTENT_MIN_KEEP_SECONDS = DAY;

function escapeRegex(word: string): string {
  return word.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
}

/** A name that is a content attribute, as a regular expression both Go (RE2) and JavaScript read alike. */
export const CONTENT_ATTRIBUTE_PATTERN = `^(?:${CONTENT_ATTRIBUTES.map(escapeRegex).join('|')})$|^(?:${CONTENT_ATTRIBUTE_PREFIXES.map(escapeRegex).join('|')})`;
const EVENT_PATTERN = `^(?:${CONTENT_EVENTS.map(escapeRegex).join('|')})$`;

/** An OTTL string literal. */
function str(value: string): string {
  return JSON.stringify(value);
}

/** OTTL condition: the log record is one of the content events. */
const CONTENT_EVENT = `(IsMatch(log.event_name, ${str(EVENT_PATTERN)}) or IsMatch(log.attributes["event.name"], ${str(EVENT_PATTERN)}))`;

/** Statements removing the content attributes from `map`. */
function dropStatements(map: string): string[] {
  return [`delete_matching_keys(${map}, ${str(CONTENT_ATTRIBUTE_PATTERN)})`];
}

/**
 * Statements replacing each content attribute of `map` with the SHA-256 hex of its text: a string as
 * it is, a map or list as its JSON (keys sorted, as Go writes it), a number as its digits. OTTL cannot
 * loop over keys matching a pattern, so the content attributes are copied to `cache` (the record's own
 * scratch map, empty for each record), hashed there in place, and moved back.
 */
function hashStatements(map: string, cache: string): string[] {
  const pattern = str(CONTENT_ATTRIBUTE_PATTERN);
  return [
    `merge_maps(${cache}, ${map}, "upsert")`,
    `keep_matching_keys(${cache}, ${pattern})`,
    `stringify_all(${cache})`,
    // The whole value, newlines and all, is the match; `$$0` is `$0` in collector config, the match.
    `replace_all_patterns(${cache}, "value", "(?s)^.*$", "$$0", SHA256)`,
    `delete_matching_keys(${map}, ${pattern})`,
    `merge_maps(${map}, ${cache}, "upsert")`,
  ];
}

/** The statements for the attributes of spans and span events: dropped, or hashed with `hash`. */
function spanStatements(mode: GenAiContentConfig['mode']): OttlStatements[] {
  const map = (context: 'span' | 'spanevent') =>
    mode === 'hash'
      ? hashStatements(`${context}.attributes`, `${context}.cache`)
      : dropStatements(`${context}.attributes`);
  return [
    { context: 'span', statements: map('span') },
    { context: 'spanevent', statements: map('spanevent') },
  ];
}

function logStatements(mode: GenAiContentConfig['mode']): string[] {
  switch (mode) {
    case 'drop':
      // Emptied, not removed: the collector ignores `set` to nil (it warns, and keeps the body).
      return [...dropStatements('log.attributes'), `set(log.body, "") where ${CONTENT_EVENT} and log.body != nil`];
    case 'hash':
      return [
        ...hashStatements('log.attributes', 'log.cache'),
        `set(log.body, SHA256(String(log.body))) where ${CONTENT_EVENT} and log.body != nil`,
      ];
    case 'keep':
      // The record goes whole to the content stream (Logstash routes by this attribute), whatever stream it named.
      return [
        `merge_maps(log.cache, log.attributes, "upsert")`,
        `keep_matching_keys(log.cache, ${str(CONTENT_ATTRIBUTE_PATTERN)})`,
        `set(log.attributes[${str(DATASET_ATTRIBUTE)}], ${str(CONTENT_STREAM)}) where Len(log.cache) > 0 or ${CONTENT_EVENT}`,
      ];
  }
}

/** The gateway's `transform` processor applying the content policy to spans and log records. */
export function contentProcessor(config: GenAiContentConfig): TransformProcessor {
  return {
    // One statement failing on one record (an unexpected type) must not drop the record.
    error_mode: 'ignore',
    trace_statements: spanStatements(config.mode),
    log_statements: [{ context: 'log', statements: logStatements(config.mode) }],
  };
}

/**
 * The content stream, with `keep`: a `gdpr` stream rolled over at half of `keepFor` (at most daily) and
 * deleted `keepFor` minus that after rollover, so a record is gone `keepFor` after it was written (and
 * ILM's next poll, within 10 minutes). It is left out of snapshots, which would keep it for their own
 * `expireAfter`.
 */
export function contentStream(config: GenAiContentConfig): AddedLogStream | undefined {
  if (config.mode !== 'keep') return undefined;
  const keep = Math.floor(durationSeconds(config.keepFor));
  const rollover = Math.floor(Math.min(DAY, keep / 2));
  return {
    stream: {
      name: CONTENT_STREAM,
      compliance: 'gdpr',
      // Warm right after rollover: a rolled-over index takes no more writes, so it is merged at once.
      lifecycle: { rolloverAge: `${rollover}s`, warmAfter: '0s', deleteAfter: `${keep - rollover}s` },
    },
    addedBy: '/genai/content/mode keep',
    snapshot: false,
  };
}

/** A `keepFor` the content stream cannot honour (paths under /genai/content). */
export function contentProblems(config: GenAiContentConfig): string[] {
  const keep = durationSeconds(config.keepFor);
  if (keep > CONTENT_MAX_KEEP_SECONDS)
    return [
      `/genai/content/keepFor: must be at most 30d (prompts and completions are personal data, which the gdpr preset deletes within 30d), got ${show(config.keepFor)}`,
    ];
  if (keep < CONTENT_MIN_KEEP_SECONDS)
    return [
      `/genai/content/keepFor: must be at least 1d (the content stream rolls over at half of it; for less, use mode drop or hash), got ${show(config.keepFor)}`,
    ];
  return [];
}
