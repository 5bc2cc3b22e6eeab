/**
 * The Logstash pipeline's ruby filter, run by the JRuby that Logstash bundles: the init and code strings
 * are taken from the rendered `otlp-logs.conf` and run by test/validate/logstash-ruby-harness.rb, which
 * gives them what Logstash gives a ruby filter (Event, Timestamp, the filter's binding and its exception
 * tag). The inputs are what the split filters leave of the collector's OTLP/JSON export: one resource,
 * one scope, one record. One JRuby process runs every case (it takes seconds to start).
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as path from 'path';
import { resolveConfig } from '../../src/config/loader';
import { StackConfig } from '../../src/config/types';
import { CONTENT_STREAM } from '../../constructs/genai-content';
import { IMAGES } from '../../src/lib/images';
import { ALL_CONFIGS, configMapData, synthStack } from '../helpers';
import { requireTool } from '../tools';

const jruby = requireTool('jruby');
const HARNESS = path.join(__dirname, 'logstash-ruby-harness.rb');

/** The JRuby each Logstash minor bundles (its versions.yml, `jruby: version`); scripts/judges.sh downloads it. */
const BUNDLED_JRUBY: Record<string, string> = { '9.5': '10.0.6.0' };

/** When Logstash's http input received the export: the @timestamp of a record that names no time. */
const RECEIVED_AT = '2099-01-01T00:00:00.000Z';

/** Configs whose redaction and streams differ from the profiles' (all of which, and every example, share them). */
const VARIANTS: Record<string, StackConfig> = {
  'no redaction, streams platform and agents': resolveConfig({
    collector: { redaction: { enabled: false } },
    retention: {
      streams: [
        { name: 'platform', compliance: 'gdpr' },
        { name: 'agents', compliance: 'gdpr' },
      ],
    },
  }),
  'narrow redaction': resolveConfig({
    collector: { redaction: { pseudonymize: ['user.id'], removeAttributesNamed: ['password', 'authorization'] } },
  }),
  // The stack adds the GenAI content stream after the configured ones.
  'prompt content kept': resolveConfig({ genai: { content: { mode: 'keep' } } }),
};
const CONFIGS: Record<string, StackConfig> = { ...ALL_CONFIGS, ...VARIANTS };
/** The configs every case runs on: the default, the examples of seeds 004 and 002, and the variants. */
const JUDGED = ['dev', 'examples/progressive-v5', 'examples/sutazai', ...Object.keys(VARIANTS)];

const PIPELINES = Object.fromEntries(
  Object.entries(CONFIGS).map(([name, config]) => [
    name,
    configMapData(synthStack(config).files.logstash, 'logstash-pipeline', 'otlp-logs.conf'),
  ]),
);

/** The init and code the construct meant to write: everything between the quotes it put around each. */
function intendedRuby(conf: string): { init: string; code: string } {
  const found = /\n {4}init => '([\s\S]*?)'\n {4}code => '([\s\S]*?)'\n {2}\}\n/.exec(conf);
  if (!found) throw new Error(`no ruby { init => '...' code => '...' } in:\n${conf}`);
  return { init: found[1]!, code: found[2]! };
}

/**
 * The value Logstash reads for `setting => '...'`: its grammar ends a single-quoted string at the first
 * `'` not preceded by a backslash, and (config.support_escapes being off) processes no escapes.
 */
function logstashString(conf: string, setting: 'init' | 'code'): string {
  const opening = `\n    ${setting} => '`;
  const start = conf.indexOf(opening) + opening.length;
  let end = start;
  while (end < conf.length && conf[end] !== "'") end += conf[end] === '\\' && conf[end + 1] === "'" ? 2 : 1;
  return conf.slice(start, end);
}

// --- OTLP/JSON as the collector exports it ---------------------------------------------------------

type AnyValue =
  | { stringValue: string }
  | { intValue: string }
  | { doubleValue: number }
  | { boolValue: boolean }
  | { arrayValue: { values: AnyValue[] } }
  | { kvlistValue: { values: KeyValue[] } };
interface KeyValue {
  key: string;
  value: AnyValue;
}

/** A JSON value as an OTLP/JSON AnyValue: int64 as a decimal string, as protobuf's JSON mapping writes it. */
function anyValue(v: unknown): AnyValue {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } };
  return { kvlistValue: { values: keyValues(v as Record<string, unknown>) } };
}

