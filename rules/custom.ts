import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import type { CustomRule, StackConfig } from '../src/config';
import { Delivery } from '../src/lib/metric-labels';
import { analysePromql } from '../src/lib/promql';
import { show } from '../src/lib/problems';
import {
  declaredSeries,
  metric,
  metricProblems,
  MetricCatalog,
  promqlSyntaxProblem,
  resultLabels,
  selectorProblems,
} from './catalog';
import { genaiRecordedCatalog } from './genai';
import { sloRecordedCatalog } from './slo';
import { catalogSeries } from './catalog/types';
import { AlertRule, isAlertRule, RecordingRule, RuleGroup, Severity } from './types';

/** The pack name of the config's own rules: they render into `custom.rules.yaml`. */
export const CUSTOM_PACK = 'custom';

/** The severities a custom alert may have: each is routed (the `none` of the Watchdog reaches no human). */
const ROUTED_SEVERITIES: readonly Severity[] = ['critical', 'warning', 'info'];

/** A label or annotation name as Prometheus' rule files take it (`__name__` is the series name, not a label). */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** `rules.groups` as rule groups, in the config's order. */
export function customRuleGroups(config: StackConfig): RuleGroup[] {
  return config.rules.groups.map((group) => ({
    name: group.name,
    ...(group.interval !== undefined ? { interval: group.interval } : {}),
    rules: group.rules.map(ruleOf),
  }));
}

// customRuleProblems refuses a rule that is neither kind, or an alert without severity or summary.
function ruleOf(rule: CustomRule): AlertRule | RecordingRule {
  if (rule.alert !== undefined) {
    return {
      alert: rule.alert,
      expr: rule.expr,
      ...(rule.for !== undefined ? { for: rule.for } : {}),
      ...(rule.keepFiringFor !== undefined ? { keepFiringFor: rule.keepFiringFor } : {}),
      labels: { ...rule.labels } as AlertRule['labels'],
      annotations: { ...rule.annotations } as AlertRule['annotations'],
    };
  }
  return {
    record: rule.record!,
    expr: rule.expr,
    ...(rule.labels !== undefined ? { labels: { ...rule.labels } } : {}),
  };
}

/** What the custom rules are checked against: the packs as rendered and what Prometheus scrapes. */
export interface CustomRuleContext {
  /** Every active pack's groups, before `alerts.disabled` (a custom alert must not take a pack alert's name). */
  readonly packs: Readonly<Record<string, readonly RuleGroup[]>>;
  readonly catalogs: readonly MetricCatalog[];
  /** The scrape jobs Prometheus renders (scrapeJobs). */
  readonly jobs: readonly string[];
  readonly delivery: Readonly<Record<Delivery, readonly string[]>>;
}

/**
 * Problems of `rules.groups`, one line each naming its key: a rule that is not one kind, an alert
 * without a routed severity, a summary or a description, a name a pack has, PromQL Prometheus' grammar
 * refuses, a metric no catalogue declares and no rule records, a selector no series can match.
 */
export function customRuleProblems(config: StackConfig, context: CustomRuleContext): string[] {
  const problems: string[] = [];
  const packGroups = new Map<string, string>();
  const packAlerts = new Map<string, string>();
  const packRecords = new Map<string, string>();
  for (const [pack, groups] of Object.entries(context.packs)) {
    for (const group of groups) {
      packGroups.set(group.name, pack);
      for (const rule of group.rules) {
        if (isAlertRule(rule)) packAlerts.set(rule.alert, pack);
        else packRecords.set(rule.record, pack);
      }
    }
  }
  // What a custom rule may read: the catalogues' series, and every series a pack or a custom rule records.
  const declared = declaredSeries(context.catalogs);
  for (const name of packRecords.keys()) declared.add(name);
  for (const group of config.rules.groups)
    for (const rule of group.rules) if (rule.record !== undefined) declared.add(rule.record);
  const names = [...declared];
  const scraped = catalogSeries(context.catalogs);
  const bySeries = catalogSeries([...context.catalogs, ...recordedCatalogs(config)]);

  const groupAt = new Map<string, number>();
  config.rules.groups.forEach((group, g) => {
    const at = `/rules/groups/${g}`;
    if (groupAt.has(group.name))
      problems.push(`${at}/name: ${show(group.name)} names /rules/groups/${groupAt.get(group.name)} already`);
    else groupAt.set(group.name, g);
    if (packGroups.has(group.name))
      problems.push(
        `${at}/name: ${show(group.name)} is a group of the ${packGroups.get(group.name)} pack: give yours a name of its own`,
      );
    group.rules.forEach((rule, r) => {
      const ruleAt = `${at}/rules/${r}`;
      problems.push(...shapeProblems(rule, ruleAt));
      if (rule.alert !== undefined && packAlerts.has(rule.alert))
        problems.push(
          `${ruleAt}/alert: ${show(rule.alert)} is an alert of the ${packAlerts.get(rule.alert)} pack: give yours a name of its own (alerts.for and alerts.disabled change the pack's)`,
        );
      if (rule.record !== undefined) {
        const owner = packRecords.has(rule.record)
          ? `the ${packRecords.get(rule.record)} pack records it`
          : scraped.has(rule.record)
            ? `the ${scraped.get(rule.record)!.catalog.name} catalogue has it`
            : undefined;
        if (owner)
          problems.push(
            `${ruleAt}/record: ${show(rule.record)} is a series already (${owner}): two sources of one series collide, give yours a name of its own`,
          );
      }
      problems.push(...exprProblems(rule.expr, `${ruleAt}/expr`, { ...context, declared, names, bySeries }));
    });
  });
  return problems;
}

