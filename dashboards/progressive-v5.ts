import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as units from '@grafana/grafana-foundation-sdk/units';
import { percent } from '../rules/helpers';
import type { StackConfig } from '../src/config';
import {
  SEVERITY_COLORS,
  barGaugePanel,
  baseDashboard,
  namespaceVariable,
  promQuery,
  quantile,
  statPanel,
  thresholds,
  timeseriesPanel,
} from './panels';

/** Fixed uids of the Progressive Framework v5 dashboards. */
export const PROGRESSIVE_UIDS = {
  mca: 'progressive-v5-mca',
  agentHealth: 'progressive-v5-agent-health',
  business: 'progressive-v5-business',
} as const;

const TAGS = ['progressive-v5'];
const NS = 'namespace=~"$namespace"';

/**
 * One expression per agent of the config, tagged with its name as `agent_type` and joined with `or`.
 * Seed 004's agents prefix every metric with their name (`npa_requests_total`, `npa_health_status`), so its
 * dashboards' unprefixed `requests_total` and `agent_health_status` select nothing; this reads the same
 * series the alert pack does (rules/progressive-v5.ts), which gathers them the same way.
 */
function perAgent(config: StackConfig, expr: (agent: string) => string): string {
  return config.alerts.progressiveV5.agents
    .map((a) => `label_replace(${expr(a)}, "agent_type", "${a}", "", "")`)
    .join(' or ');
}

/**
 * Seed 004's Master Control Agent dashboard. Its raw counter in "Routing Decisions" becomes a rate,
 * its un-aggregated quantiles are summed by `le` first; thresholds are its alerts (p95 > 2 s, 5xx > 5%).
 */
export function progressiveMca(config: StackConfig): dashboard.Dashboard {
  const limits = config.alerts.progressiveV5;
  return baseDashboard({
    uid: PROGRESSIVE_UIDS.mca,
    title: 'Progressive Framework v5 - Master Control Agent',
    description:
      'Request rate, latency and errors of the MCA, its routing decisions, agent load and coordination latency.',
    tags: TAGS,
  })
    .withVariable(namespaceVariable('mca_requests_total'))
    .withPanel(
      timeseriesPanel({
        title: 'MCA Request Rate',
        description: 'Requests per second, by status code.',
        unit: units.RequestsPerSecond,
        thresholds: thresholds(),
        targets: [
          promQuery(`sum by (status_code) (rate(mca_requests_total{${NS}}[$__rate_interval]))`, '{{status_code}}'),
        ],
      })
        .min(0)
        .span(12)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'MCA Response Time',
        description: `p50, p95 and p99 request duration; the line is the MCAHighResponseTime alert (p95 > ${limits.mcaLatencyP95Seconds} s).`,
        unit: units.Seconds,
        thresholds: thresholds({ value: limits.mcaLatencyP95Seconds, color: SEVERITY_COLORS.warning }),
        targets: [
          promQuery(quantile(0.5, 'mca_request_duration_seconds', [], NS), 'p50', 'A'),
          promQuery(quantile(0.95, 'mca_request_duration_seconds', [], NS), 'p95', 'B'),
          promQuery(quantile(0.99, 'mca_request_duration_seconds', [], NS), 'p99', 'C'),
        ],
      })
        .min(0)
        .span(12)
        .height(8),
    )
    .withPanel(
      statPanel({
        title: 'MCA 5xx Ratio',
        description: `Responses with a 5xx status as a share of all over 5 minutes; red at the MCAHighErrorRate alert's ${percent(limits.mcaErrorRatio)}.`,
        unit: units.PercentUnit,
        thresholds: thresholds(
          { value: 0.01, color: SEVERITY_COLORS.warning },
          { value: limits.mcaErrorRatio, color: SEVERITY_COLORS.critical },
        ),
        targets: [
          promQuery(
            `sum(rate(mca_requests_total{status_code=~"5..", ${NS}}[5m])) / sum(rate(mca_requests_total{${NS}}[5m]))`,
            '5xx ratio',
          ),
        ],
      })
        .span(6)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Routing Decisions',
        description: 'Routing decisions per second, by strategy.',
        unit: units.OpsPerSecond,
        thresholds: thresholds(),
        targets: [
          promQuery(`sum by (strategy) (rate(mca_routing_decisions_total{${NS}}[$__rate_interval]))`, '{{strategy}}'),
        ],
      })
        .min(0)
        .span(9)
        .height(8),
    )
    .withPanel(
      barGaugePanel({
        title: 'Agent Load Distribution',
        description: 'Share of the load the MCA routes to each agent now.',
        unit: units.PercentUnit,
        min: 0,
        max: 1,
        thresholds: thresholds({ value: 0.8, color: SEVERITY_COLORS.warning }),
        targets: [promQuery(`max by (target_agent) (mca_agent_load_balance{${NS}})`, '{{target_agent}}').instant()],
      })
        .span(9)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'System Coordination Latency',
        description: '95th percentile coordination latency, by coordination type.',
        unit: units.Seconds,
        thresholds: thresholds(),
        targets: [
          promQuery(
            quantile(0.95, 'mca_coordination_latency_seconds', ['coordination_type'], NS),
            '{{coordination_type}}',
          ),
        ],
      })
        .min(0)
        .span(12)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Error Rate by Type',
        description: 'MCA errors per second, by error type.',
        unit: units.OpsPerSecond,
        thresholds: thresholds(),
        targets: [
          promQuery(`sum by (error_type) (rate(mca_system_errors_total{${NS}}[$__rate_interval]))`, '{{error_type}}'),
        ],
      })
        .min(0)
        .span(12)
        .height(8),
    )
    .build();
}

