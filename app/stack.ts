import { App, Chart } from 'cdk8s';
import * as yaml from 'js-yaml';
import { Construct } from 'constructs';
import { StackConfig } from '../src/config/types';
import { checkConfig, ConfigError, configSource, problemSection } from '../src/config/loader';
import { Alertmanager } from '../constructs/alertmanager';
import { allReceivers } from '../constructs/alertmanager-config';
import { dataTiers, Elasticsearch } from '../constructs/elasticsearch';
import { ElasticsearchCluster } from '../constructs/elasticsearch-cluster';
import { ExternalElasticsearch } from '../constructs/external-elasticsearch';
import { providerCalls, roleMappings } from '../constructs/kibana-sso';
import { EckElasticsearch } from '../constructs/eck';
import { ElasticsearchBootstrap } from '../constructs/elasticsearch-bootstrap';
import { Grafana } from '../constructs/grafana';
import { Jaeger } from '../constructs/jaeger';
import { Kibana } from '../constructs/kibana';
import { Logstash } from '../constructs/logstash';
import { Pki } from '../constructs/mtls';
import { StackNamespace } from '../constructs/namespace';
import { ExternalAllow, StackNetworkPolicies } from '../constructs/network-policy';
import { agentNamespace, OtelAgent } from '../constructs/otel-agent';
import { NodeExporter } from '../constructs/node-exporter';
import { KubeStateMetrics } from '../constructs/kube-state-metrics';
import { ElasticsearchExporter } from '../constructs/elasticsearch-exporter';
import { TraceIntake } from '../constructs/trace-intake';
import { OtelCollector } from '../constructs/otel-collector';
import { Retention } from '../constructs/retention';
import { contentStream } from '../constructs/genai-content';
import { Prometheus } from '../constructs/prometheus';
import { PrometheusOperatorOutput, Scraper } from '../constructs/prometheus-operator';
import { ThanosQuery, ThanosStoreGateway } from '../constructs/thanos-query';
import { endpointPort } from '../constructs/prometheus-backup';
import { remoteWritePort } from '../constructs/prometheus-config';
import { dashboardFiles } from '../dashboards/all';
import {
  activeInhibitRules,
  activeRuleGroups,
  customRuleTests,
  ruleFileNames,
  sloPromtest,
  CADVISOR,
  KUBELET,
  renderRuleFile,
  RuleGroup,
  seriesNames,
} from '../rules';
import { APPS_JOB, StackFile } from '../src/lib/names';
import { deliveryLabels } from '../src/lib/metric-labels';
import { IMAGES_CONTEXT } from '../src/lib/images';

/** Every component of a synthesized stack, for tests and the Pulumi component. */
export interface StackParts {
  readonly namespace: StackNamespace;
  /** The collector agent's own namespace (Pod Security "privileged"). */
  readonly agentNamespace: StackNamespace;
  readonly pki: Pki;
  /** The stack's Elasticsearch, or the existing cluster of `elasticsearch.external`. */
  readonly elasticsearch: ElasticsearchCluster;
  readonly bootstrap: ElasticsearchBootstrap;
  readonly retention: Retention;
  readonly logstash: Logstash;
  readonly kibana: Kibana;
  readonly jaeger: Jaeger;
  readonly collector: OtelCollector;
  readonly agent: OtelAgent;
  /** node-exporter, unless `nodeExporter.enabled` is false. */
  readonly nodeExporter?: NodeExporter;
  /** kube-state-metrics, unless `kubeStateMetrics.enabled` is false. */
  readonly kubeStateMetrics?: KubeStateMetrics;
  /** The Elasticsearch exporter, unless `elasticsearchExporter.enabled` is false. */
  readonly elasticsearchExporter?: ElasticsearchExporter;
  /** The trace intake for Zipkin and Jaeger senders, with `traceIntake.enabled`. */
  readonly traceIntake?: TraceIntake;
  /** The stack's Alertmanager, Prometheus and Grafana, unless `prometheusOperator.enabled`. */
  readonly alertmanager?: Alertmanager;
  readonly prometheus?: Prometheus;
  readonly grafana?: Grafana;
  /** The Prometheus Operator's objects standing in for them, with `prometheusOperator.enabled`. */
  readonly prometheusOperator?: PrometheusOperatorOutput;
  /** Thanos Query and its Store Gateway, with `prometheus.longTermQuery.enabled`. */
  readonly longTermQuery?: { readonly query: ThanosQuery; readonly storeGateway: ThanosStoreGateway };
  readonly networkPolicies: StackNetworkPolicies;
  /** Rendered Prometheus rule files by file name. */
  readonly ruleFiles: Record<string, string>;
  /**
   * promtool tests by file name: generated with the rules (`slo.promtest.yaml` with `slos`) and the
   * config's own (`rules.tests`); each reads its rule files from the same folder.
   */
  readonly ruleTests: Record<string, string>;
}

