import { DEFAULTS } from '../../src/config';
import { resolveConfig } from '../../src/config/loader';
import { activeRuleGroups, burnTiers, genaiProblems } from '../../rules';

describe('burn-rate tiers', () => {
  test("a 30-day budget's are the SRE workbook's: 14.4× and 6× page, 3× and 1× ticket", () => {
    expect(burnTiers('30d')).toEqual([
      {
        severity: 'critical',
        windows: [
          { long: '1h', short: '5m', factor: 14.4 },
          { long: '6h', short: '30m', factor: 6 },
        ],
      },
      {
        severity: 'warning',
        windows: [
          { long: '1d', short: '2h', factor: 3 },
          { long: '3d', short: '6h', factor: 1 },
        ],
      },
    ]);
  });

  test('another period keeps the factors and scales its windows, so each condition fires on the same share of the budget', () => {
    expect(burnTiers('28d')[0]!.windows).toEqual([
      { long: '56m', short: '5m', factor: 14.4 },
      { long: '336m', short: '28m', factor: 6 },
    ]);
    expect(burnTiers('7d')[1]!.windows).toEqual([
      { long: '336m', short: '28m', factor: 3 },
      { long: '1008m', short: '84m', factor: 1 },
    ]);
    expect(() => burnTiers('2d')).toThrow('a budget over 2d has none');
  });

  test("a day's budget: half in an hour or all in six hours pages, all in a day tickets", () => {
    expect(burnTiers('1d').map((t) => t.windows.map((w) => [w.long, w.short, w.factor]))).toEqual([
      [
        ['1h', '5m', 12],
        ['6h', '30m', 4],
      ],
      [['1d', '2h', 1]],
    ]);
  });
});

describe('the genai settings', () => {
  const priced = { model: 'gpt-4o', input: 2.5, output: 10 };

  test('a model priced twice, a budget without prices and prices without the GenAI metrics are refused, one line each', () => {
    expect(
      genaiProblems(resolveConfig({ genai: { enabled: true, cost: { prices: [priced, { ...priced, input: 3 }] } } })),
    ).toEqual([
      '/genai/cost/prices/1/model: "gpt-4o" is priced already at /genai/cost/prices/0; give each model one price',
    ]);
    expect(genaiProblems(resolveConfig({ genai: { enabled: true, cost: { budgets: { daily: 50 } } } }))).toEqual([
      '/genai/cost/budgets/daily: a spend budget needs prices: list the models in /genai/cost/prices',
    ]);
    expect(genaiProblems(resolveConfig({ genai: { cost: { prices: [priced] } } }))).toEqual([
      '/genai/cost/prices: prices need the GenAI metrics: set /genai/enabled to true (the token counts come from gen_ai.client.token.usage)',
    ]);
    expect(genaiProblems(resolveConfig({ genai: { enabled: true, runaway: { toolSuccessObjective: 90 } } }))).toEqual([
      '/genai/runaway/toolSuccessObjective: must be above 93.0555555556 for a 30d window: an error budget of 10% is never burnt 14.4× as fast, so its page could never fire, got 90',
    ]);
    expect(() => activeRuleGroups(resolveConfig({ genai: { cost: { prices: [priced] } } }))).toThrow(
      /\/genai\/cost\/prices: prices need the GenAI metrics/,
    );
  });

  test('the pack renders only with genai.enabled; its cost group only with prices', () => {
    expect(Object.keys(activeRuleGroups(DEFAULTS))).not.toContain('genai');
    const unpriced = activeRuleGroups(resolveConfig({ genai: { enabled: true } })).genai!;
    expect(unpriced.map((g) => g.name)).toEqual(['genai_runaway']);
    const withPrices = activeRuleGroups(resolveConfig({ genai: { enabled: true, cost: { prices: [priced] } } })).genai!;
    expect(withPrices.map((g) => g.name)).toEqual(['genai_cost', 'genai_runaway']);
  });

  test('a runaway pack without span metrics names the setting that brings them', () => {
    expect(() =>
      activeRuleGroups(resolveConfig({ genai: { enabled: true }, collector: { spanMetrics: { enabled: false } } })),
    ).toThrow(/traces_span_metrics_calls_total.*collector\.spanMetrics/);
  });
});
