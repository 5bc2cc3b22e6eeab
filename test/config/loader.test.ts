import * as fs from 'fs';
import { dashboardFiles, PLATFORM_DASHBOARDS } from '../../dashboards/all';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { DEFAULTS, loadConfig, resolveConfig, StackConfig } from '../../src/config';
import { configProblems } from '../helpers';
import { stackApp, withStackProblems } from '../../app/stack';

/**
 * The problems synth rejects a config document with (the loader's, then the constructs'); fails the test
 * when it is accepted or throws something else.
 */
function problemsOf(user: unknown): string[] {
  const problems = configProblems(user);
  if (problems.length === 0) throw new Error(`config was accepted: ${JSON.stringify(user)}`);
  return problems;
}

/** A config document as a user writes it: YAML text, parsed the way loadConfig parses it. */
function fromYaml(text: string): unknown {
  return yaml.load(text);
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const TOP_LEVEL_KEYS = Object.keys(require('../../src/config/schema.json').definitions.StackConfig.properties).join(
  ', ',
);

/** Receivers that keep every route of the defaults valid, for cases that replace the list. */
const DEFAULT_RECEIVER_NAMES = [{ name: 'default' }, { name: 'critical' }, { name: 'warning' }];

describe('resolveConfig defaults and profiles', () => {
  test('an empty document resolves to the built-in defaults under the dev profile', () => {
    const config = resolveConfig({});
    expect(config).toEqual({ ...DEFAULTS, common: { ...DEFAULTS.common, logLevel: 'debug' } });
    expect(config.profile).toBe('dev');
  });

  test('a null document (an empty YAML file) resolves like an empty mapping', () => {
    expect(resolveConfig(null)).toEqual(resolveConfig({}));
    expect(resolveConfig(undefined)).toEqual(resolveConfig({}));
  });

  test('the dev profile only raises the log level to debug', () => {
    const dev = resolveConfig({ profile: 'dev' });
    expect(dev.common).toEqual({
      namespace: 'observability',
      cluster: 'agents',
      environment: 'dev',
      logLevel: 'debug',
    });
    expect(dev.prometheus).toEqual(DEFAULTS.prometheus);
    expect(dev.alertmanager.replicas).toBe(1);
    expect(dev.elasticsearch).toEqual(DEFAULTS.elasticsearch);
  });

  test('the staging profile scales the collector and grows Prometheus and Elasticsearch storage', () => {
    const staging = resolveConfig({ profile: 'staging' });
    expect(staging.common.environment).toBe('staging');
    expect(staging.common.logLevel).toBe('info');
    expect(staging.collector.replicas).toBe(2);
    expect(staging.prometheus.storage).toEqual({ size: '50Gi' });
    expect(staging.prometheus.retention).toEqual({ time: '30d', size: '40GB' });
    expect(staging.elasticsearch.storage).toEqual({ size: '100Gi' });
    // What staging does not name stays at the defaults.
    expect(staging.prometheus.replicas).toBe(1);
    expect(staging.prometheus.resources).toEqual(DEFAULTS.prometheus.resources);
    expect(staging.alertmanager.replicas).toBe(1);
    expect(staging.elasticsearch.replicas).toBe(1);
  });

  test('the production profile sets replicas, resources, storage, retention and scrape intervals', () => {
    const production = resolveConfig({ profile: 'production' });
    expect(production.common).toEqual({
      namespace: 'observability',
      cluster: 'agents',
      environment: 'production',
      logLevel: 'info',
    });
    expect(production.collector.replicas).toBe(3);
    expect(production.collector.resources).toEqual({
      requests: { cpu: '500m', memory: '1Gi' },
      limits: { cpu: '2', memory: '1Gi' },
    });
    expect(production.prometheus.replicas).toBe(2);
    expect(production.prometheus.resources).toEqual({
      requests: { cpu: '1', memory: '4Gi' },
      limits: { cpu: '4', memory: '8Gi' },
    });
    expect(production.prometheus.storage).toEqual({ size: '200Gi' });
    expect(production.prometheus.retention).toEqual({ time: '90d', size: '180GB' });
    expect(production.prometheus.scrapeInterval).toBe('15s');
    expect(production.prometheus.evaluationInterval).toBe('15s');
    expect(production.alertmanager.replicas).toBe(3);
    expect(production.jaeger.replicas).toBe(2);
    expect(production.elasticsearch.replicas).toBe(3);
    expect(production.elasticsearch.storage).toEqual({ size: '500Gi' });
    expect(production.elasticsearch.heap).toBe('4g');
    expect(production.logstash).toMatchObject({ replicas: 2, storage: { size: '20Gi' }, heap: '1g', workers: 4 });
    expect(production.grafana.resources.limits).toEqual({ cpu: '1', memory: '1Gi' });
    expect(production.kibana.resources.limits).toEqual({ cpu: '1', memory: '2Gi' });
    // Routing and secrets are not environment-specific.
    expect(production.alertmanager.route).toEqual(DEFAULTS.alertmanager.route);
    expect(production.grafana.admin).toEqual(DEFAULTS.grafana.admin);
  });

  test('resolving a profile leaves the built-in defaults unchanged', () => {
    const before = JSON.stringify(DEFAULTS);
    resolveConfig({ profile: 'production', prometheus: { retention: { time: '3d' } } });
    expect(JSON.stringify(DEFAULTS)).toBe(before);
  });
});

describe('resolveConfig merge order: defaults <- profile <- user', () => {
  test('the user document overrides what the profile set and keeps the rest of the profile', () => {
    const config = resolveConfig({ profile: 'production', prometheus: { replicas: 1, retention: { size: '100GB' } } });
    expect(config.prometheus.replicas).toBe(1);
    expect(config.prometheus.retention).toEqual({ time: '90d', size: '100GB' });
    expect(config.prometheus.storage).toEqual({ size: '200Gi' });
    expect(config.alertmanager.replicas).toBe(3);
  });

  test('the user document overrides the log level the dev profile set', () => {
    expect(resolveConfig({ common: { logLevel: 'warn' } }).common).toEqual({ ...DEFAULTS.common, logLevel: 'warn' });
  });

  test('a user object merges key by key into the resources of the profile', () => {
    const config = resolveConfig({ profile: 'production', prometheus: { resources: { limits: { memory: '16Gi' } } } });
    expect(config.prometheus.resources).toEqual({
      requests: { cpu: '1', memory: '4Gi' },
      limits: { cpu: '4', memory: '16Gi' },
    });
  });

  test("a user's namespace selector replaces the default's instead of being ANDed with it", () => {
    expect(
      resolveConfig({ network: { telemetryFrom: { matchLabels: { team: 'agents' } } } }).network.telemetryFrom,
    ).toEqual({ matchLabels: { team: 'agents' } });
    expect(resolveConfig({ network: { telemetryFrom: { allNamespaces: true } } }).network.telemetryFrom).toEqual({
      allNamespaces: true,
    });
  });

  test('a user array replaces the default array instead of merging into it', () => {
    const receivers: StackConfig['alertmanager']['receivers'] = [
      {
        name: 'default',
        email: [{ to: 'ops@example.com', from: 'am@example.com', smarthost: 'smtp.example.com:587' }],
      },
    ];
    const config = resolveConfig({
      alertmanager: { route: { groupBy: ['alertname'], routes: [] }, receivers, inhibitRules: [] },
    });
    expect(config.alertmanager.receivers).toEqual(receivers);
    expect(config.alertmanager.route).toEqual({ ...DEFAULTS.alertmanager.route, groupBy: ['alertname'], routes: [] });
    expect(config.alertmanager.inhibitRules).toEqual([]);
  });

  test('loadConfig reads a YAML file and applies it over its profile', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-o11y-loader-'));
    try {
      const file = path.join(dir, 'agent-o11y.yaml');
      fs.writeFileSync(
        file,
        'profile: staging\ncollector:\n  replicas: 4\nalertmanager:\n  route:\n    groupBy: [alertname]\n',
      );
      const config = loadConfig(file);
      expect(config.profile).toBe('staging');
      expect(config.collector.replicas).toBe(4);
      expect(config.prometheus.retention.time).toBe('30d');
      expect(config.alertmanager.route.groupBy).toEqual(['alertname']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * Each case: a config with one mistake and the one line it must be rejected with
 * (JSON path, what is expected, the value received).
 */
const MALFORMED: Array<[string, unknown, string]> = [
  [
    'a number field given a string',
    { alerts: { msFramework: { agentMemoryGiB: 'lots' } } },
    '/alerts/msFramework/agentMemoryGiB: must be number, got "lots"',
  ],
  [
    'an unknown key in a component',
    { grafana: { adminPassword: 'x' } },
    '/grafana/adminPassword: unknown key (expected one of: resources, storage, admin, elasticsearch, sso)',
  ],
  [
    'an unknown nested key',
    { prometheus: { retention: { foo: 1 } } },
    '/prometheus/retention/foo: unknown key (expected one of: time, size)',
  ],
  ['negative replicas', { collector: { replicas: -1 } }, '/collector/replicas: must be >= 1, got -1'],
  ['zero replicas', { jaeger: { replicas: 0 } }, '/jaeger/replicas: must be >= 1, got 0'],
  ['more replicas than the maximum', { logstash: { replicas: 16 } }, '/logstash/replicas: must be <= 15, got 16'],
  [
    '2 Alertmanager replicas',
    { alertmanager: { replicas: 2 } },
    '/alertmanager/replicas: 2 peers cannot keep quorum, use 1 or 3 and more, got 2',
  ],
  [
    '2 Elasticsearch replicas',
    { elasticsearch: { replicas: 2 } },
    '/elasticsearch/replicas: 2 master-eligible nodes cannot elect a master after one fails, use 1 or 3 and more, got 2',
  ],
  [
    'a duration written in words',
    { prometheus: { scrapeInterval: '5 minutes' } },
    '/prometheus/scrapeInterval: must be a duration like 30s, 5m, 2h or 7d, got "5 minutes"',
  ],
  [
    'a retention shorter than the 2h block',
    { prometheus: { retention: { time: '1h' } } },
    '/prometheus/retention/time: must be at least the 2h block duration, got "1h"',
  ],
  // What a real tool or the API server would refuse later (issue 11), each with its one line.
  [
    'a repeat interval of 0',
    { alertmanager: { route: { receiver: 'default', repeatInterval: '0s' } } },
    '/alertmanager/route/repeatInterval: must be longer than 0 (Alertmanager refuses 0), got "0s"',
  ],
  [
    'an e-mail receiver without an address',
    {
      alertmanager: {
        receivers: [{ name: 'default', email: [{ to: '', from: 'am@example.com', smarthost: 'smtp:587' }] }],
      },
    },
    '/alertmanager/receivers/0/email/0/to: must not be empty, got ""',
  ],
  [
    'an SMTP port out of range',
    {
      alertmanager: {
        route: { receiver: 'default', routes: [] },
        receivers: [
          { name: 'default', email: [{ to: 'ops@example.com', from: 'am@example.com', smarthost: 'smtp:99999' }] },
        ],
      },
    },
    '/alertmanager/receivers/0/email/0/smarthost: the port must be 1 to 65535, got "smtp:99999"',
  ],
  [
    'a receiver without a name',
    { alertmanager: { receivers: [{ name: 'default' }, { name: '' }] } },
    '/alertmanager/receivers/1/name: must not be empty, got ""',
  ],
  [
    'a matcher whose regular expression does not compile',
    { alertmanager: { route: { receiver: 'default', matchers: ['severity=~"crit(ical"'] } } },
    '/alertmanager/route/matchers/0: the regular expression does not compile, got "severity=~\\"crit(ical\\""',
  ],
  [
    'a duration past what Go holds',
    { alerts: { for: { HighTaskErrorRate: '99999999999999999999d' } } },
    '/alerts/for/HighTaskErrorRate: must be at most 292y (the longest duration Go programs hold), got "99999999999999999999d"',
  ],
  [
    'a namespace whose agent namespace would pass 63 characters',
    { common: { namespace: 'a'.repeat(58) } },
    `/common/namespace: must be at most 57 characters, since the agent's namespace is <namespace>-agent (or set /collector/agent/namespace), got "${'a'.repeat(58)}"`,
  ],
  [
    "cert-manager's namespace not a DNS label",
    { pki: { clusterResourceNamespace: 'Cert_Manager' } },
    '/pki/clusterResourceNamespace: must be a DNS-1123 label (lower-case letters, digits and -), got "Cert_Manager"',
  ],
  [
    'a root issuer that is no object name',
    { pki: { rootIssuer: 'My Corp Issuer!' } },
    '/pki/rootIssuer: must be a DNS-1123 subdomain (lower-case letters, digits, - and .), got "My Corp Issuer!"',
  ],
  [
    'a StorageClass that is no object name',
    { prometheus: { storage: { storageClass: 'Fast_SSD' } } },
    '/prometheus/storage/storageClass: must be a DNS-1123 subdomain (lower-case letters, digits, - and .), got "Fast_SSD"',
  ],
  [
    'a volume of 0 bytes',
    { prometheus: { storage: { size: '0Gi' } } },
    '/prometheus/storage/size: must be a byte quantity like 512Mi or 10Gi (more than 0, at most 6 digits), got "0Gi"',
  ],
  [
    'a quantity past 64 bits',
    { prometheus: { storage: { size: '99999999999999999999Ti' } } },
    '/prometheus/storage/size: must be a byte quantity like 512Mi or 10Gi (more than 0, at most 6 digits), got "99999999999999999999Ti"',
  ],
  [
    'a request above its limit',
    { collector: { resources: { requests: { memory: '1Gi' } } } },
    '/collector/resources/requests/memory: must not exceed /collector/resources/limits/memory (512Mi), got "1Gi"',
  ],
  [
    'a label key that is not one',
    { network: { telemetryFrom: { matchLabels: { 'agent o11y/telemetry!': 'enabled' } } } },
    '/network/telemetryFrom/matchLabels: "agent o11y/telemetry!" must be a label key like app.kubernetes.io/name',
  ],
  [
    'a label value that is not one',
    { network: { telemetryFrom: { matchLabels: { team: 'agent o11y!' } } } },
    '/network/telemetryFrom/matchLabels/team: must be a label value (at most 63 letters, digits, -, _ and ., starting and ending with a letter or digit), got "agent o11y!"',
  ],
  [
    'a Secret key with a space',
    { elasticsearch: { elasticPassword: { secretName: 'elasticsearch-elastic', key: 'elastic password' } } },
    '/elasticsearch/elasticPassword/key: must be a Secret key (letters, digits, -, _ and .), got "elastic password"',
  ],
  [
    'an empty Secret key',
    { grafana: { admin: { secretName: 'grafana-admin', usernameKey: '', passwordKey: 'password' } } },
    '/grafana/admin/usernameKey: must be a Secret key (letters, digits, -, _ and .), got ""',
  ],
  [
    'the kube-system namespace',
    { common: { namespace: 'kube-system' } },
    `/common/namespace: must be a namespace of the stack's own (it gets default-deny NetworkPolicies and the "restricted" Pod Security Standard), not default, kube-system, kube-public, kube-node-lease, got "kube-system"`,
  ],
  [
    'kube-system as the agent namespace',
    { collector: { agent: { namespace: 'kube-system' } } },
    `/collector/agent/namespace: must be a namespace of the stack's own (it gets default-deny NetworkPolicies and the "privileged" Pod Security Standard), not default, kube-system, kube-public, kube-node-lease, got "kube-system"`,
  ],
  [
    "cert-manager's namespace",
    { common: { namespace: 'cert-manager' } },
    `/common/namespace: must not be cert-manager's (/pki/clusterResourceNamespace): the stack's default-deny NetworkPolicies and "restricted" Pod Security would apply to cert-manager, got "cert-manager"`,
  ],
  [
    'scrape limits for a job that does not exist',
    { prometheus: { scrapeLimits: { jobs: { agent: { samples: 10 } } } } },
    '/prometheus/scrapeLimits/jobs/agent: no scrape job is named so (expected one of: prometheus, alertmanager, otel-collector, otel-agent, node-exporter, kube-state-metrics, elasticsearch-exporter, agents, jaeger, logstash, grafana, kubelet, cadvisor, cert-manager, kubernetes-pods)',
  ],
  [
    'a label limit below the labels of a catalogued metric',
    { platforms: ['ms-framework'], prometheus: { scrapeLimits: { labels: 2 } } },
    "/prometheus/scrapeLimits/labels: must be at least 9, the labels of elasticsearch-exporter's elasticsearch_filesystem_data_available_bytes (cluster, host, name, es_master_node, es_data_node, es_ingest_node, es_client_node, mount, path), or every scrape serving it fails, got 2",
  ],
  [
    'a slow-workflow threshold between bucket boundaries',
    { platforms: ['multiagents'], alerts: { multiagents: { slowWorkflowMs: 30000 } } },
    '/alerts/multiagents/slowWorkflowMs: must be one of /alerts/multiagents/workflowDurationBoundariesMs (0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000), the buckets multiagents_workflow_duration is recorded in, got 30000',
  ],
  [
    'spans kept less than a day',
    { retention: { traces: '0d' } },
    '/retention/traces: must be at least 1d (spans live in daily indices, and the cleaner deletes whole days), got "0d"',
  ],
  [
    'an Elasticsearch heap over half its memory',
    { elasticsearch: { heap: '2g' } },
    '/elasticsearch/heap: must be at most half of /elasticsearch/resources/limits/memory (2Gi), the rest being the filesystem cache\'s, got "2g"',
  ],
  [
    'a Prometheus retention size larger than its volume',
    { prometheus: { retention: { size: '40GB' } } },
    '/prometheus/retention/size: must fit /prometheus/storage/size (20Gi), or the volume fills before the oldest blocks go, got "40GB"',
  ],
  [
    'a namespace selector with no labels (it would select every namespace)',
    { network: { uiFrom: { matchLabels: {} } } },
    '/network/uiFrom: must give matchLabels (at least one label) or allNamespaces: true (every namespace of the cluster), not neither, got {"matchLabels":{}}',
  ],
  [
    'a namespace selector with labels and allNamespaces',
    { network: { telemetryFrom: { matchLabels: { team: 'agents' }, allNamespaces: true } } },
    '/network/telemetryFrom: must give matchLabels (at least one label) or allNamespaces: true (every namespace of the cluster), not both, got {"matchLabels":{"team":"agents"},"allNamespaces":true}',
  ],
  [
    'a scrape target named like a stack job',
    { scrapeTargets: [{ job: 'agents', namespace: 'shop', matchLabels: { app: 'api' }, port: 8080 }] },
    '/scrapeTargets/0/job: must differ from the stack\'s jobs and the other targets\' (prometheus, alertmanager, otel-collector, otel-agent, node-exporter, kube-state-metrics, elasticsearch-exporter, agents, jaeger, logstash, grafana, kubelet, cadvisor, cert-manager, kubernetes-pods), got "agents"',
  ],
  [
    'a scrape target with a port and a port name',
    {
      scrapeTargets: [{ job: 'api', namespace: 'shop', matchLabels: { app: 'api' }, port: 8080, portName: 'metrics' }],
    },
    '/scrapeTargets/0: must give port (a number) or portName, not both',
  ],
  [
    "a scrape target in the stack's namespace",
    { scrapeTargets: [{ job: 'api', namespace: 'observability', matchLabels: { app: 'api' }, portName: 'metrics' }] },
    '/scrapeTargets/0/namespace: must be the platform\'s, not one of the stack\'s own (observability, observability-agent), got "observability"',
  ],
  [
    'a scrape target with TLS over http',
    {
      scrapeTargets: [
        {
          job: 'api',
          namespace: 'shop',
          matchLabels: { app: 'api' },
          portName: 'metrics',
          scheme: 'http',
          tls: { ca: 'system' },
        },
      ],
    },
    '/scrapeTargets/0/scheme: must be https (or left out) with tls, got "http"',
  ],
  [
    'a scrape target that picks every pod',
    { scrapeTargets: [{ job: 'api', namespace: 'shop', matchLabels: {}, portName: 'metrics' }] },
    '/scrapeTargets/0/matchLabels: must name at least one label, or every pod of the namespace is the target',
  ],
  [
    'an SLM schedule in five-field cron',
    { retention: { snapshots: { schedule: '30 1 * * *' } } },
    '/retention/snapshots/schedule: must be an Elasticsearch cron expression like "0 30 1 * * ?" (it has 5 fields, not 6 or 7 (seconds minutes hours day-of-month month day-of-week [year])), got "30 1 * * *"',
  ],
  [
    'an SLM schedule with both day fields set',
    { retention: { snapshots: { schedule: '0 30 1 * * *' } } },
    '/retention/snapshots/schedule: must be an Elasticsearch cron expression like "0 30 1 * * ?" (it needs ? in exactly one of day-of-month and day-of-week), got "0 30 1 * * *"',
  ],
  [
    'an SLM schedule at hour 25',
    { retention: { snapshots: { schedule: '0 30 25 * * ?' } } },
    '/retention/snapshots/schedule: must be an Elasticsearch cron expression like "0 30 1 * * ?" (the hours field "25" is outside 0-23), got "0 30 25 * * ?"',
  ],
  [
    'an S3 bucket name S3 refuses',
    { retention: { snapshots: { enabled: true, repository: { s3: { bucket: 'My_Bucket' } } } } },
    '/retention/snapshots/repository/s3/bucket: must be an S3 bucket name (3-63 lower-case letters, digits, . and -, starting and ending with a letter or digit, not an IP address), got "My_Bucket"',
  ],
  [
    'a relative snapshot path',
    { retention: { snapshots: { enabled: true, repository: { fs: { location: 'snapshots' } } } } },
    '/retention/snapshots/repository/fs/location: must be an absolute path other than / without spaces or commas (it becomes path.repo), got "snapshots"',
  ],
  [
    'a decision after the root no sooner than the decision wait',
    { collector: { sampling: { decisionWait: '5s', decisionWaitAfterRoot: '5s' } } },
    '/collector/sampling/decisionWaitAfterRoot: must be shorter than /collector/sampling/decisionWait (5s), or the root span would never speed up a decision, got "5s"',
  ],
  [
    'a decision after the root in fractions of a second',
    { collector: { sampling: { decisionWaitAfterRoot: '1500ms' } } },
    '/collector/sampling/decisionWaitAfterRoot: must be whole seconds (the collector decides once a second), got "1500ms"',
  ],
  [
    'a token threshold in fractions of a token',
    { collector: { sampling: { tokensPerCallAbove: 1500.5 } } },
    '/collector/sampling/tokensPerCallAbove: must be a whole number, got 1500.5',
  ],
  [
    'a negative token threshold',
    { collector: { sampling: { tokensPerCallAbove: -1 } } },
    '/collector/sampling/tokensPerCallAbove: must be >= 0, got -1',
  ],
  [
    'an agent-run span threshold past what the collector counts to (an int32, plus one)',
    { collector: { sampling: { agentTraceSpansAbove: 2147483647 } } },
    '/collector/sampling/agentTraceSpansAbove: must be <= 2147483646, got 2147483647',
  ],
  [
    'a tool-error switch written as a word',
    { collector: { sampling: { keepToolErrors: 'yes' } } },
    '/collector/sampling/keepToolErrors: must be boolean, got "yes"',
  ],
  [
    'a Prometheus size where a Kubernetes quantity is expected',
    { prometheus: { storage: { size: '2GB' } } },
    '/prometheus/storage/size: must be a byte quantity like 512Mi or 10Gi (more than 0, at most 6 digits), got "2GB"',
  ],
  [
    'a Kubernetes quantity where a Prometheus size is expected',
    { prometheus: { retention: { size: '40Gi' } } },
    '/prometheus/retention/size: must be a size like 512MB or 40GB, got "40Gi"',
  ],
  [
    'a CPU quantity written in words',
    { collector: { resources: { requests: { cpu: '1 core' } } } },
    '/collector/resources/requests/cpu: must be a CPU quantity like 100m or 2, got "1 core"',
  ],
  [
    'an upper-case namespace',
    { common: { namespace: 'Observability' } },
    '/common/namespace: must be a DNS-1123 label (lower-case letters, digits and -), got "Observability"',
  ],
  ['an unknown profile', { profile: 'prod' }, '/profile: must be one of "dev", "staging", "production", got "prod"'],
  [
    'an unknown log level',
    { common: { logLevel: 'verbose' } },
    '/common/logLevel: must be one of "debug", "info", "warn", "error", got "verbose"',
  ],
  [
    'a Secret reference without its key',
    {
      alertmanager: {
        receivers: [
          { name: 'default', webhook: [{ url: { secretName: 'hooks' } }] },
          { name: 'critical' },
          { name: 'warning' },
        ],
      },
    },
    '/alertmanager/receivers/0/webhook/0/url/key: is required',
  ],
  [
    'a root route naming no receiver',
    { alertmanager: { route: { receiver: 'nobody' } } },
    '/alertmanager/route/receiver: no receiver named "nobody" (expected one of: default, critical, warning)',
  ],
  [
    'a child route naming no receiver',
    { alertmanager: { route: { routes: [{ receiver: 'oncall' }] } } },
    '/alertmanager/route/routes/0/receiver: no receiver named "oncall" (expected one of: default, critical, warning)',
  ],
  [
    'a matcher in YAML syntax',
    { alertmanager: { route: { routes: [{ receiver: 'critical', matchers: ['severity: critical'] }] } } },
    '/alertmanager/route/routes/0/matchers/0: must be a matcher like severity="critical", got "severity: critical"',
  ],
  [
    'an inhibit rule matcher without an operator',
    { alertmanager: { inhibitRules: [{ sourceMatchers: ['critical'], targetMatchers: [], equal: [] }] } },
    '/alertmanager/inhibitRules/0/sourceMatchers/0: must be a matcher like severity="critical", got "critical"',
  ],
  [
    'two receivers with the same name',
    { alertmanager: { receivers: [...DEFAULT_RECEIVER_NAMES, { name: 'critical' }] } },
    '/alertmanager/receivers/3/name: duplicate receiver "critical"',
  ],
  [
    "a receiver named like the dead man's switch's",
    {
      alertmanager: {
        receivers: [...DEFAULT_RECEIVER_NAMES, { name: 'watchdog' }],
        route: { routes: [...DEFAULTS.alertmanager.route.routes!, { receiver: 'watchdog', matchers: ['team="x"'] }] },
      },
    },
    `/alertmanager/receivers/3/name: "watchdog" is the dead man's switch's receiver (set /alertmanager/deadMansSwitch), give this one another name`,
  ],
  [
    'a root route without a receiver',
    { alertmanager: { route: { receiver: null } } },
    '/alertmanager/route/receiver: must be string, got null',
  ],
  [
    'receivers given as a mapping instead of a list',
    { alertmanager: { receivers: { name: 'default' } } },
    '/alertmanager/receivers: must be array, got {"name":"default"}',
  ],
  [
    'a ratio threshold above 1',
    { alerts: { msFramework: { taskErrorRatio: 1.5 } } },
    '/alerts/msFramework/taskErrorRatio: must be <= 1, got 1.5',
  ],
  [
    'a threshold of zero',
    { alerts: { msFramework: { crashLoopSpawnsPer5m: 0 } } },
    '/alerts/msFramework/crashLoopSpawnsPer5m: must be > 0, got 0',
  ],
  [
    'a CPU percent threshold above 100',
    { alerts: { msFramework: { agentCpuPercent: 150 } } },
    '/alerts/msFramework/agentCpuPercent: must be <= 100, got 150',
  ],
  [
    'a JVM heap with an upper-case unit',
    { elasticsearch: { heap: '1G' } },
    '/elasticsearch/heap: must be a JVM heap size like 512m or 4g, got "1G"',
  ],
  [
    'an SMTP smarthost without a port',
    {
      alertmanager: {
        receivers: [
          { name: 'default', email: [{ to: 'a@example.com', from: 'b@example.com', smarthost: 'smtp.example.com' }] },
          { name: 'critical' },
          { name: 'warning' },
        ],
      },
    },
    '/alertmanager/receivers/0/email/0/smarthost: must be host:port, like smtp.example.com:587, got "smtp.example.com"',
  ],
  [
    'a document that is a list',
    fromYaml('- prometheus\n- grafana\n'),
    '/: must be a mapping of stack settings, got ["prometheus","grafana"]',
  ],
  ['a document that is a string', fromYaml('production\n'), '/: must be a mapping of stack settings, got "production"'],
  ['a document that is a number', fromYaml('42\n'), '/: must be a mapping of stack settings, got 42'],
];

describe('synth rejects malformed configs', () => {
  test.each(MALFORMED)('fails with %s', (_name, user, line) => {
    expect(problemsOf(user)).toEqual([line]);
  });

  test('fails with every problem of a document reported together, one line each', () => {
    const problems = problemsOf({
      common: { namespace: 'Observability' },
      collector: { replicas: -1 },
      prometheus: { retention: { foo: 1 } },
    });
    expect(problems).toHaveLength(3);
    expect(problems).toEqual(
      expect.arrayContaining([
        '/common/namespace: must be a DNS-1123 label (lower-case letters, digits and -), got "Observability"',
        '/collector/replicas: must be >= 1, got -1',
        '/prometheus/retention/foo: unknown key (expected one of: time, size)',
      ]),
    );
  });

  test('fails with every cross-field problem reported together', () => {
    expect(problemsOf({ alertmanager: { replicas: 2 }, prometheus: { retention: { time: '1h' } } })).toEqual([
      '/alertmanager/replicas: 2 peers cannot keep quorum, use 1 or 3 and more, got 2',
      '/prometheus/retention/time: must be at least the 2h block duration, got "1h"',
    ]);
  });

  test("names the config file in the one report of the alert packs' and the constructs' problems", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-o11y-source-'));
    const file = path.join(dir, 'agent-o11y.yaml');
    fs.writeFileSync(file, 'alerts:\n  disabled: [NoSuchAlert]\nalertmanager:\n  replicas: 2\n');
    try {
      expect(() => stackApp(withStackProblems(() => loadConfig(file)))).toThrow(
        `invalid stack config (${file}):\n  /alerts/disabled/0: no active alert is named "NoSuchAlert"\n  /alertmanager/replicas:`,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('fails with a ConfigError whose message is the header and one indented line per problem', () => {
    expect(() => resolveConfig({ jaeger: { replicas: 0 } }, 'agent-o11y.yaml')).toThrow(
      'invalid stack config (agent-o11y.yaml):\n  /jaeger/replicas: must be >= 1, got 0',
    );
  });
});

/** Configs that once slipped through or got a misleading message, each with the lines it must get. */
const FORMER_DEFECTS: Array<[string, unknown, string[]]> = [
  // Replicas carries `@TJS-type integer`, a tag ts-json-schema-generator ignores (it reads `@asType`).
  [
    'replicas given as a word',
    { prometheus: { replicas: 'three' } },
    ['/prometheus/replicas: must be a whole number, got "three"'],
  ],
  ['fractional replicas', { collector: { replicas: 1.5 } }, ['/collector/replicas: must be a whole number, got 1.5']],
  // At the root, instancePath is '' and describe() joins '/' + '/' + key.
  ['an unknown top-level key', { prometheus2: {} }, [`/prometheus2: unknown key (expected one of: ${TOP_LEVEL_KEYS})`]],
  // describe() finds the definition in schemaPath, which ajv makes relative ('#/type') for non-inlined refs.
  [
    'a literal password where a Secret reference is required',
    { elasticsearch: { elasticPassword: 'hunter2' } },
    ['/elasticsearch/elasticPassword: secrets are references ({ secretName, key }), not literals, got a string'],
  ],
  [
    'a literal user:password where a credentials reference is required',
    { grafana: { admin: 'admin:admin' } },
    ['/grafana/admin: secrets are references ({ secretName, usernameKey, passwordKey }), not literals, got a string'],
  ],
  // merge() fills the missing key from the default reference, pointing at a key of another Secret.
  [
    'a Secret reference that overrides a default one without its key',
    { elasticsearch: { elasticPassword: { secretName: 'es-elastic' } } },
    ['/elasticsearch/elasticPassword/key: is required'],
  ],
  // `profile in PROFILES` also finds Object.prototype members.
  [
    'a profile named like an Object method',
    { profile: 'toString' },
    ['/profile: must be one of "dev", "staging", "production", got "toString"'],
  ],
  ['a null profile', { profile: null }, ['/profile: must be one of "dev", "staging", "production", got null']],
  [
    'an evaluation interval longer than the retention',
    { prometheus: { evaluationInterval: '1d', retention: { time: '3h' } } },
    ['/prometheus/evaluationInterval: must not be longer than /prometheus/retention/time (3h), got "1d"'],
  ],
  // merge() assigns `__proto__` as the prototype instead of an own key, so the schema never sees it.
  [
    'a __proto__ key',
    fromYaml('prometheus:\n  __proto__:\n    replicas: 3\n'),
    [
      '/prometheus/__proto__: unknown key (expected one of: replicas, resources, storage, scrapeInterval, evaluationInterval, retention, scrapeLimits, backup, remoteWrite, longTermQuery)',
    ],
  ],
  // Cross-field checks run only once the schema passes.
  [
    "an alert pack's problem and a construct's in one document, one report naming the file",
    { alerts: { disabled: ['NoSuchAlert'] }, alertmanager: { replicas: 2 } },
    [
      '/alerts/disabled/0: no active alert is named "NoSuchAlert"',
      '/alertmanager/replicas: 2 peers cannot keep quorum, use 1 or 3 and more, got 2',
    ],
  ],
  [
    'a schema problem and a cross-field problem in one document',
    { common: { namespace: 'Observability' }, alertmanager: { replicas: 2 } },
    [
      '/common/namespace: must be a DNS-1123 label (lower-case letters, digits and -), got "Observability"',
      '/alertmanager/replicas: 2 peers cannot keep quorum, use 1 or 3 and more, got 2',
    ],
  ],
];

describe('synth rejects configs that once slipped through', () => {
  test.each(FORMER_DEFECTS)('fails with %s', (_name, user, lines) => {
    expect(problemsOf(user)).toEqual(lines);
  });
});

describe('dashboards config', () => {
  test("ships the monitored platforms' dashboards and the stack's by default, and what the config names", () => {
    expect(resolveConfig({}).dashboards.platforms).toBeUndefined();
    expect(new Set(dashboardFiles(resolveConfig({ platforms: ['sutazai'] })).map((d) => d.folder))).toEqual(
      new Set([PLATFORM_DASHBOARDS.sutazai.folder, PLATFORM_DASHBOARDS.stack.folder]),
    );
    expect(
      new Set(dashboardFiles(resolveConfig({ dashboards: { platforms: ['stack'] } })).map((d) => d.folder)),
    ).toEqual(new Set([PLATFORM_DASHBOARDS.stack.folder]));
  });

  test('fails naming the setting when the GenAI or SLO dashboards would have nothing to show', () => {
    expect(() => dashboardFiles(resolveConfig({ dashboards: { platforms: ['stack', 'genai'] } }))).toThrow(
      '/dashboards/platforms: the genai dashboards have nothing to show: set /genai/enabled to true (its metrics), or leave genai out',
    );
  });

  test('fails with an unknown platform', () => {
    expect(problemsOf({ dashboards: { platforms: ['nope'] } })).toEqual([
      '/dashboards/platforms/0: must be one of "ms-framework", "multiagents", "sutazai", "agentcore", "progressive-v5", "stack", "genai", "slo", got "nope"',
    ]);
  });

  test('fails with a platform listed twice', () => {
    expect(problemsOf({ dashboards: { platforms: ['stack', 'stack'] } })).toEqual([
      '/dashboards/platforms: must NOT have duplicate items (items ## 0 and 1 are identical), got ["stack","stack"]',
    ]);
  });
});
