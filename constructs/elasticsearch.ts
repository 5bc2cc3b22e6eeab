import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import {
  CommonConfig,
  ElasticsearchConfig,
  ElasticsearchPoolConfig,
  KibanaSsoConfig,
  SecretKeyRef,
} from '../src/config/types';
import { imageOf } from '../src/lib/images';
import { toYaml } from '../src/lib/render';
import { claimTemplate, resourceRequirements } from '../src/lib/component';
import { CLUSTER_CA_DIR, ClusterTrust, ElasticsearchCluster, Superuser } from './elasticsearch-cluster';
import { ELASTIC_UID, ElasticHome } from './elastic-home';
import { Pki, TlsFiles } from './mtls';
import { quantityAmount } from '../src/lib/quantity';
import { show } from '../src/lib/problems';
import type { ElasticsearchSettings } from './elastic-settings';
import { clientSecretSetting, oidcRealmSettings, ssoLicenseProblems } from './kibana-sso';

export interface ElasticsearchProps {
  readonly config: ElasticsearchConfig;
  readonly common: CommonConfig;
  readonly pki: Pki;
  /** A shared filesystem snapshot repository's mount path, allowed in `path.repo`. @default - none */
  readonly snapshotPath?: string;
  /** @default IMAGES.elasticsearch */
  readonly image?: string;
  /** Kibana's single sign-on, whose OpenID Connect realm every node has. @default - none */
  readonly sso?: KibanaSsoConfig;
}

const HOME = '/usr/share/elasticsearch';

/** The pod label naming a node's pool, when there is more than one. */
export const NODE_POOL_LABEL = 'agent-o11y.dev/node-pool';

/** A StatefulSet of nodes with the same roles. */
interface NodePool {
  /** Construct id of its StatefulSet. */
  readonly id: string;
  /** Its StatefulSet and ConfigMap. */
  readonly name: string;
  /** Its NODE_POOL_LABEL value. @default - none: the only pool */
  readonly label?: string;
  readonly config: ElasticsearchPoolConfig;
  readonly roles: NonNullable<ElasticsearchSettings['node.roles']>;
}

/**
 * Elasticsearch as a StatefulSet: security on, TLS on HTTP and transport from the stack's PKI,
 * single-node discovery for 1 replica, a master-eligible data-node cluster for 3+; with
 * `config.warm`, those nodes are the hot tier and a second StatefulSet holds the warm one.
 */
export class Elasticsearch extends ElasticsearchCluster {
  public readonly tls: TlsFiles;
  public readonly config: ElasticsearchConfig;
  /** Headless Service for node discovery over the transport port. */
  public readonly transportServiceName: string;
  public readonly indexReplicas: number;
  public readonly superuser: Superuser;

