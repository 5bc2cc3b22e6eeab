/**
 * The one typed configuration of the stack. `schema.json` beside this file is generated from these
 * types (`npm run schema`) and a test fails when the two drift.
 *
 * JSDoc tags `@pattern`, `@minimum`, ... become JSON Schema keywords; keep them on the aliases below
 * so every field of a kind is checked the same way.
 */

/**
 * A Prometheus-style duration: 30s, 5m, 2h, 7d, 1w.
 * @pattern ^[0-9]+(ms|s|m|h|d|w|y)$
 */
export type Duration = string;

/**
 * A Kubernetes quantity for CPU: 100m, 0.5, 2.
 * @pattern ^([0-9]+m|[0-9]+(\.[0-9]+)?)$
 */
export type CpuQuantity = string;

/**
 * A Kubernetes quantity in bytes: 512Mi, 2Gi, 100Gi. Not 0, and at most six digits, so it fits the
 * API server's 64-bit integers.
 * @pattern ^[1-9][0-9]{0,5}(Ki|Mi|Gi|Ti)$
 */
export type ByteQuantity = string;

/**
 * A Prometheus size: 512MB, 40GB, 1TB.
 * @pattern ^[0-9]+(B|KB|MB|GB|TB|PB)$
 */
export type ByteSize = string;

/**
 * A DNS-1123 label (Kubernetes object and namespace names).
 * @pattern ^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$
 */
export type DnsLabel = string;

/**
 * A DNS-1123 subdomain (StorageClass and ClusterIssuer names).
 * @pattern ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$
 * @maxLength 253
 */
export type DnsSubdomain = string;

/**
 * A key of a Kubernetes Secret: letters, digits, `-`, `_` and `.`.
 * @pattern ^[-._a-zA-Z0-9]+$
 * @maxLength 253
 */
export type SecretKey = string;

/**
 * A label value: empty, or at most 63 letters, digits, `-`, `_` and `.`, beginning and ending with a
 * letter or digit.
 * @pattern ^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$
 */
export type LabelValue = string;

/**
 * A replica count.
 * @minimum 1
 * @maximum 15
 * @asType integer
 */
export type Replicas = number;

/**
 * A JVM heap size: 512m, 4g.
 * @pattern ^[0-9]+[mg]$
 */
export type JvmHeap = string;

/**
 * A host and port: smtp.example.com:587.
 * @pattern ^[^:\s]+:[0-9]+$
 */
export type HostPort = string;

/**
 * An Elasticsearch byte size: 50gb, 512mb.
 * @pattern ^[0-9]+(b|kb|mb|gb|tb)$
 */
export type EsByteSize = string;

/**
 * A data stream dataset name: lower-case letters, digits and underscores.
 * @pattern ^[a-z0-9_]{1,40}$
 */
export type DatasetName = string;

/** The name of a profile that tunes defaults for an environment. */
export type ProfileName = 'dev' | 'staging' | 'production';

/** Log verbosity shared by every component that has one. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** A key in a Kubernetes Secret that the user creates; synth never writes secret values. */
export interface SecretKeyRef {
  /** Name of the Secret in the stack's namespace. */
  secretName: DnsLabel;
  /** Key inside the Secret. */
  key: SecretKey;
}

/** A username/password pair stored in one Secret. */
export interface CredentialsRef {
  /** Name of the Secret in the stack's namespace. */
  secretName: DnsLabel;
  /** Key holding the username. */
  usernameKey: SecretKey;
  /** Key holding the password. */
  passwordKey: SecretKey;
}

/** Container resources. */
export interface Resources {
  requests: { cpu: CpuQuantity; memory: ByteQuantity };
  limits: { cpu?: CpuQuantity; memory: ByteQuantity };
}

/** A persistent volume claim. */
export interface Storage {
  /** Size of the claim. */
  size: ByteQuantity;
  /** StorageClass; omitted means the cluster's default class. */
  storageClass?: DnsSubdomain;
}

/** Settings every component reads. */
export interface CommonConfig {
  /** Namespace the whole stack lives in. */
  namespace: DnsLabel;
  /** Cluster name: Prometheus `external_labels.cluster`, Logstash enrichment. */
  cluster: string;
  /** Environment name: Prometheus `external_labels.environment`, Logstash enrichment. */
  environment: string;
  /** Log level of every component. */
  logLevel: LogLevel;
}

/**
 * An attribute name or a word of one: letters, digits, `_`, `.` and `-` (it is placed in OTTL
 * statements, so nothing that could end a string).
 * @pattern ^[A-Za-z0-9_.-]+$
 */
export type AttributeName = string;

/**
 * A registry host (with an optional port) and path prefix that mirrors the stack's images, like
 * `registry.internal:5000/mirror`: no scheme, no trailing `/`. The host has a `.` or a port, or is
 * `localhost`: a runtime reads any other first word as a Docker Hub namespace.
 * @pattern ^((localhost|[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)+)(:[0-9]+)?|[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?:[0-9]+)(/[a-z0-9]+([._-][a-z0-9]+)*)*$
 */
export type ImageRegistry = string;

/**
 * A content digest of an image manifest (or index): `sha256:` and 64 lower-case hex digits.
 * @pattern ^sha256:[a-f0-9]{64}$
 */
export type ImageDigest = string;

/** A digest per image of the stack, by its key in src/lib/images.ts (IMAGES). */
export interface ImageDigests {
  collector?: ImageDigest;
  prometheus?: ImageDigest;
  alertmanager?: ImageDigest;
  grafana?: ImageDigest;
  jaeger?: ImageDigest;
  nodeExporter?: ImageDigest;
  kubeStateMetrics?: ImageDigest;
  elasticsearchExporter?: ImageDigest;
  jsonExporter?: ImageDigest;
  thanos?: ImageDigest;
  elasticsearch?: ImageDigest;
  logstash?: ImageDigest;
  kibana?: ImageDigest;
}

/**
 * Where the images are pulled from (air-gapped clusters): every container, init container and Job of
 * the stack. docs/deploying.md, "Air-gapped clusters", shows how to mirror them and resolve the digests.
 */
export interface ImagesConfig {
  /**
   * A mirror that replaces each image's registry host, keeping its path:
   * `docker.io/grafana/grafana:12.4.3` is pulled as `<registry>/grafana/grafana:12.4.3`.
   * @default - each image's own registry
   */
  registry?: ImageRegistry;
  /**
   * Pull these images by digest: `<image>:<tag>@sha256:...` (the kubelet pulls the digest; the tag
   * stays for people reading a diff).
   */
  digests: ImageDigests;
}

/** Tail sampling in the gateway: a trace is kept when any rule keeps it (seed 000 §18.3, seed 002). */
export interface TraceSamplingConfig {
  /** Keep every trace that has a span with status ERROR. */
  keepErrors: boolean;
  /**
   * Keep every trace in which a tool call failed: an `execute_tool` span (GenAI semantic conventions)
   * with status ERROR or an `error.type` attribute. Beside `keepErrors` it adds the tool errors recorded
   * without an ERROR status, and it stays when `keepErrors` is turned off.
   */
  keepToolErrors: boolean;
  /**
   * Keep every trace with one span, a model call, that used more than this many tokens
   * (`gen_ai.usage.input_tokens` + `gen_ai.usage.output_tokens`). Per span: the gateway cannot add up a
   * trace's calls, so an agent run of many calls each under it is not kept by it, unless an
   * `invoke_agent` span reports the run's total. 0 turns the rule off.
   * @minimum 0 @asType integer
   */
  tokensPerCallAbove: number;
  /**
   * Keep every trace of an agent loop (a trace with an `invoke_agent` or an `execute_tool` span) that
   * has more than this many spans: the gateway's measure of agent-loop iterations. It counts every span
   * of the trace, the model and tool calls and the agent span and also the HTTP or database spans they
   * make, because the gateway cannot count only the spans of one kind. 0 turns the rule off.
   * @minimum 0 @maximum 2147483646 @asType integer
   */
  agentTraceSpansAbove: number;
  /** Keep every trace that lasts longer than this. */
  latencyThreshold: Duration;
  /** Percentage of the other traces kept. @minimum 0 @maximum 100 */
  percentage: number;
  /**
   * How long after a trace's first span the gateway decides at the latest: for a trace whose root span
   * (the span without a parent) has not arrived by then, such as one started by a caller that sends
   * no telemetry.
   */
  decisionWait: Duration;
  /**
   * How long after a trace's root span arrives the gateway decides, when that is earlier than
   * `decisionWait`: the root ends last, so by then the trace is whole except for spans other services
   * have yet to export (an OpenTelemetry SDK exports every 5 s by default). A span that arrives after
   * its trace was decided follows the decision (the gateway remembers the last `maxTraces` kept and as
   * many dropped traces). Must be shorter than `decisionWait`.
   */
  decisionWaitAfterRoot: Duration;
  /**
   * Traces a gateway replica holds while they wait for their decision; beyond it the oldest is dropped
   * undecided (the collector counts it as dropped too early). The default leaves the memory limit,
   * where the gateway refuses data and its senders retry, to bind first: a trace held costs at least
   * 4 KiB. Also the number of kept, and of dropped, decisions remembered for late spans.
   * @minimum 1 @asType integer
   * @default - one per 4 KiB of `collector.resources.limits.memory`
   */
  maxTraces?: number;
}

