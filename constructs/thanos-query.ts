/**
 * Long-term and global queries (`prometheus.longTermQuery`): a Thanos Store Gateway serving the blocks
 * the backup sidecar uploads to its bucket, and Thanos Query fanning PromQL out over it and every
 * Prometheus replica's sidecar, deduplicating the replicas by their `replica` label. Every gRPC hop is
 * mTLS with the stack's certificates; the bucket is the backup's, its config the backup's ConfigMap.
 */
import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { CommonConfig, LongTermQueryConfig, S3BucketConfig } from '../src/config/types';
import { imageOf } from '../src/lib/images';
import { toYaml } from '../src/lib/render';
import { quantityAmount } from '../src/lib/quantity';
import { claimTemplate, Component, scratch } from '../src/lib/component';
import { Pki, TlsFiles, webConfig } from './mtls';
import { BACKUP_CONFIG_DIR, backupCredentials, OBJSTORE_FILE, thanosGrpcServerTls } from './prometheus-backup';
import { Prometheus } from './prometheus';

/** The Thanos components' ports: the StoreAPI (gRPC) and HTTP (the API and UI, /metrics). */
const GRPC = { name: 'grpc', port: 10901 };
const HTTP = { name: 'http', port: 10902 };
/** Each component's own files (the bucket's config is the backup's, under BACKUP_CONFIG_DIR). */
const configDir = (component: string) => `/etc/${component}`;
const DATA_DIR = '/var/thanos/store';

/** The label Prometheus replicas tell their series apart by (its external label with replicas > 1). */
export const REPLICA_LABEL = 'replica';

/** Where the Store Gateway's files and listeners are. */
export interface ThanosStoreArgs {
  readonly dataDir: string;
  readonly objstoreFile: string;
  readonly grpcAddress: string;
  readonly grpcTls: TlsFiles;
  readonly httpAddress: string;
  readonly httpConfigFile: string;
  /** In-memory index cache, e.g. `256MB`. */
  readonly indexCacheSize: string;
  readonly logLevel: string;
}

/** The Store Gateway's command line: the tests run the real binary with it. */
export function thanosStoreArgs(a: ThanosStoreArgs): string[] {
  return [
    'store',
    `--data-dir=${a.dataDir}`,
    `--objstore.config-file=${a.objstoreFile}`,
    `--grpc-address=${a.grpcAddress}`,
    ...thanosGrpcServerTls(a.grpcTls),
    `--http-address=${a.httpAddress}`,
    `--http.config=${a.httpConfigFile}`,
    `--index-cache-size=${a.indexCacheSize}`,
    `--log.level=${a.logLevel}`,
  ];
}

/** Where Thanos Query's files and listeners are. */
export interface ThanosQueryArgs {
  readonly httpAddress: string;
  readonly httpConfigFile: string;
  /** Its own StoreAPI: nothing reads it, so loopback. */
  readonly grpcAddress: string;
  /** `--endpoint.sd-config-file`: the StoreAPIs it reads, each with its TLS. */
  readonly endpointsFile: string;
  readonly logLevel: string;
}

/** Thanos Query's command line: the tests run the real binary with it. */
export function thanosQueryArgs(a: ThanosQueryArgs): string[] {
  return [
    'query',
    `--http-address=${a.httpAddress}`,
    `--http.config=${a.httpConfigFile}`,
    `--grpc-address=${a.grpcAddress}`,
    `--endpoint.sd-config-file=${a.endpointsFile}`,
    `--query.replica-label=${REPLICA_LABEL}`,
    `--log.level=${a.logLevel}`,
  ];
}

/** Thanos Query's endpoint config (its `EndpointConfig`): each StoreAPI, with the client TLS to it. */
export interface ThanosEndpointsFile {
  endpoints: Array<{
    address: string;
    strict: boolean;
    client_config: {
      tls_config: { enabled: true; ca_file: string; cert_file: string; key_file: string; min_version: '1.3' };
      server_name: string;
    };
  }>;
}