/** The rule files Prometheus loads: the self-monitoring pack and one per monitored platform. */
export function ruleFiles(config: StackConfig): Record<string, string> {
  return renderRuleFiles(activeRuleGroups(config));
}

function renderRuleFiles(packs: Record<string, RuleGroup[]>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(packs).map(([pack, groups]) => [`${pack}.rules.yaml`, renderRuleFile(groups)]),
  );
}

/**
 * Composes the whole stack into `app`: one Chart, and so one `<chart>.k8s.yaml`, per component.
 * Components refer to each other by object; every address in a rendered config comes from there.
 * Throws ConfigError with every problem: the loader's (checkConfig), then the rules each construct
 * holds for its own settings and links, all at once, each a line with its config path.
 */
export function buildStack(app: Construct, config: StackConfig): StackParts {
  checkConfig(config);
  const ns = config.common.namespace;
  const charts: Chart[] = [];
  const chart = (name: StackFile, namespace: string | undefined = ns) => {
    const made = new Chart(
      app,
      name,
      namespace ? { namespace, disableResourceNameHashes: true } : { disableResourceNameHashes: true },
    );
    // Every image of the chart's constructs comes from imageOf, which reads the mirror and digests here.
    made.node.setContext(IMAGES_CONTEXT, config.images);
    charts.push(made);
    return made;
  };
  // A component the config can leave out: its chart (and file) exists either way, empty when it is off.
  const optional = <T>(on: boolean, name: StackFile, build: (scope: Chart) => T, namespace?: string): T | undefined => {
    const scope = chart(name, namespace);
    return on ? build(scope) : undefined;
  };
  const common = config.common;

  const namespaceChart = chart('namespace', undefined);
  const namespace = new StackNamespace(namespaceChart, 'Namespace', { name: ns });
  const agentNs = agentNamespace(config.collector.agent, common);
  const agentNamespaceObject = new StackNamespace(namespaceChart, 'AgentNamespace', {
    name: agentNs,
    podSecurity: 'privileged',
    configPath: config.collector.agent.namespace === undefined ? '/common/namespace' : '/collector/agent/namespace',
  });
  const pki = new Pki(chart('pki'), 'Pki', {
    namespace: ns,
    rootIssuer: config.pki.rootIssuer,
    clusterResourceNamespace: config.pki.clusterResourceNamespace,
  });
  const elasticsearchChart = chart('elasticsearch');
  const retention = new Retention(elasticsearchChart, 'Retention', {
    config: config.retention,
    common,
    tiers: dataTiers(config.elasticsearch),
    jaegerIndexPrefix: config.jaeger.indexPrefix,
    addedStreams: [contentStream(config.genai.content)].filter((s) => s !== undefined),
  });
  const external = config.elasticsearch.external;
  // With both external and eck set, EckElasticsearch's validation reports the conflict.
  const elasticsearch: ElasticsearchCluster =
    external && !config.elasticsearch.eck
      ? new ExternalElasticsearch(elasticsearchChart, 'Elasticsearch', {
          config: external,
          common,
          indexReplicas: dataTiers(config.elasticsearch).replicas.hot,
        })
      : config.elasticsearch.eck
        ? // The same pools as an ECK resource (its operator runs the nodes).
          new EckElasticsearch(elasticsearchChart, 'Elasticsearch', {
            config: config.elasticsearch,
            common,
            pki,
            snapshotPath: retention.snapshotPath,
            ...(config.kibana.sso ? { sso: config.kibana.sso } : {}),
          })
        : new Elasticsearch(elasticsearchChart, 'Elasticsearch', {
            config: config.elasticsearch,
            common,
            pki,
            snapshotPath: retention.snapshotPath,
            ...(config.kibana.sso ? { sso: config.kibana.sso } : {}),
          });
  const logstash = new Logstash(chart('logstash'), 'Logstash', {
    config: config.logstash,
    common,
    elasticsearch,
    pki,
    retention,
    redaction: config.collector.redaction,
  });
  const kibana = new Kibana(chart('kibana'), 'Kibana', { config: config.kibana, common, elasticsearch, pki });
  const jaeger = new Jaeger(chart('jaeger'), 'Jaeger', {
    config: config.jaeger,
    common,
    elasticsearch,
    pki,
    spanRetention: config.retention.traces,
  });
  const collector = new OtelCollector(chart('otel-collector'), 'OtelCollector', {
    config: config.collector,
    common,
    jaeger,
    logstash,
    retention,
    pki,
    content: config.genai.content,
  });
  const agent = new OtelAgent(chart('otel-agent', agentNs), 'OtelAgent', {
    config: config.collector.agent,
    queue: config.collector.queue,
    common,
    gateway: collector,
    pki,
  });
  const nodeExporter = optional(
    config.nodeExporter.enabled,
    'node-exporter',
    (scope) =>
      new NodeExporter(scope, 'NodeExporter', { config: config.nodeExporter, common, namespace: agentNs, pki }),
    agentNs,
  );
  const traceIntake = optional(
    config.traceIntake.enabled,
    'trace-intake',
    (scope) => new TraceIntake(scope, 'TraceIntake', { config: config.traceIntake, common, gateway: collector, pki }),
  );
  const kubeStateMetrics = optional(
    config.kubeStateMetrics.enabled,
    'kube-state-metrics',
    (scope) => new KubeStateMetrics(scope, 'KubeStateMetrics', { config: config.kubeStateMetrics, common, pki }),
  );
  const elasticsearchExporter = optional(
    config.elasticsearchExporter.enabled,
    'elasticsearch-exporter',
    (scope) =>
      new ElasticsearchExporter(scope, 'ElasticsearchExporter', {
        config: config.elasticsearchExporter,
        common,
        elasticsearch,
        pki,
        snapshots: config.retention.snapshots.enabled,
      }),
  );
  // The packs' problems (alerts that could never fire, unknown metrics) join the constructs' below.
  let packs: Record<string, RuleGroup[]> = {};
  const packProblems: string[] = [];
  try {
    packs = activeRuleGroups(config);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    packProblems.push(...e.problems);
  }
  const rules = renderRuleFiles(packs);
  // The promtool tests synth generates (the SLOs'), then the config's own, beside the rule files they read.
  const generatedTests: Record<string, string> = packs.slo
    ? { 'slo.promtest.yaml': yaml.dump(sloPromtest(config), { lineWidth: -1, noRefs: true }) }
    : {};
  const customTests = customRuleTests(config, ruleFileNames(config), Object.keys(generatedTests));
  packProblems.push(...customTests.problems);
  // With the Prometheus Operator, the release's Prometheus, Alertmanager and Grafana stand in for ours.
  const own = !config.prometheusOperator.enabled;
  const alertmanager = optional(
    own,
    'alertmanager',
    (scope) =>
      new Alertmanager(scope, 'Alertmanager', {
        config: config.alertmanager,
        common,
        pki,
        packInhibitRules: activeInhibitRules(packs),
      }),
  );
  const kubeletScrape = config.kubelet.enabled
    ? {
        kubelet: {
          verifyTls: config.kubelet.verifyTls,
          // The catalogues are the jobs' allowlists: what an alert or a panel may read, and no more.
          keep: { kubelet: KUBELET.metrics.flatMap(seriesNames), cadvisor: CADVISOR.metrics.flatMap(seriesNames) },
        },
      }
    : {};
  const certManagerScrape = config.pki.scrapeCertManager
    ? { certManagerNamespace: config.pki.clusterResourceNamespace }
    : {};
  const prometheus = optional(
    own && alertmanager !== undefined,
    'prometheus',
    (scope) =>
      new Prometheus(scope, 'Prometheus', {
        config: config.prometheus,
        common,
        alertmanager: alertmanager!,
        ruleFiles: rules,
        pki,
        services: config.scrapeTargets,
        ...kubeletScrape,
        ...certManagerScrape,
      }),
  );
  // Long-term query reads the backup's bucket; both go in Prometheus' file.
  const backupBucket = config.prometheus.backup.s3;
  const longTermQuery =
    prometheus?.queried && backupBucket
      ? (() => {
          const scope = prometheus.node.scope as Construct;
          const storeGateway = new ThanosStoreGateway(scope, 'ThanosStore', {
            config: config.prometheus.longTermQuery.storeGateway,
            common,
            prometheus,
            s3: backupBucket,
            pki,
          });
          const query = new ThanosQuery(scope, 'ThanosQuery', {
            config: config.prometheus.longTermQuery.query,
            common,
            prometheus,
            storeGateway,
            pki,
          });
          return { query, storeGateway };
        })()
      : undefined;
  const grafana = optional(
    own && prometheus !== undefined,
    'grafana',
    (scope) =>
      new Grafana(scope, 'Grafana', {
        config: config.grafana,
        common,
        prometheus: prometheus!,
        ...(longTermQuery ? { thanosQuery: longTermQuery.query } : {}),
        jaeger,
        elasticsearch,
        pki,
        dashboards: dashboardFiles(config),
      }),
  );
  const prometheusOperator = optional(
    !own,
    'prometheus-operator',
    (scope) =>
      new PrometheusOperatorOutput(scope, 'PrometheusOperator', {
        config: config.prometheusOperator,
        common,
        prometheus: config.prometheus,
        pki,
        ruleFiles: rules,
        alertmanager: config.alertmanager,
        packInhibitRules: activeInhibitRules(packs),
        dashboards: dashboardFiles(config),
        services: config.scrapeTargets,
        ...kubeletScrape,
        ...certManagerScrape,
        deploys: {
          nodeExporter: config.nodeExporter.enabled,
          kubeStateMetrics: config.kubeStateMetrics.enabled,
          kubelet: config.kubelet.enabled,
        },
      }),
  );
  const scraper: Scraper = (prometheus ?? prometheusOperator)!;

  if (alertmanager) scraper.scrape({ component: alertmanager, port: 'web' });
  scraper.scrape({ component: collector, port: 'metrics' });
  scraper.scrape({ component: agent, port: 'metrics' });
  if (nodeExporter) scraper.scrape({ component: nodeExporter, port: 'metrics', nodeLabel: true });
  // Its series name the objects they describe (their namespace and pod), not its own pod; a series or
  // more per pod, container and workload of the cluster, so its limit is a cluster's, not a target's.
  if (kubeStateMetrics)
    scraper.scrape({ component: kubeStateMetrics, port: 'metrics', honorLabels: true, sampleLimit: 200000 });
  if (elasticsearchExporter) scraper.scrape({ component: elasticsearchExporter, port: 'metrics' });
  scraper.scrape({
    component: collector,
    port: 'prom-exporter',
    job: APPS_JOB,
    honorLabels: true,
    // The exporter also labels a series with its meter's version, where the meter has one.
    givenLabels: [...deliveryLabels(config.collector.resourceLabels).otlp, 'otel_scope_version'],
  });
  scraper.scrape({ component: jaeger, port: 'metrics' });
  // Logstash's pipeline and dead-letter-queue stats, through its json_exporter sidecar.
  scraper.scrape({ component: logstash, port: 'metrics', path: '/probe', params: logstash.metricsParams });
  if (traceIntake) scraper.scrape({ component: traceIntake, port: 'metrics' });
  if (grafana) scraper.scrape({ component: grafana, port: 'http' });
  if (longTermQuery) {
    scraper.scrape({ component: longTermQuery.query, port: 'http' });
    scraper.scrape({ component: longTermQuery.storeGateway, port: 'http' });
  }

  // Created last: it applies the users every other component registered.
  const bootstrap = new ElasticsearchBootstrap(elasticsearch.node.scope as Construct, 'Bootstrap', {
    elasticsearch,
    kibanaSystemPassword: config.kibana.systemPassword,
    retention,
    ...(config.kibana.sso ? { roleMappings: roleMappings(config.kibana.sso) } : {}),
    ...(config.elasticsearch.license ? { license: config.elasticsearch.license } : {}),
  });

  // Last of all: every link is recorded by now.
  const networkPolicies = new StackNetworkPolicies(chart('network-policies'), 'NetworkPolicies', {
    namespace: ns,
    components: [
      // An existing cluster is not the stack's: its clients' policies let them out to it, and it gets none.
      ...(elasticsearch instanceof Elasticsearch || elasticsearch instanceof EckElasticsearch ? [elasticsearch] : []),
      logstash,
      kibana,
      jaeger,
      collector,
      ...(alertmanager ? [alertmanager] : []),
      ...(prometheus ? [prometheus] : []),
      ...(grafana ? [grafana] : []),
      ...(kubeStateMetrics ? [kubeStateMetrics] : []),
      ...(elasticsearchExporter ? [elasticsearchExporter] : []),
      ...(traceIntake ? [traceIntake] : []),
      ...(longTermQuery ? [longTermQuery.query, longTermQuery.storeGateway] : []),
    ],
    otherPeers: [bootstrap.peer, jaeger.cleanerPeer, ...(prometheus?.backup ? [prometheus.backup.retention.peer] : [])],
    external: externalAllows(config, agentNs, {
      elasticsearch,
      collector,
      prometheus,
      alertmanager,
      grafana,
      kibana,
      jaeger,
      kubeStateMetrics,
      traceIntake,
      ...(longTermQuery ? { storeGateway: longTermQuery.storeGateway } : {}),
    }),
  });
  // The agent's namespace denies by default too, and opens its links and what crosses the cluster's edge.
  new StackNetworkPolicies(chart('network-policies-agent', agentNs), 'AgentNetworkPolicies', {
    namespace: agentNs,
    components: [agent],
    external: agentExternalAllows(config, agent),
  });
  // The constructs' own rules, for the whole stack at once: one ConfigError naming the config file.
  const problems = [
    ...packProblems,
    ...charts.flatMap((c) => c.node.findAll().flatMap((construct) => construct.node.validate())),
  ];
  if (problems.length > 0) throw new ConfigError(configSource(config), [...new Set(problems)]);
  return {
    namespace,
    agentNamespace: agentNamespaceObject,
    pki,
    elasticsearch,
    bootstrap,
    retention,
    logstash,
    kibana,
    jaeger,
    collector,
    agent,
    ...(nodeExporter ? { nodeExporter } : {}),
    ...(kubeStateMetrics ? { kubeStateMetrics } : {}),
    ...(elasticsearchExporter ? { elasticsearchExporter } : {}),
    ...(traceIntake ? { traceIntake } : {}),
    ...(alertmanager ? { alertmanager } : {}),
    ...(prometheus ? { prometheus } : {}),
    ...(longTermQuery ? { longTermQuery } : {}),
    ...(grafana ? { grafana } : {}),
    ...(prometheusOperator ? { prometheusOperator } : {}),
    networkPolicies,
    ruleFiles: rules,
    ruleTests: { ...generatedTests, ...customTests.tests },
  };
}

