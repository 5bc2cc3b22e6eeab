import type * as LezerPromql from '@prometheus-io/lezer-promql' with { 'resolution-mode': 'import' };
import type {
  CustomMetric,
  GenAiConfig,
  PlatformName,
  ScrapeLimitsConfig,
  SpanMetricsConfig,
} from '../../src/config/types';
import { DEFAULTS } from '../../src/config/defaults';
import { APPS_JOB, JobSwitches } from '../../src/lib/names';
import { Delivery, DELIVERY_LABELS, viaGateway } from '../../src/lib/metric-labels';
import { isAlertRule, RuleGroup } from '../types';
import { AGENTCORE } from './agentcore';
import { MS_FRAMEWORK } from './ms-framework';
import { CERT_MANAGER } from './cert-manager';
import { KUBE_STATE_METRICS } from './kube-state-metrics';
import { LOGSTASH } from './logstash';
import { ELASTICSEARCH_EXPORTER } from './elasticsearch-exporter';
import { GENAI } from './genai';
import { spanMetricsCatalog } from './span-metrics';
import { CADVISOR, KUBELET } from './kubelet';
import { MULTIAGENTS } from './multiagents';
import { NODE_EXPORTER } from './node-exporter';
import { PROGRESSIVE_V5 } from './progressive-v5';
import { STACK } from './stack';
import { SUTAZAI } from './sutazai';
import { THANOS_SIDECAR } from './thanos-sidecar';
import { catalogSeries, deliveryOf, metric, MetricCatalog, MetricDef, seriesLabelNames, seriesNames } from './types';

import { analysePromql, matcherAccepts } from '../../src/lib/promql';

// lezer-promql (Prometheus' own grammar) is the judge in tests; synth uses the small reader in
// src/lib/promql.ts, which the tests hold to the same answers, because lezer's JIT warm-up costs
// ~50 ms per synth. Loaded on first use: ESM with a CommonJS build, which require() takes under
// ts-jest and esbuild alike.
function lezer(): typeof LezerPromql {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@prometheus-io/lezer-promql') as typeof LezerPromql;
}

/**
 * Where Prometheus' grammar (lezer-promql) stops reading `expr`, as a problem, or undefined when it
 * parses. For expressions a user writes: the packs' are held to the grammar by the tests.
 */
export function promqlSyntaxProblem(expr: string): string | undefined {
  let at: number | undefined;
  lezer()
    .parser.parse(expr)
    .iterate({
      enter: (node) => {
        if (at === undefined && node.type.isError) at = node.from;
        return at === undefined;
      },
    });
  if (at === undefined) return undefined;
  if (at >= expr.length)
    return "not valid PromQL: Prometheus' grammar reaches the end early (a bracket left open or an operand missing)";
  return `not valid PromQL: Prometheus' grammar stops at character ${at + 1} (${JSON.stringify(expr.slice(at, at + 20))})`;
}

// Aggregations whose result carries the `by` labels alone (topk, bottomk, limitk and limit_ratio keep
// their series' labels; count_values adds one).
const GROUPING_AGGREGATIONS = new Set(['Sum', 'Avg', 'Min', 'Max', 'Count', 'Group', 'Stddev', 'Stdvar', 'Quantile']);

/**
 * The labels of the series `expr` returns, where its shape alone says: an aggregation `by (...)` (or
 * with no modifier: none), in parentheses, under a binary operator without vector matching modifiers
 * (the left side's; a number's other side's; `or`, either side's). Undefined where it does not.
 */
export function resultLabels(expr: string): string[] | undefined {
  type Node = NonNullable<ReturnType<ReturnType<typeof lezer>['parser']['parse']>['topNode']['firstChild']>;
  const text = (n: Node) => expr.slice(n.from, n.to);
  const isExpr = (n: Node) => !n.type.isError && /Expr$|Literal$|Selector$|FunctionCall$/.test(n.name);
  const labels = (node: Node | null): string[] | undefined => {
    if (!node) return undefined;
    switch (node.name) {
      case 'NumberDurationLiteral':
        return [];
      case 'ParenExpr':
        return labels(childExprs(node)[0] ?? null);
      case 'AggregateExpr': {
        if (!GROUPING_AGGREGATIONS.has(node.getChild('AggregateOp')?.firstChild?.name ?? '')) return undefined;
        const modifier = node.getChild('AggregateModifier');
        if (!modifier) return [];
        return modifier.getChild('By')
          ? (modifier.getChild('GroupingLabels')?.getChildren('LabelName') ?? []).map(text)
          : undefined;
      }
      case 'BinaryExpr': {
        if (node.getChild('MatchingModifierClause')) return undefined;
        const [left, right] = childExprs(node);
        const [l, r] = [labels(left ?? null), labels(right ?? null)];
        if (left?.name === 'NumberDurationLiteral') return r;
        if (node.getChild('Or')) return l && r ? [...new Set([...l, ...r])] : undefined;
        return l;
      }
      default:
        return undefined;
    }
  };
  const childExprs = (node: Node): Node[] => {
    const out: Node[] = [];
    for (let c = node.firstChild; c; c = c.nextSibling) if (isExpr(c)) out.push(c);
    return out;
  };
  const top = lezer().parser.parse(expr).topNode.firstChild;
  return labels(top ?? null);
}

