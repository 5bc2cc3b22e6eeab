/**
 * The stack's monitoring as Prometheus Operator objects, for a cluster that already runs one
 * (kube-prometheus-stack): the alert packs as PrometheusRules, one PodMonitor per scrape job (a
 * ServiceMonitor for the kubelets), the routing as an AlertmanagerConfig and the dashboards as
 * ConfigMaps for Grafana's sidecar. The release's Prometheus scrapes from its own namespace with a
 * client certificate from the stack's CA; the same scrape targets, job names, limits and allowlists as
 * the stack's own Prometheus (constructs/prometheus.ts) would have.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import * as yaml from 'js-yaml';
import type {
  AlertmanagerConfig,
  CommonConfig,
  InhibitRule,
  PrometheusConfig,
  PrometheusOperatorConfig,
  ScrapeTargetConfig,
  SecretKeyRef,
} from '../src/config/types';
import { PART_OF, Peer, PortSpec } from '../src/lib/component';
import { CLUSTER_JOBS } from '../src/lib/names';
import { show } from '../src/lib/problems';
import {
  alertmanagerConfig,
  AlertmanagerConfigFile,
  InhibitRuleFile,
  ReceiverFile,
  RouteFile,
} from './alertmanager-config';
import { folderSlug, GrafanaDashboard } from './grafana';
import { Pki } from './mtls';
import type { ScrapeTarget } from './prometheus';
import { RelabelConfig, ScrapeConfig, SERVICE_ACCOUNT_DIR, withScrapeLimits } from './prometheus-config';

/** The operator's API group versions the objects are written for (the CRDs test/judges pins). */
const MONITORING_V1 = 'monitoring.coreos.com/v1';
const MONITORING_V1ALPHA1 = 'monitoring.coreos.com/v1alpha1';

/** Where scrape jobs are registered: the stack's own Prometheus, or these objects. */
export interface Scraper {
  scrape(target: ScrapeTarget): void;
}

export interface PrometheusOperatorOutputProps {
  readonly config: PrometheusOperatorConfig;
  readonly common: CommonConfig;
  /** The scrape interval and limits the stack's own Prometheus would apply. */
  readonly prometheus: PrometheusConfig;
  /** Issues the release's Prometheus its client certificate for the stack's metrics ports. */
  readonly pki: Pki;
  /** The rule files the stack's Prometheus would load, by file name (`<pack>.rules.yaml`): a PrometheusRule each. */
  readonly ruleFiles: Readonly<Record<string, string>>;
  /** The routing, rendered as the stack's Alertmanager would have it (alertmanager-config.ts). */
  readonly alertmanager: AlertmanagerConfig;
  /** The active packs' inhibit rules. @default - none */
  readonly packInhibitRules?: readonly InhibitRule[];
  readonly dashboards: readonly GrafanaDashboard[];
  /** A platform's own services, a PodMonitor each. @default [] */
  readonly services?: readonly ScrapeTargetConfig[];
  /** Scrape the kubelets and cAdvisor through the release's kubelet Service. @default - not scraped */
  readonly kubelet?: {
    readonly verifyTls: boolean;
    readonly keep: { readonly kubelet: readonly string[]; readonly cadvisor: readonly string[] };
  };
  /** Scrape cert-manager's controller in this namespace. @default - not scraped */
  readonly certManagerNamespace?: string;
  /** What the stack itself deploys or scrapes that the release may too (`prometheusOperator.releaseRuns`). */
  readonly deploys: { readonly nodeExporter: boolean; readonly kubeStateMetrics: boolean; readonly kubelet: boolean };
}

/** A Prometheus Operator relabelling (the CRDs' RelabelConfig, camelCase). */
export interface OperatorRelabel {
  sourceLabels?: string[];
  separator?: string;
  regex?: string;
  targetLabel?: string;
  replacement?: string;
  action?: string;
}

/** A secret's key, as the operator's objects reference one in their own namespace. */
export interface SecretKeySelector {
  name: string;
  key: string;
}

/** The matcher objects of an AlertmanagerConfig. */
export interface OperatorMatcher {
  name: string;
  value: string;
  matchType: '=' | '!=' | '=~' | '!~';
}

