import type { MetricDeclaration } from './types';

/**
 * The Progressive Framework v5 metrics the dashboards query (seed 004). The seed's own scrape jobs add
 * `agent_type` (mca, npa, wpa, bma); scraped here through the `kubernetes-pods` job, the agents must
 * expose it themselves.
 */
export const PROGRESSIVE_METRICS: readonly MetricDeclaration[] = [
  { name: 'mca_requests_total', type: 'counter', labels: ['status_code', 'endpoint'], help: 'Requests to the Master Control Agent.' },
  { name: 'mca_request_duration_seconds', type: 'histogram', labels: ['endpoint'], help: 'MCA request duration.' },
  { name: 'mca_routing_decisions_total', type: 'counter', labels: ['strategy'], help: 'Routing decisions, by strategy.' },
  { name: 'mca_agent_load_balance', type: 'gauge', labels: ['target_agent'], help: 'Share of load routed to each agent (0-1).' },
  {
    name: 'mca_coordination_latency_seconds',
    type: 'histogram',
    labels: ['coordination_type'],
    help: 'Latency of coordination between agents.',
  },
  { name: 'mca_system_errors_total', type: 'counter', labels: ['error_type'], help: 'MCA errors, by type.' },
  { name: 'agent_health_status', type: 'gauge', labels: ['agent_type'], help: '1 when the agent reports healthy, 0 otherwise.' },
  { name: 'requests_total', type: 'counter', labels: ['agent_type', 'status_code', 'endpoint'], help: 'Requests served by each agent.' },
  { name: 'request_duration_seconds', type: 'histogram', labels: ['agent_type', 'endpoint'], help: 'Request duration per agent.' },
  { name: 'process_resident_memory_bytes', type: 'gauge', labels: ['agent_type'], help: 'Resident memory of each agent process.' },
  { name: 'process_cpu_seconds_total', type: 'counter', labels: ['agent_type'], help: 'CPU time of each agent process.' },
  { name: 'npa_meal_plans_generated_total', type: 'counter', labels: [], help: 'Meal plans generated.' },
  { name: 'npa_user_satisfaction_score', type: 'gauge', labels: [], help: 'User satisfaction with meal plans (0-5).' },
  { name: 'wpa_workout_plans_generated_total', type: 'counter', labels: [], help: 'Workout plans generated.' },
  { name: 'wpa_workout_completion_rate', type: 'gauge', labels: [], help: 'Share of workouts completed (0-1).' },
  { name: 'bma_budgets_created_total', type: 'counter', labels: [], help: 'Budgets created.' },
  { name: 'bma_expense_analyses_total', type: 'counter', labels: [], help: 'Expense analyses run.' },
  { name: 'bma_savings_identified_dollars', type: 'gauge', labels: [], help: 'Savings identified for users, USD.' },
];
