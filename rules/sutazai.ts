import type { StackConfig } from '../src/config';
import { alert, percent } from './helpers';
import { RuleGroup } from './types';

/**
 * The SutazAI alert pack. Seed 002 routes alerts but names no rules; these cover its generic agent
 * and resource instruments, as exported through the collector.
 */
export function sutazaiRules(config: StackConfig): RuleGroup[] {
  const t = config.alerts.sutazai;
  return [
    {
      name: 'sutazai_alerts',
      rules: [
        alert({
          alert: 'SutazaiAgentErrorRate',
          expr: `sum by (job) (rate(agent_errors_total[5m]))\n/\nsum by (job) (rate(agent_activity_total[5m]))\n> ${t.agentErrorRatio}`,
          for: '10m',
          labels: { severity: 'warning' },
          annotations: {
            summary: 'SutazAI agent error rate high in {{ $labels.job }}',
            description: `Agent errors are {{ $value | humanizePercentage }} of agent activities in {{ $labels.job }} (threshold ${percent(t.agentErrorRatio)}).`,
          },
        }),
        alert({
          alert: 'SutazaiHighCpuUsage',
          expr: `resource_cpu_usage_percent > ${t.cpuPercent}`,
          for: '10m',
          labels: { severity: 'warning' },
          annotations: {
            summary: 'SutazAI CPU usage high on {{ $labels.instance }}',
            description: `CPU usage on {{ $labels.instance }} is {{ $value | printf "%.1f" }}% (threshold ${t.cpuPercent}%).`,
          },
        }),
      ],
    },
  ];
}