/** An AlertmanagerConfig route (v1alpha1). */
export interface OperatorRoute {
  receiver?: string;
  matchers?: OperatorMatcher[];
  groupBy?: string[];
  groupWait?: string;
  groupInterval?: string;
  repeatInterval?: string;
  continue?: boolean;
  routes?: OperatorRoute[];
}

/** An AlertmanagerConfig receiver (the integrations the stack's routing uses). */
export interface OperatorReceiver {
  name: string;
  slackConfigs?: Array<{
    apiURL: SecretKeySelector;
    channel?: string;
    sendResolved: boolean;
    title: string;
    text: string;
  }>;
  pagerdutyConfigs?: Array<{ routingKey: SecretKeySelector; sendResolved: boolean }>;
  emailConfigs?: Array<{
    to: string;
    from: string;
    smarthost: string;
    authUsername?: string;
    authPassword?: SecretKeySelector;
    requireTLS: boolean;
    sendResolved: boolean;
  }>;
  opsgenieConfigs?: Array<{ apiKey: SecretKeySelector; sendResolved: boolean }>;
  webhookConfigs?: Array<{ urlSecret: SecretKeySelector; sendResolved: boolean }>;
}

/** AlertmanagerConfig's spec. */
export interface OperatorAlertmanagerConfigSpec {
  route: OperatorRoute;
  receivers: OperatorReceiver[];
  inhibitRules: Array<{ sourceMatch: OperatorMatcher[]; targetMatch: OperatorMatcher[]; equal?: string[] }>;
}

/** The Secret of the release Prometheus' client certificate, in the stack's namespace beside the monitors. */
export const SCRAPE_CLIENT_SECRET = 'prometheus-operator-scrape-tls';

/** The name of the one AlertmanagerConfig. */
export const ALERTMANAGER_CONFIG_NAME = PART_OF;

/**
 * The objects a Prometheus Operator turns into scrape jobs, rules, routes and dashboards. It is the
 * peer the NetworkPolicies admit: the release's Prometheus pods in the release's namespace.
 */
export class PrometheusOperatorOutput extends Construct implements Peer, Scraper {
  public readonly name: string;
  public readonly namespace: string;
  public readonly selector: Record<string, string>;
  /** The labels the release's Prometheus and Alertmanager select the objects by. */
  public readonly selectorLabels: Record<string, string>;
  /** The AlertmanagerConfig's spec, as the operator reads it. */
  public readonly alertmanagerSpec: OperatorAlertmanagerConfigSpec;
  private readonly props: PrometheusOperatorOutputProps;
  private readonly labels: Record<string, string>;

