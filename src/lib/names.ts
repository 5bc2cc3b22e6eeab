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
} as const;

/** Scrape jobs of the stack's own components (app/stack.ts), each deployed or not by the config. */
const STACK_JOBS = [
  COMPONENTS.prometheus,
  COMPONENTS.alertmanager,
  COMPONENTS.collector,
  COMPONENTS.agent,
  COMPONENTS.jaeger,
  COMPONENTS.grafana,
  COMPONENTS.nodeExporter,
] as const;

/** The jobs of the stack's own components a config deploys; TargetDown watches these. */
export function stackJobs(config: { readonly nodeExporter: { readonly enabled: boolean } }): string[] {
  return STACK_JOBS.filter((job) => job !== COMPONENTS.nodeExporter || config.nodeExporter.enabled);
}

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
  'alertmanager',
  'prometheus',
  'grafana',
  'network-policies',
  'network-policies-agent',
] as const;
export type StackFile = (typeof STACK_FILES)[number];

/** Grafana's datasource uids, which the provisioned datasources carry and every panel names. */
export const DATASOURCE_UIDS = { prometheus: 'prometheus', jaeger: 'jaeger', elasticsearch: 'elasticsearch' } as const;
