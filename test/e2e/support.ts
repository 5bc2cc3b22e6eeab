/**
 * What the end-to-end tests share: free ports on 127.0.0.1, waiting with a deadline, child processes
 * that are always stopped, and the one place where a rendered alertmanager.yml is pointed at local
 * receivers.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as net from 'net';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { DEFAULTS } from '../../src/config';
import { resolveConfig } from '../../src/config/loader';
import { StackConfig } from '../../src/config/types';
import type { MetricCatalog } from '../../rules/catalog';
import { placeTlsFiles } from '../tls-fixture';

export const WAIT_MS = 60_000;

/**
 * Ports handed out by this process, never twice. They come from below Linux's ephemeral range
 * (32768-60999): a port from that range (what `listen(0)` gives) is also what the kernel picks for
 * the outgoing connections of the processes under test, so one of their many reconnects could take
 * it between this check and the server binding it.
 */
const handedOut = new Set<number>();

function tryListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.on('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A port that was free on 127.0.0.1 a moment ago, below the ephemeral range and not handed out before. */
/** An argument list with the flags named in `values` given those values (a rendered command line, moved to loopback). */
export function withFlags(args: readonly string[], values: Record<string, string>): string[] {
  return args.map((arg) => {
    const flag = arg.split('=')[0]!;
    return flag in values ? `${flag}=${values[flag]}` : arg;
  });
}

export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    if (handedOut.has(port)) continue;
    if (await tryListen(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('no free port between 20000 and 32000 on 127.0.0.1');
}

/** An HTTP server on a free port of 127.0.0.1. */
export function listen(handler: http.RequestListener): Promise<{ server: http.Server; port: number }> {
  return new Promise((resolve) => {
    const server = http.createServer(handler);
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as net.AddressInfo).port }));
  });
}

export async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

/** Polls `check` until it returns a value, or fails after `ms` naming what it waited for. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  ms = WAIT_MS,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch {
      // Not up yet.
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** SIGTERM, then SIGKILL after 10 s; resolves when the process has exited. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(
    () => child.pid !== undefined && child.exitCode === null && process.kill(child.pid, 'SIGKILL'),
    10_000,
  );
  await exited;
  clearTimeout(timer);
}

/** Child processes that share one log, each stoppable alone, all stopped by `stopAll` whatever happened. */
export class Processes {
  private readonly children = new Set<ChildProcess>();
  readonly logs: string[] = [];

  start(name: string, bin: string, args: string[], env: Record<string, string> = {}, cwd?: string): ChildProcess {
    const child = spawn(bin, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    });
    this.children.add(child);
    const log = (d: Buffer) =>
      this.logs.push(
        ...String(d)
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => `[${name}] ${l}\n`),
      );
    child.stdout.on('data', log);
    child.stderr.on('data', log);
    child.on('exit', (code, signal) => this.logs.push(`[${name}] exited ${code ?? signal}\n`));
    return child;
  }

  async stop(child: ChildProcess): Promise<void> {
    await stopProcess(child);
    this.children.delete(child);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.children].map((c) => this.stop(c)));
  }

  /** The last `chars` characters of the shared log (only lines matching `only`, if given), for failure messages. */
  tail(chars = 6000, only?: RegExp): string {
    return this.logs
      .filter((l) => only === undefined || only.test(l))
      .join('')
      .slice(-chars);
  }
}

/**
 * The stack config of the end-to-end tests: the MultiAgents pack, 1 s scrape and evaluation, 3 s `for:`
 * on critical_cpu_usage, 1 s grouping, and a webhook beside the critical receiver's PagerDuty so the
 * alert's labels can be read exactly; `overrides` (profile, collector, ...) on top.
 */
export function fastAlertingConfig(overrides: Record<string, unknown> = {}): StackConfig {
  return resolveConfig({
    platforms: ['multiagents'],
    prometheus: { scrapeInterval: '1s', evaluationInterval: '1s' },
    alerts: { for: { critical_cpu_usage: '3s' } },
    alertmanager: {
      route: { ...DEFAULTS.alertmanager.route, groupWait: '1s', groupInterval: '1s' },
      receivers: DEFAULTS.alertmanager.receivers.map((r) =>
        r.name === 'critical'
          ? { ...r, webhook: [{ url: { secretName: 'alertmanager-receivers', key: 'critical-webhook-url' } }] }
          : r,
      ),
      deadMansSwitch: {
        webhook: { url: { secretName: 'alertmanager-receivers', key: 'watchdog-webhook-url' } },
        interval: '2s',
      },
    },
    ...overrides,
  });
}

/** A received webhook call. */
export interface Received {
  path: string;
  body: {
    receiver?: string;
    status?: string;
    alerts?: Array<{ status: string; labels: Record<string, string>; annotations: Record<string, string> }>;
  } & Record<string, unknown>;
}

