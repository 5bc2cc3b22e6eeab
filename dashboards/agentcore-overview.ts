import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as units from '@grafana/grafana-foundation-sdk/units';
import type { StackConfig } from '../src/config';
import {
  SEVERITY_COLORS,
  baseDashboard,
  labelValuesVariable,
  namespaceVariable,
  promQuery,
  quantile,
  statPanel,
  thresholds,
  timeseriesPanel,
} from './panels';

/** Fixed uid of the AgentCore dashboard. */
export const AGENTCORE_OVERVIEW_UID = 'agentcore-overview';

const NS = 'namespace=~"$namespace"';
const PHILOSOPHY = `philosophy=~"$philosophy", ${NS}`;

/** Seed 003's catalogue: lifecycle, resources, cache and container pools, tools, errors. */
export function agentcoreOverview(config: StackConfig): dashboard.Dashboard {
  const limits = config.alerts.agentcore;
  const row = (title: string) => new dashboard.RowBuilder(title);
  return (
    baseDashboard({
      uid: AGENTCORE_OVERVIEW_UID,
      title: 'AgentCore - Runtime',
      description: 'Agent lifecycle, resources, caches and container pools, tools and errors of the AgentCore runtime.',
      tags: ['agentcore'],
    })
      .withVariable(namespaceVariable('agentcore_agents_active'))
      // AgentCore's agent type is its reasoning "philosophy" (ReAct, chain of thought, ...).
      .withVariable(labelValuesVariable('philosophy', 'agentcore_agents_active', 'philosophy'))
      .withRow(row('Lifecycle'))
      .withPanel(
        statPanel({
          title: 'Active Agents',
          description: 'Agents running now.',
          unit: units.Short,
          thresholds: thresholds(),
          targets: [promQuery(`sum(agentcore_agents_active{${PHILOSOPHY}})`, 'agents')],
        })
          .span(6)
          .height(8),
      )
      .withPanel(
        timeseriesPanel({
          title: 'Agents Created',
          description: 'Agents created per minute, by philosophy and outcome.',
          unit: 'suffix:/min',
          thresholds: thresholds(),
          targets: [
            promQuery(
              `sum by (philosophy, status) (rate(agentcore_agents_total{${PHILOSOPHY}}[$__rate_interval])) * 60`,
              '{{philosophy}} {{status}}',
            ),
          ],
        })
          .min(0)
          .span(9)
          .height(8),
      )
      .withPanel(
        timeseriesPanel({
          title: 'State Transitions',
          description: 'Agent state transitions per second.',
          unit: units.OpsPerSecond,
          thresholds: thresholds(),
          targets: [
            promQuery(
              `sum by (from_state, to_state) (rate(agentcore_agent_state_transitions_total{${PHILOSOPHY}}[$__rate_interval]))`,
              '{{from_state}} → {{to_state}}',
            ),
          ],
        })
          .min(0)
          .span(9)
          .height(8),
      )
      .withPanel(
        timeseriesPanel({
          title: 'Initialization and Execution p95',
          description: '95th percentile agent initialization and execution time, by philosophy.',
          unit: units.Seconds,
          thresholds: thresholds(),
          targets: [
            promQuery(
              quantile(0.95, 'agentcore_agent_initialization_seconds', ['philosophy'], PHILOSOPHY),
              'init {{philosophy}}',
              'A',
            ),
            promQuery(
              quantile(0.95, 'agentcore_agent_execution_seconds', ['philosophy'], PHILOSOPHY),
              'execution {{philosophy}}',
              'B',
            ),
          ],
        })
          .min(0)
          .span(24)
          .height(8),
      )
      .withRow(row('Resources'))
      .withPanel(
        timeseriesPanel({
          title: 'CPU per Agent',
          description: 'CPU of each agent.',
          unit: units.Percent,
          thresholds: thresholds({ value: 80, color: SEVERITY_COLORS.warning }),
          targets: [
            promQuery(
              `max by (philosophy, agent_id) (agentcore_agent_cpu_percent{${PHILOSOPHY}})`,
              '{{philosophy}} {{agent_id}}',
            ),
          ],
        })
          .min(0)
          .axisSoftMax(100)
          .span(8)
          .height(8),
      )
      .withPanel(
        timeseriesPanel({
          title: 'Memory per Agent',
          description: 'Memory of each agent (the runtime reports MiB).',
          unit: units.Mebibytes,
          thresholds: thresholds(),
          targets: [
            promQuery(
              `max by (philosophy, agent_id) (agentcore_agent_memory_mb{${PHILOSOPHY}})`,
              '{{philosophy}} {{agent_id}}',
            ),
          ],
        })
          .min(0)
          .span(8)
          .height(8),
      )
      .withPanel(
        timeseriesPanel({
          title: 'Host',
          description: 'CPU and memory of the runtime host; the line is the AgentCoreSystemMemoryHigh alert.',
          unit: units.Percent,
          thresholds: thresholds({ value: limits.systemMemoryPercent, color: SEVERITY_COLORS.critical }),
          targets: [
            promQuery(`max by (pod) (agentcore_system_cpu_percent{${NS}})`, 'cpu {{pod}}', 'A'),
            promQuery(`max by (pod) (agentcore_system_memory_percent{${NS}})`, 'memory {{pod}}', 'B'),
          ],
        })
          .min(0)
          .axisSoftMax(100)
          .span(8)
          .height(8),
      )
      .withRow(row('Cache and Pools'))
      .withPanel(
        timeseriesPanel({
          title: 'Cache Hit Ratio',
          description: 'Cache hits as a share of lookups, by cache.',
          unit: units.PercentUnit,
          thresholds: thresholds(),
          targets: [
            promQuery(
              `sum by (cache_type) (rate(agentcore_cache_hits_total{${NS}}[$__rate_interval]))` +
                ` / (sum by (cache_type) (rate(agentcore_cache_hits_total{${NS}}[$__rate_interval]))` +
                ` + sum by (cache_type) (rate(agentcore_cache_misses_total{${NS}}[$__rate_interval])))`,
              '{{cache_type}}',
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
          title: 'Warm Start Ratio',
          description: 'Agents started from a warm container as a share of all starts, by philosophy.',
          unit: units.PercentUnit,
          thresholds: thresholds(),
          targets: [
            promQuery(
              `sum by (philosophy) (rate(agentcore_warm_starts_total{${PHILOSOPHY}}[$__rate_interval]))` +
                ` / (sum by (philosophy) (rate(agentcore_warm_starts_total{${PHILOSOPHY}}[$__rate_interval]))` +
                ` + sum by (philosophy) (rate(agentcore_cold_starts_total{${PHILOSOPHY}}[$__rate_interval])))`,
              '{{philosophy}}',
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
          title: 'Container Pools and Caches',
          description: 'Warm containers in each pool, and entries in each cache.',
          unit: units.Short,
          thresholds: thresholds(),
          targets: [
            promQuery(`sum by (philosophy) (agentcore_container_pool_size{${PHILOSOPHY}})`, 'pool {{philosophy}}', 'A'),
            promQuery(`sum by (cache_type) (agentcore_cache_size{${NS}})`, 'cache {{cache_type}}', 'B'),
          ],
        })
          .min(0)
          .span(8)
          .height(8),
      )
      .withPanel(
        timeseriesPanel({
          title: 'Container Creation p95',
          description: '95th percentile time to create a container, warm and cold.',
          unit: units.Seconds,
          thresholds: thresholds(),
          targets: [
            promQuery(
              quantile(0.95, 'agentcore_container_creation_seconds', ['warm_start'], PHILOSOPHY),
              'warm start {{warm_start}}',
            ),
          ],
        })
          .min(0)
          .span(12)
          .height(8),
      )
      .withPanel(
        timeseriesPanel({
          title: 'Garbage Collection',
          description: 'Collections per minute and memory they released (MiB per minute).',
          unit: units.Short,
          thresholds: thresholds(),
          targets: [
            promQuery(
              `sum(rate(agentcore_gc_collections_total{${NS}}[$__rate_interval])) * 60`,
              'collections/min',
              'A',
            ),
            promQuery(
              `sum(rate(agentcore_memory_released_mb_total{${NS}}[$__rate_interval])) * 60`,
              'MiB released/min',
              'B',
            ),
          ],
        })
          .min(0)
          .span(12)
          .height(8),
      )
      .withRow(row('Tools'))
      .withPanel(
        timeseriesPanel({
          title: 'Tool Executions',
          description: 'Tool executions per second, by tool and status.',
          unit: units.OpsPerSecond,
          thresholds: thresholds(),
          targets: [
            promQuery(
              `sum by (tool_id, status) (rate(agentcore_tool_executions_total{${NS}}[$__rate_interval]))`,
              '{{tool_id}} {{status}}',
            ),
          ],
        })
          .min(0)
          .span(8)
          .height(8),
      )
      .withPanel(
        timeseriesPanel({
          title: 'Tool Duration p95',
          description: '95th percentile tool execution time, by tool.',
          unit: units.Seconds,
          thresholds: thresholds(),
          targets: [promQuery(quantile(0.95, 'agentcore_tool_execution_seconds', ['tool_id'], NS), '{{tool_id}}')],
        })
          .min(0)
          .span(8)
          .height(8),
      )
      .withPanel(
        timeseriesPanel({
          title: 'Tool Errors',
          description: 'Tool errors per second, by tool and error type.',
          unit: units.OpsPerSecond,
          thresholds: thresholds(),
          targets: [
            promQuery(
              `sum by (tool_id, error_type) (rate(agentcore_tool_errors_total{${NS}}[$__rate_interval]))`,
              '{{tool_id}} {{error_type}}',
            ),
          ],
        })
          .min(0)
          .span(8)
          .height(8),
      )
      .withRow(row('Errors'))
      .withPanel(
        timeseriesPanel({
          title: 'Errors by Component',
          description: 'Runtime errors per second, by component and error type.',
          unit: units.OpsPerSecond,
          thresholds: thresholds(),
          targets: [
            promQuery(
              `sum by (component, error_type) (rate(agentcore_errors_total{${NS}}[$__rate_interval]))`,
              '{{component}} {{error_type}}',
            ),
          ],
        })
          .min(0)
          .span(12)
          .height(8),
      )
      .withPanel(
        timeseriesPanel({
          title: 'Agent Failures',
          description: 'Agent failures per minute, by philosophy and reason.',
          unit: 'suffix:/min',
          thresholds: thresholds({ value: 1, color: SEVERITY_COLORS.warning }),
          targets: [
            promQuery(
              `sum by (philosophy, failure_reason) (rate(agentcore_agent_failures_total{${PHILOSOPHY}}[$__rate_interval])) * 60`,
              '{{philosophy}} {{failure_reason}}',
            ),
          ],
        })
          .min(0)
          .span(12)
          .height(8),
      )
      .build()
  );
}
