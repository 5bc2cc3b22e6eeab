const DURATION_UNITS = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 } as const;

/** Seconds in a Duration such as `5m` (`y` is 365 days). */
export function durationSeconds(duration: string): number {
  const match = /^([0-9]+)(ms|s|m|h|d|w|y)$/.exec(duration);
  if (!match) throw new Error(`not a duration: ${duration}`);
  const [, amount = '', unit] = match;
  return Number(amount) * DURATION_UNITS[unit as keyof typeof DURATION_UNITS];
}
