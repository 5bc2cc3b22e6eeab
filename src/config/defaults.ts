import { ProfileName, Resources, StackConfig } from './types';
import { APP_METRIC_LABELS } from '../lib/metric-labels';

/** A partial of T at every depth: what a profile or a user's file may set. */
export type DeepPartial<T> = T extends readonly (infer U)[]
  ? U[]
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

function resources(cpu: string, memory: string, cpuLimit?: string, memoryLimit?: string): Resources {
  return {
    requests: { cpu, memory },
    limits: { ...(cpuLimit ? { cpu: cpuLimit } : {}), memory: memoryLimit ?? memory },
  };
}

/**
 * Built-in defaults: a small but complete stack. Secret references name the Secrets docs/configuration.md asks
 * you to create; no value is ever written.
 */
export const DEFAULTS: StackConfig = {
  profile: 'dev',
  common: {
    namespace: 'observability',
    cluster: 'agents',
    environment: 'dev',
    logLevel: 'info',
  },
  collector: {
    replicas: 1,
    autoscaling: { enabled: false, minReplicas: 2, maxReplicas: 6, targetCpuPercent: 70 },
    resources: resources('200m', '512Mi', '1', '512Mi'),
    batchSize: 8192,
    sampling: {
      keepErrors: true,
      keepToolErrors: true,
      // A call of 100 000 tokens costs about $0.25 to $1.50 at frontier models' prices: its trace costs
      // far less to keep than the call it explains, and calls that large are rare but for runaway context.
      tokensPerCallAbove: 100_000,
      // An agent run of 25 iterations (genai.runaway's tool calls per invocation) has at least 52 GenAI
      // spans (a model and a tool call each, the final answer, the agent span); twice that leaves room for
      // the HTTP and database spans those calls make.
      agentTraceSpansAbove: 100,
      latencyThreshold: '5s',
      percentage: 100,
      decisionWait: '10s',
      decisionWaitAfterRoot: '5s',
    },
    // Every record kept, unless a profile samples.
    logSampling: { debug: 100, info: 100, unspecified: 100 },
    resourceLabels: { ...APP_METRIC_LABELS },
    redaction: {
      enabled: true,
      emails: 'hash',
      ipv4: 'zero-last-octet',
      pseudonymize: ['user.id', 'user_id', 'enduser.id', 'user.name', 'user.email'],
      removeAttributesNamed: [
        'password',
        'passwd',
        'token',
        'api_key',
        'apikey',
        'secret',
        'credit_card',
        'card_number',
        'ssn',
        'authorization',
        'cookie',
      ],
    },
    spanMetrics: {
      enabled: true,
      dimensions: [
        'gen_ai.operation.name',
        'gen_ai.agent.name',
        'gen_ai.tool.name',
        'gen_ai.request.model',
        'error.type',
      ],
      // 500 label sets are 9 500 series (a counter and a 16-bucket histogram each): the agents job's
      // 500 000-sample limit per gateway holds 50 services at their bound.
      cardinalityLimit: 500,
    },
    queue: { storage: { size: '5Gi' }, retryFor: '30m' },
    agent: { resources: resources('100m', '256Mi', '500m', '256Mi') },
  },
  prometheus: {
    replicas: 1,
    resources: resources('250m', '1Gi', '1', '2Gi'),
    storage: { size: '20Gi' },
    scrapeInterval: '30s',
    evaluationInterval: '30s',
    retention: { time: '15d', size: '15GB' },
    scrapeLimits: {
      samples: 20000,
      labels: 10,
      labelValueLength: 1024,
      // Every app's OpenTelemetry metrics come through the gateway's one exporter: one target, many series.
      jobs: { agents: { samples: 500000 } },
    },
    // Off until you name a bucket: it and its credentials are yours.
    backup: { enabled: false, keep: '7d', schedule: '0 2 * * *', resources: resources('50m', '64Mi', '500m', '256Mi') },
    remoteWrite: [],
    // Off: it reads the backup's bucket, which is yours to name.
    longTermQuery: {
      enabled: false,
      query: { replicas: 1, resources: resources('100m', '128Mi', '1', '512Mi') },
      storeGateway: { resources: resources('100m', '256Mi', '1', '1Gi'), storage: { size: '10Gi' } },
    },
  },
  alertmanager: {
    replicas: 1,
    resources: resources('50m', '128Mi', '200m', '256Mi'),
    storage: { size: '1Gi' },
    route: {
      // Seed 000 §7.1: group by alert, cluster and agent (its metrics name the agent `agent_type`); 30s / 5m / 12h.
      receiver: 'default',
      groupBy: ['alertname', 'cluster', 'agent_type'],
      groupWait: '30s',
      groupInterval: '5m',
      repeatInterval: '12h',
      routes: [
        { receiver: 'critical', matchers: ['severity="critical"'] },
        { receiver: 'warning', matchers: ['severity="warning"'] },
      ],
    },
    receivers: [
      { name: 'default', webhook: [{ url: { secretName: 'alertmanager-receivers', key: 'default-webhook-url' } }] },
      {
        name: 'critical',
        pagerduty: [{ routingKey: { secretName: 'alertmanager-receivers', key: 'pagerduty-routing-key' } }],
        slack: [
          {
            apiUrl: { secretName: 'alertmanager-receivers', key: 'slack-webhook-url' },
            channel: '#agents-critical',
            sendResolved: true,
          },
        ],
      },
      {
        name: 'warning',
        slack: [
          {
            apiUrl: { secretName: 'alertmanager-receivers', key: 'slack-webhook-url' },
            channel: '#agents-warnings',
            sendResolved: true,
          },
        ],
        // Seed 000 §18: warnings go to the warnings channel and by email. Set the addresses for your site.
        email: [
          {
            to: 'agents-warnings@example.com',
            from: 'alertmanager@example.com',
            smarthost: 'smtp.example.com:587',
            authUsername: 'alertmanager@example.com',
            authPassword: { secretName: 'alertmanager-receivers', key: 'smtp-password' },
          },
        ],
      },
    ],
    // The packs' own pairs (rules/packs.ts PACK_INHIBITIONS) are added after these: each names its two
    // alerts and the labels that make them one condition. A blanket "critical mutes warning of the same
    // alertname" would mute one volume's warning while another volume is critical.
    inhibitRules: [],
    // Added to the two above, which stay: a receiver and a route of your own without retyping these.
    extraReceivers: [],
    extraRoutes: [],
    deadMansSwitch: { interval: '5m' },
  },
  grafana: {
    resources: resources('100m', '256Mi', '500m', '512Mi'),
    storage: { size: '2Gi' },
    admin: { secretName: 'grafana-admin', usernameKey: 'username', passwordKey: 'password' },
    elasticsearch: { secretName: 'elasticsearch-grafana', usernameKey: 'username', passwordKey: 'password' },
  },
  jaeger: {
    replicas: 1,
    resources: resources('100m', '256Mi', '500m', '512Mi'),
    indexPrefix: 'jaeger',
    elasticsearch: { secretName: 'elasticsearch-jaeger', usernameKey: 'username', passwordKey: 'password' },
  },
  elasticsearch: {
    replicas: 1,
    resources: resources('500m', '2Gi', '2', '2Gi'),
    storage: { size: '30Gi' },
    heap: '1g',
    elasticPassword: { secretName: 'elasticsearch-elastic', key: 'password' },
  },
  logstash: {
    replicas: 1,
    resources: resources('250m', '1Gi', '1', '1Gi'),
    storage: { size: '5Gi' },
    heap: '512m',
    workers: 2,
    elasticsearch: { secretName: 'elasticsearch-logstash', usernameKey: 'username', passwordKey: 'password' },
    criticalAgentTypes: [],
  },
  kibana: {
    resources: resources('100m', '1Gi', '1', '1Gi'),
    systemPassword: { secretName: 'kibana-system', key: 'password' },
    encryptionKey: { secretName: 'kibana-system', key: 'encryption-key' },
  },
  nodeExporter: { enabled: true, resources: resources('50m', '64Mi', '250m', '128Mi') },
  kubeStateMetrics: { enabled: true, resources: resources('50m', '128Mi', '250m', '256Mi') },
  elasticsearchExporter: {
    enabled: true,
    resources: resources('50m', '32Mi', '250m', '128Mi'),
    elasticsearch: { secretName: 'elasticsearch-exporter', usernameKey: 'username', passwordKey: 'password' },
  },
  kubelet: { enabled: true, verifyTls: true },
  // Prompts and completions are never stored unless a config says so.
  genai: {
    enabled: false,
    cost: { currency: 'USD', prices: [], budgets: {} },
    runaway: { toolCallsPerInvocation: 25, tokensPerInvocationFactor: 3, toolSuccessObjective: 95 },
    content: { mode: 'drop', keepFor: '7d' },
  },
  traceIntake: { enabled: false, replicas: 1, resources: resources('50m', '64Mi', '500m', '256Mi') },
  network: {
    telemetryFrom: { matchLabels: { 'agent-o11y.dev/telemetry': 'enabled' } },
  },
  pki: { clusterResourceNamespace: 'cert-manager', scrapeCertManager: true },
  prometheusOperator: {
    enabled: false,
    release: 'kube-prometheus-stack',
    namespace: 'monitoring',
    prometheusPodLabels: { 'app.kubernetes.io/name': 'prometheus' },
    dashboardLabel: { name: 'grafana_dashboard', value: '1' },
    dashboardFolderAnnotation: 'grafana_folder',
    releaseRuns: { nodeExporter: true, kubeStateMetrics: true, kubelet: true },
  },
  platforms: ['ms-framework'],
  customMetrics: [],
  rules: { groups: [], tests: [] },
  scrapeTargets: [],
  retention: {
    streams: [
      // Agents' logs may hold personal data even after redaction; audit records are financial.
      { name: 'agents', compliance: 'gdpr' },
      { name: 'audit', compliance: 'sox' },
    ],
    traces: '7d',
    snapshots: {
      // Off until you name a repository: the bucket (or shared volume) and its credentials are yours.
      enabled: false,
      schedule: '0 30 1 * * ?',
      expireAfter: '30d',
      minCount: 7,
      maxCount: 30,
    },
  },
  alerts: {
    // Seed 000 §15.5 and the baselines of §15.7.
    msFramework: {
      crashLoopSpawnsPer5m: 1,
      taskErrorRatio: 0.05,
      agentMemoryGiB: 1.5,
      messageQueueDepth: 1000,
      taskLatencyP95Seconds: 30,
      agentCpuPercent: 80,
      messageLatencyP99Seconds: 5,
      hookFailuresPerSecond: 0.05,
      messageLatencyP95Seconds: 5,
      taskLatencyP99Seconds: 60,
      systemMemoryRatio: 0.85,
      coordinationFailuresPerSecond: 0.1,
      cliProcessFailuresPerSecond: 0.1,
    },
    // Seed 001's AlertRule list.
    multiagents: {
      errorRatio: 0.1,
      meanLatencySeconds: 5,
      cpuPercent: 90,
      errorSpikePer5m: 10,
      slowWorkerSeconds: 5,
      // The largest bucket boundary of the seed's workflow histogram (its 30 s is past every bucket).
      slowWorkflowMs: 10000,
      // OpenTelemetry's default histogram boundaries, which seed 001's create_histogram keeps.
      workflowDurationBoundariesMs: [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000],
    },
    // Seed 004's progressive_framework.rules and infrastructure.rules.
    progressiveV5: {
      agents: ['mca', 'npa', 'wpa', 'bma'],
      namespace: 'progressive-framework-v5',
      mcaLatencyP95Seconds: 2,
      mcaErrorRatio: 0.05,
      agentMemoryMiB: 1024,
      businessFailuresPer10m: 5,
      availabilityRatio: 0.999,
      slaLatencyP95Seconds: 0.5,
      podCpuPercent: 80,
      podRestartsPerHour: 3,
    },
    // Seed 003's resource monitor warns when CPU or memory passes 80%.
    agentcore: {
      toolErrorRatio: 0.1,
      agentFailuresPer10m: 5,
      systemMemoryPercent: 80,
      systemCpuPercent: 80,
      spanErrorRatio: 0.05,
    },
    // Seed 002's alert rules; its Docker config limits the agent container to 8G.
    sutazai: {
      agentErrorRatio: 0.05,
      cpuPercent: 90,
      systemStateSpikePerMinute: 0.1,
      systemStateStddev: 0.2,
      coordinationScore: 0.5,
      memoryLimitGiB: 8,
      memoryRatio: 0.9,
    },
    stack: {
      notificationFailureRatio: 0.01,
      jaegerIndexErrorRatio: 0.01,
      // The monitoring mixins' NodeMemoryHighUtilization (90%) and NodeFilesystemAlmostFull (10% left).
      nodeMemoryRatio: 0.9,
      nodeFilesystemFreeRatio: 0.1,
      // The monitoring mixins' KubePersistentVolumeFillingUp: 3% left, or 15% left and full within 4 days.
      volumeFreeRatio: 0.03,
      volumeFillingFreeRatio: 0.15,
      // The stack's certificates renew 30 days before they expire: 14 days left means renewal has failed for 16.
      certificateExpiryDays: 14,
      // Elasticsearch's default high disk watermark; a daily snapshot (01:30) missed once and a half.
      elasticsearchDiskUsedRatio: 0.9,
      elasticsearchSnapshotMaxAgeHours: 36,
      prometheusBackupMaxAgeHours: 6,
    },
    for: {},
    disabled: [],
  },
  // Dashboards of the monitored platforms and of the stack's own health, unless dashboards.platforms says otherwise.
  dashboards: {},
  slos: [],
  images: { digests: {} },
};