  constructor(scope: Construct, id: string, props: PrometheusOperatorOutputProps) {
    super(scope, id);
    const config = props.config;
    this.props = props;
    this.name = `${config.release}-prometheus`;
    this.namespace = config.namespace;
    this.selector = { ...config.prometheusPodLabels };
    this.selectorLabels = config.selectorLabels ?? { release: config.release };
    this.labels = {
      'app.kubernetes.io/part-of': PART_OF,
      'app.kubernetes.io/managed-by': PART_OF,
      ...this.selectorLabels,
    };
    // The stack's default-deny policies would then cover the release's own pods, which they do not know.
    if (config.namespace === props.common.namespace)
      this.node.addValidation({
        validate: () => [
          `/prometheusOperator/namespace: must be the release's namespace, not the stack's (/common/namespace), got ${show(config.namespace)}`,
        ],
      });
    this.node.addValidation({ validate: () => releaseOverlapProblems(config, props.deploys) });
    this.node.addValidation({ validate: () => ownPrometheusProblems(props.prometheus) });
    props.pki.issueClient(this, SCRAPE_CLIENT_SECRET, this.labels);

    for (const [file, rules] of Object.entries(props.ruleFiles)) {
      const pack = file.replace(/\.rules\.yaml$/, '');
      new ApiObject(this, `Rules-${pack}`, {
        apiVersion: MONITORING_V1,
        kind: 'PrometheusRule',
        metadata: { name: `${PART_OF}-${pack}`, labels: this.labels },
        // The groups exactly as the stack's rule files have them, which promtool judges.
        spec: yaml.load(rules) as object,
      });
    }

    this.alertmanagerSpec = operatorAlertmanagerSpec(
      alertmanagerConfig(props.alertmanager, secretToken, props.packInhibitRules ?? []),
    );
    new ApiObject(this, 'AlertmanagerConfig', {
      apiVersion: MONITORING_V1ALPHA1,
      kind: 'AlertmanagerConfig',
      metadata: { name: ALERTMANAGER_CONFIG_NAME, labels: this.labels },
      spec: this.alertmanagerSpec,
    });

    const folders = [...new Set(props.dashboards.map((d) => d.folder))].sort();
    for (const folder of folders) {
      new ApiObject(this, `Dashboards-${folderSlug(folder)}`, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: `${PART_OF}-dashboards-${folderSlug(folder)}`,
          labels: { ...this.labels, [config.dashboardLabel.name]: config.dashboardLabel.value },
          annotations: { [config.dashboardFolderAnnotation]: folder },
        },
        data: Object.fromEntries(props.dashboards.filter((d) => d.folder === folder).map((d) => [d.fileName, d.json])),
      });
    }

    for (const service of props.services ?? []) this.serviceMonitor(service);
    if (props.kubelet) {
      this.kubeletMonitor(CLUSTER_JOBS.kubelet, '/metrics', props.kubelet.keep.kubelet, props.kubelet.verifyTls);
      this.kubeletMonitor(
        CLUSTER_JOBS.cadvisor,
        '/metrics/cadvisor',
        props.kubelet.keep.cadvisor,
        props.kubelet.verifyTls,
      );
    }
    if (props.certManagerNamespace !== undefined) this.certManagerMonitor(props.certManagerNamespace);
  }

  /** A PodMonitor for a stack component's port, as the stack's own job for it; records the link. */
  public scrape(target: ScrapeTarget): void {
    const c = target.component;
    const port = c.endpoint(this, target.port);
    const job = target.job ?? c.name;
    this.podMonitor(job, {
      selector: c.selector,
      namespace: c.namespace,
      endpoint: {
        port: target.port,
        ...(target.path && target.path !== '/metrics' ? { path: target.path } : {}),
        ...(target.params ? { params: target.params } : {}),
        ...(target.honorLabels ? { honorLabels: true } : {}),
        ...this.tls(c.port(target.port), port.host),
      },
      nodeLabel: target.nodeLabel ?? false,
      sampleLimit: target.sampleLimit,
      givenLabels: target.givenLabels,
    });
  }

  /** `scheme` and `tlsConfig` for a port, following the server's TLS: the stack CA, and the client certificate for mTLS. */
  private tls(port: Pick<PortSpec, 'tls'>, serverName: string): Record<string, unknown> {
    if (!port.tls) return {};
    const secret = (key: string) => ({ secret: { name: SCRAPE_CLIENT_SECRET, key } });
    return {
      scheme: 'https',
      tlsConfig: {
        ca: secret('ca.crt'),
        ...(port.tls === 'mtls'
          ? { cert: secret('tls.crt'), keySecret: { name: SCRAPE_CLIENT_SECRET, key: 'tls.key' } }
          : {}),
        serverName,
        minVersion: 'TLS13',
      },
    };
  }

  /**
   * A PodMonitor whose job label is `job`: the operator names a job `<namespace>/<monitor>`, and the
   * endpoint's relabelling, which runs after its own, sets the name the alerts and panels select.
   */
  private podMonitor(
    job: string,
    m: {
      selector: Record<string, string>;
      namespace: string;
      endpoint: Record<string, unknown>;
      nodeLabel: boolean;
      sampleLimit?: number;
      givenLabels?: readonly string[];
      metricRelabelings?: OperatorRelabel[];
    },
  ): void {
    const relabelings: OperatorRelabel[] = [
      { action: 'replace', targetLabel: 'job', replacement: job },
      ...(m.nodeLabel
        ? [{ action: 'replace', sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: 'node' }]
        : []),
    ];
    new ApiObject(this, `PodMonitor-${job}`, {
      apiVersion: MONITORING_V1,
      kind: 'PodMonitor',
      metadata: { name: job, labels: this.labels },
      spec: {
        selector: { matchLabels: m.selector },
        namespaceSelector: { matchNames: [m.namespace] },
        podMetricsEndpoints: [
          {
            ...m.endpoint,
            interval: this.props.prometheus.scrapeInterval,
            relabelings,
            ...(m.metricRelabelings ? { metricRelabelings: m.metricRelabelings } : {}),
          },
        ],
        ...this.limits(job, relabelings, { samples: m.sampleLimit, givenLabels: m.givenLabels }),
      },
    });
  }

  /**
   * The job's limits as the stack's Prometheus sets them (withScrapeLimits), for the labels the
   * operator's job gives each series: its own target labels (namespace, pod, container, endpoint)
   * and the ones the relabelling sets.
   */
  private limits(
    job: string,
    relabelings: readonly OperatorRelabel[],
    own: { samples?: number; givenLabels?: readonly string[] },
  ): Record<string, number> {
    const targets = [...OPERATOR_TARGET_LABELS, ...relabelings.flatMap((r) => (r.targetLabel ? [r.targetLabel] : []))];
    const equivalent: ScrapeConfig = {
      job_name: job,
      relabel_configs: [...new Set(targets)].map((label) => ({ target_label: label, action: 'replace' as const })),
    };
    const limited = withScrapeLimits(equivalent, this.props.prometheus.scrapeLimits, {
      ...(own.samples !== undefined ? { samples: own.samples } : {}),
      ...(own.givenLabels ? { givenLabels: own.givenLabels } : {}),
    });
    return {
      ...(limited.sample_limit !== undefined ? { sampleLimit: limited.sample_limit } : {}),
      ...(limited.label_limit !== undefined ? { labelLimit: limited.label_limit } : {}),
      ...(limited.label_value_length_limit !== undefined
        ? { labelValueLengthLimit: limited.label_value_length_limit }
        : {}),
    };
  }

  /** A platform service's PodMonitor (`scrapeTargets`), as serviceJob renders its job. */
  private serviceMonitor(t: ScrapeTargetConfig): void {
    const tls = t.tls;
    const secret = (key: string) => ({ secret: { name: SCRAPE_CLIENT_SECRET, key } });
    this.podMonitor(t.job, {
      selector: t.matchLabels,
      namespace: t.namespace,
      endpoint: {
        ...(t.portName !== undefined ? { port: t.portName } : { portNumber: t.port }),
        ...(t.path && t.path !== '/metrics' ? { path: t.path } : {}),
        ...(t.params ? { params: t.params } : {}),
        ...(t.scheme === 'https' || tls ? { scheme: 'https' } : {}),
        ...(tls
          ? {
              tlsConfig: {
                ...(tls.ca === 'stack' ? { ca: secret('ca.crt') } : {}),
                ...(tls.clientCertificate
                  ? { cert: secret('tls.crt'), keySecret: { name: SCRAPE_CLIENT_SECRET, key: 'tls.key' } }
                  : {}),
                ...(tls.serverName ? { serverName: tls.serverName } : {}),
              },
            }
          : {}),
      },
      nodeLabel: false,
    });
  }

  /**
   * The kubelets (or their cAdvisor) through the kubelet Service the operator keeps in kube-system
   * (kube-prometheus-stack's `<release>-kubelet`), with the Prometheus ServiceAccount's token, keeping
   * only the series in `keep` and honouring the series' own namespace, pod and node, as kubeletJob does.
   */
  private kubeletMonitor(job: string, path: string, keep: readonly string[], verifyTls: boolean): void {
    const relabelings: OperatorRelabel[] = [{ action: 'replace', targetLabel: 'job', replacement: job }];
    new ApiObject(this, `ServiceMonitor-${job}`, {
      apiVersion: MONITORING_V1,
      kind: 'ServiceMonitor',
      metadata: { name: job, labels: this.labels },
      spec: {
        selector: { matchLabels: { 'app.kubernetes.io/name': 'kubelet', 'k8s-app': 'kubelet' } },
        namespaceSelector: { matchNames: ['kube-system'] },
        endpoints: [
          {
            port: 'https-metrics',
            scheme: 'https',
            ...(path !== '/metrics' ? { path } : {}),
            honorLabels: true,
            interval: this.props.prometheus.scrapeInterval,
            bearerTokenFile: `${SERVICE_ACCOUNT_DIR}/token`,
            tlsConfig: verifyTls ? { caFile: `${SERVICE_ACCOUNT_DIR}/ca.crt` } : { insecureSkipVerify: true },
            relabelings,
            metricRelabelings: [{ action: 'keep', sourceLabels: ['__name__'], regex: [...keep].sort().join('|') }],
          },
        ],
        ...this.limits(job, relabelings, {}),
      },
    });
  }

  /** cert-manager's controller at 9402 (plain HTTP), honouring the series' namespace, as certManagerJob does. */
  private certManagerMonitor(namespace: string): void {
    this.podMonitor(CLUSTER_JOBS.certManager, {
      selector: { 'app.kubernetes.io/name': 'cert-manager', 'app.kubernetes.io/component': 'controller' },
      namespace,
      endpoint: { portNumber: 9402, honorLabels: true },
      nodeLabel: false,
    });
  }
}

