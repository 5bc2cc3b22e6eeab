import { resolveConfig } from '../../src/config/loader';
import { ALL_PACKS, queriedMetrics, synthMetrics } from '../../rules';

const names = (refs: { name?: string; text: string }[]) => [...new Set(refs.map((r) => r.name ?? r.text))].sort();

describe('the synth-time PromQL reader', () => {
  const config = resolveConfig({
    platforms: ['ms-framework', 'multiagents', 'sutazai', 'agentcore', 'progressive-v5'],
  });
  const rules = Object.values(ALL_PACKS)
    .flatMap((pack) => pack(config))
    .flatMap((g) => g.rules);

  test('finds exactly the metrics lezer-promql finds, in every rule of every pack', () => {
    expect(rules.length).toBeGreaterThan(40);
    for (const rule of rules) {
      expect([rule.expr, names(synthMetrics(rule.expr))]).toEqual([rule.expr, names(queriedMetrics(rule.expr))]);
    }
  });

  test('fails on an expression that is not PromQL', () => {
    expect(() => synthMetrics('sum(rate(x[5m])')).toThrow('not valid PromQL');
  });
});
