import {
  DashboardFile,
  PLATFORM_DASHBOARDS,
  analysePromql,
  dashboardCatalogs,
  dashboardFiles,
  seriesIndex,
} from '../../dashboards';
import { DEFAULTS, DashboardPlatform, StackConfig } from '../../src/config';
import * as yaml from 'js-yaml';
import { KubeObject, configMapData, synthStack } from '../helpers';
import { DashboardJson } from './dashboard-json';
import { lezerAnalysis } from './lezer';
import { DATASOURCE_UIDS } from '../../src/lib/names';
import { GENAI, SLOS } from '../rules/sources';

const PLATFORMS = Object.keys(PLATFORM_DASHBOARDS) as DashboardPlatform[];
const MAX_CONFIGMAP_BYTES = 256 * 1024;

/** Every platform's dashboards, with the GenAI metrics priced and SLOs of each shape, so the GenAI and SLO dashboards have all their panels. */
function withPlatforms(platforms: DashboardPlatform[]): StackConfig {
  const c = structuredClone({ ...DEFAULTS, genai: GENAI, slos: SLOS });
  c.dashboards.platforms = platforms;
  return c;
}

const ALL = withPlatforms(PLATFORMS);
const FILES = dashboardFiles(ALL);
const DASHBOARDS = FILES.map((f) => [f.uid, JSON.parse(f.json) as DashboardJson, f] as const);
/** Every panel that shows data (not a row), with its dashboard. */
const PANELS = DASHBOARDS.flatMap(([uid, d]) =>
  d.panels
    .flatMap((p) => (p.type === 'row' ? (p.panels ?? []) : [p]))
    .map((p) => [`${uid} / ${p.title}`, p, uid] as const),
);

/** The platform whose folder holds `file`. */
function platformOf(file: DashboardFile): DashboardPlatform {
  return PLATFORMS.find((id) => PLATFORM_DASHBOARDS[id].folder === file.folder)!;
}

