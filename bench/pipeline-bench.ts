/**
 * Pipeline speed: spans per second through the rendered gateway config against a pass-through config
 * on the same collector binary. Rendered: the production gateway as one replica (`memory_limiter`,
 * `tail_sampling` keeping errors, slow traces and 1% of the rest, `transform/redact` on what it keeps,
 * `resource`, `batch`, the persistent Jaeger queue; 2 cores, 1Gi), and the dev one (every trace kept,
 * so every span redacted and exported; 1 core, 512Mi). Pass-through: the production config with the
 * traces pipeline cut down to `batch` (same receiver, exporter, queue, extensions and telemetry).
 * Optionally production's two-replica config, whose `traces/route` pipeline sends each span by trace
 * ID to the replica that samples it.
 *
 * Everything runs on 127.0.0.1: the judged collector (.tools/bin/otelcol) with the rendered config
 * changed only as test/e2e/pipeline.ts' REWRITES allow (files, listen addresses, peers: Jaeger's
 * address becomes the sink's, the sampling Service a static list), plus the pprof extension on every
 * variant (idle unless asked for a profile); the load generator and the counting sink of
 * test/judges/loadgen, over mTLS with certificates from a throwaway CA.
 *
 * Each gateway runs as in its pod: the rendered environment (GOMEMLIMIT), GOMAXPROCS from the CPU limit
 * as Go sets it in a container, and a fresh queue. The load generator sends from 4 connections as fast
 * as the gateway answers, except that it holds back while the gateway's heap is above the soft limit of
 * its memory_limiter in the pod, where the limiter would refuse the data (outside a container the
 * limiter takes the host's memory and never refuses). Throughput is counted in a window after the
 * start-up: for the pass-through, the spans the sink received in 6 s from 2 s on; with tail sampling,
 * the spans of the traces it decided (kept or dropped: done with) in 24 s from the decision wait + 2 s
 * on, since it delivers only what it keeps. Variants alternate over the rounds; the medians are reported
 * with each gateway's peak RSS (VmHWM), the CPU cores it kept busy in the window, the spans it lost, and
 * a CPU profile of the production gateway over the window of the last round, broken down with
 * `go tool pprof`.
 *
 * Run: `npm run bench:pipeline` (or `npm run bench`, after the synth bench); ~4.5 minutes. Knobs, as
 * BENCH_PIPELINE_<name>: ROUNDS (3), WINDOW and SAMPLING_WINDOW (seconds, 6 and 24), TRACE_SPANS
 * (spans per trace, 10), RATE (at most this many spans/s; 0: no limit), ROUTED=1 (add the two-replica
 * variant, ~2 minutes more), PROFILE=0 (no profile), PROFILE_OUT (keep the profile there), VERBOSE=1
 * (spans delivered per second, tail_sampling's counters), PATCH (a JSON merge patch onto the rendered
 * production config, run as one more variant: to try a change before making it).
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { durationSeconds } from '../src/config/duration';
import { resolveConfig } from '../src/config/loader';
import { cpuCores, quantityBytes } from '../src/lib/quantity';
import { configMapData, KubeObject, synthStack } from '../test/helpers';
import { podEnv } from '../test/judge';
import { localizeAddresses, LocalPod } from '../test/e2e/pipeline';
import { freePort, waitFor } from '../test/e2e/support';
import { writeTestPki } from '../test/tls-fixture';
import { findTool, TOOLS_BIN } from '../test/tools';

type Json = Record<string, unknown>;

const knob = (name: string, fallback: number) => Number(process.env[`BENCH_PIPELINE_${name}`] ?? fallback);
const ROUNDS = knob('ROUNDS', 3);
const ROUTED = knob('ROUTED', 0) !== 0;
const PROFILE = knob('PROFILE', 1) !== 0;
/** Spans per trace; traces per request = 500 / this. */
const TRACE_SPANS = knob('TRACE_SPANS', 10);
/** Spans per second the load generator offers at most (0: as fast as the gateway answers). */
const RATE = knob('RATE', 0);
/** A JSON merge patch onto the rendered (1-replica) config: runs as one more variant, to try a change. */
const PATCH = process.env.BENCH_PIPELINE_PATCH ? (JSON.parse(process.env.BENCH_PIPELINE_PATCH) as Json) : undefined;
/** Concurrent connections of the load generator: a few agents' worth. */
const SENDERS = 4;
/** Seconds over which the sink's arrivals are counted, from 2 s after the sender started. */
const WINDOW_S = knob('WINDOW', 6);
/**
 * The same for configs with tail sampling, from 2 s after its decision wait: it delivers in waves
 * (it holds spans until its memory_limiter's soft limit, the sender waits, decisions free memory, the
 * sender fills it again), so the window spans more than one wave.
 */