/**
 * Seed 004's Agent Health Overview, over the agents the config names. The seed's `agent_type` variable
 * filtered a label its own scrape jobs added; here each agent's series are told apart by their prefix,
 * so the panels show every agent, each under its name.
 */
export function progressiveAgentHealth(config: StackConfig): dashboard.Dashboard {
  return baseDashboard({
    uid: PROGRESSIVE_UIDS.agentHealth,
    title: 'Progressive Framework v5 - Agent Health Overview',
    description: 'Healthy agents per type, request success, memory, CPU and response time per agent.',
    tags: TAGS,
  })
    .withVariable(namespaceVariable('mca_requests_total'))
    .withPanel(
      statPanel({
        title: 'Healthy Agents',
        description: 'Agents reporting healthy, by agent type; red when none is.',
        unit: units.Short,
        thresholds: new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps([
          { value: null, color: SEVERITY_COLORS.critical },
          { value: 1, color: SEVERITY_COLORS.warning },
          { value: 2, color: SEVERITY_COLORS.ok },
        ]),
        targets: [
          promQuery(
            perAgent(config, (a) => `count(${a}_health_status{${NS}} == 1)`),
            '{{agent_type}}',
          ),
        ],
      })
        .span(12)
        .height(6),
    )
    .withPanel(
      statPanel({
        title: 'Unhealthy Agents',
        description: 'Agents reporting unhealthy (AgentUnhealthy fires on these).',
        unit: units.Short,
        thresholds: thresholds({ value: 1, color: SEVERITY_COLORS.critical }),
        targets: [
          promQuery(`count((${perAgent(config, (a) => `${a}_health_status{${NS}}`)}) < 1) or vector(0)`, 'unhealthy'),
        ],
      })
        .span(12)
        .height(6),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Request Success Rate by Agent',
        description: 'Requests without a 5xx status as a share of all, by agent type.',
        unit: units.PercentUnit,
        thresholds: new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps([
          { value: null, color: SEVERITY_COLORS.critical },
          { value: 0.95, color: SEVERITY_COLORS.warning },
          { value: 0.99, color: SEVERITY_COLORS.ok },
        ]),
        targets: [
          promQuery(
            perAgent(
              config,
              (a) =>
                `sum(rate(${a}_requests_total{status_code!~"5..", ${NS}}[$__rate_interval])) / sum(rate(${a}_requests_total{${NS}}[$__rate_interval]))`,
            ),
            '{{agent_type}}',
          ),
        ],
      })
        .axisSoftMin(0.95)
        .max(1)
        .span(12)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Agent Response Time p95',
        description: `95th percentile request duration, by agent type; the line is the AverageResponseTimeAboveSLA alert's ${Math.round(config.alerts.progressiveV5.slaLatencyP95Seconds * 1000)} ms.`,
        unit: units.Seconds,
        thresholds: thresholds({
          value: config.alerts.progressiveV5.slaLatencyP95Seconds,
          color: SEVERITY_COLORS.warning,
        }),
        targets: [
          promQuery(
            perAgent(config, (a) => quantile(0.95, `${a}_request_duration_seconds`, [], NS)),
            '{{agent_type}}',
          ),
        ],
      })
        .min(0)
        .span(12)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Memory Usage by Agent',
        description: `Resident memory of each agent process; the line is the AgentHighMemoryUsage alert's ${config.alerts.progressiveV5.agentMemoryMiB} MiB.`,
        unit: units.BytesIEC,
        thresholds: thresholds({
          value: config.alerts.progressiveV5.agentMemoryMiB * 1024 ** 2,
          color: SEVERITY_COLORS.warning,
        }),
        targets: [
          promQuery(
            perAgent(config, (a) => `max by (pod) (${a}_process_resident_memory_bytes{${NS}})`),
            '{{agent_type}} {{pod}}',
          ),
        ],
      })
        .min(0)
        .span(12)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'CPU Usage by Agent',
        description: 'CPU of each agent process, in cores.',
        unit: units.Short,
        thresholds: thresholds(),
        targets: [
          promQuery(
            perAgent(config, (a) => `sum by (pod) (rate(${a}_process_cpu_seconds_total{${NS}}[$__rate_interval]))`),
            '{{agent_type}} {{pod}}',
          ),
        ],
      })
        .min(0)
        .span(12)
        .height(8),
    )
    .build();
}

