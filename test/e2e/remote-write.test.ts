/**
 * `prometheus.remoteWrite` as rendered, judged by the real Prometheus on both ends: the stack's
 * Prometheus runs with its rendered global section and remote_write entry (the store's address moved
 * to loopback, the Secret files written where the rendered projected volume puts them), scraping a
 * probe target; the store is a second real Prometheus accepting remote write behind TLS that requires
 * a client certificate and basic auth (its web config). Samples arrive with the external labels,
 * the write relabelling drops what it should, and a sender without the credentials is refused.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import * as os from 'os';
import * as path from 'path';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import * as yaml from 'js-yaml';
import { resolveConfig } from '../../src/config/loader';
import { RESERVED_REMOTE_WRITE_HEADERS } from '../../constructs/prometheus-config';
import { configMapData, find, KubeObject, synthStack } from '../helpers';
import { writeTestPki } from '../tls-fixture';
import { requireTool } from '../tools';
import { freePort, getJson, listen, parseExposition, Processes, WAIT_MS, waitFor } from './support';

const prometheusBin = requireTool('prometheus');

const USER = 'rw-writer-7';
const PASSWORD = 'remote-write-test-password';
/** bcrypt of PASSWORD (cost 10), as Prometheus' web config wants it. */
const PASSWORD_HASH = '$2b$10$DmXqSTzYJltpelt.l85EvOvDqxgTSbL9GTgsHhjqPbpTZRSjJkEQi';
const STORE_HOST = 'store.example.com';

