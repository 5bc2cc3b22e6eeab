import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { PrometheusBackupConfig, PrometheusConfig, S3BucketConfig } from '../src/config/types';
import { durationSeconds } from '../src/config/duration';
import { containerSecurity, PART_OF, Peer, podSecurity, resourceRequirements, secretKeys } from '../src/lib/component';
import { show } from '../src/lib/problems';
import { TlsFiles } from './mtls';

/** Where the sidecar and the retention job find the bucket's config (a ConfigMap: it holds no secret). */
export const BACKUP_CONFIG_DIR = '/etc/thanos';

/** The object store config file, `--objstore.config-file`. */
export const OBJSTORE_FILE = `${BACKUP_CONFIG_DIR}/objstore.yml`;

/** Thanos' bucket config (the objstore module's `type: S3`; keys as its `s3.Config` reads them). */
export interface ThanosObjstoreConfig {
  readonly type: 'S3' | 'FILESYSTEM';
  readonly prefix?: string;
  readonly config: Record<string, string | boolean | number>;
}

/**
 * The bucket as Thanos reads it. No keys in it: without `access_key`, Thanos' S3 client reads the
 * shared credentials file `AWS_SHARED_CREDENTIALS_FILE` names (the credentials Secret, mounted).
 * Always HTTPS, with the system's CAs.
 */
export function thanosObjstoreConfig(s3: S3BucketConfig, defaultPrefix: string): ThanosObjstoreConfig {
  return {
    type: 'S3',
    prefix: s3.prefix ?? defaultPrefix,
    config: {
      bucket: s3.bucket,
      endpoint: s3.endpoint,
      ...(s3.region ? { region: s3.region } : {}),
      // The S3 client buffers one part per upload thread (4): at the default 64 MiB that is 256 MiB,
      // the sidecar's whole memory limit, for a chunk file of a large block. 16 MiB parts take 64 MiB
      // and still allow objects of 160 GiB (10 000 parts).
      part_size: 16 * 1024 * 1024,
    },
  };
}

/**
 * Where a stack's blocks go when the config names no prefix: under its cluster and environment, so two
 * stacks sharing a bucket never apply each other's retention or restore each other's blocks.
 */
export function defaultBackupPrefix(cluster: string, environment: string): string {
  return `prometheus/${cluster}/${environment}`;
}

/** A directory as a bucket: where a restore writes the blocks (docs/recovery.md). */
export function thanosFilesystemConfig(directory: string): ThanosObjstoreConfig {
  return { type: 'FILESYSTEM', config: { directory } };
}

/**
 * The sidecar's client settings for Prometheus (Thanos' `clientconfig.HTTPClientConfig`, which takes
 * no TLS version): Prometheus' own certificate, to its web port on the pod's loopback, which the
 * certificate does not name, so the name to verify is given.
 */
export function thanosPrometheusClient(tls: TlsFiles, serverName: string): Record<string, unknown> {
  return { tls_config: { ca_file: tls.ca, cert_file: tls.cert, key_file: tls.key, server_name: serverName } };
}

/** Where the sidecar's files and listeners are. */
export interface ThanosSidecarArgs {
  /** Prometheus' data directory. */
  readonly tsdbPath: string;
  /** Prometheus' API, e.g. `https://127.0.0.1:9090`. */
  readonly prometheusUrl: string;
  /** `--prometheus.http-client-file`. */
  readonly prometheusClientFile: string;
  /** `--objstore.config-file`. */
  readonly objstoreFile: string;
  /** Its HTTP port (metrics, health): `host:port`. */
  readonly httpAddress: string;
  /** Its HTTP TLS config (exporter-toolkit web config). */
  readonly httpConfigFile: string;
  /** Its StoreAPI: loopback when nothing queries it; Thanos Query's with long-term query on. */
  readonly grpcAddress: string;
  /** The StoreAPI's TLS, a client certificate from the stack CA required. @default - none (loopback) */
  readonly grpcTls?: TlsFiles;
  readonly logLevel: string;
}

/** A Thanos gRPC server's TLS flags: its certificate, and client certificates from the stack CA required. */
export function thanosGrpcServerTls(tls: TlsFiles): string[] {
  return [
    `--grpc-server-tls-cert=${tls.cert}`,
    `--grpc-server-tls-key=${tls.key}`,
    `--grpc-server-tls-client-ca=${tls.ca}`,
    '--grpc-server-tls-min-version=1.3',
  ];
}

