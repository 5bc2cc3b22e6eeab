import type { StackConfig } from '../src/config';
import { alert, percent } from './helpers';
import { RuleGroup } from './types';
import { CLUSTER_JOBS, COMPONENTS, SNAPSHOT_REPOSITORY, THANOS_SIDECAR_JOB } from '../src/lib/names';

/**
 * The cluster the stack runs in, from the sources the config scrapes: the nodes (node-exporter), the
 * pods, workloads, jobs and nodes' conditions (kube-state-metrics), the volumes (the kubelets), the
 * certificates (cert-manager), the stack's Elasticsearch (its exporter), Logstash (its json_exporter sidecar) and Prometheus' backup (its Thanos sidecar). The alerts follow the Kubernetes monitoring mixins' where those exist,
 * with the config's thresholds. A source that is not scraped takes its alerts with it.
 */
export function clusterRules(config: StackConfig): RuleGroup[] {
  return [
    ...(config.nodeExporter.enabled ? [nodeRules(config)] : []),
    ...(config.kubeStateMetrics.enabled ? [kubernetesRules()] : []),
    ...(config.kubelet.enabled ? [volumeRules(config)] : []),
    ...(config.pki.scrapeCertManager ? [certificateRules(config)] : []),
    ...(config.elasticsearchExporter.enabled ? [elasticsearchRules(config)] : []),
    // Logstash is always deployed, and its json_exporter sidecar with it.
    logstashRules(),
    ...(config.prometheus.backup.enabled ? [prometheusBackupRules(config)] : []),
  ];
}

/**
 * Prometheus' backup, from the Thanos sidecar that uploads its blocks (`prometheus.backup`): the newest
 * block in the bucket too old (seed 000 §18.4's snapshot age), and the bucket refusing operations.
 */
function prometheusBackupRules(config: StackConfig): RuleGroup {
  const job = `job="${THANOS_SIDECAR_JOB}"`;
  const maxAge = config.alerts.stack.prometheusBackupMaxAgeHours;
  return {
    name: 'prometheus_backup',
    rules: [
      alert({
        alert: 'PrometheusBackupTooOld',
        // The upload time is 0 until a sidecar's first upload: one that started less than maxAge ago
        // has not had the time to upload (Prometheus writes its first block 2 to 3 hours after start).
        expr: `(time() - max by (namespace, pod) (thanos_objstore_bucket_last_successful_upload_time{${job}}) > ${maxAge} * 3600) and on (namespace, pod) (time() - max by (namespace, pod) (process_start_time_seconds{${job}}) > ${maxAge} * 3600)`,
        for: '15m',
        labels: { severity: 'warning' },
        annotations: {
          summary: "Prometheus' newest backup is too old",
          description: `The Thanos sidecar of {{ $labels.pod }} last uploaded a block {{ $value | humanizeDuration }} ago (threshold ${maxAge} hours; Prometheus writes one every 2 hours): what Prometheus stored since is only on its volume, and lost with it.`,
        },
      }),
      alert({
        alert: 'PrometheusBackupUploadFailing',
        expr: `sum by (namespace, pod, operation) (increase(thanos_objstore_bucket_operation_failures_total{${job}}[5m])) > 0`,
        for: '15m',
        labels: { severity: 'warning' },
        annotations: {
          summary: "Prometheus' backup bucket refuses operations",
          description:
            "The Thanos sidecar of {{ $labels.pod }} has had its bucket's {{ $labels.operation }} operations fail for 15 minutes ({{ $value | humanize }} in the last 5 minutes): the credentials, the bucket's policy or the endpoint are wrong, or the bucket cannot be reached; blocks wait on the volume until it works.",
        },
      }),
    ],
  };
}

/**
 * Logstash's pipelines, from its json_exporter sidecar (Logstash's `/_node/stats/pipelines`): a
 * dead-letter queue that keeps growing (Elasticsearch rejects documents) and a pipeline that takes
 * events in but sends none out.
 */
