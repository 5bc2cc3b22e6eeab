import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as units from '@grafana/grafana-foundation-sdk/units';
import type { StackConfig } from '../src/config';
import { AGENT_TYPE, MS_TAGS, agentTypeVariable, errorRatioSteps } from './ms-common';
import {
  SEVERITY_COLORS,
  barGaugePanel,
  baseDashboard,
  promQuery,
  statPanel,
  thresholds,
  timeseriesPanel,
} from './panels';
import { MS_DASHBOARD_UIDS } from '../src/lib/names';

/** Fixed uid of the MS-framework error analysis dashboard. */
export const MS_ERROR_ANALYSIS_UID = MS_DASHBOARD_UIDS.errorAnalysis;

/** Which tasks fail, how, in which agent type; failed deliveries and hooks; crash loops. */
export function msErrorAnalysis(config: StackConfig): dashboard.Dashboard {
  const limits = config.alerts.msFramework;
  return baseDashboard({
    uid: MS_ERROR_ANALYSIS_UID,
    title: 'Mister Smith - Error Analysis',
    description: 'Task error ratio and types, failing agent types, failed message deliveries and hooks, crash loops.',
    tags: [...MS_TAGS],
  })
    .withVariable(agentTypeVariable())
    .withPanel(
      statPanel({
        title: 'Task Error Ratio',
        description: 'Failed tasks as a share of completed tasks over 5 minutes, as HighTaskErrorRate computes it.',
        unit: units.PercentUnit,
        thresholds: thresholds(...errorRatioSteps(config)),
        targets: [
          promQuery(
            `sum(rate(task_errors_total{${AGENT_TYPE}}[5m])) / sum(rate(task_completions_total{${AGENT_TYPE}}[5m]))`,
            'error ratio',
          ),
        ],
      })
        .span(6)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Errors by Type',
        description: 'Failed tasks per minute, by error type.',
        unit: 'suffix:errors/min',
        thresholds: thresholds(),
        targets: [
          promQuery(
            `sum by (error_type) (rate(task_errors_total{${AGENT_TYPE}}[$__rate_interval])) * 60`,
            '{{error_type}}',
          ),
        ],
      })
        .min(0)
        .span(9)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Errors by Agent Type',
        description: 'Failed tasks per minute, by agent type.',
        unit: 'suffix:errors/min',
        thresholds: thresholds(),
        targets: [
          promQuery(
            `sum by (agent_type) (rate(task_errors_total{${AGENT_TYPE}}[$__rate_interval])) * 60`,
            '{{agent_type}}',
          ),
        ],
      })
        .min(0)
        .span(9)
        .height(8),
    )
    .withPanel(
      barGaugePanel({
        title: 'Top Failing Task Types',
        description: 'The ten task type and error type pairs with the most failures over the dashboard time range.',
        unit: units.Short,
        min: 0,
        thresholds: thresholds(),
        targets: [
          promQuery(
            `topk(10, sum by (task_type, error_type) (increase(task_errors_total{${AGENT_TYPE}}[$__range])))`,
            '{{task_type}} {{error_type}}',
          ).instant(),
        ],
      })
        .span(12)
        .height(9),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Message Delivery Failures',
        description: 'Failed message deliveries per second, by transport and reason.',
        unit: 'suffix:msg/s',
        thresholds: thresholds(),
        targets: [
          promQuery(
            'sum by (transport, failure_reason) (rate(message_delivery_failures_total[$__rate_interval]))',
            '{{transport}} {{failure_reason}}',
          ),
        ],
      })
        .min(0)
        .span(12)
        .height(9),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Failed Hooks',
        description: 'Claude CLI hook executions per second that did not succeed, by hook.',
        unit: units.OpsPerSecond,
        thresholds: thresholds(),
        targets: [
          promQuery(
            'sum by (hook_type, hook_name) (rate(claude_cli_hook_executions_total{status!="success"}[$__rate_interval]))',
            '{{hook_type}} {{hook_name}}',
          ),
        ],
      })
        .min(0)
        .span(12)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Crash Loops',
        description: 'Agents spawned in the last 5 minutes, by agent type; the line is the AgentCrashLoop threshold.',
        unit: units.Short,
        thresholds: thresholds({ value: limits.crashLoopSpawnsPer5m, color: SEVERITY_COLORS.critical }),
        targets: [promQuery(`sum by (agent_type) (increase(agent_spawns_total{${AGENT_TYPE}}[5m]))`, '{{agent_type}}')],
      })
        .min(0)
        .span(12)
        .height(8),
    )
    .build();
}
