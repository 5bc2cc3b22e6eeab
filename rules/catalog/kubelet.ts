import { metric, MetricCatalog } from './types';

/** cAdvisor's labels of a container's series, as the kubelet serves them (`container=""` is the pod's cgroup). */
const CONTAINER = ['namespace', 'pod', 'container', 'id', 'image', 'name'];

/**
 * What each node's kubelet serves at /metrics, as far as the stack keeps it: volume usage per claim
 * and what the kubelet runs. The `kubelet` job keeps only these series (a kubelet serves hundreds of
 * others, most of them histograms), so this list is the job's allowlist as well as its catalogue.
 * No kubelet runs here: the names and labels are the kubelet's stable metrics as documented for
 * Kubernetes 1.31+ (https://kubernetes.io/docs/reference/instrumentation/metrics/).
 */
export const KUBELET: MetricCatalog = {
  name: 'kubelet',
  source: 'kubelet /metrics (Kubernetes 1.31+ stable and beta metrics)',
  delivery: 'kubelet',
  metrics: [
    ...(['capacity_bytes', 'available_bytes', 'used_bytes', 'inodes', 'inodes_free', 'inodes_used'] as const).map(
      (what) =>
        metric(
          `kubelet_volume_stats_${what}`,
          'gauge',
          ['namespace', 'persistentvolumeclaim'],
          `The volume's ${what.replace('_', ' ')} (kubelet volume stats)`,
        ),
    ),
    metric('kubelet_running_pods', 'gauge', [], 'Number of pods that have a running pod sandbox'),
    metric('kubelet_running_containers', 'gauge', ['container_state'], 'Number of containers currently running'),
    metric('kubelet_node_name', 'gauge', ['node'], "The node's name; the count is always 1"),
  ],
};

/**
 * What each node's kubelet serves at /metrics/cadvisor, as far as the stack keeps it: the CPU, memory,
 * throttling and network of every container. The `cadvisor` job keeps only these series: this list is
 * its allowlist, which bounds what a node's hundreds of containers cost in series. Names and extra
 * labels (`cpu`, `interface`) read from cAdvisor's source (v0.52, metrics/prometheus.go); the kubelet
 * labels each container's series with `container`, `id`, `image`, `name`, `namespace` and `pod`.
 */
export const CADVISOR: MetricCatalog = {
  name: 'cadvisor',
  source: 'kubelet /metrics/cadvisor (cAdvisor as embedded in the kubelet, Kubernetes 1.31+)',
  delivery: 'kubelet',
  metrics: [
    metric(
      'container_cpu_usage_seconds_total',
      'counter',
      [...CONTAINER, 'cpu'],
      'Cumulative cpu time consumed in seconds',
    ),
    metric('container_cpu_cfs_periods_total', 'counter', CONTAINER, 'Number of elapsed enforcement period intervals'),
    metric('container_cpu_cfs_throttled_periods_total', 'counter', CONTAINER, 'Number of throttled period intervals'),
    metric(
      'container_memory_working_set_bytes',
      'gauge',
      CONTAINER,
      'Current working set in bytes (what the kubelet evicts and the OOM killer acts on)',
    ),
    metric('container_memory_rss', 'gauge', CONTAINER, 'Size of RSS in bytes'),
    metric('container_memory_cache', 'gauge', CONTAINER, 'Number of bytes of page cache memory'),
    ...(['receive', 'transmit'] as const).flatMap((way) => [
      metric(
        `container_network_${way}_bytes_total`,
        'counter',
        [...CONTAINER, 'interface'],
        `Cumulative count of bytes ${way === 'receive' ? 'received' : 'transmitted'}`,
      ),
      metric(
        `container_network_${way}_packets_dropped_total`,
        'counter',
        [...CONTAINER, 'interface'],
        `Cumulative count of packets dropped while ${way === 'receive' ? 'receiving' : 'transmitting'}`,
      ),
    ]),
  ],
};