describe('remote write, from the real Prometheus to a real receiver over TLS with basic auth', () => {
  const config = resolveConfig({
    prometheus: {
      scrapeInterval: '1s',
      remoteWrite: [
        {
          name: 'store',
          url: `https://${STORE_HOST}:9443/api/v1/write`,
          tls: {
            ca: { secretName: 'store-remote-write', key: 'store-ca' },
            clientCertificate: {
              cert: { secretName: 'store-client', key: 'cert' },
              key: { secretName: 'store-client', key: 'key' },
            },
          },
          basicAuth: { secretName: 'store-remote-write', usernameKey: 'user', passwordKey: 'pass' },
          headers: { 'X-Scope-OrgID': 'tenant-a' },
          queue: { batchSendDeadline: '1s', maxShards: 2 },
          writeRelabel: [
            { sourceLabels: ['__name__'], regex: 'probe_local_only.*', action: 'drop' },
            { regex: 'pod_secret', action: 'labeldrop' },
          ],
        },
      ],
    },
  });
  const { files, parts } = synthStack(config);
  const prometheus = parts.prometheus!;
  const statefulSet = find(files.prometheus, 'StatefulSet', prometheus.name) as KubeObject & IStatefulSet;
  const podSpec = statefulSet.spec!.template.spec!;
  const main = podSpec.containers.find((c) => c.name === 'prometheus')!;
  const rendered = yaml.load(configMapData(files.prometheus, prometheus.name, 'prometheus.yml')) as {
    global: Record<string, unknown>;
    remote_write: Array<Record<string, unknown> & { url: string }>;
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-o11y-remote-write-'));
  const pki = path.join(dir, 'pki');
  const processes = new Processes();
  let storePort = 0;
  let senderPort = 0;

  /** The Secrets as the user creates them: the store's CA, the client certificate, the credentials. */
  const secrets = (): Record<string, Record<string, string>> => ({
    'store-remote-write': {
      'store-ca': fs.readFileSync(path.join(pki, 'ca.crt'), 'utf8'),
      user: USER,
      pass: PASSWORD,
    },
    'store-client': {
      cert: fs.readFileSync(path.join(pki, 'client', 'tls.crt'), 'utf8'),
      key: fs.readFileSync(path.join(pki, 'client', 'tls.key'), 'utf8'),
    },
  });

  const storeQuery = async (promql: string) =>
    (
      (await new Promise<string>((resolve, reject) => {
        https
          .get(
            {
              host: '127.0.0.1',
              port: storePort,
              path: `/api/v1/query?query=${encodeURIComponent(promql)}`,
              ca: fs.readFileSync(path.join(pki, 'ca.crt')),
              cert: fs.readFileSync(path.join(pki, 'client', 'tls.crt')),
              key: fs.readFileSync(path.join(pki, 'client', 'tls.key')),
              auth: `${USER}:${PASSWORD}`,
            },
            (res) => {
              let body = '';
              res.on('data', (d) => (body += d));
              res.on('end', () =>
                res.statusCode === 200 ? resolve(body) : reject(new Error(`HTTP ${res.statusCode}`)),
              );
            },
          )
          .on('error', reject);
      }).then((b) => JSON.parse(b))) as {
        data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
      }
    ).data.result;

  const fail = (e: Error) => {
    throw new Error(`${e.message}\nlogs:\n${processes.tail()}`);
  };

  beforeAll(async () => {
    writeTestPki(pki, { store: [STORE_HOST], client: ['prometheus'] });

    // The store: a Prometheus receiving remote write, TLS with a client certificate required, and basic auth.
    storePort = await freePort();
    const storeWeb = path.join(dir, 'store-web.yml');
    fs.writeFileSync(
      storeWeb,
      yaml.dump({
        tls_server_config: {
          cert_file: path.join(pki, 'store', 'tls.crt'),
          key_file: path.join(pki, 'store', 'tls.key'),
          client_auth_type: 'RequireAndVerifyClientCert',
          client_ca_file: path.join(pki, 'ca.crt'),
        },
        basic_auth_users: { [USER]: PASSWORD_HASH },
      }),
    );
    fs.writeFileSync(path.join(dir, 'store.yml'), 'global: {}\n');
    processes.start('store', prometheusBin, [
      `--config.file=${path.join(dir, 'store.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'store-data')}`,
      `--web.listen-address=127.0.0.1:${storePort}`,
      `--web.config.file=${storeWeb}`,
      '--web.enable-remote-write-receiver',
    ]);

    // The Secret files where the rendered projected volume puts them, under the mount's path.
    const mount = main.volumeMounts!.find((m) => m.name === 'remote-write-store')!;
    const volume = podSpec.volumes!.find((v) => v.name === 'remote-write-store')!;
    const mounted = path.join(dir, 'mounted');
    for (const source of volume.projected!.sources!)
      for (const item of source.secret!.items!) {
        const value = secrets()[source.secret!.name!]![item.key];
        if (value === undefined) throw new Error(`no key ${item.key} in Secret ${source.secret!.name}`);
        fs.mkdirSync(path.join(mounted, path.dirname(item.path)), { recursive: true });
        fs.writeFileSync(path.join(mounted, item.path), value);
      }

    // The probe target: one series the store keeps (its pod_secret label dropped), one it never gets.
    const target = await listen((_req, res) => {
      res.setHeader('Content-Type', 'text/plain; version=0.0.4');
      res.end('probe_shared{pod_secret="s3cr3t",kind="a"} 7\nprobe_local_only_total 3\n');
    });
    afterAllServers.push(target.server);

    // The stack's Prometheus: its rendered global and remote_write, the store at loopback.
    const remote = rendered.remote_write.map((w): Record<string, unknown> => ({
      ...(yaml.load(yaml.dump(w).split(`${mount.mountPath}/`).join(`${mounted}/`)) as Record<string, unknown>),
      url: w.url.replace(`${STORE_HOST}:9443`, `127.0.0.1:${storePort}`),
    }));
    // The URL now names 127.0.0.1: the certificate is checked against the store's name, as in the cluster.
    (remote[0]!.tls_config as Record<string, unknown>).server_name = STORE_HOST;
    fs.writeFileSync(
      path.join(dir, 'sender.yml'),
      yaml.dump({
        global: rendered.global,
        scrape_configs: [{ job_name: 'probe', static_configs: [{ targets: [`127.0.0.1:${target.port}`] }] }],
        remote_write: remote,
      }),
    );
    senderPort = await freePort();
    processes.start('prometheus', prometheusBin, [
      `--config.file=${path.join(dir, 'sender.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'sender-data')}`,
      `--web.listen-address=127.0.0.1:${senderPort}`,
      ...main.args!.filter((a) => a.startsWith('--enable-feature')),
    ]);
    await waitFor('the store to receive the probe series', async () => {
      const got = await storeQuery('probe_shared').catch(() => []);
      return got.length > 0 ? true : undefined;
    }).catch(fail);
  }, WAIT_MS * 2);
  const afterAllServers: Array<{ close: () => void }> = [];

  afterAll(async () => {
    for (const s of afterAllServers) s.close();
    await processes.stopAll();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the credentials and the CA are files from the Secrets, never literals in prometheus.yml', () => {
    const text = configMapData(files.prometheus, prometheus.name, 'prometheus.yml');
    expect(text).not.toContain(USER);
    expect(rendered.remote_write[0]).toMatchObject({
      basic_auth: {
        username_file: '/etc/prometheus/remote-write/store/username',
        password_file: '/etc/prometheus/remote-write/store/password',
      },
      tls_config: {
        ca_file: '/etc/prometheus/remote-write/store/ca.crt',
        cert_file: '/etc/prometheus/remote-write/store/tls.crt',
        key_file: '/etc/prometheus/remote-write/store/tls.key',
      },
      headers: { 'X-Scope-OrgID': 'tenant-a' },
    });
  });

  test('the store holds the scraped series with the stack’s external labels, minus the dropped label', async () => {
    const got = await storeQuery('probe_shared');
    expect(got.map((r) => r.metric)).toEqual([
      {
        __name__: 'probe_shared',
        kind: 'a',
        job: 'probe',
        instance: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
        cluster: config.common.cluster,
        environment: config.common.environment,
      },
    ]);
    expect(got[0]!.value[1]).toBe('7');
  });

  test('the write relabelling keeps a series out of the store that the stack’s Prometheus still has', async () => {
    expect(await storeQuery('{__name__=~"probe_local_only.*"}')).toEqual([]);
    const local = (await getJson(
      `http://127.0.0.1:${senderPort}/api/v1/query?query=${encodeURIComponent('probe_local_only_total')}`,
    )) as { data: { result: unknown[] } };
    expect(local.data.result.length).toBe(1);
  });

  test('every sample sent reached the store: none failed, the sender names the store', async () => {
    const metrics = await fetch(`http://127.0.0.1:${senderPort}/metrics`).then((r) => r.text());
    const { samples } = parseExposition(metrics);
    const of = (name: string) =>
      samples.filter((s) => s.name === name).map((s) => [s.labels.remote_name, s.value] as [string, number]);
    expect(of('prometheus_remote_storage_samples_failed_total')).toEqual([['store', 0]]);
    const sent = of('prometheus_remote_storage_samples_total');
    expect(sent.map(([name]) => name)).toEqual(['store']);
    expect(sent[0]![1]).toBeGreaterThan(0);
  });

  test('the store refuses a writer without the password, so the credentials were what let the samples in', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = https.request(
        {
          host: '127.0.0.1',
          port: storePort,
          method: 'POST',
          path: '/api/v1/write',
          ca: fs.readFileSync(path.join(pki, 'ca.crt')),
          cert: fs.readFileSync(path.join(pki, 'client', 'tls.crt')),
          key: fs.readFileSync(path.join(pki, 'client', 'tls.key')),
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(401);
  });
});

describe('remote-write settings Prometheus would refuse are refused at synth, naming the key', () => {
  const promtool = requireTool('promtool');
  const store = { name: 'store', url: 'https://store.example.com/api/v1/push' };

  /** promtool's verdict on a config holding one remote_write with `headers`. */
  const promtoolAccepts = (headers: Record<string, string>): boolean => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-o11y-remote-write-headers-'));
    const file = path.join(dir, 'prometheus.yml');
    fs.writeFileSync(file, yaml.dump({ remote_write: [{ url: store.url, headers }] }));
    const result = spawnSync(promtool, ['check', 'config', file], { encoding: 'utf8' });
    fs.rmSync(dir, { recursive: true, force: true });
    return result.status === 0;
  };

  test.each(RESERVED_REMOTE_WRITE_HEADERS)('the header %s: promtool refuses it, and so does synth', (header) => {
    expect(promtoolAccepts({ [header]: 'x' })).toBe(false);
    expect(() =>
      synthStack(resolveConfig({ prometheus: { remoteWrite: [{ ...store, headers: { [header]: 'x' } }] } })),
    ).toThrow(new RegExp(`/prometheus/remoteWrite/0/headers/${header}: Prometheus sets this header itself`));
  });

  test('a tenant header passes both', () => {
    expect(promtoolAccepts({ 'X-Scope-OrgID': 'tenant-a' })).toBe(true);
    expect(() =>
      synthStack(resolveConfig({ prometheus: { remoteWrite: [{ ...store, headers: { 'X-Scope-OrgID': 'a' } }] } })),
    ).not.toThrow();
  });

  test('two auth methods, a duplicate name and a replace without target are each one line', () => {
    expect(() =>
      synthStack(
        resolveConfig({
          prometheus: {
            remoteWrite: [
              {
                ...store,
                basicAuth: { secretName: 's', usernameKey: 'u', passwordKey: 'p' },
                bearerToken: { secretName: 's', key: 't' },
                writeRelabel: [{ sourceLabels: ['a'] }],
              },
              store,
            ],
          },
        }),
      ),
    ).toThrow(
      /remoteWrite\/0: must give basicAuth or bearerToken, not both[\s\S]*remoteWrite\/0\/writeRelabel\/0\/targetLabel: required for action replace[\s\S]*remoteWrite\/1\/name: must differ/,
    );
  });

  test('Prometheus may reach the store at its URL’s port, and only Prometheus', () => {
    const { files } = synthStack(
      resolveConfig({ prometheus: { remoteWrite: [{ ...store, url: 'https://store.example.com:9443/push' }] } }),
    );
    const policies = files['network-policies'].filter((o) => o.kind === 'NetworkPolicy') as any[];
    const to9443 = policies.filter((p) =>
      (p.spec.egress ?? []).some((r: any) => (r.ports ?? []).some((port: any) => port.port === 9443)),
    );
    expect(to9443.map((p) => p.metadata.name)).toEqual(['prometheus']);
  });
});