/** What each profile changes on top of the defaults. */
export const PROFILES: Record<ProfileName, DeepPartial<StackConfig>> = {
  dev: {
    common: { environment: 'dev', logLevel: 'debug' },
  },
  staging: {
    common: { environment: 'staging', logLevel: 'info' },
    collector: { replicas: 2, sampling: { percentage: 10 } },
    prometheus: { storage: { size: '50Gi' }, retention: { time: '30d', size: '40GB' } },
    elasticsearch: { storage: { size: '100Gi' } },
  },
  production: {
    common: { environment: 'production', logLevel: 'info' },
    // Seed 000 §18.3: keep errors and slow traces, 1% of the rest.
    collector: {
      replicas: 3,
      resources: resources('500m', '1Gi', '2', '1Gi'),
      sampling: { percentage: 1 },
      // Seed 000 §18.3: INFO 10%, DEBUG 0.1%; warnings, errors and the audit stream whole.
      logSampling: { info: 10, debug: 0.1 },
      queue: { storage: { size: '20Gi' } },
    },
    prometheus: {
      replicas: 2,
      resources: resources('1', '4Gi', '4', '8Gi'),
      storage: { size: '200Gi' },
      // Seed 002: metrics are kept 90 days in production.
      retention: { time: '90d', size: '180GB' },
      scrapeInterval: '15s',
      evaluationInterval: '15s',
    },
    alertmanager: { replicas: 3 },
    grafana: { resources: resources('250m', '512Mi', '1', '1Gi') },
    jaeger: { replicas: 2, resources: resources('500m', '1Gi', '2', '1Gi') },
    elasticsearch: {
      replicas: 3,
      resources: resources('2', '8Gi', '4', '8Gi'),
      storage: { size: '500Gi' },
      heap: '4g',
      // Seed 000 §18.3's tiers: the three nodes above are hot (2 replica shards), two warm nodes hold
      // indices from their warm phase on (1 replica, 0 once cold), on cheaper, larger disks.
      warm: {
        replicas: 2,
        resources: resources('1', '8Gi', '2', '8Gi'),
        storage: { size: '1Ti' },
        heap: '4g',
      },
    },
    logstash: {
      replicas: 2,
      resources: resources('1', '2Gi', '2', '2Gi'),
      storage: { size: '20Gi' },
      heap: '1g',
      workers: 4,
    },
    kibana: { resources: resources('250m', '1Gi', '1', '2Gi') },
    // Seed 001: a stricter error-rate alert in production.
    alerts: { multiagents: { errorRatio: 0.05 } },
  },
};
