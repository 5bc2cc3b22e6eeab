/**
 * End to end with the real binaries: Prometheus evaluates the rendered rule files over metrics served
 * by a local HTTP server and sends alerts to Alertmanager, which routes them with the rendered tree
 * to a local receiver. Everything runs on 127.0.0.1 on free ports.
 *
 * What changes to run outside Kubernetes, and nothing else:
 * - prometheus.yml: rule_files point at a temp dir; scrape_configs become one static `agents` job
 *   (the job the stack gives agent metrics) targeting the two local metric servers; the
 *   Alertmanager target is the local Alertmanager.
 * - alertmanager.yml: `*_file` credentials point at temp files; the files, the PagerDuty and
 *   Opsgenie `url`s and the SMTP smarthost point at the local receiver (or a closed local port).
 * - The production HA pair runs as two processes with POD_NAME set as the StatefulSet would, sending to
 *   one Alertmanager (the 3-peer gossip cluster is not exercised here).
 * The stack config itself is chosen for speed (1s scrape/evaluation, 3s for:, 1s group wait, a 2s
 * dead man's switch) and gives the critical receiver a webhook beside PagerDuty, so the alert's labels
 * can be read exactly.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { configMapData, synthStack } from '../helpers';
import { requireTool } from '../tools';
import {
  fastAlertingConfig,
  freePort,
  getJson,
  listen,
  localAlertmanagerConfig,
  Received,
  recordingSink,
  stopProcess,
  waitFor,
  WAIT_MS,
} from './support';

const prometheusBin = requireTool('prometheus');
const alertmanagerBin = requireTool('alertmanager');

function metricsServer(cpuPercent: number): http.RequestListener {
  return (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
    res.end(
      `# HELP multiagents_system_cpu_percent CPU usage percentage\n# TYPE multiagents_system_cpu_percent gauge\nmultiagents_system_cpu_percent ${cpuPercent}\n`,
    );
  };
}

/** A running Prometheus (one or an HA pair) → Alertmanager → local receiver, from one stack config. */
interface LocalStack {
  readonly breaching: string;
  readonly healthy: string;
  readonly prometheusUrls: string[];
  readonly alertmanagerUrl: string;
  readonly received: Received[];
  readonly logs: string[];
  stop(): Promise<void>;
}

