import { metric, MetricCatalog } from './types';

/**
 * The labels the span metrics connector gives every series, besides the configured dimensions; not
 * the service or the counting replica, which are the series' `job` and `instance` already.
 */
const SPAN = ['span_name', 'span_kind', 'status_code'];

/**
 * The request and duration metrics the gateway derives from every span it receives, before tail
 * sampling (`collector.spanMetrics`, connector/spanmetricsconnector 0.159): per service (`job`), span name, kind
 * (`SPAN_KIND_SERVER`, ...), status (`STATUS_CODE_OK`, `STATUS_CODE_ERROR`, `STATUS_CODE_UNSET`)
 * and each configured span attribute. Past the cardinality limit a service's new label sets add to one
 * series labelled `otel_metric_overflow="true"` instead. They arrive through the gateway's exporter
 * with `job` (the service), `instance` (the gateway replica that counted them: each counts the spans
 * it received, so sum over instances), `namespace` (the service's) and the connector as their meter;
 * no `pod`. test/e2e/genai.test.ts holds names, labels, values and the overflow to the real collector's.
 */
export function spanMetricsCatalog(dimensions: readonly string[]): MetricCatalog {
  // A dimension the span lacks is no label; the overflow series has none of the span's labels, only its own.
  const optionalLabels = [...dimensions.map((d) => d.replace(/[^a-zA-Z0-9_]/g, '_')), 'otel_metric_overflow'];
  const labels = [...SPAN, ...optionalLabels];
  return {
    name: 'span-metrics',
    source: "the gateway's span metrics connector (collector 0.159), counting spans before tail sampling",
    delivery: 'span-metrics',
    metrics: [
      metric('traces_span_metrics_calls_total', 'counter', labels, 'Spans received, by their labels', {
        optionalLabels,
      }),
      metric('traces_span_metrics_duration_seconds', 'histogram', labels, 'Span durations, by their labels', {
        optionalLabels,
      }),
    ],
  };
}
