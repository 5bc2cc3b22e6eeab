/**
 * Prometheus' backup as rendered, judged by the real binaries: the real Prometheus runs with the
 * rendered command line, web config and external labels over a data directory holding two blocks
 * that promtool wrote (one 30 hours old, one 4 hours old); the real Thanos sidecar runs with the
 * rendered command line, client config and bucket config, its endpoint moved to an S3 stand-in
 * (gofakes3 over TLS, test/judges/fakes3). Then, as docs/recovery.md says: the sidecar uploads both
 * blocks; Prometheus scrapes the sidecar with the rendered job and the backup alerts read what it
 * stored; a restore copies the bucket into an empty directory, and a fresh Prometheus started on it
 * answers for the old samples; the retention job's two rendered steps delete the block older than
 * `keep` and leave the other.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { ICronJob } from 'kubernetes-models/batch/v1/CronJob';
import * as yaml from 'js-yaml';
import { activeRuleGroups, isAlertRule, seriesLabelNames, seriesNames, THANOS_SIDECAR } from '../../rules';
import { resolveConfig } from '../../src/config/loader';
import { THANOS_SIDECAR_JOB } from '../../src/lib/names';
import { thanosFilesystemConfig, thanosRestoreArgs } from '../../constructs/prometheus-backup';
import { configMapData, find, KubeObject, synthStack } from '../helpers';
import { placeTlsFiles, writeTestPki } from '../tls-fixture';
import { requireTool } from '../tools';
import { podTarget } from './pipeline';
import {
  catalogArrivalTests,
  freePort,
  getJson,
  httpsGet,
  parseExposition,
  Processes,
  Sample,
  WAIT_MS,
  waitFor,
  withFlags,
} from './support';

const thanosBin = requireTool('thanos');
const prometheusBin = requireTool('prometheus');
const promtoolBin = requireTool('promtool');
const fakes3Bin = requireTool('fakes3');

const BUCKET = 'agent-o11y-backups';
const HOUR = 3600;

/** Runs a one-shot program: its standard output, or an error with all it printed. */
function run(bin: string, args: string[], env: Record<string, string> = {}): string {
  const result = spawnSync(bin, args, {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...env },
    timeout: 120_000,
  });
  if (result.status !== 0)
    throw new Error(
      `${path.basename(bin)} ${args.join(' ')} exited ${result.status}:\n${result.stdout}${result.stderr}`,
    );
  return result.stdout;
}

/** The block ids (ULIDs) in a bucket, as `thanos tools bucket ls` lists them. */
function bucketBlocks(objstoreFile: string, env: Record<string, string>): string[] {
  const out = run(thanosBin, ['tools', 'bucket', 'ls', `--objstore.config-file=${objstoreFile}`, '-o', 'json'], env);
  return [...out.matchAll(/"ulid":\s*"([0-9A-Z]{26})"/g)].map((m) => m[1]!).sort();
}

/** The blocks of a Prometheus data directory: each a directory with a meta.json. */
function localBlocks(dir: string): Array<{ ulid: string; minTime: number; maxTime: number }> {
  return fs
    .readdirSync(dir)
    .filter((d) => fs.existsSync(path.join(dir, d, 'meta.json')))
    .map(
      (d) =>
        JSON.parse(fs.readFileSync(path.join(dir, d, 'meta.json'), 'utf8')) as {
          ulid: string;
          minTime: number;
          maxTime: number;
        },
    )
    .sort((a, b) => a.minTime - b.minTime);
}

