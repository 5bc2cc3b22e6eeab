import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { CommonConfig, LogstashConfig, RedactionConfig } from '../src/config/types';
import { imageOf } from '../src/lib/images';
import { COMPONENTS } from '../src/lib/names';
import { quantityBytes } from '../src/lib/quantity';
import { toYaml } from '../src/lib/render';
import { claimTemplate, Component, httpProbe, resourceRequirements } from '../src/lib/component';
import { ELASTIC_UID, ElasticHome } from './elastic-home';
import { ElasticsearchCluster } from './elasticsearch-cluster';
import { otlpLogsPipeline } from './logstash-pipeline';
import {
  logstashJsonExporterArgs,
  logstashProbeParams,
  renderLogstashJsonExporterConfig,
} from '../src/lib/logstash-metrics';
import { Pki, webConfig } from './mtls';
import { REDACTION_PATTERNS } from './otel-redaction';
import { Retention } from './retention';
import type { LogstashPipelineEntry, LogstashSettings } from './elastic-settings';

export interface LogstashProps {
  readonly config: LogstashConfig;
  readonly common: CommonConfig;
  readonly elasticsearch: ElasticsearchCluster;
  readonly pki: Pki;
  /** The log streams: Logstash may write to each one's data streams. */
  readonly retention: Retention;
  /** The gateway's redaction rules, applied to attributes inside JSON log bodies. @default - none */
  readonly redaction?: RedactionConfig;
  /** @default IMAGES.logstash */
  readonly image?: string;
  /** The json_exporter sidecar's image. @default IMAGES.jsonExporter */
  readonly metricsImage?: string;
}

const HOME = '/usr/share/logstash';
const METRICS_DIR = '/etc/json-exporter';

/** The json_exporter sidecar's resources: one small JSON document per scrape. */
const METRICS_RESOURCES = { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '100m', memory: '64Mi' } };

/**
 * Logstash as a StatefulSet: an `http` input receiving the collector's OTLP/JSON log exports, the
 * parsing and enrichment pipeline, a persistent queue and dead-letter queue on its volume, and
 * Elasticsearch data streams as output.
 */
export class Logstash extends Component {
  public readonly pipeline: string;
  public readonly settings: string;
  /** The json_exporter sidecar's module config (Logstash's pipeline stats as Prometheus metrics). */
  public readonly metricsConfig: string;
  /** The sidecar's TLS web config: its port requires a client certificate from the stack CA. */
  public readonly metricsWebConfig: string;
  /** The sidecar's command line. */
  public readonly metricsArgs: readonly string[];
  /** The scrape's query: json_exporter's module and Logstash's stats URL on the pod's loopback. */
  public readonly metricsParams: Record<string, string[]>;