/**
 * The share of log records the gateway keeps, in percent, by severity (seed 000 §18.3: INFO 10%,
 * DEBUG 0.1%). WARN, ERROR and FATAL records, and every record of an exempt stream, are always kept.
 * A record with a trace ID is kept or dropped as the other records of its trace at its severity.
 */
export interface LogSamplingConfig {
  /** Percentage of TRACE and DEBUG records kept. @exclusiveMinimum 0 @maximum 100 */
  debug: number;
  /** Percentage of INFO records kept. @exclusiveMinimum 0 @maximum 100 */
  info: number;
  /**
   * Percentage of records without a severity kept: container stdout and stderr lines carry none, and
   * an error among them cannot be told apart. @exclusiveMinimum 0 @maximum 100
   */
  unspecified: number;
  /**
   * Log streams (`retention.streams` names) whose records are all kept, whatever their severity: a
   * record is in the stream its `data_stream.dataset` names, as Logstash routes it. Left out: every
   * `sox` stream.
   * @uniqueItems true
   * @default - every `sox` stream (financial and audit records, such as the default `audit` stream)
   */
  exemptStreams?: DatasetName[];
}

/** PII removed before anything is stored, from span attributes, log attributes and log bodies (seed 000 §18.2, seed 001). */
export interface RedactionConfig {
  enabled: boolean;
  /** E-mail addresses: replaced by a SHA-256 hash, replaced by a marker, or kept. */
  emails: 'hash' | 'remove' | 'keep';
  /** IPv4 addresses: last octet zeroed, or kept. */
  ipv4: 'zero-last-octet' | 'keep';
  /** Attributes whose values are replaced by a SHA-256 pseudonym (user identifiers). */
  pseudonymize: AttributeName[];
  /** Attributes whose name contains any of these words (case-insensitive) are removed. */
  removeAttributesNamed: AttributeName[];
}

/** Exporter queues persisted on a volume, so a backend outage loses nothing that fits. */
export interface CollectorQueueConfig {
  /** Volume for the persistent sending queues (one per gateway replica). */
  storage: Storage;
  /** Keep retrying a batch this long before dropping it. */
  retryFor: Duration;
}

/** The collector agent DaemonSet: container logs and node-local OTLP, forwarded to the gateway. */
export interface CollectorAgentConfig {
  /**
   * Namespace of the agent: it reads the node's log files (hostPath), which the stack namespace's
   * "restricted" Pod Security Standard forbids, so it runs in its own namespace labeled "privileged".
   * @default - `<common.namespace>-agent`
   */
  namespace?: DnsLabel;
  resources: Resources;
}

/**
 * Request, error and duration metrics of every span the gateway receives, counted before tail
 * sampling keeps a share of them (so the rates are not biased by it): per service, span name, kind and
 * status, and the dimensions below (issue 14; seed 003's span error rate).
 */
export interface SpanMetricsConfig {
  enabled: boolean;
  /**
   * Span (or resource) attributes each series is also split by, each a label of the same name with
   * `_` for `.`. The defaults are the GenAI conventions' operation, agent, tool, model and error type.
   */
  dimensions: AttributeName[];
  /**
   * Distinct label sets per service and metric, per gateway replica; past it, new ones add to one
   * series labelled `otel_metric_overflow="true"`, so a span name holding an id cannot explode the
   * series count. @minimum 1 @maximum 100000 @asType integer
   */
  cardinalityLimit: number;
}

/**
 * A HorizontalPodAutoscaler for the gateway (autoscaling/v2, on CPU and optionally memory). It needs
 * the resource metrics API (metrics-server). docs/deploying.md, "Gateway autoscaling", says what a
 * resize re-maps.
 */
export interface CollectorAutoscalingConfig {
  /** The HPA owns the replica count, and `collector.replicas` is not rendered. */
  enabled: boolean;
  /** At least 2: the gateway keeps its trace-ID routing tier at every size. */
  minReplicas: Replicas;
  maxReplicas: Replicas;
  /** Average CPU use, in percent of the request, that the HPA keeps the replicas at. @minimum 10 @maximum 100 @asType integer */
  targetCpuPercent: number;
  /**
   * Average memory use, in percent of the request, that also scales up. @minimum 10 @maximum 100 @asType integer
   * @default - CPU only
   */
  targetMemoryPercent?: number;
}

export interface CollectorConfig {
  /** The gateway's replicas; with `autoscaling.enabled`, the HPA's to choose. */
  replicas: Replicas;
  /** Off by default: it needs metrics-server, and each resize re-maps part of the trace routing. */
  autoscaling: CollectorAutoscalingConfig;
  resources: Resources;
  /** Batch size the gateway sends per request. @minimum 1 @asType integer */
  batchSize: number;
  sampling: TraceSamplingConfig;
  /** Log records kept by severity in the gateway (seed 000 §18.3). */
  logSampling: LogSamplingConfig;
  /**
   * The resource attributes an app's OpenTelemetry metrics carry as labels, by label name (seed 000
   * §18.3); every other resource attribute (pod UIDs, process IDs, SDK versions) stays in the
   * exporter's `target_info` series. A file's entries add to the defaults, which are what the alert
   * packs and dashboards select and group by (`namespace`, `pod`).
   */
  resourceLabels: Record<string, AttributeName>;
  redaction: RedactionConfig;
  spanMetrics: SpanMetricsConfig;
  queue: CollectorQueueConfig;
  agent: CollectorAgentConfig;
}

export interface PrometheusConfig {
  replicas: Replicas;
  resources: Resources;
  storage: Storage;
  scrapeInterval: Duration;
  evaluationInterval: Duration;
  retention: {
    /** Keep samples this long. */
    time: Duration;
    /** Delete oldest blocks beyond this size; keep it below the volume size. */
    size: ByteSize;
  };
  /** What one scrape may bring in (seed 000 §18.3): past a limit the target's whole scrape fails (`up` 0). */
  scrapeLimits: ScrapeLimitsConfig;
  /**
   * Prometheus' blocks uploaded to an S3 bucket by a Thanos sidecar as Prometheus writes them, and
   * deleted from it past `keep` by a daily job (seed 000 §18.4); docs/recovery.md restores them.
   */
  backup: PrometheusBackupConfig;
  /**
   * Stores Prometheus also writes every sample to as it ingests them (remote write): Thanos Receive,
   * Mimir, Cortex or any other, each over HTTPS with credentials read from mounted Secrets.
   */
  remoteWrite: RemoteWriteConfig[];
  /**
   * Long-term and global queries: Thanos Query over every Prometheus replica's sidecar (recent data,
   * deduplicated across replicas) and a Thanos Store Gateway over the backup's bucket (the uploaded
   * blocks). It reads the bucket `backup` names, so it needs `backup.enabled`. Grafana gets it as the
   * datasource "Thanos".
   */
  longTermQuery: LongTermQueryConfig;
}

/** Thanos Query and Store Gateway, reading the backup's bucket. */
export interface LongTermQueryConfig {
  /** Run them (needs `prometheus.backup.enabled`: the bucket and its uploads are the backup's). */
  enabled: boolean;
  /** Thanos Query: the PromQL endpoint over the sidecars and the Store Gateway. */
  query: { replicas: Replicas; resources: Resources };
  /**
   * The Store Gateway: serves the bucket's blocks; its volume caches their index headers. A quarter
   * of its memory limit is its index cache.
   */
  storeGateway: { resources: Resources; storage: Storage };
}

/** One remote-write store (Prometheus' `remote_write` entry). */
export interface RemoteWriteConfig {
  /**
   * Its name: `remote_name` in Prometheus' remote-storage metrics and the folder its Secrets are mounted in.
   * @pattern ^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$
   */
  name: string;
  /**
   * The store's write endpoint, HTTPS, e.g. `https://mimir.example.com/api/v1/push`.
   * @pattern ^https://[^/\s:@]+(:[0-9]{1,5})?(/\S*)?$
   */
  url: string;
  /** How Prometheus checks the store's certificate, and the certificate it presents. @default - the system's CAs, no client certificate */
  tls?: RemoteWriteTls;
  /** HTTP basic auth, user name and password read from files of the Secret. */
  basicAuth?: CredentialsRef;
  /** A bearer token (`Authorization: Bearer`), read from a file of the Secret. */
  bearerToken?: SecretKeyRef;
  /** Headers sent with every request, e.g. `X-Scope-OrgID` (a Mimir or Cortex tenant). Not credentials: use basicAuth or bearerToken. */
  headers?: Record<string, string>;
  /** The sending queue (Prometheus' `queue_config`); unset fields keep Prometheus' defaults. */
  queue?: RemoteWriteQueue;
  /** Relabelling applied to each series before it is sent: `drop` or `keep` series, drop labels. */
  writeRelabel?: RelabelRule[];
}

