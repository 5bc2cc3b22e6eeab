import { Testing } from 'cdk8s';
import { Grafana } from '../../constructs/grafana';
import * as yaml from 'js-yaml';
import { configMapData, find, PROFILE_CONFIGS, synthStack } from '../helpers';
import { grafanaUrl } from '../../src/lib/names';
import { fileYaml, podSpec } from './snapshot';

describe('Grafana', () => {
  const { files, parts } = synthStack(PROFILE_CONFIGS.dev);
  const datasources = yaml.load(configMapData(files.grafana, 'grafana-datasources', 'datasources.yaml')) as {
    datasources: Array<Record<string, any>>;
  };

  test('presents its client certificate to Prometheus and Jaeger, which require one', () => {
    for (const d of datasources.datasources.filter((x: any) => x.type !== 'elasticsearch') as any[]) {
      expect(d.jsonData).toMatchObject({ tlsAuth: true, tlsAuthWithCACert: true });
      expect(d.secureJsonData).toEqual({
        tlsCACert: '$__file{/etc/agent-o11y/tls/ca.crt}',
        tlsClientCert: '$__file{/etc/agent-o11y/tls/tls.crt}',
        tlsClientKey: '$__file{/etc/agent-o11y/tls/tls.key}',
      });
    }
  });

  test('answers at the URL the alerts link their dashboards under', () => {
    // Prometheus scrapes this port already: asking for its address records no new link.
    expect(parts.grafana!.endpoint(parts.prometheus!, 'http').url()).toBe(
      grafanaUrl(PROFILE_CONFIGS.dev.common.namespace),
    );
  });

  test('provisions Prometheus, Jaeger and Elasticsearch datasources at their Services', () => {
    expect(datasources.datasources.map((d) => [d.type, d.url])).toEqual([
      ['prometheus', 'https://prometheus.observability.svc:9090'],
      ['jaeger', 'https://jaeger.observability.svc:16686'],
      ['elasticsearch', 'https://elasticsearch.observability.svc:9200'],
    ]);
  });

  test('links metric -> trace, trace -> logs and log line -> trace with the keys Grafana 12 reads', () => {
    const byType = (type: string) => datasources.datasources.find((d) => d.type === type)!.jsonData;
    // Prometheus ExemplarTraceIdDestination: the exemplar label holding the trace id, opened in Jaeger.
    expect(byType('prometheus').exemplarTraceIdDestinations).toEqual([{ name: 'trace_id', datasourceUid: 'jaeger' }]);
    // Jaeger TraceToLogsOptionsV2: a Lucene query on the field Logstash writes the trace id to.
    expect(byType('jaeger').tracesToLogsV2).toMatchObject({
      datasourceUid: 'elasticsearch',
      customQuery: true,
      query: 'trace_id:"${__trace.traceId}"',
    });
    // Elasticsearch DataLinkConfig: an internal link (datasourceUid) whose url is the Jaeger query.
    expect(byType('elasticsearch').dataLinks).toEqual([
      { field: 'trace_id', datasourceUid: 'jaeger', url: '${__value.raw}', urlDisplayLabel: 'View trace' },
    ]);
  });

  test('takes admin credentials from the Secret named in config and has no default password', () => {
    const container = podSpec(find(files.grafana, 'Deployment', 'grafana')).containers[0];
    const names = container.env.map((e: any) => e.name);
    expect(names).toContain('GF_SECURITY_ADMIN_PASSWORD__FILE');
    expect(names).not.toContain('GF_SECURITY_ADMIN_PASSWORD');
    const volumes = podSpec(find(files.grafana, 'Deployment', 'grafana')).volumes!;
    expect(volumes.find((v) => v.name === 'admin')!.secret.secretName).toBe('grafana-admin');
    expect(fileYaml(files.grafana)).not.toMatch(/admin\/admin|password: admin/);
  });

  test('ships dashboards from a ConfigMap per folder', () => {
    const dashboards = configMapData(files.grafana, 'grafana-dashboards-ms-framework', 'ms-system-overview.json');
    expect(JSON.parse(dashboards).uid).toBe('ms-system-overview');
    expect(dashboards).not.toMatch(/"type": "graph"/);
  });
});

describe('Grafana validation', () => {
  test('fails when two dashboards share a uid', () => {
    const { parts } = synthStack(PROFILE_CONFIGS.dev);
    const dashboard = { uid: 'same', folder: 'A', fileName: 'a.json', json: '{}' };
    expect(
      () =>
        new Grafana(Testing.chart(), 'G', {
          config: PROFILE_CONFIGS.dev.grafana,
          common: PROFILE_CONFIGS.dev.common,
          prometheus: parts.prometheus!,
          jaeger: parts.jaeger,
          elasticsearch: parts.elasticsearch,
          pki: parts.pki,
          dashboards: [dashboard, { ...dashboard, fileName: 'b.json' }],
        }),
    ).toThrow("grafana: dashboard uid 'same' is used twice");
  });
});
