import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { loadConfig, resolveConfig } from '../../src/config/loader';
import { AlertmanagerConfigFile, allReceivers, routingProblems } from '../../constructs/alertmanager-config';
import { alertRules, SUTAZAI_TEAMS, sutazaiRules } from '../../rules';
import { DEFAULTS } from '../../src/config';
import { StackConfig } from '../../src/config/types';
import { configMapData, configProblems, synthStack } from '../helpers';
import { requireTool } from '../tools';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const amtool = requireTool('amtool');

/** A routing case: the labels of an alert and the receivers, in tree order, that must get it. */
type RoutingCase = [description: string, labels: Record<string, string>, receivers: string[]];

/** The default tree (seed 000): critical → PagerDuty + critical Slack, warning → warnings Slack + email. */
const DEFAULT_CASES: RoutingCase[] = [
  [
    'a critical agent alert pages',
    { alertname: 'AgentCrashLoop', severity: 'critical', cluster: 'agents', agent_type: 'task_agent' },
    ['critical'],
  ],
  [
    'a critical stack alert pages',
    { alertname: 'PrometheusRuleEvaluationFailures', severity: 'critical' },
    ['critical'],
  ],
  [
    'a warning goes to the warnings channel and email',
    { alertname: 'HighTaskLatency', severity: 'warning', task_type: 'analysis' },
    ['warning'],
  ],
  [
    'a stack warning goes to the warnings channel and email',
    { alertname: 'TargetDown', severity: 'warning', job: 'jaeger' },
    ['warning'],
  ],
  ['an info alert falls through to the default webhook', { alertname: 'QueueInfo', severity: 'info' }, ['default']],
  ['an alert without severity falls through to the default webhook', { alertname: 'Unlabelled' }, ['default']],
];

/** Seed 004's tree (examples/progressive-v5). */
const PROGRESSIVE_CASES: RoutingCase[] = [
  [
    'MCA down reaches MCA on-call',
    { alertname: 'MCAAgentDown', severity: 'critical', service: 'mca', tier: 'control-plane' },
    ['mca-critical'],
  ],
  [
    'a warning from the MCA is not paged',
    { alertname: 'MCAHighResponseTime', severity: 'warning', service: 'mca', tier: 'control-plane' },
    ['default'],
  ],
  [
    'an unhealthy agent reaches the agent health team',
    { alertname: 'AgentUnhealthy', severity: 'warning', service: 'npa', tier: 'agents' },
    ['agent-health-team'],
  ],
  [
    'agent memory reaches the agent health team',
    { alertname: 'AgentHighMemoryUsage', severity: 'warning', tier: 'agents' },
    ['agent-health-team'],
  ],
  [
    'meal plan failures reach the business team',
    { alertname: 'NPAMealPlanGenerationFailure', severity: 'warning', service: 'npa', business_impact: 'high' },
    ['business-team'],
  ],
  [
    'workout failures reach the business team',
    { alertname: 'WPAWorkoutRecommendationFailure', severity: 'warning', service: 'wpa', business_impact: 'high' },
    ['business-team'],
  ],
  [
    'an availability SLA breach reaches SRE',
    { alertname: 'SystemAvailabilityBelow99_9', severity: 'critical', sla: 'availability' },
    ['sre-team'],
  ],
  [
    'a latency SLA warning falls through to the default',
    { alertname: 'AverageResponseTimeAboveSLA', severity: 'warning', sla: 'performance' },
    ['default'],
  ],
  [
    'pod CPU reaches infrastructure',
    { alertname: 'HighPodCPUUsage', severity: 'warning', tier: 'infrastructure' },
    ['infrastructure-team'],
  ],
  [
    'pod restarts reach infrastructure',
    { alertname: 'PodRestartLoop', severity: 'warning', tier: 'infrastructure' },
    ['infrastructure-team'],
  ],
  [
    'PostgreSQL down falls through to the default',
    { alertname: 'PostgreSQLDown', severity: 'critical', service: 'postgresql', tier: 'database' },
    ['default'],
  ],
];