/** TLS towards a remote-write store. */
export interface RemoteWriteTls {
  /** The CA that signed the store's certificate, from a Secret; omitted: the system's CAs. */
  ca?: SecretKeyRef;
  /** A client certificate and its key, for a store that requires one. */
  clientCertificate?: { cert: SecretKeyRef; key: SecretKeyRef };
  /** The name to verify on the store's certificate, when it is not the URL's host. */
  serverName?: string;
}

/** Prometheus' remote-write queue; see its `queue_config`. */
export interface RemoteWriteQueue {
  /** Samples buffered per shard. @minimum 1 @asType integer */
  capacity?: number;
  /** @minimum 1 @asType integer */
  minShards?: number;
  /** @minimum 1 @asType integer */
  maxShards?: number;
  /** Samples per request. @minimum 1 @asType integer */
  maxSamplesPerSend?: number;
  /** A shard sends what it holds after this long even if the batch is not full. */
  batchSendDeadline?: Duration;
  /** Retry backoff. */
  minBackoff?: Duration;
  maxBackoff?: Duration;
}

/** One relabelling step, as Prometheus' `relabel_configs` (its fields in camel case). */
export interface RelabelRule {
  /** @default replace */
  action?: 'replace' | 'keep' | 'drop' | 'labeldrop' | 'labelkeep' | 'labelmap';
  sourceLabels?: string[];
  separator?: string;
  /** An RE2 regular expression, anchored at both ends. @default (.*) */
  regex?: string;
  targetLabel?: string;
  replacement?: string;
}

/**
 * Prometheus' data in an S3 bucket (seed 000 §18.4), uploaded by a Thanos sidecar: each two-hour block
 * as Prometheus writes it, so a lost volume loses at most the last two to three hours. Local compaction
 * is off while it is on (Thanos' sidecar needs it so). A daily job deletes the bucket's blocks older
 * than `keep`. See docs/recovery.md for restoring.
 */
export interface PrometheusBackupConfig {
  /** Run the sidecar and the retention job (needs `s3`). */
  enabled: boolean;
  /** Required when enabled: the bucket and its credentials are yours to create. */
  s3?: S3BucketConfig;
  /**
   * Blocks are kept in the bucket this long (seed 000 §18.4: seven daily snapshots). What a restore
   * brings back: at most this much history.
   */
  keep: Duration;
  /** When the daily job that deletes older blocks runs: a CronJob schedule, in UTC (seed 000 §18.4: 02:00). */
  schedule: string;
  /** The sidecar's resources: it reads each new block from the volume and streams it to the bucket. */
  resources: Resources;
}

/** An S3 (or S3-compatible) bucket. */
export interface S3BucketConfig {
  /** The bucket's name. */
  bucket: string;
  /** The S3 API's host and optional port, without a scheme (it is always HTTPS), e.g. `s3.eu-west-1.amazonaws.com`. */
  endpoint: string;
  /** The bucket's region; omitted: asked of the endpoint. */
  region?: string;
  /**
   * Objects go under this key prefix (default `prometheus/<cluster>/<environment>`, so stacks sharing
   * a bucket keep apart: retention and restore act on everything under the prefix).
   */
  prefix?: string;
  /**
   * A Secret in the stack's namespace whose key `credentials` is an AWS shared credentials file (a
   * `[default]` section with `aws_access_key_id` and `aws_secret_access_key`, as Velero's), mounted
   * as a file. Required: a cloud identity (IRSA, the node's instance profile) needs a ServiceAccount
   * annotation and egress to the metadata endpoint, which the stack does not render yet.
   */
  credentialsSecret: DnsSubdomain;
}

/** Limits on one scrape of one target; 0 turns a limit off. */
export interface ScrapeLimits {
  /** Series one scrape may return, after metric relabelling (`sample_limit`). @minimum 0 @asType integer */
  samples: number;
  /**
   * Labels a series may carry of its own (seed 000 §18.3: 10), besides its name, `le` or `quantile`
   * and the labels its job gives it (`label_limit` is rendered as their sum; a job that copies pod
   * labels, `kubernetes-pods`, gets none).
   * @minimum 0 @asType integer
   */
  labels: number;
  /** Characters a label value may have, the metric name's included (`label_value_length_limit`). @minimum 0 @asType integer */
  labelValueLength: number;
}

export interface ScrapeLimitsConfig extends ScrapeLimits {
  /** Limits of single jobs over the ones above, by job name (the stack's, `agents`, `kubernetes-pods`, a scrape target's). */
  jobs: Record<string, Partial<ScrapeLimits>>;
}

/** One label matcher in Alertmanager's `matchers` syntax, e.g. `severity="critical"`. */
export type Matcher = string;

export interface SlackReceiver {
  /** Incoming-webhook URL (it embeds a token, so it is a Secret). */
  apiUrl: SecretKeyRef;
  channel: string;
  /** Also notify when the alert resolves. */
  sendResolved?: boolean;
}

export interface PagerDutyReceiver {
  /** Events API v2 routing (integration) key. */
  routingKey: SecretKeyRef;
}

export interface EmailReceiver {
  /** @minLength 1 */
  to: string;
  from: string;
  /** SMTP server. */
  smarthost: HostPort;
  authUsername?: string;
  authPassword?: SecretKeyRef;
  requireTls?: boolean;
}

export interface OpsgenieReceiver {
  apiKey: SecretKeyRef;
}

export interface WebhookReceiver {
  /** Target URL (may embed a token, so it is a Secret). */
  url: SecretKeyRef;
}

/** A named receiver with one or more integrations. */
export interface Receiver {
  /** @minLength 1 */
  name: string;
  slack?: SlackReceiver[];
  pagerduty?: PagerDutyReceiver[];
  email?: EmailReceiver[];
  opsgenie?: OpsgenieReceiver[];
  webhook?: WebhookReceiver[];
}

/** A node of the Alertmanager routing tree. */
export interface Route {
  receiver?: string;
  matchers?: Matcher[];
  groupBy?: string[];
  groupWait?: Duration;
  groupInterval?: Duration;
  repeatInterval?: Duration;
  continue?: boolean;
  routes?: Route[];
}

/** A route added ahead of the tree's own (`alertmanager.extraRoutes`): it names a receiver. */
export interface ExtraRoute extends Route {
  /** A receiver of `receivers` or `extraReceivers`. */
  receiver: string;
  /**
   * Whether the routes after it still get its alerts. `false` takes them from the tree's own routes
   * (a critical alert it matches would page no one through `critical`). @default true
   */
  continue?: boolean;
}

export interface InhibitRule {
  sourceMatchers: Matcher[];
  targetMatchers: Matcher[];
  equal: string[];
}

export interface AlertmanagerConfig {
  /** 1, or 3 and more for a gossip cluster (2 cannot keep quorum). */
  replicas: Replicas;
  resources: Resources;
  storage: Storage;
  /** The root route; it must name a receiver. */
  route: Route & { receiver: string };
  receivers: Receiver[];
  inhibitRules: InhibitRule[];
  /**
   * Receivers added to `receivers`, which stay as they are (setting `receivers` replaces the list); a
   * name must be unique across both. @default []
   */
  extraReceivers?: Receiver[];
  /**
   * Routes added ahead of `route.routes`, which stay as they are (setting `route` replaces the tree).
   * Each continues by default, so the routes after it still get its alerts. @default []
   */
  extraRoutes?: ExtraRoute[];
  /** Where the always-firing `Watchdog` alert goes: proof that the alerting path works. */
  deadMansSwitch: DeadMansSwitchConfig;
}

/**
 * The dead man's switch: the `Watchdog` alert always fires, and its own route (ahead of the tree) sends
 * it to the receiver `watchdog` every `interval`. A service outside the cluster that takes a ping at a
 * secret URL (healthchecks.io, Dead Man's Snitch) pages you when the pings stop.
 */
export interface DeadMansSwitchConfig {
  /** The switch's webhook; omitted: the `watchdog` receiver notifies nobody until you give one. */
  webhook?: WebhookReceiver;
  /** How often Watchdog is sent; set the switch's period above twice this. */
  interval: Duration;
}

