/**
 * The MS-framework pack's inhibit rule with the real binaries: Prometheus evaluates the rendered rule
 * files over a local histogram of message latency and sends to Alertmanager, which runs the rendered
 * alertmanager.yml (destinations local, as in alerting.test.ts). For `task_result` messages both the
 * p95 and the p99 pass 5s, so the critical HighMessageLatency and the warning CommunicationDelay both
 * fire; for `task_assignment` only the p99 does, so only CommunicationDelay fires. The labels both
 * alerts carry are Prometheus' own (rule labels, `by` labels, external labels), not written here.
 *
 * What changes to run outside Kubernetes: rule_files point at a temp dir, scrape_configs become one
 * static `kubernetes-pods` job (the agents' job in the stack) on the local metrics server, and the
 * Alertmanager target is the local Alertmanager. The config is chosen for speed: 1 s scrape and
 * evaluation, `for:` 1 s on HighMessageLatency and 4 s on CommunicationDelay (so the critical alert is
 * at Alertmanager before the warning), 1 s grouping, webhooks beside the critical and warning receivers.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { DEFAULTS } from '../../src/config';
import { resolveConfig } from '../../src/config/loader';
import { configMapData, synthStack } from '../helpers';
import { requireTool } from '../tools';
import {
  freePort,
  getJson,
  listen,
  localAlertmanagerConfig,
  Processes,
  Received,
  recordingSink,
  waitFor,
  WAIT_MS,
} from './support';

const prometheusBin = requireTool('prometheus');
const alertmanagerBin = requireTool('alertmanager');

/** The message latency histogram, growing by 10 observations a second per unit of each bucket. */
function latencyServer(): http.RequestListener {
  const started = Date.now();
  const bucket = (type: string, le: string, count: number) =>
    `message_latency_seconds_bucket{message_type="${type}",transport="nats",le="${le}"} ${count}\n`;
  return (_req, res) => {
    const n = Math.floor((Date.now() - started) / 100) + 1;
    // task_result: every message between 5s and 10s. task_assignment: 24 of 25 within 1s (p95 under
    // 1s), 1 of 25 between 5s and 10s (p99 above 5s).
    const series = [
      ['task_result', [0, 0, n, n]],
      ['task_assignment', [24 * n, 24 * n, 25 * n, 25 * n]],
    ] as const;
    const body = series
      .map(
        ([type, counts]) =>
          ['1', '5', '10', '+Inf'].map((le, i) => bucket(type, le, counts[i]!)).join('') +
          `message_latency_seconds_sum{message_type="${type}",transport="nats"} ${7.5 * counts[3]}\n` +
          `message_latency_seconds_count{message_type="${type}",transport="nats"} ${counts[3]}\n`,
      )
      .join('');
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
    res.end(
      '# HELP message_latency_seconds Message delivery latency distribution\n' +
        '# TYPE message_latency_seconds histogram\n' +
        body,
    );
  };
}

interface HeldAlert {
  labels: Record<string, string>;
  fingerprint: string;
  status: { state: string; inhibitedBy: string[] };
}

