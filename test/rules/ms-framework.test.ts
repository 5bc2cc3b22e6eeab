import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { DEFAULTS, MsFrameworkThresholds, StackConfig } from '../../src/config';
import {
  activeInhibitRules,
  activeRuleGroups,
  alertRules,
  MS_FRAMEWORK_INHIBITIONS,
  msFrameworkRules,
} from '../../rules';
import { grafanaUrl, MS_DASHBOARD_UIDS } from '../../src/lib/names';
import type { PrometheusConfigFile } from '../../constructs/prometheus-config';
import { configMapData, synthStack } from '../helpers';

function withThreshold(key: keyof MsFrameworkThresholds, value: number): StackConfig {
  return { ...DEFAULTS, alerts: { ...DEFAULTS.alerts, msFramework: { ...DEFAULTS.alerts.msFramework, [key]: value } } };
}

const groups = msFrameworkRules(DEFAULTS);
const alerts = alertRules(groups);

describe('msFrameworkRules', () => {
  test('the pack has the seed alerts in the seed groups', () => {
    expect(groups.map((g) => g.name)).toEqual([
      'ms_framework_recording',
      'agent_critical_alerts',
      'agent_warning_alerts',
    ]);
    expect(alerts.map((a) => a.alert)).toEqual([
      'AgentCrashLoop',
      'HighTaskErrorRate',
      'TaskExecutionStalled',
      'AgentMemoryExhaustion',
      'SystemMemoryPressure',
      'MessageQueueBackup',
      'HighMessageLatency',
      'AgentCoordinationFailure',
      'SwarmSplitBrain',
      'ClaudeCLIProcessFailures',
      'HighTaskLatency',
      'HighTaskLatencyP99',
      'AgentSaturation',
      'HookExecutionFailures',
      'CommunicationDelay',
    ]);
  });

  test.each<[keyof MsFrameworkThresholds, string, number]>([
    ['crashLoopSpawnsPer5m', 'AgentCrashLoop', 7],
    ['taskErrorRatio', 'HighTaskErrorRate', 0.125],
    ['agentMemoryGiB', 'AgentMemoryExhaustion', 3.25],
    ['messageQueueDepth', 'MessageQueueBackup', 4321],
    ['taskLatencyP95Seconds', 'HighTaskLatency', 45],
    ['taskLatencyP99Seconds', 'HighTaskLatencyP99', 90],
    ['messageLatencyP95Seconds', 'HighMessageLatency', 7],
    ['agentCpuPercent', 'AgentSaturation', 95],
    ['messageLatencyP99Seconds', 'CommunicationDelay', 0.75],
    ['hookFailuresPerSecond', 'HookExecutionFailures', 0.5],
    ['systemMemoryRatio', 'SystemMemoryPressure', 0.9],
    ['coordinationFailuresPerSecond', 'AgentCoordinationFailure', 0.25],
    ['cliProcessFailuresPerSecond', 'ClaudeCLIProcessFailures', 0.3],
  ])('the %s threshold from config sets the %s expression and nothing else', (key, name, value) => {
    const changed = alertRules(msFrameworkRules(withThreshold(key, value)));
    const differing = changed.filter((rule, i) => rule.expr !== alerts[i]?.expr).map((rule) => rule.alert);
    expect(differing).toEqual([name]);
    expect(changed.find((rule) => rule.alert === name)?.expr).toMatch(new RegExp(`\\s> ${value}(\\s|$)`));
  });

  test("every alert carries the seed's component label", () => {
    expect(Object.fromEntries(alerts.map((a) => [a.alert, a.labels.component]))).toEqual({
      AgentCrashLoop: 'agent_lifecycle',
      HighTaskErrorRate: 'task_execution',
      TaskExecutionStalled: 'task_execution',
      AgentMemoryExhaustion: 'resource_management',
      SystemMemoryPressure: 'system_resources',
      MessageQueueBackup: 'messaging',
      HighMessageLatency: 'messaging',
      AgentCoordinationFailure: 'coordination',
      SwarmSplitBrain: 'coordination',
      ClaudeCLIProcessFailures: 'claude_cli',
      HookExecutionFailures: 'claude_cli',
      HighTaskLatencyP99: 'performance',
      AgentSaturation: 'performance',
      // §15.5.2 gives these two none: their §15.5.0 siblings'.
      HighTaskLatency: 'performance',
      CommunicationDelay: 'messaging',
    });
  });

  test("every alert links an MS dashboard on the stack's Grafana", () => {
    const uids: string[] = Object.values(MS_DASHBOARD_UIDS);
    for (const rule of alerts) {
      const url = rule.annotations.dashboard_url ?? '';
      expect(url.startsWith(`${grafanaUrl(DEFAULTS.common.namespace)}/d/`)).toBe(true);
      expect(uids).toContain(/\/d\/([^?]+)/.exec(url)?.[1]);
    }
  });

  test('links no dashboard when the MS dashboards do not ship, rather than a dead one', () => {
    const config: StackConfig = { ...DEFAULTS, dashboards: { platforms: ['stack'] } };
    expect(alertRules(msFrameworkRules(config)).filter((r) => r.annotations.dashboard_url !== undefined)).toEqual([]);
  });

  test("leaves SystemMemoryPressure out without node-exporter, which gives the nodes' memory", () => {
    const config: StackConfig = { ...DEFAULTS, nodeExporter: { ...DEFAULTS.nodeExporter, enabled: false } };
    expect(alertRules(msFrameworkRules(config)).map((r) => r.alert)).not.toContain('SystemMemoryPressure');
  });
});

