/**
 * The settings files of the Elastic components as the stack renders them (elasticsearch.yml,
 * kibana.yml, logstash.yml, pipelines.yml): flat dotted keys, typed, so a misspelt key is a tsc error
 * before Elasticsearch, Kibana or Logstash would refuse to start on it.
 */

type TlsProtocol = 'TLSv1.3' | 'TLSv1.2';

/** elasticsearch.yml. */
export interface ElasticsearchSettings {
  'cluster.name': string;
  'node.name': string;
  'network.host': string;
  'network.publish_host': string;
  'node.store.allow_mmap': boolean;
  'discovery.type'?: 'single-node';
  'node.roles'?: Array<'master' | 'data' | 'ingest' | 'data_hot' | 'data_content' | 'data_warm'>;
  'discovery.seed_hosts'?: string[];
  'cluster.initial_master_nodes'?: string[];
  'path.data': string;
  'path.repo'?: string[];
  'xpack.license.self_generated.type': 'basic' | 'trial';
  'xpack.security.enabled': boolean;
  'xpack.security.enrollment.enabled': boolean;
  'xpack.security.http.ssl.enabled': boolean;
  'xpack.security.http.ssl.key': string;
  'xpack.security.http.ssl.certificate': string;
  'xpack.security.http.ssl.certificate_authorities': string[];
  'xpack.security.http.ssl.supported_protocols': TlsProtocol[];
  'xpack.security.transport.ssl.enabled': boolean;
  'xpack.security.transport.ssl.verification_mode': 'full' | 'certificate' | 'none';
  'xpack.security.transport.ssl.client_authentication': 'required' | 'optional' | 'none';
  'xpack.security.transport.ssl.key': string;
  'xpack.security.transport.ssl.certificate': string;
  'xpack.security.transport.ssl.certificate_authorities': string[];
  'xpack.security.transport.ssl.supported_protocols': TlsProtocol[];
  'xpack.ml.enabled': boolean;
  /** An OpenID Connect realm's settings: `xpack.security.authc.realms.oidc.<realm>.<OidcRealmSetting>`. */
  [realmSetting: `xpack.security.authc.realms.oidc.${string}`]: string | number | string[] | undefined;
}

/** The settings of an OpenID Connect realm the stack writes (Elastic's "OpenID Connect realm settings"). */
export type OidcRealmSetting =
  | 'order'
  | 'rp.client_id'
  | 'rp.response_type'
  | 'rp.redirect_uri'
  | 'rp.requested_scopes'
  | 'rp.post_logout_redirect_uri'
  | 'op.issuer'
  | 'op.authorization_endpoint'
  | 'op.token_endpoint'
  | 'op.jwkset_path'
  | 'op.userinfo_endpoint'
  | 'op.endsession_endpoint'
  | 'claims.principal'
  | 'claims.groups'
  | 'claims.mail'
  | 'claims.name';

/** One of Kibana's authentication providers. */
export interface KibanaAuthProvider {
  order: number;
  /** The Elasticsearch realm an `oidc` or `saml` provider signs in through. */
  realm?: string;
  /** The label of its button on the login page. */
  description?: string;
}

/** kibana.yml (its secure settings are in the keystore, not here). */
export interface KibanaSettings {
  'server.host': string;
  'server.port': number;
  'server.name': string;
  'server.ssl.enabled': boolean;
  'server.ssl.certificate': string;
  'server.ssl.key': string;
  'server.ssl.supportedProtocols': TlsProtocol[];
  'elasticsearch.hosts': string[];
  'elasticsearch.username': string;
  /** Omitted: Node's public roots. */
  'elasticsearch.ssl.certificateAuthorities'?: string[];
  'elasticsearch.ssl.verificationMode': 'full' | 'certificate' | 'none';
  'telemetry.optIn': boolean;
  'logging.root.level': 'all' | 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'off';
  /** Kibana's address in browsers (with single sign-on). */
  'server.publicBaseUrl'?: string;
  /** Login methods by type and name, e.g. `{ oidc: { oidc1: {...} }, basic: { basic1: {...} } }`. */
  'xpack.security.authc.providers'?: Partial<Record<'oidc' | 'basic', Record<string, KibanaAuthProvider>>>;
}

/** logstash.yml. */
export interface LogstashSettings {
  'api.http.host': string;
  'api.http.port': number;
  'path.data': string;
  'log.level': 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
  'pipeline.ecs_compatibility': 'disabled' | 'v1' | 'v8';
  'queue.type': 'memory' | 'persisted';
  'path.queue': string;
  'queue.max_bytes': string;
  'dead_letter_queue.enable': boolean;
  'path.dead_letter_queue': string;
  'dead_letter_queue.max_bytes': string;
}

/** One pipeline of pipelines.yml. */
export interface LogstashPipelineEntry {
  'pipeline.id': string;
  'path.config': string;
  'pipeline.workers': number;
}
