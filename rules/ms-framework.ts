import type { StackConfig } from '../src/config';
import { alert, percent } from './helpers';
import { AlertRule, RecordingRule, RuleGroup } from './types';

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
 * The MS-framework alert pack (seed 000 §15.5.1, §15.5.2, plus TaskExecutionStalled, HookExecutionFailures,
 * the critical HighMessageLatency and HighTaskLatencyP99 of §15.5.0): agent crash loops, stalled tasks, task
 * errors and latency, agent memory and CPU, message queues and latency, failing Claude-CLI hooks. §15.5.0's
 * other alerts read metrics §15.1 does not define (`agent_coordination_failures_total`,
 * `claude_cli_processes_failed_total`, `system_memory_total_gb`, a `cluster_id` label); they are left out
 * until those metrics are catalogued. Thresholds come from `config.alerts.msFramework`; the `for:`
 * durations are the seed's.
 */
export function msFrameworkRules(config: StackConfig): RuleGroup[] {
  const t = config.alerts.msFramework;

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
      labels: { severity: 'critical' },
      annotations: {
        summary: 'Agent {{ $labels.agent_type }} crash loop detected',
        description:
          'Agents of type {{ $labels.agent_type }} were spawned {{ $value | humanize }} times in the last 5 minutes ' +
          `beyond the growth of their running count (threshold ${t.crashLoopSpawnsPer5m}): they are restarting instead of staying up.`,
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
      labels: { severity: 'critical' },
      annotations: {
        summary: 'High task error rate for {{ $labels.task_type }} on {{ $labels.agent_type }}',
        description:
          'Task errors per completed {{ $labels.task_type }} task on {{ $labels.agent_type }} are ' +
          `{{ $value | humanizePercentage }} over the last 5 minutes (threshold ${percent(t.taskErrorRatio)}; +Inf: tasks failed and none completed).`,
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
      labels: { severity: 'critical' },
      annotations: {
        summary: 'Task execution stalled for {{ $labels.agent_type }}',
        description:
          'No {{ $labels.agent_type }} task has completed in 10 minutes despite {{ $value }} tasks in queue.',
      },
    }),
    alert({
      alert: 'AgentMemoryExhaustion',
      expr: `agent_memory_bytes / 1024^3 > ${t.agentMemoryGiB}`,
      for: '1m',
      labels: { severity: 'critical' },
      annotations: {
        summary: 'Agent {{ $labels.agent_id }} memory exhaustion',
        description:
          'Agent {{ $labels.agent_id }} ({{ $labels.agent_type }}) is using {{ $value | printf "%.2f" }} GiB of memory ' +
          `(threshold ${t.agentMemoryGiB} GiB).`,
      },
    }),
    alert({
      alert: 'MessageQueueBackup',
      expr: `message_queue_depth > ${t.messageQueueDepth}`,
      for: '5m',
      labels: { severity: 'critical' },
      annotations: {
        summary: 'Message queue {{ $labels.queue_name }} backup',
        description:
          'Queue {{ $labels.queue_name }} on {{ $labels.broker }} holds {{ $value }} messages ' +
          `(threshold ${t.messageQueueDepth}).`,
      },
    }),
    alert({
      alert: 'HighMessageLatency',
      expr: `${MESSAGE_LATENCY_P95} > ${t.messageLatencyP95Seconds}`,
      for: '5m',
      labels: { severity: 'critical' },
      annotations: {
        summary: 'Message latency critical for {{ $labels.message_type }}',
        description:
          '95th percentile latency of {{ $labels.message_type }} messages is {{ $value | humanizeDuration }} ' +
          `(threshold ${t.messageLatencyP95Seconds}s; the baseline is under 1s).`,
      },
    }),
  ];

  const warning: AlertRule[] = [
    alert({
      alert: 'HighTaskLatency',
      expr: `${TASK_DURATION_P95} > ${t.taskLatencyP95Seconds}`,
      for: '10m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'High task latency for {{ $labels.task_type }}',
        description:
          '95th percentile duration of {{ $labels.task_type }} tasks is {{ $value | humanizeDuration }} ' +
          `(threshold ${t.taskLatencyP95Seconds}s).`,
      },
    }),
    alert({
      alert: 'HighTaskLatencyP99',
      expr: `${TASK_DURATION_P99} > ${t.taskLatencyP99Seconds}`,
      for: '10m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Slowest tasks of {{ $labels.task_type }} take too long',
        description:
          '99th percentile duration of {{ $labels.task_type }} tasks over 10 minutes is {{ $value | humanizeDuration }} ' +
          `(threshold ${t.taskLatencyP99Seconds}s).`,
      },
    }),
    alert({
      alert: 'AgentSaturation',
      expr: `agent_cpu_percent > ${t.agentCpuPercent}`,
      for: '15m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Agent {{ $labels.agent_id }} high CPU usage',
        description:
          'Agent {{ $labels.agent_id }} ({{ $labels.agent_type }}) CPU usage is {{ $value | printf "%.1f" }}% ' +
          `(threshold ${t.agentCpuPercent}%).`,
      },
    }),
    alert({
      alert: 'HookExecutionFailures',
      expr: `sum by (hook_type, hook_name) (rate(claude_cli_hook_executions_total{status="failure"}[5m])) > ${t.hookFailuresPerSecond}`,
      for: '5m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Claude-CLI hook {{ $labels.hook_name }} is failing',
        description:
          'The {{ $labels.hook_type }} hook {{ $labels.hook_name }} fails {{ $value | printf "%.2f" }} times per second ' +
          `(threshold ${t.hookFailuresPerSecond}).`,
      },
    }),
    alert({
      alert: 'CommunicationDelay',
      expr: `${MESSAGE_LATENCY_P99} > ${t.messageLatencyP99Seconds}`,
      for: '10m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'High message latency for {{ $labels.message_type }}',
        description:
          '99th percentile latency of {{ $labels.message_type }} messages is {{ $value | humanizeDuration }} ' +
          `(threshold ${t.messageLatencyP99Seconds}s).`,
      },
    }),
  ];

  return [
    { name: 'ms_framework_recording', rules: recording },
    { name: 'agent_critical_alerts', rules: critical },
    { name: 'agent_warning_alerts', rules: warning },
  ];
}