describe('all dashboards', () => {
  // dist/ pins the dashboards the default config renders; the snapshot holds the others, once.
  const inDist = new Set(dashboardFiles(DEFAULTS).map((f) => f.uid));
  test.each(DASHBOARDS.filter(([uid]) => !inDist.has(uid)))('%s renders the reviewed JSON', (_uid, _d, file) => {
    expect(file.json).toMatchSnapshot();
  });

  test('render the same bytes every time', () => {
    expect(dashboardFiles(ALL).map((f) => f.json)).toEqual(FILES.map((f) => f.json));
  });

  test('have unique uids and titles', () => {
    expect(new Set(FILES.map((f) => f.uid)).size).toBe(FILES.length);
    expect(new Set(FILES.map((f) => f.title)).size).toBe(FILES.length);
  });

  test('use only current panel types', () => {
    const types = new Set(PANELS.map(([, p]) => p.type));
    expect([...types].sort()).toEqual(['bargauge', 'gauge', 'heatmap', 'stat', 'state-timeline', 'timeseries']);
  });

  test.each(PANELS)(
    '%s has a query, and every query is valid PromQL selecting only catalogued metrics',
    (_, p, uid) => {
      const file = FILES.find((f) => f.uid === uid)!;
      const declared = seriesIndex(dashboardCatalogs(PLATFORM_DASHBOARDS[platformOf(file)], ALL));
      const exprs = (p.targets ?? []).map((t) => t.expr ?? '');
      expect(exprs.filter((e) => e.trim() !== '')).not.toHaveLength(0);
      for (const expr of exprs) {
        // Prometheus' grammar judges the syntax, and the synth-time reader must see what it sees.
        const judged = lezerAnalysis(expr);
        expect(judged.errors).toEqual([]);
        expect(analysePromql(expr)).toEqual(judged);
        expect(judged.metrics.filter((m) => !declared.has(m))).toEqual([]);
      }
    },
  );

  test.each(PANELS)('%s reads histogram buckets only through rate()', (_, p) => {
    for (const { expr = '' } of p.targets ?? []) {
      const buckets = expr.match(/\w+_bucket\b/g) ?? [];
      const rated = expr.match(/\brate\(\w+_bucket(\{[^}]*\})?\[/g) ?? [];
      expect(rated).toHaveLength(buckets.length);
    }
  });

  test.each(PANELS)('%s has a unit and its own thresholds', (_, p) => {
    expect(p.fieldConfig?.defaults.unit).toMatch(/\S/);
    expect(p.fieldConfig?.defaults.thresholds?.mode).toBe('absolute');
    expect(p.fieldConfig?.defaults.thresholds?.steps[0]).toMatchObject({ value: null });
  });

  test.each(PANELS)('%s queries the datasource the datasource variable selects', (_, p) => {
    expect(p.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
    expect((p.targets ?? []).map((t) => t.datasource?.uid)).toEqual((p.targets ?? []).map(() => '${datasource}'));
  });

  test.each(DASHBOARDS)('%s defaults its datasource variable to the provisioned Prometheus', (_uid, d) => {
    expect(d.templating.list.find((v) => v.name === 'datasource')).toMatchObject({
      type: 'datasource',
      current: { value: DATASOURCE_UIDS.prometheus },
    });
  });

  test.each(DASHBOARDS)(
    '%s numbers its panels uniquely and places them on the 24-column grid without overlap',
    (_uid, d) => {
      const all = d.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
      expect(all.map((p) => p.id)).toEqual(all.map((_, i) => i + 1));
      const taken = new Set<string>();
      for (const { gridPos: g } of d.panels) {
        expect(g.x + g.w).toBeLessThanOrEqual(24);
        for (let x = g.x; x < g.x + g.w; x++) {
          for (let y = g.y; y < g.y + g.h; y++) {
            expect(taken.has(`${x},${y}`)).toBe(false);
            taken.add(`${x},${y}`);
          }
        }
      }
    },
  );

  test('every variable used in a query is defined by its dashboard', () => {
    const builtIn = new Set(['__rate_interval', '__interval', '__range']);
    for (const [uid, d] of DASHBOARDS) {
      const defined = new Set(d.templating.list.map((v) => v.name));
      const used = PANELS.filter(([, , u]) => u === uid).flatMap(([, p]) =>
        (p.targets ?? []).flatMap((t) => [...(t.expr ?? '').matchAll(/\$\{?(\w+)\}?/g)].map((m) => m[1]!)),
      );
      expect([uid, used.filter((v) => !builtIn.has(v) && !defined.has(v))]).toEqual([uid, []]);
    }
  });
});

describe('dashboard provisioning', () => {
  const grafanaObjects = (config: StackConfig): KubeObject[] => synthStack(config).files.grafana;
  const dashboardMaps = (objects: KubeObject[]) =>
    objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('grafana-dashboards-'));

  test('ships the MS-framework and stack folders by default', () => {
    expect(dashboardMaps(grafanaObjects(DEFAULTS)).map((o) => o.metadata.name)).toEqual([
      'grafana-dashboards-ms-framework',
      'grafana-dashboards-agent-o11y-stack',
    ]);
  });

  // The Grafana construct orders folders by name.
  test('ships one ConfigMap per chosen platform, whatever order the config lists them in', () => {
    const names = (platforms: DashboardPlatform[]) =>
      dashboardMaps(grafanaObjects(withPlatforms(platforms))).map((o) => o.metadata.name);
    expect(names(['agentcore', 'sutazai'])).toEqual(['grafana-dashboards-agentcore', 'grafana-dashboards-sutazai']);
    expect(names(['sutazai', 'agentcore'])).toEqual(names(['agentcore', 'sutazai']));
    expect(names([])).toEqual([]);
  });

  test('keeps every dashboard ConfigMap under 256 KiB, the client-side apply annotation limit', () => {
    const maps = dashboardMaps(grafanaObjects(ALL));
    expect(maps).toHaveLength(PLATFORMS.length);
    for (const map of maps) {
      expect([map.metadata.name, Buffer.byteLength(JSON.stringify(map)) < MAX_CONFIGMAP_BYTES]).toEqual([
        map.metadata.name,
        true,
      ]);
    }
  });
});

describe('the stack dashboard', () => {
  const { files } = synthStack(DEFAULTS);
  const stack = FILES.find((f) => f.uid === 'agent-o11y-stack')!.json;

  test('queries only scrape jobs Prometheus has', () => {
    const prometheus = yaml.load(configMapData(files.prometheus, 'prometheus', 'prometheus.yml')) as {
      scrape_configs: { job_name: string }[];
    };
    const jobs = prometheus.scrape_configs.map((c) => c.job_name);
    const used = [...new Set([...stack.matchAll(/job=\\"([^"\\]+)\\"/g)].map((m) => m[1]!))];
    expect(used.sort()).toEqual(['alertmanager', 'jaeger', 'otel-collector', 'prometheus']);
    expect(used.filter((j) => !jobs.includes(j))).toEqual([]);
  });

  test('names an exporter the collector has for the spans it sends to Jaeger', () => {
    const collector = yaml.load(configMapData(files['otel-collector'], 'otel-collector', 'config.yaml')) as {
      exporters: Record<string, unknown>;
    };
    expect(stack).toContain('exporter=~\\"otlp_grpc/jaeger.*\\"');
    expect(Object.keys(collector.exporters)).toContain('otlp_grpc/jaeger');
  });
});

describe('the Progressive v5 dashboards', () => {
  const json = FILES.filter((f) => f.uid.startsWith('progressive-v5-'))
    .map((f) => f.json)
    .join('\n');

  test("read each configured agent's prefixed metrics, as its alert pack does, not the seed's unprefixed names", () => {
    for (const agent of ALL.alerts.progressiveV5.agents) {
      expect(json).toContain(`${agent}_health_status{`);
      expect(json).toContain(`${agent}_requests_total{`);
    }
    expect(json).not.toMatch(/[^_a-z]agent_health_status|[^_a-z]requests_total|[^_a-z]process_resident_memory_bytes/);
  });
});

describe('threshold lines', () => {
  /** The threshold values of one panel of the dashboards rendered from `config`. */
  const steps = (config: StackConfig, uid: string, title: string): number[] => {
    const dashboardJson = dashboardFiles(config).find((f) => f.uid === uid)!;
    const panel = (JSON.parse(dashboardJson.json) as DashboardJson).panels
      .flatMap((p) => (p.type === 'row' ? (p.panels ?? []) : [p]))
      .find((p) => p.title === title)!;
    return panel.fieldConfig!.defaults.thresholds!.steps.map((s) => s.value).filter((v): v is number => v !== null);
  };

  test('follow the thresholds of the alerts they draw, from the same config', () => {
    const config = withPlatforms(PLATFORMS);
    config.alerts.multiagents = { ...config.alerts.multiagents, cpuPercent: 75, errorRatio: 0.2 };
    config.alerts.agentcore = { ...config.alerts.agentcore, systemMemoryPercent: 70 };
    config.alerts.sutazai = { ...config.alerts.sutazai, cpuPercent: 95 };
    config.alerts.msFramework = {
      ...config.alerts.msFramework,
      coordinationFailuresPerSecond: 0.2,
      cliProcessFailuresPerSecond: 0.3,
    };
    config.alerts.progressiveV5 = {
      ...config.alerts.progressiveV5,
      mcaLatencyP95Seconds: 3,
      mcaErrorRatio: 0.02,
      slaLatencyP95Seconds: 0.25,
      agentMemoryMiB: 512,
    };
    const uidOf = (prefix: string) => dashboardFiles(config).find((f) => f.uid.startsWith(prefix))!.uid;
    expect(steps(config, uidOf('multiagents'), 'Host CPU')).toEqual([75]);
    expect(steps(config, uidOf('multiagents'), 'Event Error Ratio')).toEqual([0.2]);
    expect(steps(config, uidOf('agentcore'), 'Host')).toEqual([70]);
    expect(steps(config, uidOf('sutazai'), 'CPU')).toEqual([80, 95]);
    expect(steps(config, 'progressive-v5-mca', 'MCA Response Time')).toEqual([3]);
    expect(steps(config, 'progressive-v5-mca', 'MCA 5xx Ratio')).toEqual([0.01, 0.02]);
    expect(steps(config, 'progressive-v5-agent-health', 'Agent Response Time p95')).toEqual([0.25]);
    expect(steps(config, 'progressive-v5-agent-health', 'Memory Usage by Agent')).toEqual([512 * 1024 ** 2]);
    expect(steps(config, 'ms-swarm-coordination', 'Coordination Failures')).toEqual([0.2]);
    expect(steps(config, 'ms-hooks-cli', 'CLI Process Failures')).toEqual([0.3]);
  });
});