function logstashRules(): RuleGroup {
  const job = `job="${COMPONENTS.logstash}"`;
  return {
    name: 'logstash',
    rules: [
      alert({
        alert: 'LogstashDeadLetterQueueGrowing',
        expr: `delta(logstash_pipeline_dead_letter_queue_size_bytes{${job}}[15m]) > 0`,
        for: '15m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'Logstash pipeline {{ $labels.pipeline }} is dead-lettering events',
          description:
            'The dead-letter queue of Logstash pipeline {{ $labels.pipeline }} on {{ $labels.pod }} has grown by {{ $value | humanize1024 }}B in 15 minutes, for 15 minutes: Elasticsearch rejects documents (a mapping conflict, a closed or read-only index), and those logs are kept out of search until replayed; when the queue is full Logstash drops them.',
        },
      }),
      alert({
        alert: 'LogstashPipelineStalled',
        expr: `increase(logstash_pipeline_events_in_total{${job}}[10m]) > 0 and increase(logstash_pipeline_events_out_total{${job}}[10m]) == 0`,
        for: '10m',
        labels: { severity: 'critical' },
        annotations: {
          summary: 'Logstash pipeline {{ $labels.pipeline }} sends nothing out',
          description:
            'Logstash pipeline {{ $labels.pipeline }} on {{ $labels.pod }} has taken events in but sent none out for 10 minutes: its output (Elasticsearch) blocks or its workers hang, and the persistent queue is filling; once it is full the collector can no longer deliver logs.',
        },
      }),
    ],
  };
}

/** The nodes, from node-exporter (as the monitoring mixins' node alerts, with the config's thresholds). */
function nodeRules(config: StackConfig): RuleGroup {
  const t = config.alerts.stack;
  const job = `job="${COMPONENTS.nodeExporter}"`;
  // Real disks only: the exporter already leaves out pseudo and container filesystems.
  const fs = `${job}, fstype!=""`;
  return {
    name: 'nodes',
    rules: [
      alert({
        alert: 'NodeMemoryHighUtilization',
        expr: `1 - node_memory_MemAvailable_bytes{${job}} / node_memory_MemTotal_bytes{${job}} > ${t.nodeMemoryRatio}`,
        for: '15m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'Node {{ $labels.node }} is running out of memory',
          description: `Node {{ $labels.node }} has used {{ $value | humanizePercentage }} of its memory for 15 minutes (threshold ${percent(t.nodeMemoryRatio)}); the kernel will soon evict pods or kill processes.`,
        },
      }),
      alert({
        alert: 'NodeFilesystemAlmostFull',
        expr:
          `node_filesystem_avail_bytes{${fs}} / node_filesystem_size_bytes{${fs}} < ${t.nodeFilesystemFreeRatio}\n` +
          `and\nnode_filesystem_readonly{${fs}} == 0`,
        for: '30m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'Filesystem {{ $labels.mountpoint }} on node {{ $labels.node }} is almost full',
          description: `Filesystem {{ $labels.mountpoint }} ({{ $labels.device }}) on node {{ $labels.node }} has {{ $value | humanizePercentage }} of its space left (threshold ${percent(t.nodeFilesystemFreeRatio)}).`,
        },
      }),
    ],
  };
}