/**
 * Each StoreAPI `address` dialled with Query's certificate, the server's checked against the stack CA
 * and `serverName` (a pod's own DNS name is not on its certificate; its Service's is). Not strict: a
 * replica that is down leaves the others answering (partial response), not the query failing.
 */
export function thanosEndpointsFile(
  tls: TlsFiles,
  stores: ReadonlyArray<{ address: string; serverName: string }>,
): ThanosEndpointsFile {
  return {
    endpoints: stores.map((s) => ({
      address: s.address,
      strict: false,
      client_config: {
        tls_config: { enabled: true, ca_file: tls.ca, cert_file: tls.cert, key_file: tls.key, min_version: '1.3' },
        server_name: s.serverName,
      },
    })),
  };
}

/** A quarter of a memory limit as a Thanos size (`256MB`): the Store Gateway's index cache. */
export function indexCacheSize(memoryLimit: string): string {
  return `${Math.max(32, Math.floor(quantityAmount(memoryLimit) / 4 / 1024 ** 2))}MB`;
}

/** TCP probes at the HTTP port by number: it requires a client certificate, which the kubelet has none of. */
function tcpProbes(): Pick<k8s.Container, 'livenessProbe' | 'readinessProbe'> {
  const probe = { tcpSocket: { port: k8s.IntOrString.fromNumber(HTTP.port) }, periodSeconds: 10 };
  return { livenessProbe: probe, readinessProbe: probe };
}

export interface ThanosStoreGatewayProps {
  readonly config: LongTermQueryConfig['storeGateway'];
  readonly common: CommonConfig;
  /** The Prometheus whose backup bucket it serves. */
  readonly prometheus: Prometheus;
  /** The backup's bucket (for its credentials Secret). */
  readonly s3: S3BucketConfig;
  readonly pki: Pki;
  /** @default IMAGES.thanos */
  readonly image?: string;
}

/**
 * The Store Gateway: the bucket's blocks as a StoreAPI. One replica (without sharding, two would
 * serve the same blocks twice); its volume caches the blocks' index headers, rebuilt if lost.
 */
export class ThanosStoreGateway extends Component {
  public readonly args: readonly string[];

  constructor(scope: Construct, id: string, props: ThanosStoreGatewayProps) {
    super(scope, id, {
      name: 'thanos-store',
      namespace: props.common.namespace,
      role: 'metrics',
      image: props.image ?? imageOf(scope, 'thanos'),
      ports: [
        { ...GRPC, carries: "StoreAPI over the backup bucket's blocks (for Thanos Query)", tls: 'mtls' },
        { ...HTTP, carries: 'its /metrics', tls: 'mtls' },
      ],
    });
    const tls = props.pki.issue(this, ['server auth']);
    const objstoreConfigMap = props.prometheus.backup?.objstoreConfigMap;
    if (!objstoreConfigMap) throw new Error('thanos-store: the Prometheus it reads has no backup bucket');
    const web = toYaml(webConfig(tls, 'RequireAndVerifyClientCert'));
    this.configMap('Config', this.name, { 'web.yml': web });
    this.args = thanosStoreArgs({
      dataDir: DATA_DIR,
      objstoreFile: OBJSTORE_FILE,
      grpcAddress: `0.0.0.0:${GRPC.port}`,
      grpcTls: tls,
      httpAddress: `0.0.0.0:${HTTP.port}`,
      httpConfigFile: `${configDir(this.name)}/web.yml`,
      indexCacheSize: indexCacheSize(props.config.resources.limits.memory),
      logLevel: props.common.logLevel,
    });
    const credentials = backupCredentials(props.s3);
    this.serviceAccount();
    this.service();
    new k8s.KubeStatefulSet(this, 'Resource', {
      metadata: { name: this.name, labels: this.labels },
      spec: {
        serviceName: this.podsService(),
        replicas: 1,
        selector: { matchLabels: this.selector },
        template: this.podTemplate({
          rendered: [web, objstoreConfigMap],
          containers: [
            {
              name: 'thanos-store',
              args: [...this.args],
              env: credentials.env,
              resources: props.config.resources,
              ...tcpProbes(),
              volumeMounts: [
                { name: 'config', mountPath: configDir(this.name), readOnly: true },
                { name: 'backup', mountPath: BACKUP_CONFIG_DIR, readOnly: true },
                ...credentials.mounts,
                { name: 'data', mountPath: DATA_DIR },
                tls.mount,
              ],
            },
          ],
          volumes: [
            { name: 'config', configMap: { name: this.name } },
            { name: 'backup', configMap: { name: objstoreConfigMap } },
            ...credentials.volumes,
            tls.volume,
          ],
        }),
        volumeClaimTemplates: [claimTemplate('data', props.config.storage, this.labels)],
      },
    });
  }
}

