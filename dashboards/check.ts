import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { MetricDeclaration, SCRAPE_LABELS, seriesIndex } from './metrics/types';
import { analysePromql } from './promql';

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

/** Labels a series name carries beyond its family's: the scrape labels, `le` on buckets, `quantile` on summaries. */
function seriesLabels(series: string, metric: MetricDeclaration): Set<string> {
  const extra = series.endsWith('_bucket') ? ['le'] : metric.type === 'summary' && series === metric.name ? ['quantile'] : [];
  return new Set([...metric.labels, ...SCRAPE_LABELS, ...extra]);
}

/**
 * Checks that every panel of `dashboard` has a query, that every query parses as PromQL, that it
 * selects only series of `declared` metrics (a histogram only through `_bucket`, `_sum`, `_count`)
 * and that it matches and groups only by labels those metrics carry. Throws one line naming the
 * dashboard, the panel and the problem.
 */
export function checkDashboard(dashboard: Dashboard, declared: readonly MetricDeclaration[]): void {
  const index = seriesIndex(declared);
  const where = `dashboards: '${dashboard.uid}'`;
  const checkExpr = (subject: string, expr: string): void => {
    const { errors, metrics, selectors, groupingLabels } = analysePromql(expr);
    if (errors.length > 0) {
      throw new Error(`${where} ${subject}: invalid PromQL (${errors[0]})`);
    }
    for (const metric of metrics) {
      if (!index.has(metric)) {
        throw new Error(`${where} ${subject} queries undeclared metric '${metric}' (declare it in dashboards/metrics/)`);
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
  for (const panel of panels.flatMap((p) => (p.type === 'row' ? p.panels ?? [] : [p]))) {
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