/** Pods, workloads, jobs and nodes' conditions, from kube-state-metrics. */
function kubernetesRules(): RuleGroup {
  const job = `job="${COMPONENTS.kubeStateMetrics}"`;
  return {
    name: 'kubernetes',
    rules: [
      alert({
        alert: 'KubePodCrashLooping',
        expr: `max_over_time(kube_pod_container_status_waiting_reason{${job}, reason="CrashLoopBackOff"}[5m]) >= 1`,
        for: '15m',
        labels: { severity: 'warning' },
        annotations: {
          summary:
            'Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} is crash looping',
          description:
            'Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} has been waiting in CrashLoopBackOff for 15 minutes: it keeps exiting and the kubelet keeps restarting it.',
        },
      }),
      alert({
        alert: 'KubePodNotReady',
        // Pods of Jobs left out: a finished or failed Job's pod is not meant to be ready.
        expr:
          `sum by (namespace, pod) (\n  max by (namespace, pod) (kube_pod_status_phase{${job}, phase=~"Pending|Unknown|Failed"})\n` +
          `  * on (namespace, pod) group_left (owner_kind)\n` +
          `  topk by (namespace, pod) (1, max by (namespace, pod, owner_kind) (kube_pod_owner{${job}, owner_kind!="Job"}))\n) > 0`,
        for: '15m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'Pod {{ $labels.namespace }}/{{ $labels.pod }} is not ready',
          description:
            'Pod {{ $labels.namespace }}/{{ $labels.pod }} has been Pending, Failed or Unknown for 15 minutes.',
        },
      }),
      alert({
        alert: 'KubeDeploymentReplicasMismatch',
        expr: `kube_deployment_spec_replicas{${job}} > kube_deployment_status_replicas_available{${job}}`,
        for: '15m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'Deployment {{ $labels.namespace }}/{{ $labels.deployment }} is missing replicas',
          description:
            'Deployment {{ $labels.namespace }}/{{ $labels.deployment }} has had fewer available replicas than it asks for during 15 minutes.',
        },
      }),
      alert({
        alert: 'KubeStatefulSetReplicasMismatch',
        expr: `kube_statefulset_replicas{${job}} > kube_statefulset_status_replicas_ready{${job}}`,
        for: '15m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'StatefulSet {{ $labels.namespace }}/{{ $labels.statefulset }} is missing replicas',
          description:
            'StatefulSet {{ $labels.namespace }}/{{ $labels.statefulset }} has had fewer ready replicas than it asks for during 15 minutes.',
        },
      }),
      alert({
        alert: 'KubeDaemonSetNotReady',
        expr: `kube_daemonset_status_desired_number_scheduled{${job}} - kube_daemonset_status_number_ready{${job}} > 0`,
        for: '15m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'DaemonSet {{ $labels.namespace }}/{{ $labels.daemonset }} is not ready on every node',
          description:
            'DaemonSet {{ $labels.namespace }}/{{ $labels.daemonset }} has had {{ $value }} fewer ready pods than nodes to run on during 15 minutes.',
        },
      }),
      alert({
        alert: 'KubeJobFailed',
        expr: `kube_job_failed{${job}, condition="true"} > 0`,
        for: '15m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'Job {{ $labels.namespace }}/{{ $labels.job_name }} failed',
          description:
            'Job {{ $labels.namespace }}/{{ $labels.job_name }} failed and has not been removed for 15 minutes (the Elasticsearch bootstrap and the Jaeger index cleaner among them).',
        },
      }),
      alert({
        alert: 'KubePersistentVolumeClaimPending',
        expr: `kube_persistentvolumeclaim_status_phase{${job}, phase="Pending"} == 1`,
        for: '15m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'Volume claim {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is not bound',
          description:
            'Volume claim {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} has been Pending for 15 minutes: no volume matches it or its storage class cannot provision one.',
        },
      }),
      alert({
        alert: 'KubeNodeNotReady',
        expr: `kube_node_status_condition{${job}, condition="Ready", status="true"} == 0`,
        for: '15m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'Node {{ $labels.node }} is not ready',
          description: 'Node {{ $labels.node }} has not been Ready for 15 minutes; its pods are not being run.',
        },
      }),
      alert({
        alert: 'KubeNodePressure',
        expr: `kube_node_status_condition{${job}, condition=~"MemoryPressure|DiskPressure|PIDPressure", status="true"} == 1`,
        for: '5m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'Node {{ $labels.node }} reports {{ $labels.condition }}',
          description:
            'Node {{ $labels.node }} has reported {{ $labels.condition }} for 5 minutes: the kubelet is evicting pods or refusing new ones.',
        },
      }),
    ],
  };
}

