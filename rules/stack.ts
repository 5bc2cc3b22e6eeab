import type { StackConfig } from '../src/config';
import { alert, percent } from './helpers';
import { Inhibition, RuleGroup } from './types';
import { clusterRules } from './cluster';
import { stackJobs } from '../src/lib/names';

const SIGNALS = ['spans', 'metric_points', 'log_records'] as const;

// One rate per signal, told apart by a `signal` label: a single `{__name__=~...}` selector would
// collide once rate() drops the metric names.
function perSignal(metric: (signal: string) => string, by: string): string {
  return SIGNALS.map(
    (signal) => `label_replace(sum by (${by}) (rate(${metric(signal)}[5m])), "signal", "${signal}", "", "")`,
  ).join('\nor\n');
}

/**
 * The stack pack's pairs of one condition at two severities: a volume's critical alert mutes its own
 * warning, and only its own (the claim's namespace and name, in the cluster).
 */
export const STACK_INHIBITIONS: readonly Inhibition[] = [
  {
    source: 'KubePersistentVolumeFillingUp',
    sourceSeverity: 'critical',
    target: 'KubePersistentVolumeFillingUp',
    targetSeverity: 'warning',
    equal: ['cluster', 'namespace', 'persistentvolumeclaim'],
  },
];

/**
 * The stack's self-monitoring pack: targets down, Prometheus rule evaluation and TSDB trouble, alerts
 * not reaching Alertmanager, Alertmanager notifications failing, collector data refused, dropped or
 * failing to export, and Jaeger's span writes rejected by Elasticsearch; then the cluster's and
 * Elasticsearch's groups (rules/cluster.ts), each with the source the config scrapes.
 */
