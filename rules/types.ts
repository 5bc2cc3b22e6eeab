import * as yaml from 'js-yaml';

/** The runbook URL of an alert: `docs/runbooks/<AlertName>.md` under `base`, where the user serves that folder. */
export function runbookUrl(base: string, alert: string): string {
  return `${base.replace(/\/+$/, '')}/${alert}.md`;
}

/** How urgently an alert needs a human; Alertmanager routes on it. `none`: never a human (the Watchdog). */
export type Severity = 'critical' | 'warning' | 'info' | 'none';

/** A Prometheus alerting rule. */
export interface AlertRule {
  /** Alert name: a seed's name, or `<Component><Symptom>`. */
  readonly alert: string;
  readonly expr: string;
  /** How long the condition must hold before the alert fires. @default - fires on the first evaluation */
  readonly for?: string;
  /** How long the alert keeps firing after the condition clears. @default - resolves at once */
  readonly keepFiringFor?: string;
  readonly labels: { readonly severity: Severity; readonly [name: string]: string };
  readonly annotations: {
    readonly summary: string;
    readonly description: string;
    /** Set from `alerts.runbookBaseUrl` when the config gives one. */
    readonly runbook_url?: string;
    readonly [name: string]: string | undefined;
  };
}

/** A Prometheus recording rule. */
export interface RecordingRule {
  /** Series name, `level:metric:operations`. */
  readonly record: string;
  readonly expr: string;
  readonly labels?: { readonly [name: string]: string };
}

/**
 * Two alerts of a pack on one condition at two severities: while the more severe `source` fires,
 * Alertmanager mutes `target` wherever the `equal` labels agree (labels both alerts carry; an absent
 * label would count as equal everywhere).
 */
export interface Inhibition {
  readonly source: string;
  readonly target: string;
  readonly equal: readonly string[];
  /** The source's severity, where both alerts have one name (one condition at two thresholds). @default - any */
  readonly sourceSeverity?: Severity;
  /** The target's severity, likewise. @default - any */
  readonly targetSeverity?: Severity;
}

/** A rule group: its rules are evaluated in order, at one interval. */
export interface RuleGroup {
  readonly name: string;
  /** @default - Prometheus' global evaluation_interval */
  readonly interval?: string;
  readonly rules: ReadonlyArray<AlertRule | RecordingRule>;
}

/** Whether a rule is an alerting rule. */
export function isAlertRule(rule: AlertRule | RecordingRule): rule is AlertRule {
  return 'alert' in rule;
}

/** Every alerting rule of some groups, in order. */
export function alertRules(groups: readonly RuleGroup[]): AlertRule[] {
  return groups.flatMap((group) => group.rules.filter(isAlertRule));
}

// Keys are written in the order Prometheus documents them, so the rendered file reads like a hand-written one.
function ruleObject(rule: AlertRule | RecordingRule): Record<string, unknown> {
  if (isAlertRule(rule)) {
    return {
      alert: rule.alert,
      expr: rule.expr,
      ...(rule.for !== undefined ? { for: rule.for } : {}),
      ...(rule.keepFiringFor !== undefined ? { keep_firing_for: rule.keepFiringFor } : {}),
      labels: { ...rule.labels },
      annotations: { ...rule.annotations },
    };
  }
  return {
    record: rule.record,
    expr: rule.expr,
    ...(rule.labels !== undefined ? { labels: { ...rule.labels } } : {}),
  };
}

/** Render groups as a Prometheus rule file (`rule_files:` entry). */
export function renderRuleFile(groups: readonly RuleGroup[]): string {
  const doc = {
    groups: groups.map((group) => ({
      name: group.name,
      ...(group.interval !== undefined ? { interval: group.interval } : {}),
      rules: group.rules.map(ruleObject),
    })),
  };
  return yaml.dump(doc, { lineWidth: -1, noRefs: true });
}
