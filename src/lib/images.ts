/**
 * Every container image the stack runs, pinned to a release tag. One place, so an upgrade is a
 * one-line diff that CI validates. The collector, Prometheus, Alertmanager, Jaeger, node-exporter, kube-state-metrics
 * elasticsearch-exporter, json-exporter and thanos tags are the versions of the binaries the tests judge with (the go.mod of each
 * test/judges module; a test keeps them equal); see docs/deploying.md, "Pinned versions", for why each is the one it is.
 */
export const IMAGES = {
  collector: 'otel/opentelemetry-collector-contrib:0.159.0',
  prometheus: 'quay.io/prometheus/prometheus:v3.13.5',
  alertmanager: 'quay.io/prometheus/alertmanager:v0.35.0',
  grafana: 'docker.io/grafana/grafana:12.4.3',
  jaeger: 'docker.io/jaegertracing/jaeger:2.13.0',
  nodeExporter: 'quay.io/prometheus/node-exporter:v1.12.1',
  kubeStateMetrics: 'registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.15.0',
  elasticsearchExporter: 'quay.io/prometheuscommunity/elasticsearch-exporter:v1.10.0',
  jsonExporter: 'quay.io/prometheuscommunity/json-exporter:v0.7.0',
  thanos: 'quay.io/thanos/thanos:v0.42.4',
  elasticsearch: 'docker.elastic.co/elasticsearch/elasticsearch:9.5.4',
  logstash: 'docker.elastic.co/logstash/logstash:9.5.4',
  kibana: 'docker.elastic.co/kibana/kibana:9.5.4',
} as const;