/** The catalogue of each platform the config can name. */
export const PLATFORM_CATALOGS: Record<PlatformName, MetricCatalog> = {
  'ms-framework': MS_FRAMEWORK,
  multiagents: MULTIAGENTS,
  sutazai: SUTAZAI,
  agentcore: AGENTCORE,
  'progressive-v5': PROGRESSIVE_V5,
};

/** The stack's optional components whose metrics a catalogue describes, and whether each is deployed. */
export interface CatalogComponents {
  /** node-exporter (`nodeExporter.enabled`). */
  readonly nodeExporter: boolean;
  /** kube-state-metrics (`kubeStateMetrics.enabled`). */
  readonly kubeStateMetrics: boolean;
  /** The Elasticsearch exporter (`elasticsearchExporter.enabled`). */
  readonly elasticsearchExporter: boolean;
  /** The kubelets and their cAdvisor (`kubelet.enabled`). */
  readonly kubelet: boolean;
  /** cert-manager's controller (`pki.scrapeCertManager`). */
  readonly certManager: boolean;
  /** The Thanos sidecar that backs Prometheus up (`prometheus.backup.enabled`). */
  readonly thanosSidecar: boolean;
  /** The apps' OpenTelemetry GenAI metrics (`genai.enabled`). */
  readonly genai: boolean;
  /** The gateway's span metrics (`collector.spanMetrics`): their dimensions, or off. */
  readonly spanMetrics: readonly string[] | false;
}

/** No optional source: the stack's own components only. */
export const NO_CLUSTER_SOURCES: CatalogComponents = {
  nodeExporter: false,
  kubeStateMetrics: false,
  elasticsearchExporter: false,
  kubelet: false,
  certManager: false,
  thanosSidecar: false,
  genai: false,
  spanMetrics: false,
};

/** The optional sources a config scrapes. */
export function catalogComponents(
  config: JobSwitches & {
    readonly genai: Pick<GenAiConfig, 'enabled'>;
    readonly collector: { readonly spanMetrics: SpanMetricsConfig };
  },
): CatalogComponents {
  return {
    nodeExporter: config.nodeExporter.enabled,
    kubeStateMetrics: config.kubeStateMetrics.enabled,
    elasticsearchExporter: config.elasticsearchExporter.enabled,
    kubelet: config.kubelet.enabled,
    certManager: config.pki.scrapeCertManager,
    thanosSidecar: config.prometheus.backup.enabled,
    genai: config.genai.enabled,
    spanMetrics: config.collector.spanMetrics.enabled && config.collector.spanMetrics.dimensions,
  };
}

/** An optional source: the setting that turns it on, its catalogue as the config shapes it when on. */
interface OptionalSource {
  readonly setting: string;
  /** Its catalogue with the default settings: the names it declares, for a message. */
  readonly catalog: MetricCatalog;
  readonly active: (c: CatalogComponents) => MetricCatalog | undefined;
}

/** A source whose catalogue is the same whatever the config, on when `on` says. */
function fixed(setting: string, catalog: MetricCatalog, on: (c: CatalogComponents) => boolean): OptionalSource {
  return { setting, catalog, active: (c) => (on(c) ? catalog : undefined) };
}

/** The catalogue of each optional source, with the setting that has the stack scrape it. */
export const OPTIONAL_SOURCES: readonly OptionalSource[] = [
  fixed('nodeExporter.enabled: true', NODE_EXPORTER, (c) => c.nodeExporter),
  fixed('kubeStateMetrics.enabled: true', KUBE_STATE_METRICS, (c) => c.kubeStateMetrics),
  fixed('elasticsearchExporter.enabled: true', ELASTICSEARCH_EXPORTER, (c) => c.elasticsearchExporter),
  fixed('kubelet.enabled: true', KUBELET, (c) => c.kubelet),
  fixed('kubelet.enabled: true', CADVISOR, (c) => c.kubelet),
  fixed('pki.scrapeCertManager: true', CERT_MANAGER, (c) => c.certManager),
  fixed('prometheus.backup.enabled: true', THANOS_SIDECAR, (c) => c.thanosSidecar),
  fixed('genai.enabled: true', GENAI, (c) => c.genai),
  {
    // Its labels are the configured dimensions'.
    setting: 'collector.spanMetrics.enabled: true',
    catalog: spanMetricsCatalog(DEFAULTS.collector.spanMetrics.dimensions),
    active: (c) => (c.spanMetrics ? spanMetricsCatalog(c.spanMetrics) : undefined),
  },
];

