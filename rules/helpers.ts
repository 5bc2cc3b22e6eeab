import { AlertRule, RuleGroup, runbookUrl } from './types';

/** An alert as a pack writes it: the runbook link is added from its name (withRunbooks). */
export interface AlertWithoutRunbook extends Omit<AlertRule, 'annotations'> {
  readonly annotations: { readonly summary: string; readonly description: string };
}

/** An alert of a pack. */
export function alert(rule: AlertWithoutRunbook): AlertRule {
  return rule;
}

/**
 * Every alert links its runbook by name under `base` (`alerts.runbookBaseUrl`, where the user serves
 * docs/runbooks), so a rename cannot leave a stale link; without a base, no link rather than a dead one.
 */
export function withRunbooks(groups: readonly RuleGroup[], base: string | undefined): RuleGroup[] {
  if (base === undefined) return [...groups];
  return groups.map((g) => ({
    ...g,
    rules: g.rules.map((r) =>
      'alert' in r ? { ...r, annotations: { ...r.annotations, runbook_url: runbookUrl(base, r.alert) } } : r,
    ),
  }));
}

/** A ratio as a percentage without float noise (0.05 * 100 is 5.000000000000001). */
export function percent(ratio: number): string {
  return `${Number((ratio * 100).toPrecision(12))}%`;
}

/** The alert names of some groups. */
function alertNames(groups: readonly RuleGroup[]): Set<string> {
  return new Set(groups.flatMap((g) => g.rules.flatMap((r) => ('alert' in r ? [r.alert] : []))));
}

/** A problem line for each `for:` override naming no alert of the groups: a typo must not silently keep the seed's duration. */
export function forOverrideProblems(
  groups: readonly RuleGroup[],
  overrides: { readonly [alert: string]: string },
): string[] {
  const names = alertNames(groups);
  return Object.keys(overrides)
    .filter((name) => !names.has(name))
    .map((name) => `alerts.for: no active alert named '${name}'`);
}

/** The groups with the `for:` of every alert that `overrides` names replaced. */
export function withForOverrides(
  groups: readonly RuleGroup[],
  overrides: { readonly [alert: string]: string },
): RuleGroup[] {
  return groups.map((g) => ({
    ...g,
    rules: g.rules.map((r) =>
      'alert' in r && overrides[r.alert] !== undefined ? { ...r, for: overrides[r.alert] } : r,
    ),
  }));
}
