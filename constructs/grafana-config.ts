/**
 * Grafana's provisioning files (datasources, dashboard providers) and grafana.ini, as types and pure
 * functions: the construct places them. Grafana reads them at start; the e2e and TLS tests judge the
 * links they make.
 */
import type { LogLevel, CredentialsRef, GrafanaSsoConfig } from '../src/config/types';
import type { Endpoint } from '../src/lib/component';
import { DATASOURCE_UIDS } from '../src/lib/names';
import type { TlsFiles } from './mtls';

/** Where the dashboards are mounted, one directory per folder. */
export const DASHBOARDS_DIR = '/var/lib/grafana-dashboards';
/** Where the Elasticsearch reader's credentials are mounted. */
export const ES_CREDENTIALS_DIR = '/etc/grafana/es-credentials';

/** One provisioned datasource (the keys Grafana's provisioning reads that the stack sets). */
export interface Datasource {
  name: string;
  type: 'prometheus' | 'jaeger' | 'elasticsearch';
  uid: string;
  access: 'proxy';
  url: string;
  isDefault?: boolean;
  basicAuth?: boolean;
  basicAuthUser?: string;
  editable: boolean;
  jsonData: Record<string, unknown>;
  secureJsonData?: Record<string, string>;
}

/** provisioning/datasources/datasources.yaml. */
export interface DatasourcesFile {
  apiVersion: 1;
  prune: boolean;
  datasources: Datasource[];
}

/** provisioning/dashboards/providers.yaml. */
export interface ProvidersFile {
  apiVersion: 1;
  providers: Array<{
    name: string;
    type: 'file';
    disableDeletion: boolean;
    allowUiUpdates: boolean;
    updateIntervalSeconds: number;
    options: { path: string; foldersFromFilesStructure: boolean };
  }>;
}

/** What the datasources are rendered from. */
export interface DatasourcesInput {
  readonly tls: TlsFiles;
  readonly prometheus: Endpoint;
  /** Thanos Query (long-term and global queries). @default - no such datasource */
  readonly thanosQuery?: Endpoint;
  readonly jaeger: Endpoint;
  /** Elasticsearch's URL, once Grafana's reader role is granted. */
  readonly elasticsearchUrl: string;
  /** The CA that verifies Elasticsearch. @default - the public roots */
  readonly elasticsearchCaFile?: string;
  /** The Secret keys of the reader's username and password, mounted under ES_CREDENTIALS_DIR. */
  readonly credentials: Pick<CredentialsRef, 'usernameKey' | 'passwordKey'>;
}

