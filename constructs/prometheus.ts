import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { CommonConfig, PrometheusConfig, ScrapeTargetConfig } from '../src/config/types';
import { imageOf } from '../src/lib/images';
import { contentHash } from '../src/lib/hash';
import { toYaml } from '../src/lib/render';
import { claimTemplate, Component, execProbe, Peer, PortSpec, scratch, secretFiles } from '../src/lib/component';
import { Alertmanager } from './alertmanager';
import {
  BACKUP_CONFIG_DIR,
  BACKUP_PROMETHEUS_ARGS,
  defaultBackupPrefix,
  longTermQueryProblems,
  backupCredentials,
  OBJSTORE_FILE,
  PrometheusBackupRetention,
  prometheusBackupProblems,
  thanosObjstoreConfig,
  thanosPrometheusClient,
  thanosSidecarArgs,
} from './prometheus-backup';
import { Pki, prometheusClientTls, TlsFiles, webConfig } from './mtls';
import {
  annotatedPodsJob,
  certManagerJob,
  kubeletJob,
  PrometheusConfigFile,
  remoteWrite,
  remoteWriteProblems,
  remoteWriteSecretFiles,
  ScrapeConfig,
  serviceJob,
  TlsConfig,
  withScrapeLimits,
} from './prometheus-config';
import { ANNOTATED_PODS_JOB, CLUSTER_JOBS, COMPONENTS, THANOS_SIDECAR_JOB } from '../src/lib/names';
import { durationSeconds } from '../src/config/duration';
import { quantityAmount } from '../src/lib/quantity';
import { LABEL_KEY, show } from '../src/lib/problems';

export interface PrometheusProps {
  readonly config: PrometheusConfig;
  readonly common: CommonConfig;
  /** Where alerts go. */
  readonly alertmanager: Alertmanager;
  /** Rule files by file name (e.g. `ms-framework.rules.yaml`), already rendered. */
  readonly ruleFiles: Record<string, string>;
  /** Issues Prometheus' certificate: its web port requires client certificates; it presents one to every target. */
  readonly pki: Pki;
  /** A platform's own services, each scraped by a job of its own. @default [] */
  readonly services?: readonly ScrapeTargetConfig[];
  /**
   * Scrape every node's kubelet (job `kubelet`) and its cAdvisor (job `cadvisor`), keeping the series
   * each list names. @default - the kubelets are not scraped
   */
  readonly kubelet?: {
    readonly verifyTls: boolean;
    readonly keep: { readonly kubelet: readonly string[]; readonly cadvisor: readonly string[] };
  };
  /** Scrape cert-manager's controller in this namespace (job `cert-manager`). @default - not scraped */
  readonly certManagerNamespace?: string;
  /** @default IMAGES.prometheus */
  readonly image?: string;
  /** The backup sidecar's and retention job's image. @default IMAGES.thanos */
  readonly backupImage?: string;
}

/** A stack component Prometheus scrapes. */
export interface ScrapeTarget {
  readonly component: Component;
  /** Name of the component's port that serves metrics. */
  readonly port: string;
  /** @default '/metrics' */
  readonly path?: string;
  /** The scrape's URL query (a probing exporter's module and target). @default none */
  readonly params?: Record<string, string[]>;
  /** Keep the labels the target sets (for exporters that re-export other jobs' metrics). @default false */
  readonly honorLabels?: boolean;
  /** Job name. @default the component's name */
  readonly job?: string;
  /** Label each series with the name of the node its pod runs on (`node`), for per-node components. @default false */
  readonly nodeLabel?: boolean;
  /** The job's sample limit where `scrapeLimits.jobs` sets none. @default prometheus.scrapeLimits.samples */
  readonly sampleLimit?: number;
  /**
   * Labels the target itself puts on every series it serves, beyond the job's (the gateway's exporter:
   * the OTLP path's), counted into the job's label limit. @default none
   */
  readonly givenLabels?: readonly string[];
}

const CONFIG_DIR = '/etc/prometheus';
/** The Thanos sidecar's HTTP port (its metrics). */
const SIDECAR_PORT = 'thanos-http';
/** The Thanos sidecar's StoreAPI, which Thanos Query reads with long-term query on. */
export const SIDECAR_GRPC_PORT = 'thanos-grpc';
const RULES_DIR = '/etc/prometheus/rules';
const DATA_DIR = '/prometheus';
/** Where each remote-write store's Secrets are mounted, in a folder named after the store. */
const REMOTE_WRITE_DIR = '/etc/prometheus/remote-write';

