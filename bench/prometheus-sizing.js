#!/usr/bin/env node
// The Prometheus sizing bench (docs/sizing.md): how many series, and so samples per second, one
// Prometheus replica holds at the stack's default resources and scrape interval, measured with the
// real Prometheus (the judge build, the version the stack deploys) on this machine.
//
// Method: Prometheus runs with the rendered command line of the default config (its data directory
// and listen address moved to a temp dir and loopback, no web TLS), GOMAXPROCS at the CPU limit and
// GOMEMLIMIT at 90% of the memory limit (what Prometheus 3 sets itself from the container's cgroup).
// It scrapes generated targets at the default interval; each step adds targets until the series
// reach the next count of STEPS. After each step has run for two scrape intervals (and 15 s) the bench reads
// Prometheus' head series, its append rate, the longest scrape, and the process' RSS, peak RSS and
// CPU (from /proc). It stops at the first step whose peak RSS passes the memory limit or whose
// scrapes take longer than the interval (ingestion falling behind). `npm run build` first (it reads
// the defaults from lib/).
//
//   node bench/prometheus-sizing.js [series per step, comma-separated]   e.g. 250000,500000,750000
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
/* global fetch */

const root = path.join(__dirname, '..');
const { resolveConfig } = require(path.join(root, 'lib', 'src', 'config', 'loader'));
const { stackApp } = require(path.join(root, 'lib', 'app', 'stack'));
const { durationSeconds } = require(path.join(root, 'lib', 'src', 'config', 'duration'));
const { quantityAmount } = require(path.join(root, 'lib', 'src', 'lib', 'quantity'));

const STEPS = (process.argv[2] ?? '250000,500000,750000,1000000').split(',').map(Number);
/** Series per target: a large app's /metrics, or the gateway's exporter (many apps through one target). */
const PER_TARGET = 50000;
const prometheusBin = process.env.PROMETHEUS ?? path.join(root, '.tools', 'bin', 'prometheus');

const config = resolveConfig({});
const { parts } = stackApp(config);
const prom = config.prometheus;
const interval = durationSeconds(prom.scrapeInterval);
const memLimit = quantityAmount(prom.resources.limits.memory);
const cpuLimit = Number(prom.resources.limits.cpu ?? os.cpus().length);

/**
 * One target's exposition: PER_TARGET series of a few agent-platform-like metric names and labels
 * (namespace, pod, agent_type, tool, status), counters that move every scrape.
 */
