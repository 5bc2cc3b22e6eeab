/**
 * The Elasticsearch exporter as rendered, judged by the real binaries: the judged elasticsearch_exporter
 * runs with the Deployment's command line, environment and web config (certificates from a throwaway CA)
 * against a stand-in Elasticsearch (./fake-elasticsearch.ts) that answers what its collectors ask with
 * Elasticsearch 9's response bodies (typed by the client's `estypes`) for a troubled cluster: yellow with
 * unassigned replicas, a node over the high disk watermark, an index whose ILM step failed, and a
 * snapshot repository whose latest snapshot failed, two days after the last good one. The exporter
 * keeps the rendered address: a CONNECT proxy (`HTTPS_PROXY`) tunnels the Service name to the stand-in,
 * so TLS is verified against the name on Elasticsearch's Certificate. A second exporter meets a
 * stand-in whose certificate another CA signed and must refuse it. The real Prometheus scrapes both with
 * the rendered `elasticsearch-exporter` job (pod discovery turned into static targets, as
 * test/e2e/pipeline.ts does) and evaluates each Elasticsearch alert's expression on what it stored.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { estypes } from '@elastic/elasticsearch';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import * as yaml from 'js-yaml';
import { Elasticsearch } from '../../constructs/elasticsearch';
import { elasticsearchExporterArgs } from '../../constructs/elasticsearch-exporter';
import { activeRuleGroups, ELASTICSEARCH_EXPORTER, isAlertRule, seriesLabelNames, seriesNames } from '../../rules';
import { resolveConfig } from '../../src/config/loader';
import { SNAPSHOT_REPOSITORY } from '../../src/lib/names';
import { configMapData, find, KubeObject, synthStack } from '../helpers';
import { placeTlsFiles, writeTestCertificates, writeTestPki } from '../tls-fixture';
import { requireTool } from '../tools';
import { ConnectProxy, FakeElasticsearch, startConnectProxy, startFakeElasticsearch } from './fake-elasticsearch';
import { podTarget } from './pipeline';
import {
  catalogArrivalTests,
  freePort,
  getJson,
  httpsGet,
  parseExposition,
  Processes,
  Sample,
  startLocalPrometheus,
  WAIT_MS,
  waitFor,
} from './support';

const exporterBin = requireTool('elasticsearch_exporter');
const prometheusBin = requireTool('prometheus');

const USER = { username: 'agent-o11y-monitoring', password: 'e2e-monitoring-password' };
const CLUSTER = 'agent-o11y';
const NOW = Date.now();
const HOUR = 3600_000;

/** `/`: what every client reads first. */
const INFO: estypes.InfoResponse = {
  name: 'elasticsearch-0',
  cluster_name: CLUSTER,
  cluster_uuid: 'Xq3kW2aVTm2pJ4Ykq1cN6g',
  version: {
    number: '9.5.4',
    build_flavor: 'default',
    build_type: 'docker',
    build_hash: 'c5a1b0c4e6f0d2b9a8e7f6d5c4b3a29180706050',
    build_date: '2026-01-20T10:11:12.000000000Z',
    build_snapshot: false,
    lucene_version: '10.3.2',
    minimum_wire_compatibility_version: '8.19.0',
    minimum_index_compatibility_version: '8.0.0',
  },
  tagline: 'You Know, for Search',
};

/** Yellow: three replicas unassigned (their node is over the high watermark, the others hold the primaries). */
const HEALTH: estypes.ClusterHealthResponse = {
  cluster_name: CLUSTER,
  status: 'yellow',
  timed_out: false,
  number_of_nodes: 3,
  number_of_data_nodes: 3,
  active_primary_shards: 12,
  active_shards: 21,
  relocating_shards: 0,
  initializing_shards: 0,
  unassigned_shards: 3,
  unassigned_primary_shards: 0,
  delayed_unassigned_shards: 0,
  number_of_pending_tasks: 0,
  number_of_in_flight_fetch: 0,
  task_max_waiting_in_queue_millis: 0,
  active_shards_percent_as_number: 87.5,
};

