/**
 * The rendered telemetry pipeline as real processes on 127.0.0.1: the collector agent, two gateway
 * replicas, Jaeger v2, Prometheus 3 and Alertmanager, with recording HTTPS stand-ins for Elasticsearch
 * and Logstash's `http` input, every link over the mTLS the rendered configs declare, with certificates
 * from a throwaway CA for the names in the rendered Certificates.
 *
 * Outside Kubernetes a few things must change. These are all of them (REWRITES), applied by the
 * functions below and nowhere else:
 */
export const REWRITES = [
  'files: a path under a container volumeMount becomes the same path under a local directory holding that volume (ConfigMap data, the test certificate for the TLS Secret, stand-in Secret values, empty dirs)',
  "listen: every 0.0.0.0:<port> (and the telemetry reader's host 0.0.0.0 with its port) becomes 127.0.0.1 with a free port",
  'peers: <service>.<namespace>.svc[.cluster.local]:<port> becomes 127.0.0.1 and the port of the local process behind that Service (the gateway Service: replica 0)',
  "peers: the load_balancing exporter's DNS resolver of the headless sampling Service becomes a static resolver of the two gateways' sampling ports (no DNS here)",
  "peers: Prometheus' kubernetes_sd_configs become static_configs offering every container port of every local process with the __meta_kubernetes_* labels the pod role gives it; the rendered relabelling chooses, as in the cluster",
  'peers: Alertmanager receivers point at a local recording webhook (support.ts localAlertmanagerConfig)',
  'apps: an app pod of PipelineOptions.apps is a local HTTP server of its /metrics text, offered to Prometheus as that pod (its labels, annotations and one container port at 127.0.0.1; a prometheus.io/port annotation names the local port)',
] as const;

import { ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { StackConfig } from '../../src/config/types';
import { KubeObject, synthStack } from '../helpers';
import { podEnv, withServiceAccount } from '../judge';
import { writeTestPki } from '../tls-fixture';
import { elasticsearchStub, HttpsStub, logstashStub } from './stubs';
import { freePort, listen, localAlertmanagerConfig, Processes, recordingSink, Received, waitFor } from './support';
import type { StackFile } from '../../src/lib/names';

type Json = Record<string, unknown>;

interface Container {
  name: string;
  args?: string[];
  ports?: Array<{ name: string; containerPort: number }>;
  volumeMounts?: Array<{ name: string; mountPath: string; subPath?: string }>;
}

interface Volume {
  name: string;
  configMap?: { name: string };
  secret?: { secretName: string };
}

interface PodTemplate {
  metadata: { labels: Record<string, string> };
  spec: { containers: Container[]; volumes?: Volume[] };
}

/** A workload of the rendered stack, as one local process (a "pod") with its own files and ports. */
export class LocalPod {
  readonly root: string;
  readonly container: Container;
  readonly template: PodTemplate;
  /** container port → local port */
  readonly ports = new Map<number, number>();

  constructor(
    readonly objects: KubeObject[],
    readonly workload: string,
    readonly podName: string,
    readonly namespace: string,
    base: string,
    pkiDir: string,
  ) {
    const owner = objects.find(
      (o) => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(o.kind) && o.metadata.name === workload,
    );
    if (!owner) throw new Error(`no workload ${workload}`);
    this.template = (owner as unknown as { spec: { template: PodTemplate } }).spec.template;
    const [container] = this.template.spec.containers;
    if (!container) throw new Error(`workload ${workload} has no container`);
    this.container = container;
    this.root = path.join(base, podName);
    // The pod's filesystem: every mount gets a local directory (or file) with the volume's content.
    for (const mount of this.container.volumeMounts ?? []) {
      const local = this.local(mount.mountPath);
      const volume = (this.template.spec.volumes ?? []).find((v) => v.name === mount.name);
      if (volume?.configMap) {
        const data = (
          objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === volume.configMap!.name) as unknown as {
            data: Record<string, string>;
          }
        ).data;
        if (mount.subPath) {
          fs.mkdirSync(path.dirname(local), { recursive: true });
          fs.writeFileSync(local, data[mount.subPath] ?? '');
        } else {
          fs.mkdirSync(local, { recursive: true });
          for (const [key, value] of Object.entries(data)) fs.writeFileSync(path.join(local, key), value);
        }
      } else if (volume?.secret && fs.existsSync(path.join(pkiDir, volume.secret.secretName))) {
        fs.cpSync(path.join(pkiDir, volume.secret.secretName), local, { recursive: true });
      } else if (volume?.secret) {
        // A credentials Secret: the stand-in values podEnv uses for the same keys, under every key the pod reads.
        fs.mkdirSync(local, { recursive: true });
        for (const key of ['username', 'password']) fs.writeFileSync(path.join(local, key), `judge-secret-${key}`);
      } else {
        fs.mkdirSync(local, { recursive: true });
      }
    }
  }

  /** The local path of a path inside the container. */
  local(inside: string): string {
    return path.join(this.root, 'fs', inside);
  }

  /** Every path under a mount in `text`, moved to the local copy of that mount (longest mount first). */
  localizePaths(text: string): string {
    const mounts = (this.container.volumeMounts ?? []).map((m) => m.mountPath).sort((a, b) => b.length - a.length);
    const pattern = new RegExp(
      `(^|[\\s"'=:\\[,])(${mounts.map((m) => m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})(?=$|[/\\s"',\\]])`,
      'gm',
    );
    return text.replace(pattern, (_all, before: string, mount: string) => `${before}${this.local(mount)}`);
  }

  async allocatePorts(): Promise<void> {
    for (const port of this.container.ports ?? []) this.ports.set(port.containerPort, await freePort());
  }

  port(containerPort: number): number {
    const local = this.ports.get(containerPort);
    if (local === undefined) throw new Error(`${this.podName} has no container port ${containerPort}`);
    return local;
  }

  portByName(name: string): number {
    const declared = (this.container.ports ?? []).find((p) => p.name === name);
    if (!declared) throw new Error(`${this.podName} has no port named ${name}`);
    return this.port(declared.containerPort);
  }

  /** The directory of this pod's TLS Secret (ca.crt, tls.crt, tls.key). */
  get tlsDir(): string {
    return this.local('/etc/agent-o11y/tls');
  }

  /** The labels Kubernetes pod discovery gives each container port of this pod. */
  discoveryTargets(): Array<{ targets: string[]; labels: Record<string, string> }> {
    const pod = {
      name: this.podName,
      namespace: this.namespace,
      container: this.container.name,
      labels: this.template.metadata.labels,
    };
    return (this.container.ports ?? []).map((p) =>
      podTarget(`127.0.0.1:${this.port(p.containerPort)}`, pod, { name: p.name, number: p.containerPort }),
    );
  }
}

