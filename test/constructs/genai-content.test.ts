import * as yaml from 'js-yaml';
import {
  CONTENT_ATTRIBUTE_PATTERN,
  CONTENT_STREAM,
  contentStream,
  CONTENT_MAX_KEEP_SECONDS,
} from '../../constructs/genai-content';
import { CollectorConfigFile } from '../../constructs/otel-config';
import { retentionProblems } from '../../constructs/retention-policy';
import { resolveConfig } from '../../src/config/loader';
import { StackConfig } from '../../src/config/types';
import { configMapData, configProblems, PROFILE_CONFIGS, synthStack } from '../helpers';

function gateway(config: StackConfig): CollectorConfigFile {
  return yaml.load(
    configMapData(synthStack(config).files['otel-collector'], 'otel-collector', 'config.yaml'),
  ) as CollectorConfigFile;
}

const keep = (keepFor: string, more: object = {}) =>
  resolveConfig({ ...more, genai: { content: { mode: 'keep', keepFor } } });

describe('the GenAI content policy', () => {
  test('drops content by default in every profile, whether or not the GenAI catalogue is on', () => {
    for (const config of [...Object.values(PROFILE_CONFIGS), resolveConfig({ genai: { enabled: true } })]) {
      expect(config.genai.content).toEqual({ mode: 'drop', keepFor: '7d' });
      const rendered = gateway(config);
      const statements = rendered.processors['transform/genai_content']!;
      expect(statements.trace_statements!.map((s) => s.context)).toEqual(['span', 'spanevent']);
      expect(statements.trace_statements!.flatMap((s) => s.statements)).toEqual([
        `delete_matching_keys(span.attributes, ${JSON.stringify(CONTENT_ATTRIBUTE_PATTERN)})`,
        `delete_matching_keys(spanevent.attributes, ${JSON.stringify(CONTENT_ATTRIBUTE_PATTERN)})`,
      ]);
      // In every pipeline that stores: spans after sampling decided (as redaction), and logs.
      const traces = rendered.service.pipelines.traces!.processors;
      expect(traces.indexOf('transform/genai_content')).toBe(traces.indexOf('tail_sampling') + 1);
      expect(rendered.service.pipelines.logs!.processors).toContain('transform/genai_content');
      // No stream of its own.
      const { retention } = synthStack(config).parts;
      expect(retention.streams.map((s) => s.name)).not.toContain(CONTENT_STREAM);
    }
  });

  test('names the content attributes, current and older, and no other attribute', () => {
    const content = new RegExp(CONTENT_ATTRIBUTE_PATTERN);
    for (const name of [
      'gen_ai.input.messages',
      'gen_ai.output.messages',
      'gen_ai.system_instructions',
      'gen_ai.tool.call.arguments',
      'gen_ai.tool.call.result',
      'gen_ai.prompt',
      'gen_ai.completion',
      'gen_ai.prompt.0.content',
      'gen_ai.prompt.12.role',
      'gen_ai.completion.0.tool_calls.1.arguments',
    ])
      expect([name, content.test(name)]).toEqual([name, true]);
    for (const name of [
      'gen_ai.usage.input_tokens',
      'gen_ai.usage.prompt_tokens',
      'gen_ai.input.messages_ref',
      'gen_ai.request.model',
      'gen_ai.tool.name',
      'gen_ai.tool.call.id',
      'gen_ai.prompt_tokens',
      'x.gen_ai.prompt',
    ])
      expect([name, content.test(name)]).toEqual([name, false]);
  });

  test('with keep, adds a gdpr stream deleted keepFor after writing, that Logstash may write and snapshots leave out', () => {
    const config = keep('7d', {
      retention: { snapshots: { enabled: true, repository: { s3: { bucket: 'observability-backups' } } } },
    });
    const { retention, bootstrap } = synthStack(config).parts;
    expect(retention.streams.map((s) => s.name)).toEqual(['agents', 'audit', CONTENT_STREAM]);
    const phases = retention.ilmPolicies[`agent-o11y-logs-${CONTENT_STREAM}`]!.policy.phases;
    expect([phases.hot!.actions!.rollover!.max_age, phases.warm!.min_age, phases.delete!.min_age]).toEqual([
      '1d',
      '0d',
      '6d',
    ]);
    expect(phases.cold).toBeUndefined();
    expect(retention.indexTemplates[`agent-o11y-logs-${CONTENT_STREAM}`]).toMatchObject({
      index_patterns: [`logs-${CONTENT_STREAM}-*`],
      _meta: { compliance: 'gdpr' },
    });
    expect(bootstrap.requests.roles.agent_o11y_logstash_writer!.indices![0]!.names).toEqual([
      'logs-agents-*',
      'logs-audit-*',
      `logs-${CONTENT_STREAM}-*`,
    ]);
    expect(retention.slmPolicies['agent-o11y-daily']!.config!.indices).toEqual([
      'logs-*',
      `-logs-${CONTENT_STREAM}-*`,
      'jaeger-*',
    ]);
    // A keepFor of a day rolls over at half of it.
    const day = synthStack(keep('1d')).parts.retention.ilmPolicies[`agent-o11y-logs-${CONTENT_STREAM}`]!.policy.phases;
    expect([day.hot!.actions!.rollover!.max_age, day.delete!.min_age]).toEqual(['43200s', '43200s']);
  });

  test("the content stream's lifecycle keeps the shared gdpr and phase rules at every keepFor the config allows", () => {
    const base = resolveConfig({}).retention;
    for (const keepFor of ['1d', '36h', '2d', '7d', '29d', '30d']) {
      const added = contentStream({ mode: 'keep', keepFor })!;
      expect([keepFor, retentionProblems({ ...base, streams: [added.stream] })]).toEqual([keepFor, []]);
    }
  });

  test('with keep, names the stream of a record carrying content before log sampling reads the stream', () => {
    const rendered = gateway(keep('7d', { profile: 'production' }));
    expect(rendered.service.pipelines.logs!.processors.slice(0, 3)).toEqual([
      'memory_limiter',
      'transform/genai_content',
      'transform/log_priority',
    ]);
    const logs = rendered.processors['transform/genai_content']!.log_statements![0]!.statements;
    expect(logs[logs.length - 1]).toMatch(
      new RegExp(
        `^set\\(log\\.attributes\\["data_stream\\.dataset"\\], "${CONTENT_STREAM}"\\) where Len\\(log\\.cache\\) > 0 or `,
      ),
    );
    // Spans keep no content in any mode.
    expect(rendered.processors['transform/genai_content']!.trace_statements![0]!.statements).toEqual([
      `delete_matching_keys(span.attributes, ${JSON.stringify(CONTENT_ATTRIBUTE_PATTERN)})`,
    ]);
  });

  test('fails a keepFor past 30d or under 1d, in one line naming the key and the limit', () => {
    expect(CONTENT_MAX_KEEP_SECONDS).toBe(30 * 86400);
    expect(configProblems({ genai: { content: { mode: 'keep', keepFor: '31d' } } })).toEqual([
      '/genai/content/keepFor: must be at most 30d (prompts and completions are personal data, which the gdpr preset deletes within 30d), got "31d"',
    ]);
    expect(configProblems({ genai: { content: { mode: 'keep', keepFor: '5w' } } })).toHaveLength(1);
    expect(configProblems({ genai: { content: { mode: 'keep', keepFor: '12h' } } })).toEqual([
      '/genai/content/keepFor: must be at least 1d (the content stream rolls over at half of it; for less, use mode drop or hash), got "12h"',
    ]);
    expect(configProblems({ genai: { content: { mode: 'keep', keepFor: '30d' } } })).toEqual([]);
  });

  test('fails a configured stream that takes the content stream’s name with keep, and not without', () => {
    const streams = [
      { name: 'agents', compliance: 'gdpr' },
      { name: CONTENT_STREAM, compliance: 'sox' },
    ];
    expect(configProblems({ retention: { streams }, genai: { content: { mode: 'keep' } } })).toEqual([
      `/retention/streams/1/name: must not be "${CONTENT_STREAM}", the stream /genai/content/mode keep adds; choose another name`,
    ]);
    expect(configProblems({ retention: { streams } })).toEqual([]);
  });

  test('fails a mode it does not know, and an unknown key, by the schema', () => {
    expect(configProblems({ genai: { content: { mode: 'store' } } })).toEqual([
      '/genai/content/mode: must be one of "drop", "hash", "keep", got "store"',
    ]);
    expect(configProblems({ genai: { content: { keepForever: true } } })[0]).toMatch(/^\/genai\/content/);
  });
});
