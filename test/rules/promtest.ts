import { spawnSync } from 'child_process';

/** The parts of a promtool unit-test file the coverage checks read. */
export interface PromTest {
  rule_files: string[];
  tests: Array<{
    input_series?: unknown[];
    alert_rule_test?: Array<{ eval_time: string; alertname: string; exp_alerts?: unknown[] }>;
    promql_expr_test?: Array<{ expr: string; eval_time: string; exp_samples?: unknown[] }>;
  }>;
}

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };

/** Seconds in a Prometheus duration such as `90s`, `10m` or `1h30m`. */
export function seconds(duration: string): number {
  const parts = [...duration.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== duration) {
    throw new Error(`not a Prometheus duration: '${duration}'`);
  }
  return parts.reduce((sum, [, n, unit = '']) => sum + Number(n) * (UNIT_SECONDS[unit] ?? NaN), 0);
}

/**
 * Whether a promtest shows `alert` silent and then firing: with a `for:`, silent while pending
 * (an `ALERTS{alertstate="pending"}` check at the same time) and firing no more than `for:` later;
 * without one, silent at some time and firing later in the same test group.
 */
export function showsAlert(promtest: PromTest, alert: string, forDuration: string | undefined): boolean {
  const forSeconds = seconds(forDuration ?? '0s');
  return promtest.tests.some((group) => {
    const cases = (group.alert_rule_test ?? []).filter((c) => c.alertname === alert);
    const firing = cases.filter((c) => (c.exp_alerts ?? []).length > 0).map((c) => seconds(c.eval_time));
    const silent = cases.filter((c) => (c.exp_alerts ?? []).length === 0).map((c) => seconds(c.eval_time));
    if (forSeconds === 0) return silent.some((t) => firing.some((f) => f > t));
    const pendingAt = (group.promql_expr_test ?? [])
      .filter((c) => c.expr.includes(`alertname="${alert}"`) && c.expr.includes('alertstate="pending"'))
      .filter((c) => (c.exp_samples ?? []).length > 0)
      .map((c) => seconds(c.eval_time));
    return silent.some((t) => t > 0 && pendingAt.includes(t) && firing.some((f) => f > t && f - t <= forSeconds));
  });
}

/** Runs promtool; throws with its output when it fails. */
export function runPromtool(promtool: string, args: string[]): string {
  const result = spawnSync(promtool, args, { encoding: 'utf8' });
  if (result.error) throw result.error;
  const output = `${result.stdout}${result.stderr}`;
  if (result.status !== 0) throw new Error(`${promtool} ${args.join(' ')} exited ${result.status}:\n${output}`);
  return output;
}

/**
 * Whether a promtest shows an alert that reads no series (the Watchdog, which can never be silent)
 * firing on no input at all, at its first evaluation and still a day later.
 */
export function showsAlwaysFiring(promtest: PromTest, alert: string): boolean {
  return promtest.tests.some((group) => {
    if ((group.input_series ?? []).length > 0) return false;
    const firing = (group.alert_rule_test ?? [])
      .filter((c) => c.alertname === alert && (c.exp_alerts ?? []).length > 0)
      .map((c) => seconds(c.eval_time));
    return firing.includes(0) && firing.some((t) => t >= 86400);
  });
}
