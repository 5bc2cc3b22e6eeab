import { metric, MetricCatalog } from './types';

/**
 * What the stack's own components export at the pinned versions (src/lib/images.ts), as far as the
 * self-monitoring pack and dashboards read them, plus the series Prometheus itself writes per target.
 * Elasticsearch is absent: it has no Prometheus endpoint and the stack deploys no exporter for it.
 */
export const STACK: MetricCatalog = {
  name: 'stack',
  source: 'Prometheus 3.13, Alertmanager 0.35, OpenTelemetry Collector 0.159, Jaeger 2.13',
  // Each component's own metrics endpoint, scraped by its job.
  delivery: 'scrape',
  metrics: [
    metric(
      'up',
      'gauge',
      ['job', 'instance'],
      'Whether the last scrape of the target succeeded (written by Prometheus)',
    ),
    metric(
      'scrape_duration_seconds',
      'gauge',
      ['job', 'instance'],
      'Duration of the last scrape (written by Prometheus)',
    ),
    metric('ALERTS', 'gauge', ['alertname', 'alertstate'], 'Pending and firing alerts (written by Prometheus)'),
    metric('prometheus_rule_evaluation_failures_total', 'counter', ['rule_group'], 'Rule evaluations that failed'),
    metric(
      'prometheus_rule_group_last_duration_seconds',
      'gauge',
      ['rule_group'],
      'Duration of the last rule group evaluation',
    ),
    metric('prometheus_tsdb_compactions_failed_total', 'counter', [], 'Compactions that failed'),
    metric('prometheus_tsdb_reloads_failures_total', 'counter', [], 'Block reloads that failed'),
    metric('prometheus_tsdb_head_series', 'gauge', [], 'Series in the head block'),
    metric('prometheus_tsdb_head_samples_appended_total', 'counter', ['type'], 'Samples appended to the head block'),
    metric('prometheus_tsdb_storage_blocks_bytes', 'gauge', [], 'Bytes of the persisted blocks'),
    metric('prometheus_rule_group_interval_seconds', 'gauge', ['rule_group'], 'Evaluation interval of a rule group'),
    metric('prometheus_notifications_queue_length', 'gauge', [], 'Alerts waiting to be sent to Alertmanager'),
    metric('prometheus_notifications_queue_capacity', 'gauge', [], 'Capacity of the alert queue'),
    metric('prometheus_config_last_reload_successful', 'gauge', [], 'Whether the last configuration reload succeeded'),
    metric(
      'prometheus_notifications_errors_total',
      'counter',
      ['alertmanager'],
      'Errors sending alerts to Alertmanager',
    ),
    metric('prometheus_notifications_sent_total', 'counter', ['alertmanager'], 'Alerts sent to Alertmanager'),
    metric('prometheus_notifications_dropped_total', 'counter', [], 'Alerts dropped before reaching Alertmanager'),
    metric('alertmanager_alerts', 'gauge', ['state'], 'Alerts held, by state'),
    metric('alertmanager_notification_latency_seconds', 'histogram', ['integration'], 'Time to send a notification'),
    metric('alertmanager_notifications_total', 'counter', ['integration'], 'Notifications attempted'),
    metric(
      'alertmanager_notifications_failed_total',
      'counter',
      ['integration', 'reason'],
      'Notifications that failed',
    ),
    metric(
      'alertmanager_config_last_reload_successful',
      'gauge',
      [],
      'Whether the last configuration reload succeeded',
    ),
    metric('alertmanager_cluster_members', 'gauge', [], 'Peers in the gossip cluster'),
    metric(
      'otelcol_receiver_accepted_spans_total',
      'counter',
      ['receiver', 'transport'],
      'Spans pushed into the pipeline',
    ),
    metric(
      'otelcol_receiver_accepted_metric_points_total',
      'counter',
      ['receiver', 'transport'],
      'Metric points pushed into the pipeline',
    ),
    metric(
      'otelcol_receiver_accepted_log_records_total',
      'counter',
      ['receiver', 'transport'],
      'Log records pushed into the pipeline',
    ),
    metric(
      'otelcol_receiver_refused_spans_total',
      'counter',
      ['receiver', 'transport'],
      'Spans that could not be pushed into the pipeline',
    ),
    metric(
      'otelcol_receiver_refused_metric_points_total',
      'counter',
      ['receiver', 'transport'],
      'Metric points that could not be pushed into the pipeline',
    ),
    metric(
      'otelcol_receiver_refused_log_records_total',
      'counter',
      ['receiver', 'transport'],
      'Log records that could not be pushed into the pipeline',
    ),
    metric('otelcol_exporter_sent_spans_total', 'counter', ['exporter'], 'Spans sent to the destination'),
    metric('otelcol_exporter_send_failed_spans_total', 'counter', ['exporter'], 'Spans the exporter failed to send'),
    metric(
      'otelcol_exporter_send_failed_metric_points_total',
      'counter',
      ['exporter'],
      'Metric points the exporter failed to send',
    ),
    metric(
      'otelcol_exporter_send_failed_log_records_total',
      'counter',
      ['exporter'],
      'Log records the exporter failed to send',
    ),
    metric(
      'otelcol_exporter_enqueue_failed_spans_total',
      'counter',
      ['exporter'],
      'Spans dropped because the sending queue was full',
    ),
    metric(
      'otelcol_exporter_enqueue_failed_metric_points_total',
      'counter',
      ['exporter'],
      'Metric points dropped because the sending queue was full',
    ),
    metric(
      'otelcol_exporter_enqueue_failed_log_records_total',
      'counter',
      ['exporter'],
      'Log records dropped because the sending queue was full',
    ),
    // `data_type` (traces, metrics, logs) tells apart the queues of an exporter used in several pipelines.
    metric('otelcol_exporter_queue_size', 'gauge', ['exporter', 'data_type'], 'Batches in the sending queue'),
    metric('otelcol_exporter_queue_capacity', 'gauge', ['exporter', 'data_type'], 'Capacity of the sending queue'),
    metric('otelcol_process_memory_rss_bytes', 'gauge', [], 'Resident memory of the collector process'),
    metric(
      'jaeger_bulk_index_attempts_total',
      'counter',
      [],
      'Span documents Jaeger tried to bulk-index into Elasticsearch',
    ),
    metric('jaeger_bulk_index_errors_total', 'counter', [], 'Span documents Elasticsearch rejected'),
    metric('jaeger_bulk_index_inserts_total', 'counter', [], 'Span documents Elasticsearch accepted'),
  ],
};