/** Seed 004's Business Metrics: plans generated, satisfaction, budgets, engagement, adoption, savings. */
export function progressiveBusiness(config: StackConfig): dashboard.Dashboard {
  return baseDashboard({
    uid: PROGRESSIVE_UIDS.business,
    title: 'Progressive Framework v5 - Business Metrics',
    description:
      'Meal and workout plans, satisfaction and completion, budgets, engagement, feature adoption and savings.',
    tags: [...TAGS, 'business'],
  })
    .withVariable(namespaceVariable('mca_requests_total'))
    .withPanel(
      statPanel({
        title: 'Meal Plans (24h)',
        description: 'Meal plans generated in the last 24 hours.',
        unit: units.Short,
        thresholds: thresholds(),
        targets: [promQuery(`sum(increase(npa_meal_plans_generated_total{${NS}}[24h]))`, 'meal plans')],
      })
        .span(6)
        .height(6),
    )
    .withPanel(
      statPanel({
        title: 'User Satisfaction (24h)',
        description: 'Average meal-plan satisfaction score over 24 hours (0-5).',
        unit: units.Short,
        thresholds: new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps([
          { value: null, color: SEVERITY_COLORS.critical },
          { value: 3, color: SEVERITY_COLORS.warning },
          { value: 4, color: SEVERITY_COLORS.ok },
        ]),
        targets: [promQuery(`avg(avg_over_time(npa_user_satisfaction_score{${NS}}[24h]))`, 'satisfaction')],
      })
        .span(6)
        .height(6),
    )
    .withPanel(
      statPanel({
        title: 'Workout Plans (24h)',
        description: 'Workout plans generated in the last 24 hours.',
        unit: units.Short,
        thresholds: thresholds(),
        targets: [promQuery(`sum(increase(wpa_workout_plans_generated_total{${NS}}[24h]))`, 'workout plans')],
      })
        .span(6)
        .height(6),
    )
    .withPanel(
      statPanel({
        title: 'Workout Completion (24h)',
        description: 'Average share of workouts completed over 24 hours.',
        unit: units.PercentUnit,
        thresholds: new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps([
          { value: null, color: SEVERITY_COLORS.critical },
          { value: 0.5, color: SEVERITY_COLORS.warning },
          { value: 0.7, color: SEVERITY_COLORS.ok },
        ]),
        targets: [promQuery(`avg(avg_over_time(wpa_workout_completion_rate{${NS}}[24h]))`, 'completion')],
      })
        .span(6)
        .height(6),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Budget Analysis Trend',
        description: 'Budgets created and expense analyses run per hour.',
        unit: 'suffix:/h',
        thresholds: thresholds(),
        targets: [
          promQuery(`sum(increase(bma_budgets_created_total{${NS}}[1h]))`, 'budgets created', 'A'),
          promQuery(`sum(increase(bma_expense_analyses_total{${NS}}[1h]))`, 'expense analyses', 'B'),
        ],
      })
        .min(0)
        .span(12)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'User Engagement',
        description: 'Requests per second, by endpoint.',
        unit: units.RequestsPerSecond,
        thresholds: thresholds(),
        targets: [
          promQuery(
            `sum by (endpoint) (${perAgent(config, (a) => `rate(${a}_requests_total{${NS}}[$__rate_interval])`)})`,
            '{{endpoint}}',
          ),
        ],
      })
        .min(0)
        .span(12)
        .height(8),
    )
    .withPanel(
      barGaugePanel({
        title: 'Feature Adoption',
        description:
          "Requests per agent type over the last 24 hours (a bar gauge: the seed's pie chart hides small agents).",
        unit: units.Short,
        min: 0,
        thresholds: thresholds(),
        targets: [
          promQuery(
            perAgent(config, (a) => `sum(increase(${a}_requests_total{${NS}}[24h]))`),
            '{{agent_type}}',
          ).instant(),
        ],
      })
        .span(12)
        .height(8),
    )
    .withPanel(
      statPanel({
        title: 'Savings Identified',
        description: 'Savings the budget agent has identified for users.',
        unit: 'currencyUSD',
        thresholds: thresholds(),
        targets: [promQuery(`sum(bma_savings_identified_dollars{${NS}})`, 'savings')],
      })
        .span(12)
        .height(8),
    )
    .build();
}
