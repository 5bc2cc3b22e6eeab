import * as yaml from 'js-yaml';
import { resourceLabelProblems } from '../../constructs/otel-collector';
import { CollectorConfigFile, SamplingPolicy } from '../../constructs/otel-config';
import { REDACTION_PATTERNS } from '../../constructs/otel-redaction';
import { resolveConfig } from '../../src/config/loader';
import { StackConfig } from '../../src/config/types';
import { configMapData, configProblems, find, PROFILE_CONFIGS, synthStack } from '../helpers';
import { podSpec } from './snapshot';

describe('OtelCollector', () => {
  const { files } = synthStack(PROFILE_CONFIGS.dev);
  const config = yaml.load(
    configMapData(files['otel-collector'], 'otel-collector', 'config.yaml'),
  ) as CollectorConfigFile;

  test('runs memory_limiter first in every pipeline', () => {
    const pipelines = Object.values(config.service.pipelines);
    // metrics, traces, logs, and the span metrics' two: spans into the connector, its metrics out.
    expect(pipelines).toHaveLength(5);
    for (const p of pipelines) expect(p.processors[0]).toBe('memory_limiter');
  });

  test('sends traces to Jaeger over OTLP and logs to Logstash as OTLP/JSON, addressed by their Services', () => {
    expect(config.exporters['otlp_grpc/jaeger']).toMatchObject({ endpoint: 'jaeger.observability.svc:4317' });
    expect(config.exporters['otlp_http/logstash']).toMatchObject({
      logs_endpoint: 'https://logstash.observability.svc:8080',
      encoding: 'json',
    });
  });

  test('probes the health_check extension', () => {
    const container = podSpec(find(files['otel-collector'], 'StatefulSet', 'otel-collector')).containers[0];
    expect(container.readinessProbe.httpGet.port).toBe('health');
    expect(config.extensions.health_check).toEqual({ endpoint: '0.0.0.0:13133' });
  });

  const production = synthStack(PROFILE_CONFIGS.production).files['otel-collector'];
  const prodConfig = yaml.load(configMapData(production, 'otel-collector', 'config.yaml')) as any;
  const processors = config.processors as any;

  test('requires client certificates on every receiver and presents its own to Jaeger, Logstash and its peers', () => {
    const server = {
      cert_file: '/etc/agent-o11y/tls/tls.crt',
      key_file: '/etc/agent-o11y/tls/tls.key',
      client_ca_file: '/etc/agent-o11y/tls/ca.crt',
      min_version: '1.3',
    };
    const client = {
      ca_file: '/etc/agent-o11y/tls/ca.crt',
      cert_file: '/etc/agent-o11y/tls/tls.crt',
      key_file: '/etc/agent-o11y/tls/tls.key',
      min_version: '1.3',
    };
    expect(prodConfig.receivers.otlp.protocols.grpc.tls).toMatchObject(server);
    expect(prodConfig.receivers.otlp.protocols.http.tls).toMatchObject(server);
    expect(prodConfig.receivers['otlp/sampling'].protocols.grpc.tls).toMatchObject(server);
    expect(prodConfig.exporters.prometheus.tls).toMatchObject(server);
    expect(prodConfig.exporters['otlp_grpc/jaeger'].tls).toMatchObject(client);
    expect(prodConfig.exporters['otlp_http/logstash'].tls).toMatchObject(client);
    // Routed to pod IPs: the peer's certificate is checked against the gateway's Service name.
    expect(prodConfig.exporters.load_balancing.protocol.otlp.tls).toMatchObject({
      ...client,
      server_name_override: 'otel-collector.observability.svc',
    });
  });

  test('tail-samples traces: every error, the agent rules, every trace over 5s, and a baseline of 100% in dev and 1% in production', () => {
    const policies = processors.tail_sampling.policies as SamplingPolicy[];
    expect(policies.map((p) => [p.name, p.type])).toEqual([
      ['errors', 'status_code'],
      ['tool_errors', 'ottl_condition'],
      ['token_heavy_calls', 'ottl_condition'],
      ['agent_loops', 'and'],
      ['slow', 'latency'],
      ['baseline', 'probabilistic'],
    ]);
    expect(policies[0]).toEqual({ name: 'errors', type: 'status_code', status_code: { status_codes: ['ERROR'] } });
    expect(policies[4]).toEqual({ name: 'slow', type: 'latency', latency: { threshold_ms: 5000 } });
    expect(policies[5]).toEqual({
      name: 'baseline',
      type: 'probabilistic',
      probabilistic: { sampling_percentage: 100 },
    });
    expect(prodConfig.processors.tail_sampling.policies[5].probabilistic.sampling_percentage).toBe(1);
    expect(config.service.pipelines.traces!.processors).toEqual([
      'memory_limiter',
      'tail_sampling',
      'transform/genai_content',
      'transform/redact',
      'resource',
      'batch',
    ]);
  });

  test('renders each agent rule from its key, and leaves it out when the key turns it off', () => {
    const policiesOf = (sampling: object) =>
      (
        yaml.load(
          configMapData(
            synthStack(resolveConfig({ collector: { sampling } })).files['otel-collector'],
            'otel-collector',
            'config.yaml',
          ),
        ) as CollectorConfigFile
      ).processors.tail_sampling!.policies;
    const on = policiesOf({ tokensPerCallAbove: 2000, agentTraceSpansAbove: 40 });
    expect(JSON.stringify(on.find((p) => p.name === 'token_heavy_calls'))).toContain('> 2000');
    // More than 40 spans: span_count's bound is inclusive.
    expect(on.find((p) => p.name === 'agent_loops')).toMatchObject({
      and: { and_sub_policy: [{ type: 'string_attribute' }, { type: 'span_count', span_count: { min_spans: 41 } }] },
    });
    const off = policiesOf({ keepToolErrors: false, tokensPerCallAbove: 0, agentTraceSpansAbove: 0 });
    expect(off.map((p) => p.name)).toEqual(['errors', 'slow', 'baseline']);
  });

  test('routes spans by trace ID to one sampling replica when there is more than one replica', () => {
    expect(config.service.pipelines['traces/route']).toBeUndefined();
    expect(prodConfig.service.pipelines['traces/route']).toEqual({
      receivers: ['otlp'],
      processors: ['memory_limiter'],
      // Span metrics count every span before routing and tail sampling.
      exporters: ['load_balancing', 'span_metrics'],
    });
    expect(prodConfig.service.pipelines.traces.receivers).toEqual(['otlp/sampling']);
    expect(prodConfig.exporters.load_balancing).toMatchObject({
      routing_key: 'traceID',
      resolver: { dns: { hostname: 'otel-collector-sampling.observability.svc', port: '4319' } },
    });
    const headless = find(production, 'Service', 'otel-collector-sampling') as any;
    expect(headless.spec).toMatchObject({ clusterIP: 'None', ports: [{ name: 'otlp-sampling', port: 4319 }] });
    expect(headless.spec.publishNotReadyAddresses).toBeUndefined();
    // The ClusterIP Service does not expose the internal sampling port.
    expect((find(production, 'Service', 'otel-collector') as any).spec.ports.map((p: any) => p.name)).not.toContain(
      'otlp-sampling',
    );
  });

  test('redacts spans and logs before they leave, with the default rules', () => {
    expect(config.service.pipelines.logs!.processors).toContain('transform/redact');
    const redact = processors['transform/redact'];
    expect(redact.error_mode).toBe('ignore');
    const spans: string[] = redact.trace_statements[0].statements;
    expect(spans[0]).toBe(
      'delete_matching_keys(span.attributes, "(?i)(?:^|[._-])(?:password|passwd|token|api_key|apikey|secret|credit_card|card_number|ssn|authorization|cookie)(?:\\\\.|$)")',
    );
    expect(spans).toContain(
      'set(span.attributes["user.id"], SHA256(span.attributes["user.id"])) where IsString(span.attributes["user.id"])',
    );
    expect(
      spans.some(
        (st) =>
          st.startsWith('replace_all_patterns(span.attributes, "value", ') &&
          st.endsWith('"$$1", SHA256, "email-sha256:%s")'),
      ),
    ).toBe(true);
    expect(spans.some((st) => st.endsWith('"$$1.0")'))).toBe(true);
    const logs: string[] = redact.log_statements[0].statements;
    expect(logs.filter((st) => st.startsWith('replace_pattern(log.body, '))).toHaveLength(2);
    expect(logs[0]).toMatch(/^delete_matching_keys\(log\.attributes, /);
  });

  test('never logs at debug, where it would log the records it redacts', () => {
    expect(PROFILE_CONFIGS.dev.common.logLevel).toBe('debug');
    for (const file of ['otel-collector', 'otel-agent'] as const) {
      const rendered = yaml.load(configMapData(synthStack(PROFILE_CONFIGS.dev).files[file], file, 'config.yaml')) as {
        service: { telemetry: { logs: { level: string } } };
      };
      expect([file, rendered.service.telemetry.logs.level]).toEqual([file, 'info']);
    }
  });

  test('its redaction patterns find e-mail and IPv4 addresses', () => {
    const email = new RegExp(REDACTION_PATTERNS.email, 'g');
    expect('mail alice.b+x@mail.example.co.uk now'.replace(email, '<$1>')).toBe(
      'mail <alice.b+x@mail.example.co.uk> now',
    );
    const ip = new RegExp(REDACTION_PATTERNS.ipv4, 'g');
    expect('from 192.168.10.254 and 10.0.0.1, not 300.1.1.1 or v1.2'.replace(ip, '$1.0')).toBe(
      'from 192.168.10.0 and 10.0.0.0, not 300.1.1.1 or v1.2',
    );
  });

  test('removes attributes named like secrets but keeps token counts', () => {
    const named = new RegExp(
      REDACTION_PATTERNS.removedName(PROFILE_CONFIGS.dev.collector.redaction.removeAttributesNamed),
      'i',
    );
    for (const name of [
      'password',
      'db.password',
      'access_token',
      'http.request.header.authorization',
      'user.ssn',
      'API_KEY',
      'payment.credit_card.number',
    ]) {
      expect([name, named.test(name)]).toEqual([name, true]);
    }
    for (const name of ['gen_ai.usage.input_tokens', 'llm.token_count.prompt', 'session.id', 'secretary']) {
      expect([name, named.test(name)]).toEqual([name, false]);
    }
  });

  test('turns redaction off only when the config says so', () => {
    const off = synthStack(resolveConfig({ collector: { redaction: { enabled: false } } })).files['otel-collector'];
    const offConfig = yaml.load(configMapData(off, 'otel-collector', 'config.yaml')) as any;
    expect(offConfig.processors['transform/redact']).toBeUndefined();
    expect(offConfig.service.pipelines.logs.processors).toEqual([
      'memory_limiter',
      'transform/genai_content',
      'resource',
      'batch',
    ]);
  });

  test('persists the sending queues of its backend exporters on its own volume and retries', () => {
    for (const name of ['otlp_grpc/jaeger', 'otlp_http/logstash']) {
      expect((config.exporters as any)[name]).toMatchObject({
        sending_queue: { enabled: true, storage: 'file_storage/queue' },
        retry_on_failure: { enabled: true, max_elapsed_time: '1800s' },
      });
    }
    const set = find(files['otel-collector'], 'StatefulSet', 'otel-collector') as any;
    expect(set.spec.volumeClaimTemplates[0].metadata.name).toBe('queue');
    expect(podSpec(set).containers[0].volumeMounts).toContainEqual({ name: 'queue', mountPath: '/var/lib/otelcol' });
    expect((config.extensions as any)['file_storage/queue'].directory).toBe('/var/lib/otelcol/queue');
  });

  test("sizes memory_limiter and the Go heap from the container limit: Go collects before the limiter's soft limit", () => {
    expect(processors.memory_limiter).toMatchObject({ limit_percentage: 80, spike_limit_percentage: 16 });
    const env = podSpec(find(files['otel-collector'], 'StatefulSet', 'otel-collector')).containers[0].env;
    // 64% (the soft limit, limit - spike) of 512Mi.
    expect(env).toContainEqual({ name: 'GOMEMLIMIT', value: '327MiB' });
  });

  test('decides a trace 5s after its root span arrives, 10s after its first at the latest; tracks traces by memory; one event loop per core', () => {
    expect(processors.tail_sampling).toMatchObject({
      decision_wait: '10s',
      decision_wait_after_root_received: '5s',
      // One per 4 KiB of 512Mi; as many kept and as many dropped decisions remembered for late spans.
      num_traces: 131072,
      decision_cache: { sampled_cache_size: 131072, non_sampled_cache_size: 131072 },
      num_shards: 1,
    });
    // Production: 1Gi and a 2-core limit.
    expect(prodConfig.processors.tail_sampling).toMatchObject({ num_traces: 262144, num_shards: 2 });
    const custom = synthStack(
      resolveConfig({ collector: { sampling: { maxTraces: 1000 }, resources: { limits: { cpu: '2500m' } } } }),
    ).files['otel-collector'];
    const customConfig = yaml.load(configMapData(custom, 'otel-collector', 'config.yaml')) as any;
    expect(customConfig.processors.tail_sampling).toMatchObject({
      num_traces: 1000,
      decision_cache: { sampled_cache_size: 1000, non_sampled_cache_size: 1000 },
      num_shards: 3,
    });
  });

  const gateway = (stack: StackConfig) =>
    yaml.load(configMapData(synthStack(stack).files['otel-collector'], 'otel-collector', 'config.yaml')) as any;

  test("copies the configured resource attributes onto an app's metric data points, and no others", () => {
    const statements = (c: any): string[] => c.processors['transform/metric_labels'].metric_statements[0].statements;
    expect(statements(config)).toEqual([
      'set(datapoint.attributes["namespace"], resource.attributes["k8s.namespace.name"]) where resource.attributes["k8s.namespace.name"] != nil',
      'set(datapoint.attributes["pod"], resource.attributes["k8s.pod.name"]) where resource.attributes["k8s.pod.name"] != nil',
    ]);
    // A file's entries add to the defaults.
    const more = gateway(resolveConfig({ collector: { resourceLabels: { deployment: 'k8s.deployment.name' } } }));
    expect(statements(more)).toHaveLength(3);
    expect(statements(more)[2]).toBe(
      'set(datapoint.attributes["deployment"], resource.attributes["k8s.deployment.name"]) where resource.attributes["k8s.deployment.name"] != nil',
    );
    // The exporter turns no resource attribute into a label by itself.
    expect(config.exporters.prometheus).not.toHaveProperty('resource_to_telemetry_conversion');
    expect(config.service.pipelines.metrics!.processors).toContain('transform/metric_labels');
  });

  test('samples logs by severity in production (INFO 10%, DEBUG and TRACE 0.1%) before redaction, and none in dev or staging', () => {
    for (const c of [config, gateway(PROFILE_CONFIGS.staging)])
      expect(c.service.pipelines.logs.processors).toEqual([
        'memory_limiter',
        'transform/genai_content',
        'transform/redact',
        'resource',
        'batch',
      ]);
    expect(prodConfig.service.pipelines.logs.processors).toEqual([
      'memory_limiter',
      'transform/log_priority',
      'probabilistic_sampler/logs',
      'transform/log_priority_cleanup',
      'transform/genai_content',
      'transform/redact',
      'resource',
      'batch',
    ]);
    const notAudit =
      'not (log.attributes["data_stream.dataset"] == "audit" or (log.attributes["data_stream.dataset"] == nil and (resource.attributes["data_stream.dataset"] == "audit")))';
    expect(prodConfig.processors['transform/log_priority'].log_statements[0].statements).toEqual([
      'delete_key(log.attributes, "sampling.priority")',
      `set(log.attributes["sampling.priority"], 0.1) where log.severity_number >= SEVERITY_NUMBER_TRACE and log.severity_number < SEVERITY_NUMBER_INFO and ${notAudit}`,
      `set(log.attributes["sampling.priority"], 10.0) where log.severity_number >= SEVERITY_NUMBER_INFO and log.severity_number < SEVERITY_NUMBER_WARN and ${notAudit}`,
      'set(log.attributes["sampling.key"], UUID()) where log.attributes["sampling.priority"] != nil',
    ]);
    expect(prodConfig.processors['probabilistic_sampler/logs']).toEqual({
      mode: 'hash_seed',
      sampling_percentage: 100,
      fail_closed: false,
      attribute_source: 'traceID',
      from_attribute: 'sampling.key',
      sampling_priority: 'sampling.priority',
    });
  });

  test('samples, when the first log stream is exempt, only the records that name another stream', () => {
    const c = gateway(
      resolveConfig({
        profile: 'production',
        collector: { logSampling: { unspecified: 50, exemptStreams: ['agents'] } },
      }),
    );
    const statements: string[] = c.processors['transform/log_priority'].log_statements[0].statements;
    const inAudit =
      '(log.attributes["data_stream.dataset"] == "audit" or (log.attributes["data_stream.dataset"] == nil and (resource.attributes["data_stream.dataset"] == "audit")))';
    expect(statements.slice(1, 4).map((st) => st.split(' where ')[0])).toEqual([
      'set(log.attributes["sampling.priority"], 0.1)',
      'set(log.attributes["sampling.priority"], 10.0)',
      'set(log.attributes["sampling.priority"], 50.0)',
    ]);
    for (const st of statements.slice(1, 4)) expect(st.endsWith(` and ${inAudit}`)).toBe(true);
    // By default the sox streams are exempt, whatever they are called.
    const ledger = gateway(
      resolveConfig({
        profile: 'production',
        retention: {
          streams: [
            { name: 'app', compliance: 'gdpr' },
            { name: 'ledger', compliance: 'sox' },
          ],
        },
      }),
    );
    expect(ledger.processors['transform/log_priority'].log_statements[0].statements[2]).toMatch(
      / and not \(log\.attributes\["data_stream\.dataset"\] == "ledger" or .*"ledger"\)\)\)$/,
    );
    // Every stream exempt: nothing to sample.
    const none = gateway(
      resolveConfig({ profile: 'production', collector: { logSampling: { exemptStreams: ['agents', 'audit'] } } }),
    );
    expect(none.processors['probabilistic_sampler/logs']).toBeUndefined();
  });

  test('fails an exempt stream that is no log stream, a share of 0 and a reserved or malformed label name, naming each key', () => {
    expect(
      configProblems({
        collector: {
          logSampling: { info: 0, exemptStreams: ['audits'] },
          resourceLabels: { job: 'k8s.deployment.name', 'k8s.node': 'k8s.node.name', otel_scope_team: 'team' },
        },
      }),
    ).toEqual(['/collector/logSampling/info: must be > 0, got 0']);
    expect(
      configProblems({
        collector: {
          logSampling: { exemptStreams: ['audits'] },
          resourceLabels: { job: 'k8s.deployment.name', 'k8s.node': 'k8s.node.name', otel_scope_team: 'team' },
        },
      }),
    ).toEqual([
      '/collector/resourceLabels/job: is a label the Prometheus exporter sets or reserves (job, instance, le, quantile, otel_scope_*, __*): choose another name',
      '/collector/resourceLabels/k8s.node: must be named like a Prometheus label (letters, digits and _, not starting with a digit), got "k8s.node"',
      '/collector/resourceLabels/otel_scope_team: is a label the Prometheus exporter sets or reserves (job, instance, le, quantile, otel_scope_*, __*): choose another name',
      '/collector/logSampling/exemptStreams/0: must name a log stream of /retention/streams (agents, audit), got "audits"',
    ]);
    expect(resourceLabelProblems({ namespace: 'k8s.namespace.name' })).toEqual([
      `/collector/resourceLabels: must keep pod (the alert packs and dashboards select an app's metrics by namespace and pod), got {"namespace":"k8s.namespace.name"}`,
    ]);
  });
});