const SAMPLING_WINDOW_S = knob('SAMPLING_WINDOW', 24);
/** The goal: the rendered gateway keeps at least this share of the pass-through throughput. */
const GOAL_RATIO = 0.5;

const WORKLOAD = 'otel-collector';
const CONFIG_FILE = '/etc/otelcol/config.yaml';

/** Every process this bench started, stopped whatever happens. */
const children = new Set<ChildProcess>();

function start(name: string, bin: string, args: string[], env: Record<string, string>, logFile: string): ChildProcess {
  const log = fs.openSync(logFile, 'a');
  const child = spawn(bin, args, {
    stdio: ['ignore', log, log],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
  });
  fs.closeSync(log);
  children.add(child);
  child.on('exit', () => children.delete(child));
  child.on('error', (e) => console.error(`pipeline bench: ${name}: ${e.message}`));
  return child;
}

/**
 * Kills a process of the bench. A graceful stop would have a gateway first decide and export every
 * trace tail_sampling still holds, seconds of work whose result nobody reads.
 */
async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}

/** The bench's files, removed at the end whatever happens. */
let workDir: string | undefined;

async function cleanUp(): Promise<void> {
  await Promise.all([...children].map((c) => kill(c)));
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
}

/**
 * The rendered gateway config of `pod` with REWRITES' files, listen and peers changes only (pipeline.ts
 * localizeAddresses): Services at local ports (`peers`), the load_balancing resolver static.
 */
function localConfig(pod: LocalPod, peers: Record<string, number>, samplingPeers: number[]): Json {
  const config = yaml.load(pod.localizePaths(fs.readFileSync(pod.local(CONFIG_FILE), 'utf8')));
  return localizeAddresses(
    config,
    pod,
    new Map(Object.entries(peers).map(([name, port]) => [name, () => port])),
    samplingPeers,
  ) as Json;
}

type Variant = 'pass-through' | 'production' | 'dev' | 'routed' | 'patched';

/** The stack config each variant renders its gateway from. */
type ConfigName = 'production' | 'dev' | 'routed';
const VARIANT_CONFIG: Record<Variant, ConfigName> = {
  'pass-through': 'production',
  production: 'production',
  dev: 'dev',
  routed: 'routed',
  patched: 'production',
};

interface Run {
  /**
   * Spans per second the gateway(s) got through in the steady-state window: with tail sampling, the
   * spans of the traces it decided (kept or dropped: done with); without, the spans the sink received.
   */
  rate: number;
  /** Spans per second the sink received in the window. */
  delivered: number;
  /** Spans the gateway(s) lost: traces tail_sampling evicted undecided (× spans per trace), failed exports. */
  lost: number;
  sent: number;
  errors: number;
  /** Peak RSS of the (largest) gateway process, MiB. */
  rssMb: number;
  /** Peak anonymous RSS (heap, stacks: what a container cannot give back without being killed), MiB. */
  anonMb: number;
  /** CPU cores the gateway process(es) kept busy in the window. */
  cores: number;
}

/** A sample of a gateway process: CPU seconds used so far, peak RSS, current anonymous RSS. */
function sample(pid: number): { cpu: number; hwmKb: number; anonKb: number } {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command.
  const cpu = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { cpu, hwmKb: kb('VmHWM'), anonKb: kb('RssAnon') };
}

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** The sum of every sample of the counters `names` the gateway exposes (the collector omits the `_total` suffix). */
async function metricSum(port: number, names: string[]): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) =>
      names.some((n) => [`${n}{`, `${n} `, `${n}_total{`, `${n}_total `].some((prefix) => l.startsWith(prefix))),
    )
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

/** Traces tail_sampling decided, kept or not. */
const DECIDED = 'otelcol_processor_tail_sampling_global_count_traces_sampled';