/**
 * Prometheus as a StatefulSet: prometheus.yml rendered from typed objects, one scrape job per stack
 * component plus annotation-driven pod discovery, rule files, Alertmanager targets, retention by time
 * and size, and cluster-wide read-only discovery RBAC.
 */
export class Prometheus extends Component {
  /** Prometheus' certificate files. */
  public readonly tls: TlsFiles;
  private readonly targets: ScrapeTarget[] = [];
  private readonly props: PrometheusProps;
  private rendered?: string;
  /** The backup's sidecar command line and retention job, when `backup.enabled`. */
  public readonly backup?: {
    readonly sidecarArgs: readonly string[];
    readonly retention: PrometheusBackupRetention;
    /** The ConfigMap holding the bucket's `objstore.yml`, which every reader of the bucket mounts. */
    readonly objstoreConfigMap: string;
  };

  constructor(scope: Construct, id: string, props: PrometheusProps) {
    const image = props.image ?? imageOf(scope, 'prometheus');
    super(scope, id, {
      name: COMPONENTS.prometheus,
      namespace: props.common.namespace,
      role: 'metrics',
      image,
      ports: [
        { name: 'web', port: 9090, carries: 'PromQL API and UI; its own /metrics', tls: 'mtls' },
        ...(props.config.backup.enabled
          ? [
              {
                name: SIDECAR_PORT,
                port: 10902,
                carries: "the Thanos sidecar's /metrics (its uploads)",
                tls: 'mtls' as const,
              },
            ]
          : []),
        ...(props.config.backup.enabled && props.config.longTermQuery.enabled
          ? [
              {
                name: SIDECAR_GRPC_PORT,
                port: 10901,
                carries: "the Thanos sidecar's StoreAPI (Prometheus' recent samples, for Thanos Query)",
                tls: 'mtls' as const,
              },
            ]
          : []),
      ],
    });
    this.props = props;
    this.tls = props.pki.issue(this, ['server auth', 'client auth']);
    const tls = this.tls;
    const config = props.config;
    // Its config's rules, reported at synth (and by buildStack for the whole stack at once). The
    // targets' rules run then, when every stack component it scrapes has been added.
    this.node.addValidation({
      validate: () => [
        ...prometheusProblems(config),
        ...prometheusBackupProblems(config.backup),
        ...remoteWriteProblems(config.remoteWrite),
        ...longTermQueryProblems(config),
        ...this.servicesProblems(),
        ...this.limitsProblems(),
      ],
    });
    for (const file of Object.keys(props.ruleFiles)) {
      if (!/^[a-z0-9-]+\.rules\.yaml$/.test(file)) {
        throw new Error(`prometheus: rule file name '${file}' must look like <name>.rules.yaml`);
      }
    }

    this.scrape({ component: this, port: 'web' });
    const backup = config.backup.enabled && config.backup.s3 ? { ...config.backup, s3: config.backup.s3 } : undefined;
    if (backup) this.scrape({ component: this, port: SIDECAR_PORT, job: THANOS_SIDECAR_JOB });

    // Rendered at synth, after every scrape target has been added (cdk8s resolves the token then).
    const configYaml = Lazy.any({ produce: () => this.renderConfig() }) as string;
    const web = toYaml(webConfig(tls, 'RequireAndVerifyClientCert'));
    // promtool's client settings for the probes: it connects to 127.0.0.1, which the certificate does not name.
    const probeClient = toYaml({ tls_config: prometheusClientTls(tls, this.port('web'), this.host) });
    // The backup sidecar's client settings for Prometheus' API.
    const sidecarClient = toYaml(thanosPrometheusClient(tls, this.host));
    this.configMap('Config', this.name, {
      'prometheus.yml': configYaml,
      'web.yml': web,
      'probe-http.yml': probeClient,
      ...(backup ? { 'thanos-client.yml': sidecarClient } : {}),
    });
    this.configMap('Rules', `${this.name}-rules`, props.ruleFiles);
    const backupImage = props.backupImage ?? imageOf(scope, 'thanos');
    // The bucket's config is shared with the retention job; the sidecar's client config is Prometheus'.
    const objstore = backup
      ? toYaml(thanosObjstoreConfig(backup.s3, defaultBackupPrefix(props.common.cluster, props.common.environment)))
      : undefined;
    const credentials = backup ? backupCredentials(backup.s3) : undefined;
    if (backup && objstore) {
      this.configMap('Backup', `${this.name}-backup`, { 'objstore.yml': objstore });
      this.backup = {
        sidecarArgs: thanosSidecarArgs({
          tsdbPath: DATA_DIR,
          prometheusUrl: `https://127.0.0.1:${this.port('web').port}`,
          prometheusClientFile: `${CONFIG_DIR}/thanos-client.yml`,
          objstoreFile: OBJSTORE_FILE,
          httpAddress: `0.0.0.0:${this.port(SIDECAR_PORT).port}`,
          httpConfigFile: `${CONFIG_DIR}/web.yml`,
          ...(this.ports.some((p) => p.name === SIDECAR_GRPC_PORT)
            ? { grpcAddress: `0.0.0.0:${this.port(SIDECAR_GRPC_PORT).port}`, grpcTls: tls }
            : { grpcAddress: '127.0.0.1:10901' }),
          logLevel: props.common.logLevel,
        }),
        objstoreConfigMap: `${this.name}-backup`,
        retention: new PrometheusBackupRetention(this, 'BackupRetention', {
          namespace: this.namespace,
          labels: this.labels,
          config: backup,
          configMap: `${this.name}-backup`,
          image: backupImage,
        }),
      };
    }

    this.serviceAccount(true);
    this.service();
    this.rbac();

    // Each store's credentials and CA, from its Secrets, as files in a folder of its own.
    const remoteWriteVolumes = config.remoteWrite.flatMap((store) => {
      const files = remoteWriteSecretFiles(store);
      const name = `remote-write-${store.name}`;
      return Object.keys(files).length > 0 ? [{ name, store: store.name, volume: secretFiles(name, files) }] : [];
    });
    const ha = config.replicas > 1;
    new k8s.KubeStatefulSet(this, 'Resource', {
      metadata: { name: this.name, labels: this.labels },
      spec: {
        serviceName: this.queried ? this.sidecarsService() : this.podsService(),
        replicas: config.replicas,
        podManagementPolicy: 'Parallel',
        selector: { matchLabels: this.selector },
        template: this.podTemplate({
          // Pod discovery reads the API with the ServiceAccount's token.
          apiAccess: true,
          annotations: Lazy.any({
            produce: () =>
              this.podAnnotations(
                this.renderConfig(),
                web,
                probeClient,
                ...Object.values(props.ruleFiles),
                ...(backup && objstore ? [objstore, sidecarClient] : []),
              ),
          }) as Record<string, string>,
          uid: 65534,
          replicas: config.replicas,
          containers: [
            {
              name: 'prometheus',
              args: [
                `--config.file=${CONFIG_DIR}/prometheus.yml`,
                `--storage.tsdb.path=${DATA_DIR}`,
                `--storage.tsdb.retention.time=${config.retention.time}`,
                `--storage.tsdb.retention.size=${config.retention.size}`,
                `--log.level=${props.common.logLevel}`,
                '--web.listen-address=0.0.0.0:9090',
                `--web.config.file=${CONFIG_DIR}/web.yml`,
                // Keeps exemplars (trace ids on histogram samples) so Grafana links metrics to traces.
                '--enable-feature=exemplar-storage',
                ...(backup ? BACKUP_PROMETHEUS_ARGS : []),
              ],
              // Prometheus 3 expands ${POD_NAME} in external labels by default (the v2 feature flag is gone).
              env: ha ? [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] : [],
              resources: config.resources,
              // The web port requires a client certificate, which kubelet probes cannot present: the
              // image's promtool asks /-/healthy and /-/ready with Prometheus' own certificate.
              livenessProbe: execProbe(promtoolProbe('healthy', this.port('web').port)),
              readinessProbe: execProbe(promtoolProbe('ready', this.port('web').port), {
                initialDelaySeconds: 5,
                periodSeconds: 5,
                failureThreshold: 60,
              }),
              volumeMounts: [
                ...['prometheus.yml', 'web.yml', 'probe-http.yml'].map((f) => ({
                  name: 'config',
                  mountPath: `${CONFIG_DIR}/${f}`,
                  subPath: f,
                  readOnly: true,
                })),
                { name: 'rules', mountPath: RULES_DIR, readOnly: true },
                { name: 'data', mountPath: DATA_DIR },
                { name: 'tmp', mountPath: '/tmp' },
                tls.mount,
                ...remoteWriteVolumes.map((v) => ({
                  name: v.name,
                  mountPath: `${REMOTE_WRITE_DIR}/${v.store}`,
                  readOnly: true,
                })),
              ],
            },
            ...(this.backup && backup
              ? [
                  {
                    // Its port is declared on the prometheus container (one pod network): a pod's named
                    // port is one target for Prometheus' pod discovery.
                    name: 'thanos-sidecar',
                    image: backupImage,
                    servesPorts: false,
                    args: [...this.backup.sidecarArgs],
                    env: credentials?.env ?? [],
                    resources: backup.resources,
                    // Its HTTP port requires a client certificate, which kubelet probes cannot present: TCP.
                    // By number: the kubelet looks a probe's named port up in the probed container's own
                    // ports, and this one's are declared on the prometheus container.
                    livenessProbe: {
                      tcpSocket: { port: k8s.IntOrString.fromNumber(this.port(SIDECAR_PORT).port) },
                      periodSeconds: 10,
                    },
                    readinessProbe: {
                      tcpSocket: { port: k8s.IntOrString.fromNumber(this.port(SIDECAR_PORT).port) },
                      periodSeconds: 10,
                    },
                    volumeMounts: [
                      ...['web.yml', 'thanos-client.yml'].map((f) => ({
                        name: 'config',
                        mountPath: `${CONFIG_DIR}/${f}`,
                        subPath: f,
                        readOnly: true,
                      })),
                      { name: 'backup', mountPath: BACKUP_CONFIG_DIR, readOnly: true },
                      ...(credentials?.mounts ?? []),
                      // It writes which blocks it shipped (thanos.shipper.json) beside them.
                      { name: 'data', mountPath: DATA_DIR },
                      tls.mount,
                    ],
                  },
                ]
              : []),
          ],
          volumes: [
            { name: 'config', configMap: { name: this.name } },
            { name: 'rules', configMap: { name: `${this.name}-rules` } },
            ...(backup ? [{ name: 'backup', configMap: { name: `${this.name}-backup` } }] : []),
            ...(credentials?.volumes ?? []),
            scratch('tmp'),
            tls.volume,
            ...remoteWriteVolumes.map((v) => v.volume),
          ],
        }),
        volumeClaimTemplates: [claimTemplate('data', config.storage, this.labels)],
      },
    });
    this.disruptionBudget(config.replicas);
  }