/**
 * An HTTPS URL with a host: no spaces, and none of `#` or `;`, which would end a grafana.ini value.
 * @pattern ^https://[^\s/#;]+(/[^\s#;]*)?$
 */
export type HttpsUrl = string;

/**
 * A word of an INI value: no line breaks, `#` or `;`.
 * @pattern ^[^\r\n#;]+$
 */
export type IniValue = string;

/**
 * Grafana sign-in with an OpenID Connect provider (Grafana's generic OAuth). Every user it signs up
 * is a Viewer unless `roleAttributePath` gives another role; none becomes a Grafana server admin.
 */
export interface GrafanaSsoConfig {
  /** Grafana's address in people's browsers; the provider sends them back to `<rootUrl>/login/generic_oauth`. */
  rootUrl: HttpsUrl;
  /** The label of the sign-in button. @default 'SSO' */
  name?: IniValue;
  clientId: IniValue;
  /** The client secret, read from this Secret key as a file; never in the config. */
  clientSecret: SecretKeyRef;
  /** The provider's authorization endpoint (the browser goes there). */
  authUrl: HttpsUrl;
  /** The provider's token endpoint (Grafana calls it: the NetworkPolicy allows its port). */
  tokenUrl: HttpsUrl;
  /** The provider's UserInfo endpoint (Grafana calls it too). */
  userInfoUrl: HttpsUrl;
  /** @default ['openid', 'email', 'profile'] */
  scopes?: AttributeName[];
  /**
   * A JMESPath over the ID token and UserInfo claims giving `Viewer`, `Editor` or `Admin`, such as
   * `contains(groups[*], 'sre') && 'Editor' || 'Viewer'`. @default - every user is a Viewer
   */
  roleAttributePath?: IniValue;
  /** Refuse sign-in when `roleAttributePath` gives no valid role, rather than making the user a Viewer. @default false */
  roleAttributeStrict?: boolean;
}

export interface GrafanaConfig {
  resources: Resources;
  storage: Storage;
  /** Admin user and password; the Secret is created by you. */
  admin: CredentialsRef;
  /** Elasticsearch user the logs and traces datasources read as. */
  elasticsearch: CredentialsRef;
  /** Single sign-on with an OpenID Connect provider. @default - off: the admin user only */
  sso?: GrafanaSsoConfig;
}

export interface JaegerConfig {
  replicas: Replicas;
  resources: Resources;
  /** Prefix of Jaeger's indices in Elasticsearch. */
  indexPrefix: DnsLabel;
  /** Elasticsearch user Jaeger writes and reads spans as. */
  elasticsearch: CredentialsRef;
}

export interface ElasticsearchConfig {
  /** 1 (single node) or 3+ (master-eligible data nodes). */
  replicas: Replicas;
  resources: Resources;
  storage: Storage;
  /** JVM heap, about half the memory limit. */
  heap: JvmHeap;
  /** Password of the built-in `elastic` superuser; used only by the bootstrap Job. */
  elasticPassword: SecretKeyRef;
  /**
   * A pool of warm data nodes (node role `data_warm`) beside the nodes above, which then form the hot
   * tier (`master`, `data_hot`, `data_content`, `ingest`): ILM moves a log index to the warm nodes in
   * its warm phase, and keeps it there when it turns cold. @default - none: one pool, each node holds every tier
   */
  warm?: ElasticsearchPoolConfig;
  /**
   * Replica shards of a log index in each ILM phase (seed 000 §18.3: hot 2, warm 1, cold 0); each must
   * be fewer than the nodes of the tier that holds the phase (cold indices stay on the warm nodes).
   * @default - with `warm`: as many as the tier's nodes hold, up to hot 2, warm 1, cold 0; else 1 when there are 2+ nodes, 0 on one
   */
  shardReplicas?: ShardReplicasConfig;
  /**
   * An existing Elasticsearch cluster the stack uses instead of deploying one: every client (Logstash,
   * Jaeger and its index cleaner, Kibana, Grafana, the exporter) connects to it, and the bootstrap Job
   * still applies users, roles, ILM policies, index templates and snapshot lifecycle there. The keys
   * above that size our own nodes (replicas, resources, storage, heap, elasticPassword, warm) are then
   * unused. @default - none: the stack deploys Elasticsearch
   */
  external?: ExternalElasticsearchConfig;
  /**
   * A license from Elastic (the JSON file as Elastic sends it, in a Secret), which the bootstrap Job
   * installs (`PUT /_license`); `kibana.sso` needs Platinum or Enterprise. @default - none: the basic license
   */
  license?: SecretKeyRef;
  /**
   * Elastic's operator (ECK) runs the cluster: the stack renders an ECK `Elasticsearch` resource
   * (elasticsearch.k8s.elastic.co/v1) instead of its own StatefulSets, one nodeSet per pool above
   * (replicas, resources, storage, heap, warm), serving the stack's certificate so clients keep
   * trusting the stack's CA. ECK creates the `elastic` user (elasticPassword is then unused); the
   * bootstrap Job still applies users, roles, ILM policies, index templates and snapshot lifecycle.
   * @default - none: the stack runs Elasticsearch itself
   */
  eck?: EckConfig;
}

/** A cluster run by Elastic's operator (ECK 3.x), from the pools of /elasticsearch. */
export interface EckConfig {
  /** The namespace the operator runs in; its pods reach the cluster's HTTPS port. @default elastic-system */
  operatorNamespace?: DnsLabel;
}

/** An Elasticsearch cluster the stack does not deploy. */
export interface ExternalElasticsearchConfig {
  /**
   * Its HTTPS address: https://logs.example.com:9243. Its port is the one the NetworkPolicies open.
   * @pattern ^https://[^\s/:]+(:[0-9]+)?/?$
   */
  url: string;
  /**
   * The CA certificate that signed its HTTPS certificate, a PEM file in a Secret; `system`: the
   * public roots each client's image trusts (a cluster behind a public CA, such as Elastic Cloud).
   */
  ca: SecretKeyRef | 'system';
  /**
   * A user allowed to manage security, ILM, index templates and snapshots (such as `elastic`); only
   * the bootstrap Job reads it.
   */
  credentials: CredentialsRef;
  /**
   * Where it is, for the NetworkPolicies that let the clients reach it: an address block (CIDR), or,
   * in the same Kubernetes cluster, the namespaces (and pods) it runs in.
   */
  network: ExternalNetwork;
}

/** Where something outside the stack is: exactly one of ipBlock or namespaces. */
export interface ExternalNetwork {
  /**
   * Its addresses: 10.20.0.0/16, 203.0.113.7/32.
   * @pattern ^[0-9]{1,3}(\.[0-9]{1,3}){3}/[0-9]{1,2}$
   */
  ipBlock?: string;
  /** The namespaces it runs in (with `pods`, only those pods). */
  namespaces?: LabelSelector;
  /** Labels of its pods in `namespaces`. @default - every pod there */
  pods?: Record<string, LabelValue>;
}

/** A pool of Elasticsearch nodes of one data tier. */
export interface ElasticsearchPoolConfig {
  /** Nodes in the pool. @minimum 1 @asType integer */
  replicas: number;
  resources: Resources;
  storage: Storage;
  /** JVM heap, about half the memory limit. */
  heap: JvmHeap;
}

/** Replica shards of a log index in each ILM phase. */
export interface ShardReplicasConfig {
  /** @minimum 0 @asType integer */
  hot?: number;
  /** @minimum 0 @asType integer */
  warm?: number;
  /** @minimum 0 @asType integer */
  cold?: number;
}

export interface LogstashConfig {
  replicas: Replicas;
  resources: Resources;
  storage: Storage;
  /** JVM heap. */
  heap: JvmHeap;
  /** Pipeline workers. @minimum 1 @asType integer */
  workers: number;
  /** Elasticsearch user Logstash writes as. */
  elasticsearch: CredentialsRef;
  /**
   * Agent types whose log records get `agent.critical: true`, every other typed record false (seed 002:
   * coordinator, intelligence, safety). Empty: no flag. A record's type is its `agent.type`, or its agent
   * name up to the first `-`.
   */
  criticalAgentTypes: AttributeName[];
}

/**
 * node-exporter on every node (a DaemonSet in the agent's namespace): the node's CPU, memory,
 * filesystems and disks under the `node_*` names dashboards and the monitoring mixins query.
 */
export interface NodeExporterConfig {
  /** Deploy it, scrape it and alert on node memory and filesystems. */
  enabled: boolean;
  resources: Resources;
}

/**
 * kube-state-metrics (a Deployment in the stack's namespace): the state of pods, nodes, workloads,
 * jobs and volume claims as the `kube_*` metrics the seeds and the Kubernetes monitoring mixins query,
 * read with list and watch only.
 */
export interface KubeStateMetricsConfig {
  /** Deploy it, scrape it and alert on pods, workloads and node conditions. */
  enabled: boolean;
  resources: Resources;
}

