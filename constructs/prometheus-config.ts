/**
 * The subset of Prometheus' configuration file the stack renders, as types, so prometheus.yml is
 * built from checked objects and `promtool check config` judges the result.
 */

import type { ScrapeLimitsConfig, ScrapeTargetConfig } from '../src/config/types';
import { ANNOTATED_PODS_JOB, CLUSTER_JOBS } from '../src/lib/names';
export interface RelabelConfig {
  source_labels?: string[];
  separator?: string;
  regex?: string;
  target_label?: string;
  replacement?: string;
  action?: 'replace' | 'keep' | 'drop' | 'labelmap' | 'labeldrop' | 'labelkeep' | 'hashmod';
}

export interface TlsConfig {
  ca_file?: string;
  insecure_skip_verify?: boolean;
  cert_file?: string;
  key_file?: string;
  server_name?: string;
  min_version?: 'TLS12' | 'TLS13';
}

export interface KubernetesSdConfig {
  role: 'pod' | 'service' | 'endpoints' | 'endpointslice' | 'node';
  namespaces?: { names: string[] };
}

export interface ScrapeConfig {
  job_name: string;
  scrape_interval?: string;
  metrics_path?: string;
  params?: Record<string, string[]>;
  scheme?: 'http' | 'https';
  honor_labels?: boolean;
  tls_config?: TlsConfig;
  authorization?: { credentials_file: string };
  static_configs?: { targets: string[]; labels?: Record<string, string> }[];
  kubernetes_sd_configs?: KubernetesSdConfig[];
  relabel_configs?: RelabelConfig[];
  metric_relabel_configs?: RelabelConfig[];
  sample_limit?: number;
  label_limit?: number;
  label_value_length_limit?: number;
}

export interface AlertmanagerTarget {
  scheme?: 'http' | 'https';
  api_version: 'v2';
  tls_config?: TlsConfig;
  static_configs: { targets: string[] }[];
}

export interface PrometheusConfigFile {
  global: {
    scrape_interval: string;
    evaluation_interval: string;
    external_labels: Record<string, string>;
  };
  rule_files: string[];
  alerting: {
    alert_relabel_configs?: RelabelConfig[];
    alertmanagers: AlertmanagerTarget[];
  };
  scrape_configs: ScrapeConfig[];
}

/**
 * A job of its own for one of a platform's services (`scrapeTargets`): the pods its labels pick in its
 * namespace, at one container port, with the same `namespace` and `pod` labels as the stack's jobs.
 */
export function serviceJob(
  target: ScrapeTargetConfig,
  stackTls: { ca: string; cert: string; key: string },
): ScrapeConfig {
  const metaLabel = (key: string) => `__meta_kubernetes_pod_label_${key.replace(/[^a-zA-Z0-9_]/g, '_')}`;
  const tls = target.tls;
  return {
    job_name: target.job,
    ...(target.scheme === 'https' || tls ? { scheme: 'https' as const } : {}),
    ...(tls
      ? {
          tls_config: {
            ...(tls.ca === 'stack' ? { ca_file: stackTls.ca } : {}),
            ...(tls.clientCertificate ? { cert_file: stackTls.cert, key_file: stackTls.key } : {}),
            ...(tls.serverName ? { server_name: tls.serverName } : {}),
          },
        }
      : {}),
    ...(target.path && target.path !== '/metrics' ? { metrics_path: target.path } : {}),
    ...(target.params ? { params: target.params } : {}),
    kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: [target.namespace] } }],
    relabel_configs: [
      ...Object.entries(target.matchLabels)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, value]) => ({
          source_labels: [metaLabel(key)],
          regex: value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
          action: 'keep' as const,
        })),
      target.portName !== undefined
        ? {
            source_labels: ['__meta_kubernetes_pod_container_port_name'],
            regex: target.portName,
            action: 'keep' as const,
          }
        : {
            source_labels: ['__meta_kubernetes_pod_container_port_number'],
            regex: String(target.port),
            action: 'keep' as const,
          },
      { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace', action: 'replace' },
      { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod', action: 'replace' },
    ],
  };
}

/** Where a pod's ServiceAccount token and the cluster CA are mounted. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * A job scraping every node's kubelet at `path` (its own /metrics, or cAdvisor's /metrics/cadvisor)
 * with Prometheus' ServiceAccount token, which the kubelet authorizes as `get` on `nodes/metrics`.
 * It keeps only the series named in `keep` (a kubelet serves hundreds of others), honours the series'
 * own `namespace`, `pod` and `node` (the container's, not the kubelet's) and labels the rest with the node.
 */
