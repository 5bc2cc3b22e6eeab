import type * as LezerPromql from '@prometheus-io/lezer-promql' with { 'resolution-mode': 'import' };

// lezer-promql is ESM with a CommonJS build: node16 rejects a static import of it from CommonJS.
// It is small (one generated parser table) and esbuild bundles it, so synth stays fast.
const { parser } = require('@prometheus-io/lezer-promql') as typeof LezerPromql;

/** What Prometheus receives once Grafana has replaced its variables: intervals become a duration, the rest a regex. */
export function substituteVariables(expr: string): string {
  return expr.replace(/\$\{?(__rate_interval|__interval|__range)\}?/g, '5m').replace(/\$\{?\w+\}?/g, '.*');
}

/** What one PromQL expression says: its syntax errors and the metric names it selects. */
export interface PromqlAnalysis {
  readonly errors: string[];
  readonly metrics: string[];
}

/** Parses a Grafana PromQL expression with Prometheus' own grammar (lezer-promql). */
export function analysePromql(expr: string): PromqlAnalysis {
  const promql = substituteVariables(expr);
  const errors: string[] = [];
  const metrics = new Set<string>();
  if (promql.trim() === '') {
    return { errors: ['empty expression'], metrics: [] };
  }
  parser.parse(promql).iterate({
    enter: (node) => {
      if (node.type.isError) {
        errors.push(`syntax error at ${node.from} in: ${promql}`);
      }
      if (node.name === 'VectorSelector') {
        const name = node.node.getChild('Identifier');
        if (name !== null) {
          metrics.add(promql.slice(name.from, name.to));
        }
      }
    },
  });
  return { errors, metrics: [...metrics].sort() };
}