/** RFC 7396 merge patch: objects merge, anything else (arrays too) replaces, null removes. */
function mergePatch(target: Json, patch: Json): void {
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete target[key];
    else if (
      typeof value === 'object' &&
      !Array.isArray(value) &&
      typeof target[key] === 'object' &&
      target[key] !== null &&
      !Array.isArray(target[key])
    )
      mergePatch(target[key] as Json, value as Json);
    else target[key] = value;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The heap at which the gateway's memory_limiter refuses data in its pod: limit minus spike, as
 * percentages of the container's memory limit. Outside the pod it would take the host's memory instead.
 */
function gatewayContainer(objects: KubeObject[]): {
  resources: { limits: { memory: string; cpu?: string }; requests: { cpu: string } };
} {
  const owner = objects.find((o) => ['Deployment', 'StatefulSet'].includes(o.kind) && o.metadata.name === WORKLOAD)!;
  const [container] = (
    owner as unknown as { spec: { template: { spec: { containers: Array<ReturnType<typeof gatewayContainer>> } } } }
  ).spec.template.spec.containers;
  if (!container) throw new Error(`${WORKLOAD} has no container`);
  return container;
}

function memoryLimiterSoftLimit(objects: KubeObject[]): number {
  const container = gatewayContainer(objects);
  const config = yaml.load(configMapData(objects, WORKLOAD, 'config.yaml')) as {
    processors: { memory_limiter: { limit_percentage: number; spike_limit_percentage: number } };
  };
  const { limit_percentage: limit, spike_limit_percentage: spike } = config.processors.memory_limiter;
  return (quantityBytes(container.resources.limits.memory) * (limit - spike)) / 100;
}

/** The bench's fixed parts: certificates, the sink, the rendered objects of each variant. */
class Bench {
  readonly pkiDir: string;
  readonly objects: Record<ConfigName, KubeObject[]>;
  readonly namespace: string;
  /** When tail sampling decides at the latest (seconds after a trace's first span), and after its root span arrived. */
  readonly decisionWaitS: number;
  readonly afterRootS: number;
  readonly maxTraces: number;
  /** Per config: the heap above which the rendered memory_limiter refuses data in the pod (its soft limit). */
  readonly softLimitBytes: Record<ConfigName, number>;
  sinkPort = 0;
  statsPort = 0;
  closedPort = 0;
  private runs = 0;

  constructor(
    readonly dir: string,
    readonly otelcol: string,
    readonly loadgen: string,
  ) {
    // The production gateway as one replica (the profile's resources and sampling, no routing hop), the
    // dev one (all traces kept: redaction and export of every span), and production's two-replica routing.
    const configs = {
      production: resolveConfig({ profile: 'production', collector: { replicas: 1 } }),
      dev: resolveConfig({}),
      routed: resolveConfig({ profile: 'production', collector: { replicas: 2 } }),
    };
    const single = configs.production;
    this.namespace = single.common.namespace;
    this.decisionWaitS = durationSeconds(single.collector.sampling.decisionWait);
    this.afterRootS = durationSeconds(single.collector.sampling.decisionWaitAfterRoot);
    this.objects = {
      production: synthStack(configs.production).files[WORKLOAD],
      dev: synthStack(configs.dev).files[WORKLOAD],
      routed: synthStack(configs.routed).files[WORKLOAD],
    };
    const rendered = yaml.load(configMapData(this.objects.production, WORKLOAD, 'config.yaml')) as {
      processors: { tail_sampling: { num_traces: number } };
    };
    this.maxTraces = rendered.processors.tail_sampling.num_traces;
    this.softLimitBytes = {
      production: memoryLimiterSoftLimit(this.objects.production),
      dev: memoryLimiterSoftLimit(this.objects.dev),
      routed: memoryLimiterSoftLimit(this.objects.routed),
    };
    // Certificates for the names the rendered Certificates carry (one Secret directory each), and the app's.
    this.pkiDir = path.join(dir, 'pki');
    const certificates = Object.values(synthStack(single).files)
      .flat()
      .filter((o) => o.kind === 'Certificate' && !(o as unknown as { spec: { isCA?: boolean } }).spec.isCA)
      .map((c) => (c as unknown as { spec: { secretName: string; dnsNames?: string[]; commonName?: string } }).spec);
    writeTestPki(this.pkiDir, {
      ...Object.fromEntries(
        certificates.map((spec) => [spec.secretName, spec.dnsNames ?? [spec.commonName ?? spec.secretName]]),
      ),
      app: ['app.agents.svc'],
    });
  }

  /** The sink stands where Jaeger's OTLP receiver would, with Jaeger's certificate. */
  async startSink(): Promise<void> {
    [this.sinkPort, this.statsPort, this.closedPort] = [await freePort(), await freePort(), await freePort()];
    const tls = path.join(this.pkiDir, 'jaeger-tls');
    start(
      'sink',
      this.loadgen,
      [
        'sink',
        '-listen',
        `127.0.0.1:${this.sinkPort}`,
        '-stats',
        `127.0.0.1:${this.statsPort}`,
        '-ca',
        path.join(tls, 'ca.crt'),
        '-cert',
        path.join(tls, 'tls.crt'),
        '-key',
        path.join(tls, 'tls.key'),
      ],
      {},
      path.join(this.dir, 'sink.log'),
    );
    await waitFor(
      'the sink',
      async () => ((await fetch(`http://127.0.0.1:${this.statsPort}/stats`)).ok ? true : undefined),
      10_000,
    );
  }

  /** Starts the gateway replicas of a variant, each a fresh pod (own queue volume), and waits until healthy. */
  private async startGateways(
    variant: Variant,
    pprofPort: number,
  ): Promise<Array<{ pod: LocalPod; child: ChildProcess; processors: string[] }>> {
    const objects = this.objects[VARIANT_CONFIG[variant]];
    const run = ++this.runs;
    const pods = (variant === 'routed' ? [0, 1] : [0]).map(
      (i) => new LocalPod(objects, WORKLOAD, `${variant}-${run}-gateway-${i}`, this.namespace, this.dir, this.pkiDir),
    );
    for (const pod of pods) await pod.allocatePorts();
    const samplingPeers = variant === 'routed' ? pods.map((p) => p.portByName('otlp-sampling')) : [];
    return Promise.all(
      pods.map(async (pod, i) => {
        const config = localConfig(pod, { jaeger: this.sinkPort, logstash: this.closedPort }, samplingPeers);
        const service = config.service as {
          extensions: string[];
          // The gateway's config always has a traces pipeline.
          pipelines: { traces: { processors?: string[] } } & Record<string, { processors?: string[] }>;
        };
        if (variant === 'pass-through') service.pipelines.traces.processors = ['batch'];
        if (variant === 'patched' && PATCH) mergePatch(config, PATCH);
        // Every variant carries the pprof extension (idle unless asked for a profile), so all run the same extensions.
        (config.extensions as Json).pprof = { endpoint: `127.0.0.1:${i === 0 ? pprofPort : await freePort()}` };
        service.extensions.push('pprof');
        fs.writeFileSync(pod.local(CONFIG_FILE), yaml.dump(config, { lineWidth: -1 }));
        const log = path.join(pod.root, 'otelcol.log');
        // As in the pod: Go's runtime sets GOMAXPROCS from the container's CPU limit.
        const { resources } = gatewayContainer(objects);
        const env = {
          ...podEnv(objects, WORKLOAD),
          GOMAXPROCS: String(Math.min(os.cpus().length, cpuCores(resources.limits.cpu ?? resources.requests.cpu))),
        };
        const child = start(pod.podName, this.otelcol, [`--config=${pod.local(CONFIG_FILE)}`], env, log);
        await waitFor(
          `${pod.podName} to be healthy`,
          async () => {
            if (child.exitCode !== null)
              throw new Error(`${pod.podName} exited ${child.exitCode}: ${fs.readFileSync(log, 'utf8').slice(-3000)}`);
            return (await fetch(`http://127.0.0.1:${pod.port(13133)}/`)).ok ? true : undefined;
          },
          30_000,
        );
        return { pod, child, processors: service.pipelines.traces.processors ?? [] };
      }),
    );
  }

  /**
   * One run: fresh gateway(s); the load generator sends for the run's length; the rate is what the
   * sink received in the window at its end, when every variant is in its steady state (the rendered
   * gateway delivers from the decision wait on). The gateways stop with the sender: spans still in a
   * queue are neither delivered nor lost.
   */
  async run(variant: Variant, profileFile?: string): Promise<Run> {
    const pprofPort = await freePort();
    const gateways = await this.startGateways(variant, pprofPort);
    const { processors } = gateways[0]!;
    const sampling = processors.includes('tail_sampling');
    const windowStart = sampling ? this.decisionWaitS + 2 : 2;
    const window = sampling ? SAMPLING_WINDOW_S : WINDOW_S;
    const seconds = windowStart + window;
    try {
      await fetch(`http://127.0.0.1:${this.statsPort}/reset`, { method: 'POST' });
      const app = path.join(this.pkiDir, 'app');
      const log = path.join(this.dir, `loadgen-${this.runs}.log`);
      const sender = new Promise<{ spans: number; seconds: number; errors: number; start: number }>(
        (resolve, reject) => {
          const child = start(
            'loadgen',
            this.loadgen,
            [
              'send',
              '-addr',
              gateways.map((g) => `127.0.0.1:${g.pod.port(4317)}`).join(','),
              '-server-name',
              `${WORKLOAD}.${this.namespace}.svc`,
              '-duration',
              `${seconds}s`,
              '-rate',
              String(RATE),
              '-trace-spans',
              String(TRACE_SPANS),
              '-senders',
              String(SENDERS),
              // The memory_limiter of the rendered traces pipeline refuses data above its soft limit in the pod.
              ...(!processors.includes('memory_limiter')
                ? []
                : [
                    '-hold-above',
                    String(this.softLimitBytes[VARIANT_CONFIG[variant]]),
                    '-heap',
                    gateways.map((g) => `http://127.0.0.1:${g.pod.port(8888)}/metrics`).join(','),
                  ]),
              '-ca',
              path.join(app, 'ca.crt'),
              '-cert',
              path.join(app, 'tls.crt'),
              '-key',
              path.join(app, 'tls.key'),
            ],
            {},
            log,
          );
          child.on('exit', (code) => {
            const out = fs.readFileSync(log, 'utf8').trim().split('\n').pop() ?? '';
            if (code === 0)
              resolve(JSON.parse(out) as { spans: number; seconds: number; errors: number; start: number });
            else reject(new Error(`loadgen exited ${code ?? 'on a signal'}: ${out}`));
          });
        },
      );
      // Awaited below; until then a failure must not end the process before the gateways are stopped.
      sender.catch(() => undefined);
      // The peak of anonymous memory (the kernel keeps no high-water mark of it), sampled all along.
      let anonKb = 0;
      const poll = setInterval(() => {
        try {
          for (const g of gateways) anonKb = Math.max(anonKb, sample(g.child.pid!).anonKb);
        } catch {
          // A gateway exited: the run fails below.
        }
      }, 200);
      // CPU use in the window (sampled from its start to its end) and a CPU profile of the same window.
      await sleep(windowStart * 1000);
      // A gateway that died mid-run fails the bench with its last words.
      const measure = () =>
        gateways.map((g) => {
          if (g.child.exitCode !== null || g.child.signalCode !== null) {
            throw new Error(
              `${g.pod.podName} exited ${g.child.exitCode ?? g.child.signalCode}: ${fs.readFileSync(path.join(g.pod.root, 'otelcol.log'), 'utf8').slice(-3000)}`,
            );
          }
          return sample(g.child.pid!);
        });
      const decidedTraces = async () =>
        (await Promise.all(gateways.map((g) => metricSum(g.pod.port(8888), [DECIDED])))).reduce((a, b) => a + b, 0);
      const before = measure();
      const decidedBefore = await decidedTraces();
      const profiled = profileFile ? this.profile(pprofPort, profileFile, window) : undefined;
      profiled?.catch(() => undefined);
      await sleep(window * 1000);
      const after = measure();
      const decidedInWindow = (await decidedTraces()) - decidedBefore;
      clearInterval(poll);
      const sent = await sender;
      await profiled;
      const { timeline } = (await (await fetch(`http://127.0.0.1:${this.statsPort}/stats`)).json()) as {
        timeline: Array<[number, number]> | null;
      };
      const delivered = (t: number) => (timeline ?? []).filter(([at]) => at <= t).pop()?.[1] ?? 0;
      const from = sent.start + windowStart * 1000;
      if (process.env.BENCH_PIPELINE_VERBOSE) {
        const perSecond = Array.from(
          { length: Math.ceil(seconds) + 12 },
          (_, i) => delivered(sent.start + (i + 1) * 1000) - delivered(sent.start + i * 1000),
        );
        console.log(`  ${variant}: spans delivered in each second after the sender started: ${perSecond.join(' ')}`);
        const metrics = await (await fetch(`http://127.0.0.1:${gateways[0]!.pod.port(8888)}/metrics`)).text();
        console.log(
          metrics
            .split('\n')
            .filter((l) =>
              /^otelcol_(processor_tail_sampling_(sampling_trace_dropped|count_traces_sampled|new_trace)|exporter_(send|enqueue)_failed)/.test(
                l,
              ),
            )
            .map((l) => `  ${l}`)
            .join('\n'),
        );
      }
      const inWindow = delivered(from + window * 1000) - delivered(from);
      const tracesEvicted = await Promise.all(
        gateways.map((g) =>
          metricSum(g.pod.port(8888), ['otelcol_processor_tail_sampling_sampling_trace_dropped_too_early']),
        ),
      );
      const spansFailed = await Promise.all(
        gateways.map((g) =>
          metricSum(g.pod.port(8888), ['otelcol_exporter_send_failed_spans', 'otelcol_exporter_enqueue_failed_spans']),
        ),
      );
      const lost = tracesEvicted.reduce((a, b) => a + b, 0) * TRACE_SPANS + spansFailed.reduce((a, b) => a + b, 0);
      if (inWindow === 0 && lost === 0) {
        const logs = gateways.map(
          (g) =>
            `${g.pod.podName}:\n${fs
              .readFileSync(path.join(g.pod.root, 'otelcol.log'), 'utf8')
              .split('\n')
              .filter((l) => /\t(warn|error)\t/.test(l))
              .slice(-10)
              .join('\n')}`,
        );
        throw new Error(
          `${variant}: the sink received nothing in the window (${delivered(Infinity)} of ${sent.spans} spans in all) and the gateway counted no loss; its warnings:\n${logs.join('\n')}`,
        );
      }
      return {
        rate: sampling ? (decidedInWindow * TRACE_SPANS) / window : inWindow / window,
        delivered: inWindow / window,
        lost,
        sent: sent.spans,
        errors: sent.errors,
        rssMb: Math.max(...after.map((m) => m.hwmKb)) / 1024,
        anonMb: anonKb / 1024,
        cores: after.reduce((sum, m, i) => sum + m.cpu - (before[i]?.cpu ?? 0), 0) / window,
      };
    } finally {
      await Promise.all(gateways.map((g) => kill(g.child)));
      for (const g of gateways) fs.rmSync(g.pod.root, { recursive: true, force: true });
    }
  }

  /** A CPU profile of the gateway over the window. */
  private async profile(port: number, file: string, seconds: number): Promise<void> {
    const res = await fetch(`http://127.0.0.1:${port}/debug/pprof/profile?seconds=${seconds}`);
    if (!res.ok) throw new Error(`pprof: HTTP ${res.status}`);
    fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
  }
}

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Where the CPU went, from `go tool pprof -traces` (every sampled stack): each sample goes to the first
 * of these that its stack contains, so the shares add up to 100%. Debug logging and GC come first since
 * they run inside the components (OTTL logs every statement it executes at debug level; an allocation
 * may have to help the GC).
 */
const PROFILE_PARTS: Array<[string, RegExp]> = [
  [
    'internal logs at debug level (service.telemetry.logs.level)',
    /go\.uber\.org\/zap|bridges\/otelzap|MarshalLogObject/,
  ],
  ['garbage collection, background', /^runtime\.(gcBgMarkWorker|bgsweep|bgscavenge)$/],
  ['garbage collection, assists in allocating code', /^runtime\.gcAssistAlloc$/],
  ['transform/redact (OTTL: regular expressions, SHA-256, attribute maps)', /transformprocessor|\/pkg\/ottl/],
  ['tail_sampling (grouping by trace, decisions, its event loop)', /tailsamplingprocessor/],
  ['memory_limiter', /memorylimiter/],
  ['resource', /resourceprocessor/],
  ['batch', /batchprocessor/],
  ['load_balancing exporter (routing by trace ID)', /loadbalancingexporter/],
  ['persistent queue (file_storage, bbolt)', /go\.etcd\.io\/bbolt|filestorage|persistentQueue/],
  [
    'otlp_grpc exporter (encoding, gzip, gRPC client, TLS)',
    /otlpexporter|http2Client|grpc\.\(\*ClientConn\)|grpc\.invoke/,
  ],
  ['otlp receiver (gRPC server, TLS, decoding)', /otlpreceiver|ptraceotlp|TraceService|http2Server|grpc\.\(\*Server\)/],
];

function summarizeProfile(otelcol: string, file: string): string {
  const text = execFileSync('go', ['tool', 'pprof', '-traces', otelcol, file], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 256 * 2 ** 20,
  });
  const unit: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1 };
  const seconds = new Map<string, number>();
  let total = 0;
  for (const block of text.split(/^-+\+-+$/m).slice(1)) {
    const lines = block
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '');
    const first = /^([\d.]+)(ns|us|µs|ms|s)\s+(.*)$/.exec(lines[0] ?? '');
    if (!first) continue;
    const [, amount = '', unitName = '', top = ''] = first;
    const value = Number(amount) * (unit[unitName] ?? 0);
    const frames = [top, ...lines.slice(1)].map((f) => f.replace(/ \(inline\)$/, ''));
    const part =
      PROFILE_PARTS.find(([, pattern]) => frames.some((f) => pattern.test(f)))?.[0] ??
      'other (runtime, scheduler, system calls)';
    seconds.set(part, (seconds.get(part) ?? 0) + value);
    total += value;
  }
  const header = /Duration: .*/.exec(text)?.[0] ?? '';
  const rows = [...seconds]
    .sort((a, b) => b[1] - a[1])
    .map(([part, s]) => `  ${((100 * s) / total).toFixed(1).padStart(5)}%  ${s.toFixed(2).padStart(6)} s  ${part}`);
  const top = execFileSync('go', ['tool', 'pprof', '-top', '-cum', '-nodecount=20', otelcol, file], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })
    .split('\n')
    .filter((l) => /^\s*[\d.]+\S*\s+[\d.]+%/.test(l) || /^\s+flat/.test(l));
  return (
    `${header}\nby part (each sampled stack counted once, in the first part it contains):\n${rows.join('\n')}\n` +
    `go tool pprof -top -cum (top 20):\n${top.join('\n')}`
  );
}

