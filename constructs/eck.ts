import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { CommonConfig, ElasticsearchConfig, ElasticsearchPoolConfig, KibanaSsoConfig } from '../src/config/types';
import { clientSecretSetting, oidcRealmSettings, ssoLicenseProblems } from './kibana-sso';
import { imageOf, imageTag } from '../src/lib/images';
import { containerSecurity, Endpoint, Peer, podSecurity, Topology } from '../src/lib/component';
import { CLUSTER_CA_DIR, ClusterTrust, ElasticsearchCluster, Superuser } from './elasticsearch-cluster';
import { elasticsearchProblems, NODE_POOL_LABEL, replicaShards } from './elasticsearch';
import { ELASTIC_UID } from './elastic-home';
import { Pki, TlsFiles } from './mtls';
import type { ElasticsearchSettings } from './elastic-settings';

export interface EckElasticsearchProps {
  readonly config: ElasticsearchConfig;
  readonly common: CommonConfig;
  readonly pki: Pki;
  /** A shared filesystem snapshot repository's mount path, allowed in `path.repo`. @default - none */
  readonly snapshotPath?: string;
  /** Kibana's sign-in through an OpenID Connect realm on every node. @default - none */
  readonly sso?: KibanaSsoConfig;
  /** @default IMAGES.elasticsearch */
  readonly image?: string;
}

/** The namespace ECK's operator runs in unless the config says otherwise (its manifests' default). */
export const ECK_OPERATOR_NAMESPACE = 'elastic-system';

/** The label ECK puts on every pod of an `Elasticsearch`, naming it. */
export const ECK_CLUSTER_LABEL = 'elasticsearch.k8s.elastic.co/cluster-name';

/** One nodeSet: a pool of /elasticsearch and the node roles it has. */
interface NodeSet {
  readonly name: string;
  readonly config: ElasticsearchPoolConfig;
  readonly roles: NonNullable<ElasticsearchSettings['node.roles']>;
}

/**
 * Elasticsearch run by Elastic's operator (ECK): an `Elasticsearch` resource with one nodeSet per pool
 * (the hot, or only, pool and the warm one), serving the stack's certificate over HTTPS so every
 * client trusts the stack's CA as it does our own nodes; ECK makes the StatefulSets, the Services
 * (`<name>-es-http`, `<name>-es-transport`), the transport certificates and the `elastic` user.
 * Its pods carry the component's labels, so the stack's NetworkPolicies select them.
 */
export class EckElasticsearch extends ElasticsearchCluster {
  public readonly tls: TlsFiles;
  public readonly indexReplicas: number;
  public readonly superuser: Superuser;
  /** The Service ECK makes for the REST API. */
  public readonly httpServiceName: string;
  /** The namespace of the operator, which calls the REST API of its clusters. */
  public readonly operatorNamespace: string;
  /** The rendered `Elasticsearch` resource. */
  public readonly resource: ApiObject;

  constructor(scope: Construct, id: string, props: EckElasticsearchProps) {
    const image = props.image ?? imageOf(scope, 'elasticsearch');
    super(scope, id, {
      name: 'elasticsearch',
      namespace: props.common.namespace,
      role: 'log-and-trace-storage',
      image,
      ports: [
        {
          name: 'https',
          port: 9200,
          carries: 'REST API over TLS (clients of the stack, and the ECK operator)',
          tls: 'tls',
        },
        {
          name: 'transport',
          port: 9300,
          carries: 'node-to-node transport over mutual TLS (ECK certificates)',
          tls: 'mtls',
        },
      ],
    });
    const config = props.config;
    this.httpServiceName = `${this.name}-es-http`;
    this.operatorNamespace = config.eck?.operatorNamespace ?? ECK_OPERATOR_NAMESPACE;
    this.indexReplicas = replicaShards(config.replicas);
    // The pools' rules are our own nodes' (a master quorum, heap at most half the memory, replicas that fit).
    this.node.addValidation({
      validate: () => [
        ...elasticsearchProblems(config),
        ...ssoLicenseProblems(props.sso, config.license),
        ...(config.external
          ? [
              '/elasticsearch/eck: runs a cluster in this one, /elasticsearch/external names an existing one: set one of them',
            ]
          : []),
      ],
    });
    // ECK generates the password of `elastic` into this Secret (key: the user's name).
    this.superuser = {
      username: 'elastic',
      password: { secretName: `${this.name}-es-elastic-user`, key: 'elastic' },
    };
    // A server certificate of the stack's CA for the Service ECK makes; ECK serves the Secret as it is
    // (tls.crt, tls.key, ca.crt) instead of its self-signed one.
    this.tls = props.pki.issue(
      this,
      ['server auth'],
      [this.httpServiceName, `${this.httpServiceName}.${this.namespace}`],
    );
    // The nodes dial each other on the transport port (ECK's seed hosts): the link the policies open.
    Topology.of(this).record({ from: this, to: this, port: this.port('transport') });

    const warm = config.warm;
    const nodeSets: readonly NodeSet[] = [
      {
        name: warm ? 'hot' : 'default',
        config,
        roles: warm ? ['master', 'data_hot', 'data_content', 'ingest'] : ['master', 'data', 'ingest'],
      },
      ...(warm ? [{ name: 'warm', config: warm, roles: ['data_warm'] } satisfies NodeSet] : []),
    ];
    this.resource = new ApiObject(this, 'Resource', {
      apiVersion: 'elasticsearch.k8s.elastic.co/v1',
      kind: 'Elasticsearch',
      metadata: { name: this.name, labels: this.labels },
      spec: {
        version: imageTag(image),
        image,
        http: { tls: { certificate: { secretName: this.tls.secretName } } },
        nodeSets: nodeSets.map((set) => this.nodeSet(set, nodeSets.length > 1, props.snapshotPath, props.sso)),
        // ECK puts these Secret keys into every node's keystore, under the setting each names.
        ...(props.sso
          ? {
              secureSettings: [
                {
                  secretName: props.sso.clientSecret.secretName,
                  entries: [{ key: props.sso.clientSecret.key, path: clientSecretSetting(props.sso) }],
                },
              ],
            }
          : {}),
      },
    });
  }

