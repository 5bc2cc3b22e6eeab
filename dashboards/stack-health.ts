import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type * as stat from '@grafana/grafana-foundation-sdk/stat';
import type * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import * as units from '@grafana/grafana-foundation-sdk/units';
import type { StackConfig } from '../src/config';
import {
  PanelOptions,
  SEVERITY_COLORS,
  baseDashboard,
  promQuery,
  quantile,
  statPanel,
  thresholds,
  timeseriesPanel,
} from './panels';
import { COMPONENTS } from '../src/lib/names';

/** Fixed uid of the stack's own health dashboard. */
export const STACK_HEALTH_UID = 'agent-o11y-stack';

type Panel = stat.PanelBuilder | timeseries.PanelBuilder;

/** The label selector of each stack component's own metrics. */
interface Selectors {
  readonly namespace: string;
  readonly collector: string;
  readonly jaeger: string;
  readonly prometheus: string;
  readonly alertmanager: string;
}

/** A count over a window, red or yellow from 1: the row of stats at the top. */
function countStat(
  title: string,
  description: string,
  severity: 'warning' | 'critical',
  expr: string,
  legend: string,
): Panel {
  return statPanel({
    title,
    description,
    unit: units.Short,
    thresholds: thresholds({ value: 1, color: SEVERITY_COLORS[severity] }),
    targets: [promQuery(`${expr} or vector(0)`, legend)],
  })
    .span(6)
    .height(6);
}

/** A time series from 0, `span` columns wide. */
function graph(options: PanelOptions, span: number, max?: number): Panel {
  const panel = timeseriesPanel(options).min(0);
  return (max === undefined ? panel : panel.max(max)).span(span).height(8);
}

/** One rate query per signal (spans, metric points, log records) of an `otelcol_receiver_<what>_*` counter. */
function perSignal(what: 'accepted' | 'refused', collector: string): ReturnType<typeof promQuery>[] {
  return (
    [
      ['spans', 'spans', 'A'],
      ['metric_points', 'metric points', 'B'],
      ['log_records', 'log records', 'C'],
    ] as const
  ).map(([signal, legend, refId]) =>
    promQuery(
      `sum by (receiver) (rate(otelcol_receiver_${what}_${signal}_total{${collector}}[$__rate_interval]))`,
      `${legend} {{receiver}}`,
      refId,
    ),
  );
}

/** Is anything down, refused or failing right now. */
function overview(s: Selectors): Panel[] {
  return [
    countStat(
      'Targets Down',
      'Stack components whose last scrape failed.',
      'critical',
      `count(up{namespace="${s.namespace}"} == 0)`,
      'down',
    ),
    countStat(
      'Spans Refused',
      'Spans the collector refused in the last 5 minutes (memory_limiter or a full pipeline).',
      'warning',
      `sum(increase(otelcol_receiver_refused_spans_total{${s.collector}}[5m]))`,
      'refused',
    ),
    countStat(
      'Rule Evaluation Failures',
      'Rule evaluations that failed in the last 5 minutes.',
      'critical',
      `sum(increase(prometheus_rule_evaluation_failures_total{${s.prometheus}}[5m]))`,
      'failures',
    ),
    countStat(
      'Failed Notifications',
      'Notifications Alertmanager failed to deliver in the last hour.',
      'critical',
      `sum(increase(alertmanager_notifications_failed_total{${s.alertmanager}}[1h]))`,
      'failed',
    ),
  ];
}

