import * as path from 'path';
import * as yaml from 'js-yaml';
import { loadConfig, resolveConfig } from '../../src/config/loader';
import { configMapData, configProblems, find, PROFILE_CONFIGS, synthStack } from '../helpers';
import { selects } from '../validate/network-truth';
import { NODE_POOL_LABEL } from '../../constructs/elasticsearch';

const EXAMPLE = path.resolve(__dirname, '..', '..', 'examples', 'elasticsearch-tiers', 'agent-o11y.yaml');

describe.each([
  ['the production profile', PROFILE_CONFIGS.production],
  ['examples/elasticsearch-tiers', loadConfig(EXAMPLE)],
])('Elasticsearch hot and warm pools of %s', (_, config) => {
  const { files, parts } = synthStack(config);
  const es = files.elasticsearch;
  const settings = (name: string) => yaml.load(configMapData(es, name, 'elasticsearch.yml')) as Record<string, unknown>;
  const ilm = parts.retention.ilmPolicies;

  test('makes the hot nodes the only master-eligible ones, and the warm nodes data_warm only', () => {
    const hot = settings('elasticsearch');
    const warm = settings('elasticsearch-warm');
    expect(hot['node.roles']).toEqual(['master', 'data_hot', 'data_content', 'ingest']);
    expect(warm['node.roles']).toEqual(['data_warm']);
    expect(hot['cluster.initial_master_nodes']).toEqual(
      Array.from({ length: config.elasticsearch.replicas }, (__, i) => `elasticsearch-${i}`),
    );
    expect(warm['cluster.initial_master_nodes']).toBeUndefined();
    expect(warm['discovery.seed_hosts']).toEqual(hot['discovery.seed_hosts']);
    expect(hot['discovery.type']).toBeUndefined();
  });

  test('gives each pool its own StatefulSet, sized from its config, selecting its own pods only; the Services select both', () => {
    const sets = es.filter((o) => o.kind === 'StatefulSet') as any[];
    expect(sets.map((s) => [s.metadata.name, s.spec.replicas])).toEqual([
      ['elasticsearch', config.elasticsearch.replicas],
      ['elasticsearch-warm', config.elasticsearch.warm!.replicas],
    ]);
    const [hot, warm] = sets;
    expect(selects(hot.spec.selector, warm.spec.template.metadata.labels)).toBe(false);
    expect(selects(warm.spec.selector, hot.spec.template.metadata.labels)).toBe(false);
    expect(warm.spec.template.metadata.labels[NODE_POOL_LABEL]).toBe('warm');
    expect(warm.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe(
      config.elasticsearch.warm!.storage.size,
    );
    expect(warm.spec.template.spec.containers[0].env).toContainEqual({
      name: 'ES_JAVA_OPTS',
      value: `-Xms${config.elasticsearch.warm!.heap} -Xmx${config.elasticsearch.warm!.heap}`,
    });
    for (const service of ['elasticsearch', 'elasticsearch-transport']) {
      const selector = (find(es, 'Service', service) as any).spec.selector;
      for (const set of sets) expect(selects({ matchLabels: selector }, set.spec.template.metadata.labels)).toBe(true);
    }
    // One budget over both pools: one node of the cluster down at a time.
    const budgets = es.filter((o) => o.kind === 'PodDisruptionBudget') as any[];
    expect(budgets).toHaveLength(1);
    for (const set of sets) expect(selects(budgets[0].spec.selector, set.spec.template.metadata.labels)).toBe(true);
  });

  test('moves every log index to the warm nodes in its warm phase with 1 replica, 0 once cold, 2 while hot', () => {
    expect(Object.keys(ilm).length).toBeGreaterThan(0);
    for (const [name, { policy }] of Object.entries(ilm)) {
      expect([name, policy.phases.warm!.actions]).toMatchObject([
        name,
        { allocate: { number_of_replicas: 1 }, migrate: { enabled: true } },
      ]);
      if (policy.phases.cold)
        expect([name, policy.phases.cold.actions]).toMatchObject([
          name,
          { allocate: { number_of_replicas: 0 }, migrate: { enabled: true } },
        ]);
      // The hot phase has no allocate action: its replicas are the index template's.
      expect(policy.phases.hot!.actions!.allocate).toBeUndefined();
      expect(parts.retention.indexTemplates[name]!.template!.settings!['index.number_of_replicas']).toBe(2);
    }
  });
});

describe('Elasticsearch with one node pool', () => {
  test('keeps one StatefulSet whose nodes hold every tier, and ILM policies that neither migrate nor change replicas', () => {
    const { files, parts } = synthStack(PROFILE_CONFIGS.dev);
    expect(files.elasticsearch.filter((o) => o.kind === 'StatefulSet').map((o) => o.metadata.name)).toEqual([
      'elasticsearch',
    ]);
    const settings = yaml.load(configMapData(files.elasticsearch, 'elasticsearch', 'elasticsearch.yml')) as any;
    expect(settings['discovery.type']).toBe('single-node');
    for (const { policy } of Object.values(parts.retention.ilmPolicies)) {
      for (const phase of [policy.phases.warm, policy.phases.cold]) {
        expect(phase?.actions?.migrate).toBeUndefined();
        expect(phase?.actions?.allocate).toBeUndefined();
      }
    }
  });
});

describe('Elasticsearch tiers', () => {
  const pool = {
    replicas: 1,
    resources: { requests: { cpu: '500m', memory: '4Gi' }, limits: { memory: '4Gi' } },
    storage: { size: '100Gi' },
    heap: '2g',
  };

  test('derives replicas a small warm pool can hold: none on a single warm node', () => {
    const { parts } = synthStack(resolveConfig({ profile: 'production', elasticsearch: { warm: { replicas: 1 } } }));
    for (const { policy } of Object.values(parts.retention.ilmPolicies))
      expect(policy.phases.warm!.actions!.allocate).toEqual({ number_of_replicas: 0 });
  });

  test('fails replica shards a tier has too few nodes for, naming the key and the nodes', () => {
    expect(
      configProblems({ elasticsearch: { replicas: 1, warm: pool, shardReplicas: { hot: 2, warm: 1, cold: 1 } } }),
    ).toEqual([
      '/elasticsearch/shardReplicas/hot: 2 replica shards need 3 or more hot nodes (/elasticsearch/replicas is 1), or the indices stay yellow; got 2',
      '/elasticsearch/shardReplicas/warm: 1 replica shards need 2 or more warm nodes (/elasticsearch/warm/replicas is 1), or the indices stay yellow; got 1',
      '/elasticsearch/shardReplicas/cold: 1 replica shards need 2 or more warm nodes (/elasticsearch/warm/replicas is 1), or the indices stay yellow; got 1',
    ]);
  });

  test('fails a warm heap above half its memory', () => {
    expect(configProblems({ elasticsearch: { warm: { ...pool, heap: '3g' } } })).toEqual([
      '/elasticsearch/warm/heap: must be at most half of /elasticsearch/warm/resources/limits/memory (4Gi), the rest being the filesystem cache\'s, got "3g"',
    ]);
  });
});