function keyValues(map: Record<string, unknown>): KeyValue[] {
  return Object.entries(map).map(([key, value]) => ({ key, value: anyValue(value) }));
}

/** The resource the agent's k8s_attributes processor gives a pod's logs. */
const RESOURCE = {
  'service.name': 'npa',
  'service.version': '5.0.0',
  'k8s.namespace.name': 'progressive-framework-v5',
  'k8s.pod.name': 'npa-7f9c6d-x2x8q',
};
const RESOURCE_ATTRIBUTES = {
  service_name: 'npa',
  service_version: '5.0.0',
  k8s_namespace_name: 'progressive-framework-v5',
  k8s_pod_name: 'npa-7f9c6d-x2x8q',
};

/** An event as the three split filters leave it: one resource, one scope, one record. */
function splitEvent(record: Record<string, unknown>, resource: Record<string, unknown> = RESOURCE): unknown {
  return {
    resourceLogs: {
      resource: { attributes: keyValues(resource) },
      scopeLogs: { scope: { name: 'agent-logger' }, logRecords: record },
      schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
    },
  };
}

/** A record as the agent's filelog receiver reads a container's line: the line is the body, no severity. */
function containerLine(body: string, timeUnixNano: string): Record<string, unknown> {
  return {
    timeUnixNano,
    observedTimeUnixNano: '1704110499000000000',
    body: { stringValue: body },
    attributes: keyValues({ 'log.iostream': 'stdout' }),
    traceId: '',
    spanId: '',
  };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

// --- Cases -----------------------------------------------------------------------------------------

interface Case {
  name: string;
  filter: string;
  data: unknown;
  expected: Record<string, unknown>;
}

/** The words of the default redaction that name the secret-like keys the cases use. */
const SECRET_WORDS = {
  'db.password': 'password',
  access_token: 'token',
  'http.request.header.authorization': 'authorization',
  'deployment.secret': 'secret',
};

function cases(filter: string, config: StackConfig): Case[] {
  const streams = config.retention.streams.map((s) => s.name);
  const redaction = config.collector.redaction;
  const pseudonym = (key: string, value: string) =>
    redaction.enabled && redaction.pseudonymize.includes(key) ? sha256(value) : value;
  /** `labels` or `resource_attributes` without the secret-like keys the config's redaction removes. */
  const kept = (map: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(map).filter(([key]) => {
        const word = Object.entries(SECRET_WORDS).find(([name]) => name.replace(/\./g, '_') === key)?.[1];
        return !(word && redaction.enabled && redaction.removeAttributesNamed.includes(word));
      }),
    );
  const base = {
    service: { name: 'npa', version: '5.0.0' },
    data_stream: { dataset: streams[0] },
    resource_attributes: RESOURCE_ATTRIBUTES,
  };
  const seed000Body = {
    timestamp: '2024-01-01T12:01:30.500Z',
    level: 'ERROR',
    msg: 'Task execution failed due to timeout',
    trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
    span_id: '00f067aa0ba902b7',
    resource: { 'service.name': 'mister-smith-agent', 'service.version': '1.0.0', 'deployment.secret': 's3cr3t' },
    attributes: {
      'agent.id': 'agent-42',
      'task.id': 'task-12345',
      'task.type': 'code_analysis',
      'task.timeout_seconds': 30,
      'task.duration_seconds': 30.1,
      'error.type': 'timeout',
      'retry.attempt': 2,
      'user.id': 'user-1001',
      'db.password': 'hunter2',
      access_token: 'eyJhbGciOi',
      'http.request.header.authorization': 'Bearer eyJhbGciOi',
      'gen_ai.usage.input_tokens': 1200,
    },
    exception: {
      type: 'TaskTimeoutException',
      message: 'Task execution exceeded 30 second timeout',
      stacktrace: 'TaskTimeoutException: Task execution exceeded...\n  at execute_task:142\n  at agent_loop:89',
    },
  };
  // Seed 004's winston format: its own keys, nulls where a call gave none, then the call's metadata.
  const seed004Body = {
    timestamp: '2024-01-01T12:00:00.250Z',
    level: 'info',
    message: 'Request received',
    agent_type: 'npa',
    agent_id: 'npa-7f9c',
    correlation_id: 'corr-5d1e',
    request_id: 'req-8842',
    user_id: 'user-1001',
    trace_id: null,
    span_id: null,
    stack: null,
    event_type: 'request_start',
    method: 'POST',
    endpoint: '/api/v1/tasks',
    statusCode: 202,
    'http.route': '/api/v1/tasks',
  };
  const plain = {
    timeUnixNano: '1704110400123456789',
    observedTimeUnixNano: '1704110400200000000',
    severityNumber: 13,
    severityText: 'WARN',
    body: { stringValue: 'Agent npa-1 restarted after 2 failures' },
    attributes: keyValues({
      'agent.id': 'npa-1',
      'agent.type': 'npa',
      'retry.count': 2,
      ratio: 0.5,
      cached: true,
      'peer.agents': ['wpa-1', 'bma-1'],
      http: { method: 'GET' },
    }),
    traceId: '5b8efff798038103d269b633813fc60c',
    spanId: 'eee19b7ec3c1b174',
  };
  const routed = (name: string) => (streams.includes(name) ? name : streams[0]);
  const contentKept = config.genai.content.mode === 'keep';
  const at = (time: Record<string, string>) => ({ severityText: 'INFO', body: { stringValue: 'tick' }, ...time });
  const tick = { message: 'tick', level: 'info', ...base, labels: {} };
  /** `agent.critical` as the config's critical types give it, or nothing when it names none. */
  const critical = (type: string) => {
    const types = config.logstash.criticalAgentTypes;
    return types.length === 0 ? {} : { critical: types.includes(type) };
  };

  return [
    {
      name: 'a plain text record: its body, severity, ids, attributes as labels and resource',
      filter,
      data: splitEvent(plain),
      expected: {
        '@timestamp': '2024-01-01T12:00:00.123456789Z',
        message: 'Agent npa-1 restarted after 2 failures',
        level: 'warn',
        trace_id: '5b8efff798038103d269b633813fc60c',
        span_id: 'eee19b7ec3c1b174',
        agent: { id: 'npa-1', type: 'npa', ...critical('npa') },
        ...base,
        labels: {
          retry_count: '2',
          ratio: '0.5',
          cached: 'true',
          peer_agents: '["wpa-1","bma-1"]',
          http: '{"method":"GET"}',
        },
      },
    },
    {
      name: "seed 000's structured JSON body: its message, level, time, ids, resource, attributes (redacted) and exception",
      filter,
      data: splitEvent(containerLine(JSON.stringify(seed000Body), '1704110490600000000')),
      expected: {
        '@timestamp': '2024-01-01T12:01:30.500Z',
        message: 'Task execution failed due to timeout',
        level: 'error',
        trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
        span_id: '00f067aa0ba902b7',
        service: { name: 'mister-smith-agent', version: '1.0.0' },
        exception: seed000Body.exception,
        agent: { id: 'agent-42' },
        data_stream: { dataset: streams[0] },
        labels: kept({
          log_iostream: 'stdout',
          task_id: 'task-12345',
          task_type: 'code_analysis',
          task_timeout_seconds: '30',
          task_duration_seconds: '30.1',
          error_type: 'timeout',
          retry_attempt: '2',
          user_id: pseudonym('user.id', 'user-1001'),
          db_password: 'hunter2',
          access_token: 'eyJhbGciOi',
          http_request_header_authorization: 'Bearer eyJhbGciOi',
          gen_ai_usage_input_tokens: '1200',
        }),
        resource_attributes: kept({
          ...RESOURCE_ATTRIBUTES,
          service_name: 'mister-smith-agent',
          service_version: '1.0.0',
          deployment_secret: 's3cr3t',
        }),
      },
    },
    {
      name: "seed 004's winston JSON body: agent, correlation and request ids as fields, user_id pseudonymized, the rest as labels, nulls dropped",
      filter,
      data: splitEvent({
        ...containerLine(JSON.stringify(seed004Body), '1704110400300000000'),
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        spanId: '00f067aa0ba902b7',
      }),
      expected: {
        '@timestamp': '2024-01-01T12:00:00.250Z',
        message: 'Request received',
        level: 'info',
        // winston's trace_id and span_id are null: the record's own are kept.
        trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
        span_id: '00f067aa0ba902b7',
        agent: { type: 'npa', id: 'npa-7f9c', ...critical('npa') },
        correlation_id: 'corr-5d1e',
        request_id: 'req-8842',
        ...base,
        labels: {
          log_iostream: 'stdout',
          user_id: pseudonym('user_id', 'user-1001'),
          event_type: 'request_start',
          method: 'POST',
          endpoint: '/api/v1/tasks',
          statusCode: '202',
          http_route: '/api/v1/tasks',
        },
      },
    },
    {
      name: "seed 002's text line: its level, its agent and the agent's type, the message after them, the integration score as a number",
      filter,
      data: splitEvent(
        containerLine(
          '2024-01-01T12:00:00.123Z INFO [intelligence-3] cycle done integration_score=0.873 optimization=on',
          '1704110400125000000',
        ),
      ),
      expected: {
        '@timestamp': '2024-01-01T12:00:00.125Z',
        message: 'cycle done integration_score=0.873 optimization=on',
        level: 'info',
        agent: { id: 'intelligence-3', type: 'intelligence', ...critical('intelligence') },
        integration_score: 0.873,
        ...base,
        labels: { log_iostream: 'stdout' },
      },
    },
    {
      name: "seed 002's text line with a space for the T, an offset and a lower-case level; a multi-line message kept whole",
      filter,
      data: splitEvent(
        containerLine(
          '2024-01-01 14:00:00+02:00 warning [coordinator-core-1] split brain suspected\n  peers: 2 of 5',
          '1704110400000000000',
        ),
      ),
      expected: {
        '@timestamp': '2024-01-01T12:00:00.000Z',
        message: 'split brain suspected\n  peers: 2 of 5',
        level: 'warning',
        agent: { id: 'coordinator-core-1', type: 'coordinator', ...critical('coordinator') },
        ...base,
        labels: { log_iostream: 'stdout' },
      },
    },
    {
      name: "seed 002's text line of an agent type that is not critical",
      filter,
      data: splitEvent(containerLine('2024-01-01T12:00:00Z ERROR [worker-12] task failed', '1704110400000000000')),
      expected: {
        '@timestamp': '2024-01-01T12:00:00.000Z',
        message: 'task failed',
        level: 'error',
        agent: { id: 'worker-12', type: 'worker', ...critical('worker') },
        ...base,
        labels: { log_iostream: 'stdout' },
      },
    },
    {
      name: 'a text line without an [agent]: the whole line is the message, no level or agent read from it',
      filter,
      data: splitEvent(containerLine('2024-01-01T12:00:00Z INFO started on :8080', '1704110400000000000')),
      expected: {
        '@timestamp': '2024-01-01T12:00:00.000Z',
        message: '2024-01-01T12:00:00Z INFO started on :8080',
        ...base,
        labels: { log_iostream: 'stdout' },
      },
    },
    {
      name: 'a JSON body that does not parse: tagged, kept as the message',
      filter,
      data: splitEvent({ ...at({ timeUnixNano: '1704110400000000000' }), body: { stringValue: '{"msg": "cut off' } }),
      expected: {
        '@timestamp': '2024-01-01T12:00:00.000Z',
        ...tick,
        message: '{"msg": "cut off',
        tags: ['_agent_json_parse_failure'],
      },
    },
    {
      name: 'a map body: the message is its JSON',
      filter,
      data: splitEvent({
        ...at({ timeUnixNano: '1704110400000000000' }),
        body: anyValue({ event: 'login', ok: true }),
      }),
      expected: { '@timestamp': '2024-01-01T12:00:00.000Z', ...tick, message: '{"event":"login","ok":true}' },
    },
    {
      name: 'a record without a body: no message',
      filter,
      data: splitEvent({ timeUnixNano: '1704110400000000000', severityText: 'INFO' }),
      expected: { '@timestamp': '2024-01-01T12:00:00.000Z', level: 'info', ...base, labels: {} },
    },
    {
      name: `a record naming the audit stream in its attributes goes to ${routed('audit')}`,
      filter,
      data: splitEvent({
        ...at({ timeUnixNano: '1704110400000000000' }),
        attributes: keyValues({ 'data_stream.dataset': 'audit' }),
      }),
      expected: { '@timestamp': '2024-01-01T12:00:00.000Z', ...tick, data_stream: { dataset: routed('audit') } },
    },
    {
      name: `a record whose resource names the audit stream goes to ${routed('audit')}`,
      filter,
      data: splitEvent(at({ timeUnixNano: '1704110400000000000' }), { ...RESOURCE, 'data_stream.dataset': 'audit' }),
      expected: {
        '@timestamp': '2024-01-01T12:00:00.000Z',
        ...tick,
        data_stream: { dataset: routed('audit') },
        resource_attributes: { ...RESOURCE_ATTRIBUTES, data_stream_dataset: 'audit' },
      },
    },
    {
      // What the gateway makes of a GenAI message event with genai.content.mode keep (test/e2e/genai-content.test.ts).
      name: `a GenAI content event the gateway named the ${CONTENT_STREAM} stream goes to ${contentKept ? CONTENT_STREAM : streams[0]}`,
      filter,
      data: splitEvent({
        ...at({ timeUnixNano: '1704110400000000000' }),
        eventName: 'gen_ai.user.message',
        body: anyValue({ role: 'user', content: 'book me a flight' }),
        attributes: keyValues({ 'data_stream.dataset': CONTENT_STREAM }),
      }),
      expected: {
        '@timestamp': '2024-01-01T12:00:00.000Z',
        ...tick,
        message: '{"role":"user","content":"book me a flight"}',
        data_stream: { dataset: contentKept ? CONTENT_STREAM : streams[0] },
      },
    },
    {
      name: `a record naming a stream not configured goes to the first, ${streams[0]}`,
      filter,
      data: splitEvent({
        ...at({ timeUnixNano: '1704110400000000000' }),
        attributes: keyValues({ 'data_stream.dataset': 'payments' }),
      }),
      expected: { '@timestamp': '2024-01-01T12:00:00.000Z', ...tick },
    },
    {
      name: 'a JSON body naming the agents stream at its top level goes to agents',
      filter,
      data: splitEvent(
        containerLine(JSON.stringify({ msg: 'tick', 'data_stream.dataset': 'agents' }), '1704110400000000000'),
      ),
      expected: {
        '@timestamp': '2024-01-01T12:00:00.000Z',
        ...tick,
        level: undefined,
        labels: { log_iostream: 'stdout' },
        data_stream: { dataset: 'agents' },
      },
    },
    {
      name: 'timeUnixNano to the nanosecond',
      filter,
      data: splitEvent(at({ timeUnixNano: '1704110400532704722' })),
      expected: { '@timestamp': '2024-01-01T12:00:00.532704722Z', ...tick },
    },
    {
      name: 'observedTimeUnixNano when timeUnixNano is 0',
      filter,
      data: splitEvent(at({ timeUnixNano: '0', observedTimeUnixNano: '1704110401000000000' })),
      expected: { '@timestamp': '2024-01-01T12:00:01.000Z', ...tick },
    },
    {
      name: 'observedTimeUnixNano when timeUnixNano is absent',
      filter,
      data: splitEvent(at({ observedTimeUnixNano: '1704110401250000000' })),
      expected: { '@timestamp': '2024-01-01T12:00:01.250Z', ...tick },
    },
    {
      name: 'the time Logstash received it when the record has none',
      filter,
      data: splitEvent(at({})),
      expected: { '@timestamp': RECEIVED_AT, ...tick },
    },
    {
      name: "a JSON body's timestamp with an offset",
      filter,
      data: splitEvent(
        containerLine(JSON.stringify({ msg: 'tick', timestamp: '2024-01-01T13:00:02.5+01:00' }), '1704110400000000000'),
      ),
      expected: {
        '@timestamp': '2024-01-01T12:00:02.500Z',
        ...tick,
        level: undefined,
        labels: { log_iostream: 'stdout' },
      },
    },
    {
      name: "a JSON body's timestamp that does not parse: the record's time, no tag",
      filter,
      data: splitEvent(containerLine(JSON.stringify({ msg: 'tick', timestamp: 'yesterday' }), '1704110400000000000')),
      expected: {
        '@timestamp': '2024-01-01T12:00:00.000Z',
        ...tick,
        level: undefined,
        labels: { log_iostream: 'stdout' },
      },
    },
  ].map((c) => ({ ...c, expected: withoutUndefined(c.expected) }));
}

function withoutUndefined(map: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(map).filter(([, v]) => v !== undefined));
}

