import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import type * as stat from '@grafana/grafana-foundation-sdk/stat';
import type * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import * as units from '@grafana/grafana-foundation-sdk/units';
import type { StackConfig } from '../src/config';
import {
  MODEL_COST,
  SERVICE_COST,
  TOKENS_PER_INVOCATION,
  TOKENS_PER_INVOCATION_BASELINE,
  totalCost,
  UNPRICED_TOKENS,
} from '../rules/genai';
import {
  barGaugePanel,
  baseDashboard,
  promQuery,
  quantile,
  SEVERITY_COLORS,
  statPanel,
  thresholds,
  timeseriesPanel,
} from './panels';

/** Fixed uid of the GenAI dashboard. */
export const GENAI_UID = 'genai-agents';

type Panel = stat.PanelBuilder | timeseries.PanelBuilder | bargauge.PanelBuilder;

const TOKENS = 'gen_ai_client_token_usage_sum';
const CALLS = 'traces_span_metrics_calls_total';
const RATE = '[$__rate_interval]';

/**
 * AI agents as the GenAI conventions see them, whichever platform runs them (issue 14): tokens per
 * second, cost per hour, per model and per service, latency and time to first token per model, and
 * from the span metrics (every span, before sampling) agent invocations, tool error rates and loop
 * depth. Cost panels need `genai.cost.prices`, span panels `collector.spanMetrics`.
 */