describe('the MS-framework inhibitions', () => {
  const byName = new Map(alerts.map((a) => [a.alert, a]));
  // The labels each alert is shown firing with in its promtool test, and Prometheus' external labels.
  const promtest = yaml.load(
    fs.readFileSync(path.join(__dirname, '..', '..', 'rules', 'ms-framework.promtest.yaml'), 'utf8'),
  ) as { tests: Array<{ alert_rule_test?: Array<{ alertname: string; exp_alerts?: Array<{ exp_labels: object }> }> }> };
  const prometheusYml = yaml.load(
    configMapData(synthStack(DEFAULTS).files.prometheus, 'prometheus', 'prometheus.yml'),
  ) as PrometheusConfigFile;
  const external = Object.keys(prometheusYml.global.external_labels);
  const carried = (alert: string) =>
    promtest.tests
      .flatMap((t) => t.alert_rule_test ?? [])
      .filter((c) => c.alertname === alert)
      .flatMap((c) => c.exp_alerts ?? [])
      .map((a) => [...Object.keys(a.exp_labels), ...external]);

  test.each(MS_FRAMEWORK_INHIBITIONS.map((i): [string, string, string] => [i.source, i.target, i.equal.join(', ')]))(
    'a critical %s mutes the warning %s on the same %s, which both alerts carry',
    (source, target, equal) => {
      expect([byName.get(source)?.labels.severity, byName.get(target)?.labels.severity]).toEqual([
        'critical',
        'warning',
      ]);
      for (const alert of [source, target]) {
        expect(carried(alert).length).toBeGreaterThan(0);
        for (const labels of carried(alert)) expect(labels).toEqual(expect.arrayContaining(equal.split(', ')));
      }
    },
  );

  test('become inhibit rules while the pack is active, and not once either alert is disabled', () => {
    expect(
      activeInhibitRules(activeRuleGroups(DEFAULTS)).filter(
        (r) => r.sourceMatchers[0] === 'alertname="HighMessageLatency"',
      ),
    ).toEqual([
      {
        sourceMatchers: ['alertname="HighMessageLatency"'],
        targetMatchers: ['alertname="CommunicationDelay"'],
        equal: ['cluster', 'environment', 'message_type'],
      },
    ]);
    const msPairs = (config: typeof DEFAULTS) =>
      activeInhibitRules(activeRuleGroups(config)).filter(
        (r) => r.sourceMatchers[0] === 'alertname="HighMessageLatency"',
      );
    expect(msPairs({ ...DEFAULTS, platforms: ['multiagents'] })).toEqual([]);
    expect(msPairs({ ...DEFAULTS, alerts: { ...DEFAULTS.alerts, disabled: ['CommunicationDelay'] } })).toEqual([]);
  });
});
