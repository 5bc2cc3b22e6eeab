import * as path from 'path';
import * as yaml from 'js-yaml';
import { loadConfig, resolveConfig } from '../../src/config/loader';
import { StackConfig } from '../../src/config/types';
import { allObjects, configMapData, configProblems, find, synthStack } from '../helpers';
import { NetworkTruth, pods } from '../validate/network-truth';
import { podSpec } from './snapshot';

const EXAMPLE = path.resolve(__dirname, '..', '..', 'examples', 'byo-elasticsearch', 'agent-o11y.yaml');
const config = loadConfig(EXAMPLE);
const external = config.elasticsearch.external!;
const url = new URL(external.url);
const hostPort = `${url.hostname}:${url.port}`;

/** The workloads whose rendered configs (mounted ConfigMaps, args, environment) dial `hostPort`. */
function dialling(c: StackConfig, target: string): string[] {
  return pods(allObjects(c), c.common.namespace)
    .filter((p) => p.configs.some((cfg) => cfg.text.includes(target)))
    .map((p) => p.workload)
    .sort();
}

const CLIENTS = [
  'CronJob/jaeger-index-cleaner',
  'Deployment/elasticsearch-exporter',
  'Deployment/grafana',
  'Deployment/jaeger',
  'Deployment/kibana',
  expect.stringMatching(/^Job\/elasticsearch-bootstrap-[0-9a-f]{8}$/),
  'StatefulSet/logstash',
];

describe('examples/byo-elasticsearch: an existing Elasticsearch', () => {
  const { files, parts } = synthStack(config);
  const objects = allObjects(config);
  const truth = new NetworkTruth(objects, config.common.namespace);

  test('deploys no Elasticsearch: no StatefulSet, Service or certificate of its own', () => {
    const ours = objects.filter(
      (o) =>
        ['StatefulSet', 'Service', 'Certificate', 'PodDisruptionBudget'].includes(o.kind) &&
        o.metadata.name.startsWith('elasticsearch') &&
        !o.metadata.name.startsWith('elasticsearch-exporter'),
    );
    expect(ours.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
    expect(files.elasticsearch.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'Job', 'ServiceAccount']);
  });

  test('has every client dial its URL, as their rendered configs say', () => {
    expect(dialling(config, hostPort)).toEqual(CLIENTS);
  });

  test('lets every client that dials it out to its address block at its port, and nowhere else at that port', () => {
    const clients = dialling(config, hostPort);
    const inside = { ip: external.network.ipBlock!.replace(/\.0\/\d+$/, '.7') };
    expect(clients.map((w) => [w, truth.deniedOutside(w, inside, Number(url.port))])).toEqual(
      clients.map((w) => [w, undefined]),
    );
    for (const w of clients) {
      expect(truth.deniedOutside(w, { ip: '192.0.2.1' }, Number(url.port))).toBeDefined();
      expect(truth.deniedOutside(w, inside, 9200)).toBeDefined();
    }
  });

  test('verifies it with the CA of its Secret, in every client', () => {
    const ca = external.ca as { secretName: string; key: string };
    const caVolume = { name: 'es-ca', secret: { secretName: ca.secretName, items: [{ key: ca.key, path: 'ca.crt' }] } };
    const file = '/etc/agent-o11y/es-ca/ca.crt';
    for (const [chart, kind, name] of [
      ['logstash', 'StatefulSet', 'logstash'],
      ['kibana', 'Deployment', 'kibana'],
      ['jaeger', 'Deployment', 'jaeger'],
      ['grafana', 'Deployment', 'grafana'],
      ['elasticsearch-exporter', 'Deployment', 'elasticsearch-exporter'],
      ['elasticsearch', 'Job', parts.bootstrap.jobName],
    ] as const)
      expect([name, podSpec(find(files[chart], kind, name)).volumes]).toEqual([
        name,
        expect.arrayContaining([caVolume]),
      ]);
    expect(configMapData(files.logstash, 'logstash-pipeline', 'otlp-logs.conf')).toContain(
      `ssl_certificate_authorities => ["${file}"]`,
    );
    expect(
      (yaml.load(configMapData(files.kibana, 'kibana', 'kibana.yml')) as any)[
        'elasticsearch.ssl.certificateAuthorities'
      ],
    ).toEqual([file]);
    const jaeger = yaml.load(configMapData(files.jaeger, 'jaeger', 'config.yaml')) as any;
    expect(jaeger.extensions.jaeger_storage.backends.elasticsearch.elasticsearch.tls.ca_file).toBe(file);
    expect(parts.elasticsearchExporter!.args).toContain(`--es.ca=${file}`);
  });

  test('still has the bootstrap Job apply users, roles, ILM, templates and SLM, as the configured superuser', () => {
    const r = parts.bootstrap.requests;
    expect(Object.keys(r.roles).length).toBe(4);
    expect(Object.keys(r.ilmPolicies).length).toBeGreaterThan(0);
    expect(Object.keys(r.indexTemplates)).toEqual(Object.keys(r.ilmPolicies));
    const spec = podSpec(find(files.elasticsearch, 'Job', parts.bootstrap.jobName));
    const secrets = spec.volumes!.find((v) => v.name === 'secrets')!.projected.sources.map((s: any) => s.secret);
    expect(secrets).toContainEqual({
      name: external.credentials.secretName,
      items: [
        { key: external.credentials.usernameKey, path: 'elastic/username' },
        { key: external.credentials.passwordKey, path: 'elastic/password' },
      ],
    });
    // Replica shards per phase from the config: the cluster's nodes are not known here.
    for (const [name, { policy }] of Object.entries(r.ilmPolicies)) {
      expect(r.indexTemplates[name]!.template!.settings!['index.number_of_replicas']).toBe(2);
      expect(policy.phases.warm!.actions!.allocate).toEqual({ number_of_replicas: 1 });
      expect(policy.phases.warm!.actions!.migrate).toBeUndefined();
    }
  });
});

