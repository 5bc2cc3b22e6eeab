import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { DEFAULTS, StackConfig } from '../../src/config';
import { loadConfig, resolveConfig } from '../../src/config/loader';
import { activeRuleGroups, canonicalFloat, goFixed1, renderRuleFile, sloPromtest } from '../../rules';
import { synthStack } from '../helpers';
import { requireTool } from '../tools';
import { runPromtool } from './promtest';
import { EVERYTHING } from './sources';

const promtool = requireTool('promtool');
const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples');

/** Every config with SLOs the tests hold to promtool: the examples' (their seeds' objectives) and one of each shape. */
const CONFIGS: Array<[string, StackConfig]> = [
  ...fs
    .readdirSync(EXAMPLES)
    .sort()
    .map((name): [string, StackConfig] => [
      `examples/${name}`,
      loadConfig(path.join(EXAMPLES, name, 'agent-o11y.yaml')),
    ])
    .filter(([, config]) => config.slos.length > 0),
  ['every shape of SLI', EVERYTHING],
];

describe.each(CONFIGS)('the SLOs of %s', (_name, config) => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slo-rules-'));
    const { parts } = synthStack(config);
    fs.writeFileSync(path.join(dir, 'slo.rules.yaml'), parts.ruleFiles['slo.rules.yaml']!);
    fs.writeFileSync(path.join(dir, 'slo.promtest.yaml'), parts.ruleTests['slo.promtest.yaml']!);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('promtool accepts the rules', () => {
    expect(runPromtool(promtool, ['check', 'rules', path.join(dir, 'slo.rules.yaml')])).toContain('SUCCESS');
  });

  test('the generated test shows each page and ticket silent, firing, and the page resolving, and promtool passes it', () => {
    const promtest = yaml.load(fs.readFileSync(path.join(dir, 'slo.promtest.yaml'), 'utf8')) as {
      tests: Array<{
        alert_rule_test: Array<{ eval_time: string; exp_alerts: Array<{ exp_labels: Record<string, string> }> }>;
      }>;
    };
    expect(promtest.tests).toHaveLength(config.slos.length);
    promtest.tests.forEach((group, i) => {
      const slo = config.slos[i]!.name;
      const at = (k: number) =>
        group.alert_rule_test[k]!.exp_alerts.filter((a) => a.exp_labels.slo === slo)
          .map((a) => a.exp_labels.severity)
          .sort();
      expect(group.alert_rule_test.map((c) => c.eval_time).slice(0, 2)).toEqual(['0m', '1m']);
      expect([at(0), at(1), at(2), at(3)]).toEqual([[], ['critical', 'warning'], ['critical', 'warning'], ['warning']]);
    });
    expect(runPromtool(promtool, ['test', 'rules', path.join(dir, 'slo.promtest.yaml')])).toContain('SUCCESS');
  });
});

test('synth writes the generated test beside the rules, where promtool runs it as it is', () => {
  const config = loadConfig(path.join(EXAMPLES, 'progressive-v5', 'agent-o11y.yaml'));
  expect(Object.keys(synthStack(config).parts.ruleTests)).toEqual(['slo.promtest.yaml']);
  expect(synthStack(DEFAULTS).parts.ruleTests).toEqual({});
});