  /** Whether Thanos Query reads this Prometheus' sidecars (long-term query on). */
  public get queried(): boolean {
    return this.ports.some((p) => p.name === SIDECAR_GRPC_PORT);
  }

  /**
   * Each replica's sidecar StoreAPI, `host:port` under the governing headless Service: Thanos Query
   * must reach every replica (it deduplicates them), not one behind the Service's load balancing.
   */
  public sidecarEndpoints(from: Peer): string[] {
    return Array.from(
      { length: this.props.config.replicas },
      (_, i) =>
        this.endpoint(from, SIDECAR_GRPC_PORT, { service: `${this.name}-pods`, pod: `${this.name}-${i}` }).hostPort,
    );
  }

  /** The governing headless Service, with the sidecar's StoreAPI port, so each pod's name reaches it. */
  private sidecarsService(): string {
    const name = `${this.name}-pods`;
    this.service('PodsService', { name, headless: true, ports: [this.port(SIDECAR_GRPC_PORT)] });
    return name;
  }

  /** Adds a scrape job for a stack component; records the link. */
  public scrape(target: ScrapeTarget): void {
    if (this.rendered !== undefined) {
      throw new Error(`prometheus: scrape target '${target.component.name}' added after prometheus.yml was rendered`);
    }
    target.component.endpoint(this, target.port);
    this.targets.push(target);
  }

