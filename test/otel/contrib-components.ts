/**
 * Component types of the OpenTelemetry Collector contrib distribution that this project renders or
 * may reasonably render, as named in the pinned release. Data, not logic: when the image in
 * src/lib/images.ts moves, re-check this list against that release's `otelcol-contrib components`
 * output and changelog, then change `version`; a test fails while the two disagree.
 *
 * This is a checked subset of the distribution (the components a telemetry agent and gateway
 * use), not all ~200 of them: a name missing here is a prompt to verify it and add it.
 *
 * Since 0.14x, contrib renames components to lower_snake_case and keeps the old type as a
 * deprecated alias (tracking issue open-telemetry/opentelemetry-collector-contrib#45339). Aliases
 * still load but log a warning and will be removed, so the checker rejects them.
 */
export type ComponentKind = 'receivers' | 'processors' | 'exporters' | 'extensions' | 'connectors';

export const CONTRIB: { version: string; types: Record<ComponentKind, readonly string[]>; deprecated: Record<ComponentKind, Record<string, string>> } = {
  version: '0.162.0',
  types: {
    receivers: [
      'otlp',
      'file_log', // was `filelog` (contrib#46750)
      'kubelet_stats', // was `kubeletstats` (contrib#47957)
      'prometheus',
    ],
    processors: [
      'memory_limiter',
      'batch',
      'resource',
      'attributes',
      'transform',
      'filter',
      'redaction',
      'tail_sampling',
      'probabilistic_sampler',
      'k8s_attributes', // was `k8sattributes` (contrib#45901)
    ],
    exporters: [
      'otlp_grpc', // was `otlp` (core#14403)
      'otlp_http', // was `otlphttp` (core#14397)
      'debug',
      'prometheus',
      'load_balancing', // was `loadbalancing` (contrib#48533)
    ],
    extensions: ['health_check', 'file_storage'],
    connectors: ['forward'],
  },
  /** Old type names: deprecated aliases that still load with a warning, or removed components. */
  deprecated: {
    receivers: { filelog: 'file_log', kubeletstats: 'kubelet_stats' },
    processors: { k8sattributes: 'k8s_attributes' },
    exporters: {
      otlp: 'otlp_grpc',
      otlphttp: 'otlp_http',
      loadbalancing: 'load_balancing',
      jaeger: 'otlp_grpc (the jaeger exporter was removed)',
      logging: 'debug (the logging exporter was removed)',
    },
    extensions: {},
    connectors: {},
  },
};
