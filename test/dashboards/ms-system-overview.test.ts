import {
  MS_SYSTEM_OVERVIEW_UID,
  TASK_ERROR_RATIO_CRITICAL,
  dashboardFiles,
  msSystemOverview,
  thresholds,
  toDashboardFile,
} from '../../dashboards';
import { DEFAULTS, StackConfig } from '../../src/config';
import { DashboardJson, PanelJson } from './dashboard-json';
import { lezerAnalysis } from './lezer';
import { DATASOURCE_UIDS } from '../../src/lib/names';

const MAX_DASHBOARD_BYTES = 256 * 1024;

function config(change: (c: StackConfig) => void = () => undefined): StackConfig {
  const c = structuredClone(DEFAULTS);
  change(c);
  return c;
}

function render(c: StackConfig = DEFAULTS): string {
  return toDashboardFile(msSystemOverview(c), 'MS Framework').json;
}

function parsed(c: StackConfig = DEFAULTS): DashboardJson {
  return JSON.parse(render(c)) as DashboardJson;
}

function panel(title: string, c: StackConfig = DEFAULTS): PanelJson {
  const found = parsed(c).panels.find((p) => p.title === title);
  if (found === undefined) {
    throw new Error(`no panel titled '${title}'`);
  }
  return found;
}

function stepValues(p: PanelJson): (number | null)[] {
  return (p.fieldConfig?.defaults.thresholds?.steps ?? []).map((s) => s.value);
}

/** PromQL syntax errors, as Prometheus' own grammar sees the query Grafana sends. */
function promqlErrors(expr: string): string[] {
  return lezerAnalysis(expr).errors;
}

const PANELS = parsed().panels;

describe('msSystemOverview', () => {
  test('renders the same bytes every time', () => {
    expect(render()).toBe(render());
  });

  test('keeps its fixed uid, which no other dashboard uses', () => {
    const files = dashboardFiles(DEFAULTS);
    expect(parsed().uid).toBe(MS_SYSTEM_OVERVIEW_UID);
    expect(files.map((f) => f.uid)).toContain(MS_SYSTEM_OVERVIEW_UID);
    expect(new Set(files.map((f) => f.uid)).size).toBe(files.length);
  });

  test('uses no removed Angular graph panel', () => {
    expect(PANELS.map((p) => p.type)).not.toContain('graph');
  });

  test.each(PANELS.map((p) => [p.title, p] as const))('panel %s has at least one query with an expression', (_, p) => {
    expect((p.targets ?? []).filter((t) => (t.expr ?? '').trim() !== '')).not.toHaveLength(0);
  });

  test.each(PANELS.map((p) => [p.title, p] as const))('panel %s queries valid PromQL', (_, p) => {
    for (const target of p.targets ?? []) {
      expect(promqlErrors(target.expr ?? '')).toEqual([]);
    }
  });

  test.each(PANELS.map((p) => [p.title, p] as const))('panel %s has a unit and its own thresholds', (_, p) => {
    expect(p.fieldConfig?.defaults.unit).toMatch(/\S/);
    expect(p.fieldConfig?.defaults.thresholds?.steps[0]).toEqual({ value: null, color: 'green' });
  });

  test('gives every panel a unique id and a place on the 24-column grid that no other panel takes', () => {
    expect(new Set(PANELS.map((p) => p.id)).size).toBe(PANELS.length);
    const taken = new Set<string>();
    for (const { gridPos: g } of PANELS) {
      expect(g.x + g.w).toBeLessThanOrEqual(24);
      for (let x = g.x; x < g.x + g.w; x++) {
        for (let y = g.y; y < g.y + g.h; y++) {
          expect(taken.has(`${x},${y}`)).toBe(false);
          taken.add(`${x},${y}`);
        }
      }
    }
  });

  test('queries only the datasource the datasource variable selects, which defaults to the provisioned Prometheus', () => {
    const variable = parsed().templating.list.find((v) => v.name === 'datasource');
    expect(variable).toMatchObject({ type: 'datasource', current: { value: DATASOURCE_UIDS.prometheus } });
    for (const p of PANELS) {
      expect(p.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect((p.targets ?? []).map((t) => t.datasource?.uid)).not.toContain(undefined);
    }
  });

  test('stays under 256 KiB', () => {
    expect(Buffer.byteLength(render())).toBeLessThan(MAX_DASHBOARD_BYTES);
  });

  test('draws the error-rate warning at the configured taskErrorRatio and the critical one at the baseline', () => {
    const changed = config((c) => {
      c.alerts.msFramework.taskErrorRatio = 0.02;
    });
    expect(stepValues(panel('Error Rate'))).toEqual([
      null,
      DEFAULTS.alerts.msFramework.taskErrorRatio,
      TASK_ERROR_RATIO_CRITICAL,
    ]);
    expect(stepValues(panel('Error Rate', changed))).toEqual([null, 0.02, TASK_ERROR_RATIO_CRITICAL]);
    expect(render(changed)).not.toBe(render());
  });

  test('drops the critical error-rate step when the configured warning reaches it', () => {
    const changed = config((c) => {
      c.alerts.msFramework.taskErrorRatio = 0.2;
    });
    expect(stepValues(panel('Error Rate', changed))).toEqual([null, 0.2]);
  });

  test('draws the latency, CPU and queue thresholds from the alert config', () => {
    const changed = config((c) => {
      c.alerts.msFramework.taskLatencyP95Seconds = 12;
      c.alerts.msFramework.agentCpuPercent = 65;
      c.alerts.msFramework.messageQueueDepth = 250;
    });
    expect(stepValues(panel('Task Duration p95', changed))).toEqual([null, 12]);
    expect(stepValues(panel('Resource Utilization', changed))).toEqual([null, 65]);
    expect(stepValues(panel('Message Queue Depth', changed))).toEqual([null, 250]);
  });
});

describe('dashboard helpers', () => {
  test('the PromQL check finds a syntax error', () => {
    expect(promqlErrors('sum by (task_type) (rate(task_errors_total[$__rate_interval])')).not.toEqual([]);
  });

  test('fails to serialize a dashboard without a valid uid', () => {
    const dashboard = msSystemOverview(DEFAULTS);
    expect(() => toDashboardFile({ ...dashboard, uid: undefined }, 'MS Framework')).toThrow(
      "dashboards: 'Mister Smith - System Overview' uid '' must be 1-40 characters",
    );
  });

  test('names the file after the uid and ends the JSON with a newline', () => {
    const file = toDashboardFile(msSystemOverview(DEFAULTS), 'MS Framework');
    expect(file).toMatchObject({ fileName: 'ms-system-overview.json', folder: 'MS Framework' });
    expect(file.json.endsWith('}\n')).toBe(true);
  });

  test('fails when threshold steps do not ascend', () => {
    expect(() => thresholds({ value: 10, color: 'yellow' }, { value: 10, color: 'red' })).toThrow(
      'dashboards: threshold steps must ascend, got 10 after 10',
    );
  });
});
