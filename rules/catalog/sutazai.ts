import { metric, MetricCatalog } from './types';

/**
 * SutazAI (seed 002, "performance metrics Collection"): the prometheus_client metrics as declared, and
 * the OTel instruments under the names the collector's Prometheus exporter gives them (dots become
 * underscores, counters end in `_total`, units become suffixes: `%` → `_percent`, `By` → `_bytes`,
 * a unit-1 gauge → `_ratio`).
 *
 * Its alert rules (§3) read some metrics under names its code does not define: `agi_agent_activity_total`
 * is its counter `agent.activity.total` (`agent_activity_total` here) and `agi_memory_usage_bytes` its
 * gauge `resource.memory.usage` (`resource_memory_usage_bytes`). `agi_memory_limit_bytes`,
 * `agi_value_alignment_score` and `agi_mesa_optimization_probability` are defined nowhere in it (the
 * last two only read again by its safety dashboard panel): no type or labels to catalogue, so they are
 * not here (rules/sutazai.ts says how its alerts do without them).
 */
export const SUTAZAI: MetricCatalog = {
  name: 'sutazai',
  source: 'seed 002 §1 performance metrics collection, §3 alert rules and its Agent Fleet Status dashboard',
  // OTel instruments through the collector; the prometheus_client metrics (agi_*) from the pods' endpoint.
  delivery: 'otlp',
  metrics: [
    // Only the seed's "Agent Fleet Status" dashboard names it (legend `{{agent_name}}`); it gives no encoding.
    metric(
      'agi_agent_status',
      'gauge',
      ['agent_name'],
      'Agent state as a number (the fleet panel reads 0 down, 1 idle, 2 busy, 3 degraded)',
      { delivery: 'scrape' },
    ),
    metric(
      'agi_system_state_phi',
      'gauge',
      ['coordinator_region', 'integration_type'],
      'Integrated Information Theory (phi) metric',
      { delivery: 'scrape' },
    ),
    metric('agi_emergence_score', 'gauge', ['pattern_type', 'agent_cluster'], 'Behavior monitoring score', {
      delivery: 'scrape',
    }),
    metric(
      'agi_processing_coherence',
      'histogram',
      ['region', 'layer'],
      'Processing network coherence across coordinator regions',
      { delivery: 'scrape' },
    ),
    // A prometheus_client Summary: it exports only `_sum` and `_count` (that client computes no quantiles).
    metric(
      'agi_agent_coordination_score',
      'summary',
      ['agent_group', 'task_type'],
      'Multi-agent coordination effectiveness',
      { delivery: 'scrape' },
    ),
    metric(
      'agi_learning_milestones_total',
      'counter',
      ['milestone_type', 'knowledge_domain'],
      'Learning milestones achieved',
      { delivery: 'scrape' },
    ),
    metric('intelligence_integration_score_ratio', 'gauge', [], 'Integrated Information (phi)'),
    metric('intelligence_optimization_ratio', 'gauge', [], 'Optimization detection score'),
    metric('intelligence_coherence_ratio', 'histogram', [], 'Processing coherence distribution'),
    metric('agent_activity_total', 'counter', [], 'Total agent activities'),
    metric('agent_errors_total', 'counter', [], 'Agent error count'),
    metric('resource_cpu_usage_percent', 'gauge', [], 'CPU usage percentage'),
    metric('resource_memory_usage_bytes', 'gauge', [], 'Memory usage in bytes'),
  ],
};
