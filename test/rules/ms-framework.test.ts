import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { DEFAULTS, MsFrameworkThresholds, StackConfig } from '../../src/config';
import { AlertRule, alertRules, msFrameworkRules, renderRuleFile, runbookUrl } from '../../rules';
import { requireTool } from '../tools';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const PROMTEST = path.join(REPO_ROOT, 'rules', 'ms-framework.promtest.yaml');
/** The name the promtest's `rule_files` gives the rendered rules. */
const RULE_FILE = 'ms-framework.rules.yaml';

/** The parts of a promtool unit-test file these tests read. */
interface PromTest {
  rule_files: string[];
  tests: Array<{
    alert_rule_test?: Array<{ eval_time: string; alertname: string; exp_alerts?: unknown[] }>;
    promql_expr_test?: Array<{ expr: string; eval_time: string; exp_samples?: unknown[] }>;
  }>;
}

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };

/** Seconds in a Prometheus duration such as `90s`, `10m` or `1h30m`. */
function seconds(duration: string): number {
  const parts = [...duration.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== duration) {
    throw new Error(`not a Prometheus duration: '${duration}'`);
  }
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * UNIT_SECONDS[unit], 0);
}

function withThreshold(key: keyof MsFrameworkThresholds, value: number): StackConfig {
  return { ...DEFAULTS, alerts: { msFramework: { ...DEFAULTS.alerts.msFramework, [key]: value } } };
}

function runPromtool(promtool: string, args: string[]): string {
  const result = spawnSync(promtool, args, { encoding: 'utf8' });
  if (result.error) {
    throw result.error;
  }
  const output = `${result.stdout}${result.stderr}`;
  if (result.status !== 0) {
    throw new Error(`${promtool} ${args.join(' ')} exited ${result.status}:\n${output}`);
  }
  return output;
}

const groups = msFrameworkRules(DEFAULTS);
const alerts = alertRules(groups);
const promtest = yaml.load(fs.readFileSync(PROMTEST, 'utf8')) as PromTest;
const promtool = requireTool('promtool');
const withPromtool = promtool === undefined ? test.skip : test;

describe('msFrameworkRules', () => {
  test('the pack has the seed alerts in the seed groups', () => {
    expect(groups.map((g) => g.name)).toEqual(['ms_framework_recording', 'agent_critical_alerts', 'agent_warning_alerts']);
    expect(alerts.map((a) => a.alert)).toEqual([
      'AgentCrashLoop',
      'HighTaskErrorRate',
      'AgentMemoryExhaustion',
      'MessageQueueBackup',
      'HighTaskLatency',
      'AgentSaturation',
      'CommunicationDelay',
    ]);
  });

  test('the rendered rule file is stable', () => {
    expect(renderRuleFile(groups)).toMatchSnapshot();
  });

  test.each(alerts.map((a): [string, AlertRule] => [a.alert, a]))(
    '%s has a severity, a summary, a description and a runbook that exists',
    (name, rule) => {
      expect(['critical', 'warning', 'info']).toContain(rule.labels.severity);
      expect(rule.annotations.summary).not.toBe('');
      expect(rule.annotations.description).not.toBe('');
      expect(rule.annotations.runbook_url).toBe(runbookUrl(name));
      expect(fs.existsSync(path.join(REPO_ROOT, 'docs', 'runbooks', `${name}.md`))).toBe(true);
    },
  );

  test.each<[keyof MsFrameworkThresholds, string, number]>([
    ['crashLoopSpawnsPer5m', 'AgentCrashLoop', 7],
    ['taskErrorRatio', 'HighTaskErrorRate', 0.125],
    ['agentMemoryGiB', 'AgentMemoryExhaustion', 3.25],
    ['messageQueueDepth', 'MessageQueueBackup', 4321],
    ['taskLatencyP95Seconds', 'HighTaskLatency', 45],
    ['agentCpuPercent', 'AgentSaturation', 95],
    ['messageLatencyP99Seconds', 'CommunicationDelay', 0.75],
  ])('the %s threshold from config sets the %s expression and nothing else', (key, name, value) => {
    const changed = alertRules(msFrameworkRules(withThreshold(key, value)));
    const differing = changed.filter((rule, i) => rule.expr !== alerts[i].expr).map((rule) => rule.alert);
    expect(differing).toEqual([name]);
    expect(changed.find((rule) => rule.alert === name)?.expr).toMatch(new RegExp(` > ${value}$`));
  });
});

describe('ms-framework.promtest.yaml', () => {
  test('reads the rules from the file the tests render', () => {
    expect(promtest.rule_files).toEqual([RULE_FILE]);
  });

  test.each(alerts.map((a): [string, AlertRule] => [a.alert, a]))(
    '%s is shown pending and not firing before its for: and firing after it',
    (name, rule) => {
      expect(rule.for).toBeDefined();
      const forSeconds = seconds(rule.for ?? '0s');
      const shown = promtest.tests.some((group) => {
        const cases = (group.alert_rule_test ?? []).filter((c) => c.alertname === name);
        const firing = cases.filter((c) => (c.exp_alerts ?? []).length > 0).map((c) => seconds(c.eval_time));
        const silent = cases.filter((c) => (c.exp_alerts ?? []).length === 0).map((c) => seconds(c.eval_time));
        const pendingAt = (group.promql_expr_test ?? [])
          .filter((c) => c.expr.includes(`alertname="${name}"`) && c.expr.includes('alertstate="pending"'))
          .filter((c) => (c.exp_samples ?? []).length > 0)
          .map((c) => seconds(c.eval_time));
        // Pending and silent at one time, then firing no more than `for:` later: the alert waited for `for:`.
        return silent.some((t) => t > 0 && pendingAt.includes(t) && firing.some((f) => f > t && f - t <= forSeconds));
      });
      expect(shown).toBe(true);
    },
  );

  test('names only alerts of the pack', () => {
    const names = new Set(alerts.map((a) => a.alert));
    const tested = promtest.tests.flatMap((group) => (group.alert_rule_test ?? []).map((c) => c.alertname));
    expect(tested.filter((name) => !names.has(name))).toEqual([]);
  });
});

describe('promtool', () => {
  let dir: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-framework-'));
    fs.writeFileSync(path.join(dir, RULE_FILE), renderRuleFile(groups));
    fs.copyFileSync(PROMTEST, path.join(dir, path.basename(PROMTEST)));
  });

  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  withPromtool('accepts the rendered rules', () => {
    expect(runPromtool(promtool as string, ['check', 'rules', path.join(dir, RULE_FILE)])).toContain('SUCCESS');
  });

  withPromtool('passes the unit tests beside the rules', () => {
    expect(runPromtool(promtool as string, ['test', 'rules', path.join(dir, path.basename(PROMTEST))])).toContain('SUCCESS');
  });
});
