import type { StackConfig } from '../src/config';
import { COMPONENTS, MS_DASHBOARD_UIDS } from '../src/lib/names';
import { alert, dashboardUrl, percent, shipsDashboards } from './helpers';
import { AlertRule, Inhibition, RecordingRule, RuleGroup } from './types';

/** p95 task duration per task type (seed 000 §15.5.2 HighTaskLatency). */
export const TASK_DURATION_P95 = 'task_type:task_duration_seconds:p95_rate5m';
/** p99 message latency per message type (seed 000 §15.5.2 CommunicationDelay). */
export const MESSAGE_LATENCY_P99 = 'message_type:message_latency_seconds:p99_rate5m';
/** p95 message latency, per message type (seed 000 §15.5.0 HighMessageLatency). */
export const MESSAGE_LATENCY_P95 = 'message_type:message_latency_seconds:p95_rate5m';
/** p99 task duration over 10 minutes, per task type (seed 000 §15.5.0 HighTaskLatencyP99). */
export const TASK_DURATION_P99 = 'task_type:task_duration_seconds:p99_rate10m';
/** Failed tasks per completed task, per task and agent type (seed 000 §15.5.1 HighTaskErrorRate). */
export const TASK_ERROR_RATIO = 'task_type_agent_type:task_errors_per_completions:ratio_rate5m';

/**
 * Alerts of this pack on one condition at two severities (Alertmanager inhibit rules, rules/packs.ts).
 * Every name exists at one severity only, so seed 000's "critical mutes the warning of the same
 * alertname" could never match: the pairs are named instead. A p95 above 5s puts the p99 above 5s
 * too (the default thresholds), so while HighMessageLatency pages for a message type,
 * CommunicationDelay's warning for the same type says nothing new. Both carry `message_type`; `cluster` and `environment` are Prometheus'
 * external labels, on every alert.
 */
export const MS_FRAMEWORK_INHIBITIONS: readonly Inhibition[] = [
  { source: 'HighMessageLatency', target: 'CommunicationDelay', equal: ['cluster', 'environment', 'message_type'] },
];

/**
 * The MS-framework alert pack (seed 000 §15.5.0, §15.5.1, §15.5.2): agent crash loops, stalled tasks,
 * task errors and latency, agent and system memory, agent CPU, message queues and latency, swarm
 * coordination failures and split brain, failing Claude-CLI processes and hooks. Every alert carries
 * the seed's `component` label and, where the MS dashboards ship, a `dashboard_url` to the dashboard
 * that shows its measure (on the stack's Grafana, filtered to what fired where the dashboard can).
 * Thresholds come from `config.alerts.msFramework`; the `for:` durations are the seed's.
 * SystemMemoryPressure reads the nodes' memory from node-exporter, so it is left out without it.
 */
