import * as fs from 'fs';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { loadConfig, resolveConfig } from '../../src/config/loader';
import { allObjects, configProblems, KubeObject, synthStack } from '../helpers';
import { crdValidators } from '../operator-judge';
import { requireTool } from '../tools';
import { eckObjects, NetworkTruth, Pods, pods } from '../validate/network-truth';
import { IMAGES } from '../../src/lib/images';

const EXAMPLE = path.resolve(__dirname, '..', '..', 'examples', 'eck', 'agent-o11y.yaml');
const config = loadConfig(EXAMPLE);
const ns = config.common.namespace;

/** ECK's Elasticsearch schema (scripts/eck-crds.sh: the CRD of cloud-on-k8s v3.5.0). */
const validate = crdValidators('eck-crds').get('elasticsearch.k8s.elastic.co/v1/Elasticsearch')!;

/**
 * The settings ECK's validation refuses in a nodeSet's config: `UnsupportedSettings` of its
 * pkg/apis/elasticsearch/v1/fields.go, each constant resolved to the setting it names.
 */
function eckUnsupportedSettings(): string[] {
  const source = fs.readFileSync(
    path.join(execFileSync(requireTool('eck-crds'), { encoding: 'utf8' }).trim(), 'fields.go.txt'),
    'utf8',
  );
  const constants = new Map([...source.matchAll(/^\s*(\w+)\s*(?:\S+\s*)?= "([^"]+)"/gm)].map((m) => [m[1]!, m[2]!]));
  const list = /var UnsupportedSettings = \[\]string\{([^}]*)\}/.exec(source)![1]!;
  return list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((name) => constants.get(name) ?? `unresolved ${name}`);
}

const eckResource = (objects: readonly KubeObject[]) =>
  objects.find((o) => o.kind === 'Elasticsearch') as KubeObject & { spec: any };

