import { metric, MetricCatalog } from './types';

/**
 * MS framework (seed 000 §15.1): agent lifecycle, task execution, communication and Claude-CLI hook
 * metrics, and what only its §15.5.0 alerts read: §15.1 and the seed's instrumentation code (§2.3,
 * §15.8.0, §16) never define `agent_coordination_failures_total`, `claude_cli_processes_failed_total`
 * or the `cluster_id` label, so they are catalogued as those alerts use them (a counter read by
 * `rate()`, no labels the seed does not name).
 */
export const MS_FRAMEWORK: MetricCatalog = {
  name: 'ms-framework',
  source: 'seed 000 §15.1.1-15.1.4, §15.5.0',
  // The agents' Prometheus endpoints (seed 000 scrapes `/metrics`).
  delivery: 'scrape',
  metrics: [
    metric('agent_spawns_total', 'counter', ['agent_type', 'spawn_method'], 'Number of agent instances spawned'),
    // cluster_id: the swarm formation the agents belong to, which SwarmSplitBrain counts (seed 000 §15.5.0).
    metric('agent_active_count', 'gauge', ['agent_type', 'state', 'cluster_id'], 'Current number of active agents'),
    metric('agent_duration_seconds', 'histogram', ['agent_type', 'state'], 'Time agents spend in each state'),
    metric('agent_memory_bytes', 'gauge', ['agent_id', 'agent_type'], 'Memory usage per agent'),
    metric('agent_cpu_percent', 'gauge', ['agent_id', 'agent_type'], 'CPU utilization per agent'),
    metric('task_completions_total', 'counter', ['task_type', 'status', 'agent_type'], 'Number of completed tasks'),
    metric('task_errors_total', 'counter', ['task_type', 'error_type', 'agent_type'], 'Number of failed tasks'),
    // The seed's exposition (§15.1.2): 5 s, 10 s, 30 s.
    metric('task_duration_seconds', 'histogram', ['task_type'], 'Task execution duration distribution', {
      buckets: [5, 10, 30],
    }),
    metric('task_queue_depth', 'gauge', ['queue_type', 'agent_type'], 'Current number of pending tasks'),
    metric(
      'messages_sent_total',
      'counter',
      ['from_agent_type', 'to_agent_type', 'message_type'],
      'Number of messages sent between agents',
    ),
    metric(
      'message_latency_seconds',
      'histogram',
      ['message_type', 'transport'],
      'Message delivery latency distribution',
      // The seed's exposition (§15.1.3): 1 ms, 5 ms, 10 ms.
      { buckets: [0.001, 0.005, 0.01] },
    ),
    metric('message_queue_depth', 'gauge', ['queue_name', 'broker'], 'Number of messages in transport queues'),
    metric('message_delivery_failures_total', 'counter', ['failure_reason', 'transport'], 'Failed message deliveries'),
    metric(
      'claude_cli_processes_total',
      'counter',
      ['command_type', 'batch_size'],
      'Number of Claude CLI processes spawned',
    ),
    metric(
      'claude_cli_parallel_agents_active',
      'gauge',
      ['batch_id', 'process_id'],
      'Current number of parallel internal agents',
    ),
    metric(
      'claude_cli_hook_executions_total',
      'counter',
      ['hook_type', 'hook_name', 'status'],
      'Number of hook executions',
    ),
    metric('claude_cli_hook_duration_seconds', 'histogram', ['hook_type', 'hook_name'], 'Hook execution duration'),
    metric(
      'agent_coordination_failures_total',
      'counter',
      [],
      'Failed coordination operations between agents (seed 000 §15.5.0 AgentCoordinationFailure)',
    ),
    metric(
      'claude_cli_processes_failed_total',
      'counter',
      [],
      'Number of Claude CLI processes that failed (seed 000 §15.5.0 ClaudeCLIProcessFailures)',
    ),
  ],
};