/** Telemetry in, pushed back, queued and lost at the gateway. */
function collectorPanels({ collector }: Selectors): Panel[] {
  const exporterRate = (metric: string, legend: string, refId: string) =>
    promQuery(
      `sum by (exporter) (rate(otelcol_exporter_${metric}_total{${collector}}[$__rate_interval]))`,
      `${legend} {{exporter}}`,
      refId,
    );
  return [
    graph(
      {
        title: 'Collector Accepted',
        description: 'Spans, metric points and log records the collector receivers accepted per second.',
        unit: units.OpsPerSecond,
        thresholds: thresholds(),
        targets: perSignal('accepted', collector),
      },
      8,
    ),
    graph(
      {
        title: 'Collector Refused',
        description: 'Items the receivers refused per second: the collector pushing back on senders.',
        unit: units.OpsPerSecond,
        thresholds: thresholds({ value: 1, color: SEVERITY_COLORS.warning }),
        targets: perSignal('refused', collector),
      },
      8,
    ),
    graph(
      {
        title: 'Exporter Queue Fill',
        description:
          'Batches waiting in each exporter queue (one per signal, `data_type`) as a share of its capacity; full queues drop data.',
        unit: units.PercentUnit,
        thresholds: thresholds(
          { value: 0.7, color: SEVERITY_COLORS.warning },
          { value: 0.9, color: SEVERITY_COLORS.critical },
        ),
        targets: [
          promQuery(
            `max by (exporter, data_type) (otelcol_exporter_queue_size{${collector}} / otelcol_exporter_queue_capacity{${collector}})`,
            '{{exporter}} {{data_type}}',
          ),
        ],
      },
      8,
      1,
    ),
    graph(
      {
        title: 'Exporter Failures',
        description: 'Items per second an exporter failed to send or could not enqueue, by exporter.',
        unit: units.OpsPerSecond,
        thresholds: thresholds({ value: 1, color: SEVERITY_COLORS.warning }),
        targets: [
          exporterRate('send_failed_spans', 'send failed spans', 'A'),
          exporterRate('send_failed_log_records', 'send failed logs', 'B'),
          exporterRate('enqueue_failed_spans', 'enqueue failed spans', 'C'),
          exporterRate('enqueue_failed_log_records', 'enqueue failed logs', 'D'),
        ],
      },
      12,
    ),
    graph(
      {
        title: 'Collector Memory',
        description: 'Resident memory of each collector pod; memory_limiter refuses data as it nears the limit.',
        unit: units.BytesIEC,
        thresholds: thresholds(),
        targets: [promQuery(`max by (pod) (otelcol_process_memory_rss_bytes{${collector}})`, '{{pod}}')],
      },
      12,
    ),
  ];
}

/** Spans from the gateway into Jaeger, and what Jaeger loses. */
function jaegerPanels({ collector, jaeger }: Selectors): Panel[] {
  return [
    graph(
      {
        title: 'Spans into Jaeger',
        description: 'Spans Jaeger accepted per second, against the spans the collector sent to it.',
        unit: units.OpsPerSecond,
        thresholds: thresholds(),
        targets: [
          promQuery(
            `sum(rate(otelcol_receiver_accepted_spans_total{${jaeger}}[$__rate_interval]))`,
            'accepted by Jaeger',
            'A',
          ),
          promQuery(
            `sum(rate(otelcol_exporter_sent_spans_total{${collector}, exporter=~"otlp_grpc/jaeger.*"}[$__rate_interval]))`,
            'sent by the collector',
            'B',
          ),
        ],
      },
      12,
    ),
    graph(
      {
        title: 'Jaeger Span Losses',
        description: 'Spans Jaeger refused, or failed to write to Elasticsearch, per second.',
        unit: units.OpsPerSecond,
        thresholds: thresholds({ value: 1, color: SEVERITY_COLORS.warning }),
        targets: [
          promQuery(`sum(rate(otelcol_receiver_refused_spans_total{${jaeger}}[$__rate_interval]))`, 'refused', 'A'),
          promQuery(
            `sum by (exporter) (rate(otelcol_exporter_send_failed_spans_total{${jaeger}}[$__rate_interval]))`,
            'write failed {{exporter}}',
            'B',
          ),
        ],
      },
      12,
    ),
  ];
}

/** Ingest, series, rule evaluation, the alert queue and storage. */
function prometheusPanels({ prometheus }: Selectors): Panel[] {
  return [
    graph(
      {
        title: 'Samples Ingested',
        description: 'Samples appended to the head block per second.',
        unit: units.OpsPerSecond,
        thresholds: thresholds(),
        targets: [
          promQuery(
            `sum by (pod) (rate(prometheus_tsdb_head_samples_appended_total{${prometheus}}[$__rate_interval]))`,
            '{{pod}}',
          ),
        ],
      },
      8,
    ),
    graph(
      {
        title: 'Head Series',
        description: 'Active series in the head block: what costs memory.',
        unit: units.Short,
        thresholds: thresholds(),
        targets: [promQuery(`max by (pod) (prometheus_tsdb_head_series{${prometheus}})`, '{{pod}}')],
      },
      8,
    ),
    graph(
      {
        title: 'Rule Group Duration',
        description:
          'Last evaluation time of each rule group as a share of its interval; above 1 evaluations are skipped.',
        unit: units.PercentUnit,
        thresholds: thresholds(
          { value: 0.8, color: SEVERITY_COLORS.warning },
          { value: 1, color: SEVERITY_COLORS.critical },
        ),
        targets: [
          promQuery(
            `max by (rule_group) (prometheus_rule_group_last_duration_seconds{${prometheus}} / prometheus_rule_group_interval_seconds{${prometheus}})`,
            '{{rule_group}}',
          ),
        ],
      },
      8,
    ),
    graph(
      {
        title: 'Alert Queue to Alertmanager',
        description: 'Alerts waiting to be sent, as a share of the queue, and alerts dropped per second.',
        unit: units.PercentUnit,
        thresholds: thresholds({ value: 0.8, color: SEVERITY_COLORS.warning }),
        targets: [
          promQuery(
            `max by (pod) (prometheus_notifications_queue_length{${prometheus}} / prometheus_notifications_queue_capacity{${prometheus}})`,
            'queue fill {{pod}}',
            'A',
          ),
          promQuery(
            `sum by (pod) (rate(prometheus_notifications_dropped_total{${prometheus}}[$__rate_interval]))`,
            'dropped/s {{pod}}',
            'B',
          ),
        ],
      },
      12,
    ),
    graph(
      {
        title: 'Storage Used',
        description: 'Bytes of persisted blocks; retention.size deletes the oldest blocks beyond its limit.',
        unit: units.BytesIEC,
        thresholds: thresholds(),
        targets: [promQuery(`max by (pod) (prometheus_tsdb_storage_blocks_bytes{${prometheus}})`, '{{pod}}')],
      },
      12,
    ),
  ];
}

