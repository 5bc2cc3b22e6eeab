import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { CommonConfig, JaegerConfig } from '../src/config/types';
import { imageOf } from '../src/lib/images';
import { quantityBytes } from '../src/lib/quantity';
import { toYaml } from '../src/lib/render';
import { durationSeconds } from '../src/config/duration';
import { Component, httpProbe, PART_OF, Peer, scratch, secretKeys } from '../src/lib/component';
import { ElasticsearchCluster } from './elasticsearch-cluster';
import { jaegerConfig } from './jaeger-config';
import { Pki } from './mtls';
import { COMPONENTS } from '../src/lib/names';

export interface JaegerProps {
  readonly config: JaegerConfig;
  readonly common: CommonConfig;
  readonly elasticsearch: ElasticsearchCluster;
  readonly pki: Pki;
  /** Spans older than this are deleted (seed 002: 7 days). @default '7d' */
  readonly spanRetention?: string;
  /** @default IMAGES.jaeger */
  readonly image?: string;
}

const ES_SECRET_DIR = '/etc/jaeger/es-credentials';

/**
 * Jaeger's index cleaner, in curl: deletes Jaeger's daily indices created before the retention
 * window. Jaeger's ILM mode needs its write aliases initialised by a separate rollover tool; daily
 * indices plus this cleaner keep spans the same 7 days with one daily request.
 */
const CLEANER_SCRIPT = `#!/bin/bash
set -euo pipefail
username=$(cat "\${ES_USERNAME_FILE}")
password=$(cat "\${ES_PASSWORD_FILE}")
# ES_CA unset: the cluster's certificate is verified against the image's public roots.
es() { curl --silent --show-error --fail-with-body \${ES_CA:+--cacert "$ES_CA"} -u "\${username}:\${password}" "$@"; }
cutoff=$(( ($(date +%s) - RETENTION_SECONDS) * 1000 ))
indices="\${INDEX_PREFIX}-jaeger-span-*,\${INDEX_PREFIX}-jaeger-service-*,\${INDEX_PREFIX}-jaeger-dependencies-*"
es "\${ES_URL}/_cat/indices/\${indices}?h=index,creation.date&expand_wildcards=all" | while read -r index created; do
  if [ -n "$index" ] && [ "$created" -lt "$cutoff" ]; then
    echo "deleting $index"; es -X DELETE "\${ES_URL}/\${index}"; echo
  fi
done
echo "index cleaner done"
`;

/**
 * Jaeger v2 (an OpenTelemetry Collector distribution) running the collector and query roles,
 * storing spans in Elasticsearch over TLS as its own user, under its own index prefix.
 */
export class Jaeger extends Component {
  public readonly rendered: string;
  /** The span index cleaner's pods, which connect to Elasticsearch. */
  public readonly cleanerPeer: Peer;

