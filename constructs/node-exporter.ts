import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { CommonConfig, NodeExporterConfig } from '../src/config/types';
import { imageOf } from '../src/lib/images';
import { Exporter } from './exporter';
import { Pki } from './mtls';
import { COMPONENTS } from '../src/lib/names';

export interface NodeExporterProps {
  readonly config: NodeExporterConfig;
  readonly common: CommonConfig;
  /** The agent's namespace: Pod Security "privileged", which the host mounts need. */
  readonly namespace: string;
  /** Issues its certificate: its metrics port requires a client certificate from the stack CA. */
  readonly pki: Pki;
  /** @default IMAGES.nodeExporter */
  readonly image?: string;
}

/** Where the node's filesystems are mounted in the container, read-only. */
export const HOST = { proc: '/host/proc', sys: '/host/sys', root: '/host/root' } as const;
const CONFIG_DIR = '/etc/node-exporter';
/** Pseudo and container filesystems, whose usage says nothing about the node's disks. */
const IGNORED_MOUNTS =
  '^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+|var/lib/kubelet/.+)($|/)';
const IGNORED_FS_TYPES =
  '^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs|tmpfs)$';

/** The command line, from its config and the paths it reads: the tests run the real binary with it. */
export function nodeExporterArgs(port: number): string[] {
  return [
    `--path.procfs=${HOST.proc}`,
    `--path.sysfs=${HOST.sys}`,
    `--path.rootfs=${HOST.root}`,
    `--web.listen-address=:${port}`,
    `--web.config.file=${CONFIG_DIR}/web.yml`,
    `--collector.filesystem.mount-points-exclude=${IGNORED_MOUNTS}`,
    `--collector.filesystem.fs-types-exclude=${IGNORED_FS_TYPES}`,
    // Nothing on a node to read, or the node's by other means.
    '--no-collector.wifi',
    '--no-collector.hwmon',
  ];
}

/**
 * node-exporter on every node: the node's CPU, memory, filesystems, disks and network under the
 * `node_*` names the dashboards and monitoring mixins query (chosen over the agent's host metrics,
 * whose OpenTelemetry names no such query reads). It reads the node's /proc, /sys and root filesystem,
 * mounted read-only, as an unprivileged user with no capabilities, and runs on the node's network so
 * the network metrics are the node's; so its pods run in the agent's "privileged" namespace and
 * NetworkPolicies do not select them (Prometheus reaches them by address). Its port requires a client
 * certificate from the stack CA, as every metrics port of the stack does.
 */
export class NodeExporter extends Exporter {
  constructor(scope: Construct, id: string, props: NodeExporterProps) {
    super(scope, id, {
      name: COMPONENTS.nodeExporter,
      namespace: props.namespace,
      role: 'node-metrics',
      image: props.image ?? imageOf(scope, 'nodeExporter'),
      hostNetwork: true,
      ports: [{ name: 'metrics', port: 9100, carries: "the node's metrics", tls: 'mtls' }],
      pki: props.pki,
      configDir: CONFIG_DIR,
    });
    this.serviceAccount();
    const port = this.port('metrics').port;
    const hostMounts = [
      { name: 'proc', path: '/proc', mountPath: HOST.proc },
      { name: 'sys', path: '/sys', mountPath: HOST.sys },
      { name: 'root', path: '/', mountPath: HOST.root },
    ];
    // On the node's network, probed as soon as it starts.
    const probe = { tcpSocket: { port: k8s.IntOrString.fromString('metrics') }, periodSeconds: 10 };
    this.daemonSet(
      this.exporterPod(
        {
          name: 'node-exporter',
          args: nodeExporterArgs(port),
          resources: props.config.resources,
          livenessProbe: probe,
          readinessProbe: probe,
          volumeMounts: hostMounts.map(({ name, mountPath }) => ({
            name,
            mountPath,
            readOnly: true,
            // Filesystems the node mounts later show up here too.
            ...(name === 'root' ? { mountPropagation: 'HostToContainer' } : {}),
          })),
        },
        {
          hostNetwork: true,
          // Every node, tainted ones (control plane, dedicated pools) too.
          tolerations: [{ operator: 'Exists' }],
          volumes: hostMounts.map(({ name, path }) => ({ name, hostPath: { path } })),
        },
      ),
    );
  }
}