/** The sidecar's command line: the tests run the real binary with it. */
export function thanosSidecarArgs(a: ThanosSidecarArgs): string[] {
  return [
    'sidecar',
    `--tsdb.path=${a.tsdbPath}`,
    `--prometheus.url=${a.prometheusUrl}`,
    `--prometheus.http-client-file=${a.prometheusClientFile}`,
    `--objstore.config-file=${a.objstoreFile}`,
    `--http-address=${a.httpAddress}`,
    `--http.config=${a.httpConfigFile}`,
    `--grpc-address=${a.grpcAddress}`,
    ...(a.grpcTls ? thanosGrpcServerTls(a.grpcTls) : []),
    `--log.level=${a.logLevel}`,
  ];
}

/** Prometheus' flags while the sidecar uploads: blocks stay two-hour blocks, which it uploads as written. */
export const BACKUP_PROMETHEUS_ARGS = ['--storage.tsdb.min-block-duration=2h', '--storage.tsdb.max-block-duration=2h'];

/**
 * The retention job's two steps: mark the blocks whose newest sample is older than `keep`, then
 * delete what is marked. `delete-delay` 0: nothing but this job reads the bucket, so no reader can
 * be mid-read of a marked block.
 */
export function thanosRetentionArgs(keep: string, objstoreFile: string): { mark: string[]; delete: string[] } {
  return {
    mark: [
      'tools',
      'bucket',
      'retention',
      `--objstore.config-file=${objstoreFile}`,
      `--retention.resolution-raw=${keep}`,
    ],
    delete: ['tools', 'bucket', 'cleanup', `--objstore.config-file=${objstoreFile}`, '--delete-delay=0s'],
  };
}

/**
 * The restore (docs/recovery.md): the bucket's blocks copied once into a directory, which becomes
 * Prometheus' data directory. `matcher` picks one Prometheus' blocks by their external labels where
 * several upload to the bucket (`replica="prometheus-0"` for an HA pair). Its HTTP port (metrics) stays
 * on loopback.
 */
export function thanosRestoreArgs(objstoreFile: string, toFile: string, matcher?: string): string[] {
  return [
    'tools',
    'bucket',
    'replicate',
    `--objstore.config-file=${objstoreFile}`,
    `--objstore-to.config-file=${toFile}`,
    ...(matcher ? [`--matcher=${matcher}`] : []),
    '--single-run',
    '--http-address=127.0.0.1:10902',
  ];
}

/** Where the credentials Secret's `credentials` file is mounted (not under BACKUP_CONFIG_DIR, a read-only volume). */
export const CREDENTIALS_DIR = '/etc/thanos-credentials';

/**
 * The credentials Secret as Thanos' S3 client reads it: its key `credentials`, an AWS shared
 * credentials file, mounted as a file (never in the environment), and the variable naming it.
 */
export function backupCredentials(s3: S3BucketConfig): {
  env: k8s.EnvVar[];
  volumes: k8s.Volume[];
  mounts: k8s.VolumeMount[];
} {
  return {
    env: [{ name: 'AWS_SHARED_CREDENTIALS_FILE', value: `${CREDENTIALS_DIR}/credentials` }],
    volumes: [secretKeys('backup-credentials', s3.credentialsSecret, ['credentials'])],
    mounts: [{ name: 'backup-credentials', mountPath: CREDENTIALS_DIR, readOnly: true }],
  };
}

