import type { MetricDeclaration } from './types';

/**
 * Metrics the stack's own components export, scraped by the jobs `prometheus.scrape(...)` adds. The
 * collector and Jaeger v2 (built on the collector) share the `otelcol_*` telemetry; their Prometheus
 * exporter adds `_total` to counters.
 */
export const STACK_METRICS: readonly MetricDeclaration[] = [
  { name: 'up', type: 'gauge', labels: [], help: '1 when the last scrape of a target succeeded (written by Prometheus).' },
  // OpenTelemetry Collector and Jaeger v2 internal telemetry.
  ...(['spans', 'metric_points', 'log_records'] as const).flatMap((signal): MetricDeclaration[] => [
    { name: `otelcol_receiver_accepted_${signal}_total`, type: 'counter', labels: ['receiver', 'transport'], help: `${signal} accepted by a receiver.` },
    { name: `otelcol_receiver_refused_${signal}_total`, type: 'counter', labels: ['receiver', 'transport'], help: `${signal} a receiver refused (e.g. memory_limiter).` },
    { name: `otelcol_exporter_sent_${signal}_total`, type: 'counter', labels: ['exporter'], help: `${signal} an exporter sent.` },
    { name: `otelcol_exporter_send_failed_${signal}_total`, type: 'counter', labels: ['exporter'], help: `${signal} an exporter failed to send.` },
    { name: `otelcol_exporter_enqueue_failed_${signal}_total`, type: 'counter', labels: ['exporter'], help: `${signal} dropped because an exporter queue was full.` },
  ]),
  { name: 'otelcol_exporter_queue_size', type: 'gauge', labels: ['exporter', 'data_type'], help: 'Batches in an exporter queue.' },
  { name: 'otelcol_exporter_queue_capacity', type: 'gauge', labels: ['exporter', 'data_type'], help: 'Capacity of an exporter queue.' },
  { name: 'otelcol_process_memory_rss_bytes', type: 'gauge', labels: [], help: 'Resident memory of the collector process.' },
  // Prometheus.
  { name: 'prometheus_tsdb_head_series', type: 'gauge', labels: [], help: 'Series in the head block.' },
  { name: 'prometheus_tsdb_head_samples_appended_total', type: 'counter', labels: ['type'], help: 'Samples appended to the head.' },
  { name: 'prometheus_tsdb_storage_blocks_bytes', type: 'gauge', labels: [], help: 'Bytes of persisted blocks.' },
  { name: 'prometheus_rule_evaluation_failures_total', type: 'counter', labels: ['rule_group'], help: 'Failed rule evaluations.' },
  { name: 'prometheus_rule_group_last_duration_seconds', type: 'gauge', labels: ['rule_group'], help: 'Last evaluation time of a rule group.' },
  { name: 'prometheus_rule_group_interval_seconds', type: 'gauge', labels: ['rule_group'], help: 'Evaluation interval of a rule group.' },
  { name: 'prometheus_notifications_dropped_total', type: 'counter', labels: [], help: 'Alerts dropped before reaching Alertmanager.' },
  { name: 'prometheus_notifications_queue_length', type: 'gauge', labels: [], help: 'Alerts waiting to be sent.' },
  { name: 'prometheus_notifications_queue_capacity', type: 'gauge', labels: [], help: 'Capacity of the alert queue.' },
  // Alertmanager.
  { name: 'alertmanager_alerts', type: 'gauge', labels: ['state'], help: 'Alerts held, by state.' },
  { name: 'alertmanager_notifications_total', type: 'counter', labels: ['integration'], help: 'Notifications attempted.' },
  { name: 'alertmanager_notifications_failed_total', type: 'counter', labels: ['integration', 'reason'], help: 'Notifications that failed.' },
  { name: 'alertmanager_notification_latency_seconds', type: 'histogram', labels: ['integration'], help: 'Time to send a notification.' },
];