describe('the MS-framework inhibit rule, with the real Prometheus and Alertmanager', () => {
  const processes = new Processes();
  const servers: http.Server[] = [];
  let dir: string;
  let alertmanagerUrl: string;
  let received: Received[];

  beforeAll(async () => {
    const config = resolveConfig({
      platforms: ['ms-framework'],
      prometheus: { scrapeInterval: '1s', evaluationInterval: '1s' },
      alerts: { for: { HighMessageLatency: '1s', CommunicationDelay: '4s' } },
      alertmanager: {
        route: { ...DEFAULTS.alertmanager.route, groupWait: '1s', groupInterval: '1s' },
        receivers: DEFAULTS.alertmanager.receivers.map((r) =>
          r.name === 'critical' || r.name === 'warning'
            ? { ...r, webhook: [{ url: { secretName: 'alertmanager-receivers', key: `${r.name}-webhook-url` } }] }
            : r,
        ),
      },
    });
    const { files, parts } = synthStack(config);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-o11y-inhibit-'));
    const metrics = await listen(latencyServer());
    servers.push(metrics.server);
    const sink = await recordingSink();
    servers.push(sink.server);
    received = sink.received;
    const amPort = await freePort();
    const promPort = await freePort();
    alertmanagerUrl = `http://127.0.0.1:${amPort}`;

    fs.writeFileSync(
      path.join(dir, 'alertmanager.yml'),
      localAlertmanagerConfig(
        configMapData(files.alertmanager, 'alertmanager', 'alertmanager.yml'),
        dir,
        sink.url,
        await freePort(),
      ),
    );
    const rulesDir = path.join(dir, 'rules');
    fs.mkdirSync(rulesDir);
    for (const [file, content] of Object.entries(parts.ruleFiles)) fs.writeFileSync(path.join(rulesDir, file), content);
    const prom = yaml.load(configMapData(files.prometheus, 'prometheus', 'prometheus.yml')) as Record<string, any>;
    prom.rule_files = [path.join(rulesDir, '*.rules.yaml')];
    prom.alerting.alertmanagers = [{ api_version: 'v2', static_configs: [{ targets: [`127.0.0.1:${amPort}`] }] }];
    prom.scrape_configs = [
      { job_name: 'kubernetes-pods', static_configs: [{ targets: [`127.0.0.1:${metrics.port}`] }] },
    ];
    fs.writeFileSync(path.join(dir, 'prometheus.yml'), yaml.dump(prom));

    processes.start('alertmanager', alertmanagerBin, [
      `--config.file=${path.join(dir, 'alertmanager.yml')}`,
      `--storage.path=${path.join(dir, 'am-data')}`,
      `--web.listen-address=127.0.0.1:${amPort}`,
      '--cluster.listen-address=',
    ]);
    processes.start('prometheus', prometheusBin, [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'prom-data')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
    ]);
  }, WAIT_MS);

  afterAll(async () => {
    await processes.stopAll();
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test(
    'mutes CommunicationDelay while HighMessageLatency fires for the same message type, and only there',
    async () => {
      const held = await waitFor('both CommunicationDelay alerts at Alertmanager', async () => {
        const alerts = (await getJson(`${alertmanagerUrl}/api/v2/alerts`)) as HeldAlert[];
        return alerts.filter((a) => a.labels.alertname === 'CommunicationDelay').length === 2 ? alerts : undefined;
      }).catch((e: Error) => {
        throw new Error(`${e.message}\nlogs:\n${processes.tail()}`);
      });
      const find = (alertname: string, messageType: string) =>
        held.find((a) => a.labels.alertname === alertname && a.labels.message_type === messageType);
      const critical = find('HighMessageLatency', 'task_result')!;
      const muted = find('CommunicationDelay', 'task_result')!;
      const kept = find('CommunicationDelay', 'task_assignment')!;
      expect(find('HighMessageLatency', 'task_assignment')).toBeUndefined();
      expect(critical.status).toMatchObject({ state: 'active', inhibitedBy: [] });
      expect(muted.status).toMatchObject({ state: 'suppressed', inhibitedBy: [critical.fingerprint] });
      expect(kept.status).toMatchObject({ state: 'active', inhibitedBy: [] });
      // The `equal` labels are on both alerts, with the same values: Prometheus' external labels and the rule's `by`.
      for (const label of ['cluster', 'environment', 'message_type'])
        expect([label, muted.labels[label]]).toEqual([label, critical.labels[label]]);

      // The warning receiver is sent the kept alert alone; no receiver is ever sent the muted one.
      const warning = await waitFor('CommunicationDelay at the warning webhook', () =>
        received.find(
          (r) =>
            r.path === '/webhook/warning' &&
            (r.body.alerts ?? []).some((a) => a.labels.alertname === 'CommunicationDelay'),
        ),
      );
      expect(warning.body.alerts!.map((a) => [a.labels.alertname, a.labels.message_type, a.status])).toEqual([
        ['CommunicationDelay', 'task_assignment', 'firing'],
      ]);
      await waitFor('HighMessageLatency at the critical webhook', () =>
        received.find(
          (r) =>
            r.path === '/webhook/critical' &&
            (r.body.alerts ?? []).some((a) => a.labels.alertname === 'HighMessageLatency'),
        ),
      );
      const mutedSent = received.filter((r) =>
        (r.body.alerts ?? []).some(
          (a) => a.labels.alertname === 'CommunicationDelay' && a.labels.message_type === 'task_result',
        ),
      );
      expect(mutedSent).toEqual([]);
    },
    WAIT_MS + 10_000,
  );
});
