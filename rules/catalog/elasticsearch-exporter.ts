import { metric, MetricCatalog } from './types';

/**
 * The labels the exporter gives every series of a node: the Elasticsearch cluster's name (`cluster`,
 * not the Kubernetes cluster), the node's address and name, and its roles.
 */
const NODE = ['cluster', 'host', 'name', 'es_master_node', 'es_data_node', 'es_ingest_node', 'es_client_node'];

/** The labels of the latest snapshot's series: its repository, its state and the version that took it. */
const LATEST_SNAPSHOT = ['repository', 'state', 'version'];

/**
 * What the Prometheus community's elasticsearch_exporter (constructs/elasticsearch-exporter.ts) exports at
 * the pinned version with the collectors the stack enables (cluster health, every node's stats, ILM and,
 * where a repository is configured, snapshots), as far as the Elasticsearch alerts read it. Its job gives
 * each series the exporter pod's `namespace` and `pod`; the real binary's output is held to these names
 * and labels in test/e2e/elasticsearch-exporter.test.ts.
 */
export const ELASTICSEARCH_EXPORTER: MetricCatalog = {
  name: 'elasticsearch-exporter',
  source: 'elasticsearch_exporter 1.10 (cluster health, node stats with --es.all, ilm and snapshots collectors)',
  delivery: 'scrape',
  metrics: [
    metric(
      'elasticsearch_cluster_health_status',
      'gauge',
      ['cluster', 'color'],
      'Whether all primary and replica shards are allocated (1 for the current color, 0 for the others)',
    ),
    metric(
      'elasticsearch_cluster_health_unassigned_shards',
      'gauge',
      ['cluster'],
      'The number of shards that exist in the cluster state, but cannot be found in the cluster itself.',
    ),
    metric('elasticsearch_cluster_health_number_of_nodes', 'gauge', ['cluster'], 'Number of nodes in the cluster.'),
    metric(
      'elasticsearch_cluster_health_number_of_data_nodes',
      'gauge',
      ['cluster'],
      'Number of data nodes in the cluster.',
    ),
    metric(
      'elasticsearch_filesystem_data_available_bytes',
      'gauge',
      [...NODE, 'mount', 'path'],
      'Available space on block device in bytes',
    ),
    metric(
      'elasticsearch_filesystem_data_size_bytes',
      'gauge',
      [...NODE, 'mount', 'path'],
      'Size of block device in bytes',
    ),
    metric(
      'elasticsearch_ilm_index_status',
      'gauge',
      ['index', 'phase', 'action', 'step'],
      'Status of ILM policy for index (1 managed, 0 not); step ERROR is a failed step',
    ),
    metric(
      'elasticsearch_ilm_status',
      'gauge',
      ['operation_mode'],
      'Current status of ILM. Status can be STOPPED, RUNNING, STOPPING.',
    ),
    metric(
      'elasticsearch_snapshot_stats_snapshot_failed_shards',
      'gauge',
      LATEST_SNAPSHOT,
      'Last snapshot failed shards',
    ),
    metric(
      'elasticsearch_snapshot_stats_latest_snapshot_timestamp_seconds',
      'gauge',
      ['repository'],
      'Start time of the latest SUCCESS or PARTIAL snapshot (0 when there is none)',
    ),
    metric(
      'elasticsearch_snapshot_stats_number_of_snapshots',
      'gauge',
      ['repository'],
      'Number of snapshots in a repository',
    ),
    metric(
      'elasticsearch_scrape_success',
      'gauge',
      ['collector'],
      'elasticsearch_exporter: Whether a collector succeeded.',
    ),
  ],
};