/** Seed 001's notifications (examples/multiagents): PagerDuty for error and critical, which the pack renders as critical. */
const MULTIAGENTS_CASES: RoutingCase[] = [
  [
    "the seed's error alert, worker_failure, pages",
    { alertname: 'worker_failure', severity: 'critical', cluster: 'multiagents' },
    ['critical'],
  ],
  [
    'critical CPU pages',
    { alertname: 'critical_cpu_usage', severity: 'critical', cluster: 'multiagents' },
    ['critical'],
  ],
  [
    'a high error rate goes to the warnings channel and email',
    { alertname: 'high_error_rate', severity: 'warning', cluster: 'multiagents' },
    ['warning'],
  ],
  ['an alert without severity falls through to the default webhook', { alertname: 'Unlabelled' }, ['default']],
];

/** The labels a SutazAI alert carries as its pack renders it (name, severity, team), with the series' labels it keeps. */
function sutazaiAlert(name: string, seriesLabels: Record<string, string> = {}): Record<string, string> {
  const rule = alertRules(sutazaiRules(DEFAULTS)).find((a) => a.alert === name);
  if (!rule) throw new Error(`the sutazai pack has no alert ${name}`);
  return { alertname: name, ...rule.labels, cluster: 'sutazai', ...seriesLabels };
}

/**
 * Seed 002's `_route_alert` (examples/sutazai): critical → emergency response; its Φ alerts → the
 * system-state (intelligence) team; team safety → the safety team, urgently; the team routes continue.
 */
const SUTAZAI_CASES: RoutingCase[] = [
  [
    'a Φ spike reaches the intelligence team and the warnings channel',
    sutazaiAlert('SutazaiSystemStateSpike', { job: 'kubernetes-pods', coordinator_region: 'global' }),
    ['intelligence-team', 'warning'],
  ],
  [
    'Φ instability reaches the intelligence team and the emergency response',
    sutazaiAlert('SutazaiSystemStateInstability', { job: 'kubernetes-pods', coordinator_region: 'global' }),
    ['intelligence-team', 'critical'],
  ],
  [
    'an agent deadlock reaches the emergency response',
    sutazaiAlert('SutazaiAgentDeadlock', { job: 'sutazai' }),
    ['critical'],
  ],
  [
    "poor coordination, the seed's error severity, goes to the warnings channel",
    sutazaiAlert('SutazaiAgentCoordinationFailure', { agent_group: 'planners' }),
    ['warning'],
  ],
  [
    'memory pressure goes to the warnings channel',
    sutazaiAlert('SutazaiMemoryPressure', { job: 'sutazai' }),
    ['warning'],
  ],
  [
    'a critical safety alert (as value_alignment_drift would be) reaches the safety team and the emergency response',
    { alertname: 'SutazaiValueAlignmentDrift', severity: 'critical', team: SUTAZAI_TEAMS.safety, cluster: 'sutazai' },
    ['safety-team', 'critical'],
  ],
  ['an alert without severity falls through to the default webhook', { alertname: 'Unlabelled' }, ['default']],
];

/**
 * The added receiver and route of examples/custom-rules: the billing team hears of its alerts, which
 * still reach their severity's receiver, and the default routes catch the others as before.
 */
const CUSTOM_RULES_CASES: RoutingCase[] = [
  [
    "the billing team's critical alert reaches the team and still pages",
    { alertname: 'BillingInvoicesFailing', severity: 'critical', team: 'billing', agent_type: 'billing' },
    ['billing-team', 'critical'],
  ],
  [
    "the billing team's warning reaches the team and the warnings channel",
    { alertname: 'BillingTaskErrorsHigh', severity: 'warning', team: 'billing', agent_type: 'billing' },
    ['billing-team', 'warning'],
  ],
  ...DEFAULT_CASES,
];

function renderedAlertmanagerYml(config: StackConfig, dir: string): string {
  const file = path.join(dir, 'alertmanager.yml');
  fs.writeFileSync(file, configMapData(synthStack(config).files.alertmanager, 'alertmanager', 'alertmanager.yml'));
  return file;
}

