import type { StackConfig } from '../src/config';
import { alert, percent } from './helpers';
import { RuleGroup } from './types';

/** The `team` label of the alerts seed 002 routes to a team (examples/sutazai routes on it). */
export const SUTAZAI_TEAMS = {
  /** Its system-state team (the seed routes alerts named "intelligence" there): the Φ alerts. */
  intelligence: 'intelligence',
  /** Its safety team, urgently (a `safety` label or "alignment" in the name): no alert here yet (see below). */
  safety: 'safety',
} as const;

/** How long SutazaiAgentDeadlock remembers a job whose series have gone, before only "none at all" is left. */
const VANISHED_LOOKBACK = '1h';

/**
 * The SutazAI alert pack: seed 002's `_define_alert_rules` (§3), corrected, under this pack's names, and
 * alerts on its generic agent and resource instruments (error rate, CPU). Its seven rules:
 *
 * - high_system_state_spike → SutazaiSystemStateSpike: the seed takes `rate()` of `agi_system_state_phi`,
 *   a gauge, which treats every fall as a counter reset; `delta()` is the change of a gauge. Its `[1m]`
 *   window needs two samples, which a scrape interval of 30s (the default) or less gives.
 * - system_state_instability → SutazaiSystemStateInstability, as the seed writes it.
 * - agent_coordination_failure → SutazaiAgentCoordinationFailure: `agi_agent_coordination_score` is a
 *   prometheus_client Summary, which exports no quantiles, only `_sum` and `_count`, so the seed's bare
 *   name selects nothing; the mean score over 5 minutes is `_sum` over `_count`. The seed's severity
 *   `error` is no severity this stack routes; it becomes `warning`, as the seed's `_route_alert` pages
 *   (emergency response) only `critical`.
 * - agent_deadlock → SutazaiAgentDeadlock: the seed's `agi_agent_activity_total` is its OTel counter
 *   `agent.activity.total`, exported as `agent_activity_total`. `rate(...) == 0` alone goes silent
 *   when the series go (a hung or dead app stops exporting, and the collector's exporter drops them
 *   after 5 minutes), so it also fires for a job whose series have gone and when there are none at all.
 * - memory_pressure → SutazaiMemoryPressure: the seed's `agi_memory_usage_bytes` is its OTel gauge
 *   `resource.memory.usage` (`resource_memory_usage_bytes`); `agi_memory_limit_bytes` is defined nowhere
 *   in the seed, so the limit is `alerts.sutazai.memoryLimitGiB`, by default its container's 8G.
 * - value_alignment_drift and mesa_optimization_detected are left out: they read
 *   `agi_value_alignment_score` and `agi_mesa_optimization_probability`, which the seed never defines
 *   (only its safety dashboard panel reads them too), so no metric, type or label can be catalogued from
 *   it and the alerts could never fire. The safety team's route is ready for them
 *   (`team="safety"`, examples/sutazai).
 *
 * Routing (the seed's `_route_alert`): `severity` decides paging; the Φ alerts carry
 * `team: intelligence` for the system-state team's route.
 */
export function sutazaiRules(config: StackConfig): RuleGroup[] {
  const t = config.alerts.sutazai;
  const memoryLimitBytes = t.memoryLimitGiB * 2 ** 30;
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
        alert({
          // Seed: high_system_state_spike.
          alert: 'SutazaiSystemStateSpike',
          expr: `delta(agi_system_state_phi[1m]) > ${t.systemStateSpikePerMinute}`,
          for: '30s',
          labels: { severity: 'warning', team: SUTAZAI_TEAMS.intelligence },
          annotations: {
            summary: 'Rapid rise of Φ in {{ $labels.coordinator_region }} on {{ $labels.pod }}',
            description: `Φ ({{ $labels.integration_type }}) in {{ $labels.coordinator_region }} on {{ $labels.pod }} rose by {{ $value | printf "%.2f" }} within a minute (threshold ${t.systemStateSpikePerMinute}).`,
          },
        }),
        alert({
          // Seed: system_state_instability.
          alert: 'SutazaiSystemStateInstability',
          expr: `stddev_over_time(agi_system_state_phi[5m]) > ${t.systemStateStddev}`,
          for: '2m',
          labels: { severity: 'critical', team: SUTAZAI_TEAMS.intelligence },
          annotations: {
            summary: 'Φ unstable in {{ $labels.coordinator_region }} on {{ $labels.pod }}',
            description: `Φ ({{ $labels.integration_type }}) in {{ $labels.coordinator_region }} on {{ $labels.pod }} varied with a standard deviation of {{ $value | printf "%.2f" }} over 5 minutes (threshold ${t.systemStateStddev}).`,
          },
        }),
        alert({
          // Seed: agent_coordination_failure.
          alert: 'SutazaiAgentCoordinationFailure',
          expr:
            'sum by (namespace, agent_group, task_type) (rate(agi_agent_coordination_score_sum[5m]))\n/\n' +
            `sum by (namespace, agent_group, task_type) (rate(agi_agent_coordination_score_count[5m]))\n< ${t.coordinationScore}`,
          for: '5m',
          labels: { severity: 'warning' },
          annotations: {
            summary: 'Poor coordination of SutazAI agent group {{ $labels.agent_group }}',
            description: `Agent group {{ $labels.agent_group }} ({{ $labels.task_type }} tasks) in {{ $labels.namespace }} scored {{ $value | printf "%.2f" }} on average for coordination over 5 minutes (threshold ${t.coordinationScore}).`,
          },
        }),
        alert({
          // Seed: agent_deadlock. Activity stopped; or a job's series gone (within the lookback); or none at all.
          alert: 'SutazaiAgentDeadlock',
          expr:
            '(sum by (job) (rate(agent_activity_total[5m])) == 0)\nor\n' +
            `(count by (job) (last_over_time(agent_activity_total[${VANISHED_LOOKBACK}])) unless count by (job) (agent_activity_total))\nor\n` +
            `absent_over_time(agent_activity_total[${VANISHED_LOOKBACK}])`,
          for: '2m',
          labels: { severity: 'critical' },
          annotations: {
            summary: 'Potential SutazAI agent deadlock{{ if $labels.job }} in {{ $labels.job }}{{ end }}',
            description:
              'No agent activity{{ if $labels.job }} in {{ $labels.job }}{{ end }} for 5 minutes: the agents count none, or their activity counter is no longer reported.',
          },
        }),
        alert({
          // Seed: memory_pressure.
          alert: 'SutazaiMemoryPressure',
          expr: `resource_memory_usage_bytes / ${memoryLimitBytes} > ${t.memoryRatio}`,
          for: '5m',
          labels: { severity: 'warning' },
          annotations: {
            summary: 'SutazAI memory usage high on {{ $labels.pod }}',
            description: `Memory usage of {{ $labels.pod }} ({{ $labels.job }}) is at {{ $value | humanizePercentage }} of its ${t.memoryLimitGiB} GiB limit (threshold ${percent(t.memoryRatio)}).`,
          },
        }),
      ],
    },
  ];
}
