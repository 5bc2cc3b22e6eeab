import * as path from 'path';
import * as yaml from 'js-yaml';
import { loadConfig, resolveConfig } from '../../src/config/loader';
import { StackConfig } from '../../src/config/types';
import { IMAGES } from '../../src/lib/images';
import { allObjects, PROFILE_CONFIGS } from '../helpers';
import { collectorConfigProblems } from './check-collector-config';
import { CONTRIB } from './contrib-components';

/** Every profile's defaults and every example config in the repository. */
const CONFIGS: Array<[string, StackConfig]> = [
  ...Object.entries(PROFILE_CONFIGS).map(([name, config]): [string, StackConfig] => [`profile ${name}`, config]),
  ['agent-o11y.yaml', loadConfig(path.join(__dirname, '..', '..', 'agent-o11y.yaml'))],
  // The branches the profiles do not take: trace-ID routing in dev, redaction and error sampling off.
  ['dev with 2 replicas and no redaction', resolveConfig({ collector: { replicas: 2, redaction: { enabled: false }, sampling: { keepErrors: false } } })],
  ['production with e-mails removed and no IPv4 rule', resolveConfig({ profile: 'production', collector: { redaction: { emails: 'remove', ipv4: 'keep', pseudonymize: [] } } })],
];

/** Every rendered collector config of a stack: ConfigMaps of components running the pinned contrib image. */
function collectorConfigs(config: StackConfig): Array<[string, Record<string, unknown>]> {
  return allObjects(config)
    .filter((o) => o.kind === 'ConfigMap' && o.metadata.labels?.['app.kubernetes.io/version'] === CONTRIB.version)
    .map((o) => [o.metadata.name, yaml.load((o as unknown as { data: Record<string, string> }).data['config.yaml']) as Record<string, unknown>]);
}

test('the component list is for the pinned collector image', () => {
  expect(IMAGES.collector.split(':').pop()).toBe(CONTRIB.version);
});

describe.each(CONFIGS)('every collector config of %s', (_name, config) => {
  const configs = collectorConfigs(config);

  test('is structurally sound for the pinned contrib release', () => {
    expect(configs.map(([name]) => name).sort()).toEqual(['otel-agent', 'otel-collector']);
    for (const [name, rendered] of configs) expect([name, collectorConfigProblems(rendered)]).toEqual([name, []]);
  });
});

describe('the collector config checker', () => {
  const sound = () => ({
    extensions: { health_check: {}, 'file_storage/queue': { directory: '/q' } },
    receivers: { otlp: {} },
    processors: { memory_limiter: {}, batch: {} },
    exporters: { 'otlp_grpc/out': { sending_queue: { storage: 'file_storage/queue' } } },
    service: {
      extensions: ['health_check', 'file_storage/queue'],
      pipelines: { traces: { receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['otlp_grpc/out'] } },
    },
  });

  test('accepts a sound config', () => {
    expect(collectorConfigProblems(sound())).toEqual([]);
  });

  test('fails a pipeline naming an undefined component, and a defined component no pipeline uses', () => {
    const config = sound();
    config.service.pipelines.traces.exporters = ['otlp_http/missing'];
    expect(collectorConfigProblems(config)).toEqual([
      "service.pipelines.traces.exporters: 'otlp_http/missing' is not defined under exporters",
      'exporters.otlp_grpc/out: defined but used by no pipeline',
    ]);
  });

  test('fails a deprecated or unknown component type', () => {
    const config = sound() as any;
    config.exporters = { otlp: {}, jaeger: {}, nonsense: {} };
    config.service.pipelines.traces.exporters = ['otlp', 'jaeger', 'nonsense'];
    expect(collectorConfigProblems(config)).toEqual([
      `exporters.otlp: 'otlp' is deprecated or removed in contrib ${CONTRIB.version}, use otlp_grpc`,
      `exporters.jaeger: 'jaeger' is deprecated or removed in contrib ${CONTRIB.version}, use otlp_grpc (the jaeger exporter was removed)`,
      `exporters.nonsense: no exporter 'nonsense' in contrib ${CONTRIB.version}`,
    ]);
  });

  test('fails a pipeline that does not start with memory_limiter', () => {
    const config = sound();
    config.service.pipelines.traces.processors = ['batch', 'memory_limiter'];
    expect(collectorConfigProblems(config)).toEqual(['service.pipelines.traces.processors: must start with memory_limiter, got [batch, memory_limiter]']);
  });

  test('fails an extension that is not enabled and a queue on storage that is not defined', () => {
    const config = sound();
    config.service.extensions = ['health_check'];
    config.exporters['otlp_grpc/out'].sending_queue.storage = 'file_storage/other';
    expect(collectorConfigProblems(config)).toEqual([
      'extensions.file_storage/queue: defined but not enabled in service.extensions',
      "exporters.otlp_grpc/out.sending_queue.storage: 'file_storage/other' is not a defined extension",
    ]);
  });
});