async function startLocalStack(
  profile: 'dev' | 'production',
  prometheusBin: string,
  alertmanagerBin: string,
): Promise<LocalStack> {
  const config = fastAlertingConfig({ profile });
  const { files, parts } = synthStack(config);
  const children: ChildProcess[] = [];
  const servers: http.Server[] = [];
  const logs: string[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-o11y-e2e-'));
  const stop = async () => {
    // Every process started here, by PID, whether the tests passed or not.
    await Promise.all(children.map(stopProcess));
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const hot = await listen(metricsServer(95));
    servers.push(hot.server);
    const cool = await listen(metricsServer(40));
    servers.push(cool.server);
    const sink = await recordingSink();
    servers.push(sink.server);
    const { received, url: sinkUrl } = sink;
    const breaching = `127.0.0.1:${hot.port}`;
    const healthy = `127.0.0.1:${cool.port}`;
    const amPort = await freePort();
    const closedPort = await freePort();
    const alertmanagerUrl = `http://127.0.0.1:${amPort}`;

    // alertmanager.yml: credentials from temp files, every destination local.
    fs.writeFileSync(
      path.join(dir, 'alertmanager.yml'),
      localAlertmanagerConfig(
        configMapData(files.alertmanager, 'alertmanager', 'alertmanager.yml'),
        dir,
        sinkUrl,
        closedPort,
      ),
    );

    // prometheus.yml: local rule files, local targets, the one local Alertmanager.
    const rulesDir = path.join(dir, 'rules');
    fs.mkdirSync(rulesDir);
    for (const [file, content] of Object.entries(parts.ruleFiles)) fs.writeFileSync(path.join(rulesDir, file), content);
    const prom = yaml.load(configMapData(files.prometheus, 'prometheus', 'prometheus.yml')) as Record<string, any>;
    prom.rule_files = [path.join(rulesDir, '*.rules.yaml')];
    prom.alerting.alertmanagers = [{ api_version: 'v2', static_configs: [{ targets: [`127.0.0.1:${amPort}`] }] }];
    const agentsJob = (prom.scrape_configs as Array<Record<string, unknown>>).find((s) => s.job_name === 'agents')!;
    prom.scrape_configs = [
      { job_name: 'agents', honor_labels: agentsJob.honor_labels, static_configs: [{ targets: [breaching, healthy] }] },
    ];
    fs.writeFileSync(path.join(dir, 'prometheus.yml'), yaml.dump(prom));

    const run = (bin: string, args: string[], env: Record<string, string> = {}) => {
      const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
      children.push(child);
      child.stdout.on('data', (d) => logs.push(String(d)));
      child.stderr.on('data', (d) => logs.push(String(d)));
    };
    run(alertmanagerBin, [
      `--config.file=${path.join(dir, 'alertmanager.yml')}`,
      `--storage.path=${path.join(dir, 'am-data')}`,
      `--web.listen-address=127.0.0.1:${amPort}`,
      '--cluster.listen-address=',
    ]);
    const prometheusUrls: string[] = [];
    for (let i = 0; i < config.prometheus.replicas; i++) {
      const port = await freePort();
      prometheusUrls.push(`http://127.0.0.1:${port}`);
      // The pod name the StatefulSet gives each replica, for the `replica` external label (Prometheus 3
      // expands environment variables in external labels).
      run(
        prometheusBin,
        [
          `--config.file=${path.join(dir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${path.join(dir, `prom-data-${i}`)}`,
          `--web.listen-address=127.0.0.1:${port}`,
        ],
        { POD_NAME: `prometheus-${i}` },
      );
    }
    await waitFor('Alertmanager to be ready', async () =>
      (await fetch(`${alertmanagerUrl}/-/ready`)).ok ? true : undefined,
    );
    for (const url of prometheusUrls)
      await waitFor(`Prometheus ${url} to be ready`, async () =>
        (await fetch(`${url}/-/ready`)).ok ? true : undefined,
      );
    return { breaching, healthy, prometheusUrls, alertmanagerUrl, received, logs, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Waits for critical_cpu_usage at the critical receiver's webhook; on timeout, shows what arrived and the logs. */
function criticalDelivery(stack: LocalStack): Promise<Received> {
  return waitFor('critical_cpu_usage at the webhook', () =>
    stack.received.find(
      (r) =>
        r.path === '/webhook/critical' &&
        r.body.alerts?.some((a) => a.labels.alertname === 'critical_cpu_usage' && a.status === 'firing'),
    ),
  ).catch((e: Error) => {
    throw new Error(
      `${e.message}\nreceived: ${JSON.stringify(stack.received)}\nlogs:\n${stack.logs.join('').slice(-4000)}`,
    );
  });
}

describe('Prometheus → Alertmanager → receiver, with the real binaries', () => {
  let stack: LocalStack | undefined;
  const started = Date.now();
  beforeAll(async () => {
    if (prometheusBin && alertmanagerBin) stack = await startLocalStack('dev', prometheusBin, alertmanagerBin);
  }, WAIT_MS + 10_000);
  afterAll(async () => stack?.stop());

  test(
    'a breaching series fires its alert, which reaches the critical receiver with the expected labels',
    async () => {
      const { breaching } = stack!;
      const delivery = await criticalDelivery(stack!);
      expect(delivery.body.receiver).toBe('critical');
      expect(delivery.body.alerts!.map((a) => a.labels)).toEqual([
        {
          alertname: 'critical_cpu_usage',
          severity: 'critical',
          instance: breaching,
          job: 'agents',
          cluster: 'agents',
          environment: 'dev',
        },
      ]);
      expect(delivery.body.alerts![0]!.annotations.description).toBe(
        `CPU usage on ${breaching} is 95.0% (threshold 90%).`,
      );
      // The same receiver's PagerDuty integration got it too.
      await waitFor('the PagerDuty event', () => stack!.received.find((r) => r.path === '/pagerduty/critical'));
      console.log(`end-to-end alert delivered ${Date.now() - started} ms after the binaries were started`);
    },
    WAIT_MS + 10_000,
  );

  test('the healthy series fires nothing, and nothing else fires', async () => {
    const { breaching, healthy, prometheusUrls, alertmanagerUrl, received } = stack!;
    const alerts = (await getJson(`${prometheusUrls[0]}/api/v1/alerts`)) as {
      data: { alerts: Array<{ labels: Record<string, string>; state: string }> };
    };
    expect(
      alerts.data.alerts
        .map((a) => [a.labels.alertname, a.labels.instance, a.state])
        .sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
    ).toEqual([
      ['Watchdog', undefined, 'firing'],
      ['critical_cpu_usage', breaching, 'firing'],
    ]);
    const healthySeries = (await getJson(
      `${prometheusUrls[0]}/api/v1/query?query=${encodeURIComponent(`multiagents_system_cpu_percent{instance="${healthy}"}`)}`,
    )) as { data: { result: unknown[] } };
    expect(healthySeries.data.result).toHaveLength(1);
    const amAlerts = await waitFor('both alerts at Alertmanager', async () => {
      const held = (await getJson(`${alertmanagerUrl}/api/v2/alerts`)) as Array<{ labels: Record<string, string> }>;
      return held.some((a) => a.labels.alertname === 'Watchdog') ? held : undefined;
    });
    expect(amAlerts.map((a) => a.labels.alertname).sort()).toEqual(['Watchdog', 'critical_cpu_usage']);
    expect(amAlerts.find((a) => a.labels.alertname === 'critical_cpu_usage')!.labels.instance).toBe(breaching);
    expect(received.flatMap((r) => r.body.alerts ?? []).filter((a) => a.labels.instance === healthy)).toEqual([]);
  });

  test(
    "the Watchdog reaches the dead man's switch alone, again every interval, and no other receiver",
    async () => {
      const { received } = stack!;
      const pings = () => received.filter((r) => r.path === '/webhook/watchdog');
      await waitFor('two Watchdog pings', () => (pings().length >= 2 ? true : undefined));
      for (const ping of pings()) {
        expect(ping.body.receiver).toBe('watchdog');
        expect(ping.body.alerts!.map((a) => [a.labels.alertname, a.labels.severity, a.status])).toEqual([
          ['Watchdog', 'none', 'firing'],
        ]);
      }
      const elsewhere = received.filter(
        (r) => r.path !== '/webhook/watchdog' && (r.body.alerts ?? []).some((a) => a.labels.alertname === 'Watchdog'),
      );
      expect(elsewhere).toEqual([]);
    },
    WAIT_MS + 10_000,
  );
});

describe('the production HA pair, with the real binaries', () => {
  let stack: LocalStack | undefined;
  beforeAll(async () => {
    if (prometheusBin && alertmanagerBin) stack = await startLocalStack('production', prometheusBin, alertmanagerBin);
  }, WAIT_MS + 10_000);
  afterAll(async () => stack?.stop());

  test(
    'both replicas fire the alert and Alertmanager delivers it once, without the replica label',
    async () => {
      const { breaching, prometheusUrls, alertmanagerUrl } = stack!;
      expect(prometheusUrls).toHaveLength(2);
      const delivery = await criticalDelivery(stack!);
      expect(delivery.body.alerts!.map((a) => a.labels)).toEqual([
        {
          alertname: 'critical_cpu_usage',
          severity: 'critical',
          instance: breaching,
          job: 'agents',
          cluster: 'agents',
          environment: 'production',
        },
      ]);
      // The replicas label their series apart (federation shows external labels) ...
      for (const [i, url] of prometheusUrls.entries()) {
        const federated = await (
          await fetch(`${url}/federate?match[]=${encodeURIComponent('up{job="agents"}')}`)
        ).text();
        expect(federated).toContain(`replica="prometheus-${i}"`);
      }
      // ... both send the alert, and Alertmanager holds it once: the replica label was dropped.
      for (const url of prometheusUrls) {
        await waitFor(`${url} to send the alert`, async () => {
          const metrics = await (await fetch(`${url}/metrics`)).text();
          const sent = /^prometheus_notifications_sent_total\{[^}]*\} (\d+)/m.exec(metrics);
          return sent && Number(sent[1]) > 0 ? true : undefined;
        });
      }
      // Each alert once (the Watchdog too, which each replica's rule groups send on their own schedule),
      // without the replica label.
      const amAlerts = await waitFor('both alerts at Alertmanager', async () => {
        const held = (await getJson(`${alertmanagerUrl}/api/v2/alerts`)) as Array<{ labels: Record<string, string> }>;
        return held.some((a) => a.labels.alertname === 'Watchdog') ? held : undefined;
      });
      expect(amAlerts.map((a) => a.labels.alertname).sort()).toEqual(['Watchdog', 'critical_cpu_usage']);
      expect(amAlerts.filter((a) => a.labels.replica !== undefined)).toEqual([]);
    },
    WAIT_MS + 10_000,
  );
});
