import type { StackConfig } from '../src/config';
import { alert, percent } from './helpers';
import { AlertRule, RecordingRule, RuleGroup } from './types';

/** Share of events that ended in error, per scrape job (seed 001 `error_rate`). */
export const MULTIAGENTS_ERROR_RATIO = 'job:multiagents_events_errors:ratio_rate5m';
/** Mean event processing time, per scrape job (seed 001 `avg_latency_ms`, in seconds). */
export const MULTIAGENTS_MEAN_LATENCY = 'job:multiagents_event_duration_seconds:mean_rate5m';

/** A slow_workflow threshold that is no bucket boundary: the alert could not count the workflows above it. */
export function multiagentsProblems(config: StackConfig): string[] {
  const { slowWorkflowMs, workflowDurationBoundariesMs } = config.alerts.multiagents;
  return workflowDurationBoundariesMs.includes(slowWorkflowMs)
    ? []
    : [
        `/alerts/multiagents/slowWorkflowMs: must be one of /alerts/multiagents/workflowDurationBoundariesMs (${workflowDurationBoundariesMs.join(', ')}), the buckets multiagents_workflow_duration is recorded in, got ${slowWorkflowMs}`,
      ];
}

/**
 * The MultiAgents alert pack: seed 001's four in-process AlertRules (high_error_rate, high_latency,
 * critical_cpu_usage, worker_failure) as Prometheus rules over its `multiagents_*` metrics, under the
 * seed's names, and the checks its monitors log: an error spike (more than 10 worker errors in 5
 * minutes, logged as an error), a slow workflow (logged as a warning), per-worker error rate and slow
 * workers (its `alert_on_high_error_rate` and `slow_execution_threshold_ms`), and a worker that stops
 * while its job still works. The seed's severity `error` becomes `critical`: a failed worker loses work.
 */
