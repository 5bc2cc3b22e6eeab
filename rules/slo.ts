import type { SloConfig, StackConfig } from '../src/config';
import { durationSeconds } from '../src/config/duration';
import { analysePromql, matcherAccepts, PromqlMatcher } from '../src/lib/promql';
import { BurnTier, burnTiers, burnWindows, describeTier, exact, rateSuffix, unreachableObjective } from './burn-rate';
import { catalogSeries, metric, MetricCatalog, seriesLabelNames } from './catalog/types';
import { Delivery, DELIVERY_LABELS } from '../src/lib/metric-labels';
import { alert } from './helpers';
import { AlertRule, Inhibition, RecordingRule, RuleGroup } from './types';

/** An SLO's error ratio over a window: `slo:sli_error:ratio_rate5m{slo="..."}`. */
export function sloErrorRatio(window: string): string {
  return `slo:sli_error:ratio_${rateSuffix(window)}`;
}
/** Its error ratio over its whole window (30d), for the error budget. */
export const SLO_WINDOW_ERROR_RATIO = 'slo:sli_error:ratio_window';
/** Its objective as a ratio (0.999). */
export const SLO_OBJECTIVE = 'slo:objective:ratio';
/** The share of its error budget left over its window: 1 unspent, 0 spent, below 0 overspent. */
export const SLO_BUDGET_REMAINING = 'slo:error_budget:remaining';

const DEFAULT_WINDOW = '30d';
/** Shortest and longest windows: below 7 days the scaled short windows fall under a minute or two; past 90 days its ratio reads too many samples. */
const WINDOW_RANGE = ['7d', '90d'] as const;

/** While an SLO pages, its ticket says nothing new. */
export const SLO_INHIBITIONS: readonly Inhibition[] = [
  {
    source: 'SloErrorBudgetBurn',
    target: 'SloErrorBudgetBurn',
    sourceSeverity: 'critical',
    targetSeverity: 'warning',
    equal: ['cluster', 'environment', 'slo'],
  },
];

