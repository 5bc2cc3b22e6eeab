import { durationSeconds } from '../src/config/duration';
import type { Severity } from './types';

/**
 * One condition of a multi-window, multi-burn-rate alert (the Google SRE workbook, "Alerting on
 * SLOs"): the budget burns faster than `factor` times the rate that would spend it exactly over its
 * period, over the `long` window, and still does over the `short` one (so the alert resolves soon
 * after the burning stops, not a long window later).
 */
export interface BurnWindow {
  readonly long: string;
  readonly short: string;
  readonly factor: number;
}

/** A severity's conditions: it fires while any holds. */
export interface BurnTier {
  readonly severity: Extract<Severity, 'critical' | 'warning'>;
  readonly windows: readonly BurnWindow[];
}

/**
 * A 30-day budget's tiers, the SRE workbook's: page on 2% of it spent in an hour (burn rate 14.4, with
 * 5m to confirm) or 5% in six hours (6, 30m); ticket on 10% in a day (3, 2h) or in three days (1, 6h).
 */
const MONTHLY: readonly BurnTier[] = [
  {
    severity: 'critical',
    windows: [
      { long: '1h', short: '5m', factor: 14.4 },
      { long: '6h', short: '30m', factor: 6 },
    ],
  },
  {
    severity: 'warning',
    windows: [
      { long: '1d', short: '2h', factor: 3 },
      { long: '3d', short: '6h', factor: 1 },
    ],
  },
];

/**
 * A one-day budget's tiers: the monthly ones would page on a share of it spent slower than the rate
 * that spends it in a day, or read windows as long as the day. So: page on half of it spent in an
 * hour (burn rate 12) or all of it in six hours (4); ticket on all of it spent in the last day, and
 * still at that rate over the last two hours (1).
 */
const DAILY: readonly BurnTier[] = [
  {
    severity: 'critical',
    windows: [
      { long: '1h', short: '5m', factor: 12 },
      { long: '6h', short: '30m', factor: 4 },
    ],
  },
  { severity: 'warning', windows: [{ long: '1d', short: '2h', factor: 1 }] },
];

/** A number without float noise (0.02 * 720 is 14.4, not 14.399999999999999). */
export function exact(n: number): number {
  return Number(n.toPrecision(12));
}

/** A whole number of minutes as a Prometheus duration: `1d`, `6h`, `56m`. */
function minutes(m: number): string {
  if (m % 1440 === 0) return `${m / 1440}d`;
  if (m % 60 === 0) return `${m / 60}h`;
  return `${m}m`;
}

/** The shortest period a budget's windows scale to: below it the short windows fall under a minute or two. */
export const SHORTEST_SCALED_PERIOD = '7d';

/**
 * The tiers of a budget spent over `period`. A day is a day's budget (DAILY). From 7 days on, the
 * monthly tiers with every window scaled by period / 30 days to the nearest minute (at 28 days, 56m
 * and 5m, 5h36m and 28m, ...), so each condition still fires on the same share of the budget; the
 * factors stay the workbook's.
 */
export function burnTiers(period: string): BurnTier[] {
  const seconds = durationSeconds(period);
  if (seconds === 86400) return DAILY.map((t) => ({ ...t, windows: [...t.windows] }));
  if (seconds < durationSeconds(SHORTEST_SCALED_PERIOD)) {
    throw new Error(
      `burn-rate tiers: a budget over ${period} has none; it is a day, or ${SHORTEST_SCALED_PERIOD} or longer`,
    );
  }
  const scale = (w: string) => minutes(Math.max(1, Math.round((durationSeconds(w) * seconds) / (30 * 86400) / 60)));
  return MONTHLY.map((t) => ({
    severity: t.severity,
    windows: t.windows.map((w) => ({ long: scale(w.long), short: scale(w.short), factor: w.factor })),
  }));
}

/** Every window the tiers read, shortest first. */
export function burnWindows(tiers: readonly BurnTier[]): string[] {
  const all = new Set(tiers.flatMap((t) => t.windows.flatMap((w) => [w.short, w.long])));
  return [...all].sort((a, b) => durationSeconds(a) - durationSeconds(b));
}

/**
 * The alert expression of a tier: `burn(window)` is the burn rate over a window (1 spends the budget
 * exactly over its period). The value of a firing alert is the burn rate over the long window of the
 * condition that holds.
 */
export function burnCondition(tier: BurnTier, burn: (window: string) => string): string {
  return tier.windows
    .map((w) => `(\n  ${burn(w.long)} > ${w.factor}\nand\n  ${burn(w.short)} > ${w.factor}\n)`)
    .join('\nor\n');
}

/** The windows of a tier for people: `14.4× over 1h and 5m, or 6× over 6h and 30m`. */
export function describeTier(tier: BurnTier): string {
  return tier.windows.map((w) => `${w.factor}× over ${w.long} and ${w.short}`).join(', or ');
}

/** A recording-rule suffix for a window: `rate5m`, `rate1d`. */
export function rateSuffix(window: string): string {
  return `rate${window}`;
}

/**
 * Why an objective (a percentage of good events) cannot have page alerts over `period`: an error
 * budget so large that no error ratio burns it as fast as the fastest condition needs (burn rate
 * 14.4 needs a budget under 1/14.4, an objective above 93.06%). Undefined when it can.
 */
export function unreachableObjective(objective: number, period: string): string | undefined {
  const fastest = Math.max(...burnTiers(period).flatMap((t) => t.windows.map((w) => w.factor)));
  if (fastest * (1 - objective / 100) < 1) return undefined;
  return `must be above ${exact(100 * (1 - 1 / fastest))} for a ${period} window: an error budget of ${exact(100 - objective)}% is never burnt ${fastest}× as fast, so its page could never fire, got ${objective}`;
}