/**
 * The series the packs and `rules.groups` record, with their labels, so a matcher on a label none of
 * them carries is caught as it is on a scraped series: the packs' as they declare them; yours where
 * each rule's shape says (resultLabels), with its own `labels`. A series one of whose rules has a
 * shape that does not say is left out: its name is known, its labels are not checked.
 */
function recordedCatalogs(config: StackConfig): MetricCatalog[] {
  const labels = new Map<string, Set<string> | undefined>();
  for (const group of config.rules.groups) {
    for (const rule of group.rules) {
      if (rule.record === undefined) continue;
      const result = resultLabels(rule.expr);
      const seen = labels.has(rule.record) ? labels.get(rule.record) : new Set<string>();
      labels.set(
        rule.record,
        result && seen ? new Set([...seen, ...result, ...Object.keys(rule.labels ?? {})]) : undefined,
      );
    }
  }
  const custom: MetricCatalog = {
    name: 'custom-recorded',
    source: 'the recording rules of rules.groups',
    delivery: 'recorded',
    metrics: [...labels].flatMap(([name, known]) =>
      known ? [metric(name, 'gauge', [...known].sort(), 'Recorded by a rule of rules.groups')] : [],
    ),
  };
  return [genaiRecordedCatalog(config), sloRecordedCatalog(config), custom].filter(
    (c): c is MetricCatalog => c !== undefined,
  );
}

/** A rule's own shape: one kind, and what that kind needs and cannot have. */
function shapeProblems(rule: CustomRule, at: string): string[] {
  if ((rule.alert === undefined) === (rule.record === undefined))
    return [
      `${at}: give alert (an alerting rule) or record (a recording rule), not ${rule.alert === undefined ? 'neither' : 'both'}`,
    ];
  const problems: string[] = [];
  for (const [key, values] of [
    ['labels', rule.labels],
    ['annotations', rule.annotations],
  ] as const) {
    for (const name of Object.keys(values ?? {}))
      if (!LABEL_NAME.test(name) || name === '__name__')
        problems.push(
          `${at}/${key}/${name}: must be a label name (letters, digits and _, not starting with a digit), got ${show(name)}`,
        );
  }
  for (const [key, values] of [
    ['labels', rule.labels],
    ['annotations', rule.annotations],
  ] as const) {
    for (const [name, value] of Object.entries(values ?? {}))
      if (unclosedAction(value))
        problems.push(
          `${at}/${key}/${name}: a template action {{ is not closed by }} (Prometheus refuses the rule file), got ${show(value)}`,
        );
  }
  if (rule.record !== undefined) {
    for (const key of ['for', 'keepFiringFor', 'annotations'] as const)
      if (rule[key] !== undefined) problems.push(`${at}/${key}: only an alerting rule (alert) has ${key}`);
    return problems;
  }
  const severity = rule.labels?.severity;
  if (!ROUTED_SEVERITIES.includes(severity as Severity))
    problems.push(
      `${at}/labels/severity: must be one of ${ROUTED_SEVERITIES.map(show).join(', ')} (Alertmanager routes on it), got ${show(severity)}`,
    );
  for (const key of ['summary', 'description'])
    if (!rule.annotations?.[key])
      problems.push(`${at}/annotations/${key}: is required (every alert says what fired and why it matters)`);
  return problems;
}