/**
 * The catalogues that are active: the stack's own, its optional sources' that are deployed and
 * scraped, each named platform's, and the user's custom metrics.
 */
export function activeCatalogs(
  platforms: readonly PlatformName[],
  custom: readonly CustomMetric[] = [],
  components: CatalogComponents = NO_CLUSTER_SOURCES,
): MetricCatalog[] {
  return [
    STACK,
    // Logstash is always deployed, and its json_exporter sidecar with it.
    LOGSTASH,
    ...OPTIONAL_SOURCES.flatMap((s) => s.active(components) ?? []),
    ...platforms.map((p) => PLATFORM_CATALOGS[p]),
    ...(custom.length > 0
      ? [
          {
            name: 'custom',
            source: 'customMetrics in the stack config',
            delivery: 'scrape' as const,
            metrics: custom.map((m) => metric(m.name, m.type, m.labels ?? [], m.help ?? '')),
          },
        ]
      : []),
  ];
}

/** A metric reference in a PromQL expression: an exact name, or a `__name__=~` regular expression. */
export interface MetricRef {
  readonly name?: string;
  readonly pattern?: RegExp;
  /** The reference as written. */
  readonly text: string;
}

/** The metrics an expression selects, found by parsing it (not by pattern matching the text). */
export function queriedMetrics(expr: string): MetricRef[] {
  const tree = lezer().parser.parse(expr);
  const refs: MetricRef[] = [];
  let syntaxError = false;
  tree.iterate({
    enter: (node) => {
      if (node.type.isError) syntaxError = true;
      if (node.name !== 'VectorSelector') return;
      const identifier = node.node.getChild('Identifier');
      if (identifier) {
        refs.push({
          name: expr.slice(identifier.from, identifier.to),
          text: expr.slice(identifier.from, identifier.to),
        });
        return;
      }
      for (const matcher of node.node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []) {
        const label = matcher.getChild('LabelName');
        const op = matcher.getChild('MatchOp');
        const value = matcher.getChild('StringLiteral');
        if (!label || !op || !value || expr.slice(label.from, label.to) !== '__name__') continue;
        const literal = JSON.parse(expr.slice(value.from, value.to).replace(/^'(.*)'$/, '"$1"')) as string;
        const text = expr.slice(matcher.from, matcher.to);
        if (expr.slice(op.from, op.to) === '=') refs.push({ name: literal, text });
        else if (expr.slice(op.from, op.to) === '=~') refs.push({ pattern: new RegExp(`^(?:${literal})$`), text });
      }
    },
  });
  if (syntaxError) throw new Error(`not valid PromQL: ${expr}`);
  return refs;
}

/**
 * The metrics an expression selects, read by the synth-time reader. It cannot see `{__name__=...}`
 * selectors, so an expression with one goes to the full parser.
 */
export function synthMetrics(expr: string): MetricRef[] {
  if (expr.includes('__name__')) return queriedMetrics(expr);
  const analysis = analysePromql(expr);
  if (analysis.errors.length > 0) throw new Error(`not valid PromQL: ${expr}`);
  return analysis.metrics.map((name) => ({ name, text: name }));
}

/** What is wrong with one query: what it reads that cannot be, and the setting that fixes it, where one does. */
export interface QueryProblem {
  readonly text: string;
  readonly fix?: string;
}

/**
 * Each metric `expr` selects that `declared` (the catalogues' series and the recorded ones) lacks:
 * `queries x, which ...`, with the setting that scrapes it where an optional source has it.
 */
export function metricProblems(
  expr: string,
  catalogs: readonly MetricCatalog[],
  declared: ReadonlySet<string>,
  names: readonly string[] = [...declared],
): QueryProblem[] {
  return synthMetrics(expr).flatMap((ref): QueryProblem[] => {
    const known = ref.name !== undefined ? declared.has(ref.name) : names.some((n) => ref.pattern!.test(n));
    if (known) return [];
    // A source the config does not scrape: say which setting scrapes it.
    const source = OPTIONAL_SOURCES.find(
      (s) =>
        !catalogs.some((c) => c.name === s.catalog.name) &&
        ref.name !== undefined &&
        s.catalog.metrics.some((d) => seriesNames(d).includes(ref.name!)),
    );
    return [
      source
        ? {
            text: `queries ${ref.text}, which comes from ${source.catalog.name}, which this stack does not scrape`,
            fix: `set ${source.setting}`,
          }
        : {
            text: `queries ${ref.text}, which no active metric catalogue declares (${catalogs.map((c) => c.name).join(', ')})`,
          },
    ];
  });
}

