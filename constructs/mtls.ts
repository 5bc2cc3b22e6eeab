import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { Component } from '../src/lib/component';

/** Where a pod finds its certificate files; every TLS path in every rendered config comes from here. */
export interface TlsFiles {
  /** Secret cert-manager writes (tls.crt, tls.key, ca.crt). */
  readonly secretName: string;
  readonly volume: k8s.Volume;
  readonly mount: k8s.VolumeMount;
  readonly dir: string;
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

export type CertificateUsage = 'server auth' | 'client auth';

export interface PkiProps {
  readonly namespace: string;
  /**
   * An existing ClusterIssuer that signs the stack's CA.
   * @default - a self-signed root CA created in the namespace
   */
  readonly rootIssuer?: string;
}

const TLS_DIR = '/etc/agent-o11y/tls';

/**
 * The stack's certificate authority, with cert-manager: a root (self-signed or the user's
 * ClusterIssuer) signs a CA, a namespaced CA Issuer signs one Certificate per component.
 */
export class Pki extends Construct {
  public readonly issuerName = 'agent-o11y-ca';
  public readonly caSecretName = 'agent-o11y-ca';

  constructor(scope: Construct, id: string, props: PkiProps) {
    super(scope, id);
    const labels = { 'app.kubernetes.io/part-of': 'agent-o11y', 'app.kubernetes.io/component': 'pki' };
    let rootRef = { kind: 'ClusterIssuer', name: props.rootIssuer ?? '' };
    if (!props.rootIssuer) {
      new ApiObject(this, 'SelfSignedIssuer', {
        apiVersion: 'cert-manager.io/v1',
        kind: 'Issuer',
        metadata: { name: 'agent-o11y-selfsigned', labels },
        spec: { selfSigned: {} },
      });
      rootRef = { kind: 'Issuer', name: 'agent-o11y-selfsigned' };
    }
    new ApiObject(this, 'CaCertificate', {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: 'agent-o11y-ca', labels },
      spec: {
        isCA: true,
        commonName: `agent-o11y-ca.${props.namespace}`,
        secretName: this.caSecretName,
        duration: '87600h',
        renewBefore: '720h',
        privateKey: { algorithm: 'ECDSA', size: 384, rotationPolicy: 'Always' },
        issuerRef: { group: 'cert-manager.io', ...rootRef },
      },
    });
    new ApiObject(this, 'CaIssuer', {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Issuer',
      metadata: { name: this.issuerName, labels },
      spec: { ca: { secretName: this.caSecretName } },
    });
  }

  /**
   * Issues `component` a certificate for its Services' DNS names with the given usages, created in
   * the component's own scope, and returns the files its pods mount.
   */
  public issue(component: Component, usages: readonly CertificateUsage[], extraDnsNames: readonly string[] = []): TlsFiles {
    const secretName = `${component.name}-tls`;
    const short = component.name;
    const dnsNames = [short, `${short}.${component.namespace}`, component.host, `${component.host}.cluster.local`, ...extraDnsNames];
    new ApiObject(component, 'Certificate', {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: secretName, labels: component.labels },
      spec: {
        secretName,
        commonName: component.host,
        dnsNames,
        // 90 days, renewed a month before expiry; pods reload or are rolled by cert-manager's rotation.
        duration: '2160h',
        renewBefore: '720h',
        privateKey: { algorithm: 'ECDSA', size: 256, encoding: 'PKCS8', rotationPolicy: 'Always' },
        usages: ['digital signature', 'key encipherment', ...usages],
        issuerRef: { group: 'cert-manager.io', kind: 'Issuer', name: this.issuerName },
      },
    });
    return {
      secretName,
      volume: { name: 'tls', secret: { secretName, defaultMode: 0o440 } },
      mount: { name: 'tls', mountPath: TLS_DIR, readOnly: true },
      dir: TLS_DIR,
      ca: `${TLS_DIR}/ca.crt`,
      cert: `${TLS_DIR}/tls.crt`,
      key: `${TLS_DIR}/tls.key`,
    };
  }
}