/**
 * Whether a template opens an action `{{` that no `}}` closes before the next one opens: Go's
 * text/template, which Prometheus parses every label and annotation with, refuses it. What else its
 * parser refuses (an unknown function) is promtool's to find.
 */
function unclosedAction(template: string): boolean {
  for (let open = template.indexOf('{{'); open >= 0;) {
    const close = template.indexOf('}}', open + 2);
    const next = template.indexOf('{{', open + 2);
    if (close < 0 || (next >= 0 && next < close)) return true;
    open = template.indexOf('{{', close + 2);
  }
  return false;
}

/** An expression's problems: its syntax, the metrics it reads, and selectors no series can match. */
function exprProblems(
  expr: string,
  at: string,
  c: CustomRuleContext & {
    readonly declared: ReadonlySet<string>;
    readonly names: readonly string[];
    readonly bySeries: ReturnType<typeof catalogSeries>;
  },
): string[] {
  const syntax = promqlSyntaxProblem(expr);
  if (syntax) return [`${at}: ${syntax}`];
  const analysis = analysePromql(expr);
  if (analysis.errors.length > 0) return analysis.errors.map((e) => `${at}: ${e}`);
  const problems: string[] = [];
  for (const m of analysis.selectors.flatMap((s) => s.matchers).filter((x) => x.op === '=~' || x.op === '!~')) {
    try {
      new RegExp(`^(?:${m.value})$`);
    } catch {
      problems.push(`${at}: the regular expression of ${m.label}${m.op}${show(m.value)} does not compile`);
    }
  }
  for (const p of [
    ...metricProblems(expr, c.catalogs, c.declared, c.names),
    ...selectorProblems(expr, c.bySeries, c.jobs, c.delivery),
  ])
    problems.push(`${at}: ${p.text}: ${p.fix ?? 'declare it in customMetrics, or record it with a rule'}`);
  return problems;
}

/** Where a test file is copied to, beside the rule files: its own file name. */
function testFileName(file: string): string {
  return path.basename(file);
}

/**
 * The promtool tests of `rules.tests`, read from their files and placed by file name beside the rule
 * files (`ruleFiles`, by name) and the generated tests (`generated`), and the problems, one line each:
 * a file that cannot be read, is not a promtool test file, reads a rule file synth does not write, or
 * takes a name that is taken.
 */
export function customRuleTests(
  config: StackConfig,
  ruleFiles: readonly string[],
  generated: readonly string[],
): { tests: Record<string, string>; problems: string[] } {
  const tests: Record<string, string> = {};
  const problems: string[] = [];
  const placed = new Map<string, string>();
  config.rules.tests.forEach((file, i) => {
    const at = `/rules/tests/${i}`;
    const name = testFileName(file);
    const taken = ruleFiles.includes(name)
      ? 'a rule file synth writes'
      : generated.includes(name)
        ? 'the test synth generates'
        : placed.get(name);
    if (taken !== undefined) {
      problems.push(`${at}: its file name ${show(name)} is taken by ${taken}: give the file another name`);
      return;
    }
    placed.set(name, at);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      problems.push(`${at}: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
      return;
    }
    let document: unknown;
    try {
      document = yaml.load(text, { filename: file });
    } catch (e) {
      problems.push(`${at}: ${file} is not valid YAML: ${(e as yaml.YAMLException).reason ?? String(e)}`);
      return;
    }
    const read = (document as { rule_files?: unknown } | null)?.rule_files;
    if (!Array.isArray(read) || read.length === 0 || !Array.isArray((document as { tests?: unknown }).tests)) {
      problems.push(`${at}: ${file} is not a promtool test file: it needs rule_files (a list) and tests (a list)`);
      return;
    }
    for (const ruleFile of read)
      if (typeof ruleFile !== 'string' || !ruleFiles.includes(ruleFile))
        problems.push(
          `${at}: ${file} reads rule file ${show(ruleFile)}, which synth does not write beside it (it writes: ${ruleFiles.join(', ')})`,
        );
    tests[name] = text;
  });
  return { tests, problems };
}