/** The datasources, with the links between them: metric to trace, trace to logs, log to trace. */
export function datasourcesFile({
  tls,
  prometheus,
  thanosQuery,
  jaeger,
  elasticsearchUrl,
  elasticsearchCaFile,
  credentials,
}: DatasourcesInput): DatasourcesFile {
  const esFile = (key: string) => `$__file{${ES_CREDENTIALS_DIR}/${key}}`;
  const prometheusTls = datasourceTls(tls, prometheus);
  const jaegerTls = datasourceTls(tls, jaeger);
  return {
    apiVersion: 1,
    prune: true,
    datasources: [
      {
        name: 'Prometheus',
        type: 'prometheus',
        uid: DATASOURCE_UIDS.prometheus,
        access: 'proxy',
        url: prometheus.url(),
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
      ...(thanosQuery ? [thanosDatasource(tls, thanosQuery)] : []),
      {
        name: 'Jaeger',
        type: 'jaeger',
        uid: DATASOURCE_UIDS.jaeger,
        access: 'proxy',
        url: jaeger.url(),
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
        url: elasticsearchUrl,
        basicAuth: true,
        basicAuthUser: esFile(credentials.usernameKey),
        editable: false,
        jsonData: {
          index: 'logs-agents-*',
          timeField: '@timestamp',
          logMessageField: 'message',
          logLevelField: 'level',
          tlsAuthWithCACert: elasticsearchCaFile !== undefined,
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
          basicAuthPassword: esFile(credentials.passwordKey),
          ...(elasticsearchCaFile ? { tlsCACert: `$__file{${elasticsearchCaFile}}` } : {}),
        },
      },
    ],
  };
}

/** One file provider: every folder of DASHBOARDS_DIR is a Grafana folder; the UI cannot change them. */
export function providersFile(): ProvidersFile {
  return {
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
  };
}

/** Where the SSO client secret is mounted; GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET__FILE names the file. */
export const OAUTH_SECRET_DIR = '/etc/grafana/oauth';

/** The scopes Grafana asks the provider for unless `grafana.sso.scopes` says otherwise. */
export const DEFAULT_SSO_SCOPES = ['openid', 'email', 'profile'];

/**
 * `[auth.generic_oauth]` for an OpenID Connect provider, and the `[server]` root URL the provider
 * redirects back to. The keys are Grafana's (conf/defaults.ini and "Configure generic OAuth
 * authentication" in Grafana's docs); the client secret is not here but in the environment
 * (GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET, read from a file by the image's entrypoint).
 */
export function genericOauthSection(sso: GrafanaSsoConfig): string[] {
  return [
    '[auth.generic_oauth]',
    'enabled = true',
    `name = ${sso.name ?? 'SSO'}`,
    // People who can sign in at the provider get an account on first sign-in, as a Viewer at most.
    'allow_sign_up = true',
    `client_id = ${sso.clientId}`,
    `scopes = ${(sso.scopes ?? DEFAULT_SSO_SCOPES).join(' ')}`,
    `auth_url = ${sso.authUrl}`,
    `token_url = ${sso.tokenUrl}`,
    `api_url = ${sso.userInfoUrl}`,
    'use_pkce = true',
    ...(sso.roleAttributePath ? [`role_attribute_path = ${sso.roleAttributePath}`] : []),
    `role_attribute_strict = ${sso.roleAttributeStrict ?? false}`,
    // A role mapping never makes anyone a Grafana server admin: that stays the admin user's.
    'allow_assign_grafana_admin = false',
    'skip_org_role_sync = false',
    '',
    '[users]',
    // Whom no role mapping names: read-only.
    'auto_assign_org_role = Viewer',
    '',
  ];
}

/** grafana.ini: HTTPS on `port` with the pod's certificate, no phoning home, no anonymous access. */
export function grafanaIniFile({
  port,
  tls,
  logLevel,
  sso,
}: {
  port: number;
  tls: TlsFiles;
  logLevel: LogLevel;
  sso?: GrafanaSsoConfig;
}): string {
  return [
    '[server]',
    'protocol = https',
    `http_port = ${port}`,
    `cert_file = ${tls.cert}`,
    `cert_key = ${tls.key}`,
    'min_tls_version = TLS1.3',
    ...(sso ? [`root_url = ${sso.rootUrl.replace(/\/?$/, '/')}`] : []),
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
    `level = ${logLevel === 'warn' ? 'warning' : logLevel}`,
    '',
    '[paths]',
    'provisioning = /etc/grafana/provisioning',
    '',
    ...(sso ? genericOauthSection(sso) : []),
  ].join('\n');
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

/**
 * Thanos Query as a Prometheus datasource: the same PromQL over every replica (deduplicated) and the
 * bucket's blocks, for ranges past Prometheus' retention and across replicas. Not the default: the
 * dashboards read the local Prometheus, which answers recent ranges alone.
 */
function thanosDatasource(tls: TlsFiles, query: Endpoint): Datasource {
  const queryTls = datasourceTls(tls, query);
  return {
    name: 'Thanos',
    type: 'prometheus',
    uid: 'thanos',
    access: 'proxy',
    url: query.url(),
    editable: false,
    jsonData: { ...queryTls.jsonData, httpMethod: 'POST', prometheusType: 'Thanos' },
    ...queryTls.secure,
  };
}
