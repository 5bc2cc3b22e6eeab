import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadConfig, resolveConfig } from '../src/config/loader';
import { synthToDirectory } from '../app/synth';
import { ALL_CONFIGS, find, synthStack } from './helpers';
import { stackApp } from '../app/stack';
import type { StackFile } from '../src/lib/names';

const ROOT = path.resolve(__dirname, '..');

function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else out[path.relative(dir, full)] = fs.readFileSync(full, 'utf8');
    }
  };
  walk(dir);
  return out;
}

describe('synthesized output', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-o11y-out-'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('is byte-identical when synthesized twice', () => {
    const config = loadConfig(path.join(ROOT, 'agent-o11y.yaml'));
    synthToDirectory(config, path.join(tmp, 'a'));
    synthToDirectory(config, path.join(tmp, 'b'));
    const a = readTree(path.join(tmp, 'a'));
    expect(Object.keys(a).length).toBeGreaterThanOrEqual(11);
    expect(readTree(path.join(tmp, 'b'))).toEqual(a);
  });

  test('matches the committed dist/ (run `npm run synth` and commit dist/ when this fails)', () => {
    const fresh = readTree(path.join(tmp, 'a'));
    const committed = readTree(path.join(ROOT, 'dist'));
    expect(Object.keys(committed).sort()).toEqual(Object.keys(fresh).sort());
    for (const file of Object.keys(fresh)) {
      expect([file, committed[file]]).toEqual([file, fresh[file]]);
    }
  });

  test('writes one file per component plus plain rule files', () => {
    expect(Object.keys(readTree(path.join(tmp, 'a'))).sort()).toEqual([
      'alertmanager.k8s.yaml',
      'elasticsearch-exporter.k8s.yaml',
      'elasticsearch.k8s.yaml',
      'grafana.k8s.yaml',
      'jaeger.k8s.yaml',
      'kibana.k8s.yaml',
      'kube-state-metrics.k8s.yaml',
      'logstash.k8s.yaml',
      'namespace.k8s.yaml',
      'network-policies-agent.k8s.yaml',
      'network-policies.k8s.yaml',
      'node-exporter.k8s.yaml',
      'otel-agent.k8s.yaml',
      'otel-collector.k8s.yaml',
      'pki.k8s.yaml',
      'prometheus.k8s.yaml',
      'rules/ms-framework.rules.yaml',
      'rules/stack.rules.yaml',
    ]);
  });

  test('embeds configuration files as multi-line block literals', () => {
    const tree = readTree(path.join(tmp, 'a'));
    expect(tree['prometheus.k8s.yaml']).toContain('  prometheus.yml: |\n    global:\n');
    expect(tree['alertmanager.k8s.yaml']).toContain('  alertmanager.yml: |\n    route:\n');
    expect(tree['otel-collector.k8s.yaml']).toContain('  config.yaml: |\n    extensions:\n');
    expect(tree['logstash.k8s.yaml']).toContain('  otlp-logs.conf: |\n    input {\n');
  });

  test('contains no timestamps or random names', () => {
    const all = Object.values(readTree(path.join(tmp, 'a'))).join('\n');
    expect(all).not.toMatch(/\b20\d\d-\d\d-\d\dT\d\d:\d\d/);
    expect(all).not.toMatch(/-c8[0-9a-f]{8}\b/);
  });
});

describe('config hashes', () => {
  const annotation = (config: ReturnType<typeof resolveConfig>, chart: string, kind: string, name: string) => {
    const obj = find(synthStack(config).files[chart as StackFile], kind, name) as unknown as {
      spec: { template: { metadata: { annotations: Record<string, string> } } };
    };
    return obj.spec.template.metadata.annotations['agent-o11y.dev/config-hash'];
  };

  test('roll a workload whose rendered config changed, and only that workload', () => {
    const before = resolveConfig({});
    const after = resolveConfig({ prometheus: { scrapeInterval: '15s' } });
    expect(annotation(after, 'prometheus', 'StatefulSet', 'prometheus')).not.toEqual(
      annotation(before, 'prometheus', 'StatefulSet', 'prometheus'),
    );
    expect(annotation(after, 'alertmanager', 'StatefulSet', 'alertmanager')).toEqual(
      annotation(before, 'alertmanager', 'StatefulSet', 'alertmanager'),
    );
  });

  test('change when a rule threshold changes', () => {
    const before = resolveConfig({});
    const after = resolveConfig({ alerts: { msFramework: { agentCpuPercent: 90 } } });
    expect(annotation(after, 'prometheus', 'StatefulSet', 'prometheus')).not.toEqual(
      annotation(before, 'prometheus', 'StatefulSet', 'prometheus'),
    );
  });
});

describe.each(Object.keys(ALL_CONFIGS))('the files of the %s config', (name) => {
  test("are what cdk8s' own app.synth() writes, each chart serialized once (no construct declares a dependency)", () => {
    const config = ALL_CONFIGS[name]!;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-o11y-charts-'));
    try {
      synthToDirectory(config, path.join(dir, 'ours'));
      const { app } = stackApp(config, path.join(dir, 'cdk8s'));
      app.synth();
      expect(app.node.findAll().filter((c) => c.node.dependencies.length > 0)).toEqual([]);
      const cdk8s = readTree(path.join(dir, 'cdk8s'));
      // cdk8s writes a chart without objects as an empty file; ours leaves it out.
      const written = Object.fromEntries(Object.entries(cdk8s).filter(([, text]) => text !== ''));
      const ours = readTree(path.join(dir, 'ours'));
      expect(Object.fromEntries(Object.entries(ours).filter(([file]) => !file.startsWith('rules')))).toEqual(written);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