/** What the stack and the release would both run or scrape under one job name (paths of the stack's keys). */
function releaseOverlapProblems(
  config: PrometheusOperatorConfig,
  deploys: PrometheusOperatorOutputProps['deploys'],
): string[] {
  const why = {
    nodeExporter: "two node-exporters collide on every node's port 9100 and double every series of job node-exporter",
    kubeStateMetrics: 'two jobs kube-state-metrics double every sum over its series',
    kubelet: 'two jobs kubelet double every series of the kubelets and cAdvisor',
  } as const;
  return (Object.keys(why) as Array<keyof typeof why>).flatMap((part) =>
    deploys[part] && config.releaseRuns[part]
      ? [
          `/${part}/enabled: the release runs its own (/prometheusOperator/releaseRuns/${part}): ${why[part]}; set one of them false, got true`,
        ]
      : [],
  );
}

/**
 * Settings that only our own Prometheus carries out: with the release's Prometheus in its place they
 * would do nothing, silently. The release's chart has its own (prometheus.prometheusSpec.remoteWrite,
 * prometheus.prometheusSpec.thanos and the Thanos sidecar's objectStorageConfig).
 */
function ownPrometheusProblems(prometheus: PrometheusOperatorOutputProps['prometheus']): string[] {
  const also =
    "the release's Prometheus is not the stack's (/prometheusOperator/enabled): set it in the release's values";
  return [
    ...(prometheus.remoteWrite.length > 0
      ? [
          `/prometheus/remoteWrite: ${also} (prometheus.prometheusSpec.remoteWrite); got ${prometheus.remoteWrite.length} stores`,
        ]
      : []),
    ...(prometheus.backup.enabled
      ? [`/prometheus/backup/enabled: ${also} (prometheus.prometheusSpec.thanos.objectStorageConfig); got true`]
      : []),
    ...(prometheus.longTermQuery.enabled
      ? [`/prometheus/longTermQuery/enabled: ${also} (a Thanos Query over its sidecars); got true`]
      : []),
  ];
}

