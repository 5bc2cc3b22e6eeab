import type { MetricDeclaration } from './types';

/**
 * The MultiAgents metrics the dashboards query (seed 001): the `prometheus_client` registry it serves
 * itself (scraped through the `prometheus.io/scrape` annotation) and the two OTLP workflow instruments.
 */
export const MULTIAGENTS_METRICS: readonly MetricDeclaration[] = [
  { name: 'multiagents_events_total', type: 'counter', labels: ['event_type', 'status'], help: 'Events processed.' },
  { name: 'multiagents_event_duration_seconds', type: 'histogram', labels: ['event_type'], help: 'Event processing duration.' },
  { name: 'multiagents_worker_executions_total', type: 'counter', labels: ['worker_name', 'status'], help: 'Worker executions.' },
  { name: 'multiagents_worker_duration_seconds', type: 'histogram', labels: ['worker_name'], help: 'Worker execution duration.' },
  { name: 'multiagents_system_cpu_percent', type: 'gauge', labels: [], help: 'Host CPU usage, percent.' },
  { name: 'multiagents_system_memory_percent', type: 'gauge', labels: [], help: 'Host memory usage, percent.' },
  { name: 'multiagents_active_workflows', type: 'gauge', labels: [], help: 'Workflows running now.' },
  { name: 'multiagents_workflows_total', type: 'counter', labels: [], help: 'Workflows executed (OTLP counter).' },
  {
    name: 'multiagents_workflow_duration',
    type: 'histogram',
    labels: [],
    // The seed's instrument declares no unit, so the exporter adds no suffix; the values are milliseconds.
    help: 'Workflow execution duration in milliseconds (OTLP histogram without a unit).',
  },
];
