/**
 * The subset of Prometheus' configuration file the stack renders, as types, so prometheus.yml is
 * built from checked objects and `promtool check config` judges the result.
 */

import type { RelabelRule, RemoteWriteConfig, ScrapeLimitsConfig, ScrapeTargetConfig } from '../src/config/types';
import { ANNOTATED_PODS_JOB, CLUSTER_JOBS } from '../src/lib/names';
import { show } from '../src/lib/problems';
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
  remote_write?: RemoteWrite[];
}

/** A `remote_write` entry: credentials only as files. */
export interface RemoteWrite {
  name: string;
  url: string;
  tls_config?: TlsConfig;
  basic_auth?: { username_file: string; password_file: string };
  authorization?: { type: 'Bearer'; credentials_file: string };
  headers?: Record<string, string>;
  queue_config?: {
    capacity?: number;
    min_shards?: number;
    max_shards?: number;
    max_samples_per_send?: number;
    batch_send_deadline?: string;
    min_backoff?: string;
    max_backoff?: string;
  };
  write_relabel_configs?: RelabelConfig[];
}

/** The files a remote write's Secrets are mounted as, in its own folder. */
export const REMOTE_WRITE_FILES = {
  username: 'username',
  password: 'password',
  token: 'token',
  ca: 'ca.crt',
  cert: 'tls.crt',
  key: 'tls.key',
} as const;

/** A relabelling step of the config, in Prometheus' keys. */
export function relabelConfig(rule: RelabelRule): RelabelConfig {
  return {
    ...(rule.sourceLabels ? { source_labels: rule.sourceLabels } : {}),
    ...(rule.separator !== undefined ? { separator: rule.separator } : {}),
    ...(rule.regex !== undefined ? { regex: rule.regex } : {}),
    ...(rule.targetLabel !== undefined ? { target_label: rule.targetLabel } : {}),
    ...(rule.replacement !== undefined ? { replacement: rule.replacement } : {}),
    ...(rule.action !== undefined ? { action: rule.action } : {}),
  };
}

/**
 * One store of `prometheus.remoteWrite` as Prometheus reads it: its Secrets are files under `dir`
 * (the user name too, so no credential is ever in the ConfigMap); TLS 1.2 at least, since a store
 * outside the stack may not speak 1.3.
 */
export function remoteWrite(store: RemoteWriteConfig, dir: string): RemoteWrite {
  const file = (f: keyof typeof REMOTE_WRITE_FILES) => `${dir}/${REMOTE_WRITE_FILES[f]}`;
  const q = store.queue;
  const queue = q
    ? {
        ...(q.capacity !== undefined ? { capacity: q.capacity } : {}),
        ...(q.minShards !== undefined ? { min_shards: q.minShards } : {}),
        ...(q.maxShards !== undefined ? { max_shards: q.maxShards } : {}),
        ...(q.maxSamplesPerSend !== undefined ? { max_samples_per_send: q.maxSamplesPerSend } : {}),
        ...(q.batchSendDeadline !== undefined ? { batch_send_deadline: q.batchSendDeadline } : {}),
        ...(q.minBackoff !== undefined ? { min_backoff: q.minBackoff } : {}),
        ...(q.maxBackoff !== undefined ? { max_backoff: q.maxBackoff } : {}),
      }
    : undefined;
  return {
    name: store.name,
    url: store.url,
    tls_config: {
      ...(store.tls?.ca ? { ca_file: file('ca') } : {}),
      ...(store.tls?.clientCertificate ? { cert_file: file('cert'), key_file: file('key') } : {}),
      ...(store.tls?.serverName ? { server_name: store.tls.serverName } : {}),
      min_version: 'TLS12',
    },
    ...(store.basicAuth ? { basic_auth: { username_file: file('username'), password_file: file('password') } } : {}),
    ...(store.bearerToken ? { authorization: { type: 'Bearer' as const, credentials_file: file('token') } } : {}),
    ...(store.headers && Object.keys(store.headers).length > 0 ? { headers: store.headers } : {}),
    ...(queue && Object.keys(queue).length > 0 ? { queue_config: queue } : {}),
    ...(store.writeRelabel && store.writeRelabel.length > 0
      ? { write_relabel_configs: store.writeRelabel.map(relabelConfig) }
      : {}),
  };
}