/**
 * The Prometheus community's elasticsearch_exporter (a Deployment in the stack's namespace): the health,
 * shards, disks, ILM and snapshots of the stack's Elasticsearch as `elasticsearch_*` metrics, read over
 * verified TLS as a monitoring user of its own that may read and change nothing else.
 */
export interface ElasticsearchExporterConfig {
  /** Deploy it, scrape it and alert on the cluster's health, disks, ILM errors and snapshots. */
  enabled: boolean;
  resources: Resources;
  /** Elasticsearch user it reads as (the bootstrap Job creates it with a read-only monitoring role). */
  elasticsearch: CredentialsRef;
}

/**
 * The kubelet's and its cAdvisor's metrics (volume usage, container CPU and memory), scraped from
 * every node's kubelet with a token allowed `get` on `nodes/metrics` and nothing more.
 */
export interface KubeletConfig {
  /** Scrape the kubelets (jobs `kubelet` and `cadvisor`) and alert on volumes filling. */
  enabled: boolean;
  /**
   * Verify each kubelet's serving certificate against the cluster CA. Kubelets that sign their own
   * (kubeadm without `serverTLSBootstrap`, kind) fail verification: turn on `serverTLSBootstrap`, or set
   * this false (the token is then sent to whatever answers at the node's address).
   */
  verifyTls: boolean;
}

/**
 * The trace intake (a Deployment in the stack's namespace): Zipkin (9411) and Jaeger (gRPC 14250, Thrift
 * over HTTP 14268) senders' spans, translated to OTLP and forwarded to the gateway, which samples,
 * redacts and stores them as it does OTLP spans. Every port requires a client certificate, as OTLP does.
 */
export interface TraceIntakeConfig {
  /** Deploy it (for apps instrumented with Zipkin or Jaeger clients). */
  enabled: boolean;
  replicas: Replicas;
  resources: Resources;
}

/**
 * Output for a cluster already running the Prometheus Operator (kube-prometheus-stack): the alert packs
 * as PrometheusRules, the scrape jobs as PodMonitors and ServiceMonitors, the routing as an
 * AlertmanagerConfig and the dashboards as ConfigMaps for Grafana's sidecar, instead of the stack's own
 * Prometheus, Alertmanager and Grafana. The defaults are kube-prometheus-stack's.
 */
export interface PrometheusOperatorConfig {
  /** Render the operator's objects, and deploy no Prometheus, Alertmanager or Grafana of the stack's. */
  enabled: boolean;
  /**
   * The kube-prometheus-stack release: its Prometheus selects rules and monitors labelled
   * `release: <release>`, and its kubelet Service is `<release>-kubelet` in kube-system.
   */
  release: DnsLabel;
  /** The release's namespace, where its Prometheus runs (it scrapes from there); not the stack's. */
  namespace: DnsLabel;
  /** Labels on every PrometheusRule, ServiceMonitor, PodMonitor and AlertmanagerConfig. @default { release: <release> } */
  selectorLabels?: Record<string, string>;
  /** Labels of the release's Prometheus pods, which the NetworkPolicies admit to the scraped ports. */
  prometheusPodLabels: Record<string, string>;
  /** The label Grafana's dashboard sidecar looks for (kube-prometheus-stack: grafana_dashboard: "1"). */
  dashboardLabel: { name: string; value: string };
  /** The annotation naming a dashboard ConfigMap's folder, for a sidecar with `folderAnnotation` set. */
  dashboardFolderAnnotation: string;
  /**
   * What the release runs and scrapes itself, under the stack's job names (kube-prometheus-stack's
   * `nodeExporter.enabled`, `kubeStateMetrics.enabled`, `kubelet.enabled`, all true by default). The
   * stack's own must then be off: two node-exporters collide on every node's port 9100, and two jobs
   * of one name double every sum over their series.
   */
  releaseRuns: { nodeExporter: boolean; kubeStateMetrics: boolean; kubelet: boolean };
}

export interface KibanaConfig {
  resources: Resources;
  /** Password for the built-in `kibana_system` user (set by the bootstrap Job). */
  systemPassword: SecretKeyRef;
  /** Key Kibana uses to encrypt saved objects (32+ characters). */
  encryptionKey: SecretKeyRef;
  /**
   * Single sign-on with an OpenID Connect provider, through an OIDC realm of Elasticsearch (which
   * Elastic licenses at Platinum or Enterprise: on the stack's own cluster, `elasticsearch.license`
   * is then required). @default - off: Kibana's login form only
   */
  sso?: KibanaSsoConfig;
}

/**
 * A realm name: lower-case letters, digits and `_` (it is part of Elasticsearch setting names).
 * @pattern ^[a-z][a-z0-9_]*$
 */
export type RealmName = string;

/**
 * A name or role of Elasticsearch security: letters, digits, `_`, `.`, `-` and `@`.
 * @pattern ^[A-Za-z0-9_.@-]+$
 */
export type SecurityName = string;

/** A value without line breaks. @pattern ^[^\r\n]+$ */
export type OneLine = string;

/**
 * Kibana sign-in with an OpenID Connect provider: Elasticsearch's OIDC realm is the relying party
 * (it calls the token, JWKS and UserInfo endpoints), Kibana's `oidc` provider sends browsers to it,
 * and the login form (`basic`) stays for the break-glass `elastic` user. A user signed in this way
 * has only the roles `roleMappings` give.
 */
export interface KibanaSsoConfig {
  /** The OIDC realm's name in Elasticsearch. @default 'oidc1' */
  realm?: RealmName;
  /** The label of the sign-in button. @default 'Log in with single sign-on' */
  description?: OneLine;
  /**
   * Kibana's address in people's browsers (its `server.publicBaseUrl`); the provider sends them back
   * to `<publicUrl>/api/security/oidc/callback`.
   */
  publicUrl: HttpsUrl;
  /** The provider's issuer identifier, exactly as its tokens' `iss` claim says. */
  issuer: HttpsUrl;
  clientId: OneLine;
  /** The client secret, put into Elasticsearch's keystore from this Secret key; never in the config. */
  clientSecret: SecretKeyRef;
  /** The provider's authorization endpoint (the browser goes there). */
  authorizationEndpoint: HttpsUrl;
  /** The provider's token endpoint (Elasticsearch calls it: its NetworkPolicy allows the port). */
  tokenEndpoint: HttpsUrl;
  /** The provider's JSON Web Key Set (Elasticsearch fetches it to verify ID tokens). */
  jwksUrl: HttpsUrl;
  /** The provider's UserInfo endpoint, for claims the ID token lacks. @default - the ID token's claims only */
  userinfoEndpoint?: HttpsUrl;
  /** The provider's end-session endpoint: logging out of Kibana logs out there too. @default - Kibana's session only */
  endSessionEndpoint?: HttpsUrl;
  /** Which claims make the Elasticsearch user. @default { principal: 'sub' } */
  claims?: KibanaSsoClaims;
  /** @default ['openid', 'email', 'profile'] */
  scopes?: AttributeName[];
  /**
   * Roles for the realm's users, by the groups their `claims.groups` claim lists. @default - none:
   * a user signed in through the provider has no role and cannot use Kibana
   */
  roleMappings?: KibanaRoleMapping[];
}

/** Claim names (of the ID token or UserInfo) the realm reads. */
export interface KibanaSsoClaims {
  /** The user's name in Elasticsearch. @default 'sub' */
  principal?: AttributeName;
  /** The user's groups, which `roleMappings` match. @default - none: no role mapping can match a group */
  groups?: AttributeName;
  /** @default - none */
  mail?: AttributeName;
  /** The user's full name. @default - none */
  name?: AttributeName;
}

/** Elasticsearch roles for the realm's users in any of `groups`. */
export interface KibanaRoleMapping {
  /** The role mapping's name. @default '<realm>-<its position, from 0>' */
  name?: SecurityName;
  /** @minItems 1 */
  groups: OneLine[];
  /** Roles, built-in (`viewer`, `editor`, `kibana_admin`) or the cluster's own. @minItems 1 */
  roles: SecurityName[];
}

/**
 * Namespaces chosen by their labels (all of `matchLabels`, at least one), or every namespace of the
 * cluster, which must be said (`allNamespaces: true`). A selector in your file replaces the default's
 * whole: it is not merged with it.
 */
export interface LabelSelector {
  /** Label keys like app.kubernetes.io/name (checked by the loader: JSON Schema cannot check keys here). */
  matchLabels?: Record<string, LabelValue>;
  /** Every namespace of the cluster. */
  allNamespaces?: true;
}

