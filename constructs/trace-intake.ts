import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { CommonConfig, TraceIntakeConfig } from '../src/config/types';
import { imageOf } from '../src/lib/images';
import { toYaml } from '../src/lib/render';
import { Component, httpProbe } from '../src/lib/component';
import { COMPONENTS } from '../src/lib/names';
import { traceIntakeConfig } from './jaeger-config';
import { Pki } from './mtls';
import { OtelCollector } from './otel-collector';

export interface TraceIntakeProps {
  readonly config: TraceIntakeConfig;
  readonly common: CommonConfig;
  /** Where the spans go, as OTLP: the gateway samples, redacts and stores them like every app's. */
  readonly gateway: OtelCollector;
  /** Issues its certificate: it serves its ports over mTLS and is the gateway's client. */
  readonly pki: Pki;
  /** @default IMAGES.jaeger */
  readonly image?: string;
}

/**
 * The trace intake: for senders that speak Zipkin or Jaeger instead of OTLP (seed 004's jaeger-client,
 * Zipkin instrumentations). The Jaeger v2 binary the stack already runs and judges (a collector
 * distribution with the Zipkin and Jaeger receivers and the OTLP exporter) translates their spans and
 * forwards them to the gateway, so they are sampled, redacted and stored exactly as OTLP spans are.
 * The gateway itself cannot take them: the collector release it is built and judged at has no Zipkin
 * or Jaeger receiver the module proxy serves. Every port requires a client certificate from the stack
 * CA, as the OTLP ports do; Jaeger's UDP agent protocols (plaintext by design) are not offered: a
 * jaeger-client sends to the Thrift-over-HTTPS port instead (its `collectorEndpoint`).
 */
export class TraceIntake extends Component {
  public readonly rendered: string;

  constructor(scope: Construct, id: string, props: TraceIntakeProps) {
    super(scope, id, {
      name: COMPONENTS.traceIntake,
      namespace: props.common.namespace,
      role: 'trace-intake',
      image: props.image ?? imageOf(scope, 'jaeger'),
      ports: [
        { name: 'zipkin', port: 9411, carries: 'Zipkin v1/v2 spans (JSON, Thrift, Protobuf) over HTTPS', tls: 'mtls' },
        { name: 'jaeger-grpc', port: 14250, carries: 'Jaeger spans over gRPC (model.proto)', tls: 'mtls' },
        { name: 'jaeger-http', port: 14268, carries: 'Jaeger spans, Thrift over HTTPS (/api/traces)', tls: 'mtls' },
        // Plaintext: kubelet probes present no client certificate.
        { name: 'health', port: 13133, carries: 'health checks (/status)' },
        // The internal telemetry's Prometheus reader has no TLS settings.
        { name: 'metrics', port: 8888, carries: "the intake's own /metrics" },
      ],
    });
    const tls = props.pki.issue(this, ['server auth', 'client auth']);
    this.rendered = toYaml(
      traceIntakeConfig({
        common: props.common,
        tls,
        port: (name) => this.port(name).port,
        gateway: props.gateway.endpoint(this, 'otlp-grpc'),
      }),
    );
    this.configMap('Config', this.name, { 'config.yaml': this.rendered });
    this.serviceAccount();
    this.service();
    const replicas = props.config.replicas;
    new k8s.KubeDeployment(this, 'Resource', {
      metadata: { name: this.name, labels: this.labels },
      spec: {
        replicas,
        selector: { matchLabels: this.selector },
        template: this.podTemplate({
          rendered: [this.rendered],
          replicas,
          containers: [
            {
              name: 'trace-intake',
              args: ['--config', '/etc/jaeger/config.yaml'],
              resources: props.config.resources,
              livenessProbe: httpProbe('health', '/status'),
              readinessProbe: httpProbe('health', '/status', { initialDelaySeconds: 5, periodSeconds: 5 }),
              volumeMounts: [
                { name: 'config', mountPath: '/etc/jaeger/config.yaml', subPath: 'config.yaml', readOnly: true },
                tls.mount,
              ],
            },
          ],
          volumes: [{ name: 'config', configMap: { name: this.name } }, tls.volume],
        }),
      },
    });
    this.disruptionBudget(replicas);
  }
}
