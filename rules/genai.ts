import type { StackConfig } from '../src/config';
import { durationSeconds } from '../src/config/duration';
import {
  burnCondition,
  burnTiers,
  burnWindows,
  BurnTier,
  describeTier,
  exact,
  rateSuffix,
  unreachableObjective,
} from './burn-rate';
import { alert, percent } from './helpers';
import { metric, MetricCatalog } from './catalog/types';
import { AlertRule, Inhibition, RecordingRule, RuleGroup } from './types';

/** The tokens the apps used, per model and token type (`gen_ai.client.token.usage`: a histogram of tokens per call). */
const TOKENS = 'gen_ai_client_token_usage_sum';
/** The token types a price list prices (semconv `gen_ai.token.type`). */
const PRICED_TYPES = 'gen_ai_token_type=~"input|output"';
/** Spans the gateway counted, before sampling (collector.spanMetrics). */
const SPANS = 'traces_span_metrics_calls_total';

/** The price of a million tokens, per model and token type, in `currency` (one series per price-list entry). */
export const TOKEN_PRICE = 'model_token_type:gen_ai_token_price:per_million';
/** What the tokens of each requested model cost per second, in `currency`. */
export const MODEL_COST = 'model:gen_ai_cost:rate5m';
/** What each service's tokens cost per second (an agent is a service: the token metric names no agent). */
export const SERVICE_COST = 'namespace_job:gen_ai_cost:rate5m';
/** What every token costs per second, over a window: `:gen_ai_cost:rate1h`. */
export function totalCost(window: string): string {
  return `:gen_ai_cost:${rateSuffix(window)}`;
}
/** Tokens per second of requested models the price list leaves out. */
export const UNPRICED_TOKENS = 'model:gen_ai_tokens_unpriced:rate5m';
/** Tokens per agent invocation over the last hour, per service. */
export const TOKENS_PER_INVOCATION = 'namespace_job:gen_ai_tokens_per_invocation:ratio_rate1h';
/** Its average over the last 7 days: the service's baseline. */
export const TOKENS_PER_INVOCATION_BASELINE = 'namespace_job:gen_ai_tokens_per_invocation:ratio_rate1h_avg7d';
/** The share of a service's calls of a tool that failed, over a window: `...:ratio_rate1h`. */
export function toolErrorRatio(window: string): string {
  return `namespace_job_tool:gen_ai_tool_errors:ratio_${rateSuffix(window)}`;
}

/** The period the tool-error budget is spent over. */
const TOOL_ERROR_PERIOD = '30d';
/** Each spend budget's period. */
const BUDGET_PERIODS = { daily: '1d', monthly: '30d' } as const;

/**
 * The GenAI pack's pairs on one condition at two severities: while a budget burns fast enough to
 * page, its ticket says nothing new.
 */
export const GENAI_INHIBITIONS: readonly Inhibition[] = [
  {
    source: 'GenAiSpendBudgetBurn',
    target: 'GenAiSpendBudgetBurn',
    sourceSeverity: 'critical',
    targetSeverity: 'warning',
    equal: ['cluster', 'environment', 'budget'],
  },
  {
    source: 'GenAiToolErrorBudgetBurn',
    target: 'GenAiToolErrorBudgetBurn',
    sourceSeverity: 'critical',
    targetSeverity: 'warning',
    equal: ['cluster', 'environment', 'namespace', 'job', 'gen_ai_tool_name'],
  },
];

/** Each token's price per million times the tokens per second, `by` the labels given, in `currency` per second. */
function costExpr(window: string, by: readonly string[]): string {
  const inner = [...by, 'gen_ai_request_model', 'gen_ai_token_type'].filter((l, i, a) => a.indexOf(l) === i);
  return (
    `sum by (${[...by, 'currency'].join(', ')}) (\n` +
    `  sum by (${inner.join(', ')}) (rate(${TOKENS}{${PRICED_TYPES}}[${window}]))\n` +
    `  * on (gen_ai_request_model, gen_ai_token_type) group_left (currency)\n` +
    `  ${TOKEN_PRICE}\n` +
    `) / 1e6`
  );
}

