import type { InhibitRule, PlatformName, StackConfig } from '../src/config';
import { ConfigError, configSource } from '../src/config/loader';
import { agentcoreRules } from './agentcore';
import { GENAI_INHIBITIONS, genaiProblems, genaiRules } from './genai';
import { SLO_INHIBITIONS, sloProblems, sloRules } from './slo';
import { activeCatalogs, catalogComponents, labelLimitProblems, selectorProblems, undeclaredMetrics } from './catalog';
import { catalogSeries, MetricCatalog } from './catalog/types';
import { CUSTOM_PACK, customRuleGroups, customRuleProblems } from './custom';
import { forOverrideProblems, withForOverrides, withRunbooks } from './helpers';
import { MS_FRAMEWORK_INHIBITIONS, msFrameworkRules } from './ms-framework';
import { multiagentsProblems, multiagentsRules } from './multiagents';
import { progressiveV5Rules } from './progressive-v5';
import { STACK_INHIBITIONS, stackRules } from './stack';
import { sutazaiRules } from './sutazai';
import { Inhibition, isAlertRule, RuleGroup } from './types';
import { ANNOTATED_PODS_JOB, APPS_JOB, stackJobs } from '../src/lib/names';
import { Delivery, DELIVERY_LABELS, deliveryLabels } from '../src/lib/metric-labels';

/** An alert pack: rule groups from config, rendered into `<name>.rules.yaml`. */
export type RulePack = (config: StackConfig) => RuleGroup[];

/** Each platform's pack. */
export const PLATFORM_PACKS: Record<PlatformName, RulePack> = {
  'ms-framework': msFrameworkRules,
  multiagents: multiagentsRules,
  sutazai: sutazaiRules,
  agentcore: agentcoreRules,
  'progressive-v5': progressiveV5Rules,
};

/** Every pack by name: the stack's self-monitoring pack, the GenAI pack and one per platform. */
export const ALL_PACKS: Record<'stack' | 'genai' | 'slo' | PlatformName, RulePack> = {
  stack: stackRules,
  genai: genaiRules,
  slo: sloRules,
  ...PLATFORM_PACKS,
};

/** The packs `config` renders: the stack's, the GenAI pack with `genai.enabled`, the SLOs', and each platform's. */
export function activePacks(config: StackConfig): Array<keyof typeof ALL_PACKS> {
  return [
    'stack',
    ...(config.genai.enabled ? (['genai'] as const) : []),
    ...(config.slos.length > 0 ? (['slo'] as const) : []),
    ...config.platforms,
  ];
}

/** The rule files synth writes for `config`, whether or not its rules pass: each active pack's and the custom one. */
export function ruleFileNames(config: StackConfig): string[] {
  return [...activePacks(config), ...(config.rules.groups.length > 0 ? [CUSTOM_PACK] : [])].map(
    (pack) => `${pack}.rules.yaml`,
  );
}

/**
 * The job names of the scrape configs Prometheus renders for `config` (constructs/prometheus.ts; a test
 * holds the two equal): the stack's components, the agents' metrics through the gateway, the
 * platform's own services (`scrapeTargets`) and the annotation-driven job (the Prometheus Operator's
 * monitors for these jobs, constructs/prometheus-operator.ts, have no annotation-driven one).
 */
export function scrapeJobs(config: StackConfig): string[] {
  return [
    ...stackJobs(config),
    APPS_JOB,
    ...config.scrapeTargets.map((t) => t.job),
    // The release's Prometheus discovers no pods by annotation: a PodMonitor per job only.
    ...(config.prometheusOperator.enabled ? [] : [ANNOTATED_PODS_JOB]),
  ];
}

/**
 * Alerts that could never fire in the stack `config` renders, one line each: a selector of a metric
 * that comes from an exporter the stack does not scrape, of `up` for a job no scrape config has, or
 * one that requires a label no series of its metric carries (selectorProblems).
 */
export function unreachableAlerts(
  groups: readonly RuleGroup[],
  catalogs: readonly MetricCatalog[],
  jobs: readonly string[],
  delivery: Readonly<Record<Delivery, readonly string[]>> = DELIVERY_LABELS,
): string[] {
  const bySeries = catalogSeries(catalogs);
  return groups.flatMap((group) =>
    group.rules
      .filter(isAlertRule)
      .flatMap((rule) =>
        selectorProblems(rule.expr, bySeries, jobs, delivery).map(
          (p) =>
            `alert ${rule.alert} (group ${group.name}) ${p.text}: ${p.fix}, or list ${rule.alert} in alerts.disabled`,
        ),
      ),
  );
}

