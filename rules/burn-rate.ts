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

/** A condition as the share of the budget it takes to fire: `fraction` of it spent within `long`. */
interface BudgetShare {
  readonly fraction: number;
  readonly long: string;
  readonly short: string;
}

/**
 * A 30-day budget's tiers (the workbook's): page on 2% of it spent in an hour or 5% in six hours,
 * ticket on 10% in a day or in three days. Over 30 days these are burn rates 14.4 (1h, 5m), 6 (6h,
 * 30m), 3 (1d, 2h) and 1 (3d, 6h); another period keeps the shares, so its factors scale with it.
 */
const MONTHLY_SHARES: ReadonlyArray<{ severity: BurnTier['severity']; shares: readonly BudgetShare[] }> = [
  {
    severity: 'critical',
    shares: [
      { fraction: 0.02, long: '1h', short: '5m' },
      { fraction: 0.05, long: '6h', short: '30m' },
    ],
  },
  {
    severity: 'warning',
    shares: [
      { fraction: 0.1, long: '1d', short: '2h' },
      { fraction: 0.1, long: '3d', short: '6h' },
    ],
  },
];

/**
 * A one-day budget's tiers: the monthly shares would fire below the rate that spends it in a day
 * (2% of a day's budget in an hour is burn rate 0.48), so a day has its own: page on half of it spent
 * in an hour (burn rate 12) or all of it in six hours (4); ticket on all of it in the last day, still
 * spent at that rate over the last two hours (1).
 */
const DAILY_SHARES: ReadonlyArray<{ severity: BurnTier['severity']; shares: readonly BudgetShare[] }> = [
  {
    severity: 'critical',
    shares: [
      { fraction: 0.5, long: '1h', short: '5m' },
      { fraction: 1, long: '6h', short: '30m' },
    ],
  },
  { severity: 'warning', shares: [{ fraction: 1, long: '1d', short: '2h' }] },
];

/** A number without float noise (0.02 * 720 is 14.4, not 14.399999999999999). */
export function exact(n: number): number {
  return Number(n.toPrecision(12));
}

/**
 * The tiers of a budget spent over `period`: the monthly shares for a period of 7 days or more, the
 * daily ones below. The factor of each condition is the share of the budget over the share of the
 * period its long window is.
 */
export function burnTiers(period: string): BurnTier[] {
  const seconds = durationSeconds(period);
  const table = seconds >= 7 * 86400 ? MONTHLY_SHARES : DAILY_SHARES;
  return table.map(({ severity, shares }) => ({
    severity,
    windows: shares.map((s) => ({
      long: s.long,
      short: s.short,
      factor: exact((s.fraction * seconds) / durationSeconds(s.long)),
    })),
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