/** The Secret keys a remote write's files come from, by file name. */
export function remoteWriteSecretFiles(store: RemoteWriteConfig): Record<string, { secretName: string; key: string }> {
  const f = REMOTE_WRITE_FILES;
  return {
    ...(store.basicAuth
      ? {
          [f.username]: { secretName: store.basicAuth.secretName, key: store.basicAuth.usernameKey },
          [f.password]: { secretName: store.basicAuth.secretName, key: store.basicAuth.passwordKey },
        }
      : {}),
    ...(store.bearerToken ? { [f.token]: store.bearerToken } : {}),
    ...(store.tls?.ca ? { [f.ca]: store.tls.ca } : {}),
    ...(store.tls?.clientCertificate
      ? { [f.cert]: store.tls.clientCertificate.cert, [f.key]: store.tls.clientCertificate.key }
      : {}),
  };
}

/**
 * Headers Prometheus refuses in `remote_write.headers` (its config.go `reservedHeaders`, plus
 * Authorization, which only its auth settings may set), lower case.
 */
export const RESERVED_REMOTE_WRITE_HEADERS = [
  'authorization',
  'host',
  'content-encoding',
  'content-length',
  'content-type',
  'user-agent',
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'www-authenticate',
  'accept-encoding',
  'x-prometheus-remote-write-version',
  'x-prometheus-remote-read-version',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-content-sha256',
];

/** The port a remote write's URL is dialled at. */
export function remoteWritePort(url: string): number {
  const port = /^https:\/\/[^/:]+:(\d+)/.exec(url)?.[1];
  return port ? Number(port) : 443;
}

/** What Prometheus would refuse in `prometheus.remoteWrite`, or a setting that cannot work. */
export function remoteWriteProblems(stores: readonly RemoteWriteConfig[]): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  stores.forEach((store, i) => {
    const at = `/prometheus/remoteWrite/${i}`;
    if (names.has(store.name)) problems.push(`${at}/name: must differ from the other stores', got ${show(store.name)}`);
    names.add(store.name);
    if (store.basicAuth && store.bearerToken)
      problems.push(`${at}: must give basicAuth or bearerToken, not both (one Authorization header)`);
    const port = remoteWritePort(store.url);
    if (port < 1 || port > 65535) problems.push(`${at}/url: port must be 1-65535, got ${port}`);
    for (const header of Object.keys(store.headers ?? {}))
      if (RESERVED_REMOTE_WRITE_HEADERS.includes(header.toLowerCase()))
        problems.push(
          `${at}/headers/${header}: Prometheus sets this header itself${header.toLowerCase() === 'authorization' ? ' (credentials go in basicAuth or bearerToken)' : ''}`,
        );
    const q = store.queue ?? {};
    if (q.minShards !== undefined && q.maxShards !== undefined && q.minShards > q.maxShards)
      problems.push(`${at}/queue/minShards: must not exceed maxShards (${q.maxShards}), got ${q.minShards}`);
    (store.writeRelabel ?? []).forEach((rule, j) => {
      const action = rule.action ?? 'replace';
      if (action === 'replace' && rule.targetLabel === undefined)
        problems.push(`${at}/writeRelabel/${j}/targetLabel: required for action replace`);
      if (['keep', 'drop'].includes(action) && !rule.sourceLabels?.length)
        problems.push(`${at}/writeRelabel/${j}/sourceLabels: required for action ${action}`);
      if (rule.regex !== undefined) {
        try {
          new RegExp(rule.regex);
        } catch {
          problems.push(`${at}/writeRelabel/${j}/regex: must be a regular expression, got ${show(rule.regex)}`);
        }
      }
    });
  });
  return problems;
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
