/**
 * `prometheus.longTermQuery` as rendered, judged by the real binaries: two Prometheus replicas with
 * their rendered flags, web config and external labels (`replica` from POD_NAME), each with the real
 * Thanos sidecar on its rendered command line (its StoreAPI on mTLS); the real Store Gateway and Thanos
 * Query with theirs, Query's endpoint file as rendered but for the addresses (loopback), so the server
 * names it checks are the rendered ones; the bucket the S3 stand-in (test/judges/fakes3) with the
 * backup's rendered bucket config. A series only in an uploaded block answers through the Store
 * Gateway; a fresh one through the sidecars, the two replicas deduplicated into one series.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import * as yaml from 'js-yaml';
import { resolveConfig } from '../../src/config/loader';
import { configMapData, find, KubeObject, synthStack } from '../helpers';
import { placeTlsFiles, writeTestPki } from '../tls-fixture';
import { requireTool } from '../tools';
import { freePort, httpsGet, listen, Processes, WAIT_MS, waitFor, withFlags } from './support';

const thanosBin = requireTool('thanos');
const prometheusBin = requireTool('prometheus');
const promtoolBin = requireTool('promtool');
const fakes3Bin = requireTool('fakes3');

const BUCKET = 'agent-o11y-long-term';
const HOUR = 3600;

type Result = Array<{ metric: Record<string, string>; value: [number, string] }>;

describe('long-term query, with the real Prometheus, Thanos sidecar, Store Gateway and Query', () => {
  const config = resolveConfig({
    prometheus: {
      replicas: 2,
      scrapeInterval: '1s',
      backup: {
        enabled: true,
        s3: { bucket: BUCKET, endpoint: 's3.eu-west-1.amazonaws.com', credentialsSecret: 'prometheus-backup' },
      },
      longTermQuery: { enabled: true },
    },
  });
  const { files, parts } = synthStack(config);
  const prometheus = parts.prometheus!;
  const { query, storeGateway } = parts.longTermQuery!;
  const objects = files.prometheus;
  const promPod = (find(objects, 'StatefulSet', prometheus.name) as KubeObject & IStatefulSet).spec!.template.spec!;
  const main = promPod.containers.find((c) => c.name === 'prometheus')!;
  const sidecar = promPod.containers.find((c) => c.name === 'thanos-sidecar')!;
  const storeContainer = (find(objects, 'StatefulSet', storeGateway.name) as KubeObject & IStatefulSet).spec!.template
    .spec!.containers[0]!;
  const queryContainer = (find(objects, 'Deployment', query.name) as KubeObject & IDeployment).spec!.template.spec!
    .containers[0]!;
  const cert = (name: string) =>
    (find(objects, 'Certificate', `${name}-tls`) as KubeObject & { spec: { dnsNames: string[] } }).spec.dnsNames;

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-o11y-long-term-query-'));
  const pki = path.join(dir, 'pki');
  const ca = path.join(pki, 'ca.crt');
  const processes = new Processes();
  const credentialsFile = path.join(dir, 'credentials');
  const s3Env = { AWS_SHARED_CREDENTIALS_FILE: credentialsFile, SSL_CERT_FILE: ca };
  const objstoreFile = path.join(dir, 'objstore.yml');
  const now = Math.floor(Date.now() / 1000);
  /** An hour of samples in one two-hour block range about 30 hours ago: only in replica 0's block. */
  const OLD = Math.floor((now - 30 * HOUR) / (2 * HOUR)) * 2 * HOUR + 600;
  const sidecarGrpc: number[] = [];
  let storeGrpc = 0;
  let queryPort = 0;
  const client = (name: string) => ({
    cert: path.join(pki, name, 'tls.crt'),
    key: path.join(pki, name, 'tls.key'),
  });

  /** Thanos Query's API, as Grafana's datasource asks it (with a client certificate from the stack CA). */
  const ask = async (params: Record<string, string | string[]>): Promise<Result> => {
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) for (const one of [v].flat()) search.append(k, one);
    const body = await httpsGet(queryPort, `/api/v1/query?${search.toString()}`, ca, client('grafana'));
    return (JSON.parse(body) as { data: { result: Result } }).data.result;
  };
  const onlyStore = () => `{__address__="127.0.0.1:${storeGrpc}"}`;
  const onlySidecars = () => sidecarGrpc.map((p) => `{__address__="127.0.0.1:${p}"}`);

  const fail = (e: Error) => {
    throw new Error(`${e.message}\nlogs:\n${processes.tail(20000, /level=(error|warn)|exited/i)}`);
  };

  beforeAll(async () => {
    writeTestPki(pki, {
      prometheus: cert(prometheus.name),
      'thanos-store': cert(storeGateway.name),
      'thanos-query': cert(query.name),
      grafana: ['grafana'],
      fakes3: ['localhost'],
    });
    fs.writeFileSync(
      credentialsFile,
      '[default]\naws_access_key_id = AKIALONGTERM\naws_secret_access_key = long-term-secret\n',
    );
    const s3Port = await freePort();
    processes.start('fakes3', fakes3Bin, [
      `-listen=127.0.0.1:${s3Port}`,
      `-cert=${path.join(pki, 'fakes3', 'tls.crt')}`,
      `-key=${path.join(pki, 'fakes3', 'tls.key')}`,
      `-bucket=${BUCKET}`,
    ]);
    // The backup's bucket config, the one ConfigMap both the sidecars and the Store Gateway mount.
    const objstore = yaml.load(configMapData(objects, prometheus.backup!.objstoreConfigMap, 'objstore.yml')) as {
      config: Record<string, unknown>;
    };
    objstore.config.endpoint = `127.0.0.1:${s3Port}`;
    fs.writeFileSync(objstoreFile, yaml.dump(objstore));

    // A probe target both replicas scrape: the fresh series.
    const target = await listen((_req, res) => {
      res.setHeader('Content-Type', 'text/plain; version=0.0.4');
      res.end('fresh_probe{kind="live"} 5\n');
    });
    servers.push(target.server);
    const rendered = yaml.load(configMapData(objects, prometheus.name, 'prometheus.yml')) as { global: unknown };
    const promTls = path.join(pki, 'prometheus');
    fs.writeFileSync(
      path.join(dir, 'web.yml'),
      placeTlsFiles(configMapData(objects, prometheus.name, 'web.yml'), promTls),
    );
    const clientFile = path.join(dir, 'prometheus-client.yml');
    fs.writeFileSync(clientFile, placeTlsFiles(configMapData(objects, prometheus.name, 'thanos-client.yml'), promTls));

    for (const replica of [0, 1]) {
      const pod = `${prometheus.name}-${replica}`;
      const data = path.join(dir, pod);
      fs.mkdirSync(data);
      if (replica === 0) {
        // Replica 0 holds an old block of a series nothing scrapes any more.
        const lines = ['# TYPE longterm_probe gauge'];
        for (let t = OLD; t <= OLD + HOUR; t += 60) lines.push(`longterm_probe{case="old"} ${t % 1000} ${t}`);
        fs.writeFileSync(path.join(dir, 'old.om'), `${lines.join('\n')}\n# EOF\n`);
        const made = spawnSync(promtoolBin, [
          'tsdb',
          'create-blocks-from',
          'openmetrics',
          path.join(dir, 'old.om'),
          data,
        ]);
        if (made.status !== 0) throw new Error(String(made.stderr));
      }
      const configFile = path.join(dir, `${pod}.yml`);
      fs.writeFileSync(
        configFile,
        yaml.dump({
          global: rendered.global,
          scrape_configs: [{ job_name: 'probe', static_configs: [{ targets: [`127.0.0.1:${target.port}`] }] }],
        }),
      );
      const promPort = await freePort();
      processes.start(
        pod,
        prometheusBin,
        withFlags(main.args!, {
          '--config.file': configFile,
          '--storage.tsdb.path': data,
          '--web.listen-address': `127.0.0.1:${promPort}`,
          '--web.config.file': path.join(dir, 'web.yml'),
        }),
        // As the StatefulSet's env gives it: the replica's external label.
        { POD_NAME: pod },
      );
      await waitFor(`${pod} to be ready`, () =>
        httpsGet(promPort, '/-/ready', ca, client('prometheus')).then(
          () => true,
          () => undefined,
        ),
      ).catch(fail);
      const grpc = await freePort();
      sidecarGrpc.push(grpc);
      processes.start(
        `${pod}-sidecar`,
        thanosBin,
        withFlags(sidecar.args!, {
          '--tsdb.path': data,
          '--prometheus.url': `https://127.0.0.1:${promPort}`,
          '--prometheus.http-client-file': clientFile,
          '--objstore.config-file': objstoreFile,
          '--http-address': `127.0.0.1:${await freePort()}`,
          '--http.config': path.join(dir, 'web.yml'),
          '--grpc-address': `127.0.0.1:${grpc}`,
        }).map((a) => placeTlsFiles(a, promTls)),
        s3Env,
      );
    }
    await waitFor('replica 0’s sidecar to upload the old block', () => {
      const out = spawnSync(
        thanosBin,
        ['tools', 'bucket', 'ls', `--objstore.config-file=${objstoreFile}`, '-o', 'json'],
        { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...s3Env } },
      );
      return Promise.resolve(/"ulid"/.test(out.stdout) ? true : undefined);
    }).catch(fail);

    // The Store Gateway, with its rendered flags and the backup's bucket config.
    storeGrpc = await freePort();
    const storeTls = path.join(pki, 'thanos-store');
    const storeWeb = path.join(dir, 'store-web.yml');
    fs.writeFileSync(storeWeb, placeTlsFiles(configMapData(objects, storeGateway.name, 'web.yml'), storeTls));
    processes.start(
      'thanos-store',
      thanosBin,
      withFlags(storeContainer.args!, {
        '--data-dir': path.join(dir, 'store'),
        '--objstore.config-file': objstoreFile,
        '--grpc-address': `127.0.0.1:${storeGrpc}`,
        '--http-address': `127.0.0.1:${await freePort()}`,
        '--http.config': storeWeb,
      }).map((a) => placeTlsFiles(a, storeTls)),
      s3Env,
    );

    // Thanos Query, its endpoint file as rendered but for the addresses.
    const queryTls = path.join(pki, 'thanos-query');
    const endpoints = yaml.load(configMapData(objects, query.name, 'endpoints.yml')) as {
      endpoints: Array<{ address: string }>;
    };
    const local = [...sidecarGrpc, storeGrpc];
    expect(endpoints.endpoints.map((e) => e.address)).toEqual([
      ...prometheus.sidecarEndpoints(query),
      `${storeGateway.host}:10901`,
    ]);
    endpoints.endpoints.forEach((e, i) => (e.address = `127.0.0.1:${local[i]}`));
    const endpointsFile = path.join(dir, 'endpoints.yml');
    fs.writeFileSync(endpointsFile, placeTlsFiles(yaml.dump(endpoints), queryTls));
    const queryWeb = path.join(dir, 'query-web.yml');
    fs.writeFileSync(queryWeb, placeTlsFiles(configMapData(objects, query.name, 'web.yml'), queryTls));
    queryPort = await freePort();
    processes.start(
      'thanos-query',
      thanosBin,
      withFlags(queryContainer.args!, {
        '--http-address': `127.0.0.1:${queryPort}`,
        '--http.config': queryWeb,
        '--grpc-address': `127.0.0.1:${await freePort()}`,
        '--endpoint.sd-config-file': endpointsFile,
      }),
    );
    await waitFor(
      'Query to read the old block through the Store Gateway and the fresh series from both sidecars',
      async () => {
        const old = await ask({ query: 'longterm_probe', time: String(OLD + 1800), 'storeMatch[]': onlyStore() }).catch(
          () => [],
        );
        const fresh = await ask({ query: 'fresh_probe', dedup: 'false', 'storeMatch[]': onlySidecars() }).catch(
          () => [],
        );
        return old.length > 0 && fresh.length === 2 ? true : undefined;
      },
    ).catch(fail);
  }, WAIT_MS * 4);
  const servers: Array<{ close: () => void }> = [];

  afterAll(async () => {
    for (const s of servers) s.close();
    await processes.stopAll();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('Query reaches the two sidecars and the Store Gateway over mTLS, each checked by its rendered server name', async () => {
    const body = JSON.parse(await httpsGet(queryPort, '/api/v1/stores', ca, client('grafana'))) as {
      data: Record<string, Array<{ name: string; lastError: string | null }>>;
    };
    const stores = Object.values(body.data).flat();
    expect(stores.map((s) => s.name).sort()).toEqual([...sidecarGrpc, storeGrpc].map((p) => `127.0.0.1:${p}`).sort());
    expect(stores.map((s) => s.lastError)).toEqual([null, null, null]);
  });

  test('a series only in an uploaded block answers through the Store Gateway, with the stack’s labels', async () => {
    const got = await ask({ query: 'longterm_probe', time: String(OLD + 1800), 'storeMatch[]': onlyStore() });
    expect(got.map((r) => r.metric)).toEqual([
      {
        __name__: 'longterm_probe',
        case: 'old',
        cluster: config.common.cluster,
        environment: config.common.environment,
      },
    ]);
    expect(Number(got[0]!.value[1])).toBe((OLD + 1800) % 1000);
  });

  test('a fresh series from both replicas is one series, the replica label deduplicated away', async () => {
    const raw = await ask({ query: 'fresh_probe', dedup: 'false', 'storeMatch[]': onlySidecars() });
    expect(raw.map((r) => r.metric.replica).sort()).toEqual([`${prometheus.name}-0`, `${prometheus.name}-1`]);
    const deduplicated = await ask({ query: 'fresh_probe' });
    expect(deduplicated.map((r) => r.metric)).toEqual([
      {
        __name__: 'fresh_probe',
        kind: 'live',
        job: 'probe',
        instance: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
        cluster: config.common.cluster,
        environment: config.common.environment,
      },
    ]);
  });

  test('Query’s API refuses a client without a certificate from the stack CA', async () => {
    await expect(httpsGet(queryPort, '/api/v1/stores', ca)).rejects.toThrow(/certificate required/);
  });

  test('Grafana reads it as the "Thanos" datasource with its client certificate', () => {
    const datasources = yaml.load(configMapData(files.grafana, 'grafana-datasources', 'datasources.yaml')) as {
      datasources: Array<{ name: string; url: string; jsonData: Record<string, unknown> }>;
    };
    const thanos = datasources.datasources.find((d) => d.name === 'Thanos')!;
    expect(thanos.url).toBe(`https://${query.host}:10902`);
    expect(thanos.jsonData).toMatchObject({ prometheusType: 'Thanos', tlsAuth: true, tlsAuthWithCACert: true });
  });

  test('long-term query without the backup is refused at synth, naming both keys', () => {
    expect(() => synthStack(resolveConfig({ prometheus: { longTermQuery: { enabled: true } } }))).toThrow(
      /\/prometheus\/longTermQuery\/enabled: needs \/prometheus\/backup\/enabled/,
    );
  });
});
