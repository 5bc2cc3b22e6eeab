import { LOGSTASH_PIPELINE_METRICS } from '../../src/lib/logstash-metrics';
import { metric, MetricCatalog } from './types';

/**
 * What the json_exporter sidecar of Logstash (src/lib/logstash-metrics.ts) exports from Logstash's
 * `GET /_node/stats/pipelines`: per pipeline (label `pipeline`), its events in, filtered and out, its
 * persistent queue and its dead-letter queue. Its job (`logstash`) gives each series the Logstash pod's
 * `namespace` and `pod`; the real binary's output is held to these names and labels in
 * test/e2e/logstash-metrics.test.ts. Logstash is always deployed, so this catalogue is always active.
 */
export const LOGSTASH: MetricCatalog = {
  name: 'logstash',
  source: "json_exporter 0.7 sidecar reading Logstash 9's node stats API (/_node/stats/pipelines)",
  delivery: 'scrape',
  metrics: LOGSTASH_PIPELINE_METRICS.map((m) => metric(m.name, m.type, ['pipeline'], m.help)),
};