const GIB = 1024 ** 3;
const DATA_PATH = '/usr/share/elasticsearch/data';

/** One node of the StatefulSet with its data volume `sizeGiB` large and `availableGiB` left. */
function node(i: number, sizeGiB: number, availableGiB: number): estypes.NodesStats {
  return {
    timestamp: NOW,
    name: `elasticsearch-${i}`,
    transport_address: `10.0.4.${10 + i}:9300`,
    host: `10.0.4.${10 + i}`,
    ip: `10.0.4.${10 + i}:9300`,
    roles: ['data', 'ingest', 'master'],
    attributes: { 'xpack.installed': 'true', 'transform.config_version': '10.0.0' },
    http: { current_open: 4, total_opened: 120, routes: {} },
    fs: {
      timestamp: NOW,
      total: {
        total_in_bytes: sizeGiB * GIB,
        free_in_bytes: availableGiB * GIB,
        available_in_bytes: availableGiB * GIB,
      },
      data: [
        {
          path: DATA_PATH,
          mount: `${DATA_PATH} (/dev/nvme1n${i + 1})`,
          type: 'ext4',
          total_in_bytes: sizeGiB * GIB,
          free_in_bytes: availableGiB * GIB,
          available_in_bytes: availableGiB * GIB,
        },
      ],
    },
  };
}

/** Every node's stats: elasticsearch-0 has 4 GiB of 100 left (96% used), the others half. */
const NODES: estypes.NodesStatsResponse = {
  _nodes: { total: 3, successful: 3, failed: 0 },
  cluster_name: CLUSTER,
  nodes: {
    f1Qk8v6rS3m0y2Zl5c4bWw: node(0, 100, 4),
    Hc7nQ2pLTX6d9aUe3kF1Vg: node(1, 100, 50),
    pB4tR8wXQeK2sN0mJ7yCzA: node(2, 100, 50),
  },
};

const FAILED_INDEX = '.ds-logs-agents-dev-2026.01.10-000001';
const HEALTHY_INDEX = '.ds-logs-audit-dev-2026.01.20-000003';
const UNMANAGED_INDEX = 'jaeger-jaeger-span-2026-01-20';

/** `_all/_ilm/explain`: a warm-phase shrink that failed, a healthy hot index, and an index ILM does not manage. */
const ILM: estypes.IlmExplainLifecycleResponse = {
  indices: {
    [FAILED_INDEX]: {
      index: FAILED_INDEX,
      managed: true,
      policy: 'agent-o11y-logs-agents',
      index_creation_date_millis: NOW - 10 * 24 * HOUR,
      lifecycle_date_millis: NOW - 8 * 24 * HOUR,
      phase: 'warm',
      phase_time_millis: NOW - HOUR,
      action: 'shrink',
      action_time_millis: NOW - HOUR,
      step: 'ERROR',
      step_time_millis: NOW - HOUR,
      failed_step: 'shrink',
      is_auto_retryable_error: false,
      failed_step_retry_count: 0,
      step_info: {
        type: 'illegal_argument_exception',
        reason: 'index [.ds-logs-agents-dev-2026.01.10-000001] has unassigned primary shards',
      },
      skip: false,
    },
    [HEALTHY_INDEX]: {
      index: HEALTHY_INDEX,
      managed: true,
      policy: 'agent-o11y-logs-audit',
      index_creation_date_millis: NOW - 2 * HOUR,
      lifecycle_date_millis: NOW - 2 * HOUR,
      phase: 'hot',
      phase_time_millis: NOW - 2 * HOUR,
      action: 'rollover',
      action_time_millis: NOW - 2 * HOUR,
      step: 'check-rollover-ready',
      step_time_millis: NOW - 2 * HOUR,
      skip: false,
    },
    [UNMANAGED_INDEX]: { index: UNMANAGED_INDEX, managed: false },
  },
};

const ILM_STATUS: estypes.IlmGetStatusResponse = { operation_mode: 'RUNNING' };

