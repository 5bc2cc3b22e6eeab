/**
 * Every rendered collector config (gateway and agent) of every profile, example and branch the profiles
 * do not take is read by the real collector (`otelcol validate`, the judge built from test/judges/collector
 * at the deployed image's version) with the environment its pod spec gives it; then the project's own
 * rules that the collector does not check (check-collector-config.ts).
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { resolveConfig } from '../../src/config/loader';
import { StackConfig } from '../../src/config/types';
import { ALL_CONFIGS, synthStack } from '../helpers';
import { mountsServiceAccountToken, podEnv, renderedConfig, runJudge, withServiceAccount } from '../judge';
import { requireTool } from '../tools';
import { collectorConfigProblems, ComponentTypes } from './check-collector-config';

const otelcol = requireTool('otelcol');

/** Every profile and example, and the branches they do not take. */
const CONFIGS: Array<[string, StackConfig]> = [
  ...Object.entries(ALL_CONFIGS),
  // Trace-ID routing in dev, redaction and error sampling (the agent rules too) off.
  [
    'dev with 2 replicas and no redaction',
    resolveConfig({
      collector: {
        replicas: 2,
        redaction: { enabled: false },
        sampling: { keepErrors: false, keepToolErrors: false, tokensPerCallAbove: 0, agentTraceSpansAbove: 0 },
      },
    }),
  ],
  [
    'production with e-mails removed and no IPv4 rule',
    resolveConfig({
      profile: 'production',
      collector: { redaction: { emails: 'remove', ipv4: 'keep', pseudonymize: [] } },
    }),
  ],
  // Log sampling of records without a severity, only in the streams a record names (the first is exempt).
  [
    'production with the default log stream exempt and a resource label added',
    resolveConfig({
      profile: 'production',
      collector: {
        logSampling: { unspecified: 50, exemptStreams: ['agents'] },
        resourceLabels: { deployment: 'k8s.deployment.name' },
      },
    }),
  ],
  // The content policy's other modes: hashed in place, and kept in its own stream (named before log sampling).
  ['dev with prompt content hashed', resolveConfig({ genai: { content: { mode: 'hash' } } })],
  [
    'production with prompt content kept 3d and exempt from log sampling',
    resolveConfig({
      profile: 'production',
      genai: { content: { mode: 'keep', keepFor: '3d' } },
      collector: { logSampling: { exemptStreams: ['audit', 'genai_content'] } },
    }),
  ],
];

/** The collector workloads: the gateway and the agent, each named like its ConfigMap. */
const COLLECTORS = [
  ['gateway', 'otel-collector'],
  ['agent', 'otel-agent'],
] as const;

