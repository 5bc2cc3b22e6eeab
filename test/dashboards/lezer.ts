import type * as LezerPromql from '@prometheus-io/lezer-promql' with { 'resolution-mode': 'import' };
import { PromqlAnalysis, substituteVariables } from '../../dashboards';

// lezer-promql is ESM with a CommonJS build: node16 rejects a static import of it from this CommonJS file.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the one way to load it here
const { parser } = require('@prometheus-io/lezer-promql') as typeof LezerPromql;

/** The same analysis as `analysePromql`, from Prometheus' own grammar: the judge of the synth-time reader. */
export function lezerAnalysis(expr: string): PromqlAnalysis {
  const promql = substituteVariables(expr);
  const errors: string[] = [];
  const selectors: PromqlAnalysis['selectors'] = [];
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
          const all = matchers?.getChildren('UnquotedLabelMatcher') ?? [];
          const labels = all.flatMap((m) => {
            const label = m.getChild('LabelName');
            return label === null ? [] : [text(label.from, label.to)];
          });
          const parsed = all.flatMap((m) => {
            const [label, op, value] = [m.getChild('LabelName'), m.getChild('MatchOp'), m.getChild('StringLiteral')];
            if (label === null || op === null || value === null) return [];
            const literal = text(value.from, value.to);
            const unquoted = literal.startsWith('`')
              ? literal.slice(1, -1)
              : (JSON.parse(literal.startsWith("'") ? `"${literal.slice(1, -1)}"` : literal) as string);
            return [
              {
                label: text(label.from, label.to),
                op: text(op.from, op.to) as '=' | '!=' | '=~' | '!~',
                value: unquoted,
              },
            ];
          });
          selectors.push({ metric: text(name.from, name.to), labels, matchers: parsed });
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
