import type * as LezerPromql from '@prometheus-io/lezer-promql' with { 'resolution-mode': 'import' };

// lezer-promql is ESM with a CommonJS build: node16 rejects a static import of it from CommonJS.
// It is small (one generated parser table) and esbuild bundles it, so synth stays fast.
const { parser } = require('@prometheus-io/lezer-promql') as typeof LezerPromql;

/** What Prometheus receives once Grafana has replaced its variables: intervals become a duration, the rest a regex. */
export function substituteVariables(expr: string): string {
  return expr.replace(/\$\{?(__rate_interval|__interval|__range)\}?/g, '5m').replace(/\$\{?\w+\}?/g, '.*');
}

/** One vector selector: the metric it names and the labels its matchers read. */
export interface PromqlSelector {
  readonly metric: string;
  readonly labels: string[];
}

/** What one PromQL expression says: its syntax errors, the metric names it selects, the labels it reads. */
export interface PromqlAnalysis {
  readonly errors: string[];
  readonly metrics: string[];
  readonly selectors: PromqlSelector[];
  /** Labels named by `by`, `without`, `on`, `ignoring` and `group_*` anywhere in the expression. */
  readonly groupingLabels: string[];
}

/** Parses a Grafana PromQL expression with Prometheus' own grammar (lezer-promql). */
export function analysePromql(expr: string): PromqlAnalysis {
  const promql = substituteVariables(expr);
  const errors: string[] = [];
  const metrics = new Set<string>();
  if (promql.trim() === '') {
    return { errors: ['empty expression'], metrics: [], selectors: [], groupingLabels: [] };
  }
  const selectors: PromqlSelector[] = [];
  const grouping = new Set<string>();
  const text = (from: number, to: number) => promql.slice(from, to);
  parser.parse(promql).iterate({
    enter: (node) => {
      if (node.type.isError) {
        errors.push(`syntax error at ${node.from} in: ${promql}`);
      }
      if (node.name === 'VectorSelector') {
        const name = node.node.getChild('Identifier');
        if (name !== null) {
          const metric = text(name.from, name.to);
          metrics.add(metric);
          const matchers = node.node.getChild('LabelMatchers');
          const labels = (matchers?.getChildren('UnquotedLabelMatcher') ?? []).flatMap((m) => {
            const label = m.getChild('LabelName');
            return label === null ? [] : [text(label.from, label.to)];
          });
          selectors.push({ metric, labels });
        }
      }
      if (node.name === 'GroupingLabels') {
        for (const label of node.node.getChildren('LabelName')) {
          grouping.add(text(label.from, label.to));
        }
      }
    },
  });
  return { errors, metrics: [...metrics].sort(), selectors, groupingLabels: [...grouping].sort() };
}