/** An HTTP server recording every JSON body it is sent. */
export async function recordingSink(): Promise<{ server: http.Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const { server, port } = await listen((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(body || '{}') });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{}');
    });
  });
  return { server, url: `http://127.0.0.1:${port}`, received };
}

/**
 * The rendered alertmanager.yml with every destination local, and nothing else changed: `*_file`
 * credentials point at files in `dir` (webhook and Slack URLs lead to `sinkUrl/<kind>/<receiver>`),
 * PagerDuty and Opsgenie URLs to the sink, SMTP to `closedPort` on 127.0.0.1.
 */
export function localAlertmanagerConfig(rendered: string, dir: string, sinkUrl: string, closedPort: number): string {
  const am = yaml.load(rendered) as { receivers: Array<Record<string, unknown>> };
  const secretFile = (name: string, content: string) => {
    const file = path.join(dir, 'secrets', name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
    return file;
  };
  for (const receiver of am.receivers) {
    const name = receiver.name as string;
    for (const c of (receiver.webhook_configs ?? []) as Array<Record<string, unknown>>)
      c.url_file = secretFile(`${name}-webhook`, `${sinkUrl}/webhook/${name}`);
    for (const c of (receiver.slack_configs ?? []) as Array<Record<string, unknown>>)
      c.api_url_file = secretFile(`${name}-slack`, `${sinkUrl}/slack/${name}`);
    for (const c of (receiver.pagerduty_configs ?? []) as Array<Record<string, unknown>>) {
      c.routing_key_file = secretFile(`${name}-pagerduty`, 'e2e-routing-key');
      c.url = `${sinkUrl}/pagerduty/${name}`;
    }
    for (const c of (receiver.opsgenie_configs ?? []) as Array<Record<string, unknown>>) {
      c.api_key_file = secretFile(`${name}-opsgenie`, 'e2e-api-key');
      c.api_url = `${sinkUrl}/opsgenie/${name}/`;
    }
    for (const c of (receiver.email_configs ?? []) as Array<Record<string, unknown>>) {
      c.smarthost = `127.0.0.1:${closedPort}`;
      if (c.auth_password_file) c.auth_password_file = secretFile(`${name}-smtp`, 'e2e-password');
    }
  }
  return yaml.dump(am);
}

/** One sample of the text exposition format. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples and `# TYPE`s of a text-format exposition. */
export function parseExposition(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1]!, type[2]!);
    const sample = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!sample) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (sample[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
      labels[key!] = value!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    samples.push({ name: sample[1]!, labels, value: Number(sample[3]) });
  }
  return { samples, types };
}

/**
 * One test per metric of a catalogue: the real program serves it (at least one series) as the
 * catalogue's type, every series with exactly its catalogued labels. `exposition` gives what the
 * source's `beforeAll` scraped.
 */
export function catalogArrivalTests(
  catalog: MetricCatalog,
  exposition: () => { samples: readonly Sample[]; types: ReadonlyMap<string, string> },
): void {
  test.each(catalog.metrics.map((m): [string, string, readonly string[]] => [m.name, m.type, m.labels]))(
    '%s arrives as a %s with exactly its catalogued labels',
    (name, type, labels) => {
      const { samples, types } = exposition();
      const series = samples.filter((s) => s.name === name);
      expect(series.length).toBeGreaterThan(0);
      for (const s of series) expect(Object.keys(s.labels).sort()).toEqual([...labels].sort());
      expect(types.get(name)).toBe(type);
    },
  );
}

/** GET over TLS with the given client certificate files (or none); resolves to the body of a 200. */
export function httpsGet(
  port: number,
  pathname: string,
  ca: string,
  client?: { cert: string; key: string },
): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = https.get(
      {
        host: '127.0.0.1',
        port,
        path: pathname,
        ca: fs.readFileSync(ca),
        ...(client && { cert: fs.readFileSync(client.cert), key: fs.readFileSync(client.key) }),
      },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`HTTP ${res.statusCode}`))));
      },
    );
    req.on('error', reject);
  });
}

/**
 * Starts the real Prometheus on 127.0.0.1 scraping `jobs` every second (a rendered job with its
 * discovery made static), with its client certificate from `tlsDir` in place of the pod's; resolves to
 * its URL. The process belongs to `processes`, which stops it.
 */
export async function startLocalPrometheus(
  processes: Processes,
  bin: string,
  dir: string,
  jobs: readonly unknown[],
  tlsDir: string,
): Promise<string> {
  const config = path.join(dir, 'prometheus.yml');
  fs.writeFileSync(
    config,
    placeTlsFiles(yaml.dump({ global: { scrape_interval: '1s' }, scrape_configs: jobs }), tlsDir),
  );
  const port = await freePort();
  processes.start('prometheus', bin, [
    `--config.file=${config}`,
    `--storage.tsdb.path=${path.join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
  ]);
  return `http://127.0.0.1:${port}`;
}
