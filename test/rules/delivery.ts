/**
 * The labels a series carries in the rendered stack, by how it arrives (src/lib/metric-labels.ts): an
 * app's OTLP metric the labels the gateway and its exporter give it; a scraped one the labels its
 * rendered scrape job gives its target. The promtool tests are held to these (delivery.test.ts), and the
 * real Prometheus of the end-to-end test shows the same (test/e2e/pipeline.test.ts).
 */
import type { ScrapeConfig } from '../../constructs/prometheus-config';
import { deliveryOf, MetricCatalog, MetricDef, seriesNames } from '../../rules/catalog/types';
import { DELIVERY_LABELS } from '../../src/lib/metric-labels';

/**
 * The label names a job gives each of its targets: `job`, `instance`, and every label its relabelling
 * writes (not a `__` one). A `labelmap` adds the pod's own labels, given as `podLabels`.
 */
export function targetLabelNames(job: ScrapeConfig, podLabels: readonly string[] = []): string[] {
  const written = (job.relabel_configs ?? []).flatMap((r) => {
    if ((r.action ?? 'replace') === 'replace' && r.target_label && !r.target_label.startsWith('__'))
      return [r.target_label];
    if (r.action === 'labelmap') return podLabels;
    return [];
  });
  return [...new Set(['job', 'instance', ...written])].sort();
}

/** A metric of the active catalogues, by each series name it produces, with the labels that series adds (`le`, `quantile`). */
export function seriesIndex(
  catalogs: readonly MetricCatalog[],
): Map<string, { def: MetricDef; catalog: MetricCatalog; extra: string[] }> {
  const index = new Map<string, { def: MetricDef; catalog: MetricCatalog; extra: string[] }>();
  for (const catalog of catalogs) {
    for (const def of catalog.metrics) {
      for (const name of seriesNames(def)) {
        const extra =
          name.endsWith('_bucket') && def.type === 'histogram'
            ? ['le']
            : def.type === 'summary' && name === def.name
              ? ['quantile']
              : [];
        index.set(name, { def, catalog, extra });
      }
    }
  }
  return index;
}

/** How the labels of one series a test feeds differ from those its delivery gives it in the rendered stack. */
export type SeriesLabels =
  | { readonly problem: string }
  | {
      readonly delivery: string;
      readonly got: string[];
      readonly expected: string[];
      readonly missing: string[];
      readonly unknown: string[];
    };

/**
 * The labels one series a test feeds should have: its metric must be catalogued, and its labels
 * exactly the metric's own plus those of its delivery. For a scraped metric, its `job` must be a
 * rendered job (`jobs`, by name), whose relabelling says the rest.
 */
export function seriesLabels(
  name: string,
  labels: Readonly<Record<string, string>>,
  index: ReturnType<typeof seriesIndex>,
  jobs: ReadonlyMap<string, ScrapeConfig>,
): SeriesLabels {
  const entry = index.get(name);
  if (!entry) return { problem: `${name} is in no active catalogue` };
  const { def, catalog, extra } = entry;
  let deliveryLabels: readonly string[];
  let delivery: string = deliveryOf(def, catalog);
  if (delivery === 'otlp' || delivery === 'span-metrics') {
    deliveryLabels = DELIVERY_LABELS[delivery];
  } else {
    const job = jobs.get(labels.job ?? '');
    if (!job)
      return {
        problem: `${name}{job="${labels.job ?? ''}"} is scraped (catalogue ${catalog.name}), but no rendered job is named "${labels.job ?? ''}" (jobs: ${[...jobs.keys()].join(', ')})`,
      };
    deliveryLabels = targetLabelNames(job);
    delivery = `scrape by job ${labels.job}`;
  }
  const expected = [...new Set([...deliveryLabels, ...def.labels, ...extra])].sort();
  const got = Object.keys(labels).sort();
  return {
    delivery,
    got,
    expected,
    missing: expected.filter((l) => !got.includes(l) && !(def.optionalLabels ?? []).includes(l)),
    unknown: got.filter((l) => !expected.includes(l)),
  };
}

/** What is wrong with the labels of one series a test feeds (seriesLabels), or undefined. */
export function seriesLabelProblem(
  name: string,
  labels: Readonly<Record<string, string>>,
  index: ReturnType<typeof seriesIndex>,
  jobs: ReadonlyMap<string, ScrapeConfig>,
): string | undefined {
  const result = seriesLabels(name, labels, index, jobs);
  if ('problem' in result) return result.problem;
  const { delivery, got, expected, missing, unknown } = result;
  if (missing.length === 0 && unknown.length === 0) return undefined;
  return (
    `${name} (${delivery}) has labels {${got.join(', ')}}, expected {${expected.join(', ')}}` +
    `${missing.length ? `; missing ${missing.join(', ')}` : ''}${unknown.length ? `; never produced: ${unknown.join(', ')}` : ''}`
  );
}

/** The name and labels of a promtool `input_series` selector, e.g. `up{job="x",instance="y"}`. */
export function parseSeries(series: string): { name: string; labels: Record<string, string> } {
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?$/s.exec(series.trim());
  if (!m) throw new Error(`not a series: ${series}`);
  const labels: Record<string, string> = {};
  for (const [, key, value] of (m[2] ?? '').matchAll(/\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/g))
    labels[key!] = value!.replace(/\\(.)/g, '$1');
  return { name: m[1]!, labels };
}