/** `_snapshot`: the repository the bootstrap Job registers. */
const REPOSITORIES: estypes.SnapshotGetRepositoryResponse = {
  [SNAPSHOT_REPOSITORY]: { type: 'fs', settings: { location: '/mnt/es-snapshots', compress: true } },
};

const GOOD_SNAPSHOT_START = NOW - 48 * HOUR;
const FAILED_SNAPSHOT_START = NOW - HOUR / 2;

/** `_snapshot/<repository>/_all`, oldest first: a good snapshot two days ago, and a failed one since. */
const SNAPSHOTS: estypes.SnapshotGetResponse = {
  total: 2,
  remaining: 0,
  snapshots: [
    {
      snapshot: 'agent-o11y-2026.01.19-kq2xw8srqfuaxbmt5yz0ja',
      uuid: 'r0nm3xUORZqkd7cYz4lT1A',
      repository: SNAPSHOT_REPOSITORY,
      version_id: 9050499,
      version: '9.5.4',
      indices: [HEALTHY_INDEX, FAILED_INDEX],
      data_streams: ['logs-agents-dev', 'logs-audit-dev'],
      include_global_state: false,
      metadata: { policy: 'agent-o11y-daily' },
      state: 'SUCCESS',
      start_time_in_millis: GOOD_SNAPSHOT_START,
      end_time_in_millis: GOOD_SNAPSHOT_START + 95_000,
      duration_in_millis: 95_000,
      failures: [],
      shards: { total: 4, failed: 0, successful: 4 },
      feature_states: [],
    },
    {
      snapshot: 'agent-o11y-2026.01.21-3mfbgd1kqaeuq6xw5yztca',
      uuid: 'Wm7b0CkfQ1yq1n2Uv5cB3g',
      repository: SNAPSHOT_REPOSITORY,
      version_id: 9050499,
      version: '9.5.4',
      indices: [HEALTHY_INDEX, FAILED_INDEX],
      data_streams: ['logs-agents-dev', 'logs-audit-dev'],
      include_global_state: false,
      metadata: { policy: 'agent-o11y-daily' },
      state: 'FAILED',
      reason: `Indices don't have primary shards [${FAILED_INDEX}]`,
      start_time_in_millis: FAILED_SNAPSHOT_START,
      end_time_in_millis: FAILED_SNAPSHOT_START + 2_000,
      duration_in_millis: 2_000,
      failures: [
        {
          index: FAILED_INDEX,
          index_uuid: 'fY2xP9cJRWG1t3bJ0mE7sQ',
          shard_id: 0,
          reason: 'primary shard is not allocated',
          status: 'INTERNAL_SERVER_ERROR',
        },
      ],
      shards: { total: 4, failed: 1, successful: 3 },
      feature_states: [],
    },
  ],
};

/** What the stand-in answers, by path: the calls of the collectors the stack enables. */
const ANSWERS: Record<string, unknown> = {
  '/': INFO,
  '/_cluster/health': HEALTH,
  '/_nodes/stats': NODES,
  '/_all/_ilm/explain': ILM,
  '/_ilm/status': ILM_STATUS,
  '/_snapshot': REPOSITORIES,
  [`/_snapshot/${SNAPSHOT_REPOSITORY}/_all`]: SNAPSHOTS,
};