/** One line of the harness: the event as the output serializes it, and the exception the code raised. */
interface Outcome {
  event: Record<string, unknown>;
  rubyException?: string;
}

const CASES = JUDGED.flatMap((name) => cases(name, CONFIGS[name]!));
/** Every other rendered filter registers and turns the plain record into a document. */
const SMOKE = Object.keys(ALL_CONFIGS)
  .filter((name) => !JUDGED.includes(name))
  .map((name) => cases(name, CONFIGS[name]!)[0]!);

/** The harness itself, failing where Logstash fails: @timestamp set to text raises, and the event is tagged. */
const HARNESS_CHECK = {
  filter: 'harness: sets @timestamp to text',
  ruby: { init: '', code: 'event.set("@timestamp", "2024-01-01T00:00:00Z")' },
  expected: {
    event: { '@timestamp': RECEIVED_AT, tags: ['_rubyexception'] },
    rubyException: 'TypeError: wrong argument type String (expected LogStash::Timestamp)',
  },
};

let version: { jruby: string; ruby: string };
let outcomes: Outcome[];

beforeAll(() => {
  const events = [...CASES, ...SMOKE, { ...HARNESS_CHECK, data: {} }].map((c) => ({
    filter: c.filter,
    receivedAt: RECEIVED_AT,
    data: c.data,
  }));
  const filters = {
    ...Object.fromEntries(Object.entries(PIPELINES).map(([name, conf]) => [name, intendedRuby(conf)])),
    [HARNESS_CHECK.filter]: HARNESS_CHECK.ruby,
  };
  // --dev: JRuby's fast-start settings (no JIT tiers, no invokedynamic); the Ruby runs the same.
  const run = spawnSync(jruby, ['--dev', HARNESS], {
    input: JSON.stringify({ filters, events }),
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`jruby exited ${run.status}:\n${run.stdout}${run.stderr}`);
  const lines = run.stdout.trim().split('\n');
  version = JSON.parse(lines[0]!) as typeof version;
  outcomes = lines.slice(1).map((line) => JSON.parse(line) as Outcome);
  expect(outcomes).toHaveLength(events.length);
}, 120_000);

describe('the Logstash ruby filter', () => {
  test.each(Object.keys(CONFIGS))('the init and code of %s are each one whole Logstash string', (name) => {
    const conf = PIPELINES[name]!;
    const ruby = intendedRuby(conf);
    for (const part of ['init', 'code'] as const) {
      // A ' ends the single-quoted string early: Logstash would read the rest as config and fail.
      expect({ [part]: ruby[part].split('\n').filter((line) => line.includes("'")) }).toEqual({ [part]: [] });
      expect(logstashString(conf, part)).toBe(ruby[part]);
      // Logstash replaces ${NAME} in every setting of every plugin, code included.
      expect(ruby[part]).not.toMatch(/\$\{[a-zA-Z_.][a-zA-Z0-9_.]*(:[^}]*)?\}/);
    }
  });

  test('runs on the JRuby that the deployed Logstash bundles', () => {
    const minor = /:(\d+\.\d+)\./.exec(IMAGES.logstash)![1]!;
    expect(`logstash ${minor}: jruby ${version.jruby}`).toBe(`logstash ${minor}: jruby ${BUNDLED_JRUBY[minor]}`);
  });

  test('the harness fails where Logstash fails: the event is tagged and the exception reported', () => {
    expect(outcomes[outcomes.length - 1]).toEqual(HARNESS_CHECK.expected);
  });

  test('the configs judged are those the redaction cases assume', () => {
    const words = CONFIGS.dev!.collector.redaction.removeAttributesNamed;
    expect(words).toEqual(expect.arrayContaining(Object.values(SECRET_WORDS)));
    expect(CONFIGS.dev!.collector.redaction.pseudonymize).toEqual(expect.arrayContaining(['user.id', 'user_id']));
    expect(CONFIGS.dev!.retention.streams.map((s) => s.name)).toEqual(['agents', 'audit']);
  });

  describe.each(JUDGED)('rendered for %s', (filter) => {
    test.each(CASES.filter((c) => c.filter === filter).map((c) => [c.name, c] as const))('%s', (_name, c) => {
      expect(outcomes[CASES.indexOf(c)]).toEqual({ event: c.expected });
    });
  });

  test.each(SMOKE.map((c, i) => [c.filter, c, i] as const))(
    'the filter rendered for %s registers and maps a plain record',
    (_name, c, i) => {
      expect(outcomes[CASES.length + i]).toEqual({ event: c.expected });
    },
  );
});