/**
 * What makes `expr` read nothing in the stack: a selector that requires a label no series of its
 * metric carries (neither the metric's own nor one its delivery adds), or `up` of a job no scrape
 * config has. Each: `selects ..., but ...`, with its fix.
 */
export function selectorProblems(
  expr: string,
  bySeries: ReturnType<typeof catalogSeries>,
  jobs: readonly string[],
  delivery: Readonly<Record<Delivery, readonly string[]>> = DELIVERY_LABELS,
): QueryProblem[] {
  const problems: QueryProblem[] = [];
  for (const selector of analysePromql(expr).selectors) {
    const known = bySeries.get(selector.metric);
    if (known) {
      const carried = seriesLabelNames(known.def, known.catalog, selector.metric, delivery);
      // A matcher that an absent label satisfies (`!=`, `!~`, `=""`, a regex matching "") requires nothing.
      for (const m of selector.matchers.filter(
        (x) => x.label !== '__name__' && !carried.includes(x.label) && !matcherAccepts(x, ''),
      )) {
        problems.push({
          text: `selects ${selector.metric}{${m.label}${m.op}"${m.value}"}, but no series of ${selector.metric} carries ${m.label} (its labels: ${[...carried].sort().join(', ')})`,
          fix: 'fix the selector',
        });
      }
    }
    if (selector.metric !== 'up') continue;
    for (const m of selector.matchers.filter(
      (x) => x.label === 'job' && (x.op === '=' || (x.op === '=~' && /^[\w-]+(\|[\w-]+)*$/.test(x.value))),
    )) {
      for (const job of m.value.split('|').filter((j) => !jobs.includes(j))) {
        problems.push({
          text: `selects up{job${m.op}"${m.value}"}, but no scrape job is named "${job}" (jobs: ${jobs.join(', ')})`,
          fix: `add a scrapeTargets entry with job: ${job}`,
        });
      }
    }
  }
  return problems;
}

/** Every series name the catalogues declare. */
export function declaredSeries(catalogs: readonly MetricCatalog[]): Set<string> {
  return new Set(catalogs.flatMap((c) => c.metrics.flatMap(seriesNames)));
}

/**
 * Problems, one line each, for every rule that queries a metric no active catalogue declares. A
 * recording rule's output counts as declared for the rules that read it.
 */
export function undeclaredMetrics(groups: readonly RuleGroup[], catalogs: readonly MetricCatalog[]): string[] {
  const declared = declaredSeries(catalogs);
  for (const group of groups) for (const rule of group.rules) if (!isAlertRule(rule)) declared.add(rule.record);
  const names = [...declared];
  const problems: string[] = [];
  for (const group of groups) {
    for (const rule of group.rules) {
      const ruleName = isAlertRule(rule) ? `alert ${rule.alert}` : `recording rule ${rule.record}`;
      const disable = isAlertRule(rule) ? `, or list ${rule.alert} in alerts.disabled` : '';
      for (const p of metricProblems(rule.expr, catalogs, declared, names)) {
        problems.push(`${ruleName} (group ${group.name}) ${p.text}${p.fix ? `: ${p.fix}${disable}` : ''}`);
      }
    }
  }
  return problems;
}

/**
 * A label limit (prometheus.scrapeLimits) below the labels of an active catalogue's metric: every
 * scrape of a target serving it would fail. OpenTelemetry metrics reach Prometheus through the
 * `agents` job, whose own limit applies where it has one. One line per limit, naming the widest metric.
 */
export function labelLimitProblems(catalogs: readonly MetricCatalog[], limits: ScrapeLimitsConfig): string[] {
  const widest = new Map<string, { limit: number; def: MetricDef; catalog: string }>();
  for (const catalog of catalogs) {
    for (const def of catalog.metrics) {
      const own = viaGateway(deliveryOf(def, catalog)) ? limits.jobs[APPS_JOB]?.labels : undefined;
      const [at, limit] =
        own !== undefined
          ? [`/prometheus/scrapeLimits/jobs/${APPS_JOB}/labels`, own]
          : ['/prometheus/scrapeLimits/labels', limits.labels];
      const seen = widest.get(at);
      if (limit > 0 && def.labels.length > limit && (!seen || def.labels.length > seen.def.labels.length))
        widest.set(at, { limit, def, catalog: catalog.name });
    }
  }
  return [...widest].map(
    ([at, { limit, def, catalog }]) =>
      `${at}: must be at least ${def.labels.length}, the labels of ${catalog}'s ${def.name} (${def.labels.join(', ')}), or every scrape serving it fails, got ${limit}`,
  );
}