describe('examples/eck: Elasticsearch run by ECK', () => {
  const { files, parts } = synthStack(config);
  const objects = allObjects(config);
  const es = eckResource(objects);

  test('renders an ECK Elasticsearch instead of StatefulSets, one nodeSet per pool of the config', () => {
    expect(objects.filter((o) => o.kind === 'StatefulSet' && o.metadata.name.startsWith('elasticsearch'))).toEqual([]);
    expect(files.elasticsearch.map((o) => o.kind).sort()).toEqual([
      'Certificate',
      'ConfigMap',
      'Elasticsearch',
      'Job',
      'ServiceAccount',
    ]);
    const pools = { hot: config.elasticsearch, warm: config.elasticsearch.warm! };
    expect(
      es.spec.nodeSets.map((s: any) => [
        s.name,
        s.count,
        s.config['node.roles'],
        s.volumeClaimTemplates[0].spec.resources.requests.storage,
        s.volumeClaimTemplates[0].spec.storageClassName,
        s.podTemplate.spec.containers[0].env,
        s.podTemplate.spec.containers[0].resources.limits.memory,
      ]),
    ).toEqual(
      Object.entries(pools).map(([name, pool]) => [
        name,
        pool.replicas,
        name === 'hot' ? ['master', 'data_hot', 'data_content', 'ingest'] : ['data_warm'],
        pool.storage.size,
        pool.storage.storageClass,
        [{ name: 'ES_JAVA_OPTS', value: `-Xms${pool.heap} -Xmx${pool.heap}` }],
        pool.resources.limits.memory,
      ]),
    );
    // The version the tests judge with, pulled as images.ts pins it.
    expect([es.spec.version, es.spec.image]).toEqual([IMAGES.elasticsearch.split(':')[1], IMAGES.elasticsearch]);
    // Kibana stays the stack's own Deployment, a client of the cluster like any other.
    expect(objects.some((o) => o.kind === 'Deployment' && o.metadata.name === 'kibana')).toBe(true);
  });

  test("is valid against ECK's CRD schema, which refuses a field it does not declare", () => {
    expect(validate(es)).toEqual([]);
    const wrong = structuredClone(es);
    wrong.spec.nodeSets[0].replicas = 3;
    expect(validate(wrong).join('\n')).toMatch(/additionalProperty.*replicas/);
  });

  test("sets none of the settings ECK's validation refuses (it manages them itself)", () => {
    const refused = eckUnsupportedSettings();
    expect(refused).toEqual(expect.arrayContaining(['cluster.name', 'xpack.security.http.ssl.certificate']));
    expect(refused.filter((s) => s.startsWith('unresolved'))).toEqual([]);
    const set = es.spec.nodeSets.flatMap((s: any) => Object.keys(s.config));
    expect(set.filter((k: string) => refused.includes(k))).toEqual([]);
  });

  test("serves the stack's certificate at ECK's HTTP Service, so clients trust the stack's CA", () => {
    const secret = es.spec.http.tls.certificate.secretName;
    const certificate = objects.find(
      (o) => o.kind === 'Certificate' && (o as any).spec.secretName === secret,
    ) as KubeObject & { spec: any };
    expect(certificate.spec.dnsNames).toEqual(
      expect.arrayContaining([
        `elasticsearch-es-http.${ns}.svc`,
        `elasticsearch-es-http.${ns}`,
        'elasticsearch-es-http',
      ]),
    );
    expect(certificate.spec.usages).toContain('server auth');
    // Every client dials ECK's Service, as its rendered config says.
    const host = `elasticsearch-es-http.${ns}.svc:9200`;
    const dialling = pods(objects, ns)
      .filter((p) => p.configs.some((c) => c.text.includes(host)))
      .map((p) => p.workload.replace(/-[0-9a-f]{8}$/, ''))
      .sort();
    expect(dialling).toEqual([
      'CronJob/jaeger-index-cleaner',
      'Deployment/elasticsearch-exporter',
      'Deployment/grafana',
      'Deployment/jaeger',
      'Deployment/kibana',
      'Job/elasticsearch-bootstrap',
      'StatefulSet/logstash',
    ]);
  });

  test("runs the bootstrap Job as ECK's elastic user", () => {
    expect(parts.elasticsearch.superuser).toEqual({
      username: 'elastic',
      password: { secretName: 'elasticsearch-es-elastic-user', key: 'elastic' },
    });
    const job = objects.find((o) => o.kind === 'Job' && o.metadata.name.startsWith('elasticsearch-bootstrap')) as any;
    const secrets = JSON.stringify(job.spec.template.spec);
    expect(secrets).toContain('elasticsearch-es-elastic-user');
  });

  test('lets the ECK operator in at the HTTPS port, and no other namespace', () => {
    const operator = (namespace: string): Pods => ({
      workload: `Deployment/elastic-operator-${namespace}`,
      namespace,
      labels: { 'control-plane': 'elastic-operator' },
      annotations: {},
      ports: [],
      hostNetwork: false,
      configs: [],
      hostIpVars: [],
      external: true,
    });
    const all = [...objects, ...eckObjects(objects, ns)];
    const truth = new NetworkTruth(all, ns, [operator('elastic-system'), operator('elsewhere')]);
    const to = 'StatefulSet/elasticsearch-es-hot';
    expect(truth.denied({ from: 'Deployment/elastic-operator-elastic-system', to, port: 9200 })).toBeUndefined();
    expect(truth.denied({ from: 'Deployment/elastic-operator-elastic-system', to, port: 9300 })).toBeDefined();
    expect(truth.denied({ from: 'Deployment/elastic-operator-elsewhere', to, port: 9200 })).toBeDefined();
  });

  test('pulls the mirrored, digest-pinned image with images.registry and images.digests, at the same version', () => {
    const digest = `sha256:${'0'.repeat(64)}`;
    const mirrored = eckResource(
      allObjects(
        resolveConfig({
          profile: 'dev',
          images: { registry: 'registry.internal:5000/mirror', digests: { elasticsearch: digest } },
          elasticsearch: { eck: {} },
        }),
      ),
    );
    expect([mirrored.spec.version, mirrored.spec.image]).toEqual([
      es.spec.version,
      `registry.internal:5000/mirror/elasticsearch/elasticsearch:${es.spec.version}@${digest}`,
    ]);
    expect(validate(mirrored)).toEqual([]);
    // One pool: the nodeSet `default` holds every tier.
    expect(mirrored.spec.nodeSets.map((s: any) => [s.name, s.config['node.roles']])).toEqual([
      ['default', ['master', 'data', 'ingest']],
    ]);
  });

  test('refuses elasticsearch.eck beside elasticsearch.external, and an unkept quorum, at synth', () => {
    const both = {
      profile: 'dev',
      elasticsearch: {
        eck: {},
        external: {
          url: 'https://logs.example.internal:9243',
          ca: 'system',
          credentials: { secretName: 'a', usernameKey: 'u', passwordKey: 'p' },
          network: { ipBlock: '10.0.0.0/8' },
        },
      },
    };
    expect(configProblems(both)).toEqual([
      '/elasticsearch/eck: runs a cluster in this one, /elasticsearch/external names an existing one: set one of them',
    ]);
    expect(configProblems({ profile: 'dev', elasticsearch: { eck: {}, replicas: 2 } })).toContain(
      '/elasticsearch/replicas: 2 master-eligible nodes cannot elect a master after one fails, use 1 or 3 and more, got 2',
    );
  });
});

describe('examples/sso with elasticsearch.eck: the OpenID Connect realm on every nodeSet', () => {
  const sso = loadConfig(path.resolve(__dirname, '..', '..', 'examples', 'sso', 'agent-o11y.yaml'));
  const eckSso = { ...sso, elasticsearch: { ...sso.elasticsearch, eck: {} } };
  const es = eckResource(allObjects(eckSso));
  const realm = 'xpack.security.authc.realms.oidc.oidc1';

  test("puts the realm in each nodeSet's config and the client secret in ECK's secure settings, valid against ECK's CRD", () => {
    for (const set of es.spec.nodeSets) {
      expect(set.config[`${realm}.op.issuer`]).toBe(sso.kibana.sso!.issuer);
      expect(set.config[`${realm}.rp.client_id`]).toBe('kibana');
      expect(Object.keys(set.config).filter((k) => k.endsWith('client_secret'))).toEqual([]);
    }
    expect(es.spec.secureSettings).toEqual([
      { secretName: 'kibana-oidc', entries: [{ key: 'client-secret', path: `${realm}.rp.client_secret` }] },
    ]);
    expect(validate(es)).toEqual([]);
  });

  test('refuses kibana.sso without a license, as on the stack-run cluster', () => {
    const { license: _license, ...unlicensed } = eckSso.elasticsearch;
    expect(configProblems({ ...eckSso, elasticsearch: unlicensed })).toContain(
      "/elasticsearch/license: kibana.sso needs Elasticsearch's OpenID Connect realm, which Elastic licenses at Platinum or Enterprise (the basic license skips the realm and nobody could sign in); give the license file's Secret, got none",
    );
  });
});
