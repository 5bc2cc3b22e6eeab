/**
 * mTLS wiring: every certificate path a rendered config names is mounted from a Certificate's
 * Secret, servers of TLS ports hold certificates for it, and the Prometheus-toolkit web configs and
 * exec probes work against the real servers with test certificates at the rendered paths.
 */
import { EckElasticsearch } from '../../constructs/eck';
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { TLS_DIR } from '../../constructs/mtls';
import { resolveConfig } from '../../src/config/loader';
import { ALL_CONFIGS, configMapData, find, KubeObject, PROFILE_CONFIGS, synthStack } from '../helpers';
import { placeTlsFiles, writeTestCertificates } from '../tls-fixture';
import { requireTool } from '../tools';
import { Elasticsearch } from '../../constructs/elasticsearch';

const promtool = requireTool('promtool');
const prometheus = requireTool('prometheus');
const alertmanager = requireTool('alertmanager');
const amtool = requireTool('amtool');

const TLS_PATH = new RegExp(`${TLS_DIR.replace(/\//g, '\\/')}/[A-Za-z0-9._-]+`, 'g');

interface PodContainer {
  workload: string;
  namespace: string;
  container: any;
  volumes: any[];
  text: string;
}

/** Every container of every workload, with the text of its args, env, probes and mounted ConfigMaps. */
function containers(objects: KubeObject[]): PodContainer[] {
  const configMaps = new Map(
    objects
      .filter((o) => o.kind === 'ConfigMap')
      .map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, Object.values((o as any).data ?? {}).join('\n')]),
  );
  return objects
    .filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'].includes(o.kind))
    .flatMap((o) => {
      const pod = o.kind === 'CronJob' ? (o as any).spec.jobTemplate.spec.template : (o as any).spec.template;
      const volumes: any[] = pod.spec.volumes ?? [];
      return (pod.spec.containers as any[]).map((c) => {
        const mounted = (c.volumeMounts ?? [])
          .map((m: any) => volumes.find((v) => v.name === m.name))
          .filter((v: any) => v?.configMap);
        const text = [
          ...mounted.map((v: any) => configMaps.get(`${o.metadata.namespace}/${v.configMap.name}`) ?? ''),
          ...(c.args ?? []),
          ...(c.command ?? []),
          ...(c.env ?? []).map((e: any) => e.value ?? ''),
          ...[c.livenessProbe, c.readinessProbe].flatMap((p: any) => p?.exec?.command ?? []),
        ].join('\n');
        return {
          workload: `${o.kind}/${o.metadata.name}`,
          namespace: o.metadata.namespace!,
          container: c,
          volumes,
          text,
        };
      });
    });
}