export function msFrameworkRules(config: StackConfig): RuleGroup[] {
  const t = config.alerts.msFramework;
  const ships = shipsDashboards(config, 'ms-framework');
  // The seed's link (§15.5.0 AgentCrashLoop) on every alert: the dashboard, opened on the alert's labels.
  const dashboard = (uid: string, vars: readonly string[] = []): { dashboard_url?: string } =>
    ships ? { dashboard_url: dashboardUrl(config, uid, vars) } : {};
  const d = MS_DASHBOARD_UIDS;

  const recording: RecordingRule[] = [
    {
      record: TASK_ERROR_RATIO,
      // Both sides aggregated to the same labels: error_type and status would otherwise never match.
      expr:
        'sum by (task_type, agent_type) (rate(task_errors_total[5m]))\n' +
        '/\n' +
        'sum by (task_type, agent_type) (rate(task_completions_total[5m]))',
    },
    {
      record: TASK_DURATION_P95,
      expr: 'histogram_quantile(0.95, sum by (le, task_type) (rate(task_duration_seconds_bucket[5m])))',
    },
    {
      record: MESSAGE_LATENCY_P99,
      expr: 'histogram_quantile(0.99, sum by (le, message_type) (rate(message_latency_seconds_bucket[5m])))',
    },
    {
      record: MESSAGE_LATENCY_P95,
      expr: 'histogram_quantile(0.95, sum by (le, message_type) (rate(message_latency_seconds_bucket[5m])))',
    },
    {
      record: TASK_DURATION_P99,
      expr: 'histogram_quantile(0.99, sum by (le, task_type) (rate(task_duration_seconds_bucket[10m])))',
    },
  ];

  const critical: AlertRule[] = [
    alert({
      alert: 'AgentCrashLoop',
      // Spawns that did not add to the agents running: a scale-up, where every spawned agent stays,
      // counts none; restarts count all. increase() counts spawns in the window (the seed's rate() > 1
      // meant more than one spawn per second). A type with no active-count series counts every spawn.
      expr:
        'sum by (agent_type) (increase(agent_spawns_total[5m]))\n-\n(\n' +
        '  sum by (agent_type) (delta(agent_active_count[5m]))\n  or\n' +
        '  sum by (agent_type) (increase(agent_spawns_total[5m])) * 0\n)\n' +
        `> ${t.crashLoopSpawnsPer5m}`,
      for: '2m',
      labels: { severity: 'critical', component: 'agent_lifecycle' },
      annotations: {
        summary: 'Agent {{ $labels.agent_type }} crash loop detected',
        description:
          'Agents of type {{ $labels.agent_type }} were spawned {{ $value | humanize }} times in the last 5 minutes ' +
          `beyond the growth of their running count (threshold ${t.crashLoopSpawnsPer5m}): they are restarting instead of staying up.`,
        ...dashboard(d.agentPerformance, ['agent_type']),
      },
    }),
    alert({
      alert: 'HighTaskErrorRate',
      // Errors per completion; where tasks fail and none completes there is no ratio, so that case is
      // its own branch, at +Inf (errors / 0).
      expr:
        `${TASK_ERROR_RATIO} > ${t.taskErrorRatio}\nor\n(\n` +
        '  sum by (task_type, agent_type) (rate(task_errors_total[5m])) > 0\n  unless\n' +
        '  sum by (task_type, agent_type) (rate(task_completions_total[5m])) > 0\n) / 0',
      for: '5m',
      labels: { severity: 'critical', component: 'task_execution' },
      annotations: {
        summary: 'High task error rate for {{ $labels.task_type }} on {{ $labels.agent_type }}',
        description:
          'Task errors per completed {{ $labels.task_type }} task on {{ $labels.agent_type }} are ' +
          `{{ $value | humanizePercentage }} over the last 5 minutes (threshold ${percent(t.taskErrorRatio)}; +Inf: tasks failed and none completed).`,
        ...dashboard(d.errorAnalysis, ['agent_type']),
      },
    }),
    alert({
      alert: 'TaskExecutionStalled',
      // The seed's `rate(task_completions_total[10m]) == 0 and task_queue_depth > 0` never matches: the two
      // metrics share only agent_type. Per agent type: work queued, none completed in 10 minutes.
      expr:
        'sum by (agent_type) (task_queue_depth) > 0\n' +
        'unless\n' +
        'sum by (agent_type) (rate(task_completions_total[10m])) > 0',
      for: '10m',
      labels: { severity: 'critical', component: 'task_execution' },
      annotations: {
        summary: 'Task execution stalled for {{ $labels.agent_type }}',
        description:
          'No {{ $labels.agent_type }} task has completed in 10 minutes despite {{ $value }} tasks in queue.',
        ...dashboard(d.swarmCoordination, ['agent_type']),
      },
    }),
    alert({
      alert: 'AgentMemoryExhaustion',
      expr: `agent_memory_bytes / 1024^3 > ${t.agentMemoryGiB}`,
      for: '1m',
      labels: { severity: 'critical', component: 'resource_management' },
      annotations: {
        summary: 'Agent {{ $labels.agent_id }} memory exhaustion',
        description:
          'Agent {{ $labels.agent_id }} ({{ $labels.agent_type }}) is using {{ $value | printf "%.2f" }} GiB of memory ' +
          `(threshold ${t.agentMemoryGiB} GiB).`,
        ...dashboard(d.resourceUtilization, ['agent_type']),
      },
    }),
    ...(config.nodeExporter.enabled
      ? [
          alert({
            alert: 'SystemMemoryPressure',
            // The seed's `(sum(agent_memory_bytes) / (1024*1024*1024)) / (system_memory_total_gb)` divides
            // GiB by a metric nothing in the seed exports, named in GB (10^9 bytes, not 1024^3), and a
            // label-less sum by a labelled series matches nothing. The system's memory is the nodes',
            // which node-exporter gives in bytes: both sides in bytes, both summed to no labels.
            expr:
              'sum(agent_memory_bytes)\n/\n' +
              `sum(node_memory_MemTotal_bytes{job="${COMPONENTS.nodeExporter}"})\n> ${t.systemMemoryRatio}`,
            for: '5m',
            labels: { severity: 'critical', component: 'system_resources' },
            annotations: {
              summary: 'System memory pressure detected',
              description:
                "The agents together use {{ $value | humanizePercentage }} of the memory of the cluster's nodes " +
                `(threshold ${percent(t.systemMemoryRatio)}).`,
              ...dashboard(d.resourceUtilization),
            },
          }),
        ]
      : []),
    alert({
      alert: 'MessageQueueBackup',
      expr: `message_queue_depth > ${t.messageQueueDepth}`,
      for: '5m',
      labels: { severity: 'critical', component: 'messaging' },
      annotations: {
        summary: 'Message queue {{ $labels.queue_name }} backup',
        description:
          'Queue {{ $labels.queue_name }} on {{ $labels.broker }} holds {{ $value }} messages ' +
          `(threshold ${t.messageQueueDepth}).`,
        ...dashboard(d.messagingBackplane),
      },
    }),
    alert({
      alert: 'HighMessageLatency',
      expr: `${MESSAGE_LATENCY_P95} > ${t.messageLatencyP95Seconds}`,
      for: '5m',
      labels: { severity: 'critical', component: 'messaging' },
      annotations: {
        summary: 'Message latency critical for {{ $labels.message_type }}',
        description:
          '95th percentile latency of {{ $labels.message_type }} messages is {{ $value | humanizeDuration }} ' +
          `(threshold ${t.messageLatencyP95Seconds}s; the baseline is under 1s).`,
        ...dashboard(d.messagingBackplane),
      },
    }),
    alert({
      alert: 'AgentCoordinationFailure',
      // The seed's `rate(agent_coordination_failures_total[5m]) > 0.1` compares each pod's rate alone:
      // three pods failing 0.05 times a second each never fire it. The swarm's failures are summed, per
      // namespace (one deployment of the framework).
      expr: `sum by (namespace) (rate(agent_coordination_failures_total[5m])) > ${t.coordinationFailuresPerSecond}`,
      for: '2m',
      labels: { severity: 'critical', component: 'coordination' },
      annotations: {
        summary: 'Agent coordination failures detected in {{ $labels.namespace }}',
        description:
          'Agents in {{ $labels.namespace }} fail to coordinate {{ $value | printf "%.2f" }} times per second ' +
          `(threshold ${t.coordinationFailuresPerSecond}), indicating swarm instability.`,
        ...dashboard(d.swarmCoordination),
      },
    }),
    alert({
      alert: 'SwarmSplitBrain',
      // The seed's `count(group by (cluster_id) (agent_active_count)) > 1` also counts a formation whose
      // agents all stopped (its gauge stays at 0) and one with no cluster_id (an agent that does not set
      // it), and it counts two deployments of the framework as one swarm. Formations with active agents,
      // per namespace.
      expr:
        'count by (namespace) (\n' +
        '  group by (namespace, cluster_id) (agent_active_count{cluster_id!=""} > 0)\n' +
        ') > 1',
      for: '30s',
      labels: { severity: 'critical', component: 'coordination' },
      annotations: {
        summary: 'Multiple active clusters detected in {{ $labels.namespace }} (split brain)',
        description:
          'Agents in {{ $labels.namespace }} report {{ $value }} separate cluster formations (cluster_id) with active agents, ' +
          'indicating a split brain.',
        ...dashboard(d.swarmCoordination),
      },
    }),
    alert({
      alert: 'ClaudeCLIProcessFailures',
      // As AgentCoordinationFailure: the seed's per-series rate summed, per namespace.
      expr: `sum by (namespace) (rate(claude_cli_processes_failed_total[5m])) > ${t.cliProcessFailuresPerSecond}`,
      for: '3m',
      labels: { severity: 'critical', component: 'claude_cli' },
      annotations: {
        summary: 'Claude CLI process failures detected in {{ $labels.namespace }}',
        description:
          'Claude CLI processes in {{ $labels.namespace }} fail {{ $value | printf "%.2f" }} times per second ' +
          `(threshold ${t.cliProcessFailuresPerSecond}).`,
        ...dashboard(d.hooksCli),
      },
    }),
  ];

  const warning: AlertRule[] = [
    alert({
      alert: 'HighTaskLatency',
      expr: `${TASK_DURATION_P95} > ${t.taskLatencyP95Seconds}`,
      for: '10m',
      labels: { severity: 'warning', component: 'performance' },
      annotations: {
        summary: 'High task latency for {{ $labels.task_type }}',
        description:
          '95th percentile duration of {{ $labels.task_type }} tasks is {{ $value | humanizeDuration }} ' +
          `(threshold ${t.taskLatencyP95Seconds}s).`,
        ...dashboard(d.agentPerformance),
      },
    }),
    alert({
      alert: 'HighTaskLatencyP99',
      expr: `${TASK_DURATION_P99} > ${t.taskLatencyP99Seconds}`,
      for: '10m',
      labels: { severity: 'warning', component: 'performance' },
      annotations: {
        summary: 'Slowest tasks of {{ $labels.task_type }} take too long',
        description:
          '99th percentile duration of {{ $labels.task_type }} tasks over 10 minutes is {{ $value | humanizeDuration }} ' +
          `(threshold ${t.taskLatencyP99Seconds}s).`,
        ...dashboard(d.agentPerformance),
      },
    }),
    alert({
      alert: 'AgentSaturation',
      expr: `agent_cpu_percent > ${t.agentCpuPercent}`,
      for: '15m',
      labels: { severity: 'warning', component: 'performance' },
      annotations: {
        summary: 'Agent {{ $labels.agent_id }} high CPU usage',
        description:
          'Agent {{ $labels.agent_id }} ({{ $labels.agent_type }}) CPU usage is {{ $value | printf "%.1f" }}% ' +
          `(threshold ${t.agentCpuPercent}%).`,
        ...dashboard(d.resourceUtilization, ['agent_type']),
      },
    }),
    alert({
      alert: 'HookExecutionFailures',
      expr: `sum by (hook_type, hook_name) (rate(claude_cli_hook_executions_total{status="failure"}[5m])) > ${t.hookFailuresPerSecond}`,
      for: '5m',
      labels: { severity: 'warning', component: 'claude_cli' },
      annotations: {
        summary: 'Claude-CLI hook {{ $labels.hook_name }} is failing',
        description:
          'The {{ $labels.hook_type }} hook {{ $labels.hook_name }} fails {{ $value | printf "%.2f" }} times per second ' +
          `(threshold ${t.hookFailuresPerSecond}).`,
        ...dashboard(d.hooksCli, ['hook_type']),
      },
    }),
    alert({
      alert: 'CommunicationDelay',
      expr: `${MESSAGE_LATENCY_P99} > ${t.messageLatencyP99Seconds}`,
      for: '10m',
      labels: { severity: 'warning', component: 'messaging' },
      annotations: {
        summary: 'High message latency for {{ $labels.message_type }}',
        description:
          '99th percentile latency of {{ $labels.message_type }} messages is {{ $value | humanizeDuration }} ' +
          `(threshold ${t.messageLatencyP99Seconds}s).`,
        ...dashboard(d.messagingBackplane),
      },
    }),
  ];

  return [
    { name: 'ms_framework_recording', rules: recording },
    { name: 'agent_critical_alerts', rules: critical },
    { name: 'agent_warning_alerts', rules: warning },
  ];
}
