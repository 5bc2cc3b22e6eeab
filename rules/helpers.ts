import { AlertRule, RuleGroup, runbookUrl } from './types';

/** An alert as a pack writes it: the runbook link is added from its name. */
export interface AlertWithoutRunbook extends Omit<AlertRule, 'annotations'> {
  readonly annotations: { readonly summary: string; readonly description: string };
}

/** Every alert links its runbook by name, so a rename cannot leave a stale link. */
export function alert(rule: AlertWithoutRunbook): AlertRule {
  return { ...rule, annotations: { ...rule.annotations, runbook_url: runbookUrl(rule.alert) } };
}

/** A ratio as a percentage without float noise (0.05 * 100 is 5.000000000000001). */
export function percent(ratio: number): string {
  return `${Number((ratio * 100).toPrecision(12))}%`;
}

/**
 * Replaces the `for:` of the alerts `overrides` names. Throws, naming it, for an override of an
 * alert no group has: a typo must not silently keep the seed's duration.
 */
export function withForOverrides(groups: RuleGroup[], overrides: { readonly [alert: string]: string }): RuleGroup[] {
  const names = new Set(groups.flatMap((g) => g.rules.map((r) => ('alert' in r ? r.alert : ''))));
  for (const name of Object.keys(overrides)) {
    if (!names.has(name)) throw new Error(`alerts.for: no active alert named '${name}'`);
  }
  return groups.map((g) => ({
    ...g,
    rules: g.rules.map((r) => ('alert' in r && overrides[r.alert] !== undefined ? { ...r, for: overrides[r.alert] } : r)),
  }));
}
