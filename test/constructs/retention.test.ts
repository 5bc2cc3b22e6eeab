import { BOOTSTRAP_APIS } from '../../constructs/elasticsearch-bootstrap';
import { resolveConfig } from '../../src/config/loader';
import { ALL_CONFIGS, configMapData, configProblems, find, PROFILE_CONFIGS, synthStack } from '../helpers';
import { podSpec } from './snapshot';

const problemsOf = configProblems;

describe('Retention', () => {
  const { files, parts } = synthStack(PROFILE_CONFIGS.dev);
  const { retention, bootstrap } = parts;

  test('gives each compliance preset its ILM phases', () => {
    expect(retention.ilmPolicies['agent-o11y-logs-agents']!.policy.phases).toEqual({
      hot: {
        min_age: '0ms',
        actions: { rollover: { max_age: '1d', max_primary_shard_size: '50gb' }, set_priority: { priority: 100 } },
      },
      warm: {
        min_age: '7d',
        actions: {
          shrink: { number_of_shards: 1 },
          forcemerge: { max_num_segments: 1 },
          set_priority: { priority: 50 },
        },
      },
      delete: { min_age: '29d', actions: { delete: {} } },
    });
    const sox = retention.ilmPolicies['agent-o11y-logs-audit']!.policy.phases;
    expect(sox.hot!.actions!.rollover).toEqual({ max_age: '7d', max_primary_shard_size: '50gb' });
    expect(sox.cold).toEqual({ min_age: '30d', actions: { readonly: {}, set_priority: { priority: 0 } } });
    expect(sox.delete!.min_age).toBe('2555d');
    const none = synthStack(resolveConfig({ retention: { streams: [{ name: 'agents', compliance: 'none' }] } })).parts
      .retention;
    const phases = none.ilmPolicies['agent-o11y-logs-agents']!.policy.phases;
    expect([
      phases.hot!.actions!.rollover!.max_age,
      phases.warm!.min_age,
      phases.cold!.min_age,
      phases.delete!.min_age,
    ]).toEqual(['7d', '7d', '30d', '90d']);
  });

  test('binds a data stream template above the built-in ones to each policy, with the correlation fields mapped', () => {
    const template = retention.indexTemplates['agent-o11y-logs-agents']!;
    expect(template).toMatchObject({ index_patterns: ['logs-agents-*'], data_stream: {}, priority: 500 });
    expect(template.priority!).toBeGreaterThan(100);
    expect(template.template!.settings).toMatchObject({
      'index.lifecycle.name': 'agent-o11y-logs-agents',
      'index.number_of_replicas': 0,
    });
    const properties = template.template!.mappings!.properties as Record<string, any>;
    for (const field of ['trace_id', 'span_id', 'level']) expect(properties[field]).toEqual({ type: 'keyword' });
    expect(properties.agent.properties).toEqual({
      id: { type: 'keyword' },
      type: { type: 'keyword' },
      critical: { type: 'boolean' },
    });
    // Seed 002's integration score: a number, so it can be charted and compared.
    expect(properties.integration_score).toEqual({ type: 'double' });
    const prod = synthStack(PROFILE_CONFIGS.production).parts.retention;
    // Seed 000 §18.3: 2 replicas while hot, on production's 3 hot nodes.
    expect(prod.indexTemplates['agent-o11y-logs-agents']!.template!.settings).toMatchObject({
      'index.number_of_replicas': 2,
    });
  });

  test("gives each stream's backing indices its primary shards: one unless it says, seed 004's example two", () => {
    const shards = (config: Parameters<typeof synthStack>[0]) =>
      Object.fromEntries(
        Object.entries(synthStack(config).parts.retention.indexTemplates).map(([name, t]) => [
          name,
          t.template!.settings!['index.number_of_shards'],
        ]),
      );
    expect(shards(PROFILE_CONFIGS.dev)).toEqual({ 'agent-o11y-logs-agents': 1, 'agent-o11y-logs-audit': 1 });
    expect(shards(ALL_CONFIGS['examples/progressive-v5']!)).toEqual({
      'agent-o11y-logs-agents': 2,
      'agent-o11y-logs-audit': 1,
    });
  });

  test('lets Logstash write to every stream and nothing else', () => {
    expect(bootstrap.requests.roles.agent_o11y_logstash_writer!.indices![0]!.names).toEqual([
      'logs-agents-*',
      'logs-audit-*',
    ]);
  });

  test('has the bootstrap Job PUT exactly the typed bodies, policies before the templates naming them', () => {
    const script = configMapData(files.elasticsearch, bootstrap.jobName, 'bootstrap.sh');
    const order = BOOTSTRAP_APIS.map((api) => script.indexOf(`put_all ${api.prefix} ${api.path}\n`));
    expect(order.every((at) => at > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const cm = find(files.elasticsearch, 'ConfigMap', bootstrap.jobName) as any;
    let compared = 0;
    for (const api of BOOTSTRAP_APIS) {
      for (const [name, body] of Object.entries(bootstrap.requests[api.requests])) {
        expect(JSON.parse(cm.data[`${api.prefix}-${name}.json`])).toEqual(body);
        compared++;
      }
    }
    expect(Object.keys(cm.data).filter((k) => k.endsWith('.json'))).toHaveLength(compared);
    expect(compared).toBe(4 + 2 + 2);
  });

  test('snapshots daily to the configured repository, and allows a filesystem one in path.repo', () => {
    expect(retention.slmPolicies).toEqual({});
    const s3 = synthStack(
      resolveConfig({
        retention: { snapshots: { enabled: true, repository: { s3: { bucket: 'observability-backups' } } } },
      }),
    ).parts;
    expect(s3.retention.snapshotRepositories).toEqual({
      'agent-o11y': { type: 's3', settings: { bucket: 'observability-backups', compress: true } },
    });
    expect(s3.retention.slmPolicies['agent-o11y-daily']).toEqual({
      schedule: '0 30 1 * * ?',
      name: '<agent-o11y-{now/d}>',
      repository: 'agent-o11y',
      config: { indices: ['logs-*', 'jaeger-*'], include_global_state: false, ignore_unavailable: true },
      retention: { expire_after: '30d', min_count: 7, max_count: 30 },
    });
    expect(s3.bootstrap.jobName).not.toBe(bootstrap.jobName);
    const fs = synthStack(
      resolveConfig({ retention: { snapshots: { enabled: true, repository: { fs: { location: '/mnt/backups' } } } } }),
    );
    const yml = configMapData(fs.files.elasticsearch, 'elasticsearch', 'elasticsearch.yml');
    expect(yml).toContain('path.repo:\n  - /mnt/backups\n');
    expect(podSpec(find(fs.files.elasticsearch, 'Job', fs.parts.bootstrap.jobName)).containers[0].command).toEqual([
      'bash',
      '/etc/agent-o11y/bootstrap/bootstrap.sh',
    ]);
  });

  test('fails phases out of order', () => {
    expect(
      problemsOf({ retention: { streams: [{ name: 'app', compliance: 'none', lifecycle: { warmAfter: '40d' } }] } }),
    ).toEqual(['/retention/streams/0/compliance: coldAfter must be later than warmAfter (40d), got 30d']);
    expect(
      problemsOf({ retention: { streams: [{ name: 'app', compliance: 'none', lifecycle: { deleteAfter: '14d' } }] } }),
    ).toEqual(['/retention/streams/0/lifecycle/deleteAfter: deleteAfter must be later than coldAfter (30d), got 14d']);
  });

  test('fails a gdpr stream kept past 30 days, counting the time before rollover', () => {
    expect(
      problemsOf({
        retention: { streams: [{ name: 'agents', compliance: 'gdpr', lifecycle: { deleteAfter: '90d' } }] },
      }),
    ).toEqual([
      '/retention/streams/0/lifecycle/deleteAfter: gdpr deletes personal data within 30d, but rolloverAge 1d + deleteAfter 90d keeps it longer',
    ]);
    expect(
      problemsOf({
        retention: {
          streams: [{ name: 'agents', compliance: 'gdpr', lifecycle: { rolloverAge: '7d', deleteAfter: '30d' } }],
        },
      }),
    ).toEqual([
      '/retention/streams/0/lifecycle/deleteAfter: gdpr deletes personal data within 30d, but rolloverAge 7d + deleteAfter 30d keeps it longer',
    ]);
  });

  test('fails a sox stream deleted before 7 years', () => {
    expect(
      problemsOf({
        retention: { streams: [{ name: 'audit', compliance: 'sox', lifecycle: { deleteAfter: '365d' } }] },
      }),
    ).toEqual(['/retention/streams/0/lifecycle/deleteAfter: sox keeps audit records 7y, got deleteAfter 365d']);
  });

  test('fails snapshots enabled without a repository', () => {
    expect(problemsOf({ retention: { snapshots: { enabled: true } } })).toEqual([
      '/retention/snapshots/repository: must be exactly one of s3 or fs, got none',
    ]);
  });

  test('fails duplicate streams, two snapshot repositories, and minCount above maxCount', () => {
    expect(
      problemsOf({
        retention: {
          streams: [
            { name: 'a', compliance: 'none' },
            { name: 'a', compliance: 'none' },
          ],
          snapshots: {
            enabled: true,
            repository: { s3: { bucket: 'snapshots' }, fs: { location: '/x' } },
            minCount: 40,
          },
        },
      }),
    ).toEqual([
      '/retention/streams/1/name: duplicate stream "a"',
      '/retention/snapshots/repository: must be exactly one of s3 or fs, got s3 and fs',
      '/retention/snapshots/minCount: must not exceed maxCount (30), got 40',
    ]);
  });
});
