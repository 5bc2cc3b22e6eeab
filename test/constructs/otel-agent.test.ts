import * as yaml from 'js-yaml';
import { configMapData, configProblems, find, PROFILE_CONFIGS, synthStack } from '../helpers';
import { podSpec } from './snapshot';

describe('OtelAgent', () => {
  const { files } = synthStack(PROFILE_CONFIGS.dev);
  const objects = files['otel-agent'];
  const config = yaml.load(configMapData(objects, 'otel-agent', 'config.yaml')) as any;

  test("has a certificate in its own namespace from the stack's ClusterIssuer, and uses it both ways", () => {
    const certificate = find(objects, 'Certificate', 'otel-agent-tls') as any;
    expect(certificate.metadata.namespace).toBe('observability-agent');
    expect(certificate.spec.issuerRef).toEqual({
      group: 'cert-manager.io',
      kind: 'ClusterIssuer',
      name: 'agent-o11y-observability-ca',
    });
    expect(certificate.spec.dnsNames).toContain('otel-agent.observability-agent.svc');
    for (const protocol of ['grpc', 'http'])
      expect(config.receivers.otlp.protocols[protocol].tls.client_ca_file).toBe('/etc/agent-o11y/tls/ca.crt');
    expect(config.exporters['otlp_grpc/gateway'].tls).toMatchObject({
      cert_file: '/etc/agent-o11y/tls/tls.crt',
      key_file: '/etc/agent-o11y/tls/tls.key',
      min_version: '1.3',
    });
  });

  test('runs one pod per node in its own namespace', () => {
    const daemonSet = find(objects, 'DaemonSet', 'otel-agent');
    expect(daemonSet.metadata.namespace).toBe('observability-agent');
    expect(podSpec(daemonSet).tolerations).toEqual([{ operator: 'Exists', effect: 'NoSchedule' }]);
  });

  test("collects container logs with their Kubernetes metadata, but not its own or the gateway's", () => {
    expect(config.receivers.file_log).toMatchObject({
      include: ['/var/log/pods/*/*/*.log'],
      exclude: [
        '/var/log/pods/observability-agent_otel-agent-*/*/*.log',
        '/var/log/pods/observability_otel-collector-*/*/*.log',
      ],
      storage: 'file_storage',
      operators: [{ type: 'container', id: 'container-parser' }],
    });
    expect(config.service.pipelines.logs.receivers).toEqual(['otlp', 'file_log']);
    expect(config.processors.k8s_attributes.filter).toEqual({ node_from_env_var: 'K8S_NODE_NAME' });
  });

  test('takes OTLP from pods on its node and forwards everything to the gateway with a persistent queue', () => {
    const service = find(objects, 'Service', 'otel-agent') as any;
    expect(service.spec.internalTrafficPolicy).toBe('Local');
    expect(service.spec.ports.map((p: any) => p.port)).toEqual([4317, 4318]);
    expect(config.exporters['otlp_grpc/gateway']).toMatchObject({
      endpoint: 'otel-collector.observability.svc:4317',
      sending_queue: { enabled: true, storage: 'file_storage' },
    });
    for (const pipeline of Object.values<any>(config.service.pipelines))
      expect(pipeline.exporters).toEqual(['otlp_grpc/gateway']);
  });

  test("collects node, pod and container metrics from its own node's kubelet", () => {
    expect(config.receivers.kubelet_stats).toMatchObject({
      auth_type: 'serviceAccount',
      endpoint: 'https://${env:K8S_NODE_IP}:10250',
    });
    expect(config.service.pipelines.metrics.receivers).toEqual(['otlp', 'kubelet_stats']);
    const env = podSpec(find(objects, 'DaemonSet', 'otel-agent')).containers[0].env;
    expect(env).toContainEqual({ name: 'K8S_NODE_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } });
  });

  test('is scraped on every node by its own job, in its namespace, at its metrics port', () => {
    const prometheus = yaml.load(configMapData(files.prometheus, 'prometheus', 'prometheus.yml')) as any;
    const job = prometheus.scrape_configs.find((j: any) => j.job_name === 'otel-agent');
    expect(job.kubernetes_sd_configs).toEqual([{ role: 'pod', namespaces: { names: ['observability-agent'] } }]);
    expect(job.relabel_configs.slice(0, 2)).toEqual([
      { source_labels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'], regex: 'otel-agent', action: 'keep' },
      { source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: 'metrics', action: 'keep' },
    ]);
    // Not also by the annotation-driven job.
    expect(
      (find(objects, 'DaemonSet', 'otel-agent') as any).spec.template.metadata.annotations['prometheus.io/scrape'],
    ).toBeUndefined();
  });

  test('may only read pods, namespaces and kubelet stats', () => {
    const role = find(objects, 'ClusterRole', 'observability-agent-otel-agent') as any;
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['pods', 'namespaces'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['nodes/stats'], verbs: ['get'] },
    ]);
    const binding = find(objects, 'ClusterRoleBinding', 'observability-agent-otel-agent') as any;
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'otel-agent', namespace: 'observability-agent' },
    ]);
  });

  test('fails when its namespace is the stack namespace, whose "restricted" policy it cannot meet', () => {
    expect(configProblems({ collector: { agent: { namespace: 'observability' } } })).toEqual([
      '/collector/agent/namespace: must differ from /common/namespace, which enforces the "restricted" Pod Security Standard the agent cannot meet, got "observability"',
    ]);
  });
});
