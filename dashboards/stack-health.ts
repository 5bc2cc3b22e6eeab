import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as units from '@grafana/grafana-foundation-sdk/units';
import type { StackConfig } from '../src/config';
import { SEVERITY_COLORS, baseDashboard, promQuery, quantile, statPanel, thresholds, timeseriesPanel } from './panels';
import { COMPONENTS } from '../src/lib/names';

/** Fixed uid of the stack's own health dashboard. */
export const STACK_HEALTH_UID = 'agent-o11y-stack';

function row(title: string): dashboard.RowBuilder {
  return new dashboard.RowBuilder(title);
}

/**
 * The observability stack watching itself: is telemetry getting in (collector accepted / refused,
 * exporter queues and failures), are spans reaching Jaeger, is Prometheus ingesting and evaluating,
 * are notifications leaving Alertmanager. Elasticsearch health and disk need an Elasticsearch
 * exporter, which the stack does not deploy, so they are not here.
 */
export function stackHealth(config: StackConfig): dashboard.Dashboard {
  const job = (name: string) => `job="${name}", namespace="${config.common.namespace}"`;
  const collector = job(COMPONENTS.collector);
  const jaeger = job(COMPONENTS.jaeger);
  const prometheus = job(COMPONENTS.prometheus);
  const alertmanager = job(COMPONENTS.alertmanager);
  return baseDashboard({
    uid: STACK_HEALTH_UID,
    title: 'agent-o11y - Stack Health',
    description:
      'Collector throughput, refusals and queues; Jaeger span ingest; Prometheus; Alertmanager notifications.',
    tags: ['stack'],
  })
    .withPanel(
      statPanel({
        title: 'Targets Down',
        description: 'Stack components whose last scrape failed.',
        unit: units.Short,
        thresholds: thresholds({ value: 1, color: SEVERITY_COLORS.critical }),
        targets: [promQuery(`count(up{namespace="${config.common.namespace}"} == 0) or vector(0)`, 'down')],
      })
        .span(6)
        .height(6),
    )
    .withPanel(
      statPanel({
        title: 'Spans Refused',
        description: 'Spans the collector refused in the last 5 minutes (memory_limiter or a full pipeline).',
        unit: units.Short,
        thresholds: thresholds({ value: 1, color: SEVERITY_COLORS.warning }),
        targets: [
          promQuery(`sum(increase(otelcol_receiver_refused_spans_total{${collector}}[5m])) or vector(0)`, 'refused'),
        ],
      })
        .span(6)
        .height(6),
    )
    .withPanel(
      statPanel({
        title: 'Rule Evaluation Failures',
        description: 'Rule evaluations that failed in the last 5 minutes.',
        unit: units.Short,
        thresholds: thresholds({ value: 1, color: SEVERITY_COLORS.critical }),
        targets: [
          promQuery(
            `sum(increase(prometheus_rule_evaluation_failures_total{${prometheus}}[5m])) or vector(0)`,
            'failures',
          ),
        ],
      })
        .span(6)
        .height(6),
    )
    .withPanel(
      statPanel({
        title: 'Failed Notifications',
        description: 'Notifications Alertmanager failed to deliver in the last hour.',
        unit: units.Short,
        thresholds: thresholds({ value: 1, color: SEVERITY_COLORS.critical }),
        targets: [
          promQuery(
            `sum(increase(alertmanager_notifications_failed_total{${alertmanager}}[1h])) or vector(0)`,
            'failed',
          ),
        ],
      })
        .span(6)
        .height(6),
    )
    .withRow(row('OpenTelemetry Collector'))
    .withPanel(
      timeseriesPanel({
        title: 'Collector Accepted',
        description: 'Spans, metric points and log records the collector receivers accepted per second.',
        unit: units.OpsPerSecond,
        thresholds: thresholds(),
        targets: [
          promQuery(
            `sum by (receiver) (rate(otelcol_receiver_accepted_spans_total{${collector}}[$__rate_interval]))`,
            'spans {{receiver}}',
            'A',
          ),
          promQuery(
            `sum by (receiver) (rate(otelcol_receiver_accepted_metric_points_total{${collector}}[$__rate_interval]))`,
            'metric points {{receiver}}',
            'B',
          ),
          promQuery(
            `sum by (receiver) (rate(otelcol_receiver_accepted_log_records_total{${collector}}[$__rate_interval]))`,
            'log records {{receiver}}',
            'C',
          ),
        ],
      })
        .min(0)
        .span(8)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Collector Refused',
        description: 'Items the receivers refused per second: the collector pushing back on senders.',
        unit: units.OpsPerSecond,
        thresholds: thresholds({ value: 1, color: SEVERITY_COLORS.warning }),
        targets: [
          promQuery(
            `sum by (receiver) (rate(otelcol_receiver_refused_spans_total{${collector}}[$__rate_interval]))`,
            'spans {{receiver}}',
            'A',
          ),
          promQuery(
            `sum by (receiver) (rate(otelcol_receiver_refused_metric_points_total{${collector}}[$__rate_interval]))`,
            'metric points {{receiver}}',
            'B',
          ),
          promQuery(
            `sum by (receiver) (rate(otelcol_receiver_refused_log_records_total{${collector}}[$__rate_interval]))`,
            'log records {{receiver}}',
            'C',
          ),
        ],
      })
        .min(0)
        .span(8)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
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
      })
        .min(0)
        .max(1)
        .span(8)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Exporter Failures',
        description: 'Items per second an exporter failed to send or could not enqueue, by exporter.',
        unit: units.OpsPerSecond,
        thresholds: thresholds({ value: 1, color: SEVERITY_COLORS.warning }),
        targets: [
          promQuery(
            `sum by (exporter) (rate(otelcol_exporter_send_failed_spans_total{${collector}}[$__rate_interval]))`,
            'send failed spans {{exporter}}',
            'A',
          ),
          promQuery(
            `sum by (exporter) (rate(otelcol_exporter_send_failed_log_records_total{${collector}}[$__rate_interval]))`,
            'send failed logs {{exporter}}',
            'B',
          ),
          promQuery(
            `sum by (exporter) (rate(otelcol_exporter_enqueue_failed_spans_total{${collector}}[$__rate_interval]))`,
            'enqueue failed spans {{exporter}}',
            'C',
          ),
          promQuery(
            `sum by (exporter) (rate(otelcol_exporter_enqueue_failed_log_records_total{${collector}}[$__rate_interval]))`,
            'enqueue failed logs {{exporter}}',
            'D',
          ),
        ],
      })
        .min(0)
        .span(12)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Collector Memory',
        description: 'Resident memory of each collector pod; memory_limiter refuses data as it nears the limit.',
        unit: units.BytesIEC,
        thresholds: thresholds(),
        targets: [promQuery(`max by (pod) (otelcol_process_memory_rss_bytes{${collector}})`, '{{pod}}')],
      })
        .min(0)
        .span(12)
        .height(8),
    )
    .withRow(row('Jaeger'))
    .withPanel(
      timeseriesPanel({
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
      })
        .min(0)
        .span(12)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
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
      })
        .min(0)
        .span(12)
        .height(8),
    )
    .withRow(row('Prometheus'))
    .withPanel(
      timeseriesPanel({
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
      })
        .min(0)
        .span(8)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Head Series',
        description: 'Active series in the head block: what costs memory.',
        unit: units.Short,
        thresholds: thresholds(),
        targets: [promQuery(`max by (pod) (prometheus_tsdb_head_series{${prometheus}})`, '{{pod}}')],
      })
        .min(0)
        .span(8)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
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
      })
        .min(0)
        .span(8)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
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
      })
        .min(0)
        .span(12)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Storage Used',
        description: 'Bytes of persisted blocks; retention.size deletes the oldest blocks beyond its limit.',
        unit: units.BytesIEC,
        thresholds: thresholds(),
        targets: [promQuery(`max by (pod) (prometheus_tsdb_storage_blocks_bytes{${prometheus}})`, '{{pod}}')],
      })
        .min(0)
        .span(12)
        .height(8),
    )
    .withRow(row('Alertmanager'))
    .withPanel(
      timeseriesPanel({
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
      })
        .min(0)
        .span(8)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
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
      })
        .min(0)
        .span(8)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Alerts by State',
        description: 'Alerts Alertmanager holds, active or suppressed (silenced or inhibited).',
        unit: units.Short,
        thresholds: thresholds(),
        targets: [promQuery(`max by (state) (alertmanager_alerts{${alertmanager}})`, '{{state}}')],
      })
        .min(0)
        .span(8)
        .height(8),
    )
    .build();
}
