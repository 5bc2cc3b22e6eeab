import { metric, MetricCatalog } from './types';

/**
 * What node-exporter (constructs/node-exporter.ts) exports at the pinned version, as far as the
 * stack's node alerts read it; the real binary's output is held to these names and labels in
 * test/e2e/node-exporter.test.ts.
 */
export const NODE_EXPORTER: MetricCatalog = {
  name: 'node-exporter',
  source: 'node_exporter 1.12 (meminfo and filesystem collectors)',
  // Its job, which also labels each series with the node's name (`node`).
  delivery: 'scrape',
  metrics: [
    metric('node_memory_MemTotal_bytes', 'gauge', [], "The node's memory (/proc/meminfo MemTotal)"),
    metric(
      'node_memory_MemAvailable_bytes',
      'gauge',
      [],
      'Memory available for starting new applications without swapping (/proc/meminfo MemAvailable)',
    ),
    metric('node_filesystem_size_bytes', 'gauge', ['device', 'fstype', 'mountpoint'], 'Filesystem size in bytes'),
    metric(
      'node_filesystem_avail_bytes',
      'gauge',
      ['device', 'fstype', 'mountpoint'],
      'Filesystem space available to non-root users in bytes',
    ),
    metric('node_filesystem_readonly', 'gauge', ['device', 'fstype', 'mountpoint'], 'Filesystem read-only status'),
  ],
};
