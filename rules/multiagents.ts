import type { StackConfig } from '../src/config';
import { alert, percent } from './helpers';
import { AlertRule, RecordingRule, RuleGroup } from './types';

/** Share of events that ended in error, per scrape job (seed 001 `error_rate`). */
export const MULTIAGENTS_ERROR_RATIO = 'job:multiagents_events_errors:ratio_rate5m';
/** Mean event processing time, per scrape job (seed 001 `avg_latency_ms`, in seconds). */
export const MULTIAGENTS_MEAN_LATENCY = 'job:multiagents_event_duration_seconds:mean_rate5m';

/**
 * The MultiAgents alert pack: seed 001's four in-process AlertRules (high_error_rate, high_latency,
 * critical_cpu_usage, worker_failure) as Prometheus rules over its `multiagents_*` metrics, under the
 * seed's names. The seed's severity `error` (worker_failure) becomes `critical`: a failed worker loses work.
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
  ];
  return [
    { name: 'multiagents_recording', rules: recording },
    { name: 'multiagents_alerts', rules: alerts },
  ];
}
