import { metric, MetricCatalog, MetricDef } from './types';

/** The agents of Progressive Framework v5: master control, nutrition, workout and budget. */
export const PROGRESSIVE_AGENTS = ['mca', 'npa', 'wpa', 'bma'] as const;

// Every agent's registry (seed 004 AgentMetrics): request and health metrics named after the agent, and
// prom-client's default process metrics under the same prefix (`collectDefaultMetrics({ prefix })`).
function agentMetrics(agent: string): MetricDef[] {
  return [
    metric(
      `${agent}_request_duration_seconds`,
      'histogram',
      ['method', 'status_code', 'endpoint'],
      `Duration of ${agent} requests in seconds`,
      // seed 004's AgentMetrics histogram.
      { buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10] },
    ),
    metric(
      `${agent}_requests_total`,
      'counter',
      ['method', 'status_code', 'endpoint'],
      `Total number of ${agent} requests`,
    ),
    metric(
      `${agent}_health_status`,
      'gauge',
      ['agent_id', 'version'],
      `Health status of ${agent} (1=healthy, 0=unhealthy)`,
    ),
    metric(`${agent}_active_connections`, 'gauge', ['agent_id'], `Number of active connections to ${agent}`),
    metric(
      `${agent}_process_resident_memory_bytes`,
      'gauge',
      [],
      'Resident memory size in bytes (prom-client default metric)',
    ),
    metric(
      `${agent}_process_cpu_seconds_total`,
      'counter',
      [],
      'User and system CPU time in seconds (prom-client default metric)',
    ),
  ];
}

/**
 * Progressive Framework v5 (seed 004, "Custom Agent Metrics Implementation"). The Kubernetes metrics
 * its infrastructure alerts read come from the cluster sources' catalogues: `container_cpu_usage_seconds_total`
 * from the kubelet's cAdvisor (`cadvisor`), `kube_pod_container_status_restarts_total` from kube-state-metrics.
 */
export const PROGRESSIVE_V5: MetricCatalog = {
  name: 'progressive-v5',
  source: 'seed 004 AgentMetrics (prom-client) and alerting rules',
  // Each agent's prom-client registry, scraped from its pod (seed 004 scrapes one job per agent).
  delivery: 'scrape',
  metrics: [
    ...PROGRESSIVE_AGENTS.flatMap(agentMetrics),
    metric(
      'mca_routing_decisions_total',
      'counter',
      ['strategy', 'target_agent', 'success'],
      'Total number of routing decisions made by MCA',
    ),
    metric('mca_agent_load_balance', 'gauge', ['target_agent'], 'Load balance distribution across agents'),
    metric(
      'mca_coordination_latency_seconds',
      'histogram',
      ['coordination_type'],
      'Latency of agent coordination requests',
    ),
    metric(
      'mca_system_errors_total',
      'counter',
      ['error_type', 'recovery_action'],
      'Total number of system errors encountered by MCA',
    ),
    metric(
      'npa_meal_plans_generated_total',
      'counter',
      ['plan_type', 'dietary_restrictions'],
      'Total number of meal plans generated',
    ),
    metric(
      'npa_nutrition_api_calls_total',
      'counter',
      ['api_provider', 'status'],
      'Total number of external nutrition API calls',
    ),
    metric(
      'npa_calorie_calculations_total',
      'counter',
      ['calculation_type'],
      'Total number of calorie calculations performed',
    ),
    metric(
      'npa_user_satisfaction_score',
      'gauge',
      ['plan_category'],
      'User satisfaction score for nutrition plans (1-5)',
    ),
    metric(
      'wpa_workout_plans_generated_total',
      'counter',
      ['plan_type', 'fitness_level', 'equipment'],
      'Total number of workout plans generated',
    ),
    metric(
      'wpa_exercise_recommendations_total',
      'counter',
      ['muscle_group', 'difficulty'],
      'Total number of exercise recommendations made',
    ),
    metric(
      'wpa_fitness_api_calls_total',
      'counter',
      ['api_provider', 'status'],
      'Total number of external fitness API calls',
    ),
    metric('wpa_workout_completion_rate', 'gauge', ['plan_type'], 'Workout completion rate percentage'),
    metric('bma_budgets_created_total', 'counter', ['budget_type', 'period'], 'Total number of budgets created'),
    metric('bma_expense_analyses_total', 'counter', ['analysis_type'], 'Total number of expense analyses performed'),
    metric('bma_savings_identified_dollars', 'gauge', ['category'], 'Total savings identified in dollars'),
    metric('bma_budget_compliance_percentage', 'gauge', ['user_id', 'category'], 'Budget compliance percentage'),
  ],
};
