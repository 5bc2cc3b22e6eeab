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
  thresholds,
  timeseriesPanel,
} from './panels';
import { MS_DASHBOARD_UIDS } from '../src/lib/names';

/** Fixed uid of the MS-framework messaging backplane dashboard. */
export const MS_MESSAGING_BACKPLANE_UID = MS_DASHBOARD_UIDS.messagingBackplane;

const TRANSPORT = 'transport=~"$transport"';

/**
 * Seed 000 §4.4 on the metrics §15.1.3 defines: queue depth (pending messages), publish rate, delivery
 * latency and failures per transport. §4.4's broker internals (consumer lag, fsync latency, JVM GC,
 * partition leaders) need the broker's own exporter, which the stack does not deploy.
 */
export function msMessagingBackplane(config: StackConfig): dashboard.Dashboard {
  const limits = config.alerts.msFramework;
  return baseDashboard({
    uid: MS_MESSAGING_BACKPLANE_UID,
    title: 'Mister Smith - Messaging Backplane',
    description: 'Pending messages per queue, publish rate, delivery latency and failures per transport.',
    tags: [...MS_TAGS, 'messaging'],
  })
    .withVariable(labelValuesVariable('transport', 'message_latency_seconds_count', 'transport'))
    .withPanel(
      timeseriesPanel({
        title: 'Pending Messages',
        description: 'Messages waiting in each queue, by broker; the line is the MessageQueueBackup threshold.',
        unit: units.Short,
        thresholds: thresholds({ value: limits.messageQueueDepth, color: SEVERITY_COLORS.critical }),
        targets: [
          promQuery(
            'max by (broker, queue_name) (message_queue_depth{broker=~"$transport"})',
            '{{broker}} {{queue_name}}',
          ),
        ],
      })
        .min(0)
        .span(12)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Publish Rate by Message Type',
        description: 'Messages sent per second, by message type.',
        unit: 'suffix:msg/s',
        thresholds: thresholds(),
        targets: [promQuery('sum by (message_type) (rate(messages_sent_total[$__rate_interval]))', '{{message_type}}')],
      })
        .min(0)
        .span(12)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Delivery Latency',
        description: 'p50 and p99 delivery latency, by transport; the line is the CommunicationDelay p99 threshold.',
        unit: units.Seconds,
        thresholds: thresholds({ value: limits.messageLatencyP99Seconds, color: SEVERITY_COLORS.warning }),
        targets: [
          promQuery(quantile(0.5, 'message_latency_seconds', ['transport'], TRANSPORT), '{{transport}} p50', 'A'),
          promQuery(quantile(0.99, 'message_latency_seconds', ['transport'], TRANSPORT), '{{transport}} p99', 'B'),
        ],
      })
        .min(0)
        .span(12)
        .height(8),
    )
    .withPanel(
      bucketHeatmapPanel({
        title: 'Delivery Latency Distribution',
        description: 'Messages per second delivered within each latency bucket.',
        unit: units.Seconds,
        thresholds: thresholds(),
        histogram: 'message_latency_seconds',
        selector: TRANSPORT,
      })
        .span(12)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Delivery Failure Ratio',
        description: 'Failed deliveries as a share of all delivery attempts (failed plus delivered), by transport.',
        unit: units.PercentUnit,
        thresholds: thresholds({ value: 0.01, color: SEVERITY_COLORS.warning }),
        targets: [
          promQuery(
            `sum by (transport) (rate(message_delivery_failures_total{${TRANSPORT}}[$__rate_interval]))` +
              ` / (sum by (transport) (rate(message_delivery_failures_total{${TRANSPORT}}[$__rate_interval]))` +
              ` + sum by (transport) (rate(message_latency_seconds_count{${TRANSPORT}}[$__rate_interval])))`,
            '{{transport}}',
          ),
        ],
      })
        .min(0)
        .span(12)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Delivery Failures by Reason',
        description: 'Failed deliveries per second, by transport and reason.',
        unit: 'suffix:msg/s',
        thresholds: thresholds(),
        targets: [
          promQuery(
            `sum by (transport, failure_reason) (rate(message_delivery_failures_total{${TRANSPORT}}[$__rate_interval]))`,
            '{{transport}} {{failure_reason}}',
          ),
        ],
      })
        .min(0)
        .span(12)
        .height(8),
    )
    .build();
}
