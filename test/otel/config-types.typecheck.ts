import type { ElasticsearchSettings } from '../../constructs/elastic-settings';
import type { CollectorConfigFile, Exporters, Processors, Receivers } from '../../constructs/otel-config';

// Not a jest test: `tsc -p tsconfig.test.json` (part of npm test) fails unless each line marked
// with an expect-error directive is an error, so this file proves the typed model catches what only
// `otelcol validate` caught before: a misspelt key, an unknown component type, a policy's settings
// under the wrong key, a pipeline naming a component id that cannot exist.
export const misspelt: Exporters = {
  // @ts-expect-error `endpont` is not a key of an OTLP exporter
  'otlp_grpc/jaeger': { endpont: 'jaeger:4317', tls: { insecure: true } },
};
// @ts-expect-error `otlp_grcp` is no exporter type the stack uses
export const unknownType: Exporters = { 'otlp_grcp/jaeger': { endpoint: 'jaeger:4317', tls: { insecure: true } } };
export const badPolicy: Processors = {
  tail_sampling: {
    decision_wait: '10s',
    num_traces: 1,
    // @ts-expect-error a probabilistic policy's settings are under `probabilistic`
    policies: [{ name: 'p', type: 'probabilistic', latency: { threshold_ms: 1 } }],
  },
};
export const pipelineToNothing: Pick<CollectorConfigFile['service'], 'pipelines'> = {
  // @ts-expect-error a pipeline names receivers by their ids, and `otpl` is none
  pipelines: { traces: { receivers: ['otpl'], processors: [], exporters: [] } },
};
export const receivers: Receivers = { 'otlp/sampling': { protocols: { grpc: { endpoint: '0.0.0.0:4319' } } } };

// The Elastic settings files, likewise.
// @ts-expect-error `xpack.security.http.ssl.enable` is not a setting (it is `enabled`)
export const esTypo: Partial<ElasticsearchSettings> = { 'xpack.security.http.ssl.enable': true };
