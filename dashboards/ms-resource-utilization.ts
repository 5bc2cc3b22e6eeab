import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as units from '@grafana/grafana-foundation-sdk/units';
import type { StackConfig } from '../src/config';
import { AGENT_TYPE, MS_TAGS, agentTypeVariable } from './ms-common';
import {
  SEVERITY_COLORS,
  barGaugePanel,
  baseDashboard,
  promQuery,
  statPanel,
  thresholds,
  timeseriesPanel,
} from './panels';
import { MS_DASHBOARD_UIDS } from '../src/lib/names';

/** Fixed uid of the MS-framework resource utilization dashboard. */
export const MS_RESOURCE_UTILIZATION_UID = MS_DASHBOARD_UIDS.resourceUtilization;

const GIB = 1024 ** 3;

/** CPU and memory of every agent against the AgentSaturation and AgentMemoryExhaustion thresholds. */
export function msResourceUtilization(config: StackConfig): dashboard.Dashboard {
  const limits = config.alerts.msFramework;
  const memoryBytes = limits.agentMemoryGiB * GIB;
  const cpuLine = thresholds({ value: limits.agentCpuPercent, color: SEVERITY_COLORS.warning });
  const memoryLine = thresholds({ value: memoryBytes, color: SEVERITY_COLORS.critical });
  return baseDashboard({
    uid: MS_RESOURCE_UTILIZATION_UID,
    title: 'Mister Smith - Resource Utilization',
    description: 'CPU and memory per agent and per agent type, and the agents closest to their limits.',
    tags: [...MS_TAGS],
  })
    .withVariable(agentTypeVariable())
    .withPanel(
      statPanel({
        title: 'Agents over CPU Threshold',
        description: 'Agents whose CPU is above the AgentSaturation threshold now.',
        unit: units.Short,
        thresholds: thresholds({ value: 1, color: SEVERITY_COLORS.warning }),
        targets: [
          promQuery(
            `count(max by (agent_id) (agent_cpu_percent{${AGENT_TYPE}}) > ${limits.agentCpuPercent}) or vector(0)`,
            'agents',
          ),
        ],
      })
        .span(6)
        .height(8),
    )
    .withPanel(
      statPanel({
        title: 'Agents over Memory Threshold',
        description: 'Agents whose memory is above the AgentMemoryExhaustion threshold now.',
        unit: units.Short,
        thresholds: thresholds({ value: 1, color: SEVERITY_COLORS.critical }),
        targets: [
          promQuery(
            `count(max by (agent_id) (agent_memory_bytes{${AGENT_TYPE}}) > ${memoryBytes}) or vector(0)`,
            'agents',
          ),
        ],
      })
        .span(6)
        .height(8),
    )
    .withPanel(
      barGaugePanel({
        title: 'Top Agents by Memory',
        description: 'The ten agents using the most memory now, against the AgentMemoryExhaustion threshold.',
        unit: units.BytesIEC,
        min: 0,
        max: memoryBytes,
        thresholds: memoryLine,
        targets: [
          promQuery(
            `topk(10, max by (agent_type, agent_id) (agent_memory_bytes{${AGENT_TYPE}}))`,
            '{{agent_type}} {{agent_id}}',
          ).instant(),
        ],
      })
        .span(12)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'CPU per Agent',
        description: 'CPU of each agent; the line is the AgentSaturation threshold.',
        unit: units.Percent,
        thresholds: cpuLine,
        targets: [
          promQuery(`max by (agent_type, agent_id) (agent_cpu_percent{${AGENT_TYPE}})`, '{{agent_type}} {{agent_id}}'),
        ],
      })
        .min(0)
        .axisSoftMax(100)
        .span(12)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Memory per Agent',
        description: 'Memory of each agent; the line is the AgentMemoryExhaustion threshold.',
        unit: units.BytesIEC,
        thresholds: memoryLine,
        targets: [
          promQuery(`max by (agent_type, agent_id) (agent_memory_bytes{${AGENT_TYPE}})`, '{{agent_type}} {{agent_id}}'),
        ],
      })
        .min(0)
        .span(12)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'CPU by Agent Type',
        description: 'Average and busiest agent CPU, by agent type.',
        unit: units.Percent,
        thresholds: cpuLine,
        targets: [
          promQuery(`avg by (agent_type) (agent_cpu_percent{${AGENT_TYPE}})`, '{{agent_type}} avg', 'A'),
          promQuery(`max by (agent_type) (agent_cpu_percent{${AGENT_TYPE}})`, '{{agent_type}} max', 'B'),
        ],
      })
        .min(0)
        .axisSoftMax(100)
        .span(12)
        .height(8),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Memory by Agent Type',
        description: 'Memory of all agents of a type together.',
        unit: units.BytesIEC,
        thresholds: thresholds(),
        targets: [promQuery(`sum by (agent_type) (agent_memory_bytes{${AGENT_TYPE}})`, '{{agent_type}}')],
      })
        .min(0)
        .span(12)
        .height(8),
    )
    .build();
}
