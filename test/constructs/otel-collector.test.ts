import * as yaml from 'js-yaml';
import { CollectorConfigFile } from '../../constructs/otel-collector';
import { configMapData, find, PROFILE_CONFIGS, synthStack } from '../helpers';
import { fileYaml, podSpec } from './snapshot';

describe('OtelCollector', () => {
  const { files } = synthStack(PROFILE_CONFIGS.dev);
  const config = yaml.load(configMapData(files['otel-collector'], 'otel-collector', 'config.yaml')) as CollectorConfigFile;

  test('defaults', () => {
    expect(fileYaml(files['otel-collector'])).toMatchSnapshot();
  });

  test('runs memory_limiter first in every pipeline', () => {
    const pipelines = Object.values(config.service.pipelines);
    expect(pipelines).toHaveLength(3);
    for (const p of pipelines) expect(p.processors[0]).toBe('memory_limiter');
  });

  test('sends traces to Jaeger over OTLP and logs to Logstash as OTLP/JSON, addressed by their Services', () => {
    expect(config.exporters['otlp_grpc/jaeger']).toMatchObject({ endpoint: 'jaeger.observability.svc:4317' });
    expect(config.exporters['otlp_http/logstash']).toMatchObject({ logs_endpoint: 'http://logstash.observability.svc:8080', encoding: 'json' });
  });

  test('probes the health_check extension', () => {
    const container = podSpec(find(files['otel-collector'], 'Deployment', 'otel-collector')).containers[0];
    expect(container.readinessProbe.httpGet.port).toBe('health');
    expect(config.extensions.health_check).toEqual({ endpoint: '0.0.0.0:13133' });
  });
});
