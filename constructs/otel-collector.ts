import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { CollectorConfig, CommonConfig } from '../src/config/types';
import { IMAGES } from '../src/lib/images';
import { toYaml } from '../src/lib/render';
import {
  Component, containerPorts, containerSecurity, httpProbe, podSecurity, resourceRequirements, scratch, spread,
} from '../src/lib/component';
import { Jaeger, goMemLimit } from './jaeger';
import { Logstash } from './logstash';

export interface OtelCollectorProps {
  readonly config: CollectorConfig;
  readonly common: CommonConfig;
  /** Where traces go (OTLP/gRPC). */
  readonly jaeger: Jaeger;
  /** Where logs go (OTLP/HTTP with JSON encoding into Logstash's `http` input). */
  readonly logstash: Logstash;
  /** @default IMAGES.collector */
  readonly image?: string;
}

/** The collector's configuration file, as rendered. */
export interface CollectorConfigFile {
  extensions: Record<string, unknown>;
  receivers: Record<string, unknown>;
  processors: Record<string, unknown>;
  exporters: Record<string, unknown>;
  service: {
    extensions: string[];
    telemetry: Record<string, unknown>;
    pipelines: Record<string, { receivers: string[]; processors: string[]; exporters: string[] }>;
  };
}

/**
 * The OpenTelemetry Collector (contrib) gateway: OTLP in over gRPC and HTTP; metrics out to a
 * Prometheus scrape endpoint, traces to Jaeger over OTLP, logs to Logstash as OTLP/JSON.
 * `memory_limiter` runs first in every pipeline.
 */
export class OtelCollector extends Component {
  public readonly configFile: CollectorConfigFile;
  public readonly rendered: string;

  constructor(scope: Construct, id: string, props: OtelCollectorProps) {
    const image = props.image ?? IMAGES.collector;
    super(scope, id, {
      name: 'otel-collector',
      namespace: props.common.namespace,
      role: 'telemetry-gateway',
      image,
      ports: [
        { name: 'otlp-grpc', port: 4317, carries: 'OTLP/gRPC from instrumented agents: traces, metrics, logs' },
        { name: 'otlp-http', port: 4318, carries: 'OTLP/HTTP from instrumented agents: traces, metrics, logs' },
        { name: 'prom-exporter', port: 8889, carries: "agents' metrics, exposed for Prometheus to scrape" },
        { name: 'metrics', port: 8888, carries: "the collector's own /metrics" },
        { name: 'health', port: 13133, carries: 'health_check extension' },
      ],
    });
    const config = props.config;
    const jaeger = props.jaeger.endpoint(this, 'otlp-grpc');
    const logstash = props.logstash.endpoint(this, 'otlp-http');
    const pipeline = (exporter: string) => ({ receivers: ['otlp'], processors: ['memory_limiter', 'resource', 'batch'], exporters: [exporter] });
    this.configFile = {
      extensions: {
        health_check: { endpoint: `0.0.0.0:${this.port('health').port}` },
      },
      receivers: {
        otlp: {
          protocols: {
            grpc: { endpoint: `0.0.0.0:${this.port('otlp-grpc').port}` },
            http: { endpoint: `0.0.0.0:${this.port('otlp-http').port}` },
          },
        },
      },
      processors: {
        // Limits come from the container's cgroup limit, so they follow the configured resources.
        memory_limiter: { check_interval: '1s', limit_percentage: 80, spike_limit_percentage: 20 },
        resource: {
          attributes: [
            { key: 'k8s.cluster.name', value: props.common.cluster, action: 'upsert' },
            { key: 'deployment.environment.name', value: props.common.environment, action: 'upsert' },
          ],
        },
        batch: { send_batch_size: config.batchSize, send_batch_max_size: config.batchSize * 2, timeout: '5s' },
      },
      exporters: {
        prometheus: {
          endpoint: `0.0.0.0:${this.port('prom-exporter').port}`,
          resource_to_telemetry_conversion: { enabled: true },
          enable_open_metrics: true,
        },
        'otlp_grpc/jaeger': {
          endpoint: jaeger.hostPort,
          tls: { insecure: true },
          retry_on_failure: { enabled: true, max_elapsed_time: '10m' },
          sending_queue: { enabled: true, queue_size: 5000 },
        },
        'otlp_http/logstash': {
          logs_endpoint: logstash.url('http'),
          encoding: 'json',
          compression: 'none',
          retry_on_failure: { enabled: true, max_elapsed_time: '10m' },
          sending_queue: { enabled: true, queue_size: 5000 },
        },
      },
      service: {
        extensions: ['health_check'],
        telemetry: {
          logs: { level: props.common.logLevel },
          metrics: { level: 'detailed', readers: [{ pull: { exporter: { prometheus: { host: '0.0.0.0', port: this.port('metrics').port } } } }] },
        },
        pipelines: {
          metrics: pipeline('prometheus'),
          traces: pipeline('otlp_grpc/jaeger'),
          logs: pipeline('otlp_http/logstash'),
        },
      },
    };
    this.rendered = toYaml(this.configFile);
    this.configMap('Config', this.name, { 'config.yaml': this.rendered });
    this.serviceAccount();
    this.service();

    new k8s.KubeDeployment(this, 'Resource', {
      metadata: { name: this.name, labels: this.labels },
      spec: {
        replicas: config.replicas,
        selector: { matchLabels: this.selector },
        template: {
          metadata: { labels: this.labels, annotations: this.podAnnotations(this.rendered) },
          spec: {
            serviceAccountName: this.name,
            automountServiceAccountToken: false,
            securityContext: podSecurity(10001),
            ...spread(this.selector, config.replicas),
            containers: [{
              name: 'otel-collector',
              image,
              args: ['--config=/etc/otelcol/config.yaml'],
              env: [{ name: 'GOMEMLIMIT', value: goMemLimit(config.resources.limits.memory) }],
              ports: containerPorts(this.ports),
              resources: resourceRequirements(config.resources),
              securityContext: containerSecurity(true),
              livenessProbe: httpProbe('health', '/'),
              readinessProbe: httpProbe('health', '/', { initialDelaySeconds: 5, periodSeconds: 5 }),
              volumeMounts: [
                { name: 'config', mountPath: '/etc/otelcol/config.yaml', subPath: 'config.yaml', readOnly: true },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            }],
            volumes: [{ name: 'config', configMap: { name: this.name } }, scratch('tmp')],
          },
        },
      },
    });
    this.disruptionBudget(config.replicas);
  }
}
