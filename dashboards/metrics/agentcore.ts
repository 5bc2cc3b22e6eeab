import type { MetricDeclaration } from './types';

/** The AgentCore metrics the dashboards query (seed 003, its `/metrics` endpoint). */
export const AGENTCORE_METRICS: readonly MetricDeclaration[] = [
  { name: 'agentcore_agents_total', type: 'counter', labels: ['philosophy', 'status'], help: 'Agents created, by outcome.' },
  { name: 'agentcore_agents_active', type: 'gauge', labels: ['philosophy'], help: 'Agents running now.' },
  { name: 'agentcore_agent_initialization_seconds', type: 'histogram', labels: ['philosophy'], help: 'Agent initialisation time.' },
  { name: 'agentcore_agent_execution_seconds', type: 'histogram', labels: ['philosophy'], help: 'Agent execution time.' },
  {
    name: 'agentcore_agent_state_transitions_total',
    type: 'counter',
    labels: ['from_state', 'to_state', 'philosophy'],
    help: 'Agent state transitions.',
  },
  { name: 'agentcore_agent_cpu_percent', type: 'gauge', labels: ['agent_id', 'philosophy'], help: 'CPU per agent, percent.' },
  { name: 'agentcore_agent_memory_mb', type: 'gauge', labels: ['agent_id', 'philosophy'], help: 'Memory per agent, MiB.' },
  {
    name: 'agentcore_container_creation_seconds',
    type: 'histogram',
    labels: ['philosophy', 'warm_start'],
    help: 'Container creation time.',
  },
  { name: 'agentcore_system_cpu_percent', type: 'gauge', labels: [], help: 'Host CPU, percent.' },
  { name: 'agentcore_system_memory_percent', type: 'gauge', labels: [], help: 'Host memory, percent.' },
  { name: 'agentcore_cache_hits_total', type: 'counter', labels: ['cache_type'], help: 'Cache hits.' },
  { name: 'agentcore_cache_misses_total', type: 'counter', labels: ['cache_type'], help: 'Cache misses.' },
  { name: 'agentcore_cache_size', type: 'gauge', labels: ['cache_type'], help: 'Entries in each cache.' },
  { name: 'agentcore_container_pool_size', type: 'gauge', labels: ['philosophy'], help: 'Warm containers in each pool.' },
  { name: 'agentcore_warm_starts_total', type: 'counter', labels: ['philosophy'], help: 'Agents started from a warm container.' },
  { name: 'agentcore_cold_starts_total', type: 'counter', labels: ['philosophy'], help: 'Agents started from a new container.' },
  { name: 'agentcore_gc_collections_total', type: 'counter', labels: [], help: 'Garbage collections.' },
  { name: 'agentcore_memory_released_mb_total', type: 'counter', labels: [], help: 'Memory released by collections, MiB.' },
  { name: 'agentcore_tool_executions_total', type: 'counter', labels: ['tool_id', 'status'], help: 'Tool executions.' },
  { name: 'agentcore_tool_execution_seconds', type: 'histogram', labels: ['tool_id'], help: 'Tool execution time.' },
  { name: 'agentcore_tool_errors_total', type: 'counter', labels: ['tool_id', 'error_type'], help: 'Tool errors.' },
  { name: 'agentcore_errors_total', type: 'counter', labels: ['error_type', 'component'], help: 'Errors by component.' },
  {
    name: 'agentcore_agent_failures_total',
    type: 'counter',
    labels: ['philosophy', 'failure_reason'],
    help: 'Agent failures.',
  },
];