describe('the Elasticsearch exporter, with the real elasticsearch_exporter and a stand-in Elasticsearch', () => {
  const config = resolveConfig({
    prometheus: { scrapeInterval: '1s' },
    retention: { snapshots: { enabled: true, repository: { fs: { location: '/mnt/es-snapshots' } } } },
  });
  const { files, parts } = synthStack(config);
  const exporter = parts.elasticsearchExporter!;
  const objects = files['elasticsearch-exporter'];
  const deployment = find(objects, 'Deployment', exporter.name) as KubeObject & IDeployment;
  const container = deployment.spec!.template.spec!.containers[0]!;
  const esUrl = new URL(container.args!.find((a) => a.startsWith('--es.uri='))!.slice('--es.uri='.length));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-o11y-es-exporter-'));
  const pki = path.join(dir, 'pki');
  const processes = new Processes();
  const stops: Array<() => Promise<void>> = [];
  let elasticsearch: FakeElasticsearch;
  let untrusted: FakeElasticsearch;
  let proxy: ConnectProxy;
  let port = 0;
  let untrustedPort = 0;
  let prometheusUrl = '';
  let samples: Sample[] = [];
  let types = new Map<string, string>();
  let refused: Sample[] = [];
  const prometheusClient = {
    cert: path.join(pki, 'prometheus', 'tls.crt'),
    key: path.join(pki, 'prometheus', 'tls.key'),
  };
  const pods = { trusting: `${exporter.name}-7d9f6c5b4-q2w8e`, refusing: `${exporter.name}-7d9f6c5b4-z5x7c` };

  const query = async (promql: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> =>
    (
      (await getJson(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`)) as {
        data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
      }
    ).data.result;

  /** The value of the one sample of `name` whose labels include `labels`. */
  const valueOf = (name: string, labels: Record<string, string>): number => {
    const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
    if (found.length !== 1) throw new Error(`${found.length} samples of ${name} with ${JSON.stringify(labels)}`);
    return found[0]!.value;
  };

  /** Whether an exposed sample is the series Prometheus stored as `stored` (its labels, the empty ones left out). */
  const sameSeries = (sample: Sample, stored: Record<string, string>): boolean =>
    Object.entries(sample.labels).every(([k, v]) => (stored[k] ?? '') === v);

  /** Starts the exporter with the Deployment's command line and environment, reaching Elasticsearch through `proxyPort`. */
  const startExporter = async (name: string, proxyPort: number): Promise<number> => {
    const listen = await freePort();
    const webConfig = path.join(dir, 'web.yml');
    const args = container.args!.map((arg) =>
      arg.startsWith('--web.listen-address=')
        ? `--web.listen-address=127.0.0.1:${listen}`
        : arg.startsWith('--web.config.file=')
          ? `--web.config.file=${webConfig}`
          : placeTlsFiles(arg, path.join(pki, exporter.name)),
    );
    // The variables the pod gets from the credentials Secret, with the Secret's values.
    const secret: Record<string, string> = { username: USER.username, password: USER.password };
    const env = Object.fromEntries(
      (container.env ?? []).map((e) => [e.name, secret[e.valueFrom!.secretKeyRef!.key] ?? '']),
    );
    processes.start(name, exporterBin, args, { ...env, HTTPS_PROXY: `http://127.0.0.1:${proxyPort}` });
    return listen;
  };

  const fail = (e: Error) => {
    throw new Error(
      `${e.message}\nrequests to the stand-in:\n${elasticsearch?.requests.join('\n')}\nlogs:\n${processes.tail()}`,
    );
  };

  beforeAll(
    async () => {
      const certificate = (name: string, secret: string) =>
        (find(files[name as 'elasticsearch'], 'Certificate', secret) as KubeObject & { spec: { dnsNames: string[] } })
          .spec.dnsNames;
      const esNames = certificate('elasticsearch', (parts.elasticsearch as Elasticsearch).tls.secretName);
      writeTestPki(pki, {
        [exporter.name]: certificate('elasticsearch-exporter', exporter.tls.secretName),
        elasticsearch: esNames,
        prometheus: ['prometheus'],
      });
      fs.writeFileSync(
        path.join(dir, 'web.yml'),
        placeTlsFiles(configMapData(objects, exporter.name, 'web.yml'), path.join(pki, exporter.name)),
      );
      // The same names, signed by a CA the exporter was not given.
      writeTestCertificates(path.join(dir, 'untrusted'), esNames);

      elasticsearch = await startFakeElasticsearch(path.join(pki, 'elasticsearch'), USER, ANSWERS);
      untrusted = await startFakeElasticsearch(path.join(dir, 'untrusted'), USER, ANSWERS);
      proxy = await startConnectProxy({ [esUrl.host]: elasticsearch.port });
      const untrustedProxy = await startConnectProxy({ [esUrl.host]: untrusted.port });
      stops.push(elasticsearch.stop, untrusted.stop, proxy.stop, untrustedProxy.stop);

      port = await startExporter('elasticsearch-exporter', proxy.port);
      untrustedPort = await startExporter('refusing-exporter', untrustedProxy.port);

      // The snapshots collector answers last (it asks for the repositories, then each one's snapshots).
      const text = await waitFor('the exporter to serve snapshot metrics', async () => {
        const body = await httpsGet(port, '/metrics', path.join(pki, 'ca.crt'), prometheusClient);
        return body.includes('elasticsearch_snapshot_stats_latest_snapshot_timestamp_seconds') ? body : undefined;
      }).catch(fail);
      ({ samples, types } = parseExposition(text));
      refused = parseExposition(
        await waitFor('the refusing exporter to serve /metrics', async () => {
          const body = await httpsGet(untrustedPort, '/metrics', path.join(pki, 'ca.crt'), prometheusClient);
          return body.includes('elasticsearch_scrape_success') ? body : undefined;
        }).catch(fail),
      ).samples;

      // Prometheus: the rendered job, its client certificate from the same CA, one static target per exporter.
      const rendered = yaml.load(configMapData(files.prometheus, 'prometheus', 'prometheus.yml')) as {
        scrape_configs: Array<Record<string, unknown>>;
      };
      const job = rendered.scrape_configs.find((j) => j.job_name === exporter.name)!;
      delete job.kubernetes_sd_configs;
      const target = (podName: string, listen: number) =>
        podTarget(
          `127.0.0.1:${listen}`,
          {
            name: podName,
            namespace: exporter.namespace,
            container: container.name,
            labels: deployment.spec!.template.metadata!.labels!,
          },
          { name: 'metrics', number: exporter.port('metrics').port },
        );
      job.static_configs = [target(pods.trusting, port), target(pods.refusing, untrustedPort)];
      prometheusUrl = await startLocalPrometheus(processes, prometheusBin, dir, [job], path.join(pki, 'prometheus'));
      await waitFor('a scrape of both exporters with snapshot metrics', async () => {
        const up = await query(`up{job="${exporter.name}"} == 1`);
        const snapshots = await query('elasticsearch_snapshot_stats_latest_snapshot_timestamp_seconds');
        return up.length === 2 && snapshots.length === 1 ? true : undefined;
      }).catch(fail);
    },
    WAIT_MS * 3 + 10_000,
  );

  afterAll(async () => {
    await processes.stopAll();
    for (const stop of stops) await stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the Deployment runs the command line the construct renders', () => {
    expect(container.args).toEqual([...exporter.args]);
    expect(container.args).toEqual(
      elasticsearchExporterArgs({
        listen: `:${exporter.port('metrics').port}`,
        elasticsearch: `https://elasticsearch.${exporter.namespace}.svc:9200`,
        ca: exporter.tls.ca,
        snapshots: true,
      }),
    );
  });

  test('refuses a flag it does not know, so its accepting the rendered ones means something', () => {
    const run = spawnSync(exporterBin, [...container.args!.slice(0, -1), '--collector.ilms'], { encoding: 'utf8' });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('unknown long flag');
  });

  test('asks Elasticsearch only for what its collectors read, always as its own user', () => {
    expect(elasticsearch.unknown).toEqual([]);
    expect([...new Set(elasticsearch.requests)].sort()).toEqual(
      Object.keys(ANSWERS)
        .map((p) => `GET ${p}`)
        .sort(),
    );
    const basic = `Basic ${Buffer.from(`${USER.username}:${USER.password}`).toString('base64')}`;
    expect(new Set(elasticsearch.authorizations)).toEqual(new Set([basic]));
    // The address it was given, unchanged: the proxy saw the Service's name and port.
    expect(new Set(proxy.connects)).toEqual(new Set([esUrl.host]));
  });

  test('verifies Elasticsearch’s certificate: one from another CA gets no request, and no metric', () => {
    expect(untrusted.requests).toEqual([]);
    expect(untrusted.tlsErrors.length).toBeGreaterThan(0);
    expect(processes.tail(20_000, /^\[refusing-exporter\]/)).toMatch(/x509: certificate signed by unknown authority/);
    expect(refused.filter((s) => s.name.startsWith('elasticsearch_cluster_health_'))).toEqual([]);
    expect(
      refused
        .filter((s) => s.name === 'elasticsearch_scrape_success')
        .map((s) => [s.labels.collector, s.value])
        .sort(),
    ).toEqual([
      ['cluster-info', 0],
      ['ilm', 0],
      ['snapshots', 0],
    ]);
  });

  test('refuses a client without a certificate from the stack CA', async () => {
    await expect(httpsGet(port, '/metrics', path.join(pki, 'ca.crt'))).rejects.toThrow(/certificate required/);
  });

  catalogArrivalTests(ELASTICSEARCH_EXPORTER, () => ({ samples, types }));

  test.each([
    ['elasticsearch_cluster_health_status', { cluster: CLUSTER, color: 'yellow' }, 1],
    ['elasticsearch_cluster_health_status', { cluster: CLUSTER, color: 'green' }, 0],
    ['elasticsearch_cluster_health_status', { cluster: CLUSTER, color: 'red' }, 0],
    ['elasticsearch_cluster_health_unassigned_shards', { cluster: CLUSTER }, 3],
    ['elasticsearch_cluster_health_number_of_nodes', { cluster: CLUSTER }, 3],
    ['elasticsearch_filesystem_data_available_bytes', { name: 'elasticsearch-0', path: DATA_PATH }, 4 * GIB],
    ['elasticsearch_filesystem_data_size_bytes', { name: 'elasticsearch-0', es_data_node: 'true' }, 100 * GIB],
    ['elasticsearch_filesystem_data_available_bytes', { name: 'elasticsearch-1', host: '10.0.4.11' }, 50 * GIB],
    ['elasticsearch_ilm_index_status', { index: FAILED_INDEX, phase: 'warm', action: 'shrink', step: 'ERROR' }, 1],
    ['elasticsearch_ilm_index_status', { index: HEALTHY_INDEX, step: 'check-rollover-ready' }, 1],
    ['elasticsearch_ilm_index_status', { index: UNMANAGED_INDEX, phase: '', step: '' }, 0],
    ['elasticsearch_ilm_status', { operation_mode: 'RUNNING' }, 1],
    [
      'elasticsearch_snapshot_stats_snapshot_failed_shards',
      { repository: SNAPSHOT_REPOSITORY, state: 'FAILED', version: '9.5.4' },
      1,
    ],
    [
      'elasticsearch_snapshot_stats_latest_snapshot_timestamp_seconds',
      { repository: SNAPSHOT_REPOSITORY },
      Math.floor(GOOD_SNAPSHOT_START / 1000),
    ],
    ['elasticsearch_snapshot_stats_number_of_snapshots', { repository: SNAPSHOT_REPOSITORY }, 2],
    ['elasticsearch_scrape_success', { collector: 'ilm' }, 1],
    ['elasticsearch_scrape_success', { collector: 'snapshots' }, 1],
  ] as Array<[string, Record<string, string>, number]>)('%s%j is %d', (name, labels, value) => {
    expect(valueOf(name, labels)).toBe(value);
  });

  test.each(
    ELASTICSEARCH_EXPORTER.metrics.flatMap((def) =>
      seriesNames(def).map((series): [string, string[]] => [
        series,
        seriesLabelNames(def, ELASTICSEARCH_EXPORTER, series),
      ]),
    ),
  )('Prometheus stores %s with exactly its labels and the job’s', async (series, labels) => {
    const stored = await query(`${series}{job="${exporter.name}", pod="${pods.trusting}"}`);
    expect(stored.length).toBeGreaterThan(0);
    for (const s of stored) {
      // Prometheus stores no empty label: an index ILM does not manage has no phase, action or step.
      const empty = Object.entries(samples.find((x) => x.name === series && sameSeries(x, s.metric))?.labels ?? {})
        .filter(([, v]) => v === '')
        .map(([k]) => k);
      expect(Object.keys(s.metric).sort()).toEqual([...labels.filter((l) => !empty.includes(l)), '__name__'].sort());
      expect(s.metric.namespace).toBe(exporter.namespace);
    }
  });

  const instance = (pod: string) => ({
    job: exporter.name,
    namespace: exporter.namespace,
    pod,
  });
  const alerts = activeRuleGroups(config)
    .stack!.filter((g) => g.name === 'elasticsearch')
    .flatMap((g) => g.rules.filter(isAlertRule));

  test('the group holds every Elasticsearch alert', () => {
    expect(alerts.map((a) => a.alert)).toEqual([
      'ElasticsearchClusterRed',
      'ElasticsearchClusterYellow',
      'ElasticsearchUnassignedShards',
      'ElasticsearchDiskWatermarkHigh',
      'ElasticsearchIlmErrors',
      'ElasticsearchExporterFailing',
      'ElasticsearchSnapshotFailed',
      'ElasticsearchSnapshotTooOld',
    ]);
  });

  // What each alert's condition selects in the stored series, as the alert would carry it (before its
  // `for:`): exactly these labels (and `instance`, the target's address), the value where it says one.
  const node0 = {
    host: '10.0.4.10',
    name: 'elasticsearch-0',
    es_master_node: 'true',
    es_data_node: 'true',
    es_ingest_node: 'true',
    es_client_node: 'true',
    mount: `${DATA_PATH} (/dev/nvme1n1)`,
    path: DATA_PATH,
  };
  const EXPECTED: Record<string, Array<{ labels: Record<string, string>; value?: number }>> = {
    ElasticsearchClusterRed: [],
    ElasticsearchClusterYellow: [{ labels: { ...instance(pods.trusting), color: 'yellow' }, value: 1 }],
    ElasticsearchUnassignedShards: [{ labels: instance(pods.trusting), value: 3 }],
    ElasticsearchDiskWatermarkHigh: [{ labels: { ...instance(pods.trusting), ...node0 }, value: 0.96 }],
    ElasticsearchIlmErrors: [
      {
        labels: { ...instance(pods.trusting), index: FAILED_INDEX, phase: 'warm', action: 'shrink', step: 'ERROR' },
        value: 1,
      },
    ],
    ElasticsearchExporterFailing: ['cluster-info', 'ilm', 'snapshots'].map((collector) => ({
      labels: { ...instance(pods.refusing), collector },
      value: 0,
    })),
    ElasticsearchSnapshotFailed: [
      {
        labels: { ...instance(pods.trusting), repository: SNAPSHOT_REPOSITORY, state: 'FAILED', version: '9.5.4' },
        value: 1,
      },
    ],
    ElasticsearchSnapshotTooOld: [{ labels: { ...instance(pods.trusting), repository: SNAPSHOT_REPOSITORY } }],
  };

  test.each(alerts.map((a): [string, string] => [a.alert, a.expr]))(
    '%s selects exactly the troubled series, with the labels its alert carries',
    async (alert, expr) => {
      const result = await query(expr);
      const got = result
        .map((r) => {
          // An alert's labels are its series' without the metric name.
          const { instance: address, __name__: _name, ...labels } = r.metric;
          expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
          return { labels, value: Number(r.value[1]) };
        })
        .sort((a, b) => JSON.stringify(a.labels).localeCompare(JSON.stringify(b.labels)));
      const expected = EXPECTED[alert]!;
      expect(got.map((g) => g.labels)).toEqual(expected.map((e) => e.labels));
      got.forEach((g, i) => {
        const value = expected[i]!.value;
        if (value !== undefined) expect(g.value).toBeCloseTo(value, 6);
      });
    },
  );

  test('ElasticsearchSnapshotTooOld measures the age of the last good snapshot, not of the failed one', async () => {
    const [age] = await query(
      `time() - elasticsearch_snapshot_stats_latest_snapshot_timestamp_seconds{job="${exporter.name}"}`,
    );
    const hours = Number(age!.value[1]) / 3600;
    expect(hours).toBeGreaterThan(48);
    expect(hours).toBeLessThan(49);
  });
});