  constructor(scope: Construct, id: string, props: LogstashProps) {
    const image = props.image ?? imageOf(scope, 'logstash');
    super(scope, id, {
      name: COMPONENTS.logstash,
      namespace: props.common.namespace,
      role: 'log-processing',
      image,
      ports: [
        { name: 'otlp-http', port: 8080, carries: 'logs as OTLP/HTTP JSON from the collector', tls: 'mtls' },
        { name: 'api', port: 9600, carries: 'Logstash monitoring API (health)' },
        {
          name: 'metrics',
          port: 7979,
          carries: "Logstash's pipeline and dead-letter-queue metrics (the json_exporter sidecar)",
          tls: 'mtls',
        },
      ],
    });
    const config = props.config;
    const es = props.elasticsearch;
    const tls = props.pki.issue(this, ['server auth', 'client auth']);
    const creds = config.elasticsearch;
    const esTrust = es.trust(tls);
    const esUrl = es.grant(this, creds, 'agent_o11y_logstash_writer', {
      cluster: ['monitor'],
      indices: [
        {
          names: Object.values(props.retention.streamPatterns),
          privileges: ['create_doc', 'auto_configure', 'view_index_metadata'],
        },
      ],
    });
    // Queues share the volume: the persistent queue gets half, the dead-letter queue a quarter.
    const volume = quantityBytes(config.storage.size);
    const mb = (n: number) => `${Math.floor(n / 1024 / 1024)}mb`;
    const settings: LogstashSettings = {
      'api.http.host': '0.0.0.0',
      'api.http.port': this.port('api').port,
      'path.data': `${HOME}/data`,
      'log.level': props.common.logLevel,
      'pipeline.ecs_compatibility': 'v8',
      'queue.type': 'persisted',
      'path.queue': `${HOME}/data/queue`,
      'queue.max_bytes': mb(volume / 2),
      'dead_letter_queue.enable': true,
      'path.dead_letter_queue': `${HOME}/data/dead_letter_queue`,
      'dead_letter_queue.max_bytes': mb(volume / 4),
    };
    this.settings = toYaml(settings);
    const pipelineEntries: LogstashPipelineEntry[] = [
      {
        'pipeline.id': 'otlp-logs',
        'path.config': `${HOME}/pipeline/otlp-logs.conf`,
        'pipeline.workers': config.workers,
      },
    ];
    const pipelines = toYaml(pipelineEntries);
    this.pipeline = otlpLogsPipeline({
      httpPort: this.port('otlp-http').port,
      elasticsearchUrl: esUrl,
      caFile: tls.ca,
      ...(esTrust.caFile ? { elasticsearchCaFile: esTrust.caFile } : {}),
      certFile: tls.cert,
      keyFile: tls.key,
      dataStreamNamespace: props.common.environment.toLowerCase().replace(/[^a-z0-9_]/g, '_'),
      streams: Object.keys(props.retention.streamPatterns),
      criticalAgentTypes: config.criticalAgentTypes,
      ...(props.redaction?.enabled
        ? {
            redaction: {
              removedName: REDACTION_PATTERNS.removedName(props.redaction.removeAttributesNamed),
              pseudonymize: props.redaction.pseudonymize,
            },
          }
        : {}),
    });
    // The json_exporter sidecar reads the API on the pod's loopback (api.http.host binds every address:
    // the kubelet probes it at the pod's IP) and serves the metrics over mTLS with Logstash's certificate.
    this.metricsConfig = renderLogstashJsonExporterConfig(pipelineEntries.map((p) => p['pipeline.id']));
    this.metricsWebConfig = toYaml(webConfig(tls, 'RequireAndVerifyClientCert'));
    this.metricsArgs = logstashJsonExporterArgs({
      listen: `:${this.port('metrics').port}`,
      config: `${METRICS_DIR}/json-exporter.yml`,
      webConfig: `${METRICS_DIR}/web.yml`,
    });
    this.metricsParams = logstashProbeParams(this.port('api').port);
    this.configMap('Config', this.name, {
      'logstash.yml': this.settings,
      'pipelines.yml': pipelines,
      'json-exporter.yml': this.metricsConfig,
      'web.yml': this.metricsWebConfig,
    });
    this.configMap('Pipeline', `${this.name}-pipeline`, { 'otlp-logs.conf': this.pipeline });
    this.serviceAccount();
    this.service();

    const heap = { name: 'LS_JAVA_OPTS', value: `-Xms${config.heap} -Xmx${config.heap}` };
    // The pipeline's ${ES_USERNAME} and ${ES_PASSWORD} resolve from the keystore; config, logs and
    // /tmp are emptyDirs, the data directory (queues) is the volume.
    const home = new ElasticHome({
      product: 'logstash',
      image,
      home: HOME,
      scratch: { logs: '1Gi' },
      secureSettings: {
        ES_USERNAME: { secretName: creds.secretName, key: creds.usernameKey },
        ES_PASSWORD: { secretName: creds.secretName, key: creds.passwordKey },
      },
      resources: resourceRequirements(config.resources),
      env: [heap],
    });
    new k8s.KubeStatefulSet(this, 'Resource', {
      metadata: { name: this.name, labels: this.labels },
      spec: {
        serviceName: this.podsService(),
        replicas: config.replicas,
        podManagementPolicy: 'Parallel',
        selector: { matchLabels: this.selector },
        template: this.podTemplate({
          rendered: [this.settings, pipelines, this.pipeline, this.metricsConfig, this.metricsWebConfig],
          uid: ELASTIC_UID,
          terminationGracePeriodSeconds: 60,
          replicas: config.replicas,
          initContainers: [home.initContainer],
          containers: [
            {
              name: 'logstash',
              env: [
                heap,
                { name: 'STACK_CLUSTER', value: props.common.cluster },
                { name: 'STACK_ENVIRONMENT', value: props.common.environment },
              ],
              resources: config.resources,
              livenessProbe: httpProbe('api', '/', { initialDelaySeconds: 60, periodSeconds: 20 }),
              readinessProbe: httpProbe('api', '/', { initialDelaySeconds: 20, periodSeconds: 10 }),
              volumeMounts: [
                { name: 'data', mountPath: `${HOME}/data` },
                ...home.mounts,
                ...['logstash.yml', 'pipelines.yml'].map((f) => ({
                  name: 'settings',
                  mountPath: `${home.configDir}/${f}`,
                  subPath: f,
                  readOnly: true,
                })),
                { name: 'pipeline', mountPath: `${HOME}/pipeline`, readOnly: true },
                tls.mount,
                ...esTrust.mounts,
              ],
            },
            {
              // Its port is declared on the logstash container (one pod network): a pod's named port
              // is one target for Prometheus' pod discovery.
              name: 'json-exporter',
              image: props.metricsImage ?? imageOf(scope, 'jsonExporter'),
              servesPorts: false,
              args: [...this.metricsArgs],
              resources: METRICS_RESOURCES,
              // By number: the kubelet looks a probe's named port up in the probed container's own ports,
              // and this one's are declared on the logstash container.
              livenessProbe: {
                tcpSocket: { port: k8s.IntOrString.fromNumber(this.port('metrics').port) },
                periodSeconds: 10,
              },
              readinessProbe: {
                tcpSocket: { port: k8s.IntOrString.fromNumber(this.port('metrics').port) },
                periodSeconds: 10,
              },
              volumeMounts: [
                ...['json-exporter.yml', 'web.yml'].map((f) => ({
                  name: 'settings',
                  mountPath: `${METRICS_DIR}/${f}`,
                  subPath: f,
                  readOnly: true,
                })),
                tls.mount,
              ],
            },
          ],
          volumes: [
            { name: 'settings', configMap: { name: this.name } },
            ...home.volumes,
            { name: 'pipeline', configMap: { name: `${this.name}-pipeline` } },
            tls.volume,
            ...esTrust.volumes,
          ],
        }),
        volumeClaimTemplates: [claimTemplate('data', config.storage, this.labels)],
      },
    });
    this.disruptionBudget(config.replicas);
  }
}