export function stackRules(config: StackConfig): RuleGroup[] {
  const t = config.alerts.stack;
  return [
    {
      name: 'stack_self_monitoring',
      rules: [
        alert({
          // The dead man's switch: Alertmanager sends it to the `watchdog` receiver every
          // alertmanager.deadMansSwitch.interval; a switch outside the cluster pages when it stops.
          alert: 'Watchdog',
          expr: 'vector(1)',
          labels: { severity: 'none' },
          annotations: {
            summary: 'The alerting pipeline works (this alert always fires)',
            description:
              "Always firing, so that its absence at the dead man's switch means Prometheus, Alertmanager or the path between them is broken.",
          },
        }),
        alert({
          alert: 'TargetDown',
          expr: `up{job=~"${stackJobs(config).join('|')}"} == 0`,
          for: '5m',
          labels: { severity: 'warning' },
          annotations: {
            summary: '{{ $labels.job }} target {{ $labels.instance }} is down',
            description: 'Prometheus has failed to scrape {{ $labels.job }} at {{ $labels.instance }} for 5 minutes.',
          },
        }),
        alert({
          alert: 'PrometheusRuleEvaluationFailures',
          expr: 'sum by (job, instance, rule_group) (increase(prometheus_rule_evaluation_failures_total[5m])) > 0',
          for: '15m',
          labels: { severity: 'critical' },
          annotations: {
            summary: 'Prometheus {{ $labels.instance }} fails to evaluate rules',
            description:
              'Prometheus {{ $labels.instance }} failed {{ $value | printf "%.0f" }} rule evaluations of {{ $labels.rule_group }} in the last 5 minutes: its alerts may not fire.',
          },
        }),
        alert({
          alert: 'PrometheusTSDBCompactionsFailing',
          expr: 'increase(prometheus_tsdb_compactions_failed_total[3h]) > 0',
          for: '4h',
          labels: { severity: 'warning' },
          annotations: {
            summary: 'Prometheus {{ $labels.instance }} fails to compact blocks',
            description:
              'Prometheus {{ $labels.instance }} had {{ $value | printf "%.0f" }} compaction failures in the last 3 hours.',
          },
        }),
        alert({
          alert: 'PrometheusTSDBReloadsFailing',
          expr: 'increase(prometheus_tsdb_reloads_failures_total[3h]) > 0',
          for: '4h',
          labels: { severity: 'warning' },
          annotations: {
            summary: 'Prometheus {{ $labels.instance }} fails to reload blocks',
            description:
              'Prometheus {{ $labels.instance }} had {{ $value | printf "%.0f" }} block reload failures in the last 3 hours.',
          },
        }),
        alert({
          alert: 'PrometheusErrorSendingAlerts',
          expr:
            'sum by (job, instance) (rate(prometheus_notifications_errors_total[5m]))\n/\n' +
            'sum by (job, instance) (rate(prometheus_notifications_sent_total[5m]))\n> 0.01',
          for: '15m',
          labels: { severity: 'critical' },
          annotations: {
            summary: 'Prometheus {{ $labels.instance }} fails to send alerts to Alertmanager',
            description:
              '{{ $value | humanizePercentage }} of the alerts Prometheus {{ $labels.instance }} sent to Alertmanager failed in the last 5 minutes.',
          },
        }),
        alert({
          alert: 'AlertmanagerNotificationsFailing',
          expr:
            'sum by (job, instance, integration) (rate(alertmanager_notifications_failed_total[5m]))\n/\n' +
            `sum by (job, instance, integration) (rate(alertmanager_notifications_total[5m]))\n> ${t.notificationFailureRatio}`,
          for: '5m',
          labels: { severity: 'critical' },
          annotations: {
            summary: 'Alertmanager {{ $labels.instance }} fails to send {{ $labels.integration }} notifications',
            description: `{{ $value | humanizePercentage }} of {{ $labels.integration }} notifications from {{ $labels.instance }} failed in the last 5 minutes (threshold ${percent(t.notificationFailureRatio)}).`,
          },
        }),
        alert({
          alert: 'AlertmanagerMembersInconsistent',
          // Each peer reports the members it sees; in a healthy gossip cluster every peer sees all of them.
          expr: 'alertmanager_cluster_members\n< on (job) group_left\ncount by (job) (alertmanager_cluster_members)',
          for: '15m',
          labels: { severity: 'critical' },
          annotations: {
            summary: 'Alertmanager {{ $labels.instance }} does not see all its peers',
            description:
              'Alertmanager {{ $labels.instance }} sees {{ $value }} cluster members, fewer than the peers Prometheus scrapes: the gossip cluster is split, so notifications may be sent twice and silences not shared.',
          },
        }),
        alert({
          alert: 'CollectorReceiverRefusing',
          expr: `(\n${perSignal((signal) => `otelcol_receiver_refused_${signal}_total`, 'job, instance, receiver')}\n) > 0`,
          for: '5m',
          labels: { severity: 'warning' },
          annotations: {
            summary: 'Collector {{ $labels.instance }} refuses {{ $labels.signal }} on {{ $labels.receiver }}',
            description:
              'Receiver {{ $labels.receiver }} of {{ $labels.instance }} refused {{ $value | printf "%.2f" }} {{ $labels.signal }} per second (usually the memory limiter under back-pressure); senders may drop them.',
          },
        }),
        alert({
          alert: 'CollectorExporterQueueFull',
          expr: `(\n${perSignal((signal) => `otelcol_exporter_enqueue_failed_${signal}_total`, 'job, instance, exporter')}\n) > 0`,
          for: '5m',
          labels: { severity: 'warning' },
          annotations: {
            summary: 'Collector {{ $labels.instance }} drops data: {{ $labels.exporter }} queue is full',
            description:
              'Exporter {{ $labels.exporter }} of {{ $labels.instance }} dropped {{ $value | printf "%.2f" }} {{ $labels.signal }} per second because its sending queue was full.',
          },
        }),
        alert({
          alert: 'CollectorExporterFailing',
          expr: `(\n${perSignal((signal) => `otelcol_exporter_send_failed_${signal}_total`, 'job, instance, exporter')}\n) > 0`,
          for: '10m',
          labels: { severity: 'warning' },
          annotations: {
            summary: 'Collector exporter {{ $labels.exporter }} on {{ $labels.instance }} fails to send',
            description:
              'Exporter {{ $labels.exporter }} of {{ $labels.instance }} failed to send {{ $value | printf "%.2f" }} {{ $labels.signal }} per second for 10 minutes.',
          },
        }),
        alert({
          alert: 'JaegerStorageErrors',
          expr:
            'sum by (job, instance) (rate(jaeger_bulk_index_errors_total[5m]))\n/\n' +
            `sum by (job, instance) (rate(jaeger_bulk_index_attempts_total[5m]))\n> ${t.jaegerIndexErrorRatio}`,
          for: '10m',
          labels: { severity: 'warning' },
          annotations: {
            summary: 'Jaeger {{ $labels.instance }} fails to store spans',
            description: `Elasticsearch rejected {{ $value | humanizePercentage }} of the span documents Jaeger {{ $labels.instance }} indexed in the last 5 minutes (threshold ${percent(t.jaegerIndexErrorRatio)}).`,
          },
        }),
      ],
    },
    ...clusterRules(config),
  ];
}
