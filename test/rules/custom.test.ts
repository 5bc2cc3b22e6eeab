import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { loadConfig, resolveConfig } from '../../src/config/loader';
import { StackConfig } from '../../src/config/types';
import { synthToDirectory } from '../../app/synth';
import {
  activeRuleGroups,
  AlertRule,
  alertRules,
  CUSTOM_PACK,
  customRuleGroups,
  renderRuleFile,
  resultLabels,
} from '../../rules';
import { ALL_CONFIGS, configProblems, synthStack } from '../helpers';
import { requireTool } from '../tools';
import { PromTest, runPromtool, showsAlert } from './promtest';

const promtool = requireTool('promtool');
const EXAMPLE_DIR = path.resolve(__dirname, '..', '..', 'examples', 'custom-rules');
const EXAMPLE = path.join(EXAMPLE_DIR, 'agent-o11y.yaml');

/** Synthesizes `config` into a fresh directory, as `cdk8s synth` writes dist/, and returns its rules folder. */
function synthRules(config: StackConfig, prefix: string): { dir: string; rules: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  synthToDirectory(config, path.join(dir, 'dist'));
  return { dir, rules: path.join(dir, 'dist', 'rules') };
}

// CI runs every config's own promtool tests, as synth wrote them beside the rule files.
const WITH_TESTS = Object.entries(ALL_CONFIGS).filter(([, config]) => config.rules.tests.length > 0);

test('the example is among the configs whose own tests CI runs', () => {
  expect(WITH_TESTS.map(([name]) => name)).toContain('examples/custom-rules');
});

describe.each(WITH_TESTS)('the %s config', (_name, config) => {
  let dir: string;
  let rules: string;
  beforeAll(() => ({ dir, rules } = synthRules(config, 'custom-rules-')));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('promtool accepts its rules and passes its own tests from dist/rules, as they are', () => {
    expect(runPromtool(promtool, ['check', 'rules', path.join(rules, `${CUSTOM_PACK}.rules.yaml`)])).toContain(
      'SUCCESS',
    );
    for (const file of config.rules.tests) {
      expect(runPromtool(promtool, ['test', 'rules', path.join(rules, path.basename(file))])).toContain('SUCCESS');
    }
  });
});