describe.each(Object.keys(ALL_CONFIGS))('certificates of the %s config', (profile) => {
  const { files, parts } = synthStack(ALL_CONFIGS[profile]!);
  const objects = Object.values(files).flat();
  const certificates = objects.filter((o) => o.kind === 'Certificate');

  test("every TLS file a rendered config names is mounted in that container from a Certificate's Secret", () => {
    let checked = 0;
    for (const c of containers(objects)) {
      const paths = [...new Set(c.text.match(TLS_PATH) ?? [])];
      if (paths.length === 0) continue;
      const mount = (c.container.volumeMounts ?? []).find((m: any) => m.mountPath === TLS_DIR);
      expect({ workload: c.workload, mount: mount !== undefined }).toEqual({ workload: c.workload, mount: true });
      const secretName = c.volumes.find((v) => v.name === mount.name)?.secret?.secretName;
      const certificate = certificates.find(
        (o) => o.metadata.namespace === c.namespace && (o as any).spec.secretName === secretName,
      );
      expect({ workload: c.workload, secretName, certificate: certificate?.metadata.name }).toEqual({
        workload: c.workload,
        secretName,
        certificate: secretName,
      });
      for (const p of paths) {
        expect({ workload: c.workload, file: path.basename(p) }).toEqual({
          workload: c.workload,
          file: expect.stringMatching(/^(ca\.crt|tls\.crt|tls\.key)$/),
        });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  test('every server of a TLS port has a server certificate for its Service, from the stack CA', () => {
    const components = [
      // An existing cluster's certificate is not the stack's.
      ...(parts.elasticsearch instanceof Elasticsearch ? [parts.elasticsearch] : []),
      // ECK serves the stack's certificate for its HTTP Service (the component's host).
      ...(parts.elasticsearch instanceof EckElasticsearch ? [parts.elasticsearch] : []),
      parts.logstash,
      parts.kibana,
      parts.jaeger,
      parts.collector,
      parts.agent,
      parts.alertmanager,
      parts.prometheus,
      parts.grafana,
    ].filter((x) => x !== undefined);
    for (const component of components.filter((x) => x.ports.some((p) => p.tls))) {
      const cert = certificates.find(
        (o) => o.metadata.namespace === component.namespace && o.metadata.name === `${component.name}-tls`,
      ) as any;
      expect({ component: component.name, usages: cert?.spec.usages }).toEqual({
        component: component.name,
        usages: expect.arrayContaining(['server auth']),
      });
      expect(cert.spec.dnsNames).toContain(component.host);
      expect(cert.spec.issuerRef).toEqual({
        group: 'cert-manager.io',
        kind: 'ClusterIssuer',
        name: parts.pki.issuerName,
      });
    }
  });

  test('no collector or Jaeger receiver and no client of one runs without TLS', () => {
    const texts = [parts.collector.rendered, parts.agent.rendered, parts.jaeger.rendered];
    for (const text of texts) expect(text).not.toMatch(/insecure: true/);
    expect(configMapData(files.logstash, 'logstash-pipeline', 'otlp-logs.conf')).toMatch(
      /ssl_client_authentication => "required"/,
    );
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Stops every process a test started, by PID, and waits (bounded) for each to exit: Alertmanager
 * writes its state into its data directory while shutting down.
 */
async function stopAll(children: ChildProcess[]): Promise<void> {
  const running = children.filter((child) => child.pid !== undefined && child.exitCode === null);
  const exited = running.map(
    (child) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          if (child.exitCode === null) child.kill('SIGKILL');
          resolve();
        }, 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      }),
  );
  for (const child of running) child.kill('SIGTERM');
  await Promise.all(exited);
}

describe('the web configs and exec probes against the real servers', () => {
  const { files } = synthStack(PROFILE_CONFIGS.production);
  const children: ChildProcess[] = [];
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-o11y-tls-'));
  });
  afterAll(async () => {
    await stopAll(children);
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  });

  const cases: { name: 'prometheus' | 'alertmanager'; server: string | undefined; client: string | undefined }[] = [
    { name: 'prometheus', server: prometheus, client: promtool },
    { name: 'alertmanager', server: alertmanager, client: amtool },
  ];

  test.each(cases)(
    '$name: web.yml passes promtool check web-config with test certificates at its paths',
    ({ name }) => {
      const tlsDir = path.join(dir, `${name}-check`);
      writeTestCertificates(tlsDir, [`${name}.observability.svc`]);
      const file = path.join(tlsDir, 'web.yml');
      fs.writeFileSync(file, placeTlsFiles(configMapData(files[name], name, 'web.yml'), tlsDir));
      const result = spawnSync(promtool, ['check', 'web-config', file], { encoding: 'utf8' });
      expect({ status: result.status, out: result.stdout + result.stderr }).toEqual({
        status: 0,
        out: expect.stringContaining('SUCCESS'),
      });
    },
  );

  test.each(cases)(
    "$name: the rendered probe passes with the pod's certificate; without one the server refuses",
    async ({ name, server, client }) => {
      if (!server || !client) return;
      const tlsDir = path.join(dir, name);
      writeTestCertificates(tlsDir, [`${name}.observability.svc`]);
      const place = (key: string) => {
        const file = path.join(tlsDir, key);
        fs.writeFileSync(file, placeTlsFiles(configMapData(files[name], name, key), tlsDir));
        return file;
      };
      const webConfig = place('web.yml');
      const probeConfig = place('probe-http.yml');
      const port = await freePort();
      const args =
        name === 'prometheus'
          ? [`--config.file=${path.join(tlsDir, 'empty.yml')}`, `--storage.tsdb.path=${path.join(tlsDir, 'data')}`]
          : // Gossip over mTLS too: Alertmanager reads cluster-tls.yml at start and exits on a bad one.
            [
              `--config.file=${path.join(tlsDir, 'empty.yml')}`,
              `--storage.path=${path.join(tlsDir, 'data')}`,
              `--cluster.listen-address=127.0.0.1:${await freePort()}`,
              `--cluster.tls-config=${place('cluster-tls.yml')}`,
            ];
      fs.writeFileSync(
        path.join(tlsDir, 'empty.yml'),
        name === 'prometheus' ? 'global: {}\n' : 'route: { receiver: none }\nreceivers: [{ name: none }]\n',
      );
      children.push(
        spawn(server, [...args, `--web.listen-address=127.0.0.1:${port}`, `--web.config.file=${webConfig}`], {
          stdio: 'ignore',
        }),
      );

      // The readiness probe exactly as rendered, but for the local tool, port and files.
      const sts = find(files[name], 'StatefulSet', name) as any;
      const command: string[] = sts.spec.template.spec.containers[0].readinessProbe.exec.command;
      const localArgs = command
        .slice(1)
        .map((a) =>
          a
            .replace(/127\.0\.0\.1:\d+/, `127.0.0.1:${port}`)
            .replace(/=\/etc\/[a-z]+\/probe-http\.yml$/, `=${probeConfig}`),
        );
      let result = spawnSync(client, localArgs, { encoding: 'utf8' });
      for (let i = 0; i < 40 && result.status !== 0; i++) {
        await new Promise((r) => setTimeout(r, 250));
        result = spawnSync(client, localArgs, { encoding: 'utf8' });
      }
      expect({ status: result.status, out: result.status === 0 ? '' : result.stdout + result.stderr }).toEqual({
        status: 0,
        out: '',
      });

      // The same request trusting the CA but presenting no certificate is refused.
      const noCert = path.join(tlsDir, 'no-cert.yml');
      fs.writeFileSync(noCert, `tls_config:\n  ca_file: ${tlsDir}/ca.crt\n  server_name: ${name}.observability.svc\n`);
      const refused = spawnSync(
        client,
        localArgs.map((a) => (a.startsWith('--http.config.file=') ? `--http.config.file=${noCert}` : a)),
        { encoding: 'utf8' },
      );
      expect(refused.status).not.toBe(0);
    },
    30000,
  );
});

describe('the stack CA', () => {
  test("is signed by the ClusterIssuer in pki.rootIssuer when one is named, in cert-manager's namespace", () => {
    const config = resolveConfig({ pki: { rootIssuer: 'corp-root', clusterResourceNamespace: 'certs' } });
    const pki = synthStack(config).files.pki;
    expect(pki.map((o) => [o.kind, o.metadata.namespace, o.metadata.name])).toEqual([
      ['Certificate', 'certs', 'agent-o11y-observability-ca'],
      ['ClusterIssuer', undefined, 'agent-o11y-observability-ca'],
    ]);
    expect((pki[0] as any).spec.issuerRef).toEqual({
      group: 'cert-manager.io',
      kind: 'ClusterIssuer',
      name: 'corp-root',
    });
  });
});

describe('Prometheus over mTLS with the rendered settings, against the real servers', () => {
  const { files } = synthStack(PROFILE_CONFIGS.dev);
  const children: ChildProcess[] = [];
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-o11y-mtls-'));
  });
  afterAll(async () => {
    await stopAll(children);
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  });

  test('scrapes itself and Alertmanager and delivers an alert, each over mTLS', async () => {
    // One test CA for both servers; 127.0.0.1 on the certificate because the alerting target has no server_name.
    writeTestCertificates(dir, ['prometheus.observability.svc', 'alertmanager.observability.svc'], ['127.0.0.1']);
    const place = (name: 'prometheus' | 'alertmanager', key: string) => {
      const file = path.join(dir, `${name}-${key}`);
      fs.writeFileSync(file, placeTlsFiles(configMapData(files[name], name, key), dir));
      return file;
    };
    const [promPort, amPort] = [await freePort(), await freePort()];
    fs.writeFileSync(path.join(dir, 'am.yml'), 'route: { receiver: none }\nreceivers: [{ name: none }]\n');
    children.push(
      spawn(
        alertmanager,
        [
          `--config.file=${path.join(dir, 'am.yml')}`,
          `--storage.path=${path.join(dir, 'am-data')}`,
          '--cluster.listen-address=',
          `--web.listen-address=127.0.0.1:${amPort}`,
          `--web.config.file=${place('alertmanager', 'web.yml')}`,
        ],
        { stdio: 'ignore' },
      ),
    );

    // The rendered prometheus.yml with local targets instead of Kubernetes discovery; TLS settings untouched.
    const config = yaml.load(
      placeTlsFiles(configMapData(files.prometheus, 'prometheus', 'prometheus.yml'), dir),
    ) as any;
    const targets: Record<string, number> = { prometheus: promPort, alertmanager: amPort };
    config.global.scrape_interval = '1s';
    config.global.evaluation_interval = '1s';
    config.scrape_configs = config.scrape_configs
      .filter((j: any) => j.job_name in targets)
      .map((j: any) => {
        const { kubernetes_sd_configs: _sd, relabel_configs: _relabel, ...job } = j;
        return { ...job, static_configs: [{ targets: [`127.0.0.1:${targets[j.job_name]}`] }] };
      });
    config.alerting.alertmanagers[0].static_configs = [{ targets: [`127.0.0.1:${amPort}`] }];
    fs.writeFileSync(
      path.join(dir, 'always.rules.yaml'),
      'groups: [{ name: e2e, rules: [{ alert: MtlsE2e, expr: vector(1) }] }]\n',
    );
    config.rule_files = [path.join(dir, 'always.rules.yaml')];
    fs.writeFileSync(path.join(dir, 'prometheus.yml'), yaml.dump(config));
    children.push(
      spawn(
        prometheus,
        [
          `--config.file=${path.join(dir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${path.join(dir, 'prom-data')}`,
          `--web.listen-address=127.0.0.1:${promPort}`,
          `--web.config.file=${place('prometheus', 'web.yml')}`,
          // An alert firing before Alertmanager is discovered is dropped; resend soon rather than in a minute.
          '--rules.alert.resend-delay=1s',
        ],
        { stdio: 'ignore' },
      ),
    );

    const promClient = place('prometheus', 'probe-http.yml');
    const amClient = place('alertmanager', 'probe-http.yml');
    const query = (q: string) =>
      spawnSync(
        promtool,
        ['query', 'instant', `--http.config.file=${promClient}`, `https://127.0.0.1:${promPort}`, q],
        { encoding: 'utf8' },
      ).stdout;
    const until = async (what: string, check: () => boolean) => {
      for (let i = 0; i < 80; i++) {
        if (check()) return;
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error(`timed out waiting for ${what}`);
    };
    await until(
      'both scrape jobs up over mTLS',
      () => /job="alertmanager".* => 1 /.test(query('up')) && /job="prometheus".* => 1 /.test(query('up')),
    );
    const alerts = () => {
      const r = spawnSync(
        amtool,
        [
          `--alertmanager.url=https://127.0.0.1:${amPort}`,
          `--http.config.file=${amClient}`,
          'alert',
          'query',
          'alertname=MtlsE2e',
        ],
        { encoding: 'utf8' },
      );
      return r.stdout + r.stderr;
    };
    await until('the alert in Alertmanager', () => alerts().includes('MtlsE2e')).catch((e) => {
      throw new Error(`${e.message}\n${alerts()}`);
    });
  }, 40000);
});