/** Who may reach the stack from outside its namespace; everything else is denied. */
export interface NetworkConfig {
  /** Namespaces whose pods may send OTLP to the collector. */
  telemetryFrom: LabelSelector;
  /** Namespaces (e.g. your ingress controller's) that may reach the UIs; omitted: none (use kubectl port-forward). */
  uiFrom?: LabelSelector;
}

/** The stack's certificate authority (cert-manager). */
export interface PkiConfig {
  /** An existing ClusterIssuer that signs the stack's CA (your organisation's CA); omitted: a self-signed root. */
  rootIssuer?: DnsSubdomain;
  /** cert-manager's cluster resource namespace (`--cluster-resource-namespace`), where the CA ClusterIssuer's key pair lives. */
  clusterResourceNamespace: DnsLabel;
  /**
   * Scrape cert-manager's controller (its pods labelled `app.kubernetes.io/name: cert-manager` and
   * `app.kubernetes.io/component: controller` in `clusterResourceNamespace`, port `http-metrics`) and
   * alert on certificates expiring or not ready.
   */
  scrapeCertManager: boolean;
}

/** Thresholds of the MS-framework alert pack (seed 000 §15.5, baselines §15.7). */
export interface MsFrameworkThresholds {
  /** Agent spawns within 5 minutes, per agent type, that count as a crash loop. @exclusiveMinimum 0 */
  crashLoopSpawnsPer5m: number;
  /** Task error ratio for HighTaskErrorRate. @exclusiveMinimum 0 @maximum 1 */
  taskErrorRatio: number;
  /** Agent memory, in GiB, for AgentMemoryExhaustion. @exclusiveMinimum 0 */
  agentMemoryGiB: number;
  /** Messages waiting in a queue for MessageQueueBackup. @exclusiveMinimum 0 */
  messageQueueDepth: number;
  /** p95 task duration in seconds for HighTaskLatency. @exclusiveMinimum 0 */
  taskLatencyP95Seconds: number;
  /** Agent CPU percent for AgentSaturation. @exclusiveMinimum 0 @maximum 100 */
  agentCpuPercent: number;
  /** p99 message latency in seconds for CommunicationDelay. @exclusiveMinimum 0 */
  messageLatencyP99Seconds: number;
  /** p95 message latency in seconds for the critical HighMessageLatency (seed 000 §15.5.0: 5). @exclusiveMinimum 0 */
  messageLatencyP95Seconds: number;
  /** p99 task duration in seconds for HighTaskLatencyP99 (seed 000 §15.5.0: 60). @exclusiveMinimum 0 */
  taskLatencyP99Seconds: number;
  /** Failed Claude-CLI hook executions per second, per hook, for HookExecutionFailures. @exclusiveMinimum 0 */
  hookFailuresPerSecond: number;
  /** Share of the nodes' memory the agents together hold for SystemMemoryPressure (seed 000 §15.5.0: 0.85). @exclusiveMinimum 0 @maximum 1 */
  systemMemoryRatio: number;
  /** Failed agent coordinations per second, per namespace, for AgentCoordinationFailure (seed 000 §15.5.0: 0.1). @exclusiveMinimum 0 */
  coordinationFailuresPerSecond: number;
  /** Failed Claude-CLI processes per second, per namespace, for ClaudeCLIProcessFailures (seed 000 §15.5.0: 0.1). @exclusiveMinimum 0 */
  cliProcessFailuresPerSecond: number;
}

/** Thresholds of the MultiAgents alert pack (seed 001 alert rules). */
export interface MultiagentsThresholds {
  /** Share of events with status error for high_error_rate (seed: 0.1; 0.05 in production). @exclusiveMinimum 0 @maximum 1 */
  errorRatio: number;
  /** Mean event processing time in seconds for high_latency. @exclusiveMinimum 0 */
  meanLatencySeconds: number;
  /** System CPU percent for critical_cpu_usage. @exclusiveMinimum 0 @maximum 100 */
  cpuPercent: number;
  /** Worker errors per job in 5 minutes above which error_spike fires (seed: more than 10). @exclusiveMinimum 0 */
  errorSpikePer5m: number;
  /** 95th percentile worker execution time in seconds for slow_worker (seed: slow_execution_threshold_ms 5000). @exclusiveMinimum 0 */
  slowWorkerSeconds: number;
  /**
   * Workflow time in milliseconds above which slow_workflow fires. It must be one of
   * `workflowDurationBoundariesMs`: the seed's 30000 cannot be told from 10001 with its buckets.
   * @exclusiveMinimum 0
   */
  slowWorkflowMs: number;
  /**
   * The bucket boundaries of `multiagents_workflow_duration` in milliseconds, as the apps' OpenTelemetry
   * SDK records it: seed 001 keeps the SDK's defaults (0 to 10000); an SDK View can set others.
   * @minItems 1
   */
  workflowDurationBoundariesMs: number[];
}

/** Thresholds and selectors of the Progressive Framework v5 alert pack (seed 004 alerting rules). */
export interface ProgressiveV5Thresholds {
  /** Agent names, each the prefix of its metrics (`mca_requests_total`). @minItems 1 */
  agents: DnsLabel[];
  /** Namespace the platform's pods run in, for the infrastructure alerts. */
  namespace: DnsLabel;
  /** p95 MCA request duration in seconds for MCAHighResponseTime. @exclusiveMinimum 0 */
  mcaLatencyP95Seconds: number;
  /** Share of MCA requests answered 5xx for MCAHighErrorRate. @exclusiveMinimum 0 @maximum 1 */
  mcaErrorRatio: number;
  /** Agent resident memory in MiB for AgentHighMemoryUsage. @exclusiveMinimum 0 */
  agentMemoryMiB: number;
  /** 5xx answers in 10 minutes for the business failure alerts. @exclusiveMinimum 0 */
  businessFailuresPer10m: number;
  /** Availability under which SystemAvailabilityBelow99_9 fires. @exclusiveMinimum 0 @maximum 1 */
  availabilityRatio: number;
  /** p95 request duration in seconds over all agents for AverageResponseTimeAboveSLA. @exclusiveMinimum 0 */
  slaLatencyP95Seconds: number;
  /** Pod CPU percent for HighPodCPUUsage. @exclusiveMinimum 0 */
  podCpuPercent: number;
  /** Container restarts per hour for PodRestartLoop. @exclusiveMinimum 0 */
  podRestartsPerHour: number;
}

/** Thresholds of the AgentCore alert pack (from seed 003's metrics). */
export interface AgentcoreThresholds {
  /** Share of tool executions that error for AgentCoreToolErrorRate. @exclusiveMinimum 0 @maximum 1 */
  toolErrorRatio: number;
  /** Agent failures per philosophy in 10 minutes for AgentCoreAgentFailures. @exclusiveMinimum 0 */
  agentFailuresPer10m: number;
  /** System memory percent for AgentCoreSystemMemoryHigh (seed 003 warns above 80). @exclusiveMinimum 0 @maximum 100 */
  systemMemoryPercent: number;
  /** System CPU percent for AgentCoreSystemCpuHigh (seed 003 warns above 80). @exclusiveMinimum 0 @maximum 100 */
  systemCpuPercent: number;
  /** Share of a service's spans with status ERROR for AgentCoreSpanErrorRate (seed 003: 5%). @exclusiveMinimum 0 @maximum 1 */
  spanErrorRatio: number;
}

/** Thresholds of the SutazAI alert pack (from seed 002's metrics). */
export interface SutazaiThresholds {
  /** Agent errors per agent activity for SutazaiAgentErrorRate. @exclusiveMinimum 0 @maximum 1 */
  agentErrorRatio: number;
  /** CPU percent for SutazaiHighCpuUsage. @exclusiveMinimum 0 @maximum 100 */
  cpuPercent: number;
  /** Rise of Φ within a minute for SutazaiSystemStateSpike (seed 002 high_system_state_spike: 0.1). @exclusiveMinimum 0 */
  systemStateSpikePerMinute: number;
  /** Standard deviation of Φ over 5 minutes for SutazaiSystemStateInstability (seed 002: 0.2). @exclusiveMinimum 0 */
  systemStateStddev: number;
  /** Mean coordination score under which SutazaiAgentCoordinationFailure fires (seed 002: 0.5). @exclusiveMinimum 0 @maximum 1 */
  coordinationScore: number;
  /** The agents' memory limit in GiB, which SutazaiMemoryPressure divides by (seed 002's container limit: 8G). @exclusiveMinimum 0 */
  memoryLimitGiB: number;
  /** Share of `memoryLimitGiB` in use for SutazaiMemoryPressure (seed 002 memory_pressure: 0.9). @exclusiveMinimum 0 @maximum 1 */
  memoryRatio: number;
}

