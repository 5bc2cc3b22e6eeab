import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as units from '@grafana/grafana-foundation-sdk/units';
import type { StackConfig } from '../src/config';
import { AGENT_TYPE, errorRatioSteps } from './ms-common';
import {
  SEVERITY_COLORS,
  labelValuesVariable,
  promQuery,
  prometheusDatasourceVariable,
  statPanel,
  thresholds,
  timeseriesPanel,
} from './panels';
import { MS_DASHBOARD_UIDS } from '../src/lib/names';

/** Fixed uid of the MS-framework system overview. */
export const MS_SYSTEM_OVERVIEW_UID = MS_DASHBOARD_UIDS.systemOverview;

/**
 * Seed 000 §15.6.1 rebuilt on current panel types: the seed's Angular `graph` panels become time
 * series, its per-series ratios are aggregated per task type before dividing, and the CPU heatmap of
 * a gauge becomes a per-agent time series against the AgentSaturation threshold.
 */
export function msSystemOverview(config: StackConfig): dashboard.Dashboard {
  const limits = config.alerts.msFramework;

  const errorSteps = errorRatioSteps(config);

  return (
    new dashboard.DashboardBuilder('Mister Smith - System Overview')
      .uid(MS_SYSTEM_OVERVIEW_UID)
      .description('Agents, task throughput, errors, latency, CPU and message queues of the Mister Smith framework.')
      .tags(['mister-smith', 'ms-framework', 'agent-o11y'])
      .refresh('30s')
      .time({ from: 'now-6h', to: 'now' })
      .tooltip(dashboard.DashboardCursorSync.Crosshair)
      // Provisioned from code: a change made in the UI would be lost on the next deploy.
      .readonly()
      .withVariable(prometheusDatasourceVariable())
      .withVariable(labelValuesVariable('agent_type', 'agent_active_count', 'agent_type'))
      .withPanel(
        statPanel({
          title: 'Active Agents',
          description: 'Agents currently alive, in every state.',
          unit: units.Short,
          thresholds: thresholds(
            { value: 50, color: SEVERITY_COLORS.warning },
            { value: 100, color: SEVERITY_COLORS.critical },
          ),
          targets: [promQuery(`sum(agent_active_count{${AGENT_TYPE}})`, 'Active agents')],
        })
          .id(1)
          .span(4)
          .height(8),
      )
      .withPanel(
        timeseriesPanel({
          title: 'Task Throughput',
          description: 'Tasks completed per minute, by task type.',
          unit: 'suffix:tasks/min',
          thresholds: thresholds(),
          targets: [
            promQuery(
              `sum by (task_type) (rate(task_completions_total{${AGENT_TYPE}}[$__rate_interval])) * 60`,
              '{{task_type}}',
            ),
          ],
        })
          .id(2)
          .min(0)
          .span(10)
          .height(8),
      )
      .withPanel(
        timeseriesPanel({
          title: 'Error Rate',
          description:
            'Failed tasks as a share of completed tasks, by task type. Same 5m window as HighTaskErrorRate; ' +
            'the yellow line is its threshold, the red one the critical baseline.',
          unit: units.PercentUnit,
          thresholds: thresholds(...errorSteps),
          targets: [
            // The fixed [5m] (not $__rate_interval) keeps the line comparable with the alert's threshold.
            promQuery(
              `sum by (task_type) (rate(task_errors_total{${AGENT_TYPE}}[5m]))` +
                ` / sum by (task_type) (rate(task_completions_total{${AGENT_TYPE}}[5m]))`,
              '{{task_type}}',
            ),
          ],
        })
          .id(3)
          .min(0)
          .span(10)
          .height(8),
      )
      .withPanel(
        timeseriesPanel({
          title: 'Task Duration p95',
          description:
            '95th percentile task duration, by task type (not filtered by agent type: the histogram has no agent ' +
            'label); the line is the HighTaskLatency threshold.',
          unit: units.Seconds,
          thresholds: thresholds({ value: limits.taskLatencyP95Seconds, color: SEVERITY_COLORS.warning }),
          targets: [
            promQuery(
              'histogram_quantile(0.95, sum by (le, task_type) (rate(task_duration_seconds_bucket[$__rate_interval])))',
              '{{task_type}}',
            ),
          ],
        })
          .id(4)
          .min(0)
          .span(8)
          .height(8),
      )
      .withPanel(
        timeseriesPanel({
          title: 'Resource Utilization',
          description: 'CPU of each agent; the line is the AgentSaturation threshold.',
          unit: units.Percent,
          thresholds: thresholds({ value: limits.agentCpuPercent, color: SEVERITY_COLORS.warning }),
          targets: [
            // max by drops scrape labels (pod, instance) so each agent is one series.
            promQuery(
              `max by (agent_type, agent_id) (agent_cpu_percent{${AGENT_TYPE}})`,
              '{{agent_type}} {{agent_id}}',
            ),
          ],
        })
          .id(5)
          .min(0)
          .axisSoftMax(100)
          .span(8)
          .height(8),
      )
      .withPanel(
        timeseriesPanel({
          title: 'Message Queue Depth',
          description:
            'Messages waiting in each transport queue (not filtered by agent type: queues have no agent label); ' +
            'the line is the MessageQueueBackup threshold.',
          unit: units.Short,
          thresholds: thresholds({ value: limits.messageQueueDepth, color: SEVERITY_COLORS.critical }),
          targets: [promQuery('max by (broker, queue_name) (message_queue_depth)', '{{broker}} {{queue_name}}')],
        })
          .id(6)
          .min(0)
          .span(8)
          .height(8),
      )
      .build()
  );
}
