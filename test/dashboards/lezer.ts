import type * as LezerPromql from '@prometheus-io/lezer-promql' with { 'resolution-mode': 'import' };
import { PromqlAnalysis, substituteVariables } from '../../dashboards';

// lezer-promql is ESM with a CommonJS build: node16 rejects a static import of it from this CommonJS file.
const { parser } = require('@prometheus-io/lezer-promql') as typeof LezerPromql;

/** The same analysis as `analysePromql`, from Prometheus' own grammar: the judge of the synth-time reader. */
export function lezerAnalysis(expr: string): PromqlAnalysis {
  const promql = substituteVariables(expr);
  const errors: string[] = [];
  const selectors: { metric: string; labels: string[] }[] = [];
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
          const matchers = node.node.getChild('LabelMatchers');
          const labels = (matchers?.getChildren('UnquotedLabelMatcher') ?? []).flatMap((m) => {
            const label = m.getChild('LabelName');
            return label === null ? [] : [text(label.from, label.to)];
          });
          selectors.push({ metric: text(name.from, name.to), labels });
        }
      }
      if (node.name === 'GroupingLabels') {
        node.node.getChildren('LabelName').forEach((l) => grouping.add(text(l.from, l.to)));
      }
    },
  });
  return {
    errors,
    metrics: [...new Set(selectors.map((s) => s.metric))].sort(),
    selectors,
    groupingLabels: [...grouping].sort(),
  };
}