/** Traffic that crosses the namespace boundary, each allow with its reason. */
function externalAllows(
  config: StackConfig,
  agentNamespace: string,
  c: {
    collector: OtelCollector;
    elasticsearch: ElasticsearchCluster;
    prometheus?: Prometheus;
    alertmanager?: Alertmanager;
    grafana?: Grafana;
    kibana: Kibana;
    jaeger: Jaeger;
    kubeStateMetrics?: KubeStateMetrics;
    traceIntake?: TraceIntake;
    storeGateway?: ThanosStoreGateway;
  },
): ExternalAllow[] {
  const anywhere = '0.0.0.0/0';
  const backupBucket = config.prometheus.backup.s3;
  const snapshotBucket = config.retention.snapshots.enabled ? config.retention.snapshots.repository?.s3 : undefined;
  const usesEmail = allReceivers(config.alertmanager).some((r) => (r.email ?? []).length > 0);
  const ui = config.network.uiFrom;
  // An allow of a component the config leaves out (ours, with the Prometheus Operator) is left out.
  const allows: Array<Omit<ExternalAllow, 'peer'> & { peer: ExternalAllow['peer'] | undefined }> = [
    {
      peer: c.collector,
      direction: 'ingress',
      namespaces: config.network.telemetryFrom,
      ports: [c.collector.port('otlp-grpc'), c.collector.port('otlp-http')],
      why: 'OTLP from instrumented agents in namespaces matching network.telemetryFrom',
    },
    {
      peer: c.prometheus,
      direction: 'egress',
      ipBlock: anywhere,
      ports: [{ port: 443 }, { port: 6443 }],
      why: 'Kubernetes API for service discovery',
    },
    {
      // The port comes from each pod's prometheus.io/port annotation, so it cannot be listed. The stack's
      // own namespaces are left out: Prometheus reaches their pods only at the ports it scrapes there.
      peer: c.prometheus,
      direction: 'egress',
      ports: [],
      namespaces: {
        matchExpressions: [
          { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: [config.common.namespace, agentNamespace] },
        ],
      },
      why: 'scraping annotated pods in the other namespaces, at the port each one names',
    },
    ...(c.traceIntake
      ? [
          {
            peer: c.traceIntake,
            direction: 'ingress' as const,
            namespaces: config.network.telemetryFrom,
            ports: ['zipkin', 'jaeger-grpc', 'jaeger-http'].map((p) => c.traceIntake!.port(p)),
            why: 'Zipkin and Jaeger spans from instrumented agents in namespaces matching network.telemetryFrom',
          },
        ]
      : []),
    ...(config.kubelet.enabled
      ? [
          {
            peer: c.prometheus,
            direction: 'egress' as const,
            ipBlock: anywhere,
            ports: [{ port: 10250 }],
            why: "every node's kubelet and its cAdvisor (the address is the node's IP)",
          },
        ]
      : []),
    ...(config.pki.scrapeCertManager
      ? [
          {
            peer: c.prometheus,
            direction: 'egress' as const,
            namespaces: { matchLabels: { 'kubernetes.io/metadata.name': config.pki.clusterResourceNamespace } },
            ports: [{ port: 9402 }],
            why: "cert-manager's controller metrics (certificate expiry)",
          },
        ]
      : []),
    ...(c.kubeStateMetrics
      ? [
          {
            peer: c.kubeStateMetrics,
            direction: 'egress' as const,
            ipBlock: anywhere,
            ports: [{ port: 443 }, { port: 6443 }],
            why: 'Kubernetes API, to list and watch the objects it reports',
          },
        ]
      : []),
    // Object storage is outside the cluster (or reached at an address, as S3 clients are): HTTPS anywhere.
    ...(c.prometheus?.backup && backupBucket
      ? [c.prometheus, c.prometheus.backup.retention.peer, ...(c.storeGateway ? [c.storeGateway] : [])].map((peer) => ({
          peer,
          direction: 'egress' as const,
          ipBlock: anywhere,
          ports: [{ port: endpointPort(backupBucket) }],
          why: `the backup bucket at ${backupBucket.endpoint}`,
        }))
      : []),
    // A remote-write store is reached at the address its URL names, as S3 clients reach a bucket.
    ...config.prometheus.remoteWrite.map((store) => ({
      peer: c.prometheus,
      direction: 'egress' as const,
      ipBlock: anywhere,
      ports: [{ port: remoteWritePort(store.url) }],
      why: `remote write to ${store.name} (${store.url})`,
    })),
    ...(snapshotBucket && (c.elasticsearch instanceof Elasticsearch || c.elasticsearch instanceof EckElasticsearch)
      ? [
          {
            peer: c.elasticsearch,
            direction: 'egress' as const,
            ipBlock: anywhere,
            ports: [{ port: 443 }],
            why: `the snapshot repository's S3 bucket ${snapshotBucket.bucket}`,
          },
        ]
      : []),
    // ECK's operator calls the REST API of the clusters it runs (health, users, settings).
    ...(c.elasticsearch instanceof EckElasticsearch
      ? [
          {
            peer: c.elasticsearch,
            direction: 'ingress' as const,
            namespaces: { matchLabels: { 'kubernetes.io/metadata.name': c.elasticsearch.operatorNamespace } },
            ports: [{ port: c.elasticsearch.port('https').port }],
            why: `the ECK operator in ${c.elasticsearch.operatorNamespace}`,
          },
        ]
      : []),
    // Grafana's server side of an OIDC sign-in: the code for tokens, then the user's claims.
    ...(config.grafana.sso
      ? [
          {
            peer: c.grafana,
            direction: 'egress' as const,
            ipBlock: anywhere,
            ports: [...new Set([config.grafana.sso.tokenUrl, config.grafana.sso.userInfoUrl].map(httpsPort))].map(
              (port) => ({ port }),
            ),
            why: `the OIDC provider's token and UserInfo endpoints (${new URL(config.grafana.sso.tokenUrl).host})`,
          },
        ]
      : []),
    // Kibana's sign-in is Elasticsearch's OIDC realm: it trades the code for tokens, verifies them with
    // the provider's keys and reads UserInfo. An existing cluster's own policies are its owner's.
    ...(config.kibana.sso && c.elasticsearch instanceof Elasticsearch
      ? [
          {
            peer: c.elasticsearch,
            direction: 'egress' as const,
            ipBlock: anywhere,
            ports: [...new Set(providerCalls(config.kibana.sso).map(httpsPort))].map((port) => ({ port })),
            why: `the OIDC provider's token, JWKS and UserInfo endpoints (${new URL(config.kibana.sso.tokenEndpoint).host})`,
          },
        ]
      : []),
    {
      peer: c.alertmanager,
      direction: 'egress',
      ipBlock: anywhere,
      ports: [{ port: 443 }, ...(usesEmail ? [{ port: 25 }, { port: 465 }, { port: 587 }] : [])],
      why: `notifications to receivers over HTTPS${usesEmail ? ' and SMTP' : ''}`,
    },
    ...(ui
      ? [
          { peer: c.grafana, port: 'http' },
          { peer: c.kibana, port: 'http' },
          { peer: c.jaeger, port: 'query-http' },
          { peer: c.prometheus, port: 'web' },
          { peer: c.alertmanager, port: 'web' },
        ].flatMap(({ peer, port }) =>
          peer
            ? [
                {
                  peer,
                  direction: 'ingress' as const,
                  namespaces: ui,
                  ports: [peer.port(port)],
                  why: 'UI from namespaces matching network.uiFrom',
                },
              ]
            : [],
        )
      : []),
  ];
  return allows.flatMap((a) => (a.peer ? [{ ...a, peer: a.peer }] : []));
}

