import { Construct } from 'constructs';
import { show } from '../src/lib/problems';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { CollectorAgentConfig, CollectorQueueConfig, CommonConfig } from '../src/config/types';
import { durationSeconds } from '../src/config/duration';
import { imageOf } from '../src/lib/images';
import { toYaml } from '../src/lib/render';
import { Component, Endpoint, httpProbe, PortSpec, scratch } from '../src/lib/component';
import { otelClientTls, otelServerTls, Pki, TlsFiles } from './mtls';
import { CollectorConfigFile, Id, Processors } from './otel-config';
import { OtelCollector } from './otel-collector';
import { collectorGoMemLimit, MEMORY_LIMITER } from './otel-memory';
import { COMPONENTS } from '../src/lib/names';
import { collectorTelemetry } from './otel-redaction';

export interface OtelAgentProps {
  readonly config: CollectorAgentConfig;
  /** Retry time of the forwarding queue; the gateway's setting. */
  readonly queue: CollectorQueueConfig;
  readonly common: CommonConfig;
  /** Where everything goes. */
  readonly gateway: OtelCollector;
  /** Issues the agent's certificate (in its own namespace): it serves OTLP over mTLS and is the gateway's client. */
  readonly pki: Pki;
  /** @default IMAGES.collector */
  readonly image?: string;
}

/** Where the kubelet writes container logs: `<namespace>_<pod>_<uid>/<container>/<n>.log`. */
const POD_LOGS = '/var/log/pods';
/** Node-local state: file_log read positions and the forwarding queue, kept across agent restarts. */
const STATE_DIR = '/var/lib/agent-o11y/otel-agent';

/** The agent's namespace when the config names none. */
export function agentNamespace(config: CollectorAgentConfig, common: CommonConfig): string {
  return config.namespace ?? `${common.namespace}-agent`;
}

/** An agent namespace that cannot exist, or that would put the agent under the "restricted" standard. */
function agentNamespaceProblems(config: CollectorAgentConfig, common: CommonConfig): string[] {
  const namespace = agentNamespace(config, common);
  if (namespace === common.namespace) {
    return [
      `/collector/agent/namespace: must differ from /common/namespace, which enforces the "restricted" Pod Security Standard the agent cannot meet, got ${show(namespace)}`,
    ];
  }
  if (config.namespace === undefined && namespace.length > 63) {
    return [
      `/common/namespace: must be at most 57 characters, since the agent's namespace is <namespace>-agent (or set /collector/agent/namespace), got ${show(common.namespace)}`,
    ];
  }
  return [];
}

/**
 * The collector agent, one per node (DaemonSet): container logs from the node's files with their
 * Kubernetes metadata, the kubelet's node/pod/container metrics, OTLP from pods on the node (Service `otel-agent` with node-local traffic
 * policy), everything forwarded to the gateway, which samples, redacts and exports.
 *
 * It reads host paths as root (with every capability dropped, read-only root filesystem, no
 * privilege escalation): kubelet log files are root-owned, mode 0640. That is outside the Pod
 * Security Standards "restricted" and "baseline", so the agent has its own namespace labeled
 * "privileged"; the stack's namespace stays "restricted".
 */
export class OtelAgent extends Component {
  public readonly configFile: CollectorConfigFile;
  public readonly rendered: string;
  /** The agent's certificate files. */
  public readonly tls: TlsFiles;

