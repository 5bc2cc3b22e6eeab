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
  | 'scrape'
  /**
   * An exporter of the cluster's objects (kube-state-metrics, the kubelet, cert-manager): its job honours
   * the series' own `namespace` and `pod`, which name the object described, not the exporter's pod.
   */
  | 'exporter'
  /** The kubelet and its cAdvisor, scraped on each node: the series' own `namespace` and `pod`, and the node's name. */
  | 'kubelet'
  /**
   * The gateway's span metrics, through its exporter (the `agents` job): the span's service as `job`,
   * the gateway replica that counted as `instance`, the service's `namespace`, the connector as meter.
   */
  | 'span-metrics'
  /** A recording rule of the stack's packs: exactly the labels its rule gives it. */
  | 'recorded';

/**
 * The resource attributes the gateway copies onto each data point of an app's metrics by default
 * (`collector.resourceLabels`, constructs/otel-collector.ts): the app's namespace and pod, which the
 * agent's k8s_attributes added, under the names the scrape jobs give pods' series. They are what the
 * alert packs and dashboards select and group by besides `job` and `instance`.
 */
export const APP_METRIC_LABELS = { namespace: 'k8s.namespace.name', pod: 'k8s.pod.name' } as const;

/**
 * The labels an app's OpenTelemetry metric carries besides its own when the gateway copies
 * `resourceLabels` (label name → resource attribute) onto its data points: the exporter's job and
 * instance (from service.name and service.instance.id; the job honours them), those labels, and the
 * name of the meter that recorded it.
 */
export function otlpLabels(resourceLabels: Readonly<Record<string, string>>): string[] {
  return ['job', 'instance', ...Object.keys(resourceLabels), 'otel_scope_name'];
}

/** The labels each way of delivery adds to a series, besides its metric's own (with the default resource labels). */
export const DELIVERY_LABELS: Readonly<Record<Delivery, readonly string[]>> = {
  // The app's namespace and pod among the defaults.
  otlp: otlpLabels(APP_METRIC_LABELS),
  // The job, the target's address, and the pod's namespace and name. The `kubernetes-pods` job adds the
  // pod's own labels as well (its labelmap), so it is `job="kubernetes-pods"` plus these plus those.
  scrape: ['job', 'instance', 'namespace', 'pod'],
  // The job and the target's address.
  exporter: ['job', 'instance'],
  kubelet: ['job', 'instance', 'node'],
  'span-metrics': ['job', 'instance', 'namespace', 'otel_scope_name'],
  recorded: [],
};

/** Whether a series arrives through the gateway's exporter (the `agents` job), whose scrape limits are that job's. */
export function viaGateway(delivery: Delivery): boolean {
  return delivery === 'otlp' || delivery === 'span-metrics';
}

/** The labels each way of delivery adds, with the gateway copying `resourceLabels` (collector.resourceLabels). */
export function deliveryLabels(
  resourceLabels: Readonly<Record<string, string>>,
): Readonly<Record<Delivery, readonly string[]>> {
  return { ...DELIVERY_LABELS, otlp: otlpLabels(resourceLabels) };
}