/**
 * Problems of the `genai` settings that JSON Schema cannot express, one line each: a model priced
 * twice (its tokens would be counted twice), budgets without prices, and prices or budgets while the
 * GenAI metrics are off (nothing would read them).
 */
export function genaiProblems(config: StackConfig): string[] {
  const { cost } = config.genai;
  const problems: string[] = [];
  const seen = new Map<string, number>();
  cost.prices.forEach((p, i) => {
    const first = seen.get(p.model);
    if (first !== undefined)
      problems.push(
        `/genai/cost/prices/${i}/model: ${JSON.stringify(p.model)} is priced already at /genai/cost/prices/${first}; give each model one price`,
      );
    else seen.set(p.model, i);
  });
  for (const budget of Object.keys(cost.budgets) as Array<keyof typeof cost.budgets>) {
    if (cost.budgets[budget] !== undefined && cost.prices.length === 0)
      problems.push(
        `/genai/cost/budgets/${budget}: a spend budget needs prices: list the models in /genai/cost/prices`,
      );
  }
  const unreachable = unreachableObjective(config.genai.runaway.toolSuccessObjective, TOOL_ERROR_PERIOD);
  if (unreachable) problems.push(`/genai/runaway/toolSuccessObjective: ${unreachable}`);
  if (!config.genai.enabled && cost.prices.length > 0)
    problems.push(
      '/genai/cost/prices: prices need the GenAI metrics: set /genai/enabled to true (the token counts come from gen_ai.client.token.usage)',
    );
  return problems;
}

/** Cost per model, per service and in total, the unpriced tokens, and the spend budgets' alerts. */
function costGroup(config: StackConfig): RuleGroup | undefined {
  const { currency, prices, budgets } = config.genai.cost;
  if (prices.length === 0) return undefined;
  const budgetTiers = (Object.entries(BUDGET_PERIODS) as Array<[keyof typeof BUDGET_PERIODS, string]>).flatMap(
    ([budget, period]) => {
      const amount = budgets[budget];
      return amount === undefined ? [] : [{ budget, period, amount, tiers: burnTiers(period) }];
    },
  );
  const windows = costWindows(config);
  const records: RecordingRule[] = [
    ...prices.flatMap((p) =>
      (['input', 'output'] as const).map((type): RecordingRule => ({
        record: TOKEN_PRICE,
        expr: `vector(${p[type]})`,
        labels: { gen_ai_request_model: p.model, gen_ai_token_type: type, currency },
      })),
    ),
    { record: MODEL_COST, expr: costExpr('5m', ['gen_ai_request_model']) },
    { record: SERVICE_COST, expr: costExpr('5m', ['namespace', 'job']) },
    ...windows.map((w): RecordingRule => ({ record: totalCost(w), expr: costExpr(w, []) })),
    {
      record: UNPRICED_TOKENS,
      expr:
        `sum by (gen_ai_request_model) (rate(${TOKENS}[5m]))\n` + `unless on (gen_ai_request_model)\n${TOKEN_PRICE}`,
    },
  ];
  const alerts: AlertRule[] = [
    alert({
      alert: 'GenAiModelUnpriced',
      expr: `${UNPRICED_TOKENS} > 0`,
      for: '15m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Model {{ $labels.gen_ai_request_model }} has no price',
        description: `The apps have used {{ $value | printf "%.1f" }} tokens per second of model {{ $labels.gen_ai_request_model }} for 15 minutes, and genai.cost.prices has no price for it: the recorded costs and the spend budgets leave it out.`,
      },
    }),
    ...budgetTiers.flatMap(({ budget, period, amount, tiers }) =>
      tiers.map((tier: BurnTier) =>
        alert({
          alert: 'GenAiSpendBudgetBurn',
          expr: burnCondition(tier, (w) => `${totalCost(w)} / (${amount} / ${durationSeconds(period)})`),
          labels: { severity: tier.severity, budget },
          annotations: {
            summary: `GenAI spend is burning the ${budget} budget at {{ $value | printf "%.1f" }}× its rate`,
            description: `The apps' tokens cost {{ $value | printf "%.1f" }} times the rate that spends the ${budget} budget of ${amount} ${currency} in ${period} (this alert: ${describeTier(tier)}).`,
          },
        }),
      ),
    ),
  ];
  return { name: 'genai_cost', rules: [...records, ...alerts] };
}

