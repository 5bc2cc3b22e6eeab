import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import * as gauge from '@grafana/grafana-foundation-sdk/gauge';
import * as heatmap from '@grafana/grafana-foundation-sdk/heatmap';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as statetimeline from '@grafana/grafana-foundation-sdk/statetimeline';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { DATASOURCE_UIDS } from '../src/lib/names';

/** Name of the template variable that selects the Prometheus datasource. */
export const DATASOURCE_VARIABLE = 'datasource';

/** Threshold colours by the severity of the alert a threshold mirrors. */
export const SEVERITY_COLORS = { ok: 'green', warning: 'yellow', critical: 'red' } as const;

/** One threshold step above the base: from `value` up, the panel shows `color`. */
export interface ThresholdStep {
  readonly value: number;
  readonly color: string;
}

/** What every Prometheus panel states: title, description, unit, thresholds and its queries. */
export interface PanelOptions {
  readonly title: string;
  readonly description: string;
  /** Grafana unit id, e.g. `short`, `percentunit`, `s`. */
  readonly unit: string;
  readonly thresholds: dashboard.ThresholdsConfigBuilder;
  readonly targets: readonly prometheus.DataqueryBuilder[];
}

/** Datasource ref of every Prometheus panel and query: whatever the `datasource` variable selects. */
export function prometheusDatasource(): common.DataSourceRef {
  return { type: 'prometheus', uid: `\${${DATASOURCE_VARIABLE}}` };
}

/** The `datasource` variable, defaulting to the provisioned Prometheus. */
export function prometheusDatasourceVariable(): dashboard.DatasourceVariableBuilder {
  return new dashboard.DatasourceVariableBuilder(DATASOURCE_VARIABLE)
    .label('Data source')
    .type('prometheus')
    .current({ selected: true, text: 'Prometheus', value: DATASOURCE_UIDS.prometheus });
}

/** A multi-value variable over the values of `label` on `metric`; "All" matches every value. */
export function labelValuesVariable(name: string, metric: string, label: string): dashboard.QueryVariableBuilder {
  const query = `label_values(${metric}, ${label})`;
  return (
    new dashboard.QueryVariableBuilder(name)
      .label(label)
      .datasource(prometheusDatasource())
      .query(query)
      .definition(query)
      .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
      .sort(dashboard.VariableSort.AlphabeticalAsc)
      .multi(true)
      .includeAll(true)
      // Without an explicit allValue Grafana expands "All" into a list of every value it has seen.
      .allValue('.*')
      .current({ selected: true, text: 'All', value: '$__all' })
  );
}

/**
 * A PromQL query in code mode, so Grafana's query builder never rewrites it. A query over histogram
 * buckets also fetches exemplars: their `trace_id` links a point on the panel to its trace in Jaeger.
 */
export function promQuery(expr: string, legendFormat: string, refId = 'A'): prometheus.DataqueryBuilder {
  const query = new prometheus.DataqueryBuilder()
    .datasource(prometheusDatasource())
    .editorMode(prometheus.QueryEditorMode.Code)
    .expr(expr)
    .legendFormat(legendFormat)
    .refId(refId);
  return /_bucket\b/.test(expr) ? query.exemplar(true) : query;
}

/**
 * Absolute thresholds: green from the bottom, then each step. Every panel sets its thresholds so
 * Grafana's implicit "red at 80" never shows on a panel it means nothing to.
 */
export function thresholds(...steps: ThresholdStep[]): dashboard.ThresholdsConfigBuilder {
  steps.forEach((step, i) => {
    const before = steps[i - 1];
    if (before !== undefined && step.value <= before.value) {
      throw new Error(`dashboards: threshold steps must ascend, got ${step.value} after ${before.value}`);
    }
  });
  return new dashboard.ThresholdsConfigBuilder()
    .mode(dashboard.ThresholdsMode.Absolute)
    .steps([{ value: null, color: SEVERITY_COLORS.ok }, ...steps.map((s) => ({ value: s.value, color: s.color }))]);
}

/** The builder methods every panel type shares (each SDK panel builder has them, typed to itself). */
interface PanelBase<B> {
  title(title: string): B;
  description(description: string): B;
  datasource(ref: common.DataSourceRef): B;
  targets(targets: prometheus.DataqueryBuilder[]): B;
  unit(unit: string): B;
}

/** Title, description, the Prometheus datasource, queries and unit: what every panel here starts with. */
function panelBase<B extends PanelBase<B>>(
  panel: B,
  options: Pick<PanelOptions, 'title' | 'description' | 'unit'> & {
    readonly targets: readonly prometheus.DataqueryBuilder[];
  },
): B {
  return panel
    .title(options.title)
    .description(options.description)
    .datasource(prometheusDatasource())
    .targets([...options.targets])
    .unit(options.unit);
}

/** A stat panel showing the last value, coloured by its thresholds, with a sparkline. */
export function statPanel(options: PanelOptions): stat.PanelBuilder {
  return panelBase(new stat.PanelBuilder(), options)
    .thresholds(options.thresholds)
    .colorScheme(new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.Thresholds))
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .graphMode(common.BigValueGraphMode.Area)
    .colorMode(common.BigValueColorMode.Value);
}