/** Notifications leaving, their latency, and the alerts held. */
function alertmanagerPanels({ alertmanager }: Selectors): Panel[] {
  return [
    graph(
      {
        title: 'Notifications Sent',
        description: 'Notifications attempted and failed per second, by integration (Slack, PagerDuty, ...).',
        unit: units.OpsPerSecond,
        thresholds: thresholds(),
        targets: [
          promQuery(
            `sum by (integration) (rate(alertmanager_notifications_total{${alertmanager}}[$__rate_interval]))`,
            '{{integration}} attempted',
            'A',
          ),
          promQuery(
            `sum by (integration) (rate(alertmanager_notifications_failed_total{${alertmanager}}[$__rate_interval]))`,
            '{{integration}} failed',
            'B',
          ),
        ],
      },
      8,
    ),
    graph(
      {
        title: 'Notification Latency p99',
        description: '99th percentile time to deliver a notification, by integration.',
        unit: units.Seconds,
        thresholds: thresholds({ value: 10, color: SEVERITY_COLORS.warning }),
        targets: [
          promQuery(
            quantile(0.99, 'alertmanager_notification_latency_seconds', ['integration'], alertmanager),
            '{{integration}}',
          ),
        ],
      },
      8,
    ),
    graph(
      {
        title: 'Alerts by State',
        description: 'Alerts Alertmanager holds, active or suppressed (silenced or inhibited).',
        unit: units.Short,
        thresholds: thresholds(),
        targets: [promQuery(`max by (state) (alertmanager_alerts{${alertmanager}})`, '{{state}}')],
      },
      8,
    ),
  ];
}

/**
 * The observability stack watching itself: is telemetry getting in (collector accepted / refused,
 * exporter queues and failures), are spans reaching Jaeger, is Prometheus ingesting and evaluating,
 * are notifications leaving Alertmanager. Elasticsearch health and disk are alerted on from its
 * exporter (rules/cluster.ts) but have no panel here yet.
 */
export function stackHealth(config: StackConfig): dashboard.Dashboard {
  const namespace = config.common.namespace;
  const job = (name: string) => `job="${name}", namespace="${namespace}"`;
  const s: Selectors = {
    namespace,
    collector: job(COMPONENTS.collector),
    jaeger: job(COMPONENTS.jaeger),
    prometheus: job(COMPONENTS.prometheus),
    alertmanager: job(COMPONENTS.alertmanager),
  };
  const rows: Array<[string | undefined, Panel[]]> = [
    [undefined, overview(s)],
    ['OpenTelemetry Collector', collectorPanels(s)],
    ['Jaeger', jaegerPanels(s)],
    ['Prometheus', prometheusPanels(s)],
    ['Alertmanager', alertmanagerPanels(s)],
  ];
  const builder = baseDashboard({
    uid: STACK_HEALTH_UID,
    title: 'agent-o11y - Stack Health',
    description:
      'Collector throughput, refusals and queues; Jaeger span ingest; Prometheus; Alertmanager notifications.',
    tags: ['stack'],
  });
  for (const [title, panels] of rows) {
    if (title !== undefined) builder.withRow(new dashboard.RowBuilder(title));
    for (const panel of panels) builder.withPanel(panel);
  }
  return builder.build();
}