function list(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** An SLO as the rules, the generated test and the dashboard read it. */
export interface Slo {
  readonly name: string;
  readonly description: string;
  readonly objective: number;
  readonly window: string;
  /** The allowed error ratio, 1 - objective. */
  readonly budget: number;
  readonly mode: 'errors' | 'good';
  /** Bad events (mode errors) or good events (mode good). */
  readonly events: readonly string[];
  readonly total: readonly string[];
  readonly tiers: readonly BurnTier[];
}

function slo(config: SloConfig): Slo {
  const window = config.window ?? DEFAULT_WINDOW;
  return {
    name: config.name,
    description: config.description ?? config.name,
    objective: config.objective,
    window,
    budget: exact(1 - config.objective / 100),
    mode: config.sli.errors !== undefined ? 'errors' : 'good',
    events: list(config.sli.errors ?? config.sli.good),
    total: list(config.sli.total),
    tiers: burnTiers(window),
  };
}

/** The events per second a list of selectors counts over a window; 0 where none has a series. */
function eventRate(selectors: readonly string[], window: string): string {
  return selectors.map((s) => `(sum(rate(${s}[${window}])) or vector(0))`).join('\n+ ');
}

/** The share of events that were bad over a window. */
function errorRatioExpr(s: Slo, window: string): string {
  const events = `(\n${eventRate(s.events, window)}\n)`;
  const total = `(\n${eventRate(s.total, window)}\n)`;
  return s.mode === 'errors' ? `${events}\n/\n${total}` : `1 - ${events}\n/\n${total}`;
}

/**
 * A number as Go's `printf "%.1f"` writes it: both round the exact binary value, but a tie (an exact
 * x.x5, such as 0.25) goes to even in Go and up in JavaScript's toFixed.
 */
export function goFixed1(value: number): string {
  const [whole = '', fraction = ''] = Math.abs(value).toFixed(30).split('.');
  const tie = fraction[1] === '5' && /^0*$/.test(fraction.slice(2));
  if (tie && Number(fraction[0]) % 2 === 0) return `${value < 0 ? '-' : ''}${whole}.${fraction[0]}`;
  return value.toFixed(1);
}

function annotations(s: Slo, tier: BurnTier, value: string): { summary: string; description: string } {
  return {
    summary: `SLO ${s.name} is burning its error budget at ${value}× its rate`,
    description: `${s.description}: the objective is ${s.objective}% good over ${s.window}, an error budget of ${exact(100 - s.objective)}%. Errors are spending it ${value} times as fast as that (this alert: ${describeTier(tier)}).`,
  };
}

/** An SLO's rules: its error ratio over each window its alerts read, the alerts, and its budget over its window. */
function sloGroups(s: Slo): RuleGroup[] {
  const labels = { slo: s.name };
  const records: RecordingRule[] = burnWindows(s.tiers).map((w) => ({
    record: sloErrorRatio(w),
    expr: errorRatioExpr(s, w),
    labels,
  }));
  const alerts: AlertRule[] = s.tiers.map((tier) =>
    alert({
      alert: 'SloErrorBudgetBurn',
      expr: tier.windows
        .map(
          (w) =>
            `(\n  ${sloErrorRatio(w.long)}{slo="${s.name}"} / ${s.budget} > ${w.factor}\nand\n  ${sloErrorRatio(w.short)}{slo="${s.name}"} / ${s.budget} > ${w.factor}\n)`,
        )
        .join('\nor\n'),
      labels: { severity: tier.severity, slo: s.name },
      annotations: annotations(s, tier, '{{ $value | printf "%.1f" }}'),
    }),
  );
  return [
    { name: `slo_${s.name}`, rules: [...records, ...alerts] },
    {
      // Over the whole window, for the dashboard: a long range, read every 5 minutes.
      name: `slo_${s.name}_budget`,
      interval: '5m',
      rules: [
        { record: SLO_OBJECTIVE, expr: `vector(${exact(s.objective / 100)})`, labels },
        { record: SLO_WINDOW_ERROR_RATIO, expr: errorRatioExpr(s, s.window), labels },
        {
          record: SLO_BUDGET_REMAINING,
          expr: `1 - ${SLO_WINDOW_ERROR_RATIO}{slo="${s.name}"} / ${s.budget}`,
          labels,
        },
      ],
    },
  ];
}

/** The SLO pack: `slos` rendered into recording rules and burn-rate alerts, one group pair per SLO. */
export function sloRules(config: StackConfig): RuleGroup[] {
  return config.slos.map(slo).flatMap(sloGroups);
}

/** The series the SLO pack records, as a catalogue the SLO dashboard is checked against. */
export function sloRecordedCatalog(config: StackConfig): MetricCatalog | undefined {
  if (config.slos.length === 0) return undefined;
  const windows = [...new Set(config.slos.flatMap((entry) => burnWindows(slo(entry).tiers)))];
  return {
    name: 'slo-recorded',
    source: "the slo pack's recording rules (rules/slo.ts)",
    delivery: 'recorded',
    metrics: [
      ...windows.map((w) => metric(sloErrorRatio(w), 'gauge', ['slo'], `Share of bad events over ${w}`)),
      metric(SLO_OBJECTIVE, 'gauge', ['slo'], 'The objective, as a ratio'),
      metric(SLO_WINDOW_ERROR_RATIO, 'gauge', ['slo'], 'Share of bad events over the whole window'),
      metric(SLO_BUDGET_REMAINING, 'gauge', ['slo'], 'Share of the error budget left'),
    ],
  };
}

/** An SLO's name, objective, window, budget and burn tiers, as its dashboard row shows them. */
export function sloSummaries(config: StackConfig): Slo[] {
  return config.slos.map(slo);
}

// ---------------------------------------------------------------------------------------------------
// Checks at synth.

/** A label value as Prometheus 3 stores a histogram's `le` (and a summary's `quantile`): 1 is "1.0". */
export function canonicalFloat(value: string): string | undefined {
  if (value === '+Inf' || value === '-Inf' || value === 'NaN') return value;
  const f = Number(value);
  if (value.trim() === '' || !Number.isFinite(f)) return undefined;
  if (Number.isInteger(f) && Math.abs(f) < 1e21) return `${f}.0`;
  // Go's strconv 'g' with the shortest precision: an exponent below 1e-4 and from 1e21, two digits at least.
  if (Math.abs(f) < 1e-4 || Math.abs(f) >= 1e21) {
    const [mantissa, exponent = ''] = f.toExponential().split('e');
    const sign = exponent.startsWith('-') ? '-' : '+';
    return `${mantissa}e${sign}${exponent.replace(/^[-+]/, '').padStart(2, '0')}`;
  }
  return `${f}`;
}

interface Selector {
  readonly metric: string;
  readonly matchers: readonly PromqlMatcher[];
}

/** A selector's metric and matchers, or why it is not one metric with matchers. */
function readSelector(text: string): Selector | string {
  const analysis = analysePromql(text);
  const selector = analysis.selectors[0];
  if (
    analysis.errors.length > 0 ||
    analysis.selectors.length !== 1 ||
    selector === undefined ||
    !new RegExp(`^\\s*${selector.metric}\\s*(\\{.*\\})?\\s*$`, 's').test(text) ||
    selector.matchers.length !== selector.labels.length
  ) {
    return `must be one metric with label matchers, like task_errors_total{agent_type="planner"}, got ${JSON.stringify(text)}`;
  }
  return { metric: selector.metric, matchers: selector.matchers };
}

/**
 * Problems of the `slos` entries, one line each naming the key: names given twice, an SLI with both or
 * neither of errors and good, a selector that is not one metric with matchers, a metric no active
 * catalogue declares or a matcher on a label its series never carry, a bucket the histogram does not
 * have, a window outside a day to 90 days or longer than Prometheus keeps samples, and an objective
 * whose budget no error ratio can burn as fast as a page needs.
 */
export function sloProblems(
  config: StackConfig,
  catalogs: readonly MetricCatalog[],
  delivery: Readonly<Record<Delivery, readonly string[]>> = DELIVERY_LABELS,
): string[] {
  const bySeries = catalogSeries(catalogs);
  const problems: string[] = [];
  const names = new Map<string, number>();
  config.slos.forEach((entry, i) => {
    const at = `/slos/${i}`;
    const first = names.get(entry.name);
    if (first !== undefined) problems.push(`${at}/name: ${JSON.stringify(entry.name)} names /slos/${first} already`);
    else names.set(entry.name, i);
    if ((entry.sli.errors === undefined) === (entry.sli.good === undefined)) {
      problems.push(
        `${at}/sli: give errors (bad events) or good (good events) beside total, not ${entry.sli.errors === undefined ? 'neither' : 'both'}`,
      );
    }
    const window = entry.window ?? DEFAULT_WINDOW;
    const [shortest, longest] = WINDOW_RANGE.map(durationSeconds) as [number, number];
    const seconds = durationSeconds(window);
    if (seconds < shortest || seconds > longest) {
      problems.push(
        `${at}/window: must be from ${WINDOW_RANGE[0]} to ${WINDOW_RANGE[1]}, got ${JSON.stringify(window)}`,
      );
    } else if (seconds > durationSeconds(config.prometheus.retention.time)) {
      problems.push(
        `${at}/window: ${window} is longer than /prometheus/retention/time (${config.prometheus.retention.time}): the error budget needs the samples of its whole window`,
      );
    }
    const unreachable = unreachableObjective(entry.objective, window);
    if (unreachable) problems.push(`${at}/objective: ${unreachable}`);
    for (const field of ['errors', 'good', 'total'] as const) {
      const selectors = list(entry.sli[field]);
      selectors.forEach((text, k) => {
        const key = `${at}/sli/${field}${Array.isArray(entry.sli[field]) ? `/${k}` : ''}`;
        if (selectors.indexOf(text) !== k) {
          problems.push(`${key}: ${JSON.stringify(text)} is listed already: its events would count twice`);
          return;
        }
        const selector = readSelector(text);
        if (typeof selector === 'string') {
          problems.push(`${key}: ${selector}`);
          return;
        }
        const known = bySeries.get(selector.metric);
        if (!known) {
          problems.push(
            `${key}: ${selector.metric} is in no active metric catalogue (${catalogs.map((c) => c.name).join(', ')}): turn on its source or declare it in customMetrics`,
          );
          return;
        }
        const carried = seriesLabelNames(known.def, known.catalog, selector.metric, delivery);
        for (const m of selector.matchers) {
          if (!carried.includes(m.label) && !matcherAccepts(m, '')) {
            problems.push(
              `${key}: no series of ${selector.metric} carries ${m.label} (its labels: ${[...carried].sort().join(', ')})`,
            );
          }
          if (m.label === 'le' && m.op === '=') {
            const canonical = canonicalFloat(m.value);
            if (canonical === undefined) problems.push(`${key}: le="${m.value}" is not a number`);
            else if (canonical !== m.value) {
              problems.push(
                `${key}: le="${m.value}" selects nothing: Prometheus 3 stores the bucket as le="${canonical}"`,
              );
            } else if (known.def.buckets && m.value !== '+Inf' && !known.def.buckets.includes(Number(m.value))) {
              problems.push(
                `${key}: ${known.def.name} has no bucket le="${m.value}" (its buckets: ${known.def.buckets.join(', ')}, +Inf)`,
              );
            }
          }
        }
      });
    }
    if (problems.length === 0) {
      const test = sloTest(slo(entry), config.slos.map(slo));
      if (typeof test === 'string') problems.push(`${at}/sli: no promtool test can be generated for it: ${test}`);
    }
  });
  return problems;
}

// ---------------------------------------------------------------------------------------------------
// The promtool test generated with each SLO.

/** One input series of a generated test: its labels and its increase per minute before and after errors stop. */
interface TestSeries {
  readonly metric: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly before: number;
  readonly after: number;
}

/** A label value that satisfies every matcher, from the matchers' own words; undefined if none is found. */
function valueFor(matchers: readonly PromqlMatcher[]): string | undefined {
  const candidates = new Set<string>(['slo-test', '']);
  for (const m of matchers) {
    if (m.op === '=' || m.op === '!=') candidates.add(m.value);
    else {
      for (const alternative of m.value.split('|')) {
        candidates.add(
          alternative
            .replace(/^\^|\$$/g, '')
            .replace(/\[(.)[^\]]*\]/g, '$1')
            .replace(/\\d/g, '0')
            .replace(/\\(.)/g, '$1')
            .replace(/[()?*+]/g, '')
            .replace(/\./g, '0'),
        );
      }
    }
  }
  return [...candidates].find((v) => matchers.every((m) => matcherAccepts(m, v)));
}