/** The labels the operator's generated relabelling gives every PodMonitor target besides job and instance. */
export const OPERATOR_TARGET_LABELS = ['namespace', 'pod', 'container', 'endpoint'] as const;

/** A Secret key as a token in the rendered routing, turned back into a reference by `secretRef`. */
function secretToken(ref: SecretKeyRef): string {
  return `${ref.secretName}/${ref.key}`;
}

function secretRef(token: string): SecretKeySelector {
  const [name = '', key = ''] = token.split('/');
  return { name, key };
}

const MATCHER = /^([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(?:"((?:[^"\\]|\\.)*)"|([^"\s{},=~!]*))$/;

/** A matcher string (`severity="critical"`) as the operator's matcher object. */
export function operatorMatcher(matcher: string): OperatorMatcher {
  const m = MATCHER.exec(matcher);
  if (!m) throw new Error(`prometheus-operator: matcher ${JSON.stringify(matcher)} is not name<op>value`);
  const [, name = '', op = '=', quoted, bare] = m;
  return {
    name,
    value: quoted !== undefined ? (JSON.parse(`"${quoted}"`) as string) : (bare ?? ''),
    matchType: op as OperatorMatcher['matchType'],
  };
}

function operatorRoute(route: RouteFile): OperatorRoute {
  return {
    ...(route.receiver !== undefined ? { receiver: route.receiver } : {}),
    ...(route.matchers ? { matchers: route.matchers.map(operatorMatcher) } : {}),
    ...(route.group_by ? { groupBy: route.group_by } : {}),
    ...(route.group_wait ? { groupWait: route.group_wait } : {}),
    ...(route.group_interval ? { groupInterval: route.group_interval } : {}),
    ...(route.repeat_interval ? { repeatInterval: route.repeat_interval } : {}),
    ...(route.continue !== undefined ? { continue: route.continue } : {}),
    ...(route.routes ? { routes: route.routes.map(operatorRoute) } : {}),
  };
}

