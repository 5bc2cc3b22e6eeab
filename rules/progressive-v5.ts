import type { StackConfig } from '../src/config';
import { alert, percent } from './helpers';
import { AlertRule, RecordingRule, RuleGroup } from './types';

/** Request rate per agent and status code; one rule per agent, told apart by its `agent_type` label. */
export const AGENT_REQUESTS_RATE = 'agent_type_status_code:requests:rate5m';
/** Request duration buckets per agent, for quantiles over one agent or all of them. */
export const AGENT_REQUEST_DURATION_BUCKETS = 'agent_type_le:request_duration_seconds_bucket:rate5m';

/**
 * The Progressive Framework v5 alert pack (seed 004 alerting rules) under the seed's names. Every
 * agent's metrics carry its name as a prefix (`mca_requests_total`), so the seed's unprefixed
 * `requests_total`, `agent_health_status` and `process_resident_memory_bytes` select nothing; here
 * recording rules and `label_replace` gather each agent's series under an `agent_type` label, and
 * `histogram_quantile` reads rated `_bucket` series summed by `le`. The seed's `interval: 30s` is left to
 * the global evaluation interval (`prometheus.evaluationInterval`), so profiles tune all packs alike.
 */
export function progressiveV5Rules(config: StackConfig): RuleGroup[] {
  const t = config.alerts.progressiveV5;
  const perAgent = (agent: string, metric: string) =>
    `label_replace(${agent}_${metric}, "agent_type", "${agent}", "", "")`;
  const allAgents = (metric: string) => t.agents.map((a) => perAgent(a, metric)).join('\nor\n');

  const recording: RecordingRule[] = t.agents.flatMap((agent): RecordingRule[] => [
    {
      record: AGENT_REQUESTS_RATE,
      expr: `sum by (status_code) (rate(${agent}_requests_total[5m]))`,
      labels: { agent_type: agent },
    },
    {
      record: AGENT_REQUEST_DURATION_BUCKETS,
      expr: `sum by (le) (rate(${agent}_request_duration_seconds_bucket[5m]))`,
      labels: { agent_type: agent },
    },
  ]);

  const mca: AlertRule[] = [
    alert({
      alert: 'MCAHighResponseTime',
      expr: `histogram_quantile(0.95, sum by (le) (${AGENT_REQUEST_DURATION_BUCKETS}{agent_type="mca"})) > ${t.mcaLatencyP95Seconds}`,
      for: '2m',
      labels: { severity: 'warning', service: 'mca', tier: 'control-plane' },
      annotations: {
        summary: 'MCA response time is high',
        description: `MCA 95th percentile response time is {{ $value | humanizeDuration }}, above the ${t.mcaLatencyP95Seconds}s threshold.`,
      },
    }),
    alert({
      alert: 'MCAHighErrorRate',
      expr:
        `sum(${AGENT_REQUESTS_RATE}{agent_type="mca",status_code=~"5.."})\n/\n` +
        `sum(${AGENT_REQUESTS_RATE}{agent_type="mca"})\n> ${t.mcaErrorRatio}`,
      for: '1m',
      labels: { severity: 'critical', service: 'mca', tier: 'control-plane' },
      annotations: {
        summary: 'MCA error rate is high',
        description: `MCA error rate is {{ $value | humanizePercentage }}, above the ${percent(t.mcaErrorRatio)} threshold.`,
      },
    }),
    alert({
      alert: 'MCAAgentDown',
      expr: 'up{job="mca"} == 0',
      for: '1m',
      labels: { severity: 'critical', service: 'mca', tier: 'control-plane' },
      annotations: {
        summary: 'MCA is down',
        description: 'Master Control Agent {{ $labels.instance }} has been down for more than 1 minute.',
      },
    }),
  ];

  const health: AlertRule[] = [
    alert({
      alert: 'AgentUnhealthy',
      expr: `(\n${allAgents('health_status')}\n) < 1`,
      for: '2m',
      labels: { severity: 'warning', service: '{{ $labels.agent_type }}', tier: 'agents' },
      annotations: {
        summary: 'Agent {{ $labels.agent_type }} is unhealthy',
        description:
          'Agent {{ $labels.agent_type }} ({{ $labels.agent_id }}) has been unhealthy for more than 2 minutes.',
      },
    }),
    alert({
      alert: 'AgentHighMemoryUsage',
      expr: `(\n${allAgents('process_resident_memory_bytes')}\n) / 1024^2 > ${t.agentMemoryMiB}`,
      for: '5m',
      labels: { severity: 'warning', tier: 'agents' },
      annotations: {
        summary: 'Agent {{ $labels.agent_type }} high memory usage',
        description: `Agent {{ $labels.agent_type }} ({{ $labels.instance }}) is using {{ $value | printf "%.0f" }} MiB of memory, above the ${t.agentMemoryMiB} MiB threshold.`,
      },
    }),
  ];

  const business: AlertRule[] = [
    alert({
      alert: 'NPAMealPlanGenerationFailure',
      expr: `sum(increase(npa_requests_total{status_code=~"5..",endpoint=~".*meal.*plan.*"}[10m])) > ${t.businessFailuresPer10m}`,
      for: '0m',
      labels: { severity: 'warning', service: 'npa', business_impact: 'high' },
      annotations: {
        summary: 'NPA meal plan generation failures',
        description: `NPA has had {{ $value | printf "%.0f" }} meal plan generation failures in the last 10 minutes (threshold ${t.businessFailuresPer10m}).`,
      },
    }),
    alert({
      alert: 'WPAWorkoutRecommendationFailure',
      expr: `sum(increase(wpa_requests_total{status_code=~"5..",endpoint=~".*workout.*"}[10m])) > ${t.businessFailuresPer10m}`,
      for: '0m',
      labels: { severity: 'warning', service: 'wpa', business_impact: 'high' },
      annotations: {
        summary: 'WPA workout recommendation failures',
        description: `WPA has had {{ $value | printf "%.0f" }} workout recommendation failures in the last 10 minutes (threshold ${t.businessFailuresPer10m}).`,
      },
    }),
  ];

  const sla: AlertRule[] = [
    alert({
      alert: 'SystemAvailabilityBelow99_9',
      expr: `sum(${AGENT_REQUESTS_RATE}{status_code!~"5.."})\n/\nsum(${AGENT_REQUESTS_RATE})\n< ${t.availabilityRatio}`,
      for: '5m',
      labels: { severity: 'critical', sla: 'availability' },
      annotations: {
        summary: `System availability below ${percent(t.availabilityRatio)}`,
        description: `System availability is {{ $value | humanizePercentage }} over all agents, below the ${percent(t.availabilityRatio)} SLA.`,
      },
    }),
    alert({
      alert: 'AverageResponseTimeAboveSLA',
      expr: `histogram_quantile(0.95, sum by (le) (${AGENT_REQUEST_DURATION_BUCKETS})) > ${t.slaLatencyP95Seconds}`,
      for: '3m',
      labels: { severity: 'warning', sla: 'performance' },
      annotations: {
        summary: 'Response time above SLA',
        description: `95th percentile response time over all agents is {{ $value | humanizeDuration }}, above the ${t.slaLatencyP95Seconds}s SLA.`,
      },
    }),
  ];

  const ns = t.namespace;
  const infrastructure: AlertRule[] = [
    alert({
      alert: 'PostgreSQLDown',
      expr: 'up{job="postgres"} == 0',
      for: '1m',
      labels: { severity: 'critical', service: 'postgresql', tier: 'database' },
      annotations: {
        summary: 'PostgreSQL is down',
        description: 'PostgreSQL exporter target {{ $labels.instance }} has been unreachable for more than 1 minute.',
      },
    }),
    alert({
      alert: 'RedisDown',
      expr: 'up{job="redis"} == 0',
      for: '1m',
      labels: { severity: 'critical', service: 'redis', tier: 'cache' },
      annotations: {
        summary: 'Redis is down',
        description: 'Redis exporter target {{ $labels.instance }} has been unreachable for more than 1 minute.',
      },
    }),
    alert({
      alert: 'HighPodCPUUsage',
      // container!="" drops cAdvisor's pod-level sum, which would count every container twice.
      expr: `sum by (namespace, pod) (rate(container_cpu_usage_seconds_total{namespace="${ns}",container!=""}[5m])) * 100 > ${t.podCpuPercent}`,
      for: '5m',
      labels: { severity: 'warning', tier: 'infrastructure' },
      annotations: {
        summary: 'High CPU usage on pod {{ $labels.pod }}',
        description: `Pod {{ $labels.pod }} has been using {{ $value | printf "%.0f" }}% of a CPU for more than 5 minutes (threshold ${t.podCpuPercent}%).`,
      },
    }),
    alert({
      alert: 'PodRestartLoop',
      expr: `sum by (namespace, pod) (increase(kube_pod_container_status_restarts_total{namespace="${ns}"}[1h])) > ${t.podRestartsPerHour}`,
      for: '0m',
      labels: { severity: 'warning', tier: 'infrastructure' },
      annotations: {
        summary: 'Pod {{ $labels.pod }} is restart looping',
        description: `Pod {{ $labels.pod }} has restarted {{ $value | printf "%.0f" }} times in the last hour (threshold ${t.podRestartsPerHour}).`,
      },
    }),
  ];

  return [
    { name: 'progressive_framework_recording', rules: recording },
    { name: 'progressive_framework.rules', rules: [...mca, ...health, ...business, ...sla] },
    { name: 'infrastructure.rules', rules: infrastructure },
  ];
}
