import type { StackConfig } from '../src/config';
import { alert, percent } from './helpers';
import { RuleGroup } from './types';

/**
 * The AgentCore alert pack. Seed 003 defines metrics but no alert rules; these cover what its
 * catalogue makes observable and what its own code warns about: the runtime's /metrics gone (its
 * `agentcore` scrape job), tool errors, agent failures, host CPU or memory above 80% (its
 * resource monitor's warning), and more than 5% of a service's spans failing (its §6 "Monitor Error
 * Rates", read from the gateway's span metrics, which count every span before sampling).
 */
export function agentcoreRules(config: StackConfig): RuleGroup[] {
  const t = config.alerts.agentcore;
  return [
    {
      name: 'agentcore_alerts',
      rules: [
        alert({
          // Seed 003 scrapes the runtime as job `agentcore`: a scrapeTargets entry of that name.
          alert: 'AgentCoreRuntimeDown',
          expr: 'up{job="agentcore"} == 0',
          for: '5m',
          labels: { severity: 'critical' },
          annotations: {
            summary: 'AgentCore runtime {{ $labels.instance }} is down',
            description:
              'Prometheus has failed to scrape the AgentCore runtime at {{ $labels.instance }} for 5 minutes: its agents and their metrics are gone.',
          },
        }),
        alert({
          alert: 'AgentCoreToolErrorRate',
          expr:
            'sum by (tool_id) (rate(agentcore_tool_errors_total[5m]))\n/\n' +
            `sum by (tool_id) (rate(agentcore_tool_executions_total[5m]))\n> ${t.toolErrorRatio}`,
          for: '10m',
          labels: { severity: 'warning' },
          annotations: {
            summary: 'Tool {{ $labels.tool_id }} is failing',
            description: `{{ $value | humanizePercentage }} of executions of tool {{ $labels.tool_id }} failed in the last 5 minutes (threshold ${percent(t.toolErrorRatio)}).`,
          },
        }),
        alert({
          alert: 'AgentCoreAgentFailures',
          expr: `sum by (philosophy) (increase(agentcore_agent_failures_total[10m])) > ${t.agentFailuresPer10m}`,
          for: '5m',
          labels: { severity: 'critical' },
          annotations: {
            summary: '{{ $labels.philosophy }} agents are failing',
            description: `{{ $value | printf "%.0f" }} {{ $labels.philosophy }} agents failed in the last 10 minutes (threshold ${t.agentFailuresPer10m}).`,
          },
        }),
        alert({
          // Seed 003 §6: error_spans / total_spans * 100 > 5, per service; from every span the gateway
          // received, before tail sampling (which keeps every error trace and would inflate the ratio).
          alert: 'AgentCoreSpanErrorRate',
          expr:
            'sum by (job) (rate(traces_span_metrics_calls_total{status_code="STATUS_CODE_ERROR"}[5m]))\n/\n' +
            `sum by (job) (rate(traces_span_metrics_calls_total[5m]))\n> ${t.spanErrorRatio}`,
          for: '5m',
          labels: { severity: 'warning' },
          annotations: {
            summary: 'Service {{ $labels.job }} fails {{ $value | humanizePercentage }} of its spans',
            description: `{{ $value | humanizePercentage }} of the spans of {{ $labels.job }} ended with status ERROR in the last 5 minutes (threshold ${percent(t.spanErrorRatio)}): find a failed trace in Grafana's trace view (every error trace is kept).`,
          },
        }),
        alert({
          alert: 'AgentCoreSystemMemoryHigh',
          expr: `agentcore_system_memory_percent > ${t.systemMemoryPercent}`,
          for: '10m',
          labels: { severity: 'warning' },
          annotations: {
            summary: 'AgentCore host memory high on {{ $labels.instance }}',
            description: `Memory use on {{ $labels.instance }} is {{ $value | printf "%.1f" }}% (threshold ${t.systemMemoryPercent}%).`,
          },
        }),
        alert({
          alert: 'AgentCoreSystemCpuHigh',
          expr: `agentcore_system_cpu_percent > ${t.systemCpuPercent}`,
          for: '10m',
          labels: { severity: 'warning' },
          annotations: {
            summary: 'AgentCore host CPU high on {{ $labels.instance }}',
            description: `CPU use on {{ $labels.instance }} is {{ $value | printf "%.1f" }}% (threshold ${t.systemCpuPercent}%).`,
          },
        }),
      ],
    },
  ];
}
