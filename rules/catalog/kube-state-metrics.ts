import { metric, MetricCatalog } from './types';

/** The labels kube-state-metrics gives every series of a pod, before the metric's own. */
const POD = ['namespace', 'pod', 'uid'];

/**
 * What kube-state-metrics (constructs/kube-state-metrics.ts) exports at the pinned version for the
 * resources it watches, as far as the stack's cluster alerts and the seeds read it. Its job honours the
 * series' own `namespace` and `pod` (the object's, not the exporter's); the real binary's output is held
 * to these names and labels in test/e2e/kube-state-metrics.test.ts.
 */
export const KUBE_STATE_METRICS: MetricCatalog = {
  name: 'kube-state-metrics',
  source: 'kube-state-metrics 2.15 (pods, nodes, deployments, statefulsets, daemonsets, jobs, persistentvolumeclaims)',
  delivery: 'exporter',
  metrics: [
    metric(
      'kube_pod_container_status_restarts_total',
      'counter',
      [...POD, 'container'],
      'The number of container restarts per container',
    ),
    metric(
      'kube_pod_container_status_waiting_reason',
      'gauge',
      [...POD, 'container', 'reason'],
      'Describes the reason the container is currently in waiting state',
    ),
    metric('kube_pod_status_phase', 'gauge', [...POD, 'phase'], 'The pods current phase'),
    metric(
      'kube_pod_status_ready',
      'gauge',
      [...POD, 'condition'],
      'Describes whether the pod is ready to serve requests',
    ),
    metric(
      'kube_pod_owner',
      'gauge',
      [...POD, 'owner_kind', 'owner_name', 'owner_is_controller'],
      "Information about the Pod's owner",
    ),
    metric('kube_node_status_condition', 'gauge', ['node', 'condition', 'status'], 'The condition of a cluster node'),
    metric(
      'kube_deployment_spec_replicas',
      'gauge',
      ['namespace', 'deployment'],
      'Number of desired pods for a deployment',
    ),
    metric(
      'kube_deployment_status_replicas_available',
      'gauge',
      ['namespace', 'deployment'],
      'The number of available replicas per deployment',
    ),
    metric(
      'kube_statefulset_replicas',
      'gauge',
      ['namespace', 'statefulset'],
      'Number of desired pods for a StatefulSet',
    ),
    metric(
      'kube_statefulset_status_replicas_ready',
      'gauge',
      ['namespace', 'statefulset'],
      'The number of ready replicas per StatefulSet',
    ),
    metric(
      'kube_daemonset_status_desired_number_scheduled',
      'gauge',
      ['namespace', 'daemonset'],
      'The number of nodes that should be running the daemon pod',
    ),
    metric(
      'kube_daemonset_status_number_ready',
      'gauge',
      ['namespace', 'daemonset'],
      'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready',
    ),
    metric('kube_job_failed', 'gauge', ['namespace', 'job_name', 'condition'], 'The job has failed its execution'),
    metric(
      'kube_persistentvolumeclaim_status_phase',
      'gauge',
      ['namespace', 'persistentvolumeclaim', 'phase'],
      'The phase the persistent volume claim is currently in',
    ),
  ],
};
