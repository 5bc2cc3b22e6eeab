/**
 * Logstash's metrics as rendered, judged by the real binaries: the judged json_exporter runs with the
 * sidecar's command line, its module config and its web config (certificates from a throwaway CA for
 * the names on Logstash's Certificate) against a stand-in of Logstash's monitoring API that answers
 * `GET /_node/stats/pipelines` with Logstash 9's body (the node stats API: a persisted queue and a
 * dead-letter queue holding rejected documents). The real Prometheus scrapes it with the rendered
 * `logstash` job (pod discovery turned into a static target, as test/e2e/pipeline.ts does; the probe's
 * target, Logstash's API on the pod's loopback, moved to the stand-in's port) and evaluates each
 * Logstash alert's expression on what it stored.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import type { AddressInfo } from 'net';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import * as yaml from 'js-yaml';
import { logstashJsonExporterArgs, LOGSTASH_STATS_PATH } from '../../src/lib/logstash-metrics';
import { activeRuleGroups, isAlertRule, LOGSTASH, seriesLabelNames, seriesNames } from '../../rules';
import { resolveConfig } from '../../src/config/loader';
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
  startLocalPrometheus,
  WAIT_MS,
  waitFor,
} from './support';

const exporterBin = requireTool('json_exporter');
const prometheusBin = requireTool('prometheus');

const PIPELINE = 'otlp-logs';
const DLQ_BYTES = 1_048_576 + 4_096;

/** `GET /_node/stats/pipelines` of Logstash 9.5 with a persisted queue and a dead-letter queue in use. */
const STATS = {
  host: 'logstash-0',
  version: '9.5.4',
  http_address: '0.0.0.0:9600',
  id: '3f1b9c2e-8a4d-4e7f-9c1a-5d2e6f7a8b9c',
  name: 'logstash-0',
  ephemeral_id: 'a4e0c1d2-3b4c-4d5e-8f6a-7b8c9d0e1f2a',
  status: 'green',
  snapshot: false,
  pipeline: { workers: 2, batch_size: 125, batch_delay: 50 },
  pipelines: {
    [PIPELINE]: {
      events: {
        in: 125_340,
        filtered: 125_310,
        out: 125_002,
        duration_in_millis: 873_214,
        queue_push_duration_in_millis: 4_122,
      },
      flow: {
        input_throughput: { current: 41.2, lifetime: 39.8 },
        filter_throughput: { current: 41.1, lifetime: 39.8 },
        output_throughput: { current: 40.9, lifetime: 39.7 },
        queue_backpressure: { current: 0, lifetime: 0.001 },
        worker_concurrency: { current: 0.21, lifetime: 0.2 },
      },
      plugins: {
        inputs: [{ id: 'otlp-http', name: 'http', events: { out: 125_340, queue_push_duration_in_millis: 4_122 } }],
        codecs: [],
        filters: [
          { id: 'split-records', name: 'split', events: { in: 125_310, out: 125_310, duration_in_millis: 9_120 } },
        ],
        outputs: [
          {
            id: 'elasticsearch-data-streams',
            name: 'elasticsearch',
            events: { in: 125_310, out: 125_002, duration_in_millis: 801_355 },
            documents: { successes: 124_694, non_retryable_failures: 308 },
            bulk_requests: { successes: 1_012, with_errors: 41, responses: { '200': 1_053 } },
          },
        ],
      },
      reloads: {
        successes: 0,
        failures: 0,
        last_success_timestamp: null,
        last_error: null,
        last_failure_timestamp: null,
      },
      queue: {
        type: 'persisted',
        capacity: {
          max_unread_events: 0,
          max_queue_size_in_bytes: 5_368_709_120,
          queue_size_in_bytes: 2_621_440,
          page_capacity_in_bytes: 67_108_864,
        },
        data: {
          path: `/usr/share/logstash/data/queue/${PIPELINE}`,
          free_space_in_bytes: 18_253_611_008,
          storage_type: 'ext4',
        },
        events: 338,
        events_count: 338,
        queue_size_in_bytes: 2_621_440,
        max_queue_size_in_bytes: 5_368_709_120,
      },
      dead_letter_queue: {
        max_queue_size_in_bytes: 2_684_354_560,
        last_error: 'no errors',
        queue_size_in_bytes: DLQ_BYTES,
        dropped_events: 0,
        expired_events: 0,
        storage_policy: 'drop_newer',
      },
      hash: '5b8f0f7c6f3c4f0e9d0c1b2a39485766a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0',
      ephemeral_id: 'c2d3e4f5-a6b7-4c8d-9e0f-1a2b3c4d5e6f',
    },
  },
};