/** Thresholds of the stack self-monitoring pack. */
export interface StackThresholds {
  /** Share of notifications an Alertmanager integration fails for AlertmanagerNotificationsFailing. @exclusiveMinimum 0 @maximum 1 */
  notificationFailureRatio: number;
  /** Share of span documents Elasticsearch rejects for JaegerStorageErrors. @exclusiveMinimum 0 @maximum 1 */
  jaegerIndexErrorRatio: number;
  /** Share of a node's memory in use for NodeMemoryHighUtilization. @exclusiveMinimum 0 @maximum 1 */
  nodeMemoryRatio: number;
  /** Share of a filesystem still free below which NodeFilesystemAlmostFull fires. @exclusiveMinimum 0 @maximum 1 */
  nodeFilesystemFreeRatio: number;
  /** Share of a volume still free below which KubePersistentVolumeFillingUp is critical. @exclusiveMinimum 0 @maximum 1 */
  volumeFreeRatio: number;
  /**
   * Share of a volume still free below which KubePersistentVolumeFillingUp warns, when the last 6 hours'
   * trend fills it within 4 days. @exclusiveMinimum 0 @maximum 1
   */
  volumeFillingFreeRatio: number;
  /** Days of validity left under which CertificateExpiringSoon fires. @exclusiveMinimum 0 */
  certificateExpiryDays: number;
  /**
   * Share of an Elasticsearch node's data filesystem in use above which ElasticsearchDiskWatermarkHigh
   * fires: Elasticsearch's high disk watermark (90%), where it moves shards off the node.
   * @exclusiveMinimum 0 @maximum 1
   */
  elasticsearchDiskUsedRatio: number;
  /** Hours since the last successful Elasticsearch snapshot after which ElasticsearchSnapshotTooOld fires. @exclusiveMinimum 0 */
  elasticsearchSnapshotMaxAgeHours: number;
  /**
   * Hours since the Thanos sidecar last uploaded a block of Prometheus' data after which
   * PrometheusBackupTooOld fires: Prometheus writes a block every two hours. @exclusiveMinimum 0
   */
  prometheusBackupMaxAgeHours: number;
}

export interface AlertsConfig {
  msFramework: MsFrameworkThresholds;
  multiagents: MultiagentsThresholds;
  progressiveV5: ProgressiveV5Thresholds;
  agentcore: AgentcoreThresholds;
  sutazai: SutazaiThresholds;
  stack: StackThresholds;
  /** `for:` durations by alert name, replacing the seed's (e.g. `{ AgentCrashLoop: 5m }`). */
  for: { [alert: string]: Duration };
  /** Alerts of the active packs left out, by name: for one whose source this cluster does not have. */
  disabled: string[];
  /**
   * Where you serve this repository's docs/runbooks (a folder URL): each alert gets
   * `runbook_url: <base>/<AlertName>.md`. Omitted: alerts carry no runbook link rather than a dead one.
   * @pattern ^https?://[^\s]+$
   */
  runbookBaseUrl?: string;
}

/**
 * One of a platform's services, scraped by a job of its own: every pod the selector picks in the
 * namespace, at one container port.
 */
export interface ScrapeTargetConfig {
  /** The job name, which is the `job` label of every series it scrapes (what `up{job="mca"}` selects). @pattern ^[a-zA-Z_][a-zA-Z0-9_-]*$ */
  job: string;
  /** Namespace of the pods (not the stack's own). */
  namespace: DnsLabel;
  /** Pods by their labels. */
  matchLabels: Record<string, LabelValue>;
  /** The container port by number; or give `portName`. @minimum 1 @maximum 65535 @asType integer */
  port?: number;
  /** The container port by name; or give `port`. @pattern ^[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$ */
  portName?: string;
  /** @default /metrics */
  path?: string;
  /** URL parameters, such as seed 004's `format: [prometheus]`. */
  params?: Record<string, string[]>;
  /** @default http, or https with `tls` */
  scheme?: 'http' | 'https';
  /** HTTPS to the service: how Prometheus checks it, and whether it presents its own certificate. */
  tls?: ScrapeTargetTls;
}

/** TLS of a scrape target. */
export interface ScrapeTargetTls {
  /** Whose CA signed the service's certificate: the stack's (cert-manager), or one the system trusts. */
  ca: 'stack' | 'system';
  /** The name on the service's certificate (targets are pod IPs, so the name must be given to be checked). */
  serverName?: string;
  /** Present Prometheus' stack certificate, for a service that requires client certificates from the stack CA. */
  clientCertificate?: boolean;
}

/** A platform whose metric catalogue and alert pack are active. */
export type PlatformName = 'ms-framework' | 'multiagents' | 'sutazai' | 'agentcore' | 'progressive-v5';

/** A metric the monitored platform exports beyond its catalogue, so rules and dashboards may query it. */
export interface CustomMetric {
  /** @pattern ^[a-zA-Z_:][a-zA-Z0-9_:]*$ */
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'info';
  labels?: string[];
  help?: string;
}

/**
 * One of your own rules (`rules.groups[].rules`): an alerting rule (`alert`) or a recording rule
 * (`record`), checked at synth as the packs' are.
 */
export interface CustomRule {
  /** An alerting rule's name, `<Component><Symptom>`; no active pack's alert may have it. @pattern ^[a-zA-Z_][a-zA-Z0-9_]*$ */
  alert?: string;
  /** A recording rule's series, `level:metric:operations`. @pattern ^[a-zA-Z_:][a-zA-Z0-9_:]*$ */
  record?: string;
  /**
   * PromQL. Each metric it reads must be in an active catalogue, `customMetrics`, or recorded by a rule,
   * and each label it matches on one its series carry. @minLength 1
   */
  expr: string;
  /** An alert's pending time. @default - fires on the first evaluation */
  for?: Duration;
  /** How long an alert keeps firing after its condition clears. @default - resolves at once */
  keepFiringFor?: Duration;
  /** An alert's must hold `severity` (critical, warning or info), which Alertmanager routes on. */
  labels?: Record<string, string>;
  /** An alert's must hold `summary` and `description`. */
  annotations?: Record<string, string>;
}

/** A group of your own rules, evaluated in order at one interval. */
export interface CustomRuleGroup {
  /** Unique among the groups, and no active pack's group. @minLength 1 */
  name: string;
  /** @default - prometheus.evaluationInterval */
  interval?: Duration;
  /** @minItems 1 */
  rules: CustomRule[];
}

/** Your own rules, rendered into `custom.rules.yaml`, and their promtool unit tests. */
export interface CustomRulesConfig {
  groups: CustomRuleGroup[];
  /**
   * promtool unit-test files (paths relative to the config file), copied beside the rule files in
   * `dist/rules`: each names the rule files it reads by name (`rule_files: [custom.rules.yaml]`).
   */
  tests: string[];
}

/** A monitored platform (or the stack itself) whose Grafana dashboards the stack can ship. */
export type DashboardPlatform =
  'ms-framework' | 'multiagents' | 'sutazai' | 'agentcore' | 'progressive-v5' | 'stack' | 'genai' | 'slo';

export interface DashboardsConfig {
  /**
   * Platforms whose dashboards ship, each into its own Grafana folder.
   * @uniqueItems true
   * @default - the monitored platforms (`platforms`) and the stack's own, `genai` with `genai.enabled` and `slo` with `slos`
   */
  platforms?: DashboardPlatform[];
}

/** Phases of an index lifecycle (ILM) policy; ages count from the index's rollover. */
export interface LifecycleConfig {
  /** Roll the write index over at this age... */
  rolloverAge: Duration;
  /** ...or when its largest primary shard reaches this size. */
  rolloverPrimaryShardSize: EsByteSize;
  /** Enter warm (shrink to 1 shard, force-merge to 1 segment) this long after rollover. */
  warmAfter: Duration;
  /** Enter cold (read-only, recovered last) this long after rollover; omitted: no cold phase. */
  coldAfter?: Duration;
  /** Delete this long after rollover; omitted: never deleted. */
  deleteAfter?: Duration;
}

/**
 * Compliance preset of a log stream (seed 000 §18.2): `gdpr` logs may hold personal data and are
 * deleted within 30 days of being written; `sox` financial/audit records are kept 7 years and
 * never deleted earlier; `none` uses the seed's default lifecycle (delete at 90 days).
 */
export type CompliancePreset = 'none' | 'gdpr' | 'sox';

/** A log stream: its own data stream `logs-<name>-<environment>`, index template and ILM policy. */
export interface LogStreamConfig {
  name: DatasetName;
  compliance: CompliancePreset;
  /** Overrides of the preset's lifecycle; the preset's minimums still apply. */
  lifecycle?: Partial<LifecycleConfig>;
  /**
   * Primary shards of each backing index (seed 004's log index: 2). Warm indices shrink to one.
   * @default 1
   * @minimum 1 @maximum 64 @asType integer
   */
  primaryShards?: number;
}