/** The judged collector's component types, from its own `components` command. */
function judgedComponentTypes(): ComponentTypes {
  const listed = yaml.load(runJudge(otelcol, ['components'])) as Record<string, Array<{ name: string }> | null>;
  const names = (kind: string) => (listed[kind] ?? []).map((c) => c.name);
  return {
    receivers: names('receivers'),
    processors: names('processors'),
    exporters: names('exporters'),
    extensions: names('extensions'),
    connectors: names('connectors'),
  };
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-o11y-otelcol-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe.each(CONFIGS)('the collector configs of %s', (name, config) => {
  const { files } = synthStack(config);
  const objects = [...files['otel-collector'], ...files['otel-agent']];

  describe.each(COLLECTORS)('the %s', (_role, workload) => {
    const rendered = renderedConfig(objects, workload);

    test('is accepted by `otelcol validate` with its pod environment', () => {
      const file = path.join(dir, `${name.replace(/\W+/g, '-')}-${workload}.yaml`);
      fs.writeFileSync(file, rendered);
      // validate builds every component: the agent's Kubernetes clients need the pod's service account files.
      const args = ['validate', `--config=${file}`];
      const [bin, argv] = mountsServiceAccountToken(objects, workload)
        ? withServiceAccount(dir, otelcol, args)
        : [otelcol, args];
      runJudge(bin, argv, podEnv(objects, workload));
    });

    test("keeps the project's rules the collector does not check", () => {
      expect(collectorConfigProblems(yaml.load(rendered) as Record<string, unknown>, judgedComponentTypes())).toEqual(
        [],
      );
    });
  });
});

test('`otelcol validate` rejects a misspelt key, naming it (the judge judges)', () => {
  const { files } = synthStack(ALL_CONFIGS.dev);
  const broken = yaml.load(renderedConfig(files['otel-collector'], 'otel-collector')) as {
    processors: Record<string, Record<string, unknown>>;
  };
  broken.processors.batch!.send_batch_sise = 1;
  const file = path.join(dir, 'broken.yaml');
  fs.writeFileSync(file, yaml.dump(broken));
  expect(() =>
    runJudge(otelcol, ['validate', `--config=${file}`], podEnv(files['otel-collector'], 'otel-collector')),
  ).toThrow(/send_batch_sise/);
});

/** A collector config with one tail_sampling processor between an OTLP receiver on a free port and the debug exporter. */
function tailSamplingOnly(processor: unknown, name: string): string {
  const file = path.join(dir, `tail-sampling-${name}.yaml`);
  fs.writeFileSync(
    file,
    yaml.dump({
      receivers: { otlp: { protocols: { grpc: { endpoint: '127.0.0.1:0' } } } },
      processors: { tail_sampling: processor },
      exporters: { debug: {} },
      service: {
        telemetry: { metrics: { level: 'none' } },
        pipelines: { traces: { receivers: ['otlp'], processors: ['tail_sampling'], exporters: ['debug'] } },
      },
    }),
  );
  return file;
}

/** Runs the collector on `file`; resolves with nothing once it is running (then stops it), or with its output when it exits first. */
function startFailure(file: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const child = spawn(otelcol, [`--config=${file}`], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: '' } });
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the collector neither started nor exited within 20 s:\n${output}`));
    }, 20_000);
    const read = (d: Buffer) => {
      output += String(d);
      if (output.includes('Everything is ready')) child.kill('SIGTERM');
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve(output.includes('Everything is ready') ? undefined : output);
    });
  });
}

/** Each distinct tail_sampling processor the configs render, named by the configs that render it, and numbered. */
function tailSamplingProcessors(): Array<[string, unknown, number]> {
  const distinct = new Map<string, string[]>();
  for (const [name, config] of CONFIGS) {
    const gateway = yaml.load(renderedConfig(synthStack(config).files['otel-collector'], 'otel-collector')) as {
      processors: Record<string, unknown>;
    };
    const key = JSON.stringify(gateway.processors.tail_sampling);
    distinct.set(key, [...(distinct.get(key) ?? []), name]);
  }
  return [...distinct].map(([key, names], i) => [names.join('; '), JSON.parse(key), i]);
}

// `otelcol validate` builds the tail_sampling processor but not its policies, which the collector loads
// when it starts: an OTTL condition it cannot parse passes validate (the last test shows it).
describe('the tail-sampling policies', () => {
  test.each(tailSamplingProcessors())('of %s load when the real collector starts', async (_names, processor, i) => {
    expect(await startFailure(tailSamplingOnly(processor, `rendered-${i}`))).toBeUndefined();
  });

  test('fails to start on a policy the collector cannot load, which `otelcol validate` accepts', async () => {
    const file = tailSamplingOnly(
      {
        decision_wait: '1s',
        policies: [
          {
            name: 'broken',
            type: 'ottl_condition',
            ottl_condition: { error_mode: 'ignore', span: ['span.statuss.code == STATUS_CODE_ERROR'] },
          },
        ],
      },
      'broken',
    );
    runJudge(otelcol, ['validate', `--config=${file}`]);
    expect(await startFailure(file)).toMatch(/failed to create policy evaluator for "broken".*statuss/);
  });
});

describe('the collector config checker', () => {
  const sound = () => ({
    extensions: { health_check: {}, 'file_storage/queue': { directory: '/q' } },
    receivers: { otlp: {} },
    processors: { memory_limiter: {}, batch: {} },
    exporters: { 'otlp_grpc/out': { sending_queue: { storage: 'file_storage/queue' } } },
    service: {
      extensions: ['health_check', 'file_storage/queue'],
      pipelines: {
        traces: { receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['otlp_grpc/out'] },
      },
    },
  });

  const types: ComponentTypes = {
    receivers: ['otlp'],
    processors: ['memory_limiter', 'batch'],
    exporters: ['otlp_grpc'],
    extensions: ['health_check', 'file_storage'],
    connectors: [],
  };

  test('accepts a sound config', () => {
    expect(collectorConfigProblems(sound(), types)).toEqual([]);
  });

  test('fails a pipeline naming an undefined component, and a defined component no pipeline uses', () => {
    const config = sound();
    config.service.pipelines.traces.exporters = ['otlp_http/missing'];
    expect(collectorConfigProblems(config, types)).toEqual([
      "service.pipelines.traces.exporters: 'otlp_http/missing' is not defined under exporters",
      'exporters.otlp_grpc/out: defined but used by no pipeline',
    ]);
  });

  test('fails a component type the judged collector does not list (a deprecated alias or a missing component)', () => {
    const config = sound() as any;
    config.exporters = { otlp: {}, jaeger: {}, nonsense: {} };
    config.service.pipelines.traces.exporters = ['otlp', 'jaeger', 'nonsense'];
    expect(collectorConfigProblems(config, types)).toEqual([
      "exporters.otlp: the judged collector has no exporter named 'otlp' (a deprecated alias or a missing component)",
      "exporters.jaeger: the judged collector has no exporter named 'jaeger' (a deprecated alias or a missing component)",
      "exporters.nonsense: the judged collector has no exporter named 'nonsense' (a deprecated alias or a missing component)",
    ]);
  });

  test('fails a pipeline that does not start with memory_limiter', () => {
    const config = sound();
    config.service.pipelines.traces.processors = ['batch', 'memory_limiter'];
    expect(collectorConfigProblems(config, types)).toEqual([
      'service.pipelines.traces.processors: must start with memory_limiter, got [batch, memory_limiter]',
    ]);
  });

  test('fails an extension that is not enabled and a queue on storage that is not defined', () => {
    const config = sound();
    config.service.extensions = ['health_check'];
    config.exporters['otlp_grpc/out'].sending_queue.storage = 'file_storage/other';
    expect(collectorConfigProblems(config, types)).toEqual([
      'extensions.file_storage/queue: defined but not enabled in service.extensions',
      "exporters.otlp_grpc/out.sending_queue.storage: 'file_storage/other' is not a defined extension",
    ]);
  });
});