/**
 * Agents in a loop, from the span metrics (every span, before sampling): tool calls per invocation,
 * tokens per invocation against the service's 7-day baseline, and tool errors burning their budget.
 * Per service: the conventions name the agent on its invocation spans only, not on its tool calls
 * or its token counts.
 */
function runawayGroup(config: StackConfig): RuleGroup {
  const r = config.genai.runaway;
  const budget = exact(1 - r.toolSuccessObjective / 100);
  const tiers = burnTiers(TOOL_ERROR_PERIOD);
  const calls = (op: string, extra = ''): string => `${SPANS}{gen_ai_operation_name="${op}"${extra}}`;
  const byTool = 'namespace, job, gen_ai_tool_name';
  const records: RecordingRule[] = [
    {
      record: TOKENS_PER_INVOCATION,
      // Only where the service invoked an agent: tokens of plain model calls have no invocation to divide by.
      expr:
        `sum by (namespace, job) (rate(${TOKENS}[1h]))\n/\n` +
        `(sum by (namespace, job) (rate(${calls('invoke_agent')}[1h])) > 0)`,
    },
    {
      record: TOKENS_PER_INVOCATION_BASELINE,
      expr: `avg_over_time(${TOKENS_PER_INVOCATION}[7d])`,
    },
    ...burnWindows(tiers).map((w): RecordingRule => ({
      record: toolErrorRatio(w),
      expr:
        `sum by (${byTool}) (rate(${calls('execute_tool', ', status_code="STATUS_CODE_ERROR"')}[${w}]))\n/\n` +
        `sum by (${byTool}) (rate(${calls('execute_tool')}[${w}]))`,
    })),
  ];
  const alerts: AlertRule[] = [
    alert({
      alert: 'GenAiAgentToolCallsHigh',
      expr:
        `sum by (namespace, job) (rate(${calls('execute_tool')}[15m]))\n/\n` +
        `(sum by (namespace, job) (rate(${calls('invoke_agent')}[15m])) > 0)\n> ${r.toolCallsPerInvocation}`,
      for: '15m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Agents of {{ $labels.job }} call {{ $value | printf "%.1f" }} tools per invocation',
        description: `Over the last 15 minutes each agent invocation of {{ $labels.job }} ({{ $labels.namespace }}) made {{ $value | printf "%.1f" }} tool calls on average (threshold ${r.toolCallsPerInvocation}): an agent may be looping. Its traces with tool calls are in Grafana's trace view.`,
      },
    }),
    alert({
      alert: 'GenAiTokensPerInvocationHigh',
      // Only for a service with a day of history: a new one's baseline is its first hours.
      expr:
        `${TOKENS_PER_INVOCATION}\n> ${r.tokensPerInvocationFactor} * ${TOKENS_PER_INVOCATION_BASELINE}\n` +
        `and on (namespace, job)\n${TOKENS_PER_INVOCATION} offset 1d`,
      for: '30m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Agent invocations of {{ $labels.job }} use {{ $value | printf "%.0f" }} tokens each',
        description: `Over the last hour an agent invocation of {{ $labels.job }} ({{ $labels.namespace }}) used {{ $value | printf "%.0f" }} tokens on average, more than ${r.tokensPerInvocationFactor} times its 7-day average: agents may be looping, or prompts have grown.`,
      },
    }),
    ...tiers.map((tier) =>
      alert({
        alert: 'GenAiToolErrorBudgetBurn',
        expr: burnCondition(tier, (w) => `${toolErrorRatio(w)} / ${budget}`),
        labels: { severity: tier.severity },
        annotations: {
          summary:
            'Tool {{ $labels.gen_ai_tool_name }} of {{ $labels.job }} burns its error budget {{ $value | printf "%.1f" }}× too fast',
          description: `Calls of tool {{ $labels.gen_ai_tool_name }} by {{ $labels.job }} ({{ $labels.namespace }}) fail at {{ $value | printf "%.1f" }} times the rate that spends a ${percent(budget)} error budget in ${TOOL_ERROR_PERIOD} (objective ${r.toolSuccessObjective}% successful; this alert: ${describeTier(tier)}).`,
        },
      }),
    ),
  ];
  return { name: 'genai_runaway', rules: [...records, ...alerts] };
}

