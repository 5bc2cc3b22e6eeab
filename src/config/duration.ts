const DURATION_UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };

/** Seconds in a Duration such as `5m` (`y` is 365 days). */
export function durationSeconds(duration: string): number {
  const match = /^([0-9]+)(ms|s|m|h|d|w|y)$/.exec(duration);
  if (!match) throw new Error(`not a duration: ${duration}`);
  return Number(match[1]) * DURATION_UNITS[match[2]];
}
