import type { MetricDeclaration } from './types';

/**
 * The SutazAI metrics the dashboards query (seed 002): its `prometheus_client` metrics, the
 * `agi_agent_status` gauge its fleet panel reads, and its OTLP instruments as the collector's
 * Prometheus exporter names them (dots become underscores, unit suffixes `_percent` / `_bytes`, `_total`).
 */
export const SUTAZAI_METRICS: readonly MetricDeclaration[] = [
  {
    name: 'agi_agent_status',
    type: 'gauge',
    labels: ['agent_name'],
    help: 'Agent state as a number. The seed gives no encoding; the fleet panel assumes 0 down, 1 idle, 2 busy, 3 degraded.',
  },
  {
    name: 'agi_agent_coordination_score',
    type: 'summary',
    labels: ['agent_group', 'task_type'],
    help: 'Multi-agent coordination effectiveness (0-1).',
  },
  { name: 'agi_system_state_phi', type: 'gauge', labels: ['coordinator_region', 'integration_type'], help: 'Integration score (0-1).' },
  { name: 'agi_emergence_score', type: 'gauge', labels: ['pattern_type', 'agent_cluster'], help: 'Optimization detection score (0-1).' },
  { name: 'agi_processing_coherence', type: 'histogram', labels: ['region', 'layer'], help: 'Processing coherence (0-1).' },
  {
    name: 'agi_learning_milestones_total',
    type: 'counter',
    labels: ['milestone_type', 'knowledge_domain'],
    help: 'Learning milestones reached.',
  },
  { name: 'agent_activity_total', type: 'counter', labels: [], help: 'Agent activities (OTLP `agent.activity.total`).' },
  { name: 'agent_errors_total', type: 'counter', labels: [], help: 'Agent errors (OTLP `agent.errors.total`).' },
  { name: 'resource_cpu_usage_percent', type: 'gauge', labels: [], help: 'CPU usage (OTLP `resource.cpu.usage`, unit %).' },
  { name: 'resource_memory_usage_bytes', type: 'gauge', labels: [], help: 'Memory usage (OTLP `resource.memory.usage`, unit By).' },
];