/** Labels for a series of `selector` (and, where `avoid` is given and names the same metric, not matching it). */
function seriesLabels(selector: Selector, avoid: readonly Selector[]): Record<string, string> | undefined {
  const labels: Record<string, string> = { instance: 'slo-test:9090' };
  const byLabel = new Map<string, PromqlMatcher[]>();
  for (const m of selector.matchers) byLabel.set(m.label, [...(byLabel.get(m.label) ?? []), m]);
  for (const [label, ms] of byLabel) {
    const value = valueFor(ms);
    if (value === undefined) return undefined;
    if (value !== '') labels[label] = value;
  }
  for (const other of avoid.filter((a) => a.metric === selector.metric)) {
    if (!matches(other, selector.metric, labels)) continue;
    // Break one of its matchers on a label this selector leaves free.
    const free = other.matchers.find((m) => !byLabel.has(m.label));
    const broken = free && valueFor([{ ...free, op: negate(free.op) }]);
    if (free === undefined || broken === undefined) return undefined;
    if (broken !== '') labels[free.label] = broken;
    else delete labels[free.label];
  }
  return labels;
}

function negate(op: PromqlMatcher['op']): PromqlMatcher['op'] {
  return ({ '=': '!=', '!=': '=', '=~': '!~', '!~': '=~' } as const)[op];
}

