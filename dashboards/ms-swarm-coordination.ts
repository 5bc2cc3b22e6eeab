import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as units from '@grafana/grafana-foundation-sdk/units';
import type { StackConfig } from '../src/config';
import { AGENT_TYPE, MS_TAGS, agentTypeVariable } from './ms-common';
import {
  SEVERITY_COLORS,
  barGaugePanel,
  baseDashboard,
  promQuery,
  quantile,
  thresholds,
  timeseriesPanel,
} from './panels';
import { MS_DASHBOARD_UIDS } from '../src/lib/names';

/** Fixed uid of the MS-framework swarm coordination dashboard. */
export const MS_SWARM_COORDINATION_UID = MS_DASHBOARD_UIDS.swarmCoordination;

/**
 * Seed 000 §6.2 / §6.3: who talks to whom, how tasks are handed out, how long coordination takes, and
 * the §15.5.0 coordination alerts' measures (failures, formations).
 */
export function msSwarmCoordination(config: StackConfig): dashboard.Dashboard {
  const limits = config.alerts.msFramework;
  return baseDashboard({
    uid: MS_SWARM_COORDINATION_UID,
    title: 'Mister Smith - Swarm Coordination',
    description:
      'Agents per type, messages between agent types, task assignment and queues, coordination latency, failures and formations.',
    tags: [...MS_TAGS],
  })
    .withVariable(agentTypeVariable())
    .withPanel(
      timeseriesPanel({
        title: 'Active Agents by Type',
        description: 'Agents alive, by agent type.',
        unit: units.Short,
        thresholds: thresholds(),
        targets: [promQuery(`sum by (agent_type) (agent_active_count{${AGENT_TYPE}})`, '{{agent_type}}')],
      })
        .min(0)
        .span(12)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Task Assignments',
        description: 'Task-assignment messages per second, by the agent type receiving them.',
        unit: 'suffix:msg/s',
        thresholds: thresholds(),
        targets: [
          promQuery(
            `sum by (to_agent_type) (rate(messages_sent_total{message_type="task_assignment", to_agent_type=~"$agent_type"}[$__rate_interval]))`,
            '{{to_agent_type}}',
          ),
        ],
      })
        .min(0)
        .span(12)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Messages between Agent Types',
        description: 'Messages per second on each route from one agent type to another.',
        unit: 'suffix:msg/s',
        thresholds: thresholds(),
        targets: [
          promQuery(
            'sum by (from_agent_type, to_agent_type) (rate(messages_sent_total{from_agent_type=~"$agent_type"}[$__rate_interval]))',
            '{{from_agent_type}} → {{to_agent_type}}',
          ),
        ],
      })
        .min(0)
        .span(12)
        .height(9),
    )
    .withPanel(
      barGaugePanel({
        title: 'Busiest Routes',
        description: 'The ten routes that carried the most messages over the dashboard time range.',
        unit: units.Short,
        min: 0,
        thresholds: thresholds(),
        targets: [
          promQuery(
            'topk(10, sum by (from_agent_type, to_agent_type) (increase(messages_sent_total{from_agent_type=~"$agent_type"}[$__range])))',
            '{{from_agent_type}} → {{to_agent_type}}',
          ).instant(),
        ],
      })
        .span(12)
        .height(9),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Task Queue Depth',
        description: 'Tasks waiting, by queue type and the agent type that owns the queue.',
        unit: units.Short,
        thresholds: thresholds(),
        targets: [
          promQuery(
            `max by (queue_type, agent_type) (task_queue_depth{${AGENT_TYPE}})`,
            '{{agent_type}} {{queue_type}}',
          ),
        ],
      })
        .min(0)
        .span(12)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Coordination Latency p99',
        description:
          '99th percentile message delivery latency, by message type; the line is the CommunicationDelay threshold.',
        unit: units.Seconds,
        thresholds: thresholds({ value: limits.messageLatencyP99Seconds, color: SEVERITY_COLORS.warning }),
        targets: [promQuery(quantile(0.99, 'message_latency_seconds', ['message_type']), '{{message_type}}')],
      })
        .min(0)
        .span(12)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Coordination Failures',
        description:
          'Failed coordinations per second over all agents, by namespace; the line is the AgentCoordinationFailure threshold.',
        unit: 'suffix:/s',
        thresholds: thresholds({ value: limits.coordinationFailuresPerSecond, color: SEVERITY_COLORS.critical }),
        targets: [
          promQuery('sum by (namespace) (rate(agent_coordination_failures_total[$__rate_interval]))', '{{namespace}}'),
        ],
      })
        .min(0)
        .span(12)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Swarm Formations',
        description:
          'Cluster formations (cluster_id) with active agents, by namespace: more than one is a split brain (SwarmSplitBrain).',
        unit: units.Short,
        thresholds: thresholds({ value: 2, color: SEVERITY_COLORS.critical }),
        targets: [
          promQuery(
            'count by (namespace) (group by (namespace, cluster_id) (agent_active_count{cluster_id!=""} > 0))',
            '{{namespace}}',
          ),
        ],
      })
        .min(0)
        .span(12)
        .height(8),
    )
    .build();
}