/**
 * The active packs' groups by pack name, with `alerts.for` applied and `alerts.disabled` left out, and
 * the config's own `rules.groups` last, as the `custom` pack. Throws, one line per problem, for a rule
 * that queries a metric no active catalogue declares, an alert that could never fire in the rendered
 * stack, an `alerts.for` or `alerts.disabled` naming no active alert, and a custom rule that is wrong
 * (customRuleProblems).
 */
export function activeRuleGroups(config: StackConfig): Record<string, RuleGroup[]> {
  const names = activePacks(config);
  const disabled = new Set(config.alerts.disabled);
  const complete = Object.fromEntries(
    names.map((name) => [
      name,
      withRunbooks(withForOverrides(ALL_PACKS[name](config), config.alerts.for), config.alerts.runbookBaseUrl),
    ]),
  );
  const known = new Set(
    Object.values(complete)
      .flat()
      .flatMap((g) => g.rules.filter(isAlertRule).map((r) => r.alert)),
  );
  const packs = Object.fromEntries(
    Object.entries(complete).map(([name, groups]) => [
      name,
      groups
        .map((g) => ({ ...g, rules: g.rules.filter((r) => !(isAlertRule(r) && disabled.has(r.alert))) }))
        .filter((g) => g.rules.length > 0),
    ]),
  );
  const catalogs = activeCatalogs(config.platforms, config.customMetrics, catalogComponents(config));
  const delivery = deliveryLabels(config.collector.resourceLabels);
  // An SLO's problems name its key; its rules' would say the same of a recording rule.
  const slo = sloProblems(config, catalogs, delivery);
  const all = Object.entries(packs)
    .filter(([name]) => name !== 'slo' || slo.length === 0)
    .flatMap(([, groups]) => groups);
  const problems = [
    ...slo,
    ...forOverrideProblems(Object.values(complete).flat(), config.alerts.for),
    ...config.alerts.disabled.flatMap((name, i) =>
      known.has(name) ? [] : [`/alerts/disabled/${i}: no active alert is named ${JSON.stringify(name)}`],
    ),
    ...undeclaredMetrics(all, catalogs),
    ...unreachableAlerts(all, catalogs, scrapeJobs(config), delivery),
    ...labelLimitProblems(catalogs, config.prometheus.scrapeLimits),
    ...(config.platforms.includes('multiagents') ? multiagentsProblems(config) : []),
    ...genaiProblems(config),
    ...customRuleProblems(config, { packs: complete, catalogs, jobs: scrapeJobs(config), delivery }),
  ];
  // Problems of the config (its platforms, thresholds, sources, alerts.*): reported as the loader's are.
  if (problems.length > 0) throw new ConfigError(configSource(config), problems);
  // The config's own rules: checked above with their paths, and left alone by `alerts.for` and
  // `alerts.disabled`, which change the packs'.
  const custom = customRuleGroups(config);
  return custom.length > 0 ? { ...packs, [CUSTOM_PACK]: custom } : packs;
}

/** Each pack's pairs of alerts on one condition at two severities (Alertmanager inhibit rules). */
export const PACK_INHIBITIONS: Partial<Record<keyof typeof ALL_PACKS, readonly Inhibition[]>> = {
  stack: STACK_INHIBITIONS,
  'ms-framework': MS_FRAMEWORK_INHIBITIONS,
  genai: GENAI_INHIBITIONS,
  slo: SLO_INHIBITIONS,
};

/**
 * Alertmanager inhibit rules for the active packs' pairs (after the config's own `alertmanager.inhibitRules`):
 * while the source alert fires, the target is muted where the `equal` labels agree. `packs` are the
 * active packs as rendered (activeRuleGroups): a pair with an alert they leave out (disabled, or not
 * rendered for this config) is left out.
 */
export function activeInhibitRules(packs: Readonly<Record<string, readonly RuleGroup[]>>): InhibitRule[] {
  const rendered = new Set(
    Object.values(packs).flatMap((groups) => groups.flatMap((g) => g.rules.filter(isAlertRule).map((r) => r.alert))),
  );
  const matchers = (alert: string, severity?: string) => [
    `alertname="${alert}"`,
    ...(severity ? [`severity="${severity}"`] : []),
  ];
  return Object.keys(packs)
    .flatMap((name) => PACK_INHIBITIONS[name as keyof typeof ALL_PACKS] ?? [])
    .filter((i) => rendered.has(i.source) && rendered.has(i.target))
    .map((i) => ({
      sourceMatchers: matchers(i.source, i.sourceSeverity),
      targetMatchers: matchers(i.target, i.targetSeverity),
      equal: [...i.equal],
    }));
}