/** Walks a parsed config, replacing every string leaf by `f(leaf)` and every object by `g(object)` first. */
function walk(value: unknown, f: (s: string) => string, g: (o: Json) => void = () => undefined): unknown {
  if (typeof value === 'string') return f(value);
  if (Array.isArray(value)) return value.map((v) => walk(v, f, g));
  if (typeof value === 'object' && value !== null) {
    g(value as Json);
    for (const [k, v] of Object.entries(value)) (value as Json)[k] = walk(v, f, g);
  }
  return value;
}

/** Where a Service's port is served locally: a container port of the Service's pod → its local port. */
export type LocalPeers = Map<string, (servicePort: number) => number>;

/**
 * Rewrites a pod's rendered config file (`inside`, its path in the pod) in place for a local run: its
 * paths to the pod's directory, then its addresses (localizeAddresses). Returns the local file.
 */
export function localizeConfigFile(
  pod: LocalPod,
  inside: string,
  peers: LocalPeers,
  samplingPorts: number[] = [],
): string {
  const file = pod.local(inside);
  const rendered = yaml.load(pod.localizePaths(fs.readFileSync(file, 'utf8')));
  fs.writeFileSync(file, yaml.dump(localizeAddresses(rendered, pod, peers, samplingPorts), { lineWidth: -1 }));
  return file;
}

/**
 * A rendered config of `pod` with the listen and peer rewrites (REWRITES): 0.0.0.0:<port> and the
 * telemetry reader's host/port → 127.0.0.1 and the pod's local port; `<service>.<ns>.svc:<port>` →
 * 127.0.0.1 and the local port `peers` gives for that Service; the load_balancing exporter's DNS
 * resolver → a static list of `samplingPorts` (no DNS here).
 */
