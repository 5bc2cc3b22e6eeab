import { DEFAULTS, MsFrameworkThresholds, StackConfig } from '../../src/config';
import { alertRules, msFrameworkRules } from '../../rules';

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
      'MessageQueueBackup',
      'HighMessageLatency',
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
  ])('the %s threshold from config sets the %s expression and nothing else', (key, name, value) => {
    const changed = alertRules(msFrameworkRules(withThreshold(key, value)));
    const differing = changed.filter((rule, i) => rule.expr !== alerts[i]?.expr).map((rule) => rule.alert);
    expect(differing).toEqual([name]);
    expect(changed.find((rule) => rule.alert === name)?.expr).toMatch(new RegExp(`\\s> ${value}(\\s|$)`));
  });
});