export function multiagentsRules(config: StackConfig): RuleGroup[] {
  const t = config.alerts.multiagents;
  const recording: RecordingRule[] = [
    {
      record: MULTIAGENTS_ERROR_RATIO,
      expr:
        'sum by (job) (rate(multiagents_events_total{status="error"}[5m]))\n' +
        '/\n' +
        'sum by (job) (rate(multiagents_events_total[5m]))',
    },
    {
      record: MULTIAGENTS_MEAN_LATENCY,
      expr:
        'sum by (job) (rate(multiagents_event_duration_seconds_sum[5m]))\n' +
        '/\n' +
        'sum by (job) (rate(multiagents_event_duration_seconds_count[5m]))',
    },
  ];
  const alerts: AlertRule[] = [
    alert({
      alert: 'high_error_rate',
      expr: `${MULTIAGENTS_ERROR_RATIO} > ${t.errorRatio}`,
      for: '5m',
      labels: { severity: 'warning' },
      annotations: {
        summary: `MultiAgents error rate above ${percent(t.errorRatio)} in {{ $labels.job }}`,
        description: `{{ $value | humanizePercentage }} of the events processed by {{ $labels.job }} in the last 5 minutes ended in error (threshold ${percent(t.errorRatio)}).`,
      },
    }),
    alert({
      alert: 'high_latency',
      expr: `${MULTIAGENTS_MEAN_LATENCY} > ${t.meanLatencySeconds}`,
      for: '5m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'MultiAgents event latency high in {{ $labels.job }}',
        description: `Events in {{ $labels.job }} took {{ $value | humanizeDuration }} on average over the last 5 minutes (threshold ${t.meanLatencySeconds}s).`,
      },
    }),
    alert({
      alert: 'critical_cpu_usage',
      expr: `multiagents_system_cpu_percent > ${t.cpuPercent}`,
      for: '5m',
      labels: { severity: 'critical' },
      annotations: {
        summary: 'MultiAgents host CPU usage critical on {{ $labels.instance }}',
        description: `CPU usage on {{ $labels.instance }} is {{ $value | printf "%.1f" }}% (threshold ${t.cpuPercent}%).`,
      },
    }),
    alert({
      alert: 'worker_failure',
      // A failed worker only errors: executions that fail while none of that worker's succeed.
      expr:
        'sum by (job, worker_name) (rate(multiagents_worker_executions_total{status="error"}[5m])) > 0\n' +
        'unless\n' +
        'sum by (job, worker_name) (rate(multiagents_worker_executions_total{status="success"}[5m])) > 0',
      for: '5m',
      labels: { severity: 'critical' },
      annotations: {
        summary: 'MultiAgents worker {{ $labels.worker_name }} has failed',
        description:
          'Every execution of worker {{ $labels.worker_name }} in {{ $labels.job }} failed in the last 5 minutes ({{ $value | printf "%.2f" }} failures per second).',
      },
    }),
    alert({
      alert: 'error_spike',
      expr: `sum by (job) (increase(multiagents_worker_executions_total{status="error"}[5m])) > ${t.errorSpikePer5m}`,
      labels: { severity: 'critical' },
      annotations: {
        summary: 'MultiAgents error spike in {{ $labels.job }}',
        description: `Workers of {{ $labels.job }} failed {{ $value | printf "%.0f" }} times in the last 5 minutes (threshold ${t.errorSpikePer5m}).`,
      },
    }),
    alert({
      alert: 'worker_high_error_rate',
      expr:
        'sum by (job, worker_name) (rate(multiagents_worker_executions_total{status!="success"}[5m]))\n/\n' +
        `sum by (job, worker_name) (rate(multiagents_worker_executions_total[5m]))\n> ${t.errorRatio}`,
      for: '5m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'MultiAgents worker {{ $labels.worker_name }} fails often',
        description: `{{ $value | humanizePercentage }} of the executions of worker {{ $labels.worker_name }} in {{ $labels.job }} did not succeed in the last 5 minutes (threshold ${percent(t.errorRatio)}).`,
      },
    }),
    alert({
      alert: 'slow_worker',
      expr: `histogram_quantile(0.95, sum by (job, worker_name, le) (rate(multiagents_worker_duration_seconds_bucket[5m])))\n> ${t.slowWorkerSeconds}`,
      for: '5m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'MultiAgents worker {{ $labels.worker_name }} is slow',
        description: `95% of the executions of worker {{ $labels.worker_name }} in {{ $labels.job }} took up to {{ $value | humanizeDuration }} in the last 5 minutes (threshold ${t.slowWorkerSeconds}s).`,
      },
    }),
    alert({
      alert: 'worker_stopped',
      // Ran in the 15 minutes before, not once since, while its job still processes events.
      expr:
        '(sum by (job, worker_name) (increase(multiagents_worker_executions_total[15m] offset 15m)) > 0)\n' +
        'unless\n(sum by (job, worker_name) (increase(multiagents_worker_executions_total[15m])) > 0)\n' +
        'and on (job)\n(sum by (job) (increase(multiagents_events_total[15m])) > 0)',
      labels: { severity: 'critical' },
      annotations: {
        summary: 'MultiAgents worker {{ $labels.worker_name }} has stopped',
        description:
          'Worker {{ $labels.worker_name }} in {{ $labels.job }} has not run for 15 minutes although it ran before and its job still processes events.',
      },
    }),
    alert({
      alert: 'slow_workflow',
      // Workflows above the threshold's bucket: every workflow counted, minus those at or under it.
      expr:
        'sum by (job, workflow_id) (increase(multiagents_workflow_duration_bucket{le="+Inf"}[5m]))\n-\n' +
        `sum by (job, workflow_id) (increase(multiagents_workflow_duration_bucket{le="${t.slowWorkflowMs}"}[5m]))\n> 0`,
      labels: { severity: 'warning' },
      annotations: {
        summary: 'MultiAgents workflow {{ $labels.workflow_id }} is slow',
        description: `{{ $value | printf "%.0f" }} runs of workflow {{ $labels.workflow_id }} in {{ $labels.job }} took longer than ${t.slowWorkflowMs / 1000}s in the last 5 minutes.`,
      },
    }),
  ];
  return [
    { name: 'multiagents_recording', rules: recording },
    { name: 'multiagents_alerts', rules: alerts },
  ];
}