/** A time series panel: one colour per series, thresholds drawn as dashed lines, legend and shared tooltip. */
export function timeseriesPanel(options: PanelOptions): timeseries.PanelBuilder {
  return (
    panelBase(new timeseries.PanelBuilder(), options)
      .thresholds(options.thresholds)
      .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed))
      .colorScheme(new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.PaletteClassic))
      .lineWidth(1)
      .fillOpacity(10)
      .showPoints(common.VisibilityMode.Never)
      // The SDK's default legend is hidden; series here are only told apart by their labels.
      .legend(
        new common.VizLegendOptionsBuilder()
          .showLegend(true)
          .displayMode(common.LegendDisplayMode.List)
          .placement(common.LegendPlacement.Bottom),
      )
      .tooltip(
        new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending),
      )
  );
}

/** Settings every dashboard shares: uid, tags, refresh, time range, shared crosshair, read-only, datasource variable. */
export function baseDashboard(options: {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly tags: readonly string[];
}): dashboard.DashboardBuilder {
  return (
    new dashboard.DashboardBuilder(options.title)
      .uid(options.uid)
      .description(options.description)
      .tags([...options.tags, 'agent-o11y'])
      .refresh('30s')
      .time({ from: 'now-6h', to: 'now' })
      .tooltip(dashboard.DashboardCursorSync.Crosshair)
      // Provisioned from code: a change made in the UI would be lost on the next deploy.
      .readonly()
      .withVariable(prometheusDatasourceVariable())
  );
}

/** `histogram_quantile` over the rate of a histogram's buckets, kept apart by `by` (plus `le`). */
export function quantile(q: number, histogram: string, by: readonly string[] = [], selector = ''): string {
  const labels = ['le', ...by].join(', ');
  return `histogram_quantile(${q}, sum by (${labels}) (rate(${histogram}_bucket${selector ? `{${selector}}` : ''}[$__rate_interval])))`;
}

/** A gauge panel showing the last value of each series against its thresholds, between `min` and `max`. */
export function gaugePanel(options: PanelOptions & { readonly min: number; readonly max: number }): gauge.PanelBuilder {
  return panelBase(new gauge.PanelBuilder(), options)
    .min(options.min)
    .max(options.max)
    .thresholds(options.thresholds)
    .colorScheme(new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.Thresholds))
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .showThresholdMarkers(true);
}

/** A horizontal bar gauge: the last value of each series side by side, coloured by thresholds. */
export function barGaugePanel(
  options: PanelOptions & { readonly min: number; readonly max?: number },
): bargauge.PanelBuilder {
  const panel = panelBase(new bargauge.PanelBuilder(), options)
    .min(options.min)
    .thresholds(options.thresholds)
    .colorScheme(new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.Thresholds))
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .orientation(common.VizOrientation.Horizontal)
    .displayMode(common.BarGaugeDisplayMode.Gradient);
  return options.max === undefined ? panel : panel.max(options.max);
}

/**
 * A heatmap of a histogram's buckets as Prometheus stores them (no recalculation by Grafana): one
 * row per `le`, the colour the rate of observations in it. `unit` is the unit of the buckets.
 */
export function bucketHeatmapPanel(
  options: Omit<PanelOptions, 'targets'> & { readonly histogram: string; readonly selector?: string },
): heatmap.PanelBuilder {
  const selector = options.selector ? `{${options.selector}}` : '';
  const query = promQuery(
    `sum by (le) (rate(${options.histogram}_bucket${selector}[$__rate_interval]))`,
    '{{le}}',
  ).format(prometheus.PromQueryFormat.Heatmap);
  return panelBase(new heatmap.PanelBuilder(), { ...options, targets: [query] })
    .thresholds(options.thresholds)
    .calculate(false)
    .yAxis(new heatmap.YAxisConfigBuilder().unit(options.unit))
    .cellValues(new heatmap.CellValuesBuilder().unit('ops'))
    .color(
      new heatmap.HeatmapColorOptionsBuilder()
        .mode(heatmap.HeatmapColorMode.Scheme)
        .scheme('Oranges')
        .scale(heatmap.HeatmapColorScale.Exponential)
        .exponent(0.5)
        .steps(64),
    )
    .tooltip(new heatmap.HeatmapTooltipBuilder().mode(common.TooltipDisplayMode.Single).yHistogram(true))
    .showLegend();
}

/** One named state of a state timeline: the number a series reports, its text and colour. */
export interface StateMapping {
  readonly value: number;
  readonly text: string;
  readonly color: string;
}

/** A state timeline: one row per series, each number shown as the state it stands for. */
export function stateTimelinePanel(
  options: PanelOptions & { readonly states: readonly StateMapping[] },
): statetimeline.PanelBuilder {
  const mapping: dashboard.ValueMap = {
    type: dashboard.MappingType.ValueToText,
    options: Object.fromEntries(
      options.states.map((s, index) => [String(s.value), { text: s.text, color: s.color, index }]),
    ),
  };
  return panelBase(new statetimeline.PanelBuilder(), options)
    .thresholds(options.thresholds)
    .mappings([mapping])
    .colorScheme(new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.Thresholds))
    .mergeValues(true)
    .showValue(common.VisibilityMode.Auto)
    .alignValue(common.TimelineValueAlignment.Left)
    .rowHeight(0.9);
}

/** The `namespace` variable for platforms scraped by pod (the scrape configs set `namespace`). */
export function namespaceVariable(metric: string): dashboard.QueryVariableBuilder {
  return labelValuesVariable('namespace', metric, 'namespace');
}