/** The port an https:// URL names, 443 when it names none. */
function httpsPort(url: string): number {
  return Number(new URL(url).port || 443);
}

/** What crosses the agent namespace's boundary other than links to stack components. */
function agentExternalAllows(config: StackConfig, agent: OtelAgent): ExternalAllow[] {
  const anywhere = '0.0.0.0/0';
  return [
    {
      peer: agent,
      direction: 'ingress',
      namespaces: config.network.telemetryFrom,
      ports: [agent.port('otlp-grpc'), agent.port('otlp-http')],
      why: 'OTLP from instrumented agents in namespaces matching network.telemetryFrom',
    },
    {
      peer: agent,
      direction: 'egress',
      ipBlock: anywhere,
      ports: [{ port: 443 }, { port: 6443 }],
      why: 'Kubernetes API for k8s_attributes (pod metadata)',
    },
    {
      peer: agent,
      direction: 'egress',
      ipBlock: anywhere,
      ports: [{ port: 10250 }],
      why: "the node's kubelet for kubelet_stats (its address is the node's IP)",
    },
  ];
}

/**
 * Runs `load` (loadConfig or resolveConfig). When the loader refuses the config, the constructs still
 * judge the sections it accepted (defaults standing in for the others), and the ConfigError names
 * both: one run shows every mistake of a document.
 */
export function withStackProblems(load: () => StackConfig): StackConfig {
  try {
    return load();
  } catch (e) {
    if (!(e instanceof ConfigError) || e.standIn === undefined) throw e;
    const broken = new Set(e.problems.map(problemSection));
    let more: string[] = [];
    try {
      buildStack(new App(), e.standIn);
    } catch (f) {
      // The stand-in only adds lines: anything else it hits leaves the loader's problems as they are.
      if (f instanceof ConfigError) more = f.problems.filter((p) => !broken.has(problemSection(p)));
    }
    throw new ConfigError(e.source, [...e.problems, ...more]);
  }
}

/** A cdk8s App holding the stack, writing to `outdir`. */
export function stackApp(config: StackConfig, outdir?: string): { app: App; parts: StackParts } {
  const app = new App({ outdir, outputFileExtension: '.k8s.yaml', yamlOutputType: undefined });
  const parts = buildStack(app, config);
  return { app, parts };
}
