import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import type { estypes } from '@elastic/elasticsearch';
import { CredentialsRef, SecretKeyRef } from '../src/config/types';
import { Component } from '../src/lib/component';
import type { TlsFiles } from './mtls';

/** A user another component connects as, with the role it needs; the bootstrap Job creates both. */
export interface ElasticsearchGrant {
  readonly client: Component;
  readonly credentials: CredentialsRef;
  readonly roleName: string;
  readonly role: Omit<estypes.SecurityPutRoleRequest, 'name'>;
}

/** How a client verifies the cluster's HTTPS certificate. */
export interface ClusterTrust {
  /** The CA certificate file the client's config names. @default - none: the public roots of the client's image */
  readonly caFile?: string;
  /** Volumes the client's pod adds for it. */
  readonly volumes: readonly k8s.Volume[];
  /** Mounts the client's container adds for it. */
  readonly mounts: readonly k8s.VolumeMount[];
}

/** The user the bootstrap Job applies users, roles and lifecycles as. */
export interface Superuser {
  /** The built-in `elastic`, or a Secret key holding the name. */
  readonly username: 'elastic' | SecretKeyRef;
  readonly password: SecretKeyRef;
}

/** Where a client that has no certificate of the stack mounts the cluster's CA certificate. */
export const CLUSTER_CA_DIR = '/etc/agent-o11y/es-ca';

/**
 * An Elasticsearch cluster as its clients see it, the stack's own or an existing one: its HTTPS
 * endpoint (`endpoint(from, 'https')`, which records the link the NetworkPolicies open), the CA to
 * verify it with, the users and roles the bootstrap Job creates for each client, and the superuser
 * the Job runs as. Clients take all of it from here, whichever cluster it is.
 */
export abstract class ElasticsearchCluster extends Component {
  /** Replica shards an index outside ILM (Jaeger's daily ones) asks for. */
  public abstract readonly indexReplicas: number;
  /** What the bootstrap Job logs in as. */
  public abstract readonly superuser: Superuser;
  private readonly grantsList: ElasticsearchGrant[] = [];

  /**
   * How `client` verifies the cluster; `clientTls`, its own certificate of the stack, whose `ca.crt`
   * the client may use where the stack's CA signed the cluster's certificate.
   */
  public abstract trust(clientTls?: TlsFiles): ClusterTrust;

  /** Users and roles other components registered; the bootstrap Job creates them. */
  public get grants(): readonly ElasticsearchGrant[] {
    return this.grantsList;
  }

  /**
   * Lets `client` connect as the user in `credentials` with `role`; returns the HTTPS endpoint and
   * records the link.
   */
  public grant(
    client: Component,
    credentials: CredentialsRef,
    roleName: string,
    role: Omit<estypes.SecurityPutRoleRequest, 'name'>,
  ): string {
    this.grantsList.push({ client, credentials, roleName, role });
    return this.endpoint(client, 'https').url();
  }
}