export function localizeAddresses(
  config: unknown,
  pod: LocalPod,
  peers: LocalPeers,
  samplingPorts: number[] = [],
): unknown {
  const service = /\b([a-z0-9-]+)(?:\.[a-z0-9-]+)?\.[a-z0-9-]+\.svc(?:\.cluster\.local)?:(\d+)\b/g;
  const localized = walk(
    config,
    (s) =>
      s
        .replace(/^0\.0\.0\.0:(\d+)$/, (_a, p: string) => `127.0.0.1:${pod.port(Number(p))}`)
        .replace(service, (all, name: string, port: string) => {
          const local = peers.get(name);
          return local ? `127.0.0.1:${local(Number(port))}` : all;
        }),
    (o) => {
      if (o.host === '0.0.0.0' && typeof o.port === 'number') {
        o.host = '127.0.0.1';
        o.port = pod.port(o.port);
      }
    },
  ) as Json;
  const lb = (localized.exporters as Json | undefined)?.load_balancing as Json | undefined;
  if (lb) lb.resolver = { static: { hostnames: samplingPorts.map((p) => `127.0.0.1:${p}`) } };
  return localized;
}

export interface PipelineOptions {
  readonly otelcol: string;
  readonly jaeger: string;
  readonly prometheus: string;
  readonly alertmanager: string;
  readonly dir: string;
  /** Pods of a platform, outside the stack, that serve Prometheus metrics for the scrape jobs to find. */
  readonly apps?: readonly AppPod[];
}

/** An app pod serving `/metrics` over plain HTTP at `port` (a container port; `prometheus.io/port` names it too). */
export interface AppPod {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly port: number;
  /** The exposition text it serves, read at each scrape. */
  readonly metrics: () => string;
}

const metaName = (key: string) => key.replace(/[^a-zA-Z0-9_]/g, '_');

/** The targets and labels Prometheus' pod role gives one container port of a pod. */
export function podTarget(
  address: string,
  pod: {
    name: string;
    namespace: string;
    container: string;
    labels: Readonly<Record<string, string>>;
    annotations?: Readonly<Record<string, string>>;
  },
  port: { name?: string; number: number },
) {
  return {
    targets: [address],
    labels: {
      __meta_kubernetes_namespace: pod.namespace,
      __meta_kubernetes_pod_name: pod.name,
      __meta_kubernetes_pod_ip: '127.0.0.1',
      __meta_kubernetes_pod_phase: 'Running',
      __meta_kubernetes_pod_container_name: pod.container,
      ...(port.name ? { __meta_kubernetes_pod_container_port_name: port.name } : {}),
      __meta_kubernetes_pod_container_port_number: String(port.number),
      __meta_kubernetes_pod_ready: 'true',
      ...Object.fromEntries(
        Object.entries(pod.labels).map(([k, v]) => [`__meta_kubernetes_pod_label_${metaName(k)}`, v]),
      ),
      ...Object.fromEntries(
        Object.keys(pod.labels).map((k) => [`__meta_kubernetes_pod_labelpresent_${metaName(k)}`, 'true']),
      ),
      ...Object.fromEntries(
        Object.entries(pod.annotations ?? {}).map(([k, v]) => [`__meta_kubernetes_pod_annotation_${metaName(k)}`, v]),
      ),
      ...Object.fromEntries(
        Object.keys(pod.annotations ?? {}).map((k) => [
          `__meta_kubernetes_pod_annotationpresent_${metaName(k)}`,
          'true',
        ]),
      ),
    },
  };
}

/**
 * Certificates from a throwaway CA in `dir`, one Secret directory each, for exactly the names the
 * rendered Certificates among `objects` carry, and `app/` for an app outside the stack, as
 * docs/architecture.md's client section sets one up.
 */
export function writeStackPki(dir: string, objects: readonly KubeObject[]): void {
  const certificates = objects.filter(
    (o) => o.kind === 'Certificate' && !(o as unknown as { spec: { isCA?: boolean } }).spec.isCA,
  );
  writeTestPki(dir, {
    ...Object.fromEntries(
      certificates.map((c) => {
        const spec = (c as unknown as { spec: { secretName: string; dnsNames?: string[]; commonName?: string } }).spec;
        return [spec.secretName, spec.dnsNames ?? [spec.commonName ?? spec.secretName]];
      }),
    ),
    app: ['app.agents.svc'],
  });
}

