/**
 * The labels a series carries besides its metric's own, decided by how it reaches Prometheus. The
 * metric catalogues (rules/catalog) say how each metric arrives; the promtool tests feed exactly these
 * labels (test/rules/delivery.test.ts), and the real pipeline shows Prometheus storing exactly these
 * (test/e2e/pipeline.test.ts).
 */

/** How a metric reaches Prometheus. */
export type Delivery =
  /** An OpenTelemetry instrument: app → agent → gateway → its Prometheus exporter → the `agents` job. */
  | 'otlp'
  /** A Prometheus client's `/metrics` on a pod: a `scrapeTargets` job, `kubernetes-pods`, or a stack component's job. */
  | 'scrape';

/**
 * Labels the gateway sets on each data point of an app's metrics, from the resource attributes the
 * agent's k8s_attributes added (constructs/otel-collector.ts): the app's namespace and pod, under the
 * names the scrape jobs give pods' series.
 */
export const APP_METRIC_LABELS = { namespace: 'k8s.namespace.name', pod: 'k8s.pod.name' } as const;

/** The labels each way of delivery adds to a series, besides its metric's own. */
export const DELIVERY_LABELS: Readonly<Record<Delivery, readonly string[]>> = {
  // The exporter's job and instance (from service.name and service.instance.id; the job honours them),
  // the app's namespace and pod, and the name of the meter that recorded it.
  otlp: ['job', 'instance', ...Object.keys(APP_METRIC_LABELS), 'otel_scope_name'],
  // The job, the target's address, and the pod's namespace and name. The `kubernetes-pods` job adds the
  // pod's own labels as well (its labelmap), so it is `job="kubernetes-pods"` plus these plus those.
  scrape: ['job', 'instance', 'namespace', 'pod'],
};