/**
 * The GenAI pack (issue 14), on with `genai.enabled`: what the apps' tokens cost per model, per service
 * and in total (`genai.cost.prices`), spend budgets per day and per 30 days alerting on multi-window
 * burn rates (`genai.cost.budgets`), and runaway agents (`genai.runaway`).
 */
export function genaiRules(config: StackConfig): RuleGroup[] {
  const cost = costGroup(config);
  return [...(cost ? [cost] : []), runawayGroup(config)];
}

/** The windows the total cost is recorded over: 5m for the dashboards, and what the budgets read. */
function costWindows(config: StackConfig): string[] {
  const { budgets } = config.genai.cost;
  return burnWindows([
    { severity: 'critical', windows: [{ long: '5m', short: '5m', factor: 1 }] },
    ...(Object.entries(BUDGET_PERIODS) as Array<[keyof typeof BUDGET_PERIODS, string]>).flatMap(([budget, period]) =>
      budgets[budget] === undefined ? [] : burnTiers(period),
    ),
  ]);
}

/**
 * The series the GenAI pack records, as a catalogue the dashboards are checked against (with
 * `genai.enabled`; the cost series with prices too).
 */
export function genaiRecordedCatalog(config: StackConfig): MetricCatalog | undefined {
  if (!config.genai.enabled) return undefined;
  const priced = config.genai.cost.prices.length > 0;
  return {
    name: 'genai-recorded',
    source: "the genai pack's recording rules (rules/genai.ts)",
    delivery: 'recorded',
    metrics: [
      ...(priced
        ? [
            metric(
              TOKEN_PRICE,
              'gauge',
              ['gen_ai_request_model', 'gen_ai_token_type', 'currency'],
              'Price of a million tokens',
            ),
            metric(MODEL_COST, 'gauge', ['gen_ai_request_model', 'currency'], 'Cost per second, per requested model'),
            metric(SERVICE_COST, 'gauge', ['namespace', 'job', 'currency'], 'Cost per second, per service'),
            ...costWindows(config).map((w) => metric(totalCost(w), 'gauge', ['currency'], `Cost per second over ${w}`)),
            metric(UNPRICED_TOKENS, 'gauge', ['gen_ai_request_model'], 'Tokens per second of models without a price'),
          ]
        : []),
      metric(TOKENS_PER_INVOCATION, 'gauge', ['namespace', 'job'], 'Tokens per agent invocation over 1h'),
      metric(TOKENS_PER_INVOCATION_BASELINE, 'gauge', ['namespace', 'job'], 'Its 7-day average'),
      ...burnWindows(burnTiers(TOOL_ERROR_PERIOD)).map((w) =>
        metric(toolErrorRatio(w), 'gauge', ['namespace', 'job', 'gen_ai_tool_name'], `Failed tool calls over ${w}`),
      ),
    ],
  };
}
