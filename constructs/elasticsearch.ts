import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import type { estypes } from '@elastic/elasticsearch';
import { CommonConfig, CredentialsRef, ElasticsearchConfig } from '../src/config/types';
import { imageOf } from '../src/lib/images';
import { toYaml } from '../src/lib/render';
import { claimTemplate, Component, resourceRequirements } from '../src/lib/component';
import { ELASTIC_UID, ElasticHome } from './elastic-home';
import { Pki, TlsFiles } from './mtls';
import { quantityAmount } from '../src/lib/quantity';
import { show } from '../src/lib/problems';
import type { ElasticsearchSettings } from './elastic-settings';

export interface ElasticsearchProps {
  readonly config: ElasticsearchConfig;
  readonly common: CommonConfig;
  readonly pki: Pki;
  /** A shared filesystem snapshot repository's mount path, allowed in `path.repo`. @default - none */
  readonly snapshotPath?: string;
  /** @default IMAGES.elasticsearch */
  readonly image?: string;
}

/** A user another component connects as, with the role it needs; the bootstrap Job creates both. */
export interface ElasticsearchGrant {
  readonly client: Component;
  readonly credentials: CredentialsRef;
  readonly roleName: string;
  readonly role: Omit<estypes.SecurityPutRoleRequest, 'name'>;
}

const HOME = '/usr/share/elasticsearch';

/**
 * Elasticsearch as a StatefulSet: security on, TLS on HTTP and transport from the stack's PKI,
 * single-node discovery for 1 replica, a master-eligible data-node cluster for 3+.
 */
export class Elasticsearch extends Component {
  public readonly tls: TlsFiles;
  public readonly config: ElasticsearchConfig;
  /** Headless Service for node discovery over the transport port. */
  public readonly transportServiceName: string;
  private readonly grantsList: ElasticsearchGrant[] = [];

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
    // Its config's rules, reported at synth (and by buildStack for the whole stack at once).
    this.node.addValidation({ validate: () => elasticsearchProblems(props.config) });
    const replicas = props.config.replicas;
    this.transportServiceName = `${this.name}-transport`;
    this.tls = props.pki.issue(
      this,
      ['server auth', 'client auth'],
      [`*.${this.transportServiceName}.${this.namespace}.svc`],
    );

    const nodes = Array.from({ length: replicas }, (_, i) => `${this.name}-${i}`);
    const seedHost = () => this.endpoint(this, 'transport', { service: this.transportServiceName }).hostPort;
    const settings: ElasticsearchSettings = {
      'cluster.name': 'agent-o11y',
      'node.name': '${POD_NAME}',
      'network.host': '0.0.0.0',
      'network.publish_host': `\${POD_NAME}.${this.transportServiceName}.${this.namespace}.svc`,
      // mmap needs vm.max_map_count raised by a privileged init container; niofs needs no privileges.
      'node.store.allow_mmap': false,
      ...(replicas === 1
        ? { 'discovery.type': 'single-node' }
        : {
            'node.roles': ['master', 'data', 'ingest'],
            'discovery.seed_hosts': [seedHost()],
            'cluster.initial_master_nodes': nodes,
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
    };
    const elasticsearchYml = toYaml(settings);
    this.configMap('Config', this.name, { 'elasticsearch.yml': elasticsearchYml });

    this.serviceAccount();
    this.service('Service', { ports: [this.port('https')] });
    this.service('TransportService', {
      name: this.transportServiceName,
      headless: true,
      ports: [this.port('transport')],
    });

    // The bootstrap password of `elastic` goes into the keystore (what the image's entrypoint would do
    // with an ELASTIC_PASSWORD variable); the config, logs and temp directories are emptyDirs.
    const home = new ElasticHome({
      product: 'elasticsearch',
      image,
      home: HOME,
      // GC logs: up to 32 files of 64 MiB (the image's jvm.options).
      scratch: { logs: '3Gi' },
      secureSettings: { 'bootstrap.password': props.config.elasticPassword },
      resources: resourceRequirements(props.config.resources),
    });
    const passwordFile = `${home.secureSettingsMount!.mountPath}/bootstrap.password`;
    new k8s.KubeStatefulSet(this, 'Resource', {
      metadata: { name: this.name, labels: this.labels },
      spec: {
        serviceName: this.transportServiceName,
        replicas,
        podManagementPolicy: 'Parallel',
        selector: { matchLabels: this.selector },
        template: this.podTemplate({
          rendered: [elasticsearchYml],
          uid: ELASTIC_UID,
          terminationGracePeriodSeconds: 120,
          replicas: replicas,
          initContainers: [home.initContainer],
          containers: [
            {
              name: 'elasticsearch',
              env: [
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                { name: 'ES_JAVA_OPTS', value: `-Xms${props.config.heap} -Xmx${props.config.heap}` },
              ],
              resources: props.config.resources,
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
          volumes: [{ name: 'settings', configMap: { name: this.name } }, ...home.volumes, this.tls.volume],
        }),
        volumeClaimTemplates: [claimTemplate('data', props.config.storage, this.labels)],
      },
    });
    this.disruptionBudget(replicas);
  }

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

/**
 * Replica shards each index of a cluster of `dataNodes` asks for: Elasticsearch never puts a replica on
 * the node holding its primary, so a single node gets none (one would stay unassigned, the cluster
 * yellow for good); more nodes get one.
 */
export function replicaShards(dataNodes: number): number {
  return dataNodes > 1 ? 1 : 0;
}

/** An Elasticsearch cluster that cannot elect a master or starves its filesystem cache (paths under /elasticsearch). */
export function elasticsearchProblems(elasticsearch: ElasticsearchConfig): string[] {
  const problems: string[] = [];
  if (elasticsearch.replicas === 2) {
    problems.push(
      '/elasticsearch/replicas: 2 master-eligible nodes cannot elect a master after one fails, use 1 or 3 and more, got 2',
    );
  }
  // Elasticsearch's guidance: at most half the memory for the heap, the rest for the filesystem cache.
  const { heap, resources } = elasticsearch;
  const heapBytes = Number(heap.slice(0, -1)) * 1024 ** (heap.endsWith('g') ? 3 : 2);
  if (heapBytes > quantityAmount(resources.limits.memory) / 2) {
    problems.push(
      `/elasticsearch/heap: must be at most half of /elasticsearch/resources/limits/memory (${resources.limits.memory}), the rest being the filesystem cache's, got ${show(heap)}`,
    );
  }
  return problems;
}
