import * as yaml from 'js-yaml';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { PrometheusConfigFile } from '../../constructs/prometheus-config';
import { ELASTICSEARCH_EXPORTER_ROLE } from '../../constructs/elasticsearch-exporter';
import { activeRuleGroups, alertRules } from '../../rules';
import { resolveConfig } from '../../src/config/loader';
import { configMapData, find, KubeObject, synthStack } from '../helpers';

const withSnapshots = resolveConfig({
  retention: { snapshots: { enabled: true, repository: { fs: { location: '/mnt/es-snapshots' } } } },
});

describe('ElasticsearchExporter', () => {
  const { files, parts } = synthStack(resolveConfig({}));
  const exporter = parts.elasticsearchExporter!;
  const deployment = find(files['elasticsearch-exporter'], 'Deployment', exporter.name) as KubeObject & IDeployment;
  const container = deployment.spec!.template.spec!.containers[0]!;

  test('reads Elasticsearch at its Service over TLS verified against the stack CA, every node and ILM', () => {
    expect(container.args).toEqual([
      '--web.listen-address=:9114',
      '--web.config.file=/etc/elasticsearch-exporter/web.yml',
      '--es.uri=https://elasticsearch.observability.svc:9200',
      '--es.ca=/etc/agent-o11y/tls/ca.crt',
      '--es.all',
      '--collector.ilm',
    ]);
    expect(container.args!.some((a) => a.includes('ssl-skip-verify'))).toBe(false);
  });

  test('takes its user and password from the Secret of elasticsearchExporter.elasticsearch, by reference', () => {
    expect(container.env).toEqual([
      { name: 'ES_USERNAME', valueFrom: { secretKeyRef: { name: 'elasticsearch-exporter', key: 'username' } } },
      { name: 'ES_PASSWORD', valueFrom: { secretKeyRef: { name: 'elasticsearch-exporter', key: 'password' } } },
    ]);
  });

  test('has the bootstrap Job create its user with a role that only reads cluster state and index metadata', () => {
    expect(parts.bootstrap.requests.roles[ELASTICSEARCH_EXPORTER_ROLE]).toEqual({
      cluster: ['monitor', 'read_ilm'],
      indices: [{ names: ['*'], privileges: ['view_index_metadata'] }],
    });
    const grant = parts.elasticsearch.grants.find((g) => g.client === exporter)!;
    expect(grant.credentials).toEqual({
      secretName: 'elasticsearch-exporter',
      usernameKey: 'username',
      passwordKey: 'password',
    });
  });

  test('watches the snapshots, and may list them, only when a repository is configured', () => {
    const on = synthStack(withSnapshots);
    const args = (
      find(on.files['elasticsearch-exporter'], 'Deployment', 'elasticsearch-exporter') as KubeObject & IDeployment
    ).spec!.template.spec!.containers[0]!.args!;
    expect(args).toContain('--collector.snapshots');
    expect(container.args).not.toContain('--collector.snapshots');
    expect(on.parts.bootstrap.requests.roles[ELASTICSEARCH_EXPORTER_ROLE]!.cluster).toEqual([
      'monitor',
      'read_ilm',
      'monitor_snapshot',
    ]);
    const names = (config: typeof withSnapshots) =>
      alertRules(activeRuleGroups(config).stack!.filter((g) => g.name === 'elasticsearch')).map((a) => a.alert);
    expect(names(withSnapshots)).toEqual(
      expect.arrayContaining(['ElasticsearchSnapshotFailed', 'ElasticsearchSnapshotTooOld']),
    );
    expect(names(resolveConfig({}))).not.toContain('ElasticsearchSnapshotFailed');
    expect(names(resolveConfig({}))).not.toContain('ElasticsearchSnapshotTooOld');
  });

  test('requires a client certificate from the stack CA on its metrics port, probed by TCP', () => {
    const web = yaml.load(configMapData(files['elasticsearch-exporter'], exporter.name, 'web.yml')) as any;
    expect(web.tls_server_config).toMatchObject({
      client_auth_type: 'RequireAndVerifyClientCert',
      client_ca_file: '/etc/agent-o11y/tls/ca.crt',
      min_version: 'TLS13',
    });
    expect(container.readinessProbe?.tcpSocket?.port).toBe('metrics');
    expect(deployment.spec!.replicas).toBe(1);
    expect(deployment.spec!.template.spec!.automountServiceAccountToken).toBe(false);
  });

  test('is left out with its job, user, role and alerts when elasticsearchExporter.enabled is false', () => {
    const offConfig = resolveConfig({ elasticsearchExporter: { enabled: false } });
    const off = synthStack(offConfig);
    expect(off.parts.elasticsearchExporter).toBeUndefined();
    expect(off.files['elasticsearch-exporter']).toEqual([]);
    const jobs = (
      yaml.load(configMapData(off.files.prometheus, 'prometheus', 'prometheus.yml')) as PrometheusConfigFile
    ).scrape_configs.map((j) => j.job_name);
    expect(jobs).not.toContain('elasticsearch-exporter');
    expect(Object.keys(off.parts.bootstrap.requests.roles)).not.toContain(ELASTICSEARCH_EXPORTER_ROLE);
    expect(activeRuleGroups(offConfig).stack!.map((g) => g.name)).not.toContain('elasticsearch');
  });
});