/** Volumes filling, from the kubelets' volume stats (as the mixins' KubePersistentVolumeFillingUp). */
function volumeRules(config: StackConfig): RuleGroup {
  const t = config.alerts.stack;
  const job = `job="${CLUSTER_JOBS.kubelet}"`;
  const free = `kubelet_volume_stats_available_bytes{${job}}\n/\nkubelet_volume_stats_capacity_bytes{${job}}`;
  const annotations = (when: string) => ({
    summary: 'Volume {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is filling up',
    description: `Volume claim {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} on node {{ $labels.node }} has {{ $value | humanizePercentage }} of its space left${when}.`,
  });
  return {
    name: 'volumes',
    rules: [
      alert({
        alert: 'KubePersistentVolumeFillingUp',
        expr: `${free}\n< ${t.volumeFreeRatio}`,
        for: '1m',
        labels: { severity: 'critical' },
        annotations: annotations(` (threshold ${percent(t.volumeFreeRatio)})`),
      }),
      alert({
        alert: 'KubePersistentVolumeFillingUp',
        expr:
          `(\n${free}\n) < ${t.volumeFillingFreeRatio}\nand\n` +
          `predict_linear(kubelet_volume_stats_available_bytes{${job}}[6h], 4 * 24 * 3600) < 0`,
        for: '1h',
        labels: { severity: 'warning' },
        annotations: annotations(
          ` (threshold ${percent(t.volumeFillingFreeRatio)}) and, at the last 6 hours' rate, will be full within 4 days`,
        ),
      }),
    ],
  };
}

/** The certificates cert-manager manages (the stack's mTLS certificates among them). */
function certificateRules(config: StackConfig): RuleGroup {
  const days = config.alerts.stack.certificateExpiryDays;
  const job = `job="${CLUSTER_JOBS.certManager}"`;
  return {
    name: 'certificates',
    rules: [
      alert({
        alert: 'CertificateExpiringSoon',
        expr: `certmanager_certificate_expiration_timestamp_seconds{${job}} - time() < ${days} * 86400`,
        for: '1h',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'Certificate {{ $labels.namespace }}/{{ $labels.name }} expires soon',
          description: `Certificate {{ $labels.namespace }}/{{ $labels.name }} (issuer {{ $labels.issuer_name }}) expires in {{ $value | humanizeDuration }} (threshold ${days} days): cert-manager has not renewed it.`,
        },
      }),
      alert({
        alert: 'CertificateNotReady',
        expr: `max by (namespace, name) (certmanager_certificate_ready_status{${job}, condition=~"False|Unknown"}) == 1`,
        for: '10m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'Certificate {{ $labels.namespace }}/{{ $labels.name }} is not ready',
          description:
            'Certificate {{ $labels.namespace }}/{{ $labels.name }} has not been Ready for 10 minutes: cert-manager cannot issue or renew it.',
        },
      }),
    ],
  };
}

/**
 * The stack's Elasticsearch, from the elasticsearch_exporter: cluster health, unassigned shards, disks
 * against the high watermark, ILM errors, the exporter's own failures and, where a repository is
 * configured (`retention.snapshots`), the snapshots of the stack's repository.
 */