/** The running pipeline: its pods, stand-ins, processes, and how to reach each from the test. */
export class LocalPipeline {
  readonly processes = new Processes();
  readonly pods: Record<'agent' | 'gateway0' | 'gateway1' | 'jaeger' | 'prometheus' | 'alertmanager', LocalPod> & {
    /** The trace intake (the Jaeger binary translating Zipkin and Jaeger spans), with `traceIntake.enabled`. */
    intake?: LocalPod;
  };
  readonly children = new Map<string, ChildProcess>();
  readonly pkiDir: string;
  elasticsearch!: Awaited<ReturnType<typeof elasticsearchStub>>;
  logstash!: Awaited<ReturnType<typeof logstashStub>>;
  sink!: Awaited<ReturnType<typeof recordingSink>>;
  private appServers: http.Server[] = [];
  private readonly files: Record<StackFile, KubeObject[]>;
  private readonly ruleFiles: Record<string, string>;
  private readonly commands = new Map<string, () => [string, string[], Record<string, string>]>();

  constructor(
    readonly config: StackConfig,
    readonly options: PipelineOptions,
  ) {
    const { files, parts } = synthStack(config);
    this.files = files;
    this.ruleFiles = parts.ruleFiles;
    this.pkiDir = path.join(options.dir, 'pki');
    writeStackPki(this.pkiDir, Object.values(files).flat());
    const ns = config.common.namespace;
    const pod = (objects: KubeObject[], workload: string, name: string, namespace = ns) =>
      new LocalPod(objects, workload, name, namespace, options.dir, this.pkiDir);
    this.pods = {
      agent: pod(files['otel-agent'], 'otel-agent', 'otel-agent-node0', `${ns}-agent`),
      gateway0: pod(files['otel-collector'], 'otel-collector', 'otel-collector-0'),
      gateway1: pod(files['otel-collector'], 'otel-collector', 'otel-collector-1'),
      jaeger: pod(files.jaeger, 'jaeger', 'jaeger-0'),
      prometheus: pod(files.prometheus, 'prometheus', 'prometheus-0'),
      alertmanager: pod(files.alertmanager, 'alertmanager', 'alertmanager-0'),
      ...(config.traceIntake.enabled ? { intake: pod(files['trace-intake'], 'trace-intake', 'trace-intake-0') } : {}),
    };
  }

  /** The directory holding the certificate of the app (a client outside the stack). */
  get appTlsDir(): string {
    return path.join(this.pkiDir, 'app');
  }

