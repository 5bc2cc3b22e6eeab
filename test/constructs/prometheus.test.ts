import * as yaml from 'js-yaml';
import { Testing } from 'cdk8s';
import { Alertmanager } from '../../constructs/alertmanager';
import { Pki } from '../../constructs/mtls';
import { Prometheus } from '../../constructs/prometheus';
import { PrometheusConfigFile, ScrapeConfig } from '../../constructs/prometheus-config';
import { CADVISOR, KUBELET, seriesNames } from '../../rules/catalog';
import { stackJobs } from '../../src/lib/names';
import { resolveConfig } from '../../src/config/loader';
import { configMapData, configProblems, find, PROFILE_CONFIGS, synthStack } from '../helpers';
import { podSpec } from './snapshot';

describe('Prometheus', () => {
  const { files } = synthStack(PROFILE_CONFIGS.dev);
  const config = yaml.load(configMapData(files.prometheus, 'prometheus', 'prometheus.yml')) as PrometheusConfigFile;

  test('labels every series with the cluster and environment', () => {
    expect(config.global.external_labels).toEqual({ cluster: 'agents', environment: 'dev' });
  });

  test('scrapes every stack component that serves metrics, each by its own job', () => {
    expect(config.scrape_configs.map((s) => s.job_name)).toEqual([
      'prometheus',
      'alertmanager',
      'otel-collector',
      'otel-agent',
      'node-exporter',
      'kube-state-metrics',
      'elasticsearch-exporter',
      'agents',
      'jaeger',
      'logstash',
      'grafana',
      'kubelet',
      'cadvisor',
      'cert-manager',
      'kubernetes-pods',
    ]);
  });

  test("scrapes each node's kubelet and cAdvisor with its token, verifying the kubelet against the cluster CA, keeping the catalogued series", () => {
    const kubelet = config.scrape_configs.find((j) => j.job_name === 'kubelet')!;
    const cadvisor = config.scrape_configs.find((j) => j.job_name === 'cadvisor')!;
    for (const job of [kubelet, cadvisor]) {
      expect(job.kubernetes_sd_configs).toEqual([{ role: 'node' }]);
      expect(job.authorization).toEqual({ credentials_file: '/var/run/secrets/kubernetes.io/serviceaccount/token' });
      expect(job.tls_config).toEqual({ ca_file: '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt' });
    }
    expect(cadvisor.metrics_path).toBe('/metrics/cadvisor');
    const kept = (job: ScrapeConfig) => job.metric_relabel_configs![0]!.regex!.split('|');
    expect(kept(kubelet)).toEqual(KUBELET.metrics.flatMap(seriesNames).sort());
    expect(kept(cadvisor)).toEqual(CADVISOR.metrics.flatMap(seriesNames).sort());
    const insecure = yaml.load(
      configMapData(
        synthStack(resolveConfig({ kubelet: { verifyTls: false } })).files.prometheus,
        'prometheus',
        'prometheus.yml',
      ),
    ) as PrometheusConfigFile;
    expect(insecure.scrape_configs.find((j) => j.job_name === 'cadvisor')!.tls_config).toEqual({
      insecure_skip_verify: true,
    });
  });

  test('scrapes no kubelet, kube-state-metrics or cert-manager when they are off, and asks for no node access then', () => {
    const off = synthStack(
      resolveConfig({
        kubelet: { enabled: false },
        kubeStateMetrics: { enabled: false },
        pki: { scrapeCertManager: false },
      }),
    ).files;
    const jobs = (
      yaml.load(configMapData(off.prometheus, 'prometheus', 'prometheus.yml')) as PrometheusConfigFile
    ).scrape_configs.map((j) => j.job_name);
    for (const job of ['kubelet', 'cadvisor', 'kube-state-metrics', 'cert-manager']) expect(jobs).not.toContain(job);
    const role = find(off.prometheus, 'ClusterRole', 'observability-prometheus') as any;
    expect(role.rules.flatMap((r: any) => r.resources)).not.toContain('nodes/metrics');
    expect(off['kube-state-metrics']).toEqual([]);
  });

  test("scrapes a platform's own service by a job of its own: its pods, its port, its path, params and TLS", () => {
    const withTargets = resolveConfig({
      scrapeTargets: [
        {
          job: 'mca',
          namespace: 'progressive',
          matchLabels: { app: 'mca' },
          port: 3000,
          path: '/api/v1/metrics',
          params: { format: ['prometheus'] },
        },
        {
          job: 'billing',
          namespace: 'shop',
          matchLabels: { 'app.kubernetes.io/name': 'billing' },
          portName: 'metrics',
          tls: { ca: 'stack', serverName: 'billing.shop.svc', clientCertificate: true },
        },
      ],
    });
    const jobs = (
      yaml.load(
        configMapData(synthStack(withTargets).files.prometheus, 'prometheus', 'prometheus.yml'),
      ) as PrometheusConfigFile
    ).scrape_configs;
    expect(jobs.find((j) => j.job_name === 'mca')).toEqual({
      job_name: 'mca',
      metrics_path: '/api/v1/metrics',
      params: { format: ['prometheus'] },
      kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: ['progressive'] } }],
      relabel_configs: [
        { source_labels: ['__meta_kubernetes_pod_label_app'], regex: 'mca', action: 'keep' },
        { source_labels: ['__meta_kubernetes_pod_container_port_number'], regex: '3000', action: 'keep' },
        { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace', action: 'replace' },
        { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod', action: 'replace' },
      ],
      // 10 labels of its own, its name, le or quantile, and job, instance, namespace, pod.
      sample_limit: 20000,
      label_limit: 16,
      label_value_length_limit: 1024,
    });
    expect(jobs.find((j) => j.job_name === 'billing')).toMatchObject({
      scheme: 'https',
      tls_config: {
        ca_file: '/etc/agent-o11y/tls/ca.crt',
        cert_file: '/etc/agent-o11y/tls/tls.crt',
        key_file: '/etc/agent-o11y/tls/tls.key',
        server_name: 'billing.shop.svc',
      },
      relabel_configs: expect.arrayContaining([
        { source_labels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'], regex: 'billing', action: 'keep' },
        { source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: 'metrics', action: 'keep' },
      ]),
    });
  });

  test('TargetDown watches exactly the jobs of the stack components', () => {
    expect(
      config.scrape_configs
        .map((s) => s.job_name)
        .filter((j) => !['agents', 'kubernetes-pods'].includes(j))
        .sort(),
    ).toEqual(stackJobs(PROFILE_CONFIGS.dev).sort());
  });

  test('runs production as an HA pair whose replicas label series apart, without v2 feature flags', () => {
    const prod = synthStack(PROFILE_CONFIGS.production).files;
    const prodConfig = yaml.load(
      configMapData(prod.prometheus, 'prometheus', 'prometheus.yml'),
    ) as PrometheusConfigFile;
    expect(prodConfig.global.external_labels.replica).toBe('${POD_NAME}');
    expect(prodConfig.alerting.alert_relabel_configs).toEqual([{ regex: 'replica', action: 'labeldrop' }]);
    const container = podSpec(find(prod.prometheus, 'StatefulSet', 'prometheus')).containers[0];
    expect(container.env).toEqual([{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }]);
    // Prometheus 3 expands environment variables in external labels by default and ignores the old flag.
    expect((container.args as string[]).filter((a) => a.startsWith('--enable-feature'))).toEqual([
      '--enable-feature=exemplar-storage',
    ]);
    expect(find(prod.prometheus, 'PodDisruptionBudget', 'prometheus')).toBeDefined();
  });

  test('discovers pods by the prometheus.io annotations', () => {
    const job = config.scrape_configs.find((s) => s.job_name === 'kubernetes-pods')!;
    const sources = job.relabel_configs!.flatMap((r) => r.source_labels ?? []);
    for (const a of ['scrape', 'path', 'port', 'scheme']) {
      expect(sources).toContain(`__meta_kubernetes_pod_annotation_prometheus_io_${a}`);
    }
  });

  test('sends alerts to every Alertmanager peer and retains by time and size', () => {
    const prod = synthStack(PROFILE_CONFIGS.production).files;
    const prodConfig = yaml.load(
      configMapData(prod.prometheus, 'prometheus', 'prometheus.yml'),
    ) as PrometheusConfigFile;
    expect(prodConfig.alerting.alertmanagers[0]!.static_configs[0]!.targets).toHaveLength(3);
    expect(prodConfig.global.external_labels.replica).toBe('${POD_NAME}');
    const args = podSpec(find(prod.prometheus, 'StatefulSet', 'prometheus')).containers[0].args as string[];
    expect(args).toContain('--storage.tsdb.retention.time=90d');
    expect(args).toContain('--storage.tsdb.retention.size=180GB');
  });

  test('scrapes TLS targets over https with its client certificate, verifying their Service name', () => {
    const schemes = Object.fromEntries(
      config.scrape_configs.map((j) => [
        j.job_name,
        [j.scheme ?? 'http', j.tls_config?.server_name, j.tls_config?.cert_file],
      ]),
    );
    expect(schemes).toEqual({
      prometheus: ['https', 'prometheus.observability.svc', '/etc/agent-o11y/tls/tls.crt'],
      alertmanager: ['https', 'alertmanager.observability.svc', '/etc/agent-o11y/tls/tls.crt'],
      // On the node's network, at the node's address: its certificate names its Service name all the same.
      'node-exporter': ['https', 'node-exporter.observability-agent.svc', '/etc/agent-o11y/tls/tls.crt'],
      agents: ['https', 'otel-collector.observability.svc', '/etc/agent-o11y/tls/tls.crt'],
      // Plaintext: the collector's and Jaeger's internal telemetry readers have no TLS settings.
      'otel-collector': ['http', undefined, undefined],
      'otel-agent': ['http', undefined, undefined],
      jaeger: ['http', undefined, undefined],
      // Grafana serves TLS but cannot verify client certificates: none is presented.
      grafana: ['https', 'grafana.observability.svc', undefined],
      'kube-state-metrics': ['https', 'kube-state-metrics.observability.svc', '/etc/agent-o11y/tls/tls.crt'],
      'elasticsearch-exporter': ['https', 'elasticsearch-exporter.observability.svc', '/etc/agent-o11y/tls/tls.crt'],
      // Logstash's json_exporter sidecar, with Logstash's certificate.
      logstash: ['https', 'logstash.observability.svc', '/etc/agent-o11y/tls/tls.crt'],
      // The kubelets: their own serving certificates, verified against the cluster CA, and the token.
      kubelet: ['https', undefined, undefined],
      cadvisor: ['https', undefined, undefined],
      // cert-manager serves its metrics in plaintext by default.
      'cert-manager': ['http', undefined, undefined],
      'kubernetes-pods': ['http', undefined, undefined],
    });
    expect(config.alerting.alertmanagers[0]).toMatchObject({
      scheme: 'https',
      tls_config: { cert_file: '/etc/agent-o11y/tls/tls.crt', min_version: 'TLS13' },
    });
  });

  test('requires client certificates on its web port and probes itself with promtool and its own certificate', () => {
    const web = yaml.load(configMapData(files.prometheus, 'prometheus', 'web.yml')) as any;
    expect(web.tls_server_config).toMatchObject({
      client_auth_type: 'RequireAndVerifyClientCert',
      min_version: 'TLS13',
    });
    const container = podSpec(find(files.prometheus, 'StatefulSet', 'prometheus')).containers[0];
    expect(container.args).toContain('--web.config.file=/etc/prometheus/web.yml');
    expect(container.readinessProbe.exec.command).toEqual([
      'promtool',
      'check',
      'ready',
      '--url=https://127.0.0.1:9090',
      '--http.config.file=/etc/prometheus/probe-http.yml',
    ]);
  });

  test("has read-only discovery RBAC, the node list and the kubelets' metrics, and nothing more", () => {
    const role = find(files.prometheus, 'ClusterRole', 'observability-prometheus') as any;
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['pods', 'services', 'endpoints'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['nodes'], verbs: ['list', 'watch'] },
      // Not nodes/proxy, which would also let it exec into pods through the kubelet.
      { apiGroups: [''], resources: ['nodes/metrics'], verbs: ['get'] },
    ]);
  });

  test('fails for a rule file name promtool globbing would miss', () => {
    const chart = Testing.chart();
    const common = resolveConfig({}).common;
    const pki = new Pki(chart, 'Pki', { namespace: common.namespace });
    const alertmanager = new Alertmanager(chart, 'Alertmanager', {
      config: resolveConfig({}).alertmanager,
      common,
      pki,
    });
    expect(
      () =>
        new Prometheus(chart, 'Prometheus', {
          config: resolveConfig({}).prometheus,
          common,
          alertmanager,
          pki,
          ruleFiles: { 'agents.yml': '' },
        }),
    ).toThrow("prometheus: rule file name 'agents.yml' must look like <name>.rules.yaml");
  });

  describe('backup', () => {
    const bucket = {
      bucket: 'agent-o11y-backups',
      endpoint: 'minio.storage.svc:9000',
      credentialsSecret: 'prometheus-backup',
    };
    const on = synthStack(resolveConfig({ prometheus: { backup: { enabled: true, s3: bucket } } }));
    const pod = (objects: typeof files.prometheus) =>
      (find(objects, 'StatefulSet', 'prometheus') as unknown as { spec: { template: { spec: PodSpecLike } } }).spec
        .template.spec;
    type PodSpecLike = {
      containers: Array<{ name: string; args?: string[]; env?: unknown[] }>;
      volumes: Array<{ name: string }>;
    };

    test('off by default: no sidecar, no retention job, local compaction as usual', () => {
      const spec = pod(files.prometheus);
      expect(spec.containers.map((c) => c.name)).toEqual(['prometheus']);
      expect(files.prometheus.filter((o) => o.kind === 'CronJob')).toEqual([]);
      expect(spec.containers[0]!.args!.filter((a) => a.includes('block-duration'))).toEqual([]);
      expect(config.scrape_configs.map((j) => j.job_name)).not.toContain('thanos-sidecar');
    });

    test("on: a Thanos sidecar uploads two-hour blocks, with the bucket's credentials from its Secret", () => {
      const spec = pod(on.files.prometheus);
      const [prometheus, sidecar] = spec.containers;
      expect(sidecar!.name).toBe('thanos-sidecar');
      expect(sidecar!.args).toEqual([...on.parts.prometheus!.backup!.sidecarArgs]);
      expect(prometheus!.args).toEqual(
        expect.arrayContaining(['--storage.tsdb.min-block-duration=2h', '--storage.tsdb.max-block-duration=2h']),
      );
      expect(sidecar!.env).toEqual([
        { name: 'AWS_SHARED_CREDENTIALS_FILE', value: '/etc/thanos-credentials/credentials' },
      ]);
      expect(spec.volumes).toContainEqual({
        name: 'backup-credentials',
        secret: {
          secretName: 'prometheus-backup',
          defaultMode: 0o440,
          items: [{ key: 'credentials', path: 'credentials' }],
        },
      });
      expect(yaml.load(configMapData(on.files.prometheus, 'prometheus-backup', 'objstore.yml'))).toEqual({
        type: 'S3',
        // Under the stack's cluster and environment: retention and restore act on all of a prefix.
        prefix: 'prometheus/agents/dev',
        config: { bucket: 'agent-o11y-backups', endpoint: 'minio.storage.svc:9000', part_size: 16777216 },
      });
    });

    test('on: the daily job deletes blocks older than keep, one run at a time, at 02:00 UTC', () => {
      const job = find(on.files.prometheus, 'CronJob', 'prometheus-backup-retention') as unknown as {
        spec: { schedule: string; timeZone: string; concurrencyPolicy: string };
      };
      expect(job.spec).toMatchObject({ schedule: '0 2 * * *', timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid' });
      expect(on.parts.prometheus!.backup!.retention.args.mark).toContain('--retention.resolution-raw=7d');
    });

    test('on: Prometheus and the retention job may reach the bucket at its port, and nothing else new', () => {
      const policies = on.files['network-policies'] as unknown as Array<{
        metadata: { name: string; annotations: Record<string, string> };
        spec: { egress?: Array<{ to?: Array<{ ipBlock?: { cidr: string } }>; ports?: Array<{ port: number }> }> };
      }>;
      for (const name of ['prometheus', 'prometheus-backup-retention']) {
        const policy = policies.find((p) => p.metadata.name === name)!;
        expect(policy.metadata.annotations['agent-o11y.dev/why']).toContain(
          'the backup bucket at minio.storage.svc:9000',
        );
        expect(policy.spec.egress).toContainEqual({
          to: [{ ipBlock: { cidr: '0.0.0.0/0' } }],
          ports: [{ port: 9000, protocol: 'TCP' }],
        });
      }
      const retention = policies.find((p) => p.metadata.name === 'prometheus-backup-retention')!;
      expect(retention.spec.egress).toHaveLength(1);
    });

    test('names the key of a backup config Thanos or Kubernetes would refuse', () => {
      expect(configProblems({ prometheus: { backup: { enabled: true } } })).toEqual([
        '/prometheus/backup/s3: required when backup is enabled (the bucket and its credentials are yours)',
      ]);
      expect(
        configProblems({
          prometheus: {
            backup: {
              enabled: true,
              keep: '12h',
              schedule: '0 2 * *',
              s3: {
                bucket: 'Backups',
                endpoint: 'https://s3.amazonaws.com',
                prefix: '/prometheus',
                credentialsSecret: 'prometheus-backup',
              },
            },
          },
        }),
      ).toEqual([
        '/prometheus/backup/schedule: must be a five-field CronJob schedule like "0 2 * * *", got "0 2 * *"',
        "/prometheus/backup/keep: must be at least 1d, or blocks go before a day's restore points exist, got 12h",
        '/prometheus/backup/s3/bucket: must be an S3 bucket name (3-63 lower-case letters, digits, . and -, starting and ending with a letter or digit, not an IP address), got "Backups"',
        '/prometheus/backup/s3/endpoint: must be a host and optional port without a scheme, like "s3.eu-west-1.amazonaws.com", got "https://s3.amazonaws.com"',
        '/prometheus/backup/s3/prefix: must be key segments of letters, digits, . _ and - joined by /, got "/prometheus"',
      ]);
    });
  });

  test('an S3 snapshot repository lets Elasticsearch reach HTTPS anywhere, and only then', () => {
    type Policy = { metadata: { name: string }; spec: { egress?: unknown[] } };
    const egress = (objects: (typeof files)['network-policies']) =>
      (objects as unknown as Policy[]).find((p) => p.metadata.name === 'elasticsearch')!.spec.egress ?? [];
    const s3 = synthStack(
      resolveConfig({ retention: { snapshots: { enabled: true, repository: { s3: { bucket: 'es-snapshots' } } } } }),
    );
    const https = { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443, protocol: 'TCP' }] };
    expect(egress(s3.files['network-policies'])).toContainEqual(https);
    expect(egress(files['network-policies'])).not.toContainEqual(https);
  });
});
