import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { Alertmanager } from '../../constructs/alertmanager';
import { Pki } from '../../constructs/mtls';
import { activeRuleGroups, renderRuleFile } from '../../rules';
import { resolveConfig } from '../../src/config/loader';
import { configProblems } from '../helpers';
import { AlertmanagerConfig, StackConfig } from '../../src/config/types';
import { requireTool } from '../tools';

/**
 * Synth refuses these configs (test/config/loader.test.ts holds each line). Here the real programs
 * say why: the construct renders the config (its validation runs only at synth), and amtool or promtool
 * rejects it.
 */
const amtool = requireTool('amtool');
const promtool = requireTool('promtool');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-o11y-refusals-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const dev = resolveConfig({});
const withAlertmanager = (change: (am: AlertmanagerConfig) => void): AlertmanagerConfig => {
  const am = JSON.parse(JSON.stringify(dev.alertmanager)) as AlertmanagerConfig;
  change(am);
  return am;
};

/** Each case: what synth refuses (its field), the config, and what amtool says of it rendered unchecked. */
const ALERTMANAGER: Array<[string, AlertmanagerConfig, RegExp]> = [
  [
    '/alertmanager/route/repeatInterval',
    withAlertmanager((am) => {
      am.route.repeatInterval = '0s';
    }),
    /repeat_interval cannot be zero/,
  ],
  [
    '/alertmanager/receivers/2/email/0/to',
    withAlertmanager((am) => {
      am.receivers[2]!.email![0]!.to = '';
    }),
    /missing to address in email config/,
  ],
  [
    '/alertmanager/receivers/2/name',
    withAlertmanager((am) => {
      am.receivers[2]!.name = '';
      am.route.routes![1]!.receiver = '';
    }),
    /missing name in receiver/,
  ],
  [
    '/alertmanager/route/routes/0/matchers/0',
    withAlertmanager((am) => {
      am.route.routes![0]!.matchers = ['severity=~"crit(ical"'];
    }),
    /error parsing regexp/,
  ],
];

const problems = (config: StackConfig): string[] => configProblems(config);

test.each(ALERTMANAGER)('synth refuses %s, and amtool rejects it rendered', (field, am, amtoolSays) => {
  expect(problems({ ...dev, alertmanager: am }).some((p) => p.startsWith(`${field}:`))).toBe(true);
  const chart = Testing.chart();
  const rendered = new Alertmanager(chart, 'Alertmanager', {
    config: am,
    common: dev.common,
    pki: new Pki(chart, 'Pki', { namespace: dev.common.namespace }),
  }).rendered;
  const file = path.join(dir, `${field.replace(/\W+/g, '-')}.yml`);
  fs.writeFileSync(file, rendered);
  const run = spawnSync(amtool, ['check-config', file], { encoding: 'utf8' });
  expect(run.status).not.toBe(0);
  expect(`${run.stdout}${run.stderr}`).toMatch(amtoolSays);
});

test('synth refuses a for: past what Go holds, and promtool rejects the rule file rendered with it', () => {
  const config = { ...dev, alerts: { ...dev.alerts, for: { AgentCrashLoop: '99999999999999999999d' } } };
  expect(problems(config)).toContain(
    '/alerts/for/AgentCrashLoop: must be at most 292y (the longest duration Go programs hold), got "99999999999999999999d"',
  );
  const file = path.join(dir, 'ms-framework.rules.yaml');
  fs.writeFileSync(file, renderRuleFile(activeRuleGroups(config)['ms-framework']!));
  const run = spawnSync(promtool, ['check', 'rules', file], { encoding: 'utf8' });
  expect(run.status).not.toBe(0);
  expect(`${run.stdout}${run.stderr}`).toMatch(/not a valid duration string: "99999999999999999999d"/);
});
