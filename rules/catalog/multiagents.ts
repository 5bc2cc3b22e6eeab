import { metric, MetricCatalog } from './types';

/**
 * MultiAgents (seed 001, "Prometheus Integration" and "OpenTelemetry Integration"). The two OTel
 * instruments reach Prometheus through the collector's exporter, which appends a unit suffix only when
 * the instrument declares a unit: the seed's `create_histogram("multiagents_workflow_duration")` declares
 * none (its milliseconds are only in the description), so the series keep the bare name.
 */
export const MULTIAGENTS: MetricCatalog = {
  name: 'multiagents',
  source: 'seed 001 PrometheusExporter and OpenTelemetryIntegration',
  // The prometheus_client registry on start_http_server; the two OTel instruments come through the collector.
  delivery: 'scrape',
  metrics: [
    metric('multiagents_events_total', 'counter', ['event_type', 'status'], 'Total events processed'),
    metric('multiagents_event_duration_seconds', 'histogram', ['event_type'], 'Event processing duration'),
    metric('multiagents_worker_executions_total', 'counter', ['worker_name', 'status'], 'Worker executions'),
    metric('multiagents_worker_duration_seconds', 'histogram', ['worker_name'], 'Worker execution duration'),
    metric('multiagents_system_cpu_percent', 'gauge', [], 'CPU usage percentage'),
    metric('multiagents_system_memory_percent', 'gauge', [], 'Memory usage percentage'),
    metric('multiagents_active_workflows', 'gauge', [], 'Number of active workflows'),
    metric('multiagents_workflows_total', 'counter', ['workflow_id', 'status'], 'Total number of workflows executed', {
      delivery: 'otlp',
    }),
    metric(
      'multiagents_workflow_duration',
      'histogram',
      ['workflow_id'],
      'Workflow execution duration in milliseconds (no unit declared)',
      { delivery: 'otlp' },
    ),
  ],
};