describe('an existing Elasticsearch', () => {
  const base = {
    url: 'https://logs.example.com',
    credentials: { secretName: 'es-admin', usernameKey: 'username', passwordKey: 'password' },
  };

  test('behind a public CA: every client trusts the public roots, and mounts no CA', () => {
    const c = resolveConfig({
      elasticsearch: { external: { ...base, ca: 'system', network: { ipBlock: '203.0.113.0/24' } } },
    });
    const { files, parts } = synthStack(c);
    expect(configMapData(files.logstash, 'logstash-pipeline', 'otlp-logs.conf')).not.toContain(
      'ssl_certificate_authorities => ["/etc/agent-o11y/es-ca',
    );
    expect(
      (yaml.load(configMapData(files.kibana, 'kibana', 'kibana.yml')) as any)[
        'elasticsearch.ssl.certificateAuthorities'
      ],
    ).toBeUndefined();
    const jaeger = yaml.load(configMapData(files.jaeger, 'jaeger', 'config.yaml')) as any;
    expect(jaeger.extensions.jaeger_storage.backends.elasticsearch.elasticsearch.tls.ca_file).toBeUndefined();
    const grafana = yaml.load(configMapData(files.grafana, 'grafana-datasources', 'datasources.yaml')) as any;
    const es = grafana.datasources.find((d: any) => d.type === 'elasticsearch');
    expect([es.jsonData.tlsAuthWithCACert, es.secureJsonData.tlsCACert]).toEqual([false, undefined]);
    expect(parts.elasticsearchExporter!.args.some((a) => a.startsWith('--es.ca'))).toBe(false);
    const job = podSpec(find(files.elasticsearch, 'Job', parts.bootstrap.jobName));
    expect(job.containers[0].env.some((e: any) => e.name === 'ES_CA')).toBe(false);
    // The URL's port when it names none: HTTPS's.
    expect(dialling(c, 'https://logs.example.com:443')).toEqual(CLIENTS);
  });

  test('in another namespace of the cluster: the clients may reach its pods there, and no others', () => {
    const c = resolveConfig({
      elasticsearch: {
        external: {
          ...base,
          url: 'https://logs.example.com:9200',
          ca: 'system',
          network: {
            namespaces: { matchLabels: { 'kubernetes.io/metadata.name': 'elastic' } },
            pods: { 'elasticsearch.k8s.elastic.co/cluster-name': 'logs' },
          },
        },
      },
    });
    const truth = new NetworkTruth(allObjects(c), c.common.namespace);
    const clients = dialling(c, 'logs.example.com:9200');
    expect(clients).toEqual(CLIENTS);
    const its = {
      namespaceLabels: { 'kubernetes.io/metadata.name': 'elastic' },
      podLabels: { 'elasticsearch.k8s.elastic.co/cluster-name': 'logs' },
    };
    const other = { namespaceLabels: { 'kubernetes.io/metadata.name': 'elastic' }, podLabels: { app: 'other' } };
    expect(clients.filter((w) => truth.deniedOutside(w, its, 9200) !== undefined)).toEqual([]);
    expect(clients.filter((w) => truth.deniedOutside(w, other, 9200) === undefined)).toEqual([]);
  });

  test('fails a location said two ways or none, naming the key', () => {
    expect(
      configProblems({
        elasticsearch: {
          external: { ...base, ca: 'system', network: { ipBlock: '10.0.0.0/8', namespaces: { allNamespaces: true } } },
        },
      }),
    ).toEqual([
      '/elasticsearch/external/network: must be exactly one of ipBlock or namespaces (where the clients may reach it), got ipBlock and namespaces',
    ]);
    expect(configProblems({ elasticsearch: { external: { ...base, ca: 'system', network: {} } } })).toEqual([
      '/elasticsearch/external/network: must be exactly one of ipBlock or namespaces (where the clients may reach it), got none',
    ]);
  });

  test('fails a URL that is not HTTPS', () => {
    const problems = configProblems({
      elasticsearch: {
        external: { ...base, url: 'http://logs.example.com:9200', ca: 'system', network: { ipBlock: '10.0.0.0/8' } },
      },
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^\/elasticsearch\/external\/url: /);
  });
});
