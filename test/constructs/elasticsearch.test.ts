import * as yaml from 'js-yaml';
import { configMapData, find, PROFILE_CONFIGS, synthStack } from '../helpers';
import { fileYaml, podSpec } from './snapshot';

describe('Elasticsearch', () => {
  const { files, parts } = synthStack(PROFILE_CONFIGS.dev);
  const settings = yaml.load(configMapData(files.elasticsearch, 'elasticsearch', 'elasticsearch.yml')) as Record<string, unknown>;

  test('defaults', () => {
    expect(fileYaml(files.elasticsearch)).toMatchSnapshot();
  });

  test('turns security and TLS on for HTTP and transport with certificate files it mounts', () => {
    expect(settings['xpack.security.enabled']).toBe(true);
    expect(settings['xpack.security.http.ssl.enabled']).toBe(true);
    expect(settings['xpack.security.transport.ssl.enabled']).toBe(true);
    const mounts = podSpec(find(files.elasticsearch, 'StatefulSet', 'elasticsearch')).containers[0].volumeMounts.map((m: any) => m.mountPath);
    expect(mounts).toContain(parts.elasticsearch.tls.dir);
    expect(settings['xpack.security.http.ssl.certificate']).toBe(`${parts.elasticsearch.tls.dir}/tls.crt`);
  });

  test('needs no privileged init container', () => {
    expect(settings['node.store.allow_mmap']).toBe(false);
    expect(podSpec(find(files.elasticsearch, 'StatefulSet', 'elasticsearch')).initContainers).toBeUndefined();
  });

  test('runs single-node in dev and a 3-node cluster in production', () => {
    expect(settings['discovery.type']).toBe('single-node');
    const prod = synthStack(PROFILE_CONFIGS.production).files;
    const prodSettings = yaml.load(configMapData(prod.elasticsearch, 'elasticsearch', 'elasticsearch.yml')) as Record<string, unknown>;
    expect(prodSettings['cluster.initial_master_nodes']).toEqual(['elasticsearch-0', 'elasticsearch-1', 'elasticsearch-2']);
    expect(find(prod.elasticsearch, 'PodDisruptionBudget', 'elasticsearch')).toBeDefined();
  });

  test('bootstraps a user and a least-privilege role for each client', () => {
    expect(Object.keys(parts.bootstrap.requests.roles).sort()).toEqual(['agent_o11y_grafana_reader', 'agent_o11y_jaeger', 'agent_o11y_logstash_writer']);
    const job = find(files.elasticsearch, 'Job', parts.bootstrap.jobName);
    const env = podSpec(job).containers[0].env as Array<{ name: string; value?: string }>;
    expect(env.find((e) => e.name === 'USERS')!.value).toBe('u0 u1 u2');
    // Role bodies in the ConfigMap are exactly the typed request objects.
    for (const [name, body] of Object.entries(parts.bootstrap.requests.roles)) {
      expect(JSON.parse(configMapData(files.elasticsearch, parts.bootstrap.jobName, `role-${name}.json`))).toEqual(body);
    }
  });

  test('renames the bootstrap Job when what it applies changes', () => {
    const other = synthStack({ ...PROFILE_CONFIGS.dev, jaeger: { ...PROFILE_CONFIGS.dev.jaeger, indexPrefix: 'traces' } });
    expect(other.parts.bootstrap.jobName).not.toBe(parts.bootstrap.jobName);
  });
});
