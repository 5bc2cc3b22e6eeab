import { Delivery, DELIVERY_LABELS } from '../../src/lib/metric-labels';

/** How a metric behaves; a histogram or summary also exposes `_bucket` / `_sum` / `_count` series. */
export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'info';

/** One metric a monitored system exports, as its `# HELP` / `# TYPE` lines and label names say. */
export interface MetricDef {
  /** Metric name as Prometheus stores it (for a histogram, without `_bucket`). */
  readonly name: string;
  readonly type: MetricType;
  readonly labels: readonly string[];
  readonly help: string;
  /** How it reaches Prometheus, where it differs from its catalogue's. */
  readonly delivery?: Delivery;
  /**
   * Labels (of `labels`) a series lacks when its source has no value for them: Prometheus stores no
   * empty label (a span without a tool has no `gen_ai_tool_name`). @default none: every label is always there
   */
  readonly optionalLabels?: readonly string[];
  /**
   * A histogram's bucket bounds, where its source fixes them (`le` matchers are checked against
   * them). @default - not known: any `le` is accepted
   */
  readonly buckets?: readonly number[];
}

/** Every metric of one monitored system. */
export interface MetricCatalog {
  /** What the catalogue describes, e.g. `ms-framework` or `stack`. */
  readonly name: string;
  /** Where the metrics are defined (seed section, exporter and version). */
  readonly source: string;
  /** How its metrics reach Prometheus (src/lib/metric-labels.ts), which decides the labels they carry. */
  readonly delivery: Delivery;
  readonly metrics: readonly MetricDef[];
}

/** Shorthand for catalogue entries. */
export function metric(
  name: string,
  type: MetricType,
  labels: readonly string[],
  help: string,
  more: Pick<MetricDef, 'delivery' | 'optionalLabels' | 'buckets'> = {},
): MetricDef {
  return { name, type, labels, help, ...more };
}

/** How `def` of `catalog` reaches Prometheus. */
export function deliveryOf(def: MetricDef, catalog: MetricCatalog): Delivery {
  return def.delivery ?? catalog.delivery;
}

/** The series names a metric produces in Prometheus. */
export function seriesNames(def: MetricDef): string[] {
  switch (def.type) {
    case 'histogram':
      return [`${def.name}_bucket`, `${def.name}_sum`, `${def.name}_count`];
    case 'summary':
      return [def.name, `${def.name}_sum`, `${def.name}_count`];
    default:
      return [def.name];
  }
}

/**
 * Every label a series of `def` named `series` can carry: the metric's own, `le` on a histogram's
 * buckets, `quantile` on a summary's quantiles, and what its delivery adds (`delivery`: the stack's
 * config decides what an app's OpenTelemetry metrics carry, src/lib/metric-labels.ts).
 */
export function seriesLabelNames(
  def: MetricDef,
  catalog: MetricCatalog,
  series: string,
  delivery: Readonly<Record<Delivery, readonly string[]>> = DELIVERY_LABELS,
): string[] {
  const extra =
    def.type === 'histogram' && series === `${def.name}_bucket`
      ? ['le']
      : def.type === 'summary' && series === def.name
        ? ['quantile']
        : [];
  return [...new Set([...delivery[deliveryOf(def, catalog)], ...def.labels, ...extra])];
}

/** Each series name of the catalogues (a histogram's three), with its metric and catalogue. */
export function catalogSeries(
  catalogs: readonly MetricCatalog[],
): Map<string, { readonly def: MetricDef; readonly catalog: MetricCatalog }> {
  return new Map(
    catalogs.flatMap((catalog) =>
      catalog.metrics.flatMap((def) => seriesNames(def).map((n) => [n, { def, catalog }] as const)),
    ),
  );
}
