import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { Component, PortTls } from '../src/lib/component';
import { show } from '../src/lib/problems';
import type { TlsClientSettings, TlsServerSettings } from './otel-config';
// cert-manager's objects typed by the models of its CRDs (types only: nothing of it runs at synth).
import type { ICertificate } from '@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate';
import type { IClusterIssuer } from '@kubernetes-models/cert-manager/cert-manager.io/v1/ClusterIssuer';
import type { IIssuer } from '@kubernetes-models/cert-manager/cert-manager.io/v1/Issuer';

/** Where a pod finds its certificate files; every TLS path in every rendered config comes from here. */
export interface TlsFiles {
  /** Secret cert-manager writes (tls.crt, tls.key, ca.crt). */
  readonly secretName: string;
  readonly volume: k8s.Volume;
  readonly mount: k8s.VolumeMount;
  readonly dir: string;
  /** The stack CA's certificate: verifies servers and clients. */
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
  /** What the certificate may be used for. */
  readonly usages: readonly CertificateUsage[];
}

export type CertificateUsage = 'server auth' | 'client auth';

export interface PkiProps {
  readonly namespace: string;
  /**
   * An existing ClusterIssuer that signs the stack's CA.
   * @default - a self-signed root CA
   */
  readonly rootIssuer?: string;
  /**
   * cert-manager's cluster resource namespace, where a CA ClusterIssuer reads its key from.
   * @default 'cert-manager'
   */
  readonly clusterResourceNamespace?: string;
}

/** Where every pod mounts its certificate Secret. */
export const TLS_DIR = '/etc/agent-o11y/tls';
const DEFAULT_CLUSTER_RESOURCE_NAMESPACE = 'cert-manager';

/**
 * The stack's certificate authority, with cert-manager: a root (self-signed or the user's
 * ClusterIssuer) signs a CA, and a CA ClusterIssuer signs one Certificate per component.
 *
 * The CA is a ClusterIssuer, not a namespaced Issuer, because certificates are needed outside the
 * stack's namespace: the collector agent runs in its own namespace, and instrumented apps in theirs
 * request client certificates for OTLP. A CA ClusterIssuer reads its key pair from cert-manager's
 * cluster resource namespace, so the CA Certificate (and its self-signed root) live there.
 */
export class Pki extends Construct {
  /** The ClusterIssuer every stack and app certificate comes from. */
  public readonly issuerName: string;
  /** Secret holding the CA key pair, in `caNamespace`. */
  public readonly caSecretName: string;
  /** cert-manager's cluster resource namespace, which holds the CA's key pair. */
  public readonly caNamespace: string;

  constructor(scope: Construct, id: string, props: PkiProps) {
    super(scope, id);
    this.caNamespace = props.clusterResourceNamespace ?? DEFAULT_CLUSTER_RESOURCE_NAMESPACE;
    this.node.addValidation({
      validate: () =>
        props.namespace === this.caNamespace
          ? [
              `/common/namespace: must not be cert-manager's (/pki/clusterResourceNamespace): the stack's default-deny NetworkPolicies and "restricted" Pod Security would apply to cert-manager, got ${show(props.namespace)}`,
            ]
          : [],
    });
    // Cluster-scoped and in a shared namespace: the stack's namespace keeps two stacks apart.
    this.issuerName = `agent-o11y-${props.namespace}-ca`;
    this.caSecretName = this.issuerName;
    const labels = { 'app.kubernetes.io/part-of': 'agent-o11y', 'app.kubernetes.io/component': 'pki' };
    let rootRef = { kind: 'ClusterIssuer', name: props.rootIssuer ?? '' };
    if (!props.rootIssuer) {
      const selfSigned = `agent-o11y-${props.namespace}-selfsigned`;
      const root: IIssuer = {
        apiVersion: 'cert-manager.io/v1',
        kind: 'Issuer',
        metadata: { name: selfSigned, namespace: this.caNamespace, labels },
        spec: { selfSigned: {} },
      };
      new ApiObject(this, 'SelfSignedIssuer', root);
      rootRef = { kind: 'Issuer', name: selfSigned };
    }
    const ca: ICertificate = {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: this.caSecretName, namespace: this.caNamespace, labels },
      spec: {
        isCA: true,
        commonName: `agent-o11y-ca.${props.namespace}`,
        secretName: this.caSecretName,
        duration: '87600h',
        renewBefore: '720h',
        privateKey: { algorithm: 'ECDSA', size: 384, rotationPolicy: 'Always' },
        issuerRef: { group: 'cert-manager.io', ...rootRef },
      },
    };
    new ApiObject(this, 'CaCertificate', ca);
    const caIssuer: IClusterIssuer = {
      apiVersion: 'cert-manager.io/v1',
      kind: 'ClusterIssuer',
      metadata: { name: this.issuerName, labels },
      spec: { ca: { secretName: this.caSecretName } },
    };
    const issuer = new ApiObject(this, 'CaIssuer', caIssuer);
    // Cluster-scoped: no namespace, whatever the chart's default is.
    issuer.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  }

  /**
   * Issues `component` a certificate for its Services' DNS names with the given usages, created in
   * the component's own scope (and so its namespace), and returns the files its pods mount.
   */
  public issue(
    component: Component,
    usages: readonly CertificateUsage[],
    extraDnsNames: readonly string[] = [],
  ): TlsFiles {
    const secretName = `${component.name}-tls`;
    const short = component.name;
    const dnsNames = [
      short,
      `${short}.${component.namespace}`,
      component.host,
      `${component.host}.cluster.local`,
      ...extraDnsNames,
    ];
    this.certificate(component, secretName, component.labels, component.host, dnsNames, usages);
    return {
      secretName,
      volume: { name: 'tls', secret: { secretName, defaultMode: 0o440 } },
      mount: { name: 'tls', mountPath: TLS_DIR, readOnly: true },
      dir: TLS_DIR,
      ca: `${TLS_DIR}/ca.crt`,
      cert: `${TLS_DIR}/tls.crt`,
      key: `${TLS_DIR}/tls.key`,
      usages,
    };
  }

  /**
   * A client certificate for something the stack does not run (an existing Prometheus), in `scope`'s
   * namespace, named `name` and written to the Secret `name` (tls.crt, tls.key, ca.crt).
   */
  public issueClient(scope: Construct, name: string, labels: Record<string, string>): string {
    this.certificate(scope, name, labels, name, [], ['client auth']);
    return name;
  }

  private certificate(
    scope: Construct,
    secretName: string,
    labels: Record<string, string>,
    commonName: string,
    dnsNames: readonly string[],
    usages: readonly CertificateUsage[],
  ): void {
    const certificate: ICertificate = {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: secretName, labels },
      spec: {
        secretName,
        commonName,
        ...(dnsNames.length > 0 ? { dnsNames: [...dnsNames] } : {}),
        // 90 days, renewed in place a month before expiry. OTel components, Prometheus, Alertmanager and
        // Elasticsearch re-read the files; Grafana, Kibana and Logstash need a restart within that month.
        duration: '2160h',
        renewBefore: '720h',
        privateKey: { algorithm: 'ECDSA', size: 256, encoding: 'PKCS8', rotationPolicy: 'Always' },
        usages: ['digital signature', 'key encipherment', ...usages],
        issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: this.issuerName },
      },
    };
    new ApiObject(scope, 'Certificate', certificate);
  }
}

