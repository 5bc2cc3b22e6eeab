import * as yaml from 'js-yaml';
import { goMemLimit } from '../../constructs/jaeger';
import { ALL_CONFIGS, configMapData, find, PROFILE_CONFIGS, synthStack } from '../helpers';
import { podSpec } from './snapshot';

describe('Jaeger', () => {
  const { files, parts } = synthStack(PROFILE_CONFIGS.dev);
  const config = yaml.load(configMapData(files.jaeger, 'jaeger', 'config.yaml')) as any;

  test('stores spans in Elasticsearch over TLS as its own user under its own index prefix', () => {
    const es = config.extensions.jaeger_storage.backends.elasticsearch.elasticsearch;
    expect(es.server_urls).toEqual(['https://elasticsearch.observability.svc:9200']);
    expect(es.indices.index_prefix).toBe('jaeger');
    expect(es.auth.basic.password_file).toMatch(/^\/etc\/jaeger\/es-credentials\//);
    expect(es.tls.ca_file).toBe('/etc/agent-o11y/tls/ca.crt');
    expect(Object.keys(parts.bootstrap.requests.roles)).toContain('agent_o11y_jaeger');
  });

  test('runs collector and query roles and is probed on its health endpoint', () => {
    expect(config.service.extensions).toEqual(['jaeger_storage', 'jaeger_query', 'healthcheckv2']);
    expect(config.service.pipelines.traces.exporters).toEqual(['jaeger_storage_exporter']);
    const container = podSpec(find(files.jaeger, 'Deployment', 'jaeger')).containers[0];
    expect(container.livenessProbe.httpGet).toEqual({ path: '/status', port: 'health' });
  });

  test.each(Object.entries(ALL_CONFIGS))(
    'every index of %s asks for replica shards its Elasticsearch nodes can hold (a single node: none)',
    (_name, stackConfig) => {
      const stack = synthStack(stackConfig);
      // New indices (Jaeger's daily ones, a log stream's while hot) are on the hot nodes, every node of one pool.
      const nodes = stackConfig.elasticsearch.replicas;
      const jaeger = (yaml.load(configMapData(stack.files.jaeger, 'jaeger', 'config.yaml')) as any).extensions
        .jaeger_storage.backends.elasticsearch.elasticsearch.indices;
      const logs = Object.values(stack.parts.retention.indexTemplates).map(
        (t) => t.template!.settings!['index.number_of_replicas'] as number,
      );
      if (stackConfig.elasticsearch.external) {
        // Its nodes are not known: the configured count, else Elasticsearch's default of one.
        const hot = stackConfig.elasticsearch.shardReplicas?.hot ?? 1;
        expect([jaeger.spans.replicas, jaeger.services.replicas, ...logs].every((r) => r === hot)).toBe(true);
        return;
      }
      // A replica is never put on its primary's node: with n nodes, at most n - 1 can be assigned.
      expect([jaeger.spans.replicas, jaeger.services.replicas]).toEqual([
        Math.min(1, nodes - 1),
        Math.min(1, nodes - 1),
      ]);
      expect(logs.every((r) => r >= Math.min(1, nodes - 1) && r <= nodes - 1)).toBe(true);
    },
  );

  test('fails for a memory limit it cannot read', () => {
    expect(goMemLimit('1Gi')).toBe('819MiB');
    expect(() => goMemLimit('1GB')).toThrow('not a byte quantity: 1GB');
  });
});

describe('Logstash', () => {
  const { files } = synthStack(PROFILE_CONFIGS.dev);
  const pipeline = configMapData(files.logstash, 'logstash-pipeline', 'otlp-logs.conf');
  const settings = yaml.load(configMapData(files.logstash, 'logstash', 'logstash.yml')) as Record<string, unknown>;

  test('keeps a persistent queue and a dead-letter queue on its volume', () => {
    expect(settings['queue.type']).toBe('persisted');
    expect(settings['dead_letter_queue.enable']).toBe(true);
    expect(settings['path.queue']).toMatch(/^\/usr\/share\/logstash\/data\//);
    expect(find(files.logstash, 'StatefulSet', 'logstash')).toHaveProperty(
      'spec.volumeClaimTemplates.0.metadata.name',
      'data',
    );
  });

  test('splits OTLP JSON exports into one event per record and keeps trace_id and span_id', () => {
    expect(pipeline).toContain('field => "[resourceLogs][scopeLogs][logRecords]"');
    expect(pipeline).toContain('event.set("trace_id", trace_id)');
    expect(pipeline).toContain('event.set("span_id", span_id)');
    expect(pipeline).toContain('data_stream => "true"');
  });

  test("routes each record to its log stream's data stream, defaulting to the first stream", () => {
    expect(pipeline).toContain('@streams = ["agents","audit"]');
    expect(pipeline).toContain(
      'event.set("[data_stream][dataset]", @streams.include?(stream) ? stream : @streams.first)',
    );
    expect(pipeline).toContain('data_stream_auto_routing => true');
    expect(pipeline).toContain('data_stream_dataset => "agents"');
  });

  test("redacts attributes parsed from JSON log bodies by the gateway's names", () => {
    expect(pipeline).toContain('require "digest"');
    expect(pipeline).toContain('@pseudonymize = ["user.id","user_id","enduser.id","user.name","user.email"]');
    expect(pipeline).toContain(
      'attributes = attributes.merge(@redact.call(own)).merge(@redact.call(parsed["attributes"] || {}))',
    );
    const regex = /@secret_name = Regexp\.new\((".*"), Regexp::IGNORECASE\)/.exec(pipeline)![1];
    // The Ruby string literal holds the same pattern the gateway uses.
    const named = new RegExp(JSON.parse(regex!) as string, 'i');
    expect(['db.password', 'access_token', 'gen_ai.usage.input_tokens'].map((n) => named.test(n))).toEqual([
      true,
      true,
      false,
    ]);
  });

  test('never quotes a single quote inside its single-quoted Ruby', () => {
    const ruby = pipeline.split("init => '")[1]!.split("'\n  }")[0]!;
    expect(ruby.split("'").length).toBe(3);
  });

  test('reads Elasticsearch credentials from its keystore, never the pipeline text', () => {
    expect(pipeline).toContain('user => "${ES_USERNAME}"');
    expect(pipeline).toContain('password => "${ES_PASSWORD}"');
    const spec = podSpec(find(files.logstash, 'StatefulSet', 'logstash'));
    expect(spec.volumes!.find((v) => v.name === 'secure-settings')!.projected.sources).toEqual([
      {
        secret: {
          name: 'elasticsearch-logstash',
          items: [
            { key: 'username', path: 'ES_USERNAME' },
            { key: 'password', path: 'ES_PASSWORD' },
          ],
        },
      },
    ]);
    expect(spec.initContainers[0].command[2]).toContain(
      'logstash-keystore --path.settings /mnt/agent-o11y/config add ES_PASSWORD ES_USERNAME',
    );
    expect(spec.containers[0].env.filter((e: any) => e.valueFrom?.secretKeyRef)).toEqual([]);
  });
});

describe('Kibana', () => {
  const { files } = synthStack(PROFILE_CONFIGS.dev);
  const settings = yaml.load(configMapData(files.kibana, 'kibana', 'kibana.yml')) as Record<string, unknown>;

  test('connects to Elasticsearch over verified TLS as kibana_system with a password from a Secret', () => {
    expect(settings['elasticsearch.hosts']).toEqual(['https://elasticsearch.observability.svc:9200']);
    expect(settings['elasticsearch.ssl.verificationMode']).toBe('full');
    expect(settings['elasticsearch.username']).toBe('kibana_system');
    // The password and the encryption keys are secure settings, in the keystore an init container fills from the Secrets.
    expect(Object.keys(settings).filter((k) => /password|encryptionKey/.test(k))).toEqual([]);
    const spec = podSpec(find(files.kibana, 'Deployment', 'kibana'));
    const items = spec
      .volumes!.find((v) => v.name === 'secure-settings')!
      .projected.sources.flatMap((s: any) => s.secret.items.map((i: any) => ({ secret: s.secret.name, ...i })));
    expect(items).toContainEqual({ secret: 'kibana-system', key: 'password', path: 'elasticsearch.password' });
    const script = spec.initContainers[0].command[2];
    for (const setting of [
      'elasticsearch.password',
      'xpack.security.encryptionKey',
      'xpack.encryptedSavedObjects.encryptionKey',
      'xpack.reporting.encryptionKey',
    ]) {
      expect(script).toContain(`| kibana-keystore add ${setting} --stdin`);
    }
    expect(spec.containers[0].env).toBeUndefined();
  });
});

describe('the namespace', () => {
  test('enforces the restricted Pod Security Standard', () => {
    const ns = find(synthStack(PROFILE_CONFIGS.dev).files.namespace, 'Namespace', 'observability');
    expect(ns.metadata.labels!['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });
});

describe('Jaeger span retention', () => {
  const { files } = synthStack(PROFILE_CONFIGS.dev);
  const cronJob = find(files.jaeger, 'CronJob', 'jaeger-index-cleaner') as any;
  const env = Object.fromEntries(
    cronJob.spec.jobTemplate.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]),
  );

  test('deletes span indices older than 7 days, daily, as the Jaeger user over verified TLS', () => {
    expect(cronJob.spec).toMatchObject({ schedule: '15 0 * * *', concurrencyPolicy: 'Forbid' });
    expect(env).toMatchObject({
      ES_URL: 'https://elasticsearch.observability.svc:9200',
      RETENTION_SECONDS: String(7 * 86400),
      INDEX_PREFIX: 'jaeger',
      ES_USERNAME_FILE: '/etc/jaeger/es-credentials/username',
      ES_PASSWORD_FILE: '/etc/jaeger/es-credentials/password',
    });
    const credentials = cronJob.spec.jobTemplate.spec.template.spec.volumes.find(
      (v: any) => v.name === 'es-credentials',
    );
    expect(credentials.secret).toMatchObject({
      secretName: 'elasticsearch-jaeger',
      items: [
        { key: 'username', path: 'username' },
        { key: 'password', path: 'password' },
      ],
    });
    const script = configMapData(files.jaeger, 'jaeger-index-cleaner', 'clean.sh');
    expect(script).toContain('${INDEX_PREFIX}-jaeger-span-*');
    expect(script).toContain('${ES_CA:+--cacert "$ES_CA"}');
    expect(env.ES_CA).toBe('/etc/agent-o11y/es-ca/ca.crt');
  });

  test('follows retention.traces', () => {
    const other = synthStack({
      ...PROFILE_CONFIGS.dev,
      retention: { ...PROFILE_CONFIGS.dev.retention, traces: '14d' },
    }).files;
    const job = find(other.jaeger, 'CronJob', 'jaeger-index-cleaner') as any;
    expect(job.spec.jobTemplate.spec.template.spec.containers[0].env).toContainEqual({
      name: 'RETENTION_SECONDS',
      value: String(14 * 86400),
    });
  });
});
