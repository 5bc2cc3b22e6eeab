import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { loadConfig, resolveConfig } from '../../src/config/loader';
import { StackConfig } from '../../src/config/types';
import { dashboardFiles } from '../../dashboards/all';
import { scrapeJobs } from '../../rules';
import { OperatorRelabel, prometheusRelabel, SCRAPE_CLIENT_SECRET } from '../../constructs/prometheus-operator';
import { configMapData, configProblems, KubeObject, synthStack } from '../helpers';
import { crdValidators, operatorAlertmanagerYml, operatorRuleFiles } from '../operator-judge';
import { requireTool } from '../tools';
import { relabel } from '../validate/network-truth';

const EXAMPLE = path.resolve(__dirname, '..', '..', 'examples', 'kube-prometheus-stack', 'agent-o11y.yaml');
const config = loadConfig(EXAMPLE);
const { files, parts } = synthStack(config);
const objects = files['prometheus-operator'];
const all = Object.values(files).flat();
const amtool = requireTool('amtool');

const validators = crdValidators();
const operatorObjects = objects.filter((o) => o.apiVersion.startsWith('monitoring.coreos.com/'));

/** The `job` label a monitor's targets get: the operator's default (`<namespace>/<monitor>`), then the endpoint's relabelling. */
function renderedJob(monitor: any): string[] {
  const endpoints = monitor.spec.podMetricsEndpoints ?? monitor.spec.endpoints;
  return endpoints.map((e: { relabelings?: OperatorRelabel[] }) => {
    let labels: Record<string, string> | undefined = { job: `${monitor.metadata.namespace}/${monitor.metadata.name}` };
    for (const r of e.relabelings ?? []) labels = labels && relabel(labels, prometheusRelabel(r));
    return labels?.job ?? '(dropped)';
  });
}

