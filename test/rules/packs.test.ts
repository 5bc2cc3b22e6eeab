import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { DEFAULTS, StackConfig } from '../../src/config';
import {
  activeRuleGroups,
  ALL_PACKS,
  AlertRule,
  alertRules,
  queriedMetrics,
  renderRuleFile,
  runbookUrl,
  undeclaredMetrics,
  activeCatalogs,
  scrapeJobs,
  unreachableAlerts,
  PACK_INHIBITIONS,
} from '../../rules';
import { ConfigError, resolveConfig } from '../../src/config/loader';
import { configMapData, synthStack } from '../helpers';
import { requireTool } from '../tools';
import { PromTest, runPromtool, showsAlert, showsAlwaysFiring } from './promtest';
import { ALL_PLATFORMS, EVERYTHING, PLATFORM_SOURCES, PROGRESSIVE_SOURCES, PROMTEST_CONFIG } from './sources';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const promtool = requireTool('promtool');

// The SLO pack's promtool tests are generated with its rules (test/rules/slo.test.ts).
describe.each(Object.keys(ALL_PACKS).filter((p) => p !== 'slo'))('the %s pack', (pack) => {
  const groups = ALL_PACKS[pack as keyof typeof ALL_PACKS](PROMTEST_CONFIG);
  const alerts = alertRules(groups);
  const promtestFile = path.join(REPO_ROOT, 'rules', `${pack}.promtest.yaml`);
  const promtest = yaml.load(fs.readFileSync(promtestFile, 'utf8')) as PromTest;
  const ruleFile = `${pack}.rules.yaml`;

  // dist/rules pins the packs the default config renders (stack, ms-framework); the snapshot holds the others, once.
  if (!['stack', ...DEFAULTS.platforms].includes(pack)) {
    test('the rendered rule file is stable', () => {
      expect(renderRuleFile(groups)).toMatchSnapshot();
    });
  }

  test.each(alerts.map((a): [string, AlertRule] => [a.alert, a]))(
    '%s has a severity, a summary, a description and a runbook that exists',
    (name, rule) => {
      // `none` is the Watchdog's alone: it pages no one, it only proves the path works.
      expect(name === 'Watchdog' ? ['none'] : ['critical', 'warning', 'info']).toContain(rule.labels.severity);
      expect(rule.annotations.summary).not.toBe('');
      expect(rule.annotations.description).not.toBe('');
      // No link unless alerts.runbookBaseUrl says where docs/runbooks is served (then <base>/<name>.md).
      expect(rule.annotations.runbook_url).toBeUndefined();
      expect(fs.existsSync(path.join(REPO_ROOT, 'docs', 'runbooks', `${name}.md`))).toBe(true);
    },
  );

  test('its promtest reads the rules from the file the tests render', () => {
    expect(promtest.rule_files).toEqual([ruleFile]);
  });

  test.each(alerts.map((a): [string, AlertRule] => [a.alert, a]))(
    '%s is shown not firing before its for: and firing with exact labels after it',
    (name, rule) => {
      // An alert that reads no series can never be silent: it is shown firing on no input instead.
      const constant = queriedMetrics(rule.expr).length === 0;
      expect(constant ? showsAlwaysFiring(promtest, name) : showsAlert(promtest, name, rule.for)).toBe(true);
    },
  );

  test('its promtest names only alerts of the pack', () => {
    const names = new Set(alerts.map((a) => a.alert));
    const tested = promtest.tests.flatMap((group) => (group.alert_rule_test ?? []).map((c) => c.alertname));
    expect(tested.filter((name) => !names.has(name))).toEqual([]);
  });

  describe('promtool', () => {
    let dir: string;
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), `${pack}-rules-`));
      fs.writeFileSync(path.join(dir, ruleFile), renderRuleFile(groups));
      fs.copyFileSync(promtestFile, path.join(dir, path.basename(promtestFile)));
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    test('accepts the rendered rules', () => {
      expect(runPromtool(promtool, ['check', 'rules', path.join(dir, ruleFile)])).toContain('SUCCESS');
    });

    test('passes the unit tests beside the rules', () => {
      expect(runPromtool(promtool, ['test', 'rules', path.join(dir, path.basename(promtestFile))])).toContain(
        'SUCCESS',
      );
    });
  });
});