function exposition(target, scrape) {
  const names = [
    'agent_tool_calls_total',
    'agent_llm_tokens_total',
    'agent_task_duration_seconds_sum',
    'agent_errors_total',
  ];
  const tools = ['search', 'browse', 'code', 'sql', 'email', 'calendar', 'files', 'shell'];
  const lines = [];
  for (let i = 0; i < PER_TARGET; i++) {
    const n = target * PER_TARGET + i;
    lines.push(
      `${names[n % 4]}{namespace="team-${n % 37}",pod="agent-${Math.floor(n / 40)}-x7k2p",agent_type="type-${n % 11}",tool="${tools[n % 8]}",status="${n % 5 ? 'ok' : 'error'}"} ${scrape * (1 + (n % 7))}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-o11y-prometheus-sizing-'));
  const scrapes = new Map();
  const server = http.createServer((req, res) => {
    const target = Number(/\/t\/(\d+)/.exec(req.url)?.[1] ?? 0);
    const n = (scrapes.get(target) ?? 0) + 1;
    scrapes.set(target, n);
    res.setHeader('Content-Type', 'text/plain; version=0.0.4');
    res.end(exposition(target, n));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  const sd = path.join(dir, 'targets.json');
  const writeTargets = (count) =>
    fs.writeFileSync(
      sd,
      JSON.stringify(
        Array.from({ length: count }, (_, t) => ({
          targets: [`127.0.0.1:${port}`],
          labels: { __metrics_path__: `/t/${t}`, target: String(t) },
        })),
      ),
    );
  writeTargets(0);
  // The rendered global section and limits; the jobs are the bench's. The per-target sample limit is
  // the default config's: the targets stay under it.
  const rendered = parts.prometheus.configFile;
  fs.writeFileSync(
    path.join(dir, 'prometheus.yml'),
    JSON.stringify({
      global: rendered.global,
      scrape_configs: [
        {
          job_name: 'bench',
          file_sd_configs: [{ files: [sd], refresh_interval: '5s' }],
          sample_limit: prom.scrapeLimits.samples > PER_TARGET ? prom.scrapeLimits.samples : PER_TARGET,
        },
        { job_name: 'prometheus', scrape_interval: '5s', static_configs: [{ targets: ['127.0.0.1:0'] }] },
      ],
    }),
  );
  const webPort = await new Promise((r) => {
    const s = http.createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => r(p));
    });
  });
  // Its own /metrics on the listen address.
  const cfg = JSON.parse(fs.readFileSync(path.join(dir, 'prometheus.yml'), 'utf8'));
  cfg.scrape_configs[1].static_configs[0].targets = [`127.0.0.1:${webPort}`];
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), JSON.stringify(cfg));

  const statefulSet = parts.prometheus.node.findChild('Resource');
  const args = statefulSet.toJson().spec.template.spec.containers.find((c) => c.name === 'prometheus').args;
  const localArgs = args
    .filter((a) => !a.startsWith('--web.config.file'))
    .map((a) =>
      a.startsWith('--config.file=')
        ? `--config.file=${path.join(dir, 'prometheus.yml')}`
        : a.startsWith('--storage.tsdb.path=')
          ? `--storage.tsdb.path=${path.join(dir, 'data')}`
          : a.startsWith('--web.listen-address=')
            ? `--web.listen-address=127.0.0.1:${webPort}`
            : a.startsWith('--log.level=')
              ? '--log.level=warn'
              : a,
    );
  const child = spawn(prometheusBin, localArgs, {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      PATH: process.env.PATH,
      GOMAXPROCS: String(Math.max(1, Math.round(cpuLimit))),
      GOMEMLIMIT: `${Math.floor((memLimit * 0.9) / 1024 ** 2)}MiB`,
    },
  });
  const query = async (q) => {
    const res = await fetch(`http://127.0.0.1:${webPort}/api/v1/query?query=${encodeURIComponent(q)}`);
    const body = await res.json();
    return Number(body.data.result[0]?.value[1] ?? NaN);
  };
  const proc = () => {
    const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)[1]) * 1024;
    const stat = fs.readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    const ticks = Number(stat[11]) + Number(stat[12]);
    return { rss: kb('VmRSS'), peak: kb('VmHWM'), cpuSeconds: ticks / 100 };
  };
  const sleep = (s) => new Promise((r) => setTimeout(r, s * 1000));
  await sleep(5);

  console.log(
    `Prometheus ${prometheusBin}; limits ${cpuLimit} CPU, ${prom.resources.limits.memory}; scrape interval ${prom.scrapeInterval}; ` +
      `${os.cpus().length} cores (${os.cpus()[0].model}), load ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
  );
  console.log('series\thead series\tsamples/s\tRSS MiB\tpeak RSS MiB\tCPU cores\tlongest scrape s');
  const rows = [];
  try {
    for (const step of STEPS) {
      writeTargets(Math.ceil(step / PER_TARGET));
      const before = proc();
      const t0 = Date.now();
      await sleep(2 * interval + 15);
      const after = proc();
      const row = {
        series: step,
        head: await query('prometheus_tsdb_head_series'),
        samplesPerSecond: await query(`rate(prometheus_tsdb_head_samples_appended_total[${2 * interval}s])`),
        rssMiB: after.rss / 1024 ** 2,
        peakMiB: after.peak / 1024 ** 2,
        cpu: (after.cpuSeconds - before.cpuSeconds) / ((Date.now() - t0) / 1000),
        scrape: await query(`max(max_over_time(scrape_duration_seconds{job="bench"}[${2 * interval}s]))`),
      };
      rows.push(row);
      console.log(
        [
          row.series,
          row.head,
          row.samplesPerSecond.toFixed(0),
          row.rssMiB.toFixed(0),
          row.peakMiB.toFixed(0),
          row.cpu.toFixed(2),
          row.scrape.toFixed(2),
        ].join('\t'),
      );
      if (after.peak > memLimit || row.scrape > interval) {
        console.log(
          after.peak > memLimit
            ? 'stopped: peak RSS past the memory limit'
            : 'stopped: scrapes longer than the interval',
        );
        break;
      }
    }
  } finally {
    child.kill('SIGTERM');
    server.close();
    await sleep(2);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  fs.writeFileSync(path.join(os.tmpdir(), 'prometheus-sizing.json'), JSON.stringify(rows, null, 2));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
