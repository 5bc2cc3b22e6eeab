import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as units from '@grafana/grafana-foundation-sdk/units';
import type { StackConfig } from '../src/config';
import { AGENT_TYPE, MS_TAGS, agentTypeVariable } from './ms-common';
import {
  SEVERITY_COLORS,
  barGaugePanel,
  baseDashboard,
  bucketHeatmapPanel,
  promQuery,
  quantile,
  thresholds,
  timeseriesPanel,
} from './panels';
import { MS_DASHBOARD_UIDS } from '../src/lib/names';

/** Fixed uid of the MS-framework agent performance dashboard. */
export const MS_AGENT_PERFORMANCE_UID = MS_DASHBOARD_UIDS.agentPerformance;

/**
 * Seed 000 §15.6.2 rebuilt: its "timeline" of a raw histogram becomes quantiles and a bucket heatmap
 * of time per state, its raw `histogram_quantile(…, task_duration_seconds)` becomes quantiles over
 * `rate(_bucket)`, and its pie chart of states a bar gauge (a pie hides small slices).
 */
export function msAgentPerformance(config: StackConfig): dashboard.Dashboard {
  const limits = config.alerts.msFramework;
  return baseDashboard({
    uid: MS_AGENT_PERFORMANCE_UID,
    title: 'Mister Smith - Agent Performance',
    description: 'How long agents spend in each state, how long tasks take and how agents are spawned.',
    tags: [...MS_TAGS],
  })
    .withVariable(agentTypeVariable())
    .withPanel(
      barGaugePanel({
        title: 'Agents by State',
        description: 'Agents alive now, by lifecycle state.',
        unit: units.Short,
        min: 0,
        thresholds: thresholds(),
        targets: [promQuery(`sum by (state) (agent_active_count{${AGENT_TYPE}})`, '{{state}}').instant()],
      })
        .span(8)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Time in State p95',
        description: '95th percentile of the time agents spend in a state, by agent type and state.',
        unit: units.Seconds,
        thresholds: thresholds(),
        targets: [
          promQuery(
            quantile(0.95, 'agent_duration_seconds', ['agent_type', 'state'], AGENT_TYPE),
            '{{agent_type}} {{state}}',
          ),
        ],
      })
        .min(0)
        .span(8)
        .height(8),
    )
    .withPanel(
      bucketHeatmapPanel({
        title: 'Time in State Distribution',
        description: 'Observations per second in each duration bucket of agent_duration_seconds.',
        unit: units.Seconds,
        thresholds: thresholds(),
        histogram: 'agent_duration_seconds',
        selector: AGENT_TYPE,
      })
        .span(8)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Task Duration Quantiles',
        description:
          'p50, p95 and p99 task duration over all task types (the histogram has no agent label); the line is the ' +
          'HighTaskLatency p95 threshold.',
        unit: units.Seconds,
        thresholds: thresholds({ value: limits.taskLatencyP95Seconds, color: SEVERITY_COLORS.warning }),
        targets: [
          promQuery(quantile(0.5, 'task_duration_seconds'), 'p50', 'A'),
          promQuery(quantile(0.95, 'task_duration_seconds'), 'p95', 'B'),
          promQuery(quantile(0.99, 'task_duration_seconds'), 'p99', 'C'),
        ],
      })
        .min(0)
        .span(12)
        .height(8),
    )
    .withPanel(
      bucketHeatmapPanel({
        title: 'Task Duration Distribution',
        description: 'Tasks per second finishing in each duration bucket of task_duration_seconds.',
        unit: units.Seconds,
        thresholds: thresholds(),
        histogram: 'task_duration_seconds',
      })
        .span(12)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Task Success Ratio',
        description: 'Completed tasks with status "success" as a share of all completed tasks, by agent type.',
        unit: units.PercentUnit,
        thresholds: thresholds(),
        targets: [
          promQuery(
            `sum by (agent_type) (rate(task_completions_total{status="success", ${AGENT_TYPE}}[$__rate_interval]))` +
              ` / sum by (agent_type) (rate(task_completions_total{${AGENT_TYPE}}[$__rate_interval]))`,
            '{{agent_type}}',
          ),
        ],
      })
        .min(0)
        .max(1)
        .span(12)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Agent Spawns per 5m',
        description:
          'Agents spawned in the last 5 minutes, by agent type and method; the line is the AgentCrashLoop threshold.',
        unit: units.Short,
        thresholds: thresholds({ value: limits.crashLoopSpawnsPer5m, color: SEVERITY_COLORS.critical }),
        targets: [
          promQuery(
            `sum by (agent_type, spawn_method) (increase(agent_spawns_total{${AGENT_TYPE}}[5m]))`,
            '{{agent_type}} {{spawn_method}}',
          ),
        ],
      })
        .min(0)
        .span(12)
        .height(8),
    )
    .build();
}