export interface ThanosQueryProps {
  readonly config: LongTermQueryConfig['query'];
  readonly common: CommonConfig;
  /** The Prometheus whose replicas' sidecars it reads. */
  readonly prometheus: Prometheus;
  readonly storeGateway: ThanosStoreGateway;
  readonly pki: Pki;
  /** @default IMAGES.thanos */
  readonly image?: string;
}

/**
 * Thanos Query: one PromQL API (Prometheus' HTTP API, so Grafana's Prometheus datasource reads it) over
 * every Prometheus replica's recent samples and the bucket's blocks, replicas deduplicated.
 */
export class ThanosQuery extends Component {
  public readonly args: readonly string[];
  /** The rendered endpoint config. */
  public readonly endpoints: ThanosEndpointsFile;

  constructor(scope: Construct, id: string, props: ThanosQueryProps) {
    super(scope, id, {
      name: 'thanos-query',
      namespace: props.common.namespace,
      role: 'metrics',
      image: props.image ?? imageOf(scope, 'thanos'),
      ports: [{ ...HTTP, carries: 'PromQL API and UI over every Prometheus replica and the bucket', tls: 'mtls' }],
    });
    const tls = props.pki.issue(this, ['server auth', 'client auth']);
    const { prometheus, storeGateway } = props;
    this.endpoints = thanosEndpointsFile(tls, [
      ...prometheus.sidecarEndpoints(this).map((address) => ({ address, serverName: prometheus.host })),
      { address: storeGateway.endpoint(this, GRPC.name).hostPort, serverName: storeGateway.host },
    ]);
    const web = toYaml(webConfig(tls, 'RequireAndVerifyClientCert'));
    const endpoints = toYaml(this.endpoints);
    this.configMap('Config', this.name, { 'web.yml': web, 'endpoints.yml': endpoints });
    this.args = thanosQueryArgs({
      httpAddress: `0.0.0.0:${HTTP.port}`,
      httpConfigFile: `${configDir(this.name)}/web.yml`,
      grpcAddress: `127.0.0.1:${GRPC.port}`,
      endpointsFile: `${configDir(this.name)}/endpoints.yml`,
      logLevel: props.common.logLevel,
    });
    this.serviceAccount();
    this.service();
    new k8s.KubeDeployment(this, 'Resource', {
      metadata: { name: this.name, labels: this.labels },
      spec: {
        replicas: props.config.replicas,
        selector: { matchLabels: this.selector },
        template: this.podTemplate({
          rendered: [web, endpoints],
          replicas: props.config.replicas,
          containers: [
            {
              name: 'thanos-query',
              args: [...this.args],
              resources: props.config.resources,
              ...tcpProbes(),
              volumeMounts: [
                { name: 'config', mountPath: configDir(this.name), readOnly: true },
                { name: 'tmp', mountPath: '/tmp' },
                tls.mount,
              ],
            },
          ],
          volumes: [{ name: 'config', configMap: { name: this.name } }, scratch('tmp'), tls.volume],
        }),
      },
    });
    this.disruptionBudget(props.config.replicas);
  }
}
