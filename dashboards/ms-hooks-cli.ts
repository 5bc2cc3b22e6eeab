import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as units from '@grafana/grafana-foundation-sdk/units';
import type { StackConfig } from '../src/config';
import { MS_TAGS } from './ms-common';
import {
  SEVERITY_COLORS,
  baseDashboard,
  bucketHeatmapPanel,
  labelValuesVariable,
  promQuery,
  quantile,
  statPanel,
  thresholds,
  timeseriesPanel,
} from './panels';
import { MS_DASHBOARD_UIDS } from '../src/lib/names';

/** Fixed uid of the MS-framework hooks and CLI dashboard. */
export const MS_HOOKS_CLI_UID = MS_DASHBOARD_UIDS.hooksCli;

const HOOK_TYPE = 'hook_type=~"$hook_type"';

/** Seed 000 §15.1.4: Claude CLI processes, parallel agents, hook executions, failures and durations. */
export function msHooksCli(config: StackConfig): dashboard.Dashboard {
  const limits = config.alerts.msFramework;
  return baseDashboard({
    uid: MS_HOOKS_CLI_UID,
    title: 'Mister Smith - Hooks / CLI',
    description: 'Claude CLI processes, their failures and parallel agents; hook executions, failures and durations.',
    tags: [...MS_TAGS, 'claude-cli'],
  })
    .withVariable(labelValuesVariable('hook_type', 'claude_cli_hook_executions_total', 'hook_type'))
    .withPanel(
      statPanel({
        title: 'Parallel Agents',
        description: 'Internal agents the Claude CLI processes run in parallel now.',
        unit: units.Short,
        thresholds: thresholds(),
        targets: [promQuery('sum(claude_cli_parallel_agents_active)', 'parallel agents')],
      })
        .span(6)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'CLI Processes Spawned',
        description: 'Claude CLI processes started per minute, by command type.',
        unit: 'suffix:/min',
        thresholds: thresholds(),
        targets: [
          promQuery(
            'sum by (command_type) (rate(claude_cli_processes_total[$__rate_interval])) * 60',
            '{{command_type}}',
          ),
        ],
      })
        .min(0)
        .span(9)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Parallel Agents over Time',
        description: 'Internal agents running in parallel, over all CLI processes.',
        unit: units.Short,
        thresholds: thresholds(),
        targets: [promQuery('sum(claude_cli_parallel_agents_active)', 'parallel agents')],
      })
        .min(0)
        .span(9)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Hook Executions',
        description: 'Hook executions per second, by hook type and status.',
        unit: units.OpsPerSecond,
        thresholds: thresholds(),
        targets: [
          promQuery(
            `sum by (hook_type, status) (rate(claude_cli_hook_executions_total{${HOOK_TYPE}}[$__rate_interval]))`,
            '{{hook_type}} {{status}}',
          ),
        ],
      })
        .min(0)
        .span(12)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Hook Failure Ratio',
        description: 'Hook executions whose status is not "success" as a share of all, by hook.',
        unit: units.PercentUnit,
        thresholds: thresholds({ value: 0.05, color: SEVERITY_COLORS.warning }),
        targets: [
          promQuery(
            `sum by (hook_name) (rate(claude_cli_hook_executions_total{status!="success", ${HOOK_TYPE}}[$__rate_interval]))` +
              ` / sum by (hook_name) (rate(claude_cli_hook_executions_total{${HOOK_TYPE}}[$__rate_interval]))`,
            '{{hook_name}}',
          ),
        ],
      })
        .min(0)
        .span(12)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Hook Duration p95',
        description: '95th percentile hook duration, by hook type and name.',
        unit: units.Seconds,
        thresholds: thresholds({ value: 1, color: SEVERITY_COLORS.warning }),
        targets: [
          promQuery(
            quantile(0.95, 'claude_cli_hook_duration_seconds', ['hook_type', 'hook_name'], HOOK_TYPE),
            '{{hook_type}} {{hook_name}}',
          ),
        ],
      })
        .min(0)
        .span(12)
        .height(8),
    )
    .withPanel(
      bucketHeatmapPanel({
        title: 'Hook Duration Distribution',
        description: 'Hook executions per second finishing in each duration bucket.',
        unit: units.Seconds,
        thresholds: thresholds(),
        histogram: 'claude_cli_hook_duration_seconds',
        selector: HOOK_TYPE,
      })
        .span(12)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'CLI Process Failures',
        description:
          'Claude CLI processes failing per second over all agents, by namespace; the line is the ClaudeCLIProcessFailures threshold.',
        unit: 'suffix:/s',
        thresholds: thresholds({ value: limits.cliProcessFailuresPerSecond, color: SEVERITY_COLORS.critical }),
        targets: [
          promQuery('sum by (namespace) (rate(claude_cli_processes_failed_total[$__rate_interval]))', '{{namespace}}'),
        ],
      })
        .min(0)
        .span(24)
        .height(8),
    )
    .build();
}