  constructor(scope: Construct, id: string, props: ElasticsearchProps) {
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
          carries: 'REST API over TLS (logs from Logstash, spans from Jaeger, queries from Grafana and Kibana)',
          tls: 'tls',
        },
        { name: 'transport', port: 9300, carries: 'node-to-node transport over mutual TLS', tls: 'mtls' },
      ],
    });
    this.config = props.config;
    this.indexReplicas = replicaShards(props.config.replicas);
    this.superuser = { username: 'elastic', password: props.config.elasticPassword };
    // Its config's rules, reported at synth (and by buildStack for the whole stack at once).
    this.node.addValidation({ validate: () => elasticsearchProblems(props.config) });
    const sso = props.sso;
    this.node.addValidation({ validate: () => ssoLicenseProblems(sso, props.config.license) });
    const replicas = props.config.replicas;
    this.transportServiceName = `${this.name}-transport`;
    this.tls = props.pki.issue(
      this,
      ['server auth', 'client auth'],
      [`*.${this.transportServiceName}.${this.namespace}.svc`],
    );

    const warm = props.config.warm;
    // With a warm pool the nodes above are the hot tier, and the only master-eligible ones: a quorum of
    // them keeps the cluster up, whatever the warm nodes do.
    const pools: readonly NodePool[] = [
      {
        id: 'Resource',
        name: this.name,
        ...(warm ? { label: 'hot' } : {}),
        config: props.config,
        roles: warm ? ['master', 'data_hot', 'data_content', 'ingest'] : ['master', 'data', 'ingest'],
      },
      ...(warm
        ? [
            {
              id: 'Warm',
              name: `${this.name}-warm`,
              label: 'warm',
              config: warm,
              roles: ['data_warm'],
            } satisfies NodePool,
          ]
        : []),
    ];
    const masters = Array.from({ length: replicas }, (_, i) => `${this.name}-${i}`);
    const seedHost = () => this.endpoint(this, 'transport', { service: this.transportServiceName }).hostPort;
    const settings = (pool: NodePool): ElasticsearchSettings => ({
      'cluster.name': 'agent-o11y',
      'node.name': '${POD_NAME}',
      'network.host': '0.0.0.0',
      'network.publish_host': `\${POD_NAME}.${this.transportServiceName}.${this.namespace}.svc`,
      // mmap needs vm.max_map_count raised by a privileged init container; niofs needs no privileges.
      'node.store.allow_mmap': false,
      ...(pools.length === 1 && replicas === 1
        ? { 'discovery.type': 'single-node' }
        : {
            'node.roles': [...pool.roles],
            'discovery.seed_hosts': [seedHost()],
            // Only master-eligible nodes bootstrap the cluster; the others find it through the seed hosts.
            ...(pool.roles.includes('master') ? { 'cluster.initial_master_nodes': masters } : {}),
          }),
      'path.data': `${HOME}/data`,
      ...(props.snapshotPath ? { 'path.repo': [props.snapshotPath] } : {}),
      'xpack.license.self_generated.type': 'basic',
      'xpack.security.enabled': true,
      'xpack.security.enrollment.enabled': false,
      'xpack.security.http.ssl.enabled': true,
      'xpack.security.http.ssl.key': this.tls.key,
      'xpack.security.http.ssl.certificate': this.tls.cert,
      'xpack.security.http.ssl.certificate_authorities': [this.tls.ca],
      // Every client (Logstash, Jaeger, Kibana, Grafana, curl) speaks TLS 1.3 (seed 000 §18.1).
      'xpack.security.http.ssl.supported_protocols': ['TLSv1.3'],
      'xpack.security.transport.ssl.enabled': true,
      'xpack.security.transport.ssl.verification_mode': 'full',
      'xpack.security.transport.ssl.client_authentication': 'required',
      'xpack.security.transport.ssl.key': this.tls.key,
      'xpack.security.transport.ssl.certificate': this.tls.cert,
      'xpack.security.transport.ssl.certificate_authorities': [this.tls.ca],
      'xpack.security.transport.ssl.supported_protocols': ['TLSv1.3'],
      'xpack.ml.enabled': false,
      // Every node of every pool: the node a sign-in request lands on authenticates it.
      ...(sso ? oidcRealmSettings(sso) : {}),
    });

    const rendered = pools.map((pool) => this.poolConfig(pool, settings(pool)));
    this.serviceAccount();
    // Both Services select every node of every pool: any node answers a client, and the transport
    // Service gives each pod its DNS name and is the seed hosts' address.
    this.service('Service', { ports: [this.port('https')] });
    this.service('TransportService', {
      name: this.transportServiceName,
      headless: true,
      ports: [this.port('transport')],
    });
    const secureSettings: Record<string, SecretKeyRef> = {
      'bootstrap.password': props.config.elasticPassword,
      ...(sso ? { [clientSecretSetting(sso)]: sso.clientSecret } : {}),
    };
    pools.forEach((pool, i) => this.nodePool(pool, rendered[i]!, secureSettings, image));
    // One budget over every pool: one node of the cluster down at a time.
    this.disruptionBudget(pools.reduce((n, pool) => n + pool.config.replicas, 0));
  }

  /** One pool's elasticsearch.yml, in its ConfigMap. */
  private poolConfig(pool: NodePool, settings: ElasticsearchSettings): string {
    const elasticsearchYml = toYaml(settings);
    this.configMap(pool.id === 'Resource' ? 'Config' : `${pool.id}Config`, pool.name, {
      'elasticsearch.yml': elasticsearchYml,
    });
    return elasticsearchYml;
  }

  /** One pool's StatefulSet, reading `elasticsearchYml`. */
  private nodePool(
    pool: NodePool,
    elasticsearchYml: string,
    secureSettings: Record<string, SecretKeyRef>,
    image: string,
  ): void {
    // Each StatefulSet selects its own pool's pods; the Services select them all.
    const poolLabel: Record<string, string> = pool.label ? { [NODE_POOL_LABEL]: pool.label } : {};
    const selector = { ...this.selector, ...poolLabel };
    const labels = { ...this.labels, ...poolLabel };
    const { replicas, heap, resources, storage } = pool.config;
    // The bootstrap password of `elastic` goes into the keystore (what the image's entrypoint would do
    // with an ELASTIC_PASSWORD variable), and so does an OIDC realm's client secret; the config, logs
    // and temp directories are emptyDirs.
    const home = new ElasticHome({
      product: 'elasticsearch',
      image,
      home: HOME,
      // GC logs: up to 32 files of 64 MiB (the image's jvm.options).
      scratch: { logs: '3Gi' },
      secureSettings,
      resources: resourceRequirements(resources),
    });
    const passwordFile = `${home.secureSettingsMount!.mountPath}/bootstrap.password`;
    new k8s.KubeStatefulSet(this, pool.id, {
      metadata: { name: pool.name, labels },
      spec: {
        serviceName: this.transportServiceName,
        replicas,
        podManagementPolicy: 'Parallel',
        selector: { matchLabels: selector },
        template: this.podTemplate({
          rendered: [elasticsearchYml],
          labels,
          uid: ELASTIC_UID,
          terminationGracePeriodSeconds: 120,
          replicas: replicas,
          initContainers: [home.initContainer],
          containers: [
            {
              name: 'elasticsearch',
              env: [
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                { name: 'ES_JAVA_OPTS', value: `-Xms${heap} -Xmx${heap}` },
              ],
              resources,
              readinessProbe: {
                exec: {
                  command: [
                    'bash',
                    '-c',
                    `curl --silent --fail --cacert ${this.tls.ca} -u "elastic:$(cat ${passwordFile})" "https://127.0.0.1:9200/_cluster/health?local=true" >/dev/null`,
                  ],
                },
                initialDelaySeconds: 20,
                periodSeconds: 10,
                timeoutSeconds: 5,
                failureThreshold: 3,
              },
              livenessProbe: {
                tcpSocket: { port: k8s.IntOrString.fromString('transport') },
                initialDelaySeconds: 60,
                periodSeconds: 20,
                timeoutSeconds: 5,
                failureThreshold: 6,
              },
              volumeMounts: [
                { name: 'data', mountPath: `${HOME}/data` },
                ...home.mounts,
                {
                  name: 'settings',
                  mountPath: `${home.configDir}/elasticsearch.yml`,
                  subPath: 'elasticsearch.yml',
                  readOnly: true,
                },
                home.secureSettingsMount!,
                this.tls.mount,
              ],
            },
          ],
          volumes: [{ name: 'settings', configMap: { name: pool.name } }, ...home.volumes, this.tls.volume],
        }),
        volumeClaimTemplates: [claimTemplate('data', storage, labels)],
      },
    });
  }

  public trust(clientTls?: TlsFiles): ClusterTrust {
    // The stack's CA signed its certificate: a client of the stack has it as its own certificate's ca.crt.
    if (clientTls) return { caFile: clientTls.ca, volumes: [], mounts: [] };
    return {
      caFile: `${CLUSTER_CA_DIR}/ca.crt`,
      // Only the CA certificate of Elasticsearch's Secret, never its key.
      volumes: [
        { name: 'es-ca', secret: { secretName: this.tls.secretName, items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      ],
      mounts: [{ name: 'es-ca', mountPath: CLUSTER_CA_DIR, readOnly: true }],
    };
  }
}

/**
 * Replica shards each index of a cluster of `dataNodes` asks for: Elasticsearch never puts a replica on
 * the node holding its primary, so a single node gets none (one would stay unassigned, the cluster
 * yellow for good); more nodes get one.
 */
export function replicaShards(dataNodes: number): number {
  return dataNodes > 1 ? 1 : 0;
}

/** Replica shards of a log index in each ILM phase; a phase without a number keeps the replicas it has. */
export interface PhaseReplicas {
  readonly hot: number;
  readonly warm?: number;
  readonly cold?: number;
}

/** Where a cluster keeps the log indices of each ILM phase, and with how many replica shards. */
export interface DataTiers {
  /** Warm nodes of their own hold warm and cold indices: ILM migrates indices to them. */
  readonly warmPool: boolean;
  readonly replicas: PhaseReplicas;
}

/** Seed 000 §18.3: replica shards per data tier, the most a tiered cluster's defaults ask for. */
const TIER_REPLICAS = { hot: 2, warm: 1, cold: 0 };

/**
 * The data tiers of `elasticsearch`: the configured replica shards per phase, else as many as the
 * tier's nodes can hold up to seed 000's (with a warm pool), else the one-pool count of replicaShards
 * (1 for an existing cluster, whose nodes are not known here).
 */
export function dataTiers(elasticsearch: ElasticsearchConfig): DataTiers {
  const set = elasticsearch.shardReplicas ?? {};
  const warm = elasticsearch.warm;
  if (elasticsearch.external) {
    // Its nodes are unknown here: Elasticsearch's own default of one replica, unless the config says.
    return {
      warmPool: false,
      replicas: {
        hot: set.hot ?? 1,
        ...(set.warm !== undefined ? { warm: set.warm } : {}),
        ...(set.cold !== undefined ? { cold: set.cold } : {}),
      },
    };
  }
  if (!warm) {
    return {
      warmPool: false,
      replicas: {
        hot: set.hot ?? replicaShards(elasticsearch.replicas),
        ...(set.warm !== undefined ? { warm: set.warm } : {}),
        ...(set.cold !== undefined ? { cold: set.cold } : {}),
      },
    };
  }
  const fit = (most: number, nodes: number) => Math.min(most, nodes - 1);
  return {
    warmPool: true,
    replicas: {
      hot: set.hot ?? fit(TIER_REPLICAS.hot, elasticsearch.replicas),
      warm: set.warm ?? fit(TIER_REPLICAS.warm, warm.replicas),
      cold: set.cold ?? TIER_REPLICAS.cold,
    },
  };
}

/** An Elasticsearch cluster that cannot elect a master, starves its filesystem cache or cannot place its replicas (paths under /elasticsearch). */
export function elasticsearchProblems(elasticsearch: ElasticsearchConfig): string[] {
  const problems: string[] = [];
  if (elasticsearch.replicas === 2) {
    problems.push(
      '/elasticsearch/replicas: 2 master-eligible nodes cannot elect a master after one fails, use 1 or 3 and more, got 2',
    );
  }
  problems.push(...heapProblems(elasticsearch, '/elasticsearch'));
  if (elasticsearch.warm) problems.push(...heapProblems(elasticsearch.warm, '/elasticsearch/warm'));
  // Elasticsearch never puts a replica on the node holding its primary: one more replica than the
  // tier has nodes for stays unassigned, and the cluster yellow for good. Cold indices stay on warm nodes.
  const set = elasticsearch.shardReplicas ?? {};
  for (const phase of ['hot', 'warm', 'cold'] as const) {
    const replicas = set[phase];
    if (replicas === undefined) continue;
    const pool = phase !== 'hot' && elasticsearch.warm ? 'warm' : undefined;
    const nodes = pool ? elasticsearch.warm!.replicas : elasticsearch.replicas;
    if (replicas >= nodes) {
      const where = pool ? '/elasticsearch/warm/replicas' : '/elasticsearch/replicas';
      problems.push(
        `/elasticsearch/shardReplicas/${phase}: ${replicas} replica shards need ${replicas + 1} or more ${pool ?? (elasticsearch.warm ? 'hot' : 'data')} nodes (${where} is ${nodes}), or the indices stay yellow; got ${replicas}`,
      );
    }
  }
  return problems;
}

/** A heap above half the memory limit (Elasticsearch's guidance: the rest is the filesystem cache's). */
function heapProblems(pool: ElasticsearchPoolConfig, at: string): string[] {
  const { heap, resources } = pool;
  const heapBytes = Number(heap.slice(0, -1)) * 1024 ** (heap.endsWith('g') ? 3 : 2);
  return heapBytes > quantityAmount(resources.limits.memory) / 2
    ? [
        `${at}/heap: must be at most half of ${at}/resources/limits/memory (${resources.limits.memory}), the rest being the filesystem cache's, got ${show(heap)}`,
      ]
    : [];
}
