/**
 * The rendered scrape limits, judged by the real Prometheus: each job keeps its rendered
 * `sample_limit`, `label_limit` and `label_value_length_limit`; only its pod discovery becomes static
 * targets carrying the pod role's labels (as test/e2e/pipeline.ts does), so the relabelling is the
 * rendered one too. A series with exactly `scrapeLimits.labels` labels of its own (and `le`) fits; one
 * more label, one more series, or a longer value fails the target's whole scrape.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { resolveConfig } from '../../src/config/loader';
import { configMapData, synthStack } from '../helpers';
import { requireTool } from '../tools';
import { podTarget } from './pipeline';
import { freePort, getJson, listen, stopProcess, waitFor, WAIT_MS } from './support';

const prometheusBin = requireTool('prometheus');
const LABELS = 10;

/** `count` series of a histogram bucket, each with `own` labels of its own and `le`, values `valueLength` long. */
function exposition(own: number, count: number, valueLength = 8): string {
  const labels = Array.from({ length: own }, (_, i) => `l${i}="${'v'.repeat(valueLength)}"`).join(',');
  const series = Array.from({ length: count }, (_, i) => `limits_test_bucket{${labels},le="${i}"} 1`);
  return `# TYPE limits_test histogram\n${series.join('\n')}\n`;
}

/** Each job: what its server serves and whether the real Prometheus takes the scrape. */
const JOBS: Record<string, { body: string; up: '1' | '0'; error?: RegExp }> = {
  'at-the-limits': { body: exposition(LABELS, 3, 32), up: '1' },
  'one-label-more': { body: exposition(LABELS + 1, 1), up: '0', error: /label_limit exceeded/ },
  'one-series-more': { body: exposition(1, 4), up: '0', error: /sample limit exceeded/ },
  'one-character-more': {
    body: exposition(1, 1, 33),
    up: '0',
    error: /label_value_length_limit exceeded.*label name: l0/,
  },
};

describe('scrape limits, with the real Prometheus', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-o11y-limits-'));
  const servers: http.Server[] = [];
  let child: ChildProcess | undefined;
  let url = '';
  const logs: string[] = [];

  beforeAll(async () => {
    const config = resolveConfig({
      prometheus: {
        scrapeInterval: '1s',
        scrapeLimits: {
          labels: LABELS,
          // Prometheus counts the metric name as a label value too: limits_test_bucket is 18.
          labelValueLength: 32,
          jobs: { 'at-the-limits': { samples: 3 }, 'one-series-more': { samples: 3 } },
        },
      },
      scrapeTargets: Object.keys(JOBS).map((job) => ({
        job,
        namespace: 'apps',
        port: 8080,
        matchLabels: { app: job },
      })),
    });
    const rendered = yaml.load(
      configMapData(synthStack(config).files.prometheus, 'prometheus', 'prometheus.yml'),
    ) as Record<string, any>;
    const jobs = (rendered.scrape_configs as Array<Record<string, any>>).filter((j) => j.job_name in JOBS);
    for (const job of jobs) {
      const { server, port } = await listen((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
        res.end(JOBS[job.job_name as string]!.body);
      });
      servers.push(server);
      delete job.kubernetes_sd_configs;
      const pod = { name: `${job.job_name}-0`, namespace: 'apps', container: 'app', labels: { app: job.job_name } };
      job.static_configs = [podTarget(`127.0.0.1:${port}`, pod, { number: 8080 })];
    }
    fs.writeFileSync(
      path.join(dir, 'prometheus.yml'),
      yaml.dump({ global: { scrape_interval: '1s', evaluation_interval: '1s' }, scrape_configs: jobs }),
    );
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    child = spawn(
      prometheusBin,
      [
        `--config.file=${path.join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.on('data', (d) => logs.push(String(d)));
    child.stderr!.on('data', (d) => logs.push(String(d)));
  }, WAIT_MS);

  afterAll(async () => {
    if (child) await stopProcess(child);
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test.each(Object.entries(JOBS))(
    '%s: the scrape is taken or refused as the rendered limits say',
    async (job, { up, error }) => {
      const target = await waitFor(`a scrape of ${job}`, async () => {
        const targets = (await getJson(`${url}/api/v1/targets`)) as {
          data: { activeTargets: Array<{ labels: Record<string, string>; health: string; lastError: string }> };
        };
        return targets.data.activeTargets.find((t) => t.labels.job === job && t.health !== 'unknown');
      }).catch((e: Error) => {
        throw new Error(`${e.message}\nlogs:\n${logs.join('').slice(-3000)}`);
      });
      expect(target.health).toBe(up === '1' ? 'up' : 'down');
      if (error) expect(target.lastError).toMatch(error);
      else expect(target.lastError).toBe('');
      const series = (await getJson(`${url}/api/v1/query?query=${encodeURIComponent(`up{job="${job}"}`)}`)) as {
        data: { result: Array<{ value: [number, string] }> };
      };
      expect(series.data.result.map((r) => r.value[1])).toEqual([up]);
    },
    WAIT_MS,
  );
});