  async start(): Promise<void> {
    // The in-process servers bind first and stay bound, so no pod is given one of their ports.
    const esDir = path.join(this.pkiDir, 'elasticsearch-tls');
    const basic = `Basic ${Buffer.from('judge-secret-username:judge-secret-password').toString('base64')}`;
    this.elasticsearch = await elasticsearchStub(esDir, '9.5.4', basic);
    this.logstash = await logstashStub(path.join(this.pkiDir, 'logstash-tls'));
    this.sink = await recordingSink();
    // The apps' pods: each a local server of its metrics.
    const apps = await Promise.all(
      (this.options.apps ?? []).map(async (app) => {
        const { server, port } = await listen((_req, res) => {
          res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
          res.end(app.metrics());
        });
        this.appServers.push(server);
        return { app, local: port };
      }),
    );
    for (const pod of Object.values(this.pods)) await pod.allocatePorts();
    const { agent, gateway0, gateway1, jaeger, prometheus, alertmanager } = this.pods;
    const at = (target: LocalPod | HttpsStub) => (port: number) =>
      target instanceof LocalPod ? target.port(port) : target.port;
    const peers: LocalPeers = new Map([
      ['otel-collector', at(gateway0)],
      ['jaeger', at(jaeger)],
      ['prometheus', at(prometheus)],
      ['alertmanager', at(alertmanager)],
      ['elasticsearch', at(this.elasticsearch)],
      ['logstash', at(this.logstash)],
    ]);
    const samplingPorts = [gateway0, gateway1].map((g) => g.portByName('otlp-sampling'));

    // Jaeger.
    this.writeConfig(jaeger, '/etc/jaeger/config.yaml', (c) => localizeAddresses(c, jaeger, peers));
    this.define('jaeger', () => [
      this.options.jaeger,
      ['--config', jaeger.local('/etc/jaeger/config.yaml')],
      podEnv(this.files.jaeger, 'jaeger'),
    ]);

    // The trace intake: the Jaeger binary too, forwarding to the gateway Service (replica 0 here).
    const intake = this.pods.intake;
    if (intake) {
      this.writeConfig(intake, '/etc/jaeger/config.yaml', (c) => localizeAddresses(c, intake, peers));
      this.define('trace-intake', () => [
        this.options.jaeger,
        ['--config', intake.local('/etc/jaeger/config.yaml')],
        podEnv(this.files['trace-intake'], 'trace-intake'),
      ]);
    }

    // The gateways: each its own queue volume; the trace-ID routing tier resolves both replicas.
    for (const gateway of [gateway0, gateway1]) {
      this.writeConfig(gateway, '/etc/otelcol/config.yaml', (c) => localizeAddresses(c, gateway, peers, samplingPorts));
      this.define(gateway.podName, () => [
        this.options.otelcol,
        [`--config=${gateway.local('/etc/otelcol/config.yaml')}`],
        // Each replica its own pod name, as the downward API gives it (the span metrics' instance).
        { ...podEnv(this.files['otel-collector'], 'otel-collector'), POD_NAME: gateway.podName },
      ]);
    }

    // The agent, with its pod's service account (its Kubernetes clients find no API server here and say so).
    this.writeConfig(agent, '/etc/otelcol/config.yaml', (c) => localizeAddresses(c, agent, peers));
    this.define('otel-agent', () => {
      const [bin, args] = withServiceAccount(agent.root, this.options.otelcol, [
        `--config=${agent.local('/etc/otelcol/config.yaml')}`,
      ]);
      return [bin, args, podEnv(this.files['otel-agent'], 'otel-agent')];
    });

    // Alertmanager: its rendered arguments with local paths and address; receivers at the local sink.
    const amConfig = alertmanager.local('/etc/alertmanager/alertmanager.yml');
    fs.writeFileSync(
      amConfig,
      localAlertmanagerConfig(
        alertmanager.localizePaths(fs.readFileSync(amConfig, 'utf8')),
        alertmanager.root,
        this.sink.url,
        await freePort(),
      ),
    );
    this.localizeFile(alertmanager, '/etc/alertmanager/web.yml');
    this.define('alertmanager', () => [this.options.alertmanager, this.localArgs(alertmanager), {}]);

    // Prometheus: pod discovery → static targets with the pod role's labels; the relabelling is the rendered one.
    const pods = Object.values(this.pods);
    this.writeConfig(prometheus, '/etc/prometheus/prometheus.yml', (c) => {
      const config = c as { scrape_configs: Json[]; alerting?: { alertmanagers: Json[] } };
      for (const job of config.scrape_configs) {
        if (!job.kubernetes_sd_configs) continue;
        const namespaces = new Set(
          (job.kubernetes_sd_configs as Array<{ namespaces?: { names: string[] } }>).flatMap(
            (sd) => sd.namespaces?.names ?? [...pods, ...apps.map(({ app }) => app)].map((p) => p.namespace),
          ),
        );
        delete job.kubernetes_sd_configs;
        job.static_configs = [
          ...pods.filter((p) => namespaces.has(p.namespace)).flatMap((p) => p.discoveryTargets()),
          ...apps
            .filter(({ app }) => namespaces.has(app.namespace))
            .map(({ app, local }) =>
              podTarget(
                `127.0.0.1:${local}`,
                {
                  ...app,
                  container: 'app',
                  ...(app.annotations?.['prometheus.io/port']
                    ? { annotations: { ...app.annotations, 'prometheus.io/port': String(local) } }
                    : {}),
                },
                { number: app.port },
              ),
            ),
        ];
      }
      for (const am of config.alerting?.alertmanagers ?? []) {
        am.static_configs = (am.static_configs as Array<{ targets: string[] }>).map((s) => ({
          targets: s.targets.map((t) => (/^alertmanager-\d+\./.test(t) ? `127.0.0.1:${alertmanager.port(9093)}` : t)),
        }));
      }
      return config;
    });
    this.localizeFile(prometheus, '/etc/prometheus/web.yml');
    for (const [file, content] of Object.entries(this.ruleFiles))
      fs.writeFileSync(path.join(prometheus.local('/etc/prometheus/rules'), file), content);
    this.define('prometheus', () => [
      this.options.prometheus,
      this.localArgs(prometheus),
      { POD_NAME: prometheus.podName },
    ]);

    for (const name of [
      'jaeger',
      'otel-collector-0',
      'otel-collector-1',
      'otel-agent',
      ...(intake ? ['trace-intake'] : []),
      'alertmanager',
      'prometheus',
    ])
      this.run(name);
    await this.waitReady();
  }