/** How often OTel components re-read their certificate files: cert-manager renews them in place. */
const CERT_RELOAD = '1h';

function requireUsage(files: TlsFiles, usage: CertificateUsage, what: string): void {
  if (!files.usages.includes(usage)) {
    throw new Error(
      `${what}: certificate ${files.secretName} lacks the '${usage}' usage (it has: ${files.usages.join(', ')})`,
    );
  }
}

/** OpenTelemetry `configtls` server settings: TLS 1.3 only, a client certificate from the stack CA required. */
export function otelServerTls(files: TlsFiles): TlsServerSettings {
  requireUsage(files, 'server auth', 'otel server tls');
  return {
    cert_file: files.cert,
    key_file: files.key,
    client_ca_file: files.ca,
    min_version: '1.3',
    reload_interval: CERT_RELOAD,
  };
}

/**
 * OpenTelemetry `configtls` client settings for `to` (an endpoint or port), following its server: plaintext, TLS verified
 * against the stack CA, or that plus this client's certificate. `serverName` is the name to verify
 * when the address is not one on the certificate (a pod IP from a DNS resolver).
 */
export function otelClientTls(files: TlsFiles, to: { readonly tls?: PortTls }, serverName?: string): TlsClientSettings {
  if (!to.tls) return { insecure: true };
  if (to.tls === 'mtls') requireUsage(files, 'client auth', 'otel client tls');
  return {
    ca_file: files.ca,
    ...(to.tls === 'mtls' ? { cert_file: files.cert, key_file: files.key } : {}),
    min_version: '1.3',
    reload_interval: CERT_RELOAD,
    ...(serverName ? { server_name_override: serverName } : {}),
  };
}

/** Prometheus / Alertmanager `tls_config` for a client of `to` (scrapes, alerting, probes). */
export function prometheusClientTls(
  files: TlsFiles,
  to: { readonly tls?: PortTls },
  serverName?: string,
): Record<string, string> | undefined {
  if (!to.tls) return undefined;
  return {
    ca_file: files.ca,
    ...(to.tls === 'mtls' ? { cert_file: files.cert, key_file: files.key } : {}),
    ...(serverName ? { server_name: serverName } : {}),
    min_version: 'TLS13',
  };
}

/** How a Prometheus-toolkit web server (`--web.config.file`) treats client certificates. */
export type ClientAuthType = 'RequireAndVerifyClientCert' | 'VerifyClientCertIfGiven';

/** A `--web.config.file` for Prometheus and Alertmanager (exporter-toolkit format). */
export function webConfig(files: TlsFiles, clientAuth: ClientAuthType): { tls_server_config: Record<string, string> } {
  requireUsage(files, 'server auth', 'web config');
  return {
    tls_server_config: {
      cert_file: files.cert,
      key_file: files.key,
      client_auth_type: clientAuth,
      client_ca_file: files.ca,
      min_version: 'TLS13',
    },
  };
}
