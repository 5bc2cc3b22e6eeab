import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { CommonConfig, GrafanaConfig } from '../src/config/types';
import { imageOf } from '../src/lib/images';
import { toYaml } from '../src/lib/render';
import { Component, secretKeys, httpProbe, scratch } from '../src/lib/component';
import { ElasticsearchCluster } from './elasticsearch-cluster';
import { Jaeger } from './jaeger';
import { Pki } from './mtls';
import {
  DASHBOARDS_DIR,
  datasourcesFile,
  ES_CREDENTIALS_DIR,
  grafanaIniFile,
  OAUTH_SECRET_DIR,
  providersFile,
} from './grafana-config';
import { Prometheus } from './prometheus';
import { COMPONENTS, GRAFANA_PORT } from '../src/lib/names';

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
  /** Thanos Query, for long-term and global queries (datasource "Thanos"). @default - no such datasource */
  readonly thanosQuery?: Component;
  readonly jaeger: Jaeger;
  readonly elasticsearch: ElasticsearchCluster;
  readonly pki: Pki;
  readonly dashboards: readonly GrafanaDashboard[];
  /** @default IMAGES.grafana */
  readonly image?: string;
}

const ADMIN_DIR = '/etc/grafana/admin';

/** A ConfigMap name for a folder of dashboards. */
export function folderSlug(folder: string): string {
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
    const image = props.image ?? imageOf(scope, 'grafana');
    super(scope, id, {
      name: COMPONENTS.grafana,
      namespace: props.common.namespace,
      role: 'dashboards',
      image,
      // TLS without client certificates: Grafana cannot verify them; people log in, Prometheus needs none.
      ports: [
        { name: 'http', port: GRAFANA_PORT, carries: 'Grafana UI and API (HTTPS); its own /metrics', tls: 'tls' },
      ],
    });
    const config = props.config;
    const tls = props.pki.issue(this, ['server auth', 'client auth']);
    const esTrust = props.elasticsearch.trust(tls);
    const uids = new Set<string>();
    for (const d of props.dashboards) {
      if (uids.has(d.uid)) throw new Error(`grafana: dashboard uid '${d.uid}' is used twice`);
      uids.add(d.uid);
    }
    this.datasources = toYaml(
      datasourcesFile({
        tls,
        prometheus: props.prometheus.endpoint(this, 'web'),
        ...(props.thanosQuery ? { thanosQuery: props.thanosQuery.endpoint(this, 'http') } : {}),
        jaeger: props.jaeger.endpoint(this, 'query-http'),
        elasticsearchUrl: props.elasticsearch.grant(this, config.elasticsearch, 'agent_o11y_grafana_reader', {
          cluster: ['monitor'],
          indices: [{ names: ['logs-agents-*'], privileges: ['read', 'view_index_metadata'] }],
        }),
        ...(esTrust.caFile ? { elasticsearchCaFile: esTrust.caFile } : {}),
        credentials: config.elasticsearch,
      }),
    );
    const providers = toYaml(providersFile());
    const sso = config.sso;
    const grafanaIni = grafanaIniFile({ port: this.port('http').port, tls, logLevel: props.common.logLevel, sso });
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
                ...(sso
                  ? [
                      {
                        name: 'GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET__FILE',
                        value: `${OAUTH_SECRET_DIR}/${sso.clientSecret.key}`,
                      },
                    ]
                  : []),
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
                ...(sso ? [{ name: 'oauth', mountPath: OAUTH_SECRET_DIR, readOnly: true }] : []),
                { name: 'es-credentials', mountPath: ES_CREDENTIALS_DIR, readOnly: true },
                tls.mount,
                ...esTrust.mounts,
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
            secretKeys('admin', admin.secretName, [admin.usernameKey, admin.passwordKey]),
            ...(sso ? [secretKeys('oauth', sso.clientSecret.secretName, [sso.clientSecret.key])] : []),
            secretKeys('es-credentials', config.elasticsearch.secretName, [
              config.elasticsearch.usernameKey,
              config.elasticsearch.passwordKey,
            ]),
            tls.volume,
            ...esTrust.volumes,
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