  /** The nodeSet of one pool: its roles and settings, pod template and data volume. */
  private nodeSet(
    set: NodeSet,
    pools: boolean,
    snapshotPath: string | undefined,
    sso: KibanaSsoConfig | undefined,
  ): Record<string, unknown> {
    const { replicas, heap, resources, storage } = set.config;
    // What our own nodes set that ECK leaves to the user; ECK owns discovery, names, paths and the
    // security and TLS switches (its UnsupportedSettings), and the transport certificates.
    const settings: Partial<ElasticsearchSettings> = {
      'node.roles': [...set.roles],
      // mmap needs vm.max_map_count raised by a privileged init container; niofs needs no privileges.
      'node.store.allow_mmap': false,
      ...(snapshotPath ? { 'path.repo': [snapshotPath] } : {}),
      'xpack.license.self_generated.type': 'basic',
      // Every client (Logstash, Jaeger, Kibana, Grafana, curl, the operator) speaks TLS 1.3 (seed 000 §18.1).
      'xpack.security.http.ssl.supported_protocols': ['TLSv1.3'],
      'xpack.security.transport.ssl.supported_protocols': ['TLSv1.3'],
      'xpack.ml.enabled': false,
      ...(sso ? oidcRealmSettings(sso) : {}),
    };
    const labels = { ...this.labels, ...(pools ? { [NODE_POOL_LABEL]: set.name } : {}) };
    return {
      name: set.name,
      count: replicas,
      config: settings,
      podTemplate: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          securityContext: podSecurity(ELASTIC_UID),
          containers: [
            {
              // ECK's name for the Elasticsearch container: these fields are merged into its own.
              name: 'elasticsearch',
              // Plain quantities: an ApiObject renders its props as they are.
              resources: {
                requests: { cpu: resources.requests.cpu, memory: resources.requests.memory },
                limits: {
                  ...(resources.limits.cpu ? { cpu: resources.limits.cpu } : {}),
                  memory: resources.limits.memory,
                },
              },
              env: [{ name: 'ES_JAVA_OPTS', value: `-Xms${heap} -Xmx${heap}` }],
              securityContext: containerSecurity(),
            },
          ],
        },
      },
      volumeClaimTemplates: [
        {
          // ECK mounts the claim of this name as the data path.
          metadata: { name: 'elasticsearch-data' },
          spec: {
            accessModes: ['ReadWriteOnce'],
            ...(storage.storageClass ? { storageClassName: storage.storageClass } : {}),
            resources: { requests: { storage: storage.size } },
          },
        },
      ],
    };
  }

  /** In-cluster DNS name of the REST API's Service, the one ECK makes. */
  public override get host(): string {
    return `${this.httpServiceName}.${this.namespace}.svc`;
  }

  /** ECK's HTTP Service by default; records the link from `from`. */
  public override endpoint(from: Peer, portName: string, options: { service?: string; pod?: string } = {}): Endpoint {
    return super.endpoint(from, portName, { service: this.httpServiceName, ...options });
  }

  public trust(clientTls?: TlsFiles): ClusterTrust {
    // The stack's CA signed the certificate ECK serves: a client of the stack has it as its own ca.crt.
    if (clientTls) return { caFile: clientTls.ca, volumes: [], mounts: [] };
    return {
      caFile: `${CLUSTER_CA_DIR}/ca.crt`,
      volumes: [
        { name: 'es-ca', secret: { secretName: this.tls.secretName, items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      ],
      mounts: [{ name: 'es-ca', mountPath: CLUSTER_CA_DIR, readOnly: true }],
    };
  }
}