function elasticsearchRules(config: StackConfig): RuleGroup {
  const t = config.alerts.stack;
  const job = `job="${COMPONENTS.elasticsearchExporter}"`;
  // The exporter's `cluster` is Elasticsearch's cluster name, one per stack. Left on an alert it would
  // stand in for Prometheus' external label `cluster` (the Kubernetes cluster), which routing groups by.
  const withoutEsCluster = (expr: string) => `max without (cluster) (${expr})`;
  const repository = `${job}, repository="${SNAPSHOT_REPOSITORY}"`;
  const maxAge = t.elasticsearchSnapshotMaxAgeHours;
  return {
    name: 'elasticsearch',
    rules: [
      alert({
        alert: 'ElasticsearchClusterRed',
        expr: `${withoutEsCluster(`elasticsearch_cluster_health_status{${job}, color="red"}`)} == 1`,
        for: '5m',
        labels: { severity: 'critical' },
        annotations: {
          summary: 'Elasticsearch is red',
          description:
            'Elasticsearch has reported red for 5 minutes: a primary shard is unassigned, so some logs or spans can be neither searched nor written.',
        },
      }),
      alert({
        alert: 'ElasticsearchClusterYellow',
        expr: `${withoutEsCluster(`elasticsearch_cluster_health_status{${job}, color="yellow"}`)} == 1`,
        for: '20m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'Elasticsearch is yellow',
          description:
            'Elasticsearch has reported yellow for 20 minutes: a replica shard is unassigned, so losing one more node would lose data.',
        },
      }),
      alert({
        alert: 'ElasticsearchUnassignedShards',
        expr: `${withoutEsCluster(`elasticsearch_cluster_health_unassigned_shards{${job}}`)} > 0`,
        for: '15m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'Elasticsearch has unassigned shards',
          description:
            'Elasticsearch has had {{ $value }} unassigned shards for 15 minutes: no node will take them (a node gone, a disk over the high watermark, or more replicas asked for than there are nodes for).',
        },
      }),
      alert({
        alert: 'ElasticsearchDiskWatermarkHigh',
        expr: `${withoutEsCluster(
          `1 - elasticsearch_filesystem_data_available_bytes{${job}} / elasticsearch_filesystem_data_size_bytes{${job}}`,
        )} > ${t.elasticsearchDiskUsedRatio}`,
        for: '5m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'Elasticsearch node {{ $labels.name }} is over the high disk watermark',
          description: `Elasticsearch node {{ $labels.name }} has used {{ $value | humanizePercentage }} of its data path {{ $labels.path }} for 5 minutes (threshold ${percent(t.elasticsearchDiskUsedRatio)}, the high watermark): Elasticsearch moves shards off it, and at 95% makes every index with a shard there read-only.`,
        },
      }),
      alert({
        alert: 'ElasticsearchIlmErrors',
        // ILM retries a step it may retry every 10 minutes (indices.lifecycle.poll_interval), leaving ERROR
        // for a moment each time: an index seen in ERROR in every 10 minutes is still failing.
        expr: `max_over_time(elasticsearch_ilm_index_status{${job}, step="ERROR"}[10m]) == 1`,
        for: '15m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'ILM fails on index {{ $labels.index }}',
          description:
            'Index lifecycle management has failed on index {{ $labels.index }} ({{ $labels.phase }} phase, {{ $labels.action }} action) for 15 minutes: the index is not rolled over, shrunk or deleted until the cause is fixed and the step retried.',
        },
      }),
      alert({
        alert: 'ElasticsearchExporterFailing',
        expr: `elasticsearch_scrape_success{${job}} == 0`,
        for: '15m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'The Elasticsearch exporter cannot read Elasticsearch',
          description:
            "The Elasticsearch exporter's {{ $labels.collector }} collector has failed for 15 minutes: Elasticsearch is unreachable, refuses the exporter's user, or its certificate does not verify; the Elasticsearch alerts cannot fire meanwhile.",
        },
      }),
      ...(config.retention.snapshots.enabled
        ? [
            alert({
              alert: 'ElasticsearchSnapshotFailed',
              expr: `elasticsearch_snapshot_stats_snapshot_failed_shards{${repository}, state=~"FAILED|PARTIAL"}`,
              for: '5m',
              labels: { severity: 'warning' },
              annotations: {
                summary: 'The latest Elasticsearch snapshot failed',
                description:
                  'The latest snapshot in repository {{ $labels.repository }} ended {{ $labels.state }} with {{ $value }} failed shards: what it missed is not backed up until a later snapshot succeeds.',
              },
            }),
            alert({
              alert: 'ElasticsearchSnapshotTooOld',
              expr: `time() - elasticsearch_snapshot_stats_latest_snapshot_timestamp_seconds{${repository}} > ${maxAge} * 3600`,
              for: '15m',
              labels: { severity: 'warning' },
              annotations: {
                summary: 'The last good Elasticsearch snapshot is too old',
                description: `The last successful snapshot in repository {{ $labels.repository }} started {{ $value | humanizeDuration }} ago (threshold ${maxAge} hours; a repository without one counts from 1970): logs and spans written since are not backed up.`,
              },
            }),
          ]
        : []),
    ],
  };
}