  constructor(scope: Construct, id: string, props: JaegerProps) {
    const image = props.image ?? imageOf(scope, 'jaeger');
    super(scope, id, {
      name: COMPONENTS.jaeger,
      namespace: props.common.namespace,
      role: 'tracing',
      image,
      ports: [
        { name: 'otlp-grpc', port: 4317, carries: 'spans over OTLP/gRPC from the collector', tls: 'mtls' },
        { name: 'otlp-http', port: 4318, carries: 'spans over OTLP/HTTP', tls: 'mtls' },
        { name: 'query-http', port: 16686, carries: 'Jaeger UI and HTTP query API (Grafana datasource)', tls: 'mtls' },
        { name: 'query-grpc', port: 16685, carries: 'Jaeger gRPC query API', tls: 'mtls' },
        // Plaintext: kubelet probes present no client certificate.
        { name: 'health', port: 13133, carries: 'health checks (/status)' },
        // The internal telemetry's Prometheus reader has no TLS settings.
        { name: 'metrics', port: 8888, carries: "Jaeger's own /metrics" },
      ],
    });
    const config = props.config;
    const es = props.elasticsearch;
    const tls = props.pki.issue(this, ['server auth', 'client auth']);
    const creds = config.elasticsearch;
    const esTrust = es.trust(tls);
    const esUrl = es.grant(this, creds, 'agent_o11y_jaeger', {
      cluster: ['monitor', 'manage_index_templates', 'manage_ilm'],
      indices: [{ names: [`${config.indexPrefix}-*`], privileges: ['all'] }],
    });
    const jaegerConfigFile = jaegerConfig({
      common: props.common,
      indexPrefix: config.indexPrefix,
      tls,
      port: (name) => this.port(name).port,
      elasticsearch: {
        url: esUrl,
        passwordFile: `${ES_SECRET_DIR}/${creds.passwordKey}`,
        ...(esTrust.caFile ? { caFile: esTrust.caFile } : {}),
        replicas: es.indexReplicas,
      },
    });
    this.rendered = toYaml(jaegerConfigFile);
    this.configMap('Config', this.name, { 'config.yaml': this.rendered });
    this.serviceAccount();
    this.service();

    new k8s.KubeDeployment(this, 'Resource', {
      metadata: { name: this.name, labels: this.labels },
      spec: {
        replicas: config.replicas,
        selector: { matchLabels: this.selector },
        template: this.podTemplate({
          rendered: [this.rendered],
          replicas: config.replicas,
          containers: [
            {
              name: 'jaeger',
              args: ['--config', '/etc/jaeger/config.yaml'],
              env: [
                {
                  name: 'ES_USERNAME',
                  valueFrom: { secretKeyRef: { name: creds.secretName, key: creds.usernameKey } },
                },
                { name: 'GOMEMLIMIT', value: goMemLimit(config.resources.limits.memory) },
              ],
              resources: config.resources,
              livenessProbe: httpProbe('health', '/status'),
              readinessProbe: httpProbe('health', '/status', { initialDelaySeconds: 5, periodSeconds: 5 }),
              volumeMounts: [
                { name: 'config', mountPath: '/etc/jaeger/config.yaml', subPath: 'config.yaml', readOnly: true },
                { name: 'es-credentials', mountPath: ES_SECRET_DIR, readOnly: true },
                tls.mount,
                ...esTrust.mounts,
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            { name: 'config', configMap: { name: this.name } },
            secretKeys('es-credentials', creds.secretName, [creds.passwordKey]),
            tls.volume,
            ...esTrust.volumes,
            scratch('tmp'),
          ],
        }),
      },
    });
    this.disruptionBudget(config.replicas);
    this.cleanerPeer = this.indexCleaner(props);
  }

  /** A daily CronJob deleting span indices older than the retention, as Jaeger's own user. */
  private indexCleaner(props: JaegerProps): Peer {
    const retention = props.spanRetention ?? '7d';
    const creds = props.config.elasticsearch;
    const name = `${this.name}-index-cleaner`;
    const peer: Peer = {
      name,
      selector: {
        'app.kubernetes.io/name': name,
        'app.kubernetes.io/instance': PART_OF,
      },
    };
    const esUrl = props.elasticsearch.endpoint(peer, 'https').url();
    // It has no certificate of the stack: the cluster's CA is mounted on its own.
    const esTrust = props.elasticsearch.trust();
    const labels = { ...this.labels, 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': 'span-retention' };
    this.configMap('CleanerScript', name, { 'clean.sh': CLEANER_SCRIPT });
    new k8s.KubeCronJob(this, 'IndexCleaner', {
      metadata: { name, labels },
      spec: {
        schedule: '15 0 * * *',
        concurrencyPolicy: 'Forbid',
        successfulJobsHistoryLimit: 1,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          spec: {
            backoffLimit: 3,
            template: this.podTemplate({
              labels,
              rendered: [CLEANER_SCRIPT],
              restartPolicy: 'OnFailure',
              containers: [
                {
                  name: 'index-cleaner',
                  // Bash and curl, already pinned for the stack; no extra image to trust.
                  image: props.elasticsearch.image,
                  servesPorts: false,
                  command: ['bash', '/etc/jaeger/cleaner/clean.sh'],
                  env: [
                    { name: 'ES_URL', value: esUrl },
                    ...(esTrust.caFile ? [{ name: 'ES_CA', value: esTrust.caFile }] : []),
                    { name: 'ES_USERNAME_FILE', value: `${ES_SECRET_DIR}/${creds.usernameKey}` },
                    { name: 'ES_PASSWORD_FILE', value: `${ES_SECRET_DIR}/${creds.passwordKey}` },
                    { name: 'INDEX_PREFIX', value: props.config.indexPrefix },
                    { name: 'RETENTION_SECONDS', value: String(durationSeconds(retention)) },
                  ],
                  resources: {
                    requests: { cpu: '10m', memory: '32Mi' },
                    limits: { cpu: '100m', memory: '64Mi' },
                  },
                  volumeMounts: [
                    { name: 'cleaner', mountPath: '/etc/jaeger/cleaner', readOnly: true },
                    { name: 'es-credentials', mountPath: ES_SECRET_DIR, readOnly: true },
                    ...esTrust.mounts,
                  ],
                },
              ],
              volumes: [
                { name: 'cleaner', configMap: { name } },
                secretKeys('es-credentials', creds.secretName, [creds.usernameKey, creds.passwordKey]),
                ...esTrust.volumes,
              ],
            }),
          },
        },
      },
    });
    return peer;
  }
}

/**
 * A Go soft memory limit at `percent` (80) of the container's limit, so GC works before the OOM killer
 * does.
 */
export function goMemLimit(limit: string, percent = 80): string {
  return `${Math.floor(((quantityBytes(limit) / 2 ** 20) * percent) / 100)}MiB`;
}