export function kubeletJob(job: string, path: string, keep: readonly string[], verifyTls: boolean): ScrapeConfig {
  return {
    job_name: job,
    scheme: 'https',
    ...(path !== '/metrics' ? { metrics_path: path } : {}),
    honor_labels: true,
    authorization: { credentials_file: `${SERVICE_ACCOUNT_DIR}/token` },
    tls_config: verifyTls ? { ca_file: `${SERVICE_ACCOUNT_DIR}/ca.crt` } : { insecure_skip_verify: true },
    kubernetes_sd_configs: [{ role: 'node' }],
    relabel_configs: [{ source_labels: ['__meta_kubernetes_node_name'], target_label: 'node', action: 'replace' }],
    metric_relabel_configs: [{ source_labels: ['__name__'], regex: [...keep].sort().join('|'), action: 'keep' }],
  };
}

/**
 * cert-manager's controller in its namespace, at its metrics port (9402, plain HTTP: cert-manager's
 * default), honouring the series' `namespace` (the Certificate's, not the controller's).
 */
export function certManagerJob(namespace: string): ScrapeConfig {
  return {
    job_name: CLUSTER_JOBS.certManager,
    honor_labels: true,
    kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: [namespace] } }],
    relabel_configs: [
      { source_labels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'], regex: 'cert-manager', action: 'keep' },
      {
        source_labels: ['__meta_kubernetes_pod_label_app_kubernetes_io_component'],
        regex: 'controller',
        action: 'keep',
      },
      { source_labels: ['__meta_kubernetes_pod_container_port_number'], regex: '9402', action: 'keep' },
    ],
  };
}

/**
 * Pod discovery honouring the `prometheus.io/scrape|scheme|path|port` annotations (seed 004), with
 * the address rewrite for both IPv4 and IPv6 pod IPs.
 */
export function annotatedPodsJob(excludeNamespace: string): ScrapeConfig {
  return {
    job_name: ANNOTATED_PODS_JOB,
    kubernetes_sd_configs: [{ role: 'pod' }],
    relabel_configs: [
      { source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_scrape'], regex: 'true', action: 'keep' },
      // The stack's own pods have dedicated jobs; do not scrape them twice.
      { source_labels: ['__meta_kubernetes_namespace'], regex: excludeNamespace, action: 'drop' },
      { source_labels: ['__meta_kubernetes_pod_phase'], regex: 'Pending|Succeeded|Failed', action: 'drop' },
      {
        source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_scheme'],
        regex: '(https?)',
        target_label: '__scheme__',
        action: 'replace',
      },
      {
        source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_path'],
        regex: '(.+)',
        target_label: '__metrics_path__',
        action: 'replace',
      },
      {
        source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_port', '__meta_kubernetes_pod_ip'],
        regex: '(\\d+);(([A-Fa-f0-9]{1,4}::?){1,7}[A-Fa-f0-9]{1,4})',
        replacement: '[$2]:$1',
        target_label: '__address__',
        action: 'replace',
      },
      {
        source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_port', '__meta_kubernetes_pod_ip'],
        regex: '(\\d+);((([0-9]+?)(\\.|$)){4})',
        replacement: '$2:$1',
        target_label: '__address__',
        action: 'replace',
      },
      { regex: '__meta_kubernetes_pod_label_(.+)', action: 'labelmap' },
      { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace', action: 'replace' },
      { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod', action: 'replace' },
    ],
  };
}

/**
 * The labels a job gives each series besides the series' own: `job` and `instance`, every target label
 * its relabelling sets, and `given`, the labels the target itself puts on every series it serves (the
 * gateway's exporter: the OTLP path's). Undefined when they cannot be counted: a labelmap copies the
 * pod's labels.
 */
export function jobLabels(job: ScrapeConfig, given: readonly string[] = []): Set<string> | undefined {
  const relabel = job.relabel_configs ?? [];
  if (relabel.some((r) => r.action === 'labelmap')) return undefined;
  const targets = relabel.flatMap((r) => (r.target_label && !r.target_label.startsWith('__') ? [r.target_label] : []));
  return new Set(['job', 'instance', ...targets, ...given]);
}

/**
 * `job` with its scrape limits: the config's, under the job's built-in ones (`own`), under the config's
 * for its job where it has some. The label limit
 * counts a series' own labels plus its name, `le` or `quantile`, and what its job gives it.
 */
export function withScrapeLimits(
  job: ScrapeConfig,
  limits: ScrapeLimitsConfig,
  own: { readonly samples?: number; readonly givenLabels?: readonly string[] } = {},
): ScrapeConfig {
  const { samples, labels, labelValueLength } = {
    ...limits,
    ...(own.samples !== undefined ? { samples: own.samples } : {}),
    ...limits.jobs[job.job_name],
  };
  const given = jobLabels(job, own.givenLabels);
  return {
    ...job,
    ...(samples > 0 ? { sample_limit: samples } : {}),
    ...(labels > 0 && given ? { label_limit: labels + 2 + given.size } : {}),
    ...(labelValueLength > 0 ? { label_value_length_limit: labelValueLength } : {}),
  };
}