export function genaiDashboard(config: StackConfig): dashboard.Dashboard {
  const priced = config.genai.cost.prices.length > 0;
  const spans = config.collector.spanMetrics.enabled;
  const currency = config.genai.cost.currency;
  const r = config.genai.runaway;
  const rows: Array<[string, Panel[]]> = [
    [
      'Tokens and cost',
      [
        timeseriesPanel({
          title: 'Tokens per Second',
          description: 'Tokens the apps used per second, input and output (gen_ai.client.token.usage).',
          unit: 'short',
          thresholds: thresholds(),
          targets: [promQuery(`sum by (gen_ai_token_type) (rate(${TOKENS}${RATE}))`, '{{gen_ai_token_type}}')],
        })
          .span(priced ? 8 : 24)
          .height(8),
        ...(priced
          ? [
              statPanel({
                title: `Cost per Hour (${currency})`,
                description: `What the apps' tokens cost per hour at the price list's prices (genai.cost.prices), over the last 5 minutes.`,
                unit: `currency${currency}`,
                thresholds: thresholds(),
                targets: [promQuery(`sum(${totalCost('5m')}) * 3600`, 'per hour')],
              })
                .span(4)
                .height(8),
              timeseriesPanel({
                title: `Cost per Hour by Model (${currency})`,
                description: 'Cost per hour of each requested model (gen_ai.request.model).',
                unit: `currency${currency}`,
                thresholds: thresholds(),
                targets: [
                  promQuery(`sum by (gen_ai_request_model) (${MODEL_COST}) * 3600`, '{{gen_ai_request_model}}'),
                ],
              })
                .span(6)
                .height(8),
              statPanel({
                title: 'Unpriced Tokens per Second',
                description:
                  'Tokens of models the price list leaves out: their cost is in no total (GenAiModelUnpriced).',
                unit: 'short',
                thresholds: thresholds({ value: 0.001, color: SEVERITY_COLORS.warning }),
                targets: [promQuery(`sum(${UNPRICED_TOKENS}) or vector(0)`, 'unpriced')],
              })
                .span(6)
                .height(8),
              timeseriesPanel({
                title: `Cost per Hour by Agent (${currency})`,
                description: 'Cost per hour of each service (an agent is a service: the token metric names no agent).',
                unit: `currency${currency}`,
                thresholds: thresholds(),
                targets: [promQuery(`sum by (namespace, job) (${SERVICE_COST}) * 3600`, '{{job}}')],
              })
                .span(12)
                .height(8),
              barGaugePanel({
                title: `Top Agents by Cost per Day (${currency})`,
                description: 'The ten services whose tokens cost most, at the rate of the last 5 minutes, per day.',
                unit: `currency${currency}`,
                min: 0,
                thresholds: thresholds(),
                targets: [promQuery(`topk(10, sum by (namespace, job) (${SERVICE_COST}) * 86400)`, '{{job}}')],
              })
                .span(12)
                .height(8),
            ]
          : []),
      ],
    ],
    [
      'Latency per model',
      [
        timeseriesPanel({
          title: 'Operation Duration p95',
          description: '95th percentile of model calls as the client saw them, per requested model.',
          unit: units.Seconds,
          thresholds: thresholds(),
          targets: [
            promQuery(
              quantile(0.95, 'gen_ai_client_operation_duration_seconds', ['gen_ai_request_model']),
              '{{gen_ai_request_model}}',
            ),
          ],
        })
          .span(8)
          .height(8),
        timeseriesPanel({
          title: 'Time to First Chunk p95',
          description: 'How long a streamed response took to start, as the client saw it, per requested model.',
          unit: units.Seconds,
          thresholds: thresholds(),
          targets: [
            promQuery(
              quantile(0.95, 'gen_ai_client_operation_time_to_first_chunk_seconds', ['gen_ai_request_model']),
              '{{gen_ai_request_model}}',
            ),
          ],
        })
          .span(8)
          .height(8),
        timeseriesPanel({
          title: 'Server Time to First Token p95',
          description: 'How long model servers took to generate the first token, per requested model.',
          unit: units.Seconds,
          thresholds: thresholds(),
          targets: [
            promQuery(
              quantile(0.95, 'gen_ai_server_time_to_first_token_seconds', ['gen_ai_request_model']),
              '{{gen_ai_request_model}}',
            ),
          ],
        })
          .span(8)
          .height(8),
      ],
    ],
    ...(spans
      ? ([
          [
            'Agents and tools (span metrics, before sampling)',
            [
              timeseriesPanel({
                title: 'Agent Invocations per Second',
                description: 'invoke_agent spans per second, per agent (gen_ai.agent.name).',
                unit: 'reqps',
                thresholds: thresholds(),
                targets: [
                  promQuery(
                    `sum by (gen_ai_agent_name) (rate(${CALLS}{gen_ai_operation_name="invoke_agent"}${RATE}))`,
                    '{{gen_ai_agent_name}}',
                  ),
                ],
              })
                .span(8)
                .height(8),
              timeseriesPanel({
                title: 'Tool Error Rate',
                description: 'Share of execute_tool spans that failed, per tool.',
                unit: units.PercentUnit,
                thresholds: thresholds(),
                targets: [
                  promQuery(
                    `sum by (gen_ai_tool_name) (rate(${CALLS}{gen_ai_operation_name="execute_tool", status_code="STATUS_CODE_ERROR"}${RATE}))\n/\n` +
                      `sum by (gen_ai_tool_name) (rate(${CALLS}{gen_ai_operation_name="execute_tool"}${RATE}))`,
                    '{{gen_ai_tool_name}}',
                  ),
                ],
              })
                .span(8)
                .height(8),
              timeseriesPanel({
                title: 'Loop Depth: Tool Calls per Invocation',
                description: `Tool calls per agent invocation, per service (GenAiAgentToolCallsHigh above ${r.toolCallsPerInvocation}).`,
                unit: 'short',
                thresholds: thresholds({ value: r.toolCallsPerInvocation, color: SEVERITY_COLORS.warning }),
                targets: [
                  promQuery(
                    `sum by (namespace, job) (rate(${CALLS}{gen_ai_operation_name="execute_tool"}${RATE}))\n/\n` +
                      `(sum by (namespace, job) (rate(${CALLS}{gen_ai_operation_name="invoke_agent"}${RATE})) > 0)`,
                    '{{job}}',
                  ),
                ],
              })
                .span(8)
                .height(8),
              timeseriesPanel({
                title: 'Tokens per Invocation',
                description: `Tokens per agent invocation over the last hour, and its 7-day average (GenAiTokensPerInvocationHigh above ${r.tokensPerInvocationFactor} times it).`,
                unit: 'short',
                thresholds: thresholds(),
                targets: [
                  promQuery(TOKENS_PER_INVOCATION, '{{job}}'),
                  promQuery(TOKENS_PER_INVOCATION_BASELINE, '{{job}} 7-day average', 'B'),
                ],
              })
                .span(24)
                .height(8),
            ],
          ],
        ] as Array<[string, Panel[]]>)
      : []),
  ];
  const builder = baseDashboard({
    uid: GENAI_UID,
    title: 'GenAI - Agents, Tokens and Cost',
    description:
      'Tokens, cost, model latency, agent invocations, tool errors and loop depth, from the GenAI conventions.',
    tags: ['genai'],
  });
  for (const [title, panels] of rows) {
    builder.withRow(new dashboard.RowBuilder(title));
    for (const panel of panels) builder.withPanel(panel);
  }
  return builder.build();
}
