import type { DashboardPlatform, StackConfig } from '../src/config';
import { grafanaUrl } from '../src/lib/names';
import { AlertRule, RuleGroup, runbookUrl } from './types';

/** An alert as a pack writes it: the runbook link is added from its name (withRunbooks). */
export interface AlertWithoutRunbook extends Omit<AlertRule, 'annotations'> {
  readonly annotations: {
    readonly summary: string;
    readonly description: string;
    /** The dashboard that shows what the alert measures (dashboardUrl). */
    readonly dashboard_url?: string;
  };
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

/**
 * Whether `platform`'s dashboards ship: `dashboards.platforms`, by default the monitored platforms' and
 * the stack's, the GenAI dashboard with `genai.enabled` and the SLO dashboard with `slos`.
 */
export function shipsDashboards(config: StackConfig, platform: DashboardPlatform): boolean {
  const defaults: DashboardPlatform[] = [
    ...config.platforms,
    'stack',
    ...(config.genai.enabled ? (['genai'] as const) : []),
    ...(config.slos.length > 0 ? (['slo'] as const) : []),
  ];
  return (config.dashboards.platforms ?? defaults).includes(platform);
}

/**
 * A `dashboard_url`: the dashboard `uid` on the stack's Grafana, each of `vars` set from the alert's label
 * of the same name (`var-agent_type={{ $labels.agent_type | urlquery }}`), so the link opens on what fired.
 */
export function dashboardUrl(config: StackConfig, uid: string, vars: readonly string[] = []): string {
  const query = vars.map((v) => `var-${v}={{ $labels.${v} | urlquery }}`).join('&');
  return `${grafanaUrl(config.common.namespace)}/d/${uid}${query ? `?${query}` : ''}`;
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
