import * as yaml from 'js-yaml';
import { configMapData, find, PROFILE_CONFIGS, synthStack } from '../helpers';
import { podSpec } from './snapshot';
import { Elasticsearch } from '../../constructs/elasticsearch';
import type { StackFile } from '../../src/lib/names';

describe('Elasticsearch', () => {
  const { files, parts } = synthStack(PROFILE_CONFIGS.dev);
  const settings = yaml.load(configMapData(files.elasticsearch, 'elasticsearch', 'elasticsearch.yml')) as Record<
    string,
    unknown
  >;

  test('turns security and TLS on for HTTP and transport with certificate files it mounts', () => {
    expect(settings['xpack.security.enabled']).toBe(true);
    expect(settings['xpack.security.http.ssl.enabled']).toBe(true);
    expect(settings['xpack.security.transport.ssl.enabled']).toBe(true);
    const mounts = podSpec(find(files.elasticsearch, 'StatefulSet', 'elasticsearch')).containers[0].volumeMounts.map(
      (m: any) => m.mountPath,
    );
    expect(mounts).toContain((parts.elasticsearch as Elasticsearch).tls.dir);
    expect(settings['xpack.security.http.ssl.certificate']).toBe(
      `${(parts.elasticsearch as Elasticsearch).tls.dir}/tls.crt`,
    );
  });

  test('needs no privileged init container: its one init container only stages the config directory', () => {
    expect(settings['node.store.allow_mmap']).toBe(false);
    const [init, ...others] = podSpec(find(files.elasticsearch, 'StatefulSet', 'elasticsearch')).initContainers;
    expect(others).toEqual([]);
    expect(init.name).toBe('stage-config');
    expect(init.securityContext).toMatchObject({
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
  });

  test('sets the bootstrap password of elastic from the keystore and probes with the password file', () => {
    const spec = podSpec(find(files.elasticsearch, 'StatefulSet', 'elasticsearch'));
    expect(spec.volumes!.find((v) => v.name === 'secure-settings')!.projected.sources).toEqual([
      { secret: { name: 'elasticsearch-elastic', items: [{ key: 'password', path: 'bootstrap.password' }] } },
    ]);
    expect(spec.initContainers[0].command[2]).toContain('| elasticsearch-keystore add --stdin bootstrap.password');
    expect(spec.containers[0].readinessProbe.exec.command[2]).toContain(
      '$(cat /etc/agent-o11y/secure-settings/bootstrap.password)',
    );
    expect(spec.containers[0].env.filter((e: any) => e.valueFrom?.secretKeyRef)).toEqual([]);
  });

  test('gives the bootstrap Job every credential as a file, none in its environment', () => {
    const spec = podSpec(find(files.elasticsearch, 'Job', parts.bootstrap.jobName));
    expect(spec.containers[0].env.filter((e: any) => e.valueFrom)).toEqual([]);
    const files_ = spec
      .volumes!.find((v) => v.name === 'secrets')!
      .projected.sources.flatMap((s: any) => s.secret.items.map((i: any) => i.path));
    expect(files_.sort()).toEqual(
      [
        'elastic/password',
        'kibana-system/password',
        ...['u0', 'u1', 'u2', 'u3'].flatMap((u) => [`users/${u}/password`, `users/${u}/username`]),
      ].sort(),
    );
  });

  test('runs single-node in dev and a 3-node cluster in production', () => {
    expect(settings['discovery.type']).toBe('single-node');
    const prod = synthStack(PROFILE_CONFIGS.production).files;
    const prodSettings = yaml.load(configMapData(prod.elasticsearch, 'elasticsearch', 'elasticsearch.yml')) as Record<
      string,
      unknown
    >;
    expect(prodSettings['cluster.initial_master_nodes']).toEqual([
      'elasticsearch-0',
      'elasticsearch-1',
      'elasticsearch-2',
    ]);
    expect(find(prod.elasticsearch, 'PodDisruptionBudget', 'elasticsearch')).toBeDefined();
  });

  test('bootstraps a user and a least-privilege role for each client', () => {
    expect(Object.keys(parts.bootstrap.requests.roles).sort()).toEqual([
      'agent_o11y_grafana_reader',
      'agent_o11y_jaeger',
      'agent_o11y_logstash_writer',
      'agent_o11y_monitoring',
    ]);
    const job = find(files.elasticsearch, 'Job', parts.bootstrap.jobName);
    const env = podSpec(job).containers[0].env as Array<{ name: string; value?: string }>;
    expect(env.find((e) => e.name === 'USERS')!.value).toBe('u0 u1 u2 u3');
    // Role bodies in the ConfigMap are exactly the typed request objects.
    for (const [name, body] of Object.entries(parts.bootstrap.requests.roles)) {
      expect(JSON.parse(configMapData(files.elasticsearch, parts.bootstrap.jobName, `role-${name}.json`))).toEqual(
        body,
      );
    }
  });

  test('renames the bootstrap Job when what it applies changes', () => {
    const other = synthStack({
      ...PROFILE_CONFIGS.dev,
      jaeger: { ...PROFILE_CONFIGS.dev.jaeger, indexPrefix: 'traces' },
    });
    expect(other.parts.bootstrap.jobName).not.toBe(parts.bootstrap.jobName);
  });
});

describe.each([
  ['elasticsearch', 'StatefulSet', '/usr/share/elasticsearch', ['logs', 'data']],
  ['logstash', 'StatefulSet', '/usr/share/logstash', ['logs', 'data']],
  ['kibana', 'Deployment', '/usr/share/kibana', ['data', 'logs', 'plugins']],
])('the Elastic image %s', (name, kind, home, written) => {
  const spec = podSpec(find(synthStack(PROFILE_CONFIGS.dev).files[name as StackFile], kind, name));
  const [container] = spec.containers;
  const volume = (mountPath: string) =>
    spec.volumes!.find((v) => v.name === container.volumeMounts.find((m: any) => m.mountPath === mountPath)?.name);

  test("runs with a read-only root filesystem as the image's own user", () => {
    expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(spec.securityContext).toMatchObject({
      runAsUser: 1000,
      runAsGroup: 1000,
      fsGroup: 1000,
      runAsNonRoot: true,
    });
  });

  test('writes its config directory, /tmp and each other directory it writes to a volume', () => {
    expect(volume(`${home}/config`)).toMatchObject({ name: 'config', emptyDir: {} });
    expect(volume('/tmp')).toMatchObject({ emptyDir: {} });
    // data is the StatefulSet's volume claim where there is one.
    for (const dir of written)
      expect([dir, container.volumeMounts.some((m: any) => m.mountPath === `${home}/${dir}`)]).toEqual([dir, true]);
  });

  test("starts from the image's config directory, staged by its init container into that emptyDir", () => {
    const [init] = spec.initContainers;
    expect(init.image).toBe(container.image);
    expect(init.volumeMounts).toContainEqual({ name: 'config', mountPath: '/mnt/agent-o11y/config' });
    expect(init.command[2]).toContain(`cp -R ${home}/config/. /mnt/agent-o11y/config/`);
  });
});