  constructor(scope: Construct, id: string, props: OtelAgentProps) {
    const image = props.image ?? imageOf(scope, 'collector');
    const namespace = agentNamespace(props.config, props.common);
    super(scope, id, {
      name: COMPONENTS.agent,
      namespace,
      role: 'telemetry-agent',
      image,
      ports: [
        { name: 'otlp-grpc', port: 4317, carries: 'OTLP/gRPC from pods on the same node', tls: 'mtls' },
        { name: 'otlp-http', port: 4318, carries: 'OTLP/HTTP from pods on the same node', tls: 'mtls' },
        // The internal telemetry's Prometheus reader has no TLS settings.
        { name: 'metrics', port: 8888, carries: "the agent's own /metrics" },
        { name: 'health', port: 13133, carries: 'health_check extension' },
      ],
    });
    // Its config's rules, reported at synth (and by buildStack for the whole stack at once).
    this.node.addValidation({ validate: () => agentNamespaceProblems(props.config, props.common) });
    this.tls = props.pki.issue(this, ['server auth', 'client auth']);
    const tls = this.tls;
    const gateway = props.gateway.endpoint(this, 'otlp-grpc');
    this.configFile = agentConfig({
      queue: props.queue,
      common: props.common,
      tls,
      port: (name) => this.port(name),
      gateway,
      excludeLogsOf: [
        { namespace, name: this.name },
        { namespace: props.gateway.namespace, name: props.gateway.name },
      ],
    });
    this.rendered = toYaml(this.configFile);
    this.configMap('Config', this.name, { 'config.yaml': this.rendered });
    // k8s_attributes watches pods and namespaces through the API; kubelet_stats authenticates with the token.
    this.serviceAccount(true);
    this.rbac();
    new k8s.KubeService(this, 'Service', {
      metadata: { name: this.name, labels: this.labels },
      spec: {
        selector: this.selector,
        // A pod's telemetry goes to the agent on its own node: no cross-node hop, and the
        // connection's source IP is the pod's, which k8s_attributes needs.
        internalTrafficPolicy: 'Local',
        ports: ['otlp-grpc', 'otlp-http'].map((name) => ({
          name,
          port: this.port(name).port,
          targetPort: k8s.IntOrString.fromString(name),
          protocol: 'TCP',
        })),
      },
    });

    const resources = props.config.resources;
    this.daemonSet({
      rendered: [this.rendered],
      apiAccess: true,
      // Root only to read root-owned log files; no capabilities, so no access beyond owner rights.
      security: {
        runAsNonRoot: false,
        runAsUser: 0,
        runAsGroup: 0,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      // Nodes tainted NoSchedule (control plane, dedicated pools) have logs too.
      tolerations: [{ operator: 'Exists', effect: 'NoSchedule' }],
      containers: [
        {
          name: 'otel-agent',
          args: ['--config=/etc/otelcol/config.yaml'],
          env: [
            { name: 'K8S_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
            { name: 'K8S_NODE_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
            collectorGoMemLimit(resources.limits.memory),
          ],
          resources: resources,
          security: {
            allowPrivilegeEscalation: false,
            privileged: false,
            readOnlyRootFilesystem: true,
            runAsNonRoot: false,
            capabilities: { drop: ['ALL'] },
            seccompProfile: { type: 'RuntimeDefault' },
          },
          livenessProbe: httpProbe('health', '/'),
          readinessProbe: httpProbe('health', '/', { initialDelaySeconds: 5, periodSeconds: 5 }),
          volumeMounts: [
            { name: 'config', mountPath: '/etc/otelcol/config.yaml', subPath: 'config.yaml', readOnly: true },
            { name: 'pod-logs', mountPath: POD_LOGS, readOnly: true },
            { name: 'state', mountPath: STATE_DIR },
            { name: 'tmp', mountPath: '/tmp' },
            tls.mount,
          ],
        },
      ],
      volumes: [
        { name: 'config', configMap: { name: this.name } },
        { name: 'pod-logs', hostPath: { path: POD_LOGS, type: 'Directory' } },
        { name: 'state', hostPath: { path: STATE_DIR, type: 'DirectoryOrCreate' } },
        scratch('tmp'),
        tls.volume,
      ],
    });
  }

  /** Read-only access to pods and namespaces (k8s_attributes) and kubelet stats (kubelet_stats); nothing else. */
  private rbac(): void {
    this.clusterRole('Metadata', [
      { apiGroups: [''], resources: ['pods', 'namespaces'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['nodes/stats'], verbs: ['get'] },
    ]);
  }
}

/** What the agent's config file is rendered from: its settings, ports and certificate, and the gateway's endpoint. */
export interface AgentConfigInput {
  /** Retry time of the forwarding queue; the gateway's setting. */
  readonly queue: CollectorQueueConfig;
  readonly common: CommonConfig;
  readonly tls: TlsFiles;
  /** The agent's port of a name. */
  readonly port: (name: string) => PortSpec;
  readonly gateway: Endpoint;
  /** Workloads whose container logs the agent must not read: its own and the gateway's (each export they log would be exported again). */
  readonly excludeLogsOf: ReadonlyArray<{ readonly namespace: string; readonly name: string }>;
}

/** The agent's config.yaml, as typed data. */
export function agentConfig({
  queue,
  common,
  tls,
  port,
  gateway,
  excludeLogsOf,
}: AgentConfigInput): CollectorConfigFile {
  const processors: Array<Id<Processors>> = ['memory_limiter', 'k8s_attributes', 'batch'];
  return {
    extensions: {
      health_check: { endpoint: `0.0.0.0:${port('health').port}` },
      file_storage: { directory: STATE_DIR, create_directory: true, timeout: '10s' },
    },
    receivers: {
      otlp: {
        protocols: {
          grpc: { endpoint: `0.0.0.0:${port('otlp-grpc').port}`, tls: otelServerTls(tls) },
          http: { endpoint: `0.0.0.0:${port('otlp-http').port}`, tls: otelServerTls(tls) },
        },
      },
      file_log: {
        include: [`${POD_LOGS}/*/*/*.log`],
        // Not its own logs (each export it logs would be exported again) nor the gateway's.
        exclude: excludeLogsOf.map((w) => `${POD_LOGS}/${w.namespace}_${w.name}-*/*/*.log`),
        start_at: 'end',
        include_file_path: true,
        include_file_name: false,
        // Read positions survive restarts: nothing is read twice or skipped.
        storage: 'file_storage',
        // Parses the CRI (containerd, CRI-O) line format, joins partial lines and sets
        // k8s.namespace.name, k8s.pod.name, k8s.pod.uid, k8s.container.name from the path.
        operators: [{ type: 'container', id: 'container-parser' }],
      },
      // Node, pod and container CPU, memory, filesystem and network from this node's kubelet.
      kubelet_stats: {
        collection_interval: '30s',
        auth_type: 'serviceAccount',
        endpoint: 'https://${env:K8S_NODE_IP}:10250',
        // Kubelet serving certificates are self-signed on most clusters; the token still authenticates us.
        insecure_skip_verify: true,
        metric_groups: ['node', 'pod', 'container'],
      },
    },
    processors: {
      memory_limiter: MEMORY_LIMITER,
      k8s_attributes: {
        auth_type: 'serviceAccount',
        // Only this node's pods: a node-local cache, not the whole cluster's.
        filter: { node_from_env_var: 'K8S_NODE_NAME' },
        extract: {
          metadata: [
            'k8s.namespace.name',
            'k8s.pod.name',
            'k8s.pod.uid',
            'k8s.node.name',
            'k8s.deployment.name',
            'k8s.statefulset.name',
            'k8s.daemonset.name',
            'k8s.job.name',
          ],
          labels: [
            { tag_name: 'app.kubernetes.io/name', key: 'app.kubernetes.io/name', from: 'pod' },
            { tag_name: 'app.kubernetes.io/component', key: 'app.kubernetes.io/component', from: 'pod' },
          ],
        },
        // Logs carry the pod uid from their path; OTLP senders are found by their connection's IP.
        pod_association: [
          { sources: [{ from: 'resource_attribute', name: 'k8s.pod.uid' }] },
          { sources: [{ from: 'resource_attribute', name: 'k8s.pod.ip' }] },
          { sources: [{ from: 'connection' }] },
        ],
      },
      batch: { send_batch_size: 2048, timeout: '2s' },
    },
    exporters: {
      'otlp_grpc/gateway': {
        endpoint: gateway.hostPort,
        tls: otelClientTls(tls, gateway),
        retry_on_failure: {
          enabled: true,
          initial_interval: '5s',
          max_interval: '1m',
          max_elapsed_time: `${durationSeconds(queue.retryFor)}s`,
        },
        sending_queue: { enabled: true, storage: 'file_storage', queue_size: 2000 },
      },
    },
    service: {
      extensions: ['health_check', 'file_storage'],
      telemetry: collectorTelemetry(common.logLevel, port('metrics').port),
      pipelines: {
        traces: { receivers: ['otlp'], processors, exporters: ['otlp_grpc/gateway'] },
        metrics: { receivers: ['otlp', 'kubelet_stats'], processors, exporters: ['otlp_grpc/gateway'] },
        logs: { receivers: ['otlp', 'file_log'], processors, exporters: ['otlp_grpc/gateway'] },
      },
    },
  };
}
