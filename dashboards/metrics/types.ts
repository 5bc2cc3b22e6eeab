/** Prometheus metric types, as in a `# TYPE` line. */
export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'info';

/**
 * One metric a dashboard queries, as the monitored system exposes it. Shaped to merge with the
 * metric catalogue of the alerting rules (issue 3) later: name, type, labels, help.
 */
export interface MetricDeclaration {
  /** Family name as exposed: counters end in `_total`; histograms and summaries without suffix. */
  readonly name: string;
  readonly type: MetricType;
  /** Labels the system puts on the series (scrape labels such as job and pod come on top). */
  readonly labels: readonly string[];
  readonly help: string;
}

/** Labels Prometheus itself adds to every scraped series here (see the scrape configs). */
export const SCRAPE_LABELS: readonly string[] = ['job', 'instance', 'namespace', 'pod'];

/** The series names a family exposes: a histogram is only queryable through `_bucket`, `_sum`, `_count`. */
export function seriesNames(metric: MetricDeclaration): string[] {
  switch (metric.type) {
    case 'histogram':
      return [`${metric.name}_bucket`, `${metric.name}_sum`, `${metric.name}_count`];
    case 'summary':
      return [metric.name, `${metric.name}_sum`, `${metric.name}_count`];
    case 'info':
      return [metric.name.endsWith('_info') ? metric.name : `${metric.name}_info`];
    default:
      return [metric.name];
  }
}

/** Every queryable series name of `metrics`, mapped to the family that exposes it. */
export function seriesIndex(metrics: readonly MetricDeclaration[]): Map<string, MetricDeclaration> {
  const index = new Map<string, MetricDeclaration>();
  for (const metric of metrics) {
    for (const series of seriesNames(metric)) {
      index.set(series, metric);
    }
  }
  return index;
}