/** The port the bucket's endpoint listens at (HTTPS). */
export function endpointPort(s3: S3BucketConfig): number {
  const port = /:(\d+)$/.exec(s3.endpoint)?.[1];
  return port ? Number(port) : 443;
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const ENDPOINT = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$/i;
/** A five-field CronJob schedule of numbers, ranges, lists, steps and `*`. */
const CRON = /^(\S+\s+){4}\S+$/;
const CRON_FIELD = /^(\*|\d+(-\d+)?)(\/\d+)?(,(\*|\d+(-\d+)?)(\/\d+)?)*$/;

/** What Thanos or Kubernetes would refuse in the backup config, or a keep that deletes fresh blocks. */
export function prometheusBackupProblems(backup: PrometheusBackupConfig): string[] {
  const at = '/prometheus/backup';
  const problems: string[] = [];
  if (
    !CRON.test(backup.schedule.trim()) ||
    !backup.schedule
      .trim()
      .split(/\s+/)
      .every((f) => CRON_FIELD.test(f))
  ) {
    problems.push(
      `${at}/schedule: must be a five-field CronJob schedule like "0 2 * * *", got ${show(backup.schedule)}`,
    );
  }
  if (durationSeconds(backup.keep) < 86400) {
    problems.push(
      `${at}/keep: must be at least 1d, or blocks go before a day's restore points exist, got ${backup.keep}`,
    );
  }
  if (!backup.enabled) return problems;
  const s3 = backup.s3;
  if (!s3) return [...problems, `${at}/s3: required when backup is enabled (the bucket and its credentials are yours)`];
  if (!BUCKET_NAME.test(s3.bucket) || s3.bucket.includes('..') || /^\d+\.\d+\.\d+\.\d+$/.test(s3.bucket)) {
    problems.push(
      `${at}/s3/bucket: must be an S3 bucket name (3-63 lower-case letters, digits, . and -, starting and ending with a letter or digit, not an IP address), got ${show(s3.bucket)}`,
    );
  }
  const port = /:(\d+)$/.exec(s3.endpoint)?.[1];
  if (!ENDPOINT.test(s3.endpoint) || (port !== undefined && (Number(port) < 1 || Number(port) > 65535))) {
    problems.push(
      `${at}/s3/endpoint: must be a host and optional port without a scheme, like "s3.eu-west-1.amazonaws.com", got ${show(s3.endpoint)}`,
    );
  }
  if (s3.prefix !== undefined && !/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(s3.prefix)) {
    problems.push(
      `${at}/s3/prefix: must be key segments of letters, digits, . _ and - joined by /, got ${show(s3.prefix)}`,
    );
  }
  return problems;
}

/** Long-term query without the backup's bucket to read (paths under /prometheus). */
export function longTermQueryProblems(prometheus: PrometheusConfig): string[] {
  return prometheus.longTermQuery.enabled && !prometheus.backup.enabled
    ? [
        '/prometheus/longTermQuery/enabled: needs /prometheus/backup/enabled (and its s3): the Store Gateway reads the bucket the backup sidecar uploads to',
      ]
    : [];
}

export interface PrometheusBackupRetentionProps {
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly config: PrometheusBackupConfig & { s3: S3BucketConfig };
  /** The ConfigMap holding `objstore.yml`. */
  readonly configMap: string;
  readonly image: string;
}

/**
 * The daily job (seed 000 §18.4: 02:00) that deletes the bucket's blocks older than `keep`: Thanos'
 * `tools bucket retention` marks them, then `tools bucket cleanup` deletes them. One run at a time.
 */
export class PrometheusBackupRetention extends Construct {
  /** Its pods, which reach the bucket and nothing else. */
  public readonly peer: Peer;
  public readonly args: { mark: string[]; delete: string[] };

  constructor(scope: Construct, id: string, props: PrometheusBackupRetentionProps) {
    super(scope, id);
    const name = 'prometheus-backup-retention';
    this.peer = { name, selector: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': PART_OF } };
    const labels = { ...props.labels, 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': 'backup' };
    this.args = thanosRetentionArgs(props.config.keep, OBJSTORE_FILE);
    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name, namespace: props.namespace, labels },
      automountServiceAccountToken: false,
    });
    const credentials = backupCredentials(props.config.s3);
    const container = (step: string, args: string[]): k8s.Container => ({
      name: step,
      image: props.image,
      args,
      env: credentials.env,
      // It reads the blocks' meta.json files only.
      resources: resourceRequirements({
        requests: { cpu: '50m', memory: '64Mi' },
        limits: { cpu: '500m', memory: '256Mi' },
      }),
      securityContext: containerSecurity(true),
      volumeMounts: [{ name: 'config', mountPath: BACKUP_CONFIG_DIR, readOnly: true }, ...credentials.mounts],
    });
    new k8s.KubeCronJob(this, 'Resource', {
      metadata: { name, namespace: props.namespace, labels },
      spec: {
        schedule: props.config.schedule,
        timeZone: 'Etc/UTC',
        concurrencyPolicy: 'Forbid',
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          spec: {
            backoffLimit: 3,
            activeDeadlineSeconds: 3600,
            template: {
              metadata: { labels },
              spec: {
                restartPolicy: 'OnFailure',
                serviceAccountName: name,
                automountServiceAccountToken: false,
                securityContext: podSecurity(65534),
                // Marking runs first and must finish: cleanup deletes only what is marked.
                initContainers: [container('mark', this.args.mark)],
                containers: [container('delete', this.args.delete)],
                volumes: [{ name: 'config', configMap: { name: props.configMap } }, ...credentials.volumes],
              },
            },
          },
        },
      },
    });
  }
}