describe('span metrics', () => {
  const gateway = (user: object) =>
    yaml.load(
      configMapData(synthStack(resolveConfig(user)).files['otel-collector'], 'otel-collector', 'config.yaml'),
    ) as CollectorConfigFile;

  test('count the spans a single gateway receives before tail sampling, and feed the metrics pipeline', () => {
    const c = gateway({});
    expect(c.service.pipelines['traces/span_metrics']).toEqual({
      receivers: ['otlp'],
      processors: ['memory_limiter'],
      exporters: ['span_metrics'],
    });
    expect(c.service.pipelines.traces!.processors).toContain('tail_sampling');
    // Their own metrics pipeline: the resource becomes the service, its namespace and the counting replica.
    expect(c.service.pipelines['metrics/span_metrics']).toEqual({
      receivers: ['span_metrics'],
      processors: ['memory_limiter', 'transform/span_metrics_resource', 'transform/metric_labels', 'resource', 'batch'],
      exporters: ['prometheus'],
    });
    expect(c.connectors?.span_metrics).toMatchObject({
      histogram: { unit: 's' },
      exclude_dimensions: ['service.name', 'collector.instance.id'],
      resource_metrics_key_attributes: ['service.name', 'service.namespace', 'k8s.namespace.name'],
      aggregation_cardinality_limit: 500,
    });
  });

  test('are off with collector.spanMetrics.enabled: false', () => {
    const c = gateway({ collector: { spanMetrics: { enabled: false } } });
    expect(c.connectors).toBeUndefined();
    expect(c.service.pipelines['traces/span_metrics']).toBeUndefined();
    expect(c.service.pipelines['metrics/span_metrics']).toBeUndefined();
  });
});
