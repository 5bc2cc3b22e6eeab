import * as fs from 'fs';
import * as path from 'path';
import { loadConfig } from '../src/config/loader';
import { synthStack } from './helpers';
import { dashboardFiles, PLATFORM_DASHBOARDS } from '../dashboards/all';
import { DashboardPlatform, PlatformName } from '../src/config/types';

// promtool, amtool, otelcol, jaeger and checkov read every example's configs with the profiles'
// (test/validate/real-tools.test.ts and the others walk ALL_CONFIGS); here, what an example is for.
// An example named after a platform monitors that platform; the others each show a deployment mode
// (operator output, an existing Elasticsearch, ...) and are held to it by that mode's own test.
const EXAMPLES = path.resolve(__dirname, '..', 'examples');
const PLATFORMS: readonly PlatformName[] = ['ms-framework', 'multiagents', 'sutazai', 'agentcore', 'progressive-v5'];
const platformExamples = fs.readdirSync(EXAMPLES).filter((dir) => (PLATFORMS as readonly string[]).includes(dir));

test('every platform has its example', () => {
  expect(platformExamples.sort()).toEqual([...PLATFORMS].sort());
});

describe.each(platformExamples.sort())('examples/%s/agent-o11y.yaml', (platform) => {
  const config = loadConfig(path.join(EXAMPLES, platform, 'agent-o11y.yaml'));
  const { parts } = synthStack(config);

  test('monitors its platform with its alert pack, the stack pack and, where it has them, the GenAI and SLO packs', () => {
    expect(config.platforms).toEqual([platform]);
    const packs = [
      platform,
      'stack',
      ...(config.genai.enabled ? ['genai'] : []),
      ...(config.slos.length > 0 ? ['slo'] : []),
    ];
    expect(Object.keys(parts.ruleFiles).sort()).toEqual(packs.map((p) => `${p}.rules.yaml`).sort());
  });

  test("ships its platform's dashboards and the stack's, the GenAI and SLO ones where it has them, and no other platform's", () => {
    const folders = new Set(dashboardFiles(config).map((d) => d.folder));
    const shipped: DashboardPlatform[] = [
      platform as DashboardPlatform,
      'stack',
      ...(config.genai.enabled ? (['genai'] as const) : []),
      ...(config.slos.length > 0 ? (['slo'] as const) : []),
    ];
    expect(folders).toEqual(new Set(shipped.map((p) => PLATFORM_DASHBOARDS[p].folder)));
  });
});

describe('the examples keep what their seeds ask for', () => {
  const example = (name: string) => loadConfig(path.join(EXAMPLES, name, 'agent-o11y.yaml'));

  test('SutazAI (seed 002): metrics 90 days, traces 7 days, 10% of traces sampled', () => {
    const config = example('sutazai');
    expect([config.prometheus.retention.time, config.retention.traces, config.collector.sampling.percentage]).toEqual([
      '90d',
      '7d',
      10,
    ]);
  });

  test('Progressive v5 (seed 004): 10% of traces sampled in production', () => {
    const config = example('progressive-v5');
    expect([config.profile, config.collector.sampling.percentage]).toEqual(['production', 10]);
  });
});
