import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { CommonConfig, KubeStateMetricsConfig } from '../src/config/types';
import { imageOf } from '../src/lib/images';
import { COMPONENTS } from '../src/lib/names';
import { Exporter } from './exporter';
import { Pki } from './mtls';

export interface KubeStateMetricsProps {
  readonly config: KubeStateMetricsConfig;
  readonly common: CommonConfig;
  /** Issues its certificate: its metrics port requires a client certificate from the stack CA. */
  readonly pki: Pki;
  /** @default IMAGES.kubeStateMetrics */
  readonly image?: string;
}

/**
 * The kinds it watches, by API group: what the cluster alerts and the seeds read, and nothing that
 * holds secrets or grows with every object's labels. Its ClusterRole lists and watches exactly these.
 */
export const KSM_RESOURCES: Readonly<Record<string, readonly string[]>> = {
  '': ['nodes', 'persistentvolumeclaims', 'pods'],
  apps: ['daemonsets', 'deployments', 'statefulsets'],
  batch: ['jobs'],
};

const CONFIG_DIR = '/etc/kube-state-metrics';
/** Its own telemetry (informer and scrape metrics), on the pod's loopback only: nothing scrapes it. */
const TELEMETRY_PORT = 8081;

/** The command line, from its port and TLS file: the tests run the real binary with it. */
export function kubeStateMetricsArgs(port: number, tlsConfigFile = `${CONFIG_DIR}/web.yml`): string[] {
  const resources = Object.values(KSM_RESOURCES).flat();
  return [
    `--port=${port}`,
    `--telemetry-host=127.0.0.1`,
    `--telemetry-port=${TELEMETRY_PORT}`,
    `--resources=${resources.sort().join(',')}`,
    `--tls-config=${tlsConfigFile}`,
  ];
}

/**
 * kube-state-metrics: the state of the cluster's pods, nodes, workloads, jobs and volume claims as
 * `kube_*` metrics, under the names the seeds and the Kubernetes monitoring mixins query. One replica
 * in the stack's namespace, restricted like every pod there; its ServiceAccount may list and watch the
 * kinds it reports and nothing else. Its port requires a client certificate from the stack CA, as
 * every metrics port of the stack does.
 */
export class KubeStateMetrics extends Exporter {
  constructor(scope: Construct, id: string, props: KubeStateMetricsProps) {
    super(scope, id, {
      name: COMPONENTS.kubeStateMetrics,
      namespace: props.common.namespace,
      role: 'cluster-metrics',
      image: props.image ?? imageOf(scope, 'kubeStateMetrics'),
      ports: [{ name: 'metrics', port: 8080, carries: "the cluster objects' state", tls: 'mtls' }],
      pki: props.pki,
      configDir: CONFIG_DIR,
    });
    this.serviceAccount(true);
    this.clusterRole(
      'Read',
      Object.entries(KSM_RESOURCES).map(([group, kinds]) => ({
        apiGroups: [group],
        resources: [...kinds],
        verbs: ['list', 'watch'],
      })),
    );
    this.service();
    new k8s.KubeDeployment(this, 'Resource', {
      metadata: { name: this.name, labels: this.labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: this.selector },
        template: this.podTemplate(
          this.exporterPod(
            {
              name: 'kube-state-metrics',
              args: kubeStateMetricsArgs(this.port('metrics').port, this.webConfigFile),
              resources: props.config.resources,
            },
            { apiAccess: true },
          ),
        ),
      },
    });
  }
}