test('a generated test fails against rules whose objective differs from the one it was generated for', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slo-mismatch-'));
  try {
    const generated = {
      ...DEFAULTS,
      profile: 'production' as const,
      prometheus: { ...DEFAULTS.prometheus, retention: { ...DEFAULTS.prometheus.retention, time: '30d' } },
    };
    const slo = { name: 'tasks', objective: 99, sli: { errors: 'task_errors_total', total: 'task_completions_total' } };
    fs.writeFileSync(path.join(dir, 'slo.promtest.yaml'), yaml.dump(sloPromtest({ ...generated, slos: [slo] })));
    const looser = activeRuleGroups({ ...generated, slos: [{ ...slo, objective: 98 }] }).slo!;
    fs.writeFileSync(path.join(dir, 'slo.rules.yaml'), renderRuleFile(looser));
    expect(() => runPromtool(promtool, ['test', 'rules', path.join(dir, 'slo.promtest.yaml')])).toThrow(/FAILED/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

describe('the slos settings', () => {
  const base = { prometheus: { retention: { time: '30d' } } };
  const problems = (slos: unknown[], more: Record<string, unknown> = {}) => {
    try {
      activeRuleGroups(resolveConfig({ ...base, ...more, slos }));
      return [];
    } catch (e) {
      return (e as { problems: string[] }).problems;
    }
  };
  const tasks = { name: 'tasks', objective: 99, sli: { errors: 'task_errors_total', total: 'task_completions_total' } };

  test('a config without SLOs renders no SLO pack', () => {
    expect(Object.keys(activeRuleGroups(DEFAULTS))).not.toContain('slo');
  });

  test('each mistake is one line naming its key', () => {
    expect(problems([tasks, tasks])).toEqual(['/slos/1/name: "tasks" names /slos/0 already']);
    expect(problems([{ ...tasks, sli: { total: 'task_completions_total' } }])).toEqual([
      '/slos/0/sli: give errors (bad events) or good (good events) beside total, not neither',
    ]);
    expect(problems([{ ...tasks, sli: { ...tasks.sli, good: 'task_completions_total' } }])).toEqual([
      '/slos/0/sli: give errors (bad events) or good (good events) beside total, not both',
    ]);
    expect(
      problems([{ ...tasks, sli: { errors: 'rate(task_errors_total[5m])', total: 'task_completions_total' } }]),
    ).toEqual([
      '/slos/0/sli/errors: must be one metric with label matchers, like task_errors_total{agent_type="planner"}, got "rate(task_errors_total[5m])"',
    ]);
    expect(problems([{ ...tasks, sli: { errors: 'made_up_total', total: 'task_completions_total' } }])[0]).toMatch(
      /^\/slos\/0\/sli\/errors: made_up_total is in no active metric catalogue \(stack, /,
    );
    expect(
      problems([{ ...tasks, sli: { errors: 'task_errors_total{agent="x"}', total: 'task_completions_total' } }]),
    ).toEqual([
      '/slos/0/sli/errors: no series of task_errors_total carries agent (its labels: agent_type, error_type, instance, job, namespace, pod, task_type)',
    ]);
    expect(
      problems([
        { ...tasks, sli: { errors: 'task_errors_total', total: ['task_completions_total', 'task_completions_total'] } },
      ]),
    ).toEqual(['/slos/0/sli/total/1: "task_completions_total" is listed already: its events would count twice']);
  });

  test('a bucket must be one the histogram has, as Prometheus 3 stores it', () => {
    const latency = (le: string) => [
      {
        name: 'delivery',
        objective: 95,
        sli: { good: `message_latency_seconds_bucket{le="${le}"}`, total: 'message_latency_seconds_count' },
      },
    ];
    expect(problems(latency('0.005'))).toEqual([]);
    expect(problems(latency('0.05'))).toEqual([
      '/slos/0/sli/good: message_latency_seconds has no bucket le="0.05" (its buckets: 0.001, 0.005, 0.01, +Inf)',
    ]);
    expect(
      problems([
        {
          name: 'hooks',
          objective: 95,
          sli: {
            good: 'claude_cli_hook_duration_seconds_bucket{le="1"}',
            total: 'claude_cli_hook_duration_seconds_count',
          },
        },
      ]),
    ).toEqual(['/slos/0/sli/good: le="1" selects nothing: Prometheus 3 stores the bucket as le="1.0"']);
    expect(['1', '0.5', '10', '0.00001', '+Inf'].map(canonicalFloat)).toEqual(['1.0', '0.5', '10.0', '1e-05', '+Inf']);
  });

  test('a window Prometheus does not keep, or outside 7 to 90 days, and an objective that could never page are refused', () => {
    expect(problems([tasks], { prometheus: { retention: { time: '15d' } } })).toEqual([
      '/slos/0/window: 30d is longer than /prometheus/retention/time (15d): the error budget needs the samples of its whole window',
    ]);
    expect(problems([{ ...tasks, window: '1d' }])).toEqual(['/slos/0/window: must be from 7d to 90d, got "1d"']);
    expect(problems([{ ...tasks, objective: 90 }])).toEqual([
      '/slos/0/objective: must be above 93.0555555556 for a 30d window: an error budget of 10% is never burnt 14.4× as fast, so its page could never fire, got 90',
    ]);
  });
});

test('values are written as Go writes printf "%.1f": ties to even', () => {
  expect([0.25, 0.35, 14.688, 1.008, 2.5e-7].map(goFixed1)).toEqual(['0.2', '0.3', '14.7', '1.0', '0.0']);
});