describe('examples/custom-rules', () => {
  const config = loadConfig(EXAMPLE);

  test('its test shows each of its alerts silent while pending and firing once its for: has passed', () => {
    const promtest = yaml.load(fs.readFileSync(path.join(EXAMPLE_DIR, 'custom.promtest.yaml'), 'utf8')) as PromTest;
    const alerts = alertRules(customRuleGroups(config));
    expect(alerts.length).toBeGreaterThan(0);
    for (const alert of alerts)
      expect([alert.alert, showsAlert(promtest, alert.alert, alert.for)]).toEqual([alert.alert, true]);
  });

  test('a test that expects what the rules do not do fails promtool, and so CI', () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'custom-rules-wrong-'));
    try {
      // The same rules, with a test that expects the invoice alert at warning: the rules say critical.
      const wrong = fs
        .readFileSync(path.join(EXAMPLE_DIR, 'custom.promtest.yaml'), 'utf8')
        .replace(
          '{ agent_type: billing, reason: tax, severity: critical, team: billing }',
          '{ agent_type: billing, reason: tax, severity: warning, team: billing }',
        );
      expect(wrong).not.toBe(fs.readFileSync(path.join(EXAMPLE_DIR, 'custom.promtest.yaml'), 'utf8'));
      fs.writeFileSync(path.join(work, 'custom.promtest.yaml'), wrong);
      fs.copyFileSync(EXAMPLE, path.join(work, 'agent-o11y.yaml'));
      const { dir, rules } = synthRules(loadConfig(path.join(work, 'agent-o11y.yaml')), 'custom-rules-wrong-dist-');
      try {
        expect(() => runPromtool(promtool, ['test', 'rules', path.join(rules, 'custom.promtest.yaml')])).toThrow(
          /FAILED/,
        );
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

  test('reads its test from beside the config, whatever the directory synth runs in', () => {
    expect(config.rules.tests).toEqual([path.join(EXAMPLE_DIR, 'custom.promtest.yaml')]);
  });
});

describe('the rules settings', () => {
  const alert = {
    alert: 'BillingDown',
    expr: 'up{job="prometheus"} == 0',
    labels: { severity: 'critical' },
    annotations: { summary: 's', description: 'd' },
  };
  const problems = (rules: unknown[], more: Record<string, unknown> = {}) =>
    configProblems({ ...more, rules: { groups: [{ name: 'mine', rules }], tests: [] } });

  test('a config without rules renders no custom rule file; one with rules renders custom.rules.yaml', () => {
    const files = (config: StackConfig) => Object.keys(synthStack(config).parts.ruleFiles);
    expect(files(ALL_CONFIGS.dev)).not.toContain('custom.rules.yaml');
    expect(files(resolveConfig({ rules: { groups: [{ name: 'mine', rules: [alert] }], tests: [] } }))).toContain(
      'custom.rules.yaml',
    );
  });

  test('fails a rule of neither kind or both, an alert that would not be routed, and what a recording rule cannot have, one line each', () => {
    expect(problems([{ expr: 'up' }])).toEqual([
      '/rules/groups/0/rules/0: give alert (an alerting rule) or record (a recording rule), not neither',
    ]);
    expect(problems([{ ...alert, record: 'x:up' }])).toEqual([
      '/rules/groups/0/rules/0: give alert (an alerting rule) or record (a recording rule), not both',
    ]);
    expect(problems([{ ...alert, labels: { severity: 'page' }, annotations: { summary: 's' } }])).toEqual([
      '/rules/groups/0/rules/0/labels/severity: must be one of "critical", "warning", "info" (Alertmanager routes on it), got "page"',
      '/rules/groups/0/rules/0/annotations/description: is required (every alert says what fired and why it matters)',
    ]);
    expect(problems([{ record: 'job:up:sum', expr: 'sum by (job) (up)', for: '5m' }])).toEqual([
      '/rules/groups/0/rules/0/for: only an alerting rule (alert) has for',
    ]);
    expect(problems([{ ...alert, labels: { severity: 'info', 'team-name': 'x' } }])).toEqual([
      '/rules/groups/0/rules/0/labels/team-name: must be a label name (letters, digits and _, not starting with a digit), got "team-name"',
    ]);
  });

  test('fails a template Prometheus would refuse, as promtool does', () => {
    const unclosed = { ...alert, annotations: { summary: 'fails {{ $value | humanizePercentage }', description: 'd' } };
    expect(problems([unclosed])).toEqual([
      '/rules/groups/0/rules/0/annotations/summary: a template action {{ is not closed by }} (Prometheus refuses the rule file), got "fails {{ $value | humanizePercentage }"',
    ]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'custom-rules-template-'));
    try {
      const file = path.join(dir, 'custom.rules.yaml');
      // The rule as synth would render it, had it let it through.
      fs.writeFileSync(file, renderRuleFile([{ name: 'mine', rules: [unclosed as AlertRule] }]));
      expect(() => runPromtool(promtool, ['check', 'rules', file])).toThrow(/annotation "summary": template/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('fails PromQL that Prometheus does not read, naming where its grammar stops', () => {
    expect(problems([{ ...alert, expr: 'sum(rate(task_errors_total[5m])' }])).toEqual([
      "/rules/groups/0/rules/0/expr: not valid PromQL: Prometheus' grammar reaches the end early (a bracket left open or an operand missing)",
    ]);
    expect(problems([{ ...alert, expr: 'task_errors_total > > 0' }])).toEqual([
      '/rules/groups/0/rules/0/expr: not valid PromQL: Prometheus\' grammar stops at character 21 ("> 0")',
    ]);
    expect(problems([{ ...alert, expr: 'task_errors_total{error_type=~"(time"} > 0' }])).toEqual([
      '/rules/groups/0/rules/0/expr: the regular expression of error_type=~"(time" does not compile',
    ]);
  });

  test('fails an alert that could never fire: an uncatalogued metric, a label its series lack, a job nobody scrapes', () => {
    expect(problems([{ ...alert, expr: 'rate(billing_invoices_failed_total[5m]) > 0' }])[0]).toMatch(
      /^\/rules\/groups\/0\/rules\/0\/expr: queries billing_invoices_failed_total, which no active metric catalogue declares \(stack, .*\): declare it in customMetrics, or record it with a rule$/,
    );
    expect(
      problems([{ ...alert, expr: 'rate(billing_invoices_failed_total[5m]) > 0' }], {
        customMetrics: [{ name: 'billing_invoices_failed_total', type: 'counter', labels: ['reason'] }],
      }),
    ).toEqual([]);
    expect(problems([{ ...alert, expr: 'task_errors_total{agent="billing"} > 0' }])).toEqual([
      '/rules/groups/0/rules/0/expr: selects task_errors_total{agent="billing"}, but no series of task_errors_total carries agent (its labels: agent_type, error_type, instance, job, namespace, pod, task_type): fix the selector',
    ]);
    expect(problems([{ ...alert, expr: 'up{job="billing"} == 0' }])[0]).toMatch(
      /^\/rules\/groups\/0\/rules\/0\/expr: selects up\{job="billing"\}, but no scrape job is named "billing" \(jobs: .*\): add a scrapeTargets entry with job: billing$/,
    );
    expect(
      problems([{ ...alert, expr: 'node_memory_MemTotal_bytes < 1e9' }], { nodeExporter: { enabled: false } }),
    ).toEqual([
      '/rules/groups/0/rules/0/expr: queries node_memory_MemTotal_bytes, which comes from node-exporter, which this stack does not scrape: set nodeExporter.enabled: true',
    ]);
  });

  test("a recording rule's series is known to the other rules, with the labels its shape gives, and an unrecorded one is not", () => {
    const record = {
      record: 'agent_type:task_errors:rate5m',
      expr: 'sum by (agent_type) (rate(task_errors_total[5m]))',
    };
    const reads = { ...alert, expr: 'agent_type:task_errors:rate5m > 1' };
    expect(problems([reads, record])).toEqual([]);
    expect(problems([{ ...reads, expr: 'agent_type:task_errors:rate5m{agent="billing"} > 1' }, record])).toEqual([
      '/rules/groups/0/rules/0/expr: selects agent_type:task_errors:rate5m{agent="billing"}, but no series of agent_type:task_errors:rate5m carries agent (its labels: agent_type): fix the selector',
    ]);
    expect(
      problems([
        { ...reads, expr: 'agent_type:task_errors:rate5m{tier="gold"} > 1' },
        { ...record, labels: { tier: 'gold' } },
      ]),
    ).toEqual([]);
    expect(problems([reads])[0]).toMatch(
      /^\/rules\/groups\/0\/rules\/0\/expr: queries agent_type:task_errors:rate5m, which no active/,
    );
  });

  test("the labels synth reads from a recording rule's shape are the ones Prometheus gives its series, as promtool shows", () => {
    const shapes = [
      'sum by (agent_type) (rate(task_errors_total[5m])) / sum by (agent_type) (rate(task_completions_total[5m]))',
      '2 * sum by (agent_type, task_type) (task_errors_total)',
      '(max by (task_type) (task_errors_total)) > 0',
      'sum(task_errors_total)',
    ];
    const values: Record<string, string> = { agent_type: 'a', task_type: 't', error_type: 'e', job: 'j' };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'custom-rules-labels-'));
    try {
      fs.writeFileSync(
        path.join(dir, 'shapes.rules.yaml'),
        renderRuleFile([{ name: 'shapes', rules: shapes.map((expr, i) => ({ record: `shape:${i}`, expr })) }]),
      );
      const test = {
        rule_files: ['shapes.rules.yaml'],
        evaluation_interval: '1m',
        tests: [
          {
            interval: '1m',
            input_series: [
              { series: 'task_errors_total{agent_type="a", task_type="t", error_type="e", job="j"}', values: '1+1x10' },
              {
                series: 'task_completions_total{agent_type="a", task_type="t", status="s", job="j"}',
                values: '1+2x10',
              },
            ],
            // Each recorded series with its name left out: its labels, as Prometheus made them.
            promql_expr_test: shapes.map((expr, i) => ({
              expr: `group without () (shape:${i})`,
              eval_time: '5m',
              exp_samples: [
                {
                  labels: `{${resultLabels(expr)!
                    .map((l) => `${l}="${values[l]}"`)
                    .join(', ')}}`,
                  value: 1,
                },
              ],
            })),
          },
        ],
      };
      fs.writeFileSync(path.join(dir, 'shapes.promtest.yaml'), yaml.dump(test));
      expect(runPromtool(promtool, ['test', 'rules', path.join(dir, 'shapes.promtest.yaml')])).toContain('SUCCESS');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("fails a name a pack or another group has: its alert, its group, its series, one's own group", () => {
    expect(problems([{ ...alert, alert: 'AgentCrashLoop' }])).toEqual([
      '/rules/groups/0/rules/0/alert: "AgentCrashLoop" is an alert of the ms-framework pack: give yours a name of its own (alerts.for and alerts.disabled change the pack\'s)',
    ]);
    expect(problems([{ record: 'task_errors_total', expr: 'sum(task_errors_total)' }])).toEqual([
      '/rules/groups/0/rules/0/record: "task_errors_total" is a series already (the ms-framework catalogue has it): two sources of one series collide, give yours a name of its own',
    ]);
    const taken = activeRuleGroups(ALL_CONFIGS.dev).stack![0]!.name;
    expect(configProblems({ rules: { groups: [{ name: taken, rules: [alert] }], tests: [] } })).toEqual([
      `/rules/groups/0/name: "${taken}" is a group of the stack pack: give yours a name of its own`,
    ]);
    expect(
      configProblems({
        rules: {
          groups: [
            { name: 'mine', rules: [alert] },
            { name: 'mine', rules: [{ ...alert, alert: 'BillingDown2' }] },
          ],
          tests: [],
        },
      }),
    ).toEqual(['/rules/groups/1/name: "mine" names /rules/groups/0 already']);
  });
});

describe('the rules.tests settings', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'custom-rules-tests-'));
    fs.writeFileSync(path.join(dir, 'reads-nothing.yaml'), 'rule_files: [billing.rules.yaml]\ntests: []\n');
    fs.writeFileSync(path.join(dir, 'not-a-test.yaml'), 'groups: []\n');
    fs.mkdirSync(path.join(dir, 'other'));
    fs.writeFileSync(path.join(dir, 'other', 'reads-nothing.yaml'), 'rule_files: [stack.rules.yaml]\ntests: []\n');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const problems = (tests: string[]) => configProblems({ rules: { groups: [], tests } });

  test('fails a file it cannot read, one that is not a promtool test, one reading a rule file synth does not write, a name taken', () => {
    expect(problems([path.join(dir, 'missing.yaml')])).toEqual([
      `/rules/tests/0: cannot read ${path.join(dir, 'missing.yaml')}: ENOENT`,
    ]);
    expect(problems([path.join(dir, 'not-a-test.yaml')])).toEqual([
      `/rules/tests/0: ${path.join(dir, 'not-a-test.yaml')} is not a promtool test file: it needs rule_files (a list) and tests (a list)`,
    ]);
    expect(problems([path.join(dir, 'reads-nothing.yaml')])).toEqual([
      `/rules/tests/0: ${path.join(dir, 'reads-nothing.yaml')} reads rule file "billing.rules.yaml", which synth does not write beside it (it writes: stack.rules.yaml, ms-framework.rules.yaml)`,
    ]);
    expect(problems([path.join(dir, 'other', 'reads-nothing.yaml'), path.join(dir, 'reads-nothing.yaml')])).toEqual([
      '/rules/tests/1: its file name "reads-nothing.yaml" is taken by /rules/tests/0: give the file another name',
    ]);
  });
});
