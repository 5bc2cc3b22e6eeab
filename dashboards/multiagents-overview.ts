import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as units from '@grafana/grafana-foundation-sdk/units';
import { percent } from '../rules/helpers';
import type { StackConfig } from '../src/config';
import {
  SEVERITY_COLORS,
  baseDashboard,
  bucketHeatmapPanel,
  namespaceVariable,
  promQuery,
  quantile,
  statPanel,
  thresholds,
  timeseriesPanel,
} from './panels';

/** Fixed uid of the MultiAgents dashboard. */
export const MULTIAGENTS_OVERVIEW_UID = 'multiagents-overview';

const NS = 'namespace=~"$namespace"';

/**
 * Seed 001: events (rate, errors, duration), workers (executions, failures, duration), workflows and
 * the host. Thresholds are the seed's: error ratio 5% (production) and 10% (default), slow execution
 * 5 s, critical CPU 90%.
 */
export function multiagentsOverview(config: StackConfig): dashboard.Dashboard {
  const limits = config.alerts.multiagents;
  return baseDashboard({
    uid: MULTIAGENTS_OVERVIEW_UID,
    title: 'MultiAgents - Overview',
    description: 'Events, workers, workflows and system resources of the MultiAgents framework.',
    tags: ['multiagents'],
  })
    .withVariable(namespaceVariable('multiagents_events_total'))
    .withPanel(
      statPanel({
        title: 'Active Workflows',
        description: 'Workflows running now.',
        unit: units.Short,
        thresholds: thresholds(),
        targets: [promQuery(`sum(multiagents_active_workflows{${NS}})`, 'workflows')],
      })
        .span(6)
        .height(6),
    )
    .withPanel(
      statPanel({
        title: 'Event Error Ratio',
        description: `Events whose status is not "success" as a share of all events over 5 minutes; red at the high_error_rate alert's ${percent(limits.errorRatio)}.`,
        unit: units.PercentUnit,
        thresholds: thresholds({ value: limits.errorRatio, color: SEVERITY_COLORS.critical }),
        targets: [
          promQuery(
            `sum(rate(multiagents_events_total{status!="success", ${NS}}[5m])) / sum(rate(multiagents_events_total{${NS}}[5m]))`,
            'error ratio',
          ),
        ],
      })
        .span(6)
        .height(6),
    )
    .withPanel(
      statPanel({
        title: 'Workflows Completed (1h)',
        description: 'Workflows executed in the last hour.',
        unit: units.Short,
        thresholds: thresholds(),
        targets: [promQuery(`sum(increase(multiagents_workflows_total{${NS}}[1h]))`, 'workflows')],
      })
        .span(6)
        .height(6),
    )
    .withPanel(
      statPanel({
        title: 'Workflow Duration p95',
        description: '95th percentile workflow duration (the seed records milliseconds).',
        unit: units.Milliseconds,
        thresholds: thresholds(),
        targets: [
          promQuery(
            `histogram_quantile(0.95, sum by (le) (rate(multiagents_workflow_duration_bucket{${NS}}[5m])))`,
            'p95',
          ),
        ],
      })
        .span(6)
        .height(6),
    )
    .withRow(new dashboard.RowBuilder('Events'))
    .withPanel(
      timeseriesPanel({
        title: 'Events by Type and Status',
        description: 'Events processed per second, by event type and status.',
        unit: units.OpsPerSecond,
        thresholds: thresholds(),
        targets: [
          promQuery(
            `sum by (event_type, status) (rate(multiagents_events_total{${NS}}[$__rate_interval]))`,
            '{{event_type}} {{status}}',
          ),
        ],
      })
        .min(0)
        .span(8)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Event Duration p95',
        description: '95th percentile event processing time, by event type.',
        unit: units.Seconds,
        thresholds: thresholds({ value: 5, color: SEVERITY_COLORS.warning }),
        targets: [
          promQuery(quantile(0.95, 'multiagents_event_duration_seconds', ['event_type'], NS), '{{event_type}}'),
        ],
      })
        .min(0)
        .span(8)
        .height(8),
    )
    .withPanel(
      bucketHeatmapPanel({
        title: 'Event Duration Distribution',
        description: 'Events per second finishing in each duration bucket.',
        unit: units.Seconds,
        thresholds: thresholds(),
        histogram: 'multiagents_event_duration_seconds',
        selector: NS,
      })
        .span(8)
        .height(8),
    )
    .withRow(new dashboard.RowBuilder('Workers'))
    .withPanel(
      timeseriesPanel({
        title: 'Worker Executions',
        description: 'Worker executions per second, by worker and status.',
        unit: units.OpsPerSecond,
        thresholds: thresholds(),
        targets: [
          promQuery(
            `sum by (worker_name, status) (rate(multiagents_worker_executions_total{${NS}}[$__rate_interval]))`,
            '{{worker_name}} {{status}}',
          ),
        ],
      })
        .min(0)
        .span(8)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Worker Failure Ratio',
        description: 'Worker executions whose status is not "success" as a share of all, by worker.',
        unit: units.PercentUnit,
        // worker_high_error_rate's threshold.
        thresholds: thresholds({ value: limits.errorRatio, color: SEVERITY_COLORS.warning }),
        targets: [
          promQuery(
            `sum by (worker_name) (rate(multiagents_worker_executions_total{status!="success", ${NS}}[$__rate_interval]))` +
              ` / sum by (worker_name) (rate(multiagents_worker_executions_total{${NS}}[$__rate_interval]))`,
            '{{worker_name}}',
          ),
        ],
      })
        .min(0)
        .span(8)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Worker Duration p95',
        description: '95th percentile worker execution time, by worker.',
        unit: units.Seconds,
        // slow_worker's threshold.
        thresholds: thresholds({ value: limits.slowWorkerSeconds, color: SEVERITY_COLORS.warning }),
        targets: [
          promQuery(quantile(0.95, 'multiagents_worker_duration_seconds', ['worker_name'], NS), '{{worker_name}}'),
        ],
      })
        .min(0)
        .span(8)
        .height(8),
    )
    .withRow(new dashboard.RowBuilder('System Resources'))
    .withPanel(
      timeseriesPanel({
        title: 'Host CPU',
        description: "CPU of each MultiAgents host; the line is the seed's critical_cpu_usage alert.",
        unit: units.Percent,
        thresholds: thresholds({ value: limits.cpuPercent, color: SEVERITY_COLORS.critical }),
        targets: [promQuery(`max by (pod) (multiagents_system_cpu_percent{${NS}})`, '{{pod}}')],
      })
        .min(0)
        .axisSoftMax(100)
        .span(12)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Host Memory',
        description: 'Memory of each MultiAgents host.',
        unit: units.Percent,
        thresholds: thresholds({ value: 85, color: SEVERITY_COLORS.warning }),
        targets: [promQuery(`max by (pod) (multiagents_system_memory_percent{${NS}})`, '{{pod}}')],
      })
        .min(0)
        .axisSoftMax(100)
        .span(12)
        .height(8),
    )
    .build();
}