  /** The prometheus.yml this construct renders, as typed data. */
  public get configFile(): PrometheusConfigFile {
    const { config, common, alertmanager } = this.props;
    const ha = config.replicas > 1;
    return {
      global: {
        scrape_interval: config.scrapeInterval,
        evaluation_interval: config.evaluationInterval,
        external_labels: {
          cluster: common.cluster,
          environment: common.environment,
          // Each replica of an HA pair labels its series apart; Alertmanager deduplicates the alerts.
          ...(ha ? { replica: '${POD_NAME}' } : {}),
        },
      },
      rule_files: [`${RULES_DIR}/*.rules.yaml`],
      alerting: {
        ...(ha ? { alert_relabel_configs: [{ regex: 'replica', action: 'labeldrop' as const }] } : {}),
        alertmanagers: [
          {
            ...this.tlsFor(alertmanager.port('web')),
            api_version: 'v2',
            static_configs: [{ targets: alertmanager.peerEndpoints(this, 'web') }],
          },
        ],
      },
      scrape_configs: [
        ...this.targets.map((t) =>
          withScrapeLimits(this.componentJob(t), config.scrapeLimits, {
            samples: t.sampleLimit,
            givenLabels: t.givenLabels,
          }),
        ),
        ...this.clusterJobs().map((job) => withScrapeLimits(job, config.scrapeLimits)),
        ...(this.props.services ?? []).map((service) =>
          withScrapeLimits(serviceJob(service, this.tls), config.scrapeLimits),
        ),
        withScrapeLimits(annotatedPodsJob(common.namespace), config.scrapeLimits),
      ],
      ...(config.remoteWrite.length > 0
        ? { remote_write: config.remoteWrite.map((store) => remoteWrite(store, `${REMOTE_WRITE_DIR}/${store.name}`)) }
        : {}),
    };
  }

