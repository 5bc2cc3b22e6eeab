/**
 * node-exporter as rendered, judged by the real binaries: the judged node_exporter runs with the
 * DaemonSet's own arguments and web config (host paths mapped to this machine's /proc, /sys and /,
 * certificates from a throwaway CA), and the real Prometheus scrapes it with the rendered
 * `node-exporter` job (its pod discovery turned into one static target carrying the pod role's labels,
 * as test/e2e/pipeline.ts does). Every series the node alerts read must arrive with exactly its
 * catalogued labels and the job's, and each alert's expression must evaluate to a value.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { HOST } from '../../constructs/node-exporter';
import { NODE_EXPORTER } from '../../rules/catalog';
import { activeRuleGroups } from '../../rules';
import { isAlertRule } from '../../rules/types';
import { DELIVERY_LABELS } from '../../src/lib/metric-labels';
import { resolveConfig } from '../../src/config/loader';
import { configMapData, find, synthStack } from '../helpers';
import { placeTlsFiles, writeTestPki } from '../tls-fixture';
import { requireTool } from '../tools';
import { podTarget } from './pipeline';
import { freePort, getJson, stopProcess, waitFor, WAIT_MS } from './support';

const nodeExporterBin = requireTool('node_exporter');
const prometheusBin = requireTool('prometheus');
const NODE = 'worker-1';

interface Series {
  metric: Record<string, string>;
  value: [number, string];
}

describe('node-exporter, with the real node_exporter and Prometheus', () => {
  const config = resolveConfig({ prometheus: { scrapeInterval: '1s' } });
  const { files, parts } = synthStack(config);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-o11y-node-'));
  const children: ChildProcess[] = [];
  const logs: string[] = [];
  let exporterPort = 0;
  let prometheusUrl = '';
  const pki = path.join(dir, 'pki');

  const query = async (promql: string): Promise<Series[]> =>
    (
      (await getJson(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`)) as {
        data: { result: Series[] };
      }
    ).data.result;

  const run = (bin: string, args: string[]) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    child.stdout.on('data', (d) => logs.push(String(d)));
    child.stderr.on('data', (d) => logs.push(String(d)));
  };

  beforeAll(async () => {
    const daemonSet = find(files['node-exporter'], 'DaemonSet', 'node-exporter') as any;
    const template = daemonSet.spec.template;
    const certificate = find(files['node-exporter'], 'Certificate', 'node-exporter-tls') as any;
    writeTestPki(pki, { 'node-exporter': certificate.spec.dnsNames, prometheus: ['prometheus'] });

    // node_exporter: the rendered arguments, with this machine's paths and a local address.
    exporterPort = await freePort();
    const webConfig = path.join(dir, 'web.yml');
    fs.writeFileSync(
      webConfig,
      placeTlsFiles(configMapData(files['node-exporter'], 'node-exporter', 'web.yml'), path.join(pki, 'node-exporter')),
    );
    const local: Record<string, string> = { [HOST.proc]: '/proc', [HOST.sys]: '/sys', [HOST.root]: '/' };
    const args = (template.spec.containers[0].args as string[]).map((arg) => {
      const [flag, value = ''] = arg.split(/=(.*)/s);
      if (flag === '--web.listen-address') return `${flag}=127.0.0.1:${exporterPort}`;
      if (flag === '--web.config.file') return `${flag}=${webConfig}`;
      return value in local ? `${flag}=${local[value]}` : arg;
    });
    run(nodeExporterBin, args);

    // Prometheus: the rendered job, its client certificate from the same CA, one static target.
    const rendered = yaml.load(configMapData(files.prometheus, 'prometheus', 'prometheus.yml')) as Record<string, any>;
    const job = (rendered.scrape_configs as Array<Record<string, any>>).find((j) => j.job_name === 'node-exporter')!;
    delete job.kubernetes_sd_configs;
    const target = podTarget(
      `127.0.0.1:${exporterPort}`,
      {
        name: 'node-exporter-7xk2p',
        namespace: parts.nodeExporter!.namespace,
        container: 'node-exporter',
        labels: template.metadata.labels,
      },
      { name: 'metrics', number: parts.nodeExporter!.port('metrics').port },
    );
    job.static_configs = [{ ...target, labels: { ...target.labels, __meta_kubernetes_pod_node_name: NODE } }];
    fs.writeFileSync(
      path.join(dir, 'prometheus.yml'),
      placeTlsFiles(
        yaml.dump({ global: { scrape_interval: '1s', evaluation_interval: '1s' }, scrape_configs: [job] }),
        path.join(pki, 'prometheus'),
      ),
    );
    const port = await freePort();
    prometheusUrl = `http://127.0.0.1:${port}`;
    run(prometheusBin, [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ]);
    await waitFor('the first scrape of node-exporter', async () => {
      const up = await query('up{job="node-exporter"}');
      return up[0]?.value[1] === '1' ? true : undefined;
    }).catch((e: Error) => {
      throw new Error(`${e.message}\nlogs:\n${logs.join('').slice(-4000)}`);
    });
  }, WAIT_MS + 10_000);

  afterAll(async () => {
    await Promise.all(children.map(stopProcess));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('refuses a client without a certificate from the stack CA', async () => {
    const error = await new Promise<Error | undefined>((resolve) => {
      const req = https.get(
        { host: '127.0.0.1', port: exporterPort, path: '/metrics', ca: fs.readFileSync(path.join(pki, 'ca.crt')) },
        (res) => resolve(res.statusCode === 200 ? undefined : new Error(`HTTP ${res.statusCode}`)),
      );
      req.on('error', resolve);
    });
    expect(error).toBeDefined();
  });

  test.each(NODE_EXPORTER.metrics.map((m): [string, readonly string[]] => [m.name, m.labels]))(
    '%s arrives with exactly its catalogued labels and the job’s',
    async (name, own) => {
      const series = await query(`${name}{job="node-exporter"}`);
      expect(series.length).toBeGreaterThan(0);
      const expected = [...own, ...DELIVERY_LABELS.scrape, 'node', '__name__'].sort();
      for (const s of series) expect(Object.keys(s.metric).sort()).toEqual(expected);
      expect(series[0]!.metric).toMatchObject({ namespace: parts.nodeExporter!.namespace, node: NODE });
    },
  );

  test.each(
    activeRuleGroups(config)
      .stack!.filter((g) => g.name === 'nodes')
      .flatMap((g) => g.rules.filter(isAlertRule))
      .map((r): [string, string] => [r.alert, r.expr]),
  )('%s evaluates on the real series: its measure has a value for this machine', async (_alert, expr) => {
    // The alert's measure without its threshold: what it compares is there for a real node.
    const measure = expr.replace(/\s*[<>]=?\s*[\d.]+(\s*\nand[\s\S]*)?$/, '$1');
    expect(measure).not.toBe(expr);
    const series = await query(measure);
    expect(series.length).toBeGreaterThan(0);
    for (const s of series) {
      const value = Number(s.value[1]);
      expect(value >= 0 && value <= 1).toBe(true);
      expect(s.metric.node).toBe(NODE);
    }
  });
});