  /** Starts (or restarts) a process as defined. */
  run(name: string): void {
    const command = this.commands.get(name);
    if (!command) throw new Error(`no process ${name}`);
    const [bin, args, env] = command();
    this.children.set(name, this.processes.start(name, bin, args, env));
  }

  /** Stops a process gracefully (SIGTERM), as Kubernetes stops a pod. */
  async stop(name: string): Promise<void> {
    const child = this.children.get(name);
    if (child) await this.processes.stop(child);
    this.children.delete(name);
  }

  async waitReady(): Promise<void> {
    const { agent, gateway0, gateway1, jaeger } = this.pods;
    for (const pod of [agent, gateway0, gateway1])
      await waitFor(`${pod.podName} to be healthy`, async () =>
        (await fetch(`http://127.0.0.1:${pod.port(13133)}/`)).ok ? true : undefined,
      );
    for (const pod of [jaeger, ...(this.pods.intake ? [this.pods.intake] : [])])
      await waitFor(`${pod.podName} to be healthy`, async () =>
        (await fetch(`http://127.0.0.1:${pod.port(13133)}/status`)).ok ? true : undefined,
      );
    await waitFor('prometheus to be ready', async () =>
      (await this.httpsGet(this.pods.prometheus, '/-/ready')).status === 200 ? true : undefined,
    );
    await waitFor('alertmanager to be ready', async () =>
      (await this.httpsGet(this.pods.alertmanager, '/-/ready')).status === 200 ? true : undefined,
    );
  }

  async stopAll(): Promise<void> {
    await this.processes.stopAll();
    await Promise.all([
      this.elasticsearch?.close(),
      this.logstash?.close(),
      ...[this.sink?.server, ...this.appServers].map(
        (server) => new Promise((r) => (server ? server.close(r) : r(undefined))),
      ),
    ]);
  }

  /** GET of a pod's `web` port over mTLS with the app's client certificate, verifying the pod's certificate. */
  httpsGet(pod: LocalPod, urlPath: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = https.request(
        {
          host: '127.0.0.1',
          port: pod.portByName('web'),
          path: urlPath,
          method: 'GET',
          servername: `${pod.workload}.${pod.namespace}.svc`,
          ca: fs.readFileSync(path.join(this.appTlsDir, 'ca.crt')),
          cert: fs.readFileSync(path.join(this.appTlsDir, 'tls.crt')),
          key: fs.readFileSync(path.join(this.appTlsDir, 'tls.key')),
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  async prometheusQuery(query: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
    const res = await this.httpsGet(this.pods.prometheus, `/api/v1/query?query=${encodeURIComponent(query)}`);
    if (res.status !== 200) throw new Error(`query ${query}: HTTP ${res.status} ${res.body}`);
    return (
      JSON.parse(res.body) as { data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } }
    ).data.result;
  }

  get received(): Received[] {
    return this.sink.received;
  }

  private define(name: string, command: () => [string, string[], Record<string, string>]): void {
    this.commands.set(name, command);
  }

  /** Rewrites a config file of a pod in place: paths by the pod's mounts, then `edit` on the parsed YAML. */
  private writeConfig(pod: LocalPod, inside: string, edit: (config: unknown) => unknown): void {
    const file = pod.local(inside);
    const config = edit(yaml.load(pod.localizePaths(fs.readFileSync(file, 'utf8'))));
    fs.writeFileSync(file, yaml.dump(config, { lineWidth: -1 }));
  }

  private localizeFile(pod: LocalPod, inside: string): void {
    const file = pod.local(inside);
    fs.writeFileSync(file, pod.localizePaths(fs.readFileSync(file, 'utf8')));
  }

  /** The rendered container arguments with local paths and listen address. */
  private localArgs(pod: LocalPod): string[] {
    return (pod.container.args ?? []).map((arg) => {
      const [flag, value] = arg.split(/=(.*)/s, 2);
      if (value === undefined) return arg;
      if (/^0\.0\.0\.0:\d+$/.test(value)) return `${flag}=127.0.0.1:${pod.port(Number(value.split(':')[1]))}`;
      return `${flag}=${pod.localizePaths(value)}`;
    });
  }
}
