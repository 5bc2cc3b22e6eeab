import { analysePromql, checkDashboard, msSystemOverview } from '../../dashboards';
import { activeCatalogs, seriesNames } from '../../rules/catalog';
import { DEFAULTS } from '../../src/config';
import { lezerAnalysis } from './lezer';

describe('analysePromql', () => {
  test('lists the metrics an expression selects, not its functions or labels', () => {
    const { errors, metrics, selectors, groupingLabels } = analysePromql(
      'histogram_quantile(0.95, sum by (le) (rate(task_duration_seconds_bucket{task_type=~"$task"}[$__rate_interval]))) / on() up',
    );
    expect(errors).toEqual([]);
    expect(metrics).toEqual(['task_duration_seconds_bucket', 'up']);
    expect(selectors).toEqual([
      {
        metric: 'task_duration_seconds_bucket',
        labels: ['task_type'],
        matchers: [{ label: 'task_type', op: '=~', value: '.*' }],
      },
      { metric: 'up', labels: [], matchers: [] },
    ]);
    expect(groupingLabels).toEqual(['le']);
  });

  test('finds a syntax error', () => {
    expect(analysePromql('sum by (task_type) (rate(task_errors_total[$__rate_interval])').errors).not.toEqual([]);
  });

  test('finds an empty expression', () => {
    expect(analysePromql('  ').errors).toEqual(['empty expression']);
  });
});

describe("analysePromql agrees with Prometheus' grammar", () => {
  test.each([
    'sum(x) by (a)',
    'sum without (a) (x{b="1", c!~"2"})',
    '{__name__="x"}',
    'x{a="b,c", d=~"e{1}"}',
    'topk(5, x) and on (a) group_left (b) y',
    'count_values("v", x) or vector(0)',
    '1e3 * x offset 5m',
    'max_over_time(rate(x[5m])[1h:1m])',
    'label_replace(x, "a", "$1", "b", "(.*)")',
    'histogram_quantile(0.5, sum by (le) (rate(x_bucket[$__rate_interval]))) > bool 0.2',
    'quantile(0.9, x) / ignoring (c) count(y == 1)',
  ])('on %s', (expr) => {
    const judged = lezerAnalysis(expr);
    expect(judged.errors).toEqual([]);
    expect(analysePromql(expr)).toEqual(judged);
  });
});

describe('seriesNames', () => {
  test('exposes a histogram only through its bucket, sum and count series', () => {
    expect(seriesNames({ name: 'x_seconds', type: 'histogram', labels: [], help: '' })).toEqual([
      'x_seconds_bucket',
      'x_seconds_sum',
      'x_seconds_count',
    ]);
  });
});

describe('checkDashboard', () => {
  const declared = activeCatalogs(['ms-framework']);
  const withExpr = (expr: string) => {
    const d = msSystemOverview(DEFAULTS);
    const panels = JSON.parse(JSON.stringify(d.panels ?? [])) as typeof d.panels & object;
    (panels[0] as unknown as { targets: [{ expr: string }] }).targets[0].expr = expr;
    return { ...d, panels };
  };

  test('passes the System Overview against the MS-framework and stack catalogues', () => {
    expect(() => checkDashboard(msSystemOverview(DEFAULTS), declared)).not.toThrow();
  });

  test('fails naming the dashboard, panel and metric of an undeclared metric', () => {
    expect(() => checkDashboard(withExpr('sum(agent_zombie_count)'), declared)).toThrow(
      "dashboards: 'ms-system-overview' panel 'Active Agents' queries undeclared metric 'agent_zombie_count', which no active metric catalogue declares (stack, logstash, ms-framework)",
    );
  });

  test('accepts a metric the config declares in customMetrics, with its labels', () => {
    const custom = activeCatalogs(
      ['ms-framework'],
      [{ name: 'agent_zombie_count', type: 'gauge', labels: ['agent_type'] }],
    );
    expect(() => checkDashboard(withExpr('sum by (agent_type) (agent_zombie_count)'), custom)).not.toThrow();
    expect(() => checkDashboard(withExpr('sum by (agent_id) (agent_zombie_count)'), custom)).toThrow(
      "groups by label 'agent_id'",
    );
  });

  test('fails on a platform metric whose catalogue is not active', () => {
    expect(() => checkDashboard(withExpr('sum(agentcore_agents_active)'), declared)).toThrow(
      "queries undeclared metric 'agentcore_agents_active'",
    );
  });

  test('fails on a raw histogram, which Prometheus does not store', () => {
    expect(() => checkDashboard(withExpr('histogram_quantile(0.95, task_duration_seconds)'), declared)).toThrow(
      "queries undeclared metric 'task_duration_seconds'",
    );
  });

  test('fails on a label matcher the metric does not carry', () => {
    expect(() => checkDashboard(withExpr('sum(agent_active_count{transport="nats"})'), declared)).toThrow(
      "dashboards: 'ms-system-overview' panel 'Active Agents' matches label 'transport' that metric 'agent_active_count' does not carry",
    );
  });

  test('fails on grouping by a label none of the metrics carries', () => {
    expect(() => checkDashboard(withExpr('sum by (agent_id) (agent_active_count)'), declared)).toThrow(
      "dashboards: 'ms-system-overview' panel 'Active Agents' groups by label 'agent_id' that none of its metrics carries",
    );
  });

  test('accepts scrape labels, le on buckets and the labels of any metric in the expression', () => {
    const expr =
      'histogram_quantile(0.9, sum by (le, pod) (rate(task_duration_seconds_bucket{namespace="x"}[5m])))' +
      ' / on (task_type) sum by (task_type) (rate(task_completions_total[5m]))';
    expect(() => checkDashboard(withExpr(expr), declared)).not.toThrow();
  });

  test('fails on invalid PromQL', () => {
    expect(() => checkDashboard(withExpr('sum(rate(task_errors_total[5m])'), declared)).toThrow(
      "dashboards: 'ms-system-overview' panel 'Active Agents': invalid PromQL",
    );
  });

  test('fails on a panel without a query', () => {
    expect(() => checkDashboard(withExpr(' '), declared)).toThrow(
      "dashboards: 'ms-system-overview' panel 'Active Agents' has no query",
    );
  });

  test('fails on a variable reading an undeclared metric', () => {
    const d = msSystemOverview(DEFAULTS);
    const list = (
      JSON.parse(JSON.stringify(d.templating?.list ?? [])) as NonNullable<typeof d.templating>['list'] & object
    ).map((v) => (v.name === 'agent_type' ? { ...v, query: 'label_values(nope, agent_type)' } : v));
    expect(() => checkDashboard({ ...d, templating: { list } }, declared)).toThrow(
      "dashboards: 'ms-system-overview' variable 'agent_type' queries undeclared metric 'nope'",
    );
  });
});