describe('metric catalogues', () => {
  test('every rule of every pack queries only metrics its catalogues declare', () => {
    expect(() => activeRuleGroups(EVERYTHING)).not.toThrow();
    for (const platform of ALL_PLATFORMS) {
      expect(() =>
        activeRuleGroups({
          ...DEFAULTS,
          platforms: [platform],
          ...PLATFORM_SOURCES[platform],
        }),
      ).not.toThrow();
    }
  });

  test('metrics are found by parsing, including __name__ matchers', () => {
    expect(
      queriedMetrics('sum by (le) (rate(a_bucket{x="y"}[5m])) / on() group_left b and {__name__="c"}').map(
        (r) => r.text,
      ),
    ).toEqual(['a_bucket', 'b', '__name__="c"']);
    expect(queriedMetrics('{__name__=~"d_(x|y)"}')[0]!.pattern?.test('d_x')).toBe(true);
    expect(() => queriedMetrics('sum(')).toThrow('not valid PromQL');
  });

  test('fails naming the rule and the metric when a rule queries an uncatalogued metric', () => {
    const groups = [
      {
        name: 'g',
        rules: [
          {
            alert: 'Oops',
            expr: 'agent_memory_bytes > 1 and made_up_metric > 0',
            labels: { severity: 'warning' as const },
            annotations: { summary: 's', description: 'd', runbook_url: 'u' },
          },
        ],
      },
    ];
    expect(undeclaredMetrics(groups, activeCatalogs(['ms-framework']))).toEqual([
      'alert Oops (group g) queries made_up_metric, which no active metric catalogue declares (stack, logstash, ms-framework)',
    ]);
  });

  test('a pack whose platform is not active fails the check; declaring its metrics as custom ones passes', () => {
    const groups = ALL_PACKS.multiagents(DEFAULTS);
    expect(undeclaredMetrics(groups, activeCatalogs(['ms-framework']))[0]).toMatch(
      /^recording rule job:multiagents_events_errors:ratio_rate5m \(group multiagents_recording\) queries multiagents_events_total, /,
    );
    const custom = activeCatalogs(
      ['ms-framework'],
      [
        { name: 'multiagents_events_total', type: 'counter' },
        { name: 'multiagents_event_duration_seconds', type: 'histogram' },
        { name: 'multiagents_system_cpu_percent', type: 'gauge' },
        { name: 'multiagents_worker_executions_total', type: 'counter' },
        { name: 'multiagents_worker_duration_seconds', type: 'histogram' },
        { name: 'multiagents_workflow_duration', type: 'histogram' },
      ],
    );
    expect(undeclaredMetrics(groups, custom)).toEqual([]);
  });

  test('an agent the progressive-v5 catalogue does not know fails synth until its metrics are declared', () => {
    const withAgent = (customMetrics: StackConfig['customMetrics']): StackConfig => ({
      ...DEFAULTS,
      platforms: ['progressive-v5'],
      customMetrics,
      scrapeTargets: PROGRESSIVE_SOURCES.scrapeTargets,
      alerts: {
        ...DEFAULTS.alerts,
        progressiveV5: { ...DEFAULTS.alerts.progressiveV5, agents: ['mca', 'spa'] },
      },
    });
    expect(() => activeRuleGroups(withAgent([]))).toThrow(
      'recording rule agent_type_status_code:requests:rate5m (group progressive_framework_recording) queries spa_requests_total, which no active metric catalogue declares (stack, logstash, node-exporter, kube-state-metrics, elasticsearch-exporter, kubelet, cadvisor, cert-manager, span-metrics, progressive-v5)\n',
    );
    expect(() =>
      activeRuleGroups(
        withAgent([
          { name: 'spa_requests_total', type: 'counter' },
          { name: 'spa_request_duration_seconds', type: 'histogram' },
          { name: 'spa_health_status', type: 'gauge' },
          { name: 'spa_process_resident_memory_bytes', type: 'gauge' },
        ]),
      ),
    ).not.toThrow();
  });

  test('alerts.for replaces a seed for: duration and fails on an unknown alert', () => {
    const groups = activeRuleGroups({ ...DEFAULTS, alerts: { ...DEFAULTS.alerts, for: { AgentCrashLoop: '7m' } } });
    expect(alertRules(groups['ms-framework']!).find((a) => a.alert === 'AgentCrashLoop')?.for).toBe('7m');
    expect(() => activeRuleGroups({ ...DEFAULTS, alerts: { ...DEFAULTS.alerts, for: { NoSuchAlert: '7m' } } })).toThrow(
      "alerts.for: no active alert named 'NoSuchAlert'",
    );
  });

  test('refuses, one line each, every alert that could never fire in the rendered stack, and leaves out disabled ones', () => {
    const unreachable = () =>
      activeRuleGroups({
        ...DEFAULTS,
        platforms: ['progressive-v5'],
        kubeStateMetrics: { ...DEFAULTS.kubeStateMetrics, enabled: false },
        kubelet: { ...DEFAULTS.kubelet, enabled: false },
      });
    expect(unreachable).toThrow(ConfigError);
    const problems = (() => {
      try {
        unreachable();
        return [];
      } catch (e) {
        return (e as ConfigError).problems;
      }
    })();
    expect(problems).toEqual([
      'alert HighPodCPUUsage (group infrastructure.rules) queries container_cpu_usage_seconds_total, which comes from cadvisor, which this stack does not scrape: set kubelet.enabled: true, or list HighPodCPUUsage in alerts.disabled',
      'alert PodRestartLoop (group infrastructure.rules) queries kube_pod_container_status_restarts_total, which comes from kube-state-metrics, which this stack does not scrape: set kubeStateMetrics.enabled: true, or list PodRestartLoop in alerts.disabled',
      'alert MCAAgentDown (group progressive_framework.rules) selects up{job="mca"}, but no scrape job is named "mca" (jobs: prometheus, alertmanager, otel-collector, otel-agent, jaeger, grafana, logstash, node-exporter, elasticsearch-exporter, cert-manager, agents, kubernetes-pods): add a scrapeTargets entry with job: mca, or list MCAAgentDown in alerts.disabled',
      'alert PostgreSQLDown (group infrastructure.rules) selects up{job="postgres"}, but no scrape job is named "postgres" (jobs: prometheus, alertmanager, otel-collector, otel-agent, jaeger, grafana, logstash, node-exporter, elasticsearch-exporter, cert-manager, agents, kubernetes-pods): add a scrapeTargets entry with job: postgres, or list PostgreSQLDown in alerts.disabled',
      'alert RedisDown (group infrastructure.rules) selects up{job="redis"}, but no scrape job is named "redis" (jobs: prometheus, alertmanager, otel-collector, otel-agent, jaeger, grafana, logstash, node-exporter, elasticsearch-exporter, cert-manager, agents, kubernetes-pods): add a scrapeTargets entry with job: redis, or list RedisDown in alerts.disabled',
    ]);
    const names = Object.values(activeRuleGroups(EVERYTHING))
      .flatMap(alertRules)
      .map((a) => a.alert);
    expect(names).toContain('MCAAgentDown');
    expect(names).toContain('HighPodCPUUsage');
    expect(() =>
      activeRuleGroups({ ...EVERYTHING, alerts: { ...EVERYTHING.alerts, disabled: ['NoSuchAlert'] } }),
    ).toThrow('/alerts/disabled/0: no active alert is named "NoSuchAlert"');
  });

  test('fails an alert whose selector requires a label no series of its metric carries, and not one an absent label satisfies', () => {
    const rule = (alert: string, expr: string) => ({
      alert,
      expr,
      labels: { severity: 'warning' as const },
      annotations: { summary: 's', description: 'd' },
    });
    const groups = [
      {
        name: 'g',
        rules: [
          // agent_type is one of its own labels; namespace and pod come with its scrape.
          rule('Fine', 'agent_memory_bytes{agent_type="coder",namespace="ms",pod=~"agent-.*"} > 1'),
          // Absent, service satisfies each of these.
          rule('Absent', 'agent_memory_bytes{service!="x",tier="",zone=~"a|",region!~"eu.*"} > 1'),
          rule('Typo', 'agent_memory_bytes{agent_typ="coder"} > 1'),
          rule('OtlpOnly', 'multiagents_workflows_total{otel_scope_name="m",service_name="w"} > 1'),
        ],
      },
    ];
    expect(unreachableAlerts(groups, activeCatalogs(['ms-framework', 'multiagents']), scrapeJobs(DEFAULTS))).toEqual([
      'alert Typo (group g) selects agent_memory_bytes{agent_typ="coder"}, but no series of agent_memory_bytes carries agent_typ (its labels: agent_id, agent_type, instance, job, namespace, pod): fix the selector, or list Typo in alerts.disabled',
      'alert OtlpOnly (group g) selects multiagents_workflows_total{service_name="w"}, but no series of multiagents_workflows_total carries service_name (its labels: instance, job, namespace, otel_scope_name, pod, status, workflow_id): fix the selector, or list OtlpOnly in alerts.disabled',
    ]);
  });

  test('the jobs the check knows are the jobs Prometheus renders', () => {
    const config = resolveConfig({ platforms: ['progressive-v5'], ...PROGRESSIVE_SOURCES });
    const prometheus = yaml.load(
      configMapData(synthStack(config).files.prometheus, 'prometheus', 'prometheus.yml'),
    ) as { scrape_configs: Array<{ job_name: string }> };
    expect(prometheus.scrape_configs.map((j) => j.job_name).sort()).toEqual([...scrapeJobs(config)].sort());
  });

  test('links every alert to its runbook under alerts.runbookBaseUrl, and none without it', () => {
    const linked = Object.values(
      activeRuleGroups({
        ...DEFAULTS,
        alerts: { ...DEFAULTS.alerts, runbookBaseUrl: 'https://docs.example.com/runbooks' },
      }),
    ).flatMap(alertRules);
    expect(
      linked.filter((a) => a.annotations.runbook_url !== runbookUrl('https://docs.example.com/runbooks', a.alert)),
    ).toEqual([]);
    expect(
      Object.values(activeRuleGroups(DEFAULTS))
        .flatMap(alertRules)
        .filter((a) => a.annotations.runbook_url !== undefined),
    ).toEqual([]);
  });

  test('alert names are unique across all packs, but for one condition at two severities or on two budgets', () => {
    // One name for one condition: its rules differ in their labels (severity; GenAiSpendBudgetBurn's budget).
    const names = Object.values(activeRuleGroups(EVERYTHING))
      .flatMap(alertRules)
      .map((a) => `${a.alert} ${JSON.stringify(a.labels)}`);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });
});