/** Where snapshots go: an S3 bucket or a filesystem path shared by every Elasticsearch node. */
export interface SnapshotRepositoryConfig {
  /** S3 (credentials in the Elasticsearch keystore or from the node's cloud identity). */
  s3?: { bucket: string; basePath?: string; client?: string };
  /** A shared filesystem mounted at this path on every node (also set as `path.repo`). */
  fs?: { location: string };
}

/** Snapshot lifecycle (SLM) of the log and span indices (seed 000 §18.4). */
export interface SnapshotsConfig {
  enabled: boolean;
  /** Required when enabled: the bucket or volume and its credentials are yours to create. */
  repository?: SnapshotRepositoryConfig;
  /** Elasticsearch cron expression (seconds first), e.g. daily at 01:30: `0 30 1 * * ?`. */
  schedule: string;
  /** Delete snapshots older than this... */
  expireAfter: Duration;
  /** ...but keep at least this many. @minimum 1 @asType integer */
  minCount: number;
  /** Never keep more than this many. @minimum 1 @asType integer */
  maxCount: number;
}

/** How long logs, spans and snapshots are kept. */
export interface RetentionConfig {
  /** Log streams, each with its compliance preset; logs without a known stream go to the first. */
  streams: LogStreamConfig[];
  /** Spans are kept this long (seed 002: 7 days). */
  traces: Duration;
  snapshots: SnapshotsConfig;
}

/**
 * AI agents as the OpenTelemetry GenAI semantic conventions describe them, whichever platform runs
 * them (issue 14).
 */
export interface GenAiConfig {
  /**
   * The apps send the GenAI metrics (`gen_ai.client.token.usage`, `gen_ai.client.operation.duration`,
   * ...): their catalogue is active, so rules and dashboards may query them, and the `genai` pack
   * (cost, spend budgets, runaway agents) renders.
   */
  enabled: boolean;
  cost: GenAiCostConfig;
  runaway: GenAiRunawayConfig;
  /** What becomes of prompts and completions, whether or not `enabled` is on (any instrumentation may send them). */
  content: GenAiContentConfig;
}

/**
 * Prompt and completion content (`gen_ai.input.messages`, `gen_ai.output.messages`,
 * `gen_ai.system_instructions`, `gen_ai.tool.call.arguments`/`result`, the older `gen_ai.prompt*` and
 * `gen_ai.completion*`, and the bodies of the GenAI message events): `drop` removes it; `hash` replaces
 * each value with its SHA-256; `keep` keeps log records carrying it in a log stream of their own,
 * `genai_content`, deleted after `keepFor`. Spans never keep it: the trace store keeps spans longer.
 */
export interface GenAiContentConfig {
  /** `drop` it; `hash` it (SHA-256); or `keep` the log records carrying it in the `genai_content` stream. */
  mode: 'drop' | 'hash' | 'keep';
  /** How long the `genai_content` stream keeps a record (with `keep`): at least 1d, at most 30d (gdpr's limit). */
  keepFor: Duration;
}

/**
 * The price of one model's tokens, per million, in `genai.cost.currency`: the `gen_ai.request.model`
 * the apps ask for (the label `gen_ai_request_model`), as the provider's price list names it.
 */
export interface ModelPrice {
  /** The requested model, exactly as the apps send it (`gpt-4o`, `claude-sonnet-4-5`). @minLength 1 */
  model: string;
  /** Price of a million input tokens. @minimum 0 */
  input: number;
  /** Price of a million output tokens. @minimum 0 */
  output: number;
}

/**
 * What the apps' tokens cost (from `gen_ai.client.token.usage`), recorded per model, per service and
 * in total, and what they may cost: spend budgets alerting on multi-window burn rates.
 */
export interface GenAiCostConfig {
  /** ISO 4217 code of every price and budget: one currency, so costs add up. @pattern ^[A-Z]{3}$ */
  currency: string;
  /** One entry per model; tokens of a model without one are counted as unpriced (`GenAiModelUnpriced`). */
  prices: ModelPrice[];
  /**
   * Spend budgets over a rolling day and a rolling 30 days, in `currency`: an alert fires while the
   * spend rate would use one up early (docs/alerts-and-dashboards.md has the windows). @default - none
   */
  budgets: {
    /** @exclusiveMinimum 0 */
    daily?: number;
    /** @exclusiveMinimum 0 */
    monthly?: number;
  };
}

/**
 * Agents stuck in a loop, read from the span metrics (every span, before sampling): per service
 * (`job`), since the GenAI conventions put the agent's name on its invocation spans only.
 */
export interface GenAiRunawayConfig {
  /** Tool calls (`execute_tool` spans) per agent invocation (`invoke_agent` span), over 15 minutes. @exclusiveMinimum 0 */
  toolCallsPerInvocation: number;
  /** Tokens per agent invocation over the last hour, as a multiple of its 7-day average. @exclusiveMinimum 1 */
  tokensPerInvocationFactor: number;
  /**
   * Share of tool calls that succeed, per service and tool, over 30 days, in percent: the tool-error
   * budget whose burn rate pages and tickets. @exclusiveMinimum 0 @exclusiveMaximum 100
   */
  toolSuccessObjective: number;
}

/**
 * One counter's events as a PromQL selector: a metric of an active catalogue (or a span metric, or a
 * histogram's `_bucket` or `_count`) with label matchers, e.g. `task_errors_total`,
 * `traces_span_metrics_calls_total{status_code="STATUS_CODE_ERROR"}`,
 * `message_latency_seconds_bucket{le="0.05"}`. @minLength 1
 */
export type PromSelector = string;

/**
 * A service level indicator: the share of events that are bad, from counters, each over the windows
 * the alerts read (`rate()`, summed). Give `errors` (bad events) or `good` (good events), and `total`.
 */
export interface SliConfig {
  /** Bad events: a selector, or a list whose rates add up. */
  errors?: PromSelector | PromSelector[];
  /** Good events (for a latency objective, the histogram bucket at its threshold, e.g. `le="0.5"`). */
  good?: PromSelector | PromSelector[];
  /** Every event: a selector, or a list whose rates add up (successes and failures counted apart). */
  total: PromSelector | PromSelector[];
}

/**
 * A service level objective (issue 14): recording rules for its error ratio over each window, an
 * error-budget burn-rate alert (`SloErrorBudgetBurn`, multi-window, multi-burn-rate), a promtool test
 * generated beside them, and a row of the SLO dashboard.
 */
export interface SloConfig {
  /** Its name, the alerts' `slo` label. @pattern ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$ @maxLength 63 */
  name: string;
  /** What it promises, in a sentence for the alert and the dashboard. @default - its name */
  description?: string;
  /** Share of events that must be good over `window`, in percent (99.9). @exclusiveMinimum 0 @exclusiveMaximum 100 */
  objective: number;
  /**
   * The period the error budget is spent over, from 7 to 90 days and no longer than Prometheus keeps
   * samples. At 30d the alerts read the SRE workbook's windows (14.4× over 1h and 5m, ...); another
   * period scales the windows and keeps the factors. @default 30d
   */
  window?: Duration;
  sli: SliConfig;
}

/** The whole stack. */
export interface StackConfig {
  /** Profile whose defaults apply under this file. */
  profile: ProfileName;
  common: CommonConfig;
  collector: CollectorConfig;
  prometheus: PrometheusConfig;
  alertmanager: AlertmanagerConfig;
  grafana: GrafanaConfig;
  jaeger: JaegerConfig;
  elasticsearch: ElasticsearchConfig;
  logstash: LogstashConfig;
  kibana: KibanaConfig;
  nodeExporter: NodeExporterConfig;
  kubeStateMetrics: KubeStateMetricsConfig;
  elasticsearchExporter: ElasticsearchExporterConfig;
  kubelet: KubeletConfig;
  genai: GenAiConfig;
  traceIntake: TraceIntakeConfig;
  network: NetworkConfig;
  pki: PkiConfig;
  prometheusOperator: PrometheusOperatorConfig;
  /** The monitored platforms: each one's metric catalogue and alert pack are active. @minItems 1 @uniqueItems true */
  platforms: PlatformName[];
  /** A platform's own services Prometheus scrapes as jobs of their own (seed 004's `mca`, `postgres`, `redis`). */
  scrapeTargets: ScrapeTargetConfig[];
  /** Metrics beyond the active catalogues that rules or dashboards may query. */
  customMetrics: CustomMetric[];
  /** Your own alert and recording rules, with their promtool tests: no TypeScript needed. */
  rules: CustomRulesConfig;
  retention: RetentionConfig;
  alerts: AlertsConfig;
  dashboards: DashboardsConfig;
  /** Service level objectives, each with its burn-rate alerts and a generated promtool test. */
  slos: SloConfig[];
  /** Image registry mirror and digests (air-gapped clusters). */
  images: ImagesConfig;
}
