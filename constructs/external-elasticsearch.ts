import { Construct } from 'constructs';
import { CommonConfig, ExternalElasticsearchConfig, ExternalNetwork } from '../src/config/types';
import { imageOf } from '../src/lib/images';
import { Endpoint, Peer, Topology } from '../src/lib/component';
import { CLUSTER_CA_DIR, ClusterTrust, ElasticsearchCluster, Superuser } from './elasticsearch-cluster';

export interface ExternalElasticsearchProps {
  readonly config: ExternalElasticsearchConfig;
  readonly common: CommonConfig;
  /** Replica shards an index outside ILM asks for (the hot phase's). */
  readonly indexReplicas: number;
  /** The image whose curl the Jobs that call it (bootstrap, Jaeger's index cleaner) run. @default IMAGES.elasticsearch */
  readonly image?: string;
}

/**
 * An Elasticsearch cluster the stack does not deploy, seen the way clients see the stack's own: its
 * HTTPS endpoint at the configured URL (the link recorded, so the NetworkPolicies let each client out
 * to where `network` says it is), the CA that signed it (a Secret, or the public roots), and the
 * user the bootstrap Job applies users, roles and lifecycles as. It renders nothing.
 */
export class ExternalElasticsearch extends ElasticsearchCluster {
  public readonly indexReplicas: number;
  public readonly superuser: Superuser;
  /** Where it is, for the NetworkPolicies of its clients. */
  public readonly outside: ExternalNetwork;
  private readonly url: URL;
  private readonly ca: ExternalElasticsearchConfig['ca'];

  constructor(scope: Construct, id: string, props: ExternalElasticsearchProps) {
    const url = new URL(props.config.url);
    const port = Number(url.port || 443);
    super(scope, id, {
      name: 'elasticsearch',
      namespace: props.common.namespace,
      role: 'log-and-trace-storage',
      image: props.image ?? imageOf(scope, 'elasticsearch'),
      ports: [
        { name: 'https', port, carries: `the existing Elasticsearch at ${url.host} (REST API over TLS)`, tls: 'tls' },
      ],
    });
    this.url = url;
    this.ca = props.config.ca;
    this.outside = props.config.network;
    this.indexReplicas = props.indexReplicas;
    const credentials = props.config.credentials;
    this.superuser = {
      username: { secretName: credentials.secretName, key: credentials.usernameKey },
      password: { secretName: credentials.secretName, key: credentials.passwordKey },
    };
    this.node.addValidation({ validate: () => externalProblems(props.config) });
  }

  /** Its address at the configured URL; records the link from `from`. */
  public override endpoint(from: Peer, portName: string): Endpoint {
    const port = this.port(portName);
    Topology.of(this).record({ from, to: this, port });
    const host = this.url.hostname;
    return {
      host,
      port: port.port,
      hostPort: `${host}:${port.port}`,
      tls: 'tls',
      url: () => `https://${host}:${port.port}`,
    };
  }

  /** Its own CA (or the public roots) for every client: the stack's CA did not sign it. */
  public trust(): ClusterTrust {
    if (this.ca === 'system') return { volumes: [], mounts: [] };
    return {
      caFile: `${CLUSTER_CA_DIR}/ca.crt`,
      volumes: [
        { name: 'es-ca', secret: { secretName: this.ca.secretName, items: [{ key: this.ca.key, path: 'ca.crt' }] } },
      ],
      mounts: [{ name: 'es-ca', mountPath: CLUSTER_CA_DIR, readOnly: true }],
    };
  }
}

/** Where the existing cluster is must be said exactly one way (paths under /elasticsearch/external). */
function externalProblems(config: ExternalElasticsearchConfig): string[] {
  const kinds = (['ipBlock', 'namespaces'] as const).filter((k) => config.network[k] !== undefined);
  const problems: string[] = [];
  if (kinds.length !== 1)
    problems.push(
      `/elasticsearch/external/network: must be exactly one of ipBlock or namespaces (where the clients may reach it), got ${kinds.length === 0 ? 'none' : kinds.join(' and ')}`,
    );
  if (config.network.pods && !config.network.namespaces)
    problems.push('/elasticsearch/external/network/pods: selects pods of network.namespaces, which is not set');
  return problems;
}