describe('Prometheus backup, with the real Prometheus, Thanos sidecar and an S3 stand-in', () => {
  const config = resolveConfig({
    prometheus: {
      scrapeInterval: '1s',
      backup: {
        enabled: true,
        keep: '1d',
        s3: { bucket: BUCKET, endpoint: 's3.eu-west-1.amazonaws.com', credentialsSecret: 'prometheus-backup' },
      },
    },
  });
  const { files, parts } = synthStack(config);
  const prometheus = parts.prometheus!;
  const objects = files.prometheus;
  const statefulSet = find(objects, 'StatefulSet', prometheus.name) as KubeObject & IStatefulSet;
  const podSpec = statefulSet.spec!.template.spec!;
  const main = podSpec.containers.find((c) => c.name === 'prometheus')!;
  const sidecar = podSpec.containers.find((c) => c.name === 'thanos-sidecar')!;
  const cronJob = find(objects, 'CronJob', 'prometheus-backup-retention') as KubeObject & ICronJob;
  const jobPod = cronJob.spec!.jobTemplate.spec!.template.spec!;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-o11y-prometheus-backup-'));
  const pki = path.join(dir, 'pki');
  const data = path.join(dir, 'data');
  const restored = path.join(dir, 'restored');
  const processes = new Processes();
  const pod = `${prometheus.name}-0`;
  const client = { cert: path.join(pki, 'prometheus', 'tls.crt'), key: path.join(pki, 'prometheus', 'tls.key') };
  const ca = path.join(pki, 'ca.crt');
  // The credentials Secret's file where the pods mount it, and the variable the rendered containers
  // set. Thanos' S3 client (minio-go) trusts the system's CAs; the stand-in's certificate is the test CA's.
  const ACCESS_KEY = 'AKIABACKUPTEST';
  const credentialsFile = path.join(dir, 'credentials');
  const s3Env = { AWS_SHARED_CREDENTIALS_FILE: credentialsFile, SSL_CERT_FILE: ca };
  const objstoreFile = path.join(dir, 'objstore.yml');
  const now = Math.floor(Date.now() / 1000);
  /** An hour of samples inside one two-hour block range, starting about `hoursAgo` ago. */
  const hourOfSamples = (hoursAgo: number) => {
    const from = Math.floor((now - hoursAgo * HOUR) / (2 * HOUR)) * 2 * HOUR + 600;
    return { from, to: from + HOUR };
  };
  /** The two written blocks' samples: 30 hours ago, older than `keep`, and 4 hours ago. */
  const OLD = hourOfSamples(30);
  const RECENT = hourOfSamples(4);
  let promPort = 0;
  let sidecarPort = 0;
  let written: Array<{ ulid: string; minTime: number; maxTime: number }> = [];
  let uploaded: string[] = [];
  let samples: Sample[] = [];
  let types = new Map<string, string>();

  const query = async (promql: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> =>
    (
      JSON.parse(await httpsGet(promPort, `/api/v1/query?query=${encodeURIComponent(promql)}`, ca, client)) as {
        data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
      }
    ).data.result;

  const fail = (e: Error) => {
    throw new Error(`${e.message}\nlogs:\n${processes.tail()}`);
  };

  beforeAll(
    async () => {
      const certificate = find(objects, 'Certificate', `${prometheus.name}-tls`) as KubeObject & {
        spec: { dnsNames: string[] };
      };
      writeTestPki(pki, { prometheus: certificate.spec.dnsNames, fakes3: ['localhost'] });
      fs.writeFileSync(
        credentialsFile,
        `[default]\naws_access_key_id = ${ACCESS_KEY}\naws_secret_access_key = backup-test-secret\n`,
      );
      for (const container of [sidecar, ...jobPod.initContainers!, ...jobPod.containers])
        expect(container.env).toEqual([
          { name: 'AWS_SHARED_CREDENTIALS_FILE', value: '/etc/thanos-credentials/credentials' },
        ]);
      const tlsDir = path.join(pki, 'prometheus');

      // The bucket: the stand-in on loopback, the rendered bucket config pointed at it.
      const s3Port = await freePort();
      processes.start('fakes3', fakes3Bin, [
        `-listen=127.0.0.1:${s3Port}`,
        `-cert=${path.join(pki, 'fakes3', 'tls.crt')}`,
        `-key=${path.join(pki, 'fakes3', 'tls.key')}`,
        `-bucket=${BUCKET}`,
      ]);
      const objstore = yaml.load(configMapData(objects, `${prometheus.name}-backup`, 'objstore.yml')) as {
        config: Record<string, unknown>;
      };
      objstore.config.endpoint = `127.0.0.1:${s3Port}`;
      fs.writeFileSync(objstoreFile, yaml.dump(objstore));

      // Two blocks of a probe series, written by promtool as Prometheus' backfill writes them.
      const lines = ['# TYPE backup_probe gauge'];
      for (const range of [OLD, RECENT])
        for (let t = range.from; t <= range.to; t += 60) lines.push(`backup_probe{case="restore"} ${t % 1000} ${t}`);
      fs.writeFileSync(path.join(dir, 'probe.om'), `${lines.join('\n')}\n# EOF\n`);
      run(promtoolBin, ['tsdb', 'create-blocks-from', 'openmetrics', path.join(dir, 'probe.om'), data]);
      written = localBlocks(data);

      // Prometheus with its rendered flags, web config and external labels; one job, the sidecar's.
      const rendered = yaml.load(configMapData(objects, prometheus.name, 'prometheus.yml')) as {
        global: unknown;
        scrape_configs: Array<Record<string, unknown>>;
      };
      sidecarPort = await freePort();
      const job = rendered.scrape_configs.find((j) => j.job_name === THANOS_SIDECAR_JOB)!;
      delete job.kubernetes_sd_configs;
      job.static_configs = [
        podTarget(
          `127.0.0.1:${sidecarPort}`,
          {
            name: pod,
            namespace: prometheus.namespace,
            container: 'prometheus',
            labels: statefulSet.spec!.template.metadata!.labels!,
          },
          { name: 'thanos-http', number: prometheus.port('thanos-http').port },
        ),
      ];
      fs.writeFileSync(
        path.join(dir, 'prometheus.yml'),
        placeTlsFiles(yaml.dump({ global: rendered.global, scrape_configs: [job] }), tlsDir),
      );
      fs.writeFileSync(
        path.join(dir, 'web.yml'),
        placeTlsFiles(configMapData(objects, prometheus.name, 'web.yml'), tlsDir),
      );
      promPort = await freePort();
      processes.start(
        'prometheus',
        prometheusBin,
        withFlags(main.args!, {
          '--config.file': path.join(dir, 'prometheus.yml'),
          '--storage.tsdb.path': data,
          '--web.listen-address': `127.0.0.1:${promPort}`,
          '--web.config.file': path.join(dir, 'web.yml'),
        }),
      );
      await waitFor('Prometheus to be ready', () =>
        httpsGet(promPort, '/-/ready', ca, client).then(
          () => true,
          () => undefined,
        ),
      ).catch(fail);

      // The sidecar with its rendered flags and files.
      const clientFile = path.join(dir, 'prometheus-client.yml');
      fs.writeFileSync(clientFile, placeTlsFiles(configMapData(objects, prometheus.name, 'thanos-client.yml'), tlsDir));
      processes.start(
        'thanos-sidecar',
        thanosBin,
        withFlags(sidecar.args!, {
          '--tsdb.path': data,
          '--prometheus.url': `https://127.0.0.1:${promPort}`,
          '--prometheus.http-client-file': clientFile,
          '--objstore.config-file': objstoreFile,
          '--http-address': `127.0.0.1:${sidecarPort}`,
          '--http.config': path.join(dir, 'web.yml'),
          '--grpc-address': `127.0.0.1:${await freePort()}`,
        }),
        s3Env,
      );
      const text = await waitFor('the sidecar to upload both blocks', async () => {
        const body = await httpsGet(sidecarPort, '/metrics', ca, client).catch(() => undefined);
        return body && /^thanos_shipper_uploads_total 2$/m.test(body) ? body : undefined;
      }).catch(fail);
      ({ samples, types } = parseExposition(text));
      uploaded = bucketBlocks(objstoreFile, s3Env);
      await waitFor('two scrapes of the sidecar', async () => {
        const stored = await query(
          `count_over_time(thanos_shipper_uploads_total{job="${THANOS_SIDECAR_JOB}"}[1m]) >= 2`,
        );
        return stored.length === 1 ? true : undefined;
      }).catch(fail);
    },
    WAIT_MS * 3 + 30_000,
  );

  afterAll(async () => {
    await processes.stopAll();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('promtool wrote one block per range, and Prometheus keeps them as they are (local compaction is off)', () => {
    expect(written.length).toBe(2);
    expect(localBlocks(data).map((b) => b.ulid)).toEqual(written.map((b) => b.ulid));
    expect(main.args).toEqual(
      expect.arrayContaining(['--storage.tsdb.min-block-duration=2h', '--storage.tsdb.max-block-duration=2h']),
    );
  });

  test('the sidecar uploads every block Prometheus has, to the rendered bucket', () => {
    expect(uploaded).toEqual(written.map((b) => b.ulid).sort());
  });

  test('every request to the bucket is signed with the key of the mounted credentials file', () => {
    const keys = processes
      .tail(1_000_000, /^\[fakes3\] .* key=/)
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => / key=(\S+)$/.exec(l)![1]);
    expect(keys.length).toBeGreaterThan(0);
    expect(new Set(keys)).toEqual(new Set([ACCESS_KEY]));
  });

  test('the sidecar refuses a client without a certificate from the stack CA', async () => {
    await expect(httpsGet(sidecarPort, '/metrics', ca)).rejects.toThrow(/certificate required/);
  });

  catalogArrivalTests(THANOS_SIDECAR, () => ({ samples, types }));

  test('the bucket label is the bucket’s name', () => {
    const upload = samples.filter((s) => s.name === 'thanos_objstore_bucket_last_successful_upload_time');
    expect(upload.map((s) => s.labels.bucket)).toEqual([BUCKET]);
    expect(upload[0]!.value).toBeGreaterThan(now - 60);
  });

  test.each(
    THANOS_SIDECAR.metrics.flatMap((def) =>
      seriesNames(def).map((series): [string, string[]] => [series, seriesLabelNames(def, THANOS_SIDECAR, series)]),
    ),
  )('Prometheus stores %s with exactly its labels and the job’s', async (series, labels) => {
    const stored = await query(`${series}{job="${THANOS_SIDECAR_JOB}", pod="${pod}"}`);
    expect(stored.length).toBeGreaterThan(0);
    for (const s of stored) {
      expect(Object.keys(s.metric).sort()).toEqual([...labels, '__name__'].sort());
      expect(s.metric.namespace).toBe(prometheus.namespace);
    }
  });

  const alerts = activeRuleGroups(config)
    .stack!.filter((g) => g.name === 'prometheus_backup')
    .flatMap((g) => g.rules.filter(isAlertRule));

  test('the group holds every backup alert', () => {
    expect(alerts.map((a) => a.alert)).toEqual(['PrometheusBackupTooOld', 'PrometheusBackupUploadFailing']);
  });

  // Just uploaded and nothing failing: neither holds, yet each side of each expression reads the
  // stored series of this pod, so neither is silent for want of a metric.
  test.each(alerts.map((a): [string, string] => [a.alert, a.expr]))(
    '%s evaluates on the stored series and stays silent after an upload',
    async (_alert, expr) => {
      expect(await query(expr)).toEqual([]);
      const sides = expr.replace(/ > [^)]*?(?=\)|$)/g, '').split(' and on (namespace, pod) ');
      for (const side of sides) {
        const got = await query(side);
        expect(got.length).toBeGreaterThan(0);
        for (const r of got)
          expect({ namespace: r.metric.namespace, pod: r.metric.pod }).toEqual({
            namespace: prometheus.namespace,
            pod,
          });
      }
    },
  );

  test('a restore as docs/recovery.md gives it brings the old samples back to a fresh Prometheus', async () => {
    // The runbook's command and restore config are the ones run here.
    const docs = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'recovery.md'), 'utf8');
    const lines = docs.split('\n');
    const first = lines.findIndex((l) => l.trim().startsWith('thanos tools bucket replicate'));
    const last = lines.findIndex((l, i) => i >= first && !l.endsWith('\\'));
    const command = lines
      .slice(first, last + 1)
      .join(' ')
      .replace(/\\/g, ' ')
      .trim();
    expect(command.split(/\s+/)).toEqual([
      'thanos',
      ...thanosRestoreArgs('/etc/thanos/objstore.yml', '/tmp/restore.yml'),
    ]);
    expect(docs).toContain(yaml.dump(thanosFilesystemConfig('/prometheus')).trim().replace(/\n/g, '\n       '));

    const toFile = path.join(dir, 'restore.yml');
    fs.writeFileSync(toFile, yaml.dump(thanosFilesystemConfig(restored)));
    run(
      thanosBin,
      withFlags(thanosRestoreArgs(objstoreFile, toFile), { '--http-address': `127.0.0.1:${await freePort()}` }),
      s3Env,
    );
    expect(localBlocks(restored).map((b) => b.ulid)).toEqual(written.map((b) => b.ulid));

    const port = await freePort();
    fs.writeFileSync(path.join(dir, 'empty.yml'), 'global: {}\n');
    const fresh = processes.start('prometheus-restored', prometheusBin, [
      `--config.file=${path.join(dir, 'empty.yml')}`,
      `--storage.tsdb.path=${restored}`,
      `--web.listen-address=127.0.0.1:${port}`,
      ...main.args!.filter((a) => a.startsWith('--storage.tsdb.retention') || a.startsWith('--storage.tsdb.m')),
    ]);
    const url = `http://127.0.0.1:${port}`;
    await waitFor('the restored Prometheus to be ready', () =>
      getJson(`${url}/api/v1/status/tsdb`).catch(() => undefined),
    ).catch(fail);
    for (const range of [OLD, RECENT]) {
      const at = range.from + 1800;
      const got = (await getJson(`${url}/api/v1/query?query=backup_probe&time=${at}`)) as {
        data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
      };
      expect(got.data.result.map((r) => [r.metric.case, Number(r.value[1])])).toEqual([['restore', at % 1000]]);
    }
    await processes.stop(fresh);
  });

  test('the retention job’s rendered steps delete the block older than keep (1d) and leave the newer', () => {
    const [mark, remove] = [jobPod.initContainers![0]!, jobPod.containers[0]!];
    expect(cronJob.spec!.schedule).toBe('0 2 * * *');
    expect(mark.args).toEqual(prometheus.backup!.retention.args.mark);
    expect(remove.args).toEqual(prometheus.backup!.retention.args.delete);
    // Thanos' tools leave alone a block uploaded less than --consistency-delay (30m) ago, which may
    // still be in flight. These were uploaded seconds ago; in a cluster a block older than keep was
    // uploaded at least keep ago.
    const local = { '--objstore.config-file': objstoreFile };
    run(thanosBin, [...withFlags(mark.args!, local), '--consistency-delay=0s'], s3Env);
    run(thanosBin, [...withFlags(remove.args!, local), '--consistency-delay=0s'], s3Env);
    const newer = written.find((b) => b.minTime === RECENT.from * 1000)!;
    expect(bucketBlocks(objstoreFile, s3Env)).toEqual([newer.ulid]);
  });
});