function operatorReceiver(r: ReceiverFile): OperatorReceiver {
  return {
    name: r.name,
    ...(r.slack_configs
      ? {
          slackConfigs: r.slack_configs.map((s) => ({
            apiURL: secretRef(s.api_url_file),
            ...(s.channel !== undefined ? { channel: s.channel } : {}),
            sendResolved: s.send_resolved,
            title: s.title,
            text: s.text,
          })),
        }
      : {}),
    ...(r.pagerduty_configs
      ? {
          pagerdutyConfigs: r.pagerduty_configs.map((p) => ({
            routingKey: secretRef(p.routing_key_file),
            sendResolved: p.send_resolved,
          })),
        }
      : {}),
    ...(r.email_configs
      ? {
          emailConfigs: r.email_configs.map((e) => ({
            to: e.to,
            from: e.from,
            smarthost: e.smarthost,
            ...(e.auth_username ? { authUsername: e.auth_username } : {}),
            ...(e.auth_password_file ? { authPassword: secretRef(e.auth_password_file) } : {}),
            requireTLS: e.require_tls,
            sendResolved: e.send_resolved,
          })),
        }
      : {}),
    ...(r.opsgenie_configs
      ? {
          opsgenieConfigs: r.opsgenie_configs.map((o) => ({
            apiKey: secretRef(o.api_key_file),
            sendResolved: o.send_resolved,
          })),
        }
      : {}),
    ...(r.webhook_configs
      ? {
          webhookConfigs: r.webhook_configs.map((w) => ({
            urlSecret: secretRef(w.url_file),
            sendResolved: w.send_resolved,
          })),
        }
      : {}),
  };
}

/** The stack's alertmanager.yml (secrets as `secretToken`s) as an AlertmanagerConfig spec. */
function operatorAlertmanagerSpec(file: AlertmanagerConfigFile): OperatorAlertmanagerConfigSpec {
  return {
    route: operatorRoute(file.route),
    receivers: file.receivers.map(operatorReceiver),
    inhibitRules: file.inhibit_rules.map((r: InhibitRuleFile) => ({
      sourceMatch: r.source_matchers.map(operatorMatcher),
      targetMatch: r.target_matchers.map(operatorMatcher),
      ...(r.equal ? { equal: r.equal } : {}),
    })),
  };
}

/** The Prometheus Operator's relabelling, in Prometheus' own keys: for a judge that applies it as Prometheus does. */
export function prometheusRelabel(r: OperatorRelabel): RelabelConfig {
  return {
    ...(r.sourceLabels ? { source_labels: r.sourceLabels } : {}),
    ...(r.separator !== undefined ? { separator: r.separator } : {}),
    ...(r.regex !== undefined ? { regex: r.regex } : {}),
    ...(r.targetLabel !== undefined ? { target_label: r.targetLabel } : {}),
    ...(r.replacement !== undefined ? { replacement: r.replacement } : {}),
    ...(r.action !== undefined ? { action: r.action as RelabelConfig['action'] } : {}),
  };
}