function matches(selector: Selector, metric: string, labels: Readonly<Record<string, string>>): boolean {
  return selector.metric === metric && selector.matchers.every((m) => matcherAccepts(m, labels[m.label] ?? ''));
}

/** Prometheus' rate() of a series sampled each minute (values[i] at i minutes), over `window` at `t` minutes. */
function promRate(values: readonly number[], t: number, window: number): number | undefined {
  // Samples in (t - window, t].
  const first = Math.max(0, Math.floor(t - window) + 1);
  const points = values.slice(first, t + 1).map((v, i) => ({ at: (first + i) * 60, v }));
  if (points.length < 2) return undefined;
  const [start, end] = [points[0]!, points[points.length - 1]!];
  let result = end.v - start.v;
  for (let i = 1; i < points.length; i++) if (points[i]!.v < points[i - 1]!.v) result += points[i - 1]!.v;
  const rangeStart = t * 60 - window * 60;
  let toStart = start.at - rangeStart;
  let toEnd = t * 60 - end.at;
  const sampled = end.at - start.at;
  const average = sampled / (points.length - 1);
  if (toStart >= average * 1.1) toStart = average / 2;
  if (result > 0 && start.v >= 0) toStart = Math.min(toStart, sampled * (start.v / result));
  if (toEnd >= average * 1.1) toEnd = average / 2;
  return (result * ((sampled + toStart + toEnd) / sampled)) / (window * 60);
}