  /** The rendered prometheus.yml. */
  public renderConfig(): string {
    this.rendered ??= toYaml(this.configFile);
    return this.rendered;
  }

  /** Hash of the rendered configuration, for tests and annotations. */
  public get configHash(): string {
    return contentHash(this.renderConfig());
  }

  /** The jobs of what the stack scrapes but does not run: the kubelets, their cAdvisor, cert-manager. */
  private clusterJobs(): ScrapeConfig[] {
    const { kubelet, certManagerNamespace } = this.props;
    return [
      ...(kubelet
        ? [
            kubeletJob(CLUSTER_JOBS.kubelet, '/metrics', kubelet.keep.kubelet, kubelet.verifyTls),
            kubeletJob(CLUSTER_JOBS.cadvisor, '/metrics/cadvisor', kubelet.keep.cadvisor, kubelet.verifyTls),
          ]
        : []),
      ...(certManagerNamespace !== undefined ? [certManagerJob(certManagerNamespace)] : []),
    ];
  }

  private componentJob(target: ScrapeTarget): ScrapeConfig {
    const c = target.component;
    return {
      job_name: target.job ?? c.name,
      // Targets are pod IPs: verify the certificate against the component's Service name.
      ...this.tlsFor(c.port(target.port), c.host),
      ...(target.path && target.path !== '/metrics' ? { metrics_path: target.path } : {}),
      ...(target.params ? { params: target.params } : {}),
      ...(target.honorLabels ? { honor_labels: true } : {}),
      // Every pod of the component, not one behind the Service's load balancing.
      kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: [c.namespace] } }],
      relabel_configs: [
        { source_labels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'], regex: c.name, action: 'keep' },
        { source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: target.port, action: 'keep' },
        // The target's namespace and pod, except where the series are other pods' (honor_labels: the
        // agents' metrics, which the gateway labels with the app's namespace and pod).
        ...(target.honorLabels
          ? []
          : [
              { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace', action: 'replace' as const },
              { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod', action: 'replace' as const },
            ]),
        ...(target.nodeLabel
          ? [{ source_labels: ['__meta_kubernetes_pod_node_name'], target_label: 'node', action: 'replace' as const }]
          : []),
      ],
    };
  }

  /**
   * A platform's service job that is not sound alone, takes a job name already used, or points into a
   * namespace of the stack's own (paths under /scrapeTargets).
   */
  private servicesProblems(): string[] {
    const problems: string[] = [];
    const taken = new Set([
      ...this.targets.map((t) => t.job ?? t.component.name),
      ...this.clusterJobs().map((j) => j.job_name),
      ANNOTATED_PODS_JOB,
    ]);
    const own = [...new Set(this.targets.map((t) => t.component.namespace))];
    (this.props.services ?? []).forEach((t, i) => {
      const at = `/scrapeTargets/${i}`;
      if (taken.has(t.job))
        problems.push(
          `${at}/job: must differ from the stack's jobs and the other targets' (${[...taken].join(', ')}), got ${show(t.job)}`,
        );
      taken.add(t.job);
      if ((t.port === undefined) === (t.portName === undefined))
        problems.push(`${at}: must give port (a number) or portName, not ${t.port === undefined ? 'neither' : 'both'}`);
      if (t.tls && t.scheme === 'http') problems.push(`${at}/scheme: must be https (or left out) with tls, got "http"`);
      if (own.includes(t.namespace))
        problems.push(
          `${at}/namespace: must be the platform's, not one of the stack's own (${own.join(', ')}), got ${show(t.namespace)}`,
        );
      const labels = Object.keys(t.matchLabels);
      if (labels.length === 0)
        problems.push(`${at}/matchLabels: must name at least one label, or every pod of the namespace is the target`);
      for (const label of labels)
        if (!LABEL_KEY.test(label))
          problems.push(`${at}/matchLabels: ${show(label)} must be a label key like app.kubernetes.io/name`);
    });
    return problems;
  }

  /** Per-job scrape limits naming no job this Prometheus has (paths under /prometheus/scrapeLimits). */
  private limitsProblems(): string[] {
    const jobs = [
      ...this.targets.map((t) => t.job ?? t.component.name),
      ...this.clusterJobs().map((j) => j.job_name),
      ...(this.props.services ?? []).map((t) => t.job),
      ANNOTATED_PODS_JOB,
    ];
    return Object.keys(this.props.config.scrapeLimits.jobs).flatMap((job) =>
      jobs.includes(job)
        ? []
        : [`/prometheus/scrapeLimits/jobs/${job}: no scrape job is named so (expected one of: ${jobs.join(', ')})`],
    );
  }

  /** `scheme` and `tls_config` for a target port, following the server's TLS. */
  private tlsFor(port: PortSpec, serverName?: string): { scheme?: 'https'; tls_config?: TlsConfig } {
    const tlsConfig = prometheusClientTls(this.tls, port, serverName);
    return tlsConfig ? { scheme: 'https', tls_config: tlsConfig } : {};
  }

  /**
   * Discovery (pods, services, endpoints) cluster-wide, read-only; with the kubelets scraped, the node
   * list and `get` on `nodes/metrics`, which the kubelet asks for /metrics and /metrics/cadvisor (not
   * `nodes/proxy`, which would also allow exec through the kubelet).
   */
  private rbac(): void {
    this.clusterRole('Discovery', [
      { apiGroups: [''], resources: ['pods', 'services', 'endpoints'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
      ...(this.props.kubelet
        ? [
            { apiGroups: [''], resources: ['nodes'], verbs: ['list', 'watch'] },
            { apiGroups: [''], resources: ['nodes/metrics'], verbs: ['get'] },
          ]
        : []),
    ]);
  }
}

/** The probe command: promtool in the image asks Prometheus over mTLS with the pod's own certificate. */
function promtoolProbe(check: 'healthy' | 'ready', port: number): string[] {
  return [
    'promtool',
    'check',
    check,
    `--url=https://127.0.0.1:${port}`,
    `--http.config.file=${CONFIG_DIR}/probe-http.yml`,
  ];
}

/** What Prometheus would refuse, or a retention its volume cannot hold (paths under /prometheus). */
export function prometheusProblems(prometheus: PrometheusConfig): string[] {
  const problems: string[] = [];
  const { retention, evaluationInterval, storage } = prometheus;
  if (durationSeconds(retention.time) < 2 * 3600) {
    problems.push(`/prometheus/retention/time: must be at least the 2h block duration, got ${show(retention.time)}`);
  } else if (durationSeconds(evaluationInterval) > durationSeconds(retention.time)) {
    problems.push(
      `/prometheus/evaluationInterval: must not be longer than /prometheus/retention/time (${retention.time}), got ${show(evaluationInterval)}`,
    );
  }
  // Prometheus' sizes are powers of 2 (1GB = 1024 MB), as Kubernetes' Gi.
  const [, count = '', unit = ''] = /^([0-9]+)(B|KB|MB|GB|TB|PB)$/.exec(retention.size)!;
  const sizeBytes = Number(count) * 1024 ** ['B', 'KB', 'MB', 'GB', 'TB', 'PB'].indexOf(unit);
  if (sizeBytes > quantityAmount(storage.size)) {
    problems.push(
      `/prometheus/retention/size: must fit /prometheus/storage/size (${storage.size}), or the volume fills before the oldest blocks go, got ${show(retention.size)}`,
    );
  }
  return problems;
}