/** A stand-in of Logstash's monitoring API: the pipelines' stats, 404 for anything else; records requests. */
function startFakeLogstashApi(): Promise<{ port: number; requests: string[]; stop: () => Promise<void> }> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (req.method === 'GET' && req.url === LOGSTASH_STATS_PATH) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(STATS));
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as AddressInfo).port,
        requests,
        stop: () => new Promise<void>((done) => server.close(() => done())),
      }),
    ),
  );
}

describe('Logstash metrics, with the real json_exporter and a stand-in of Logstash’s API', () => {
  const config = resolveConfig({ prometheus: { scrapeInterval: '1s' } });
  const { files, parts } = synthStack(config);
  const logstash = parts.logstash;
  const objects = files.logstash;
  const statefulSet = find(objects, 'StatefulSet', logstash.name) as KubeObject & IStatefulSet;
  const podSpec = statefulSet.spec!.template.spec!;
  const sidecar = podSpec.containers.find((c) => c.name === 'json-exporter')!;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-o11y-logstash-metrics-'));
  const pki = path.join(dir, 'pki');
  const processes = new Processes();
  const stops: Array<() => Promise<void>> = [];
  const pod = `${logstash.name}-0`;
  let api: { port: number; requests: string[] };
  let port = 0;
  let prometheusUrl = '';
  let samples: Sample[] = [];
  let types = new Map<string, string>();
  const prometheusClient = {
    cert: path.join(pki, 'prometheus', 'tls.crt'),
    key: path.join(pki, 'prometheus', 'tls.key'),
  };

  const query = async (promql: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> =>
    (
      (await getJson(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`)) as {
        data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
      }
    ).data.result;

  const probePath = () =>
    `/probe?module=${encodeURIComponent(logstash.metricsParams.module![0]!)}&target=${encodeURIComponent(
      `http://127.0.0.1:${api.port}${LOGSTASH_STATS_PATH}`,
    )}`;

  const fail = (e: Error) => {
    throw new Error(`${e.message}\nrequests to the stand-in:\n${api?.requests.join('\n')}\nlogs:\n${processes.tail()}`);
  };

  beforeAll(
    async () => {
      const certificate = find(objects, 'Certificate', `${logstash.name}-tls`) as KubeObject & {
        spec: { dnsNames: string[] };
      };
      writeTestPki(pki, { [logstash.name]: certificate.spec.dnsNames, prometheus: ['prometheus'] });
      const tlsDir = path.join(pki, logstash.name);
      const files2 = {
        config: path.join(dir, 'json-exporter.yml'),
        web: path.join(dir, 'web.yml'),
      };
      fs.writeFileSync(files2.config, configMapData(objects, logstash.name, 'json-exporter.yml'));
      fs.writeFileSync(files2.web, placeTlsFiles(configMapData(objects, logstash.name, 'web.yml'), tlsDir));

      const fake = await startFakeLogstashApi();
      api = fake;
      stops.push(fake.stop);

      port = await freePort();
      const args = sidecar.args!.map((arg) =>
        arg.startsWith('--web.listen-address=')
          ? `--web.listen-address=127.0.0.1:${port}`
          : arg.startsWith('--web.config.file=')
            ? `--web.config.file=${files2.web}`
            : arg.startsWith('--config.file=')
              ? `--config.file=${files2.config}`
              : arg,
      );
      processes.start('json-exporter', exporterBin, args);
      const text = await waitFor('the exporter to serve Logstash’s metrics', async () => {
        const body = await httpsGet(port, probePath(), path.join(pki, 'ca.crt'), prometheusClient).catch(
          () => undefined,
        );
        return body?.includes('logstash_pipeline_dead_letter_queue_size_bytes') ? body : undefined;
      }).catch(fail);
      ({ samples, types } = parseExposition(text));

      // Prometheus: the rendered job, its client certificate from the same CA, one static target for the
      // pod; the probe's target (Logstash's API on the pod's loopback) moved to the stand-in's port.
      const rendered = yaml.load(configMapData(files.prometheus, 'prometheus', 'prometheus.yml')) as {
        scrape_configs: Array<Record<string, unknown>>;
      };
      const job = rendered.scrape_configs.find((j) => j.job_name === logstash.name)!;
      delete job.kubernetes_sd_configs;
      job.params = { ...(job.params as object), target: [`http://127.0.0.1:${api.port}${LOGSTASH_STATS_PATH}`] };
      job.static_configs = [
        podTarget(
          `127.0.0.1:${port}`,
          {
            name: pod,
            namespace: logstash.namespace,
            container: 'logstash',
            labels: statefulSet.spec!.template.metadata!.labels!,
          },
          { name: 'metrics', number: logstash.port('metrics').port },
        ),
      ];
      prometheusUrl = await startLocalPrometheus(processes, prometheusBin, dir, [job], path.join(pki, 'prometheus'));
      await waitFor('two scrapes of the sidecar', async () => {
        const stored = await query(
          `count_over_time(logstash_pipeline_events_in_total{job="${logstash.name}"}[1m]) >= 2`,
        );
        return stored.length === 1 ? true : undefined;
      }).catch(fail);
    },
    WAIT_MS * 2 + 10_000,
  );

  afterAll(async () => {
    await processes.stopAll();
    for (const stop of stops) await stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the sidecar runs the command line the construct renders', () => {
    expect(sidecar.args).toEqual([...logstash.metricsArgs]);
    expect(sidecar.args).toEqual(
      logstashJsonExporterArgs({
        listen: `:${logstash.port('metrics').port}`,
        config: '/etc/json-exporter/json-exporter.yml',
        webConfig: '/etc/json-exporter/web.yml',
      }),
    );
  });

  test('the job probes Logstash’s API on the pod’s loopback, at the port Logstash binds', () => {
    expect(logstash.metricsParams).toEqual({
      module: ['logstash'],
      target: [`http://127.0.0.1:${logstash.port('api').port}${LOGSTASH_STATS_PATH}`],
    });
    const settings = yaml.load(logstash.settings) as Record<string, unknown>;
    expect(settings['api.http.port']).toBe(logstash.port('api').port);
    expect(['0.0.0.0', '127.0.0.1']).toContain(settings['api.http.host']);
  });

  // json_exporter reads its config with yaml.v2's lenient Unmarshal: a misspelt key is not refused, so
  // the exact series and values below, not --config.check, are what hold the rendered config.
  test('loads the rendered config (--config.check)', () => {
    const run = spawnSync(exporterBin, [`--config.file=${path.join(dir, 'json-exporter.yml')}`, '--config.check'], {
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
  });

  test('asks Logstash’s API only for the pipelines’ stats', () => {
    expect(new Set(api.requests)).toEqual(new Set([`GET ${LOGSTASH_STATS_PATH}`]));
  });

  test('refuses a client without a certificate from the stack CA', async () => {
    await expect(httpsGet(port, probePath(), path.join(pki, 'ca.crt'))).rejects.toThrow(/certificate required/);
  });

  catalogArrivalTests(LOGSTASH, () => ({ samples, types }));

  test.each([
    ['logstash_pipeline_events_in_total', 125_340],
    ['logstash_pipeline_events_filtered_total', 125_310],
    ['logstash_pipeline_events_out_total', 125_002],
    ['logstash_pipeline_queue_events', 338],
    ['logstash_pipeline_queue_size_bytes', 2_621_440],
    ['logstash_pipeline_dead_letter_queue_size_bytes', DLQ_BYTES],
  ] as Array<[string, number]>)('%s{pipeline="otlp-logs"} is %d', (name, value) => {
    const found = samples.filter((s) => s.name === name && s.labels.pipeline === PIPELINE);
    expect(found.map((s) => s.value)).toEqual([value]);
  });

  test.each(
    LOGSTASH.metrics.flatMap((def) =>
      seriesNames(def).map((series): [string, string[]] => [series, seriesLabelNames(def, LOGSTASH, series)]),
    ),
  )('Prometheus stores %s with exactly its labels and the job’s', async (series, labels) => {
    const stored = await query(`${series}{job="${logstash.name}", pod="${pod}"}`);
    expect(stored.length).toBe(1);
    for (const s of stored) {
      expect(Object.keys(s.metric).sort()).toEqual([...labels, '__name__'].sort());
      expect(s.metric.namespace).toBe(logstash.namespace);
      expect(s.metric.pipeline).toBe(PIPELINE);
    }
  });

  const alerts = activeRuleGroups(config)
    .stack!.filter((g) => g.name === 'logstash')
    .flatMap((g) => g.rules.filter(isAlertRule));

  test('the group holds every Logstash alert', () => {
    expect(alerts.map((a) => a.alert)).toEqual(['LogstashDeadLetterQueueGrowing', 'LogstashPipelineStalled']);
  });

  // The stand-in's numbers do not move: neither condition holds, yet each expression reads the stored
  // series (its selectors match them), so it is not silent for want of a metric.
  test.each(alerts.map((a): [string, string] => [a.alert, a.expr]))(
    '%s evaluates on the stored series and stays silent on a steady pipeline',
    async (_alert, expr) => {
      expect(await query(expr)).toEqual([]);
      const bare = expr.replace(/ (>|==) 0/g, '').split(' and ');
      for (const part of bare) {
        const got = await query(part);
        expect(got.map((r) => ({ ...r.metric, instance: undefined }))).toEqual([
          { job: logstash.name, namespace: logstash.namespace, pod, pipeline: PIPELINE, instance: undefined },
        ]);
        expect(Number(got[0]!.value[1])).toBe(0);
      }
    },
  );
});