interface Firing {
  readonly slo: Slo;
  readonly severity: 'critical' | 'warning';
  readonly value: number;
}

/**
 * A promtool test of one SLO's rules: errors at a fixed ratio above its fastest burn factor from 0m, so
 * both tiers fire at 1m, when rate() has two samples, and stopping at 60m, so the page resolves once
 * its short windows hold none. The expected alerts and values are worked out by reading each window
 * as Prometheus' rate() does; promtool then judges them.
 */
function sloTest(s: Slo, all: readonly Slo[]): Record<string, unknown> | string {
  const read = (texts: readonly string[]): Selector[] | undefined => {
    const out = texts.map(readSelector);
    return out.every((x): x is Selector => typeof x !== 'string') ? out : undefined;
  };
  const [events, total] = [read(s.events), read(s.total)];
  if (!events || !total) return 'a selector could not be read';
  const eventSeries: Array<Record<string, string>> = [];
  for (const sel of events) {
    const labels = seriesLabels(sel, []);
    if (!labels) return `no label values satisfy ${sel.metric}'s matchers`;
    eventSeries.push(labels);
  }
  // Each total selector gets a series of events that are not among the events counted; one whose
  // every series is (errors listed among the total) is counted by theirs.
  const own: Selector[] = [];
  const totalSeries: Array<Record<string, string>> = [];
  for (const sel of total) {
    const labels = seriesLabels(sel, events);
    if (labels) {
      own.push(sel);
      totalSeries.push(labels);
    } else if (!events.some((ev, i) => matches(sel, ev.metric, eventSeries[i]!))) {
      return `no series of ${sel.metric} matches total and not ${s.mode}`;
    }
  }
  if (own.length === 0) return `every event total counts is one of ${s.mode}`;
  const countIn = (selectors: readonly Selector[], metric: string, labels: Record<string, string>) =>
    selectors.filter((x) => matches(x, metric, labels)).length;
  const nE = events.length;
  const nEinT = events.reduce((n, sel, i) => n + countIn(total, sel.metric, eventSeries[i]!), 0);
  const nT = own.reduce((n, sel, i) => n + countIn(total, sel.metric, totalSeries[i]!), 0);
  const fastest = Math.max(...s.tiers.flatMap((t) => t.windows.map((w) => w.factor)));
  const ratio = Math.min((fastest + 0.6) * s.budget, (1 + fastest * s.budget) / 2);
  const t = 1_000_000;
  // Per minute, while errors last: event series `e` each, total series `t` each; whole numbers, so
  // promtool's series notation adds them up exactly.
  let e: number;
  let after: { e: number; t: number };
  if (s.mode === 'errors') {
    e = Math.round((ratio * nT * t) / (nE - ratio * nEinT));
    after = { e: 0, t };
  } else {
    e = Math.round(((1 - ratio) * nT * t) / (nE - (1 - ratio) * nEinT));
    after = nEinT >= nE ? { e, t: 0 } : { e: Math.round((nT * t) / (nE - nEinT)), t };
  }
  const stop = 60;
  const end = stop + 40;
  const series: TestSeries[] = [
    ...events.map((sel, i) => ({ metric: sel.metric, labels: eventSeries[i]!, before: e, after: after.e })),
    ...own.map((sel, i) => ({ metric: sel.metric, labels: totalSeries[i]!, before: t, after: after.t })),
  ];
  const values = series.map((x) =>
    Array.from({ length: end + 1 }, (_, m) => x.before * Math.min(m, stop) + x.after * Math.max(0, m - stop)),
  );
  const rateOf = (selectors: readonly Selector[], at: number, window: number) =>
    series.reduce((sum, x, i) => {
      const r = selectors.some((sel) => matches(sel, x.metric, x.labels))
        ? promRate(values[i]!, at, window)
        : undefined;
      return sum + (r ?? 0);
    }, 0);
  // Every SLO's alerts on these series: another SLO may read them too.
  const firing = (x: Slo, at: number): Firing[] => {
    const [ev, tot] = [read(x.events), read(x.total)];
    if (!ev || !tot || at < 1) return [];
    const errorRatio = (window: string): number => {
      const m = durationSeconds(window) / 60;
      const [e, t] = [rateOf(ev, at, m), rateOf(tot, at, m)];
      return x.mode === 'errors' ? e / t : 1 - e / t;
    };
    return x.tiers.flatMap((tier) => {
      for (const w of tier.windows) {
        const [long, short] = [errorRatio(w.long) / x.budget, errorRatio(w.short) / x.budget];
        if (long > w.factor && short > w.factor) return [{ slo: x, severity: tier.severity, value: long }];
      }
      return [];
    });
  };
  const resolved = Array.from({ length: end - stop }, (_, k) => stop + k).find(
    (at) => !firing(s, at).some((f) => f.severity === 'critical'),
  );
  if (resolved === undefined) return 'its page does not resolve within 40 minutes';
  const expected = (at: number) =>
    all
      .flatMap((x) => firing(x, at))
      .map((f) => {
        const tier = f.slo.tiers.find((x) => x.severity === f.severity)!;
        return {
          exp_labels: { severity: f.severity, slo: f.slo.name },
          exp_annotations: annotations(f.slo, tier, goFixed1(f.value)),
        };
      });
  const times = [0, 1, resolved - 1, resolved];
  return {
    interval: '1m',
    input_series: series.map((x) => ({
      series: `${x.metric}{${Object.entries(x.labels)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',')}}`,
      values: `0+${x.before}x${stop} ${x.before * stop + x.after}+${x.after}x${end - stop - 1}`,
    })),
    alert_rule_test: times.map((at) => ({
      eval_time: `${at}m`,
      alertname: 'SloErrorBudgetBurn',
      exp_alerts: expected(at),
    })),
  };
}

/**
 * The promtool test file of the SLO pack (`slo.promtest.yaml`, beside `slo.rules.yaml`): one test
 * group per SLO, showing its page and ticket silent at 0m, firing at 1m, and the page resolving after
 * the errors stop. Throws for an SLO no test can be generated for (a regex matcher without a plain
 * alternative): sloProblems reports it first.
 */
export function sloPromtest(config: StackConfig): Record<string, unknown> {
  const all = config.slos.map(slo);
  const tests = all.map((entry, i) => {
    const test = sloTest(entry, all);
    if (typeof test === 'string') throw new Error(`/slos/${i}/sli: no test can be generated: ${test}`);
    return test;
  });
  return { rule_files: ['slo.rules.yaml'], evaluation_interval: '1m', tests };
}