describe.each<[string, () => StackConfig, RoutingCase[]]>([
  ['the default tree', () => resolveConfig({}), DEFAULT_CASES],
  [
    'the seed 004 tree (examples/progressive-v5)',
    () => loadConfig(path.join(REPO_ROOT, 'examples', 'progressive-v5', 'agent-o11y.yaml')),
    PROGRESSIVE_CASES,
  ],
  [
    'the seed 001 tree (examples/multiagents)',
    () => loadConfig(path.join(REPO_ROOT, 'examples', 'multiagents', 'agent-o11y.yaml')),
    MULTIAGENTS_CASES,
  ],
  [
    'the seed 002 tree (examples/sutazai)',
    () => loadConfig(path.join(REPO_ROOT, 'examples', 'sutazai', 'agent-o11y.yaml')),
    SUTAZAI_CASES,
  ],
  [
    'the default tree with a receiver and a route added (examples/custom-rules)',
    () => loadConfig(path.join(REPO_ROOT, 'examples', 'custom-rules', 'agent-o11y.yaml')),
    CUSTOM_RULES_CASES,
  ],
])('%s', (_name, config, cases) => {
  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'routing-'));
    file = renderedAlertmanagerYml(config(), dir);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test.each(cases)('%s', (_description, labels, receivers) => {
    const args = [
      'config',
      'routes',
      'test',
      `--config.file=${file}`,
      `--verify.receivers=${receivers.join(',')}`,
      ...Object.entries(labels).map(([k, v]) => `${k}=${v}`),
    ];
    // amtool exits non-zero when the receivers differ from --verify.receivers.
    const out = execFileSync(amtool, args, { encoding: 'utf8', stdio: 'pipe' });
    expect(out.trim()).toBe(receivers.join(','));
  });

  test("the always-firing Watchdog goes to the dead man's switch alone, whatever the tree", () => {
    const out = execFileSync(
      amtool,
      ['config', 'routes', 'test', `--config.file=${file}`, 'alertname=Watchdog', 'severity=none', 'cluster=agents'],
      { encoding: 'utf8', stdio: 'pipe' },
    );
    expect(out.trim()).toBe('watchdog');
  });

  test('every receiver is used by some case', () => {
    const names = allReceivers(config().alertmanager).map((r) => r.name);
    expect(names.filter((n) => !cases.some(([, , receivers]) => receivers.includes(n)))).toEqual([]);
  });
});

describe('the seed 004 tree', () => {
  test('inhibits a warning while a critical alert of the same alertname, service and instance fires', () => {
    const config = loadConfig(path.join(REPO_ROOT, 'examples', 'progressive-v5', 'agent-o11y.yaml'));
    expect(config.alertmanager.inhibitRules).toEqual([
      {
        sourceMatchers: ['severity="critical"'],
        targetMatchers: ['severity="warning"'],
        equal: ['alertname', 'service', 'instance'],
      },
    ]);
  });
});

describe('the default tree (seed 000)', () => {
  test("renders the stack's and the MS-framework pack's inhibit rules, each naming its two alerts", () => {
    const rendered = yaml.load(
      configMapData(synthStack(resolveConfig({})).files.alertmanager, 'alertmanager', 'alertmanager.yml'),
    ) as AlertmanagerConfigFile;
    expect(rendered.inhibit_rules).toEqual([
      {
        source_matchers: ['alertname="KubePersistentVolumeFillingUp"', 'severity="critical"'],
        target_matchers: ['alertname="KubePersistentVolumeFillingUp"', 'severity="warning"'],
        equal: ['cluster', 'namespace', 'persistentvolumeclaim'],
      },
      {
        source_matchers: ['alertname="HighMessageLatency"'],
        target_matchers: ['alertname="CommunicationDelay"'],
        equal: ['cluster', 'environment', 'message_type'],
      },
    ]);
  });
});

describe('routingProblems', () => {
  test('finds nothing wrong in the default tree', () => {
    const am = resolveConfig({}).alertmanager;
    expect(
      routingProblems(
        am.route,
        am.receivers.map((r) => r.name),
      ),
    ).toEqual([]);
  });

  test('fails for a route shadowed by an earlier catch-all and for a receiver no route uses', () => {
    const route = {
      receiver: 'default',
      routes: [{ receiver: 'critical' }, { receiver: 'warning', matchers: ['severity="warning"'] }],
    };
    expect(routingProblems(route, ['default', 'critical', 'warning', 'unused'])).toEqual([
      '/alertmanager/route/routes/1: is never reached: /alertmanager/route/routes/0 before it has no matchers and no continue, so it takes every alert',
      '/alertmanager/receivers/3: receiver "unused" is used by no route',
    ]);
  });

  test('a catch-all that continues shadows nothing', () => {
    const route = {
      receiver: 'default',
      routes: [
        { receiver: 'audit', continue: true },
        { receiver: 'critical', matchers: ['severity="critical"'] },
      ],
    };
    expect(routingProblems(route, ['default', 'audit', 'critical'])).toEqual([]);
  });

  test('fails a config whose routes leave a receiver unused, one line per problem', () => {
    expect(configProblems({ alertmanager: { route: { receiver: 'default', routes: [] } } })).toEqual([
      '/alertmanager/receivers/1: receiver "critical" is used by no route',
      '/alertmanager/receivers/2: receiver "warning" is used by no route',
    ]);
  });
});

