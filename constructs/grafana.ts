import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { CommonConfig, GrafanaConfig } from '../src/config/types';
import { IMAGES } from '../src/lib/images';
import { toYaml } from '../src/lib/render';
import { Component, Endpoint, httpProbe, scratch } from '../src/lib/component';
import { Elasticsearch } from './elasticsearch';
import { Jaeger } from './jaeger';
import { Pki, TlsFiles } from './mtls';
import { Prometheus } from './prometheus';
import { COMPONENTS, DATASOURCE_UIDS } from '../src/lib/names';

/** A dashboard JSON file and the Grafana folder it goes in. */
export interface GrafanaDashboard {
  readonly uid: string;
  readonly folder: string;
  readonly fileName: string;
  readonly json: string;
}

export interface GrafanaProps {
  readonly config: GrafanaConfig;
  readonly common: CommonConfig;
  readonly prometheus: Prometheus;
  readonly jaeger: Jaeger;
  readonly elasticsearch: Elasticsearch;
  readonly pki: Pki;
  readonly dashboards: readonly GrafanaDashboard[];
  /** @default IMAGES.grafana */
  readonly image?: string;
}

/** Datasource uids dashboards refer to. */

const DASHBOARDS_DIR = '/var/lib/grafana-dashboards';
const ADMIN_DIR = '/etc/grafana/admin';
const ES_CREDENTIALS_DIR = '/etc/grafana/es-credentials';