describe('the kube-prometheus-stack example (prometheusOperator)', () => {
  test('deploys no Prometheus, Alertmanager or Grafana of its own, and renders the operator objects instead', () => {
    expect([parts.prometheus, parts.alertmanager, parts.grafana]).toEqual([undefined, undefined, undefined]);
    expect([...files.prometheus, ...files.alertmanager, ...files.grafana]).toEqual([]);
    expect([...new Set(operatorObjects.map((o) => o.kind))].sort()).toEqual([
      'AlertmanagerConfig',
      'PodMonitor',
      'PrometheusRule',
    ]);
  });

  test("every operator object is valid against the operator's CRD schema, declared fields only", () => {
    const problems = operatorObjects.flatMap((o) => {
      const validate = validators.get(`${o.apiVersion}/${o.kind}`);
      if (!validate) return [`${o.kind}/${o.metadata.name}: no CRD for ${o.apiVersion}`];
      return validate(o).map((p) => `${o.kind}/${o.metadata.name}: ${p}`);
    });
    expect(problems).toEqual([]);
    expect(operatorObjects.length).toBeGreaterThan(8);
  });

  test('fails a misspelt field, as the API server would', () => {
    const monitor = operatorObjects.find((o) => o.kind === 'PodMonitor') as any;
    const misspelt = {
      ...monitor,
      spec: { ...monitor.spec, podMetricsEndpoints: [{ ...monitor.spec.podMetricsEndpoints[0], tlsconfig: {} }] },
    };
    expect(validators.get(`${monitor.apiVersion}/PodMonitor`)!(misspelt).join('\n')).toMatch(
      /additionalProperty.*tlsconfig/,
    );
  });

  test("carries the release's selector label, which its Prometheus and Alertmanager select by", () => {
    for (const o of operatorObjects) expect(o.metadata.labels).toMatchObject({ release: 'kube-prometheus-stack' });
  });

  test('its PrometheusRules hold exactly the rule files the promtool unit tests judge', () => {
    const fromRules = Object.fromEntries(
      Object.entries(parts.ruleFiles).map(([file, text]) => [`agent-o11y-${file}`, yaml.load(text)]),
    );
    const fromObjects = Object.fromEntries(
      Object.entries(operatorRuleFiles(objects)).map(([file, text]) => [file, yaml.load(text)]),
    );
    expect(fromObjects).toEqual(fromRules);
  });

  test('every job the alerts and panels select is the job label a monitor gives its targets, and no other', () => {
    const monitors = operatorObjects.filter((o) => o.kind === 'PodMonitor' || o.kind === 'ServiceMonitor');
    const jobs = monitors.flatMap(renderedJob);
    expect(jobs.sort()).toEqual([...scrapeJobs(config)].sort());
  });

  test("keeps the stack's per-job sample limits and the kubelets' allowlists, as its own Prometheus renders them", () => {
    const own = resolveConfig({
      ...(yaml.load(fs.readFileSync(EXAMPLE, 'utf8')) as object),
      prometheusOperator: { enabled: false },
    });
    const ownJobs = (yaml.load(configMapData(synthStack(own).files.prometheus, 'prometheus', 'prometheus.yml')) as any)
      .scrape_configs as any[];
    for (const monitor of operatorObjects.filter(
      (o) => o.kind === 'PodMonitor' || o.kind === 'ServiceMonitor',
    ) as any[]) {
      const job = ownJobs.find((j) => j.job_name === monitor.metadata.name);
      expect({ job: monitor.metadata.name, sampleLimit: monitor.spec.sampleLimit }).toEqual({
        job: job.job_name,
        sampleLimit: job.sample_limit,
      });
      const endpoint = (monitor.spec.podMetricsEndpoints ?? monitor.spec.endpoints)[0];
      expect((endpoint.metricRelabelings ?? []).map(prometheusRelabel)).toEqual(job.metric_relabel_configs ?? []);
      expect(endpoint.honorLabels ?? false).toBe(job.honor_labels ?? false);
      expect(endpoint.path ?? '/metrics').toBe(job.metrics_path ?? '/metrics');
    }
  });

  test("scrapes every mTLS port with a client certificate from the stack's CA, in the monitors' own namespace", () => {
    const certificate = all.find((o) => o.kind === 'Certificate' && o.metadata.name === SCRAPE_CLIENT_SECRET) as any;
    expect(certificate.metadata.namespace).toBe(config.common.namespace);
    expect(certificate.spec).toMatchObject({
      secretName: SCRAPE_CLIENT_SECRET,
      usages: expect.arrayContaining(['client auth']),
      issuerRef: { kind: 'ClusterIssuer', name: parts.pki.issuerName },
    });
    const tlsEndpoints = (objects.filter((o) => o.kind === 'PodMonitor') as any[]).flatMap((m) =>
      m.spec.podMetricsEndpoints.filter((e: any) => e.tlsConfig).map((e: any) => ({ m, e })),
    );
    // The same jobs as the stack's own Prometheus presents its certificate for.
    const own = resolveConfig({
      ...(yaml.load(fs.readFileSync(EXAMPLE, 'utf8')) as object),
      prometheusOperator: { enabled: false },
    });
    const ownJobs = (yaml.load(configMapData(synthStack(own).files.prometheus, 'prometheus', 'prometheus.yml')) as any)
      .scrape_configs as any[];
    expect(tlsEndpoints.map(({ m }) => m.metadata.name).sort()).toEqual(
      ownJobs
        .filter((j) => j.tls_config?.cert_file && objects.some((o) => o.metadata.name === j.job_name))
        .map((j) => j.job_name)
        .sort(),
    );
    for (const { m, e } of tlsEndpoints) {
      expect(m.metadata.namespace).toBe(certificate.metadata.namespace);
      expect(e.tlsConfig.keySecret.name).toBe(SCRAPE_CLIENT_SECRET);
      // The name it verifies is on the server's certificate.
      const server = all.find(
        (o: any) => o.kind === 'Certificate' && o.spec.dnsNames?.includes(e.tlsConfig.serverName),
      );
      expect({ monitor: m.metadata.name, server: server?.metadata.name }).toEqual({
        monitor: m.metadata.name,
        server: expect.stringMatching(/-tls$/),
      });
    }
  });

  test("ships every dashboard in a ConfigMap Grafana's sidecar loads, querying the release's Prometheus datasource", () => {
    const maps = objects.filter((o) => o.kind === 'ConfigMap') as Array<KubeObject & { data: Record<string, string> }>;
    for (const m of maps) {
      expect(m.metadata.labels).toMatchObject({ grafana_dashboard: '1' });
      // A ConfigMap holds at most 1 MiB.
      expect(Buffer.byteLength(JSON.stringify(m.data))).toBeLessThan(1024 * 1024);
    }
    const shipped = maps.flatMap((m) => Object.keys(m.data)).sort();
    expect(shipped).toEqual(
      dashboardFiles(config)
        .map((d) => d.fileName)
        .sort(),
    );
    // kube-prometheus-stack provisions its Prometheus datasource with uid `prometheus`: a panel names it,
    // or the dashboard's datasource variable, of Prometheus' type, which starts at it.
    const dashboards = maps.flatMap((m) => Object.values(m.data)).map((json) => JSON.parse(json));
    const refs = dashboards.flatMap((d) =>
      [...JSON.stringify(d.panels).matchAll(/"datasource":\{"type":"[^"]*","uid":"([^"]+)"/g)].map((x) => x[1]),
    );
    expect(refs.length).toBeGreaterThan(10);
    expect(refs.filter((r) => r !== '${datasource}' && r !== 'prometheus')).toEqual([]);
    for (const d of dashboards.filter((x) => JSON.stringify(x.panels).includes('${datasource}'))) {
      const variable = d.templating.list.find((v: any) => v.name === 'datasource');
      expect({ uid: d.uid, type: variable?.query, current: variable?.current?.value }).toEqual({
        uid: d.uid,
        type: 'prometheus',
        current: 'prometheus',
      });
    }
  });

  describe("routing, through the alertmanager.yml the operator generates over the release's", () => {
    let dir: string;
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'operator-routing-'));
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
    const routes = (strategy: 'None' | 'OnNamespace', labels: Record<string, string>) => {
      const file = path.join(dir, `${strategy}.yml`);
      fs.writeFileSync(file, operatorAlertmanagerYml(objects, config, strategy));
      return execFileSync(
        amtool,
        ['config', 'routes', 'test', `--config.file=${file}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)],
        { encoding: 'utf8', stdio: 'pipe' },
      ).trim();
    };
    const ours = (receiver: string) => `${config.common.namespace}/agent-o11y/${receiver}`;

    test.each([
      [
        'a critical agent alert pages',
        { alertname: 'AgentCrashLoop', severity: 'critical', namespace: 'agents' },
        ['critical'],
      ],
      [
        'a stack warning goes to the warnings channel',
        { alertname: 'TargetDown', severity: 'warning', job: 'jaeger' },
        ['warning'],
      ],
      [
        'an info alert falls through to the default receiver',
        { alertname: 'QueueInfo', severity: 'info' },
        ['default'],
      ],
    ])('%s (matcher strategy None)', (_name, labels, receivers) => {
      expect(routes('None', labels)).toBe(receivers.map(ours).join(','));
    });

    test("Watchdog reaches the stack's dead man's switch, and the release's own route after it", () => {
      expect(routes('None', { alertname: 'Watchdog', severity: 'none' })).toBe(`${ours('watchdog')},null`);
    });

    test("with the operator's default OnNamespace strategy, an alert from the agents' namespace misses the stack's receivers (the README's reason for None)", () => {
      expect(routes('OnNamespace', { alertname: 'AgentCrashLoop', severity: 'critical', namespace: 'agents' })).toBe(
        'null',
      );
      expect(
        routes('OnNamespace', { alertname: 'TargetDown', severity: 'critical', namespace: config.common.namespace }),
      ).toBe(ours('critical'));
    });
  });
});

test("fails with the release's namespace set to the stack's own", () => {
  const releaseOnly = { nodeExporter: false, kubeStateMetrics: false, kubelet: false };
  expect(
    configProblems({ prometheusOperator: { enabled: true, namespace: 'observability', releaseRuns: releaseOnly } }),
  ).toEqual([
    `/prometheusOperator/namespace: must be the release's namespace, not the stack's (/common/namespace), got "observability"`,
  ]);
});

test("fails with node-exporter, kube-state-metrics or the kubelets both the stack's and the release's", () => {
  expect(configProblems({ prometheusOperator: { enabled: true }, nodeExporter: { enabled: false } })).toEqual([
    '/kubeStateMetrics/enabled: the release runs its own (/prometheusOperator/releaseRuns/kubeStateMetrics): two jobs kube-state-metrics double every sum over its series; set one of them false, got true',
    '/kubelet/enabled: the release runs its own (/prometheusOperator/releaseRuns/kubelet): two jobs kubelet double every series of the kubelets and cAdvisor; set one of them false, got true',
  ]);
});

test("fails with remote write, backups or long-term query, which only the stack's own Prometheus carries out", () => {
  const releaseOnly = { nodeExporter: false, kubeStateMetrics: false, kubelet: false };
  const bucket = { bucket: 'b', endpoint: 's3.example.com', credentialsSecret: 's3' };
  expect(
    configProblems({
      prometheusOperator: { enabled: true, releaseRuns: releaseOnly },
      prometheus: {
        remoteWrite: [{ name: 'mimir', url: 'https://mimir.example.com/api/v1/push' }],
        backup: { enabled: true, s3: bucket },
        longTermQuery: { enabled: true },
      },
    }),
  ).toEqual([
    "/prometheus/remoteWrite: the release's Prometheus is not the stack's (/prometheusOperator/enabled): set it in the release's values (prometheus.prometheusSpec.remoteWrite); got 1 stores",
    "/prometheus/backup/enabled: the release's Prometheus is not the stack's (/prometheusOperator/enabled): set it in the release's values (prometheus.prometheusSpec.thanos.objectStorageConfig); got true",
    "/prometheus/longTermQuery/enabled: the release's Prometheus is not the stack's (/prometheusOperator/enabled): set it in the release's values (a Thanos Query over its sidecars); got true",
  ]);
});

test("renders the kubelets' ServiceMonitors, valid against the operator's CRD, when the stack scrapes them and the release does not", () => {
  const kubelet = resolveConfig({
    prometheusOperator: {
      enabled: true,
      releaseRuns: { nodeExporter: false, kubeStateMetrics: false, kubelet: false },
    },
  });
  const monitors = synthStack(kubelet).files['prometheus-operator'].filter((o) => o.kind === 'ServiceMonitor');
  expect(monitors.map((m) => m.metadata.name).sort()).toEqual(['cadvisor', 'kubelet']);
  expect(monitors.flatMap((m) => validators.get(`${m.apiVersion}/${m.kind}`)!(m))).toEqual([]);
  expect(monitors.flatMap(renderedJob).sort()).toEqual(['cadvisor', 'kubelet']);
});

test('the profiles render no operator objects', () => {
  const dev: StackConfig = resolveConfig({});
  expect(synthStack(dev).files['prometheus-operator']).toEqual([]);
});