describe('receivers and routes added to the defaults', () => {
  const billing = {
    name: 'billing-team',
    webhook: [{ url: { secretName: 'alertmanager-receivers', key: 'billing-webhook-url' } }],
  };
  const route = { receiver: 'billing-team', matchers: ['team="billing"'] };

  test('come ahead of the default routes, continuing, with the default receivers kept', () => {
    const rendered = yaml.load(
      configMapData(
        synthStack(resolveConfig({ alertmanager: { extraReceivers: [billing], extraRoutes: [route] } })).files
          .alertmanager,
        'alertmanager',
        'alertmanager.yml',
      ),
    ) as AlertmanagerConfigFile;
    expect(rendered.receivers.map((r) => r.name)).toEqual([
      'default',
      'critical',
      'warning',
      'billing-team',
      'watchdog',
    ]);
    expect(rendered.route.routes!.map((r) => [r.receiver, r.continue])).toEqual([
      ['watchdog', undefined],
      ['billing-team', true],
      ['critical', undefined],
      ['warning', undefined],
    ]);
  });

  test('setting receivers and route still replaces the defaults', () => {
    const config = resolveConfig({
      alertmanager: { receivers: [billing], route: { receiver: 'billing-team', routes: [] } },
    });
    expect(allReceivers(config.alertmanager).map((r) => r.name)).toEqual(['billing-team']);
  });

  test('fails, one line naming the key, a name the defaults have, a route to no receiver, a route that takes every alert', () => {
    expect(configProblems({ alertmanager: { extraReceivers: [{ ...billing, name: 'critical' }] } })).toEqual([
      '/alertmanager/extraReceivers/0/name: duplicate receiver "critical" (/alertmanager/receivers/1 has it)',
    ]);
    expect(
      configProblems({ alertmanager: { extraReceivers: [billing], extraRoutes: [{ ...route, receiver: 'billing' }] } }),
    ).toEqual([
      '/alertmanager/extraRoutes/0/receiver: no receiver named "billing" (expected one of: default, critical, warning, billing-team)',
    ]);
    expect(
      configProblems({
        alertmanager: { extraReceivers: [billing], extraRoutes: [{ receiver: 'billing-team', continue: false }] },
      }),
    ).toEqual([
      '/alertmanager/route/routes/0: is never reached: /alertmanager/extraRoutes/0 before it has no matchers and no continue, so it takes every alert',
      '/alertmanager/route/routes/1: is never reached: /alertmanager/extraRoutes/0 before it has no matchers and no continue, so it takes every alert',
    ]);
    expect(configProblems({ alertmanager: { extraReceivers: [billing] } })).toEqual([
      '/alertmanager/extraReceivers/0: receiver "billing-team" is used by no route',
    ]);
  });
});

describe('the seed 001 tree', () => {
  test('e-mails critical alerts as well as paging them, as its email handler takes every alert', () => {
    const config = loadConfig(path.join(REPO_ROOT, 'examples', 'multiagents', 'agent-o11y.yaml'));
    const am = yaml.load(configMapData(synthStack(config).files.alertmanager, 'alertmanager', 'alertmanager.yml')) as {
      receivers: Array<{ name: string; email_configs?: Array<{ to: string }> }>;
    };
    const critical = am.receivers.find((r) => r.name === 'critical')!;
    expect(critical.email_configs?.map((e) => e.to)).toEqual(['agents-alerts@example.com']);
    expect(Object.keys(critical).sort()).toEqual(['email_configs', 'name', 'pagerduty_configs', 'slack_configs']);
  });
});