async function main(): Promise<void> {
  const otelcol = findTool('otelcol');
  const loadgen = path.join(TOOLS_BIN, 'loadgen');
  if (otelcol === undefined || !fs.existsSync(loadgen)) {
    console.error('pipeline bench: needs .tools/bin/otelcol and .tools/bin/loadgen (run: npm run judges)');
    process.exit(1);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-o11y-pipeline-bench-'));
  workDir = dir;
  const started = Date.now();
  const variants: Variant[] = [
    'pass-through',
    'production',
    'dev',
    ...(ROUTED ? ['routed' as const] : []),
    ...(PATCH ? ['patched' as const] : []),
  ];
  const results = Object.fromEntries(variants.map((v) => [v, [] as Run[]])) as Record<Variant, Run[]>;
  const profileFile = path.join(dir, 'production.cpu.pprof');
  try {
    const bench = new Bench(dir, otelcol, loadgen);
    await bench.startSink();
    console.log(
      `pipeline bench: ${ROUNDS} rounds; ${SENDERS} connections send requests of 500 spans (traces of ${TRACE_SPANS} spans)${RATE ? ` at most ${RATE} spans/s` : ' as fast as the gateway answers'}; ` +
        `spans/s through = what the sink received in the ${WINDOW_S} s from 2 s after the sender started, or with tail sampling the spans of the traces it decided in the ${SAMPLING_WINDOW_S} s from ${bench.decisionWaitS + 2} s (decision wait + 2 s)`,
    );
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate the order too, so a drift in the machine's speed does not favour one variant.
      for (const variant of round % 2 === 0 ? variants : [...variants].reverse()) {
        const profiled = PROFILE && variant === 'production' && round === ROUNDS - 1;
        const r = await bench.run(variant, profiled ? profileFile : undefined);
        results[variant].push(r);
        console.log(
          `round ${round + 1} ${variant.padEnd(12)} ${r.rate.toFixed(0).padStart(7)} spans/s through  ${r.delivered.toFixed(0).padStart(7)} delivered  ` +
            `peak RSS ${r.rssMb.toFixed(0).padStart(4)} MiB (anonymous ${r.anonMb.toFixed(0).padStart(4)} MiB)  ${r.cores.toFixed(2)} cores busy  ${r.lost} spans lost${r.errors ? `  ${r.errors} send errors` : ''}${profiled ? '  (CPU profile taken)' : ''}`,
        );
      }
    }

    const summary = Object.fromEntries(
      variants.map((v) => [
        v,
        {
          rate: median(results[v].map((r) => r.rate)),
          delivered: median(results[v].map((r) => r.delivered)),
          rss: Math.max(...results[v].map((r) => r.rssMb)),
          anon: Math.max(...results[v].map((r) => r.anonMb)),
          cores: median(results[v].map((r) => r.cores)),
          lost: results[v].reduce((s, r) => s + r.lost, 0),
          sent: results[v].reduce((s, r) => s + r.sent, 0),
        },
      ]),
    ) as Record<
      Variant,
      { rate: number; delivered: number; rss: number; anon: number; cores: number; lost: number; sent: number }
    >;
    const names: Record<Variant, string> = {
      'pass-through': 'pass-through (production gateway, traces: otlp → batch → otlp_grpc/jaeger)',
      production: 'rendered gateway, production (1% baseline), 1 replica',
      dev: 'rendered gateway, dev (every trace kept), 1 replica, 1 core',
      routed: 'rendered gateway, production, 2 replicas routed by trace ID',
      patched: `rendered production gateway, 1 replica, patched with ${JSON.stringify(PATCH)}`,
    };
    console.log(`\nmedians of ${ROUNDS} rounds (peak RSS: the largest of any run):`);
    console.log(
      '| config | spans/s through | spans/s delivered | × pass-through | peak RSS (anonymous) | CPU cores busy | spans lost |',
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- |');
    for (const v of variants) {
      const s = summary[v];
      console.log(
        `| ${names[v]} | ${s.rate.toFixed(0)} | ${s.delivered.toFixed(0)} | ${(s.rate / summary['pass-through'].rate).toFixed(2)} | ${s.rss.toFixed(0)} MiB (${s.anon.toFixed(0)} MiB)${v === 'routed' ? ' per replica' : ''} | ${s.cores.toFixed(2)}${v === 'routed' ? ' (both)' : ''} | ${s.lost} of ${s.sent} |`,
      );
    }
    const ratio = (v: Variant) => summary[v].rate / summary['pass-through'].rate;
    console.log(
      `production / pass-through = ${ratio('production').toFixed(2)} (goal >= ${GOAL_RATIO}: ${ratio('production') >= GOAL_RATIO ? 'met' : 'NOT met'}); ` +
        `dev / pass-through = ${ratio('dev').toFixed(2)}${ROUTED ? `; routed, 2 replicas / pass-through, 1 = ${ratio('routed').toFixed(2)}` : ''} (spans/s through)`,
    );
    console.log(
      `tail_sampling decides ${bench.afterRootS} s after a trace's root span arrives (these traces arrive whole), at the latest ${bench.decisionWaitS} s after its first; ` +
        `it holds ${bench.maxTraces} traces: above ${Math.floor(bench.maxTraces / (bench.afterRootS + 1))} new traces/s per replica it evicts traces before deciding (counted as lost)`,
    );
    if (PROFILE && process.env.BENCH_PIPELINE_PROFILE_OUT)
      fs.copyFileSync(profileFile, process.env.BENCH_PIPELINE_PROFILE_OUT);
    if (PROFILE)
      console.log(
        `\nCPU profile of the production gateway over the window of round ${ROUNDS} (pprof extension):\n${summarizeProfile(otelcol, profileFile)}`,
      );
    console.log(`\n(${((Date.now() - started) / 1000).toFixed(0)} s)`);
  } finally {
    await cleanUp();
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    void cleanUp().finally(() => process.exit(1));
  });
}

main().catch(async (e) => {
  await cleanUp();
  console.error(`pipeline bench: ${(e as Error).message}`);
  process.exit(1);
});
