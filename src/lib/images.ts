/**
 * Every container image the stack runs, pinned to a release tag. One place, so an upgrade is a
 * one-line diff that CI validates. Versions were the newest releases on 2026-11-22 that the
 * stack's configs were checked against (see README, "Pinned versions").
 */
export const IMAGES = {
  collector: 'otel/opentelemetry-collector-contrib:0.162.0',
  prometheus: 'quay.io/prometheus/prometheus:v3.13.4',
  alertmanager: 'quay.io/prometheus/alertmanager:v0.28.1',
  grafana: 'docker.io/grafana/grafana:12.4.3',
  jaeger: 'docker.io/jaegertracing/jaeger:2.22.0',
  elasticsearch: 'docker.elastic.co/elasticsearch/elasticsearch:9.5.4',
  logstash: 'docker.elastic.co/logstash/logstash:9.5.4',
  kibana: 'docker.elastic.co/kibana/kibana:9.5.4',
} as const;
