import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as units from '@grafana/grafana-foundation-sdk/units';
import type { StackConfig } from '../src/config';
import {
  SEVERITY_COLORS,
  baseDashboard,
  bucketHeatmapPanel,
  gaugePanel,
  promQuery,
  stateTimelinePanel,
  statPanel,
  thresholds,
  timeseriesPanel,
} from './panels';

/** Fixed uid of the SutazAI dashboard. */
export const SUTAZAI_OVERVIEW_UID = 'sutazai-overview';

/**
 * Seed 002's two dashboards in one, on the panel types it names where the data supports them: a state
 * timeline of the fleet, a heatmap of the coherence histogram's buckets (the seed queried the raw
 * buckets), gauges and stats of 0-1 scores, time series. Its node graph is left out: a node graph
 * needs node and edge frames, which Prometheus cannot return (Jaeger's trace view draws the call
 * graph of one request). Its "safety" gauges query metrics the seed never defines, so they are left
 * out too.
 */
export function sutazaiOverview(config: StackConfig): dashboard.Dashboard {
  const limits = config.alerts.sutazai;
  return baseDashboard({
    uid: SUTAZAI_OVERVIEW_UID,
    title: 'SutazAI - Agent Fleet',
    description: 'Fleet status, coordination scores and system resources of the SutazAI platform.',
    tags: ['sutazai'],
  })
    .withPanel(
      stateTimelinePanel({
        title: 'Agent Fleet Status',
        description:
          'State of every agent over time (agi_agent_status; the encoding 0-3 is an assumption, the seed gives none).',
        unit: units.Short,
        thresholds: thresholds(),
        states: [
          { value: 0, text: 'down', color: SEVERITY_COLORS.critical },
          { value: 1, text: 'idle', color: 'blue' },
          { value: 2, text: 'busy', color: SEVERITY_COLORS.ok },
          { value: 3, text: 'degraded', color: SEVERITY_COLORS.warning },
        ],
        targets: [promQuery('max by (agent_name) (agi_agent_status)', '{{agent_name}}')],
      })
        .span(24)
        .height(8),
    )
    .withRow(new dashboard.RowBuilder('Coordination'))
    .withPanel(
      gaugePanel({
        title: 'Coordination Score',
        description: 'Mean multi-agent coordination score over 5 minutes, by agent group (summary sum / count).',
        unit: units.PercentUnit,
        min: 0,
        max: 1,
        thresholds: new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps([
          { value: null, color: SEVERITY_COLORS.critical },
          { value: 0.6, color: SEVERITY_COLORS.warning },
          { value: 0.8, color: SEVERITY_COLORS.ok },
        ]),
        targets: [
          promQuery(
            'sum by (agent_group) (rate(agi_agent_coordination_score_sum[5m])) / sum by (agent_group) (rate(agi_agent_coordination_score_count[5m]))',
            '{{agent_group}}',
          ),
        ],
      })
        .span(8)
        .height(8),
    )
    .withPanel(
      statPanel({
        title: 'Optimization Detection',
        description: 'Latest optimization detection score, by pattern type (seed thresholds 0.3, 0.6, 0.8).',
        unit: units.PercentUnit,
        thresholds: thresholds(
          { value: 0.3, color: SEVERITY_COLORS.ok },
          { value: 0.6, color: SEVERITY_COLORS.warning },
          { value: 0.8, color: SEVERITY_COLORS.critical },
        ),
        targets: [promQuery('max by (pattern_type) (agi_emergence_score)', '{{pattern_type}}')],
      })
        .span(8)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Integration Score',
        description: 'Integration score by coordinator region (seed thresholds 0.5 and 0.8).',
        unit: units.PercentUnit,
        thresholds: thresholds(
          { value: 0.5, color: SEVERITY_COLORS.warning },
          { value: 0.8, color: SEVERITY_COLORS.critical },
        ),
        targets: [promQuery('max by (coordinator_region) (agi_system_state_phi)', '{{coordinator_region}}')],
      })
        .min(0)
        .max(1)
        .span(8)
        .height(8),
    )
    .withPanel(
      bucketHeatmapPanel({
        title: 'Processing Coherence',
        description: 'Observations per second in each coherence bucket (0-1) of agi_processing_coherence.',
        unit: units.PercentUnit,
        thresholds: thresholds(),
        histogram: 'agi_processing_coherence',
      })
        .span(12)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Agent Activity and Errors',
        description: 'Agent activities and agent errors per second.',
        unit: units.OpsPerSecond,
        thresholds: thresholds(),
        targets: [
          promQuery('sum(rate(agent_activity_total[$__rate_interval]))', 'activities', 'A'),
          promQuery('sum(rate(agent_errors_total[$__rate_interval]))', 'errors', 'B'),
        ],
      })
        .min(0)
        .span(12)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Learning Milestones',
        description: 'Learning milestones reached per hour, by knowledge domain.',
        unit: 'suffix:/h',
        thresholds: thresholds(),
        targets: [
          promQuery(
            'sum by (knowledge_domain) (rate(agi_learning_milestones_total[$__rate_interval])) * 3600',
            '{{knowledge_domain}}',
          ),
        ],
      })
        .min(0)
        .span(24)
        .height(7),
    )
    .withRow(new dashboard.RowBuilder('Resources'))
    .withPanel(
      gaugePanel({
        title: 'CPU',
        description: 'CPU usage the platform reports, busiest instance.',
        unit: units.Percent,
        min: 0,
        max: 100,
        thresholds: thresholds(
          { value: 80, color: SEVERITY_COLORS.warning },
          { value: limits.cpuPercent, color: SEVERITY_COLORS.critical },
        ),
        targets: [promQuery('max(resource_cpu_usage_percent)', 'cpu')],
      })
        .span(6)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'CPU over Time',
        description: 'CPU usage the platform reports, by instance.',
        unit: units.Percent,
        thresholds: thresholds({ value: 80, color: SEVERITY_COLORS.warning }),
        targets: [promQuery('max by (instance) (resource_cpu_usage_percent)', '{{instance}}')],
      })
        .min(0)
        .axisSoftMax(100)
        .span(9)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Memory',
        description: 'Memory the platform reports, by instance.',
        unit: units.BytesIEC,
        thresholds: thresholds(),
        targets: [promQuery('max by (instance) (resource_memory_usage_bytes)', '{{instance}}')],
      })
        .min(0)
        .span(9)
        .height(8),
    )
    .build();
}
