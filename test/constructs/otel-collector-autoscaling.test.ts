import * as path from 'path';
import * as yaml from 'js-yaml';
import { CollectorConfigFile } from '../../constructs/otel-config';
import { loadConfig } from '../../src/config/loader';
import { configMapData, configProblems, find, KubeObject, synthStack } from '../helpers';

const example = loadConfig(path.resolve(__dirname, '../../examples/autoscaling/agent-o11y.yaml'));

describe('OtelCollector with collector.autoscaling (examples/autoscaling)', () => {
  const objects = synthStack(example).files['otel-collector'];
  const statefulSet = find(objects, 'StatefulSet', 'otel-collector') as KubeObject & { spec: Record<string, unknown> };
  const hpa = find(objects, 'HorizontalPodAutoscaler', 'otel-collector') as KubeObject & {
    apiVersion: string;
    spec: Record<string, unknown>;
  };
  const gateway = yaml.load(configMapData(objects, 'otel-collector', 'config.yaml')) as CollectorConfigFile;

  test('leaves the replica count to an autoscaling/v2 HPA of the gateway StatefulSet, within the config bounds', () => {
    expect(statefulSet.spec.replicas).toBeUndefined();
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec).toMatchObject({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'StatefulSet', name: statefulSet.metadata.name },
      minReplicas: 3,
      maxReplicas: 10,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
        { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } },
      ],
    });
  });

  test('scales down one replica at a time after ten minutes of low use', () => {
    expect(hpa.spec.behavior).toMatchObject({
      scaleDown: { stabilizationWindowSeconds: 600, policies: [{ type: 'Pods', value: 1, periodSeconds: 300 }] },
    });
  });

  test('routes traces by trace ID through the ready-only sampling Service at every size, and keeps a disruption budget', () => {
    expect(gateway.exporters.load_balancing).toBeDefined();
    const sampling = find(objects, 'Service', 'otel-collector-sampling') as KubeObject & {
      spec: Record<string, unknown>;
    };
    expect(sampling.spec.clusterIP).toBe('None');
    expect(sampling.spec.publishNotReadyAddresses).toBeUndefined();
    expect(find(objects, 'PodDisruptionBudget', 'otel-collector')).toBeDefined();
  });

  test("closes agents' gRPC connections every 2 minutes, so replicas added later get their share", () => {
    expect(gateway.receivers.otlp).toMatchObject({
      protocols: { grpc: { keepalive: { server_parameters: { max_connection_age: '2m' } } } },
    });
  });

  test('renders no HPA and the fixed replica count when autoscaling is off', () => {
    const off = synthStack({
      ...example,
      collector: { ...example.collector, autoscaling: { ...example.collector.autoscaling, enabled: false } },
    }).files['otel-collector'];
    expect(off.filter((o) => o.kind === 'HorizontalPodAutoscaler')).toEqual([]);
    expect(
      (find(off, 'StatefulSet', 'otel-collector') as KubeObject & { spec: { replicas: number } }).spec.replicas,
    ).toBe(3);
  });

  test('fails with a floor of 1 replica, which would render no trace-ID routing', () => {
    expect(configProblems({ collector: { autoscaling: { enabled: true, minReplicas: 1 } } })).toEqual([
      expect.stringMatching(/^\/collector\/autoscaling\/minReplicas: must be 2 or more: .* got 1$/),
    ]);
  });

  test('fails with a ceiling not above the floor', () => {
    expect(configProblems({ collector: { autoscaling: { enabled: true, minReplicas: 4, maxReplicas: 4 } } })).toEqual([
      '/collector/autoscaling/maxReplicas: must be more than minReplicas (4), got 4',
    ]);
  });
});