describe.each(
  Object.entries(PACK_INHIBITIONS).flatMap(([pack, pairs]) => (pairs ?? []).map((pair) => [pack, pair] as const)),
)('the %s pack inhibition %o', (pack, pair) => {
  // The labels each alert is shown firing with in its pack's promtool test (the SLO pack's is generated
  // with its rules), and Prometheus' external labels.
  const text =
    pack === 'slo'
      ? synthStack(EVERYTHING).parts.ruleTests['slo.promtest.yaml']!
      : fs.readFileSync(path.join(REPO_ROOT, 'rules', `${pack}.promtest.yaml`), 'utf8');
  const promtest = yaml.load(text) as {
    tests: Array<{
      alert_rule_test?: Array<{ alertname: string; exp_alerts?: Array<{ exp_labels: Record<string, string> }> }>;
    }>;
  };
  const prometheusYml = yaml.load(
    configMapData(synthStack(EVERYTHING).files.prometheus, 'prometheus', 'prometheus.yml'),
  ) as { global: { external_labels: Record<string, string> } };
  const external = Object.keys(prometheusYml.global.external_labels);
  const firing = (alert: string, severity?: string) =>
    promtest.tests
      .flatMap((t) => t.alert_rule_test ?? [])
      .filter((c) => c.alertname === alert)
      .flatMap((c) => c.exp_alerts ?? [])
      .filter((a) => severity === undefined || a.exp_labels.severity === severity)
      .map((a) => [...Object.keys(a.exp_labels), ...external]);

  test('mutes only where both alerts carry every `equal` label: an absent one would count as equal everywhere', () => {
    for (const [alert, severity] of [
      [pair.source, pair.sourceSeverity],
      [pair.target, pair.targetSeverity],
    ] as const) {
      expect(firing(alert, severity).length).toBeGreaterThan(0);
      for (const labels of firing(alert, severity)) expect(labels).toEqual(expect.arrayContaining([...pair.equal]));
    }
  });
});
