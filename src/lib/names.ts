/**
 * Names that the constructs, the alert packs and the dashboards must agree on, in one place: a rename
 * here reaches the workload, its Service, its scrape job, the alerts and the panels that select it.
 */

/** The stack's components that Prometheus scrapes: each name is its workload's, its Service's and its job's. */
export const COMPONENTS = {
  prometheus: 'prometheus',
  alertmanager: 'alertmanager',
  collector: 'otel-collector',
  agent: 'otel-agent',
  jaeger: 'jaeger',
  grafana: 'grafana',
  nodeExporter: 'node-exporter',
  kubeStateMetrics: 'kube-state-metrics',
  elasticsearchExporter: 'elasticsearch-exporter',
  logstash: 'logstash',
  traceIntake: 'trace-intake',
} as const;

/**
 * Jobs of what the stack scrapes but does not run: each node's kubelet and its cAdvisor (the names the
 * Kubernetes monitoring mixins select by default), and cert-manager's controller.
 */
export const CLUSTER_JOBS = { kubelet: 'kubelet', cadvisor: 'cadvisor', certManager: 'cert-manager' } as const;

/** The job of the Thanos sidecar that copies Prometheus' blocks to the backup bucket. */
export const THANOS_SIDECAR_JOB = 'thanos-sidecar';

/** The parts of the config that decide which of the stack's jobs exist. */
export interface JobSwitches {
  readonly nodeExporter: { readonly enabled: boolean };
  readonly kubeStateMetrics: { readonly enabled: boolean };
  readonly elasticsearchExporter: { readonly enabled: boolean };
  readonly kubelet: { readonly enabled: boolean };
  readonly traceIntake: { readonly enabled: boolean };
  readonly pki: { readonly scrapeCertManager: boolean };
  readonly prometheus: { readonly backup: { readonly enabled: boolean } };
  /** The release's Prometheus, Alertmanager and Grafana stand in for the stack's: their jobs are the release's. */
  readonly prometheusOperator?: { readonly enabled: boolean };
}

/**
 * The jobs of the stack's own components and of the cluster's parts it scrapes, as the config deploys
 * and scrapes them (app/stack.ts); TargetDown watches these.
 */
export function stackJobs(config: JobSwitches): string[] {
  const own = !config.prometheusOperator?.enabled;
  return [
    ...(own ? [COMPONENTS.prometheus, COMPONENTS.alertmanager] : []),
    COMPONENTS.collector,
    COMPONENTS.agent,
    COMPONENTS.jaeger,
    ...(own ? [COMPONENTS.grafana] : []),
    COMPONENTS.logstash,
    ...(config.nodeExporter.enabled ? [COMPONENTS.nodeExporter] : []),
    ...(config.kubeStateMetrics.enabled ? [COMPONENTS.kubeStateMetrics] : []),
    ...(config.elasticsearchExporter.enabled ? [COMPONENTS.elasticsearchExporter] : []),
    ...(config.traceIntake.enabled ? [COMPONENTS.traceIntake] : []),
    ...(config.kubelet.enabled ? [CLUSTER_JOBS.kubelet, CLUSTER_JOBS.cadvisor] : []),
    ...(config.pki.scrapeCertManager ? [CLUSTER_JOBS.certManager] : []),
    ...(own && config.prometheus.backup.enabled ? [THANOS_SIDECAR_JOB] : []),
  ];
}

/**
 * The Elasticsearch snapshot repository the bootstrap Job registers when `retention.snapshots` names
 * one: the SLM policy writes to it and the snapshot alerts watch it.
 */
export const SNAPSHOT_REPOSITORY = 'agent-o11y';

/** The job of the apps' metrics, which the gateway's Prometheus exporter serves. */
export const APPS_JOB = 'agents';

/** The job of the pods scraped by their `prometheus.io/*` annotations. */
export const ANNOTATED_PODS_JOB = 'kubernetes-pods';

/** The files of dist/, one per chart (and the rule files under dist/rules/). */
export const STACK_FILES = [
  'namespace',
  'pki',
  'elasticsearch',
  'logstash',
  'kibana',
  'jaeger',
  'otel-collector',
  'otel-agent',
  'node-exporter',
  'kube-state-metrics',
  'elasticsearch-exporter',
  'trace-intake',
  'alertmanager',
  'prometheus',
  'grafana',
  'prometheus-operator',
  'network-policies',
  'network-policies-agent',
] as const;
export type StackFile = (typeof STACK_FILES)[number];

/** Grafana's datasource uids, which the provisioned datasources carry and every panel names. */
export const DATASOURCE_UIDS = { prometheus: 'prometheus', jaeger: 'jaeger', elasticsearch: 'elasticsearch' } as const;

/** Grafana's HTTPS port, which its Service serves. */
export const GRAFANA_PORT = 3000;

/**
 * The URL of the stack's Grafana inside the cluster (its Service, HTTPS): what the alerts' `dashboard_url`
 * links start with. It is the address its peers reach it at (test/constructs/grafana.test.ts holds the two equal).
 */
export function grafanaUrl(namespace: string): string {
  return `https://${COMPONENTS.grafana}.${namespace}.svc:${GRAFANA_PORT}`;
}

/** The MS-framework dashboards' fixed uids: the dashboards carry them and the MS alerts link to them. */
export const MS_DASHBOARD_UIDS = {
  systemOverview: 'ms-system-overview',
  agentPerformance: 'ms-agent-performance',
  swarmCoordination: 'ms-swarm-coordination',
  errorAnalysis: 'ms-error-analysis',
  resourceUtilization: 'ms-resource-utilization',
  messagingBackplane: 'ms-messaging-backplane',
  hooksCli: 'ms-hooks-cli',
} as const;