/** A ConfigMap name for a folder of dashboards. */
function folderSlug(folder: string): string {
  return folder
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/**
 * Grafana with datasources (Prometheus, Jaeger, Elasticsearch) provisioned from construct
 * references, dashboards from ConfigMaps (one per folder), and admin credentials from a Secret.
 */
export class Grafana extends Component {
  public readonly datasources: string;

  constructor(scope: Construct, id: string, props: GrafanaProps) {
    const image = props.image ?? IMAGES.grafana;
    super(scope, id, {
      name: COMPONENTS.grafana,
      namespace: props.common.namespace,
      role: 'dashboards',
      image,
      // TLS without client certificates: Grafana cannot verify them; people log in, Prometheus needs none.
      ports: [{ name: 'http', port: 3000, carries: 'Grafana UI and API (HTTPS); its own /metrics', tls: 'tls' }],
    });
    const config = props.config;
    const tls = props.pki.issue(this, ['server auth', 'client auth']);
    const uids = new Set<string>();
    for (const d of props.dashboards) {
      if (uids.has(d.uid)) throw new Error(`grafana: dashboard uid '${d.uid}' is used twice`);
      uids.add(d.uid);
    }
    const esFile = (key: string) => `$__file{${ES_CREDENTIALS_DIR}/${key}}`;
    const prometheusUrl = props.prometheus.endpoint(this, 'web');
    const jaegerUrl = props.jaeger.endpoint(this, 'query-http');
    const prometheusTls = datasourceTls(tls, prometheusUrl);
    const jaegerTls = datasourceTls(tls, jaegerUrl);
    this.datasources = toYaml({
      apiVersion: 1,
      prune: true,
      datasources: [
        {
          name: 'Prometheus',
          type: 'prometheus',
          uid: DATASOURCE_UIDS.prometheus,
          access: 'proxy',
          url: prometheusUrl.url(),
          isDefault: true,
          editable: false,
          jsonData: {
            ...prometheusTls.jsonData,
            httpMethod: 'POST',
            prometheusType: 'Prometheus',
            // Metric -> trace: the OTel SDKs attach exemplars with a `trace_id` label to histogram
            // observations; the collector's Prometheus exporter exposes them (OpenMetrics).
            exemplarTraceIdDestinations: [{ name: 'trace_id', datasourceUid: DATASOURCE_UIDS.jaeger }],
          },
          ...prometheusTls.secure,
        },
        {
          name: 'Jaeger',
          type: 'jaeger',
          uid: DATASOURCE_UIDS.jaeger,
          access: 'proxy',
          url: jaegerUrl.url(),
          editable: false,
          jsonData: {
            ...jaegerTls.jsonData,
            // Trace -> logs: Logstash stores each record's trace id in the top-level `trace_id` field.
            // Keys as Grafana's TraceToLogsOptionsV2; a custom (Lucene) query because the generated one
            // is built for Loki-style labels. Logs are written around, not only within, a span: widen it.
            tracesToLogsV2: {
              datasourceUid: DATASOURCE_UIDS.elasticsearch,
              spanStartTimeShift: '-1m',
              spanEndTimeShift: '1m',
              filterByTraceID: true,
              customQuery: true,
              query: 'trace_id:"${__trace.traceId}"',
            },
          },
          ...jaegerTls.secure,
        },
        {
          name: 'Elasticsearch',
          type: 'elasticsearch',
          uid: DATASOURCE_UIDS.elasticsearch,
          access: 'proxy',
          url: props.elasticsearch.grant(this, config.elasticsearch, 'agent_o11y_grafana_reader', {
            cluster: ['monitor'],
            indices: [{ names: ['logs-agents-*'], privileges: ['read', 'view_index_metadata'] }],
          }),
          basicAuth: true,
          basicAuthUser: esFile(config.elasticsearch.usernameKey),
          editable: false,
          jsonData: {
            index: 'logs-agents-*',
            timeField: '@timestamp',
            logMessageField: 'message',
            logLevelField: 'level',
            tlsAuthWithCACert: true,
            // Log line -> trace: an internal link on the `trace_id` field opens the trace in Jaeger
            // (for an internal link, `url` is the query sent to the target datasource).
            dataLinks: [
              {
                field: 'trace_id',
                datasourceUid: DATASOURCE_UIDS.jaeger,
                url: '${__value.raw}',
                urlDisplayLabel: 'View trace',
              },
            ],
          },
          secureJsonData: {
            basicAuthPassword: esFile(config.elasticsearch.passwordKey),
            tlsCACert: `$__file{${tls.ca}}`,
          },
        },
      ],
    });
    const providers = toYaml({
      apiVersion: 1,
      providers: [
        {
          name: 'agent-o11y',
          type: 'file',
          disableDeletion: true,
          allowUiUpdates: false,
          updateIntervalSeconds: 60,
          options: { path: DASHBOARDS_DIR, foldersFromFilesStructure: true },
        },
      ],
    });
    const grafanaIni = [
      '[server]',
      'protocol = https',
      `http_port = ${this.port('http').port}`,
      `cert_file = ${tls.cert}`,
      `cert_key = ${tls.key}`,
      'min_tls_version = TLS1.3',
      '',
      '[analytics]',
      'reporting_enabled = false',
      'check_for_updates = false',
      'check_for_plugin_updates = false',
      '',
      '[auth.anonymous]',
      'enabled = false',
      '',
      '[security]',
      'disable_initial_admin_creation = false',
      'cookie_secure = true',
      '',
      '[log]',
      `level = ${props.common.logLevel === 'warn' ? 'warning' : props.common.logLevel}`,
      '',
      '[paths]',
      'provisioning = /etc/grafana/provisioning',
      '',
    ].join('\n');
    this.configMap('Config', this.name, { 'grafana.ini': grafanaIni });
    this.configMap('Datasources', `${this.name}-datasources`, { 'datasources.yaml': this.datasources });
    this.configMap('Providers', `${this.name}-dashboard-providers`, { 'providers.yaml': providers });

    const folders = [...new Set(props.dashboards.map((d) => d.folder))].sort();
    for (const folder of folders) {
      const data = Object.fromEntries(
        props.dashboards.filter((d) => d.folder === folder).map((d) => [d.fileName, d.json]),
      );
      this.configMap(`Dashboards-${folderSlug(folder)}`, `${this.name}-dashboards-${folderSlug(folder)}`, data);
    }
    this.serviceAccount();
    this.service();

    const admin = config.admin;
    new k8s.KubeDeployment(this, 'Resource', {
      metadata: { name: this.name, labels: this.labels },
      spec: {
        replicas: 1,
        // One pod owns the SQLite database on the volume.
        strategy: { type: 'Recreate' },
        selector: { matchLabels: this.selector },
        template: this.podTemplate({
          rendered: [grafanaIni, this.datasources, providers, ...props.dashboards.map((d) => d.json)],
          containers: [
            {
              name: 'grafana',
              env: [
                // The image's entrypoint reads each *__FILE variable into the variable without the suffix.
                { name: 'GF_SECURITY_ADMIN_USER__FILE', value: `${ADMIN_DIR}/${admin.usernameKey}` },
                { name: 'GF_SECURITY_ADMIN_PASSWORD__FILE', value: `${ADMIN_DIR}/${admin.passwordKey}` },
                { name: 'GF_PATHS_DATA', value: '/var/lib/grafana' },
              ],
              resources: config.resources,
              livenessProbe: httpProbe('http', '/api/health', { initialDelaySeconds: 30, scheme: 'HTTPS' }),
              readinessProbe: httpProbe('http', '/api/health', {
                initialDelaySeconds: 5,
                periodSeconds: 5,
                scheme: 'HTTPS',
              }),
              volumeMounts: [
                { name: 'config', mountPath: '/etc/grafana/grafana.ini', subPath: 'grafana.ini', readOnly: true },
                { name: 'datasources', mountPath: '/etc/grafana/provisioning/datasources', readOnly: true },
                { name: 'providers', mountPath: '/etc/grafana/provisioning/dashboards', readOnly: true },
                ...folders.map((f) => ({
                  name: `dashboards-${folderSlug(f)}`,
                  mountPath: `${DASHBOARDS_DIR}/${f}`,
                  readOnly: true,
                })),
                { name: 'admin', mountPath: ADMIN_DIR, readOnly: true },
                { name: 'es-credentials', mountPath: ES_CREDENTIALS_DIR, readOnly: true },
                tls.mount,
                { name: 'data', mountPath: '/var/lib/grafana' },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            { name: 'config', configMap: { name: this.name } },
            { name: 'datasources', configMap: { name: `${this.name}-datasources` } },
            { name: 'providers', configMap: { name: `${this.name}-dashboard-providers` } },
            ...folders.map((f) => ({
              name: `dashboards-${folderSlug(f)}`,
              configMap: { name: `${this.name}-dashboards-${folderSlug(f)}` },
            })),
            {
              name: 'admin',
              secret: {
                secretName: admin.secretName,
                defaultMode: 0o440,
                items: [
                  { key: admin.usernameKey, path: admin.usernameKey },
                  { key: admin.passwordKey, path: admin.passwordKey },
                ],
              },
            },
            {
              name: 'es-credentials',
              secret: {
                secretName: config.elasticsearch.secretName,
                defaultMode: 0o440,
                items: [
                  { key: config.elasticsearch.usernameKey, path: config.elasticsearch.usernameKey },
                  { key: config.elasticsearch.passwordKey, path: config.elasticsearch.passwordKey },
                ],
              },
            },
            tls.volume,
            { name: 'data', persistentVolumeClaim: { claimName: this.name } },
            scratch('tmp'),
          ],
        }),
      },
    });
    new k8s.KubePersistentVolumeClaim(this, 'Data', {
      metadata: { name: this.name, labels: this.labels },
      spec: {
        accessModes: ['ReadWriteOnce'],
        ...(config.storage.storageClass ? { storageClassName: config.storage.storageClass } : {}),
        resources: { requests: { storage: k8s.Quantity.fromString(config.storage.size) } },
      },
    });
  }
}

/**
 * A datasource's TLS settings for `to`, following its server: the stack CA, and Grafana's client
 * certificate where the server requires one (files read through `$__file{}`, never copied in).
 */
function datasourceTls(
  tls: TlsFiles,
  to: Endpoint,
): { jsonData: Record<string, boolean>; secure: { secureJsonData?: Record<string, string> } } {
  if (!to.tls) return { jsonData: {}, secure: {} };
  const mutual = to.tls === 'mtls';
  return {
    jsonData: { tlsAuthWithCACert: true, ...(mutual ? { tlsAuth: true } : {}) },
    secure: {
      secureJsonData: {
        tlsCACert: `$__file{${tls.ca}}`,
        ...(mutual ? { tlsClientCert: `$__file{${tls.cert}}`, tlsClientKey: `$__file{${tls.key}}` } : {}),
      },
    },
  };
}
