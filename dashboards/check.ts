import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { MetricCatalog, MetricDef, seriesNames } from '../rules/catalog';
import { analysePromql } from '../src/lib/promql';

/** Labels Prometheus itself adds to every scraped series here (see the scrape configs). */
export const SCRAPE_LABELS: readonly string[] = ['job', 'instance', 'namespace', 'pod'];

/** The parts of a built dashboard the check reads. */
interface CheckedPanel {
  readonly title?: string;
  readonly type?: string;
  readonly targets?: readonly { readonly expr?: string }[];
  readonly panels?: readonly CheckedPanel[];
}
interface CheckedVariable {
  readonly name?: string;
  readonly type?: string;
  readonly query?: unknown;
}

/** Metric names a `label_values(metric, label)` variable query reads. */
function variableQueryExpr(query: unknown): string | undefined {
  const match = typeof query === 'string' ? /^label_values\((.+),\s*\w+\)$/.exec(query) : null;
  return match?.[1];
}

/** Every queryable series name of `catalogs`, mapped to the metric that exposes it. */
export function seriesIndex(catalogs: readonly MetricCatalog[]): Map<string, MetricDef> {
  return new Map(catalogs.flatMap((c) => c.metrics.flatMap((m) => seriesNames(m).map((s) => [s, m] as const))));
}

/** Labels a series name carries beyond its metric's: the scrape labels, `le` on buckets, `quantile` on summaries. */
function seriesLabels(series: string, metric: MetricDef): Set<string> {
  const extra = series.endsWith('_bucket')
    ? ['le']
    : metric.type === 'summary' && series === metric.name
      ? ['quantile']
      : [];
  return new Set([...metric.labels, ...SCRAPE_LABELS, ...extra]);
}

/**
 * Checks that every panel of `dashboard` has a query, that every query parses as PromQL, that it
 * selects only series of metrics the active `catalogs` declare (a histogram only through `_bucket`,
 * `_sum`, `_count`) and that it matches and groups only by labels those metrics carry. Throws one line
 * naming the dashboard, the panel and the problem.
 */
export function checkDashboard(dashboard: Dashboard, catalogs: readonly MetricCatalog[]): void {
  const index = seriesIndex(catalogs);
  const where = `dashboards: '${dashboard.uid}'`;
  const checkExpr = (subject: string, expr: string): void => {
    const { errors, metrics, selectors, groupingLabels } = analysePromql(expr);
    if (errors.length > 0) {
      throw new Error(`${where} ${subject}: invalid PromQL (${errors[0]})`);
    }
    for (const metric of metrics) {
      if (!index.has(metric)) {
        throw new Error(
          `${where} ${subject} queries undeclared metric '${metric}', which no active metric catalogue declares (${catalogs.map((c) => c.name).join(', ')})`,
        );
      }
    }
    const known = new Set<string>();
    for (const { metric, labels } of selectors) {
      const carried = seriesLabels(metric, index.get(metric)!);
      carried.forEach((l) => known.add(l));
      const unknown = labels.find((l) => !carried.has(l));
      if (unknown !== undefined) {
        throw new Error(`${where} ${subject} matches label '${unknown}' that metric '${metric}' does not carry`);
      }
    }
    const ungrouped = groupingLabels.find((l) => !known.has(l));
    if (ungrouped !== undefined) {
      throw new Error(`${where} ${subject} groups by label '${ungrouped}' that none of its metrics carries`);
    }
  };
  const panels = (dashboard.panels ?? []) as readonly CheckedPanel[];
  for (const panel of panels.flatMap((p) => (p.type === 'row' ? (p.panels ?? []) : [p]))) {
    const exprs = (panel.targets ?? []).map((t) => t.expr ?? '').filter((e) => e.trim() !== '');
    if (exprs.length === 0) {
      throw new Error(`${where} panel '${panel.title}' has no query`);
    }
    exprs.forEach((expr) => checkExpr(`panel '${panel.title}'`, expr));
  }
  for (const variable of (dashboard.templating?.list ?? []) as readonly CheckedVariable[]) {
    const expr = variable.type === 'query' ? variableQueryExpr(variable.query) : undefined;
    if (expr !== undefined) {
      checkExpr(`variable '${variable.name}'`, expr);
    }
  }
}
