import { metric, MetricCatalog } from './types';

/** The one bucket the sidecar writes to: objstore labels each bucket series with it. */
const BUCKET = ['bucket'];

/**
 * What the Thanos sidecar that copies Prometheus' blocks to the backup bucket (`prometheus.backup`)
 * exports, as far as the backup alerts read it: its uploads (the shipper) and its bucket operations
 * (objstore). Its job, `thanos-sidecar`, gives each series the Prometheus pod's `namespace` and `pod`.
 * The real sidecar's output is held to these names and labels in test/e2e/prometheus-backup.test.ts.
 */
export const THANOS_SIDECAR: MetricCatalog = {
  name: 'thanos-sidecar',
  source: "Thanos 0.42 sidecar /metrics (pkg/shipper, objstore's bucket metrics)",
  delivery: 'scrape',
  metrics: [
    metric('thanos_shipper_uploads_total', 'counter', [], 'Total number of uploaded blocks'),
    metric('thanos_shipper_upload_failures_total', 'counter', [], 'Total number of block upload failures'),
    metric('thanos_shipper_dir_sync_failures_total', 'counter', [], 'Total number of failed dir syncs'),
    metric(
      'thanos_objstore_bucket_last_successful_upload_time',
      'gauge',
      BUCKET,
      'Second timestamp of the last successful upload to the bucket.',
    ),
    metric(
      'thanos_objstore_bucket_operations_total',
      'counter',
      [...BUCKET, 'operation'],
      'Total number of all attempted operations against a bucket.',
    ),
    metric(
      'thanos_objstore_bucket_operation_failures_total',
      'counter',
      [...BUCKET, 'operation'],
      'Total number of operations against a bucket that failed, but were not expected to fail in certain way from caller perspective. Those errors have to be investigated.',
    ),
    metric(
      'thanos_sidecar_prometheus_up',
      'gauge',
      [],
      'Boolean indicator whether the sidecar can reach its Prometheus peer.',
    ),
    metric('process_start_time_seconds', 'gauge', [], 'Start time of the process since unix epoch in seconds.'),
  ],
};
