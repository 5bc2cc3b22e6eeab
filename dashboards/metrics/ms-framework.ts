import type { MetricDeclaration } from './types';

/**
 * The Mister Smith metrics the dashboards query (seed 000 §15.1, labels as in its samples). Pushed over
 * OTLP and exposed by the collector's Prometheus exporter (job `agents`).
 */
export const MS_FRAMEWORK_METRICS: readonly MetricDeclaration[] = [
  { name: 'agent_spawns_total', type: 'counter', labels: ['agent_type', 'spawn_method'], help: 'Agent instances spawned.' },
  { name: 'agent_active_count', type: 'gauge', labels: ['agent_type', 'state'], help: 'Agents currently active, by state.' },
  { name: 'agent_duration_seconds', type: 'histogram', labels: ['agent_type', 'state'], help: 'Time agents spend in each state.' },
  { name: 'agent_memory_bytes', type: 'gauge', labels: ['agent_id', 'agent_type'], help: 'Memory used per agent.' },
  { name: 'agent_cpu_percent', type: 'gauge', labels: ['agent_id', 'agent_type'], help: 'CPU utilisation per agent.' },
  { name: 'task_completions_total', type: 'counter', labels: ['task_type', 'status', 'agent_type'], help: 'Completed tasks.' },
  { name: 'task_errors_total', type: 'counter', labels: ['task_type', 'error_type', 'agent_type'], help: 'Failed tasks.' },
  { name: 'task_duration_seconds', type: 'histogram', labels: ['task_type'], help: 'Task execution duration.' },
  { name: 'task_queue_depth', type: 'gauge', labels: ['queue_type', 'agent_type'], help: 'Pending tasks.' },
  {
    name: 'messages_sent_total',
    type: 'counter',
    labels: ['from_agent_type', 'to_agent_type', 'message_type'],
    help: 'Messages sent between agents.',
  },
  { name: 'message_latency_seconds', type: 'histogram', labels: ['message_type', 'transport'], help: 'Message delivery latency.' },
  { name: 'message_queue_depth', type: 'gauge', labels: ['queue_name', 'broker'], help: 'Messages waiting in transport queues.' },
  {
    name: 'message_delivery_failures_total',
    type: 'counter',
    labels: ['failure_reason', 'transport'],
    help: 'Failed message deliveries.',
  },
  { name: 'claude_cli_processes_total', type: 'counter', labels: ['command_type', 'batch_size'], help: 'Claude CLI processes spawned.' },
  {
    name: 'claude_cli_parallel_agents_active',
    type: 'gauge',
    labels: ['batch_id', 'process_id'],
    help: 'Parallel internal agents currently running.',
  },
  {
    name: 'claude_cli_hook_executions_total',
    type: 'counter',
    labels: ['hook_type', 'hook_name', 'status'],
    help: 'Hook executions.',
  },
  { name: 'claude_cli_hook_duration_seconds', type: 'histogram', labels: ['hook_type', 'hook_name'], help: 'Hook execution duration.' },
];
