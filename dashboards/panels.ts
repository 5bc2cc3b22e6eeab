import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';

/** Uid of the Prometheus datasource the Grafana construct provisions. */
export const PROMETHEUS_DATASOURCE_UID = 'prometheus';
/** Uid of the Jaeger datasource the Grafana construct provisions. */
export const JAEGER_DATASOURCE_UID = 'jaeger';
/** Uid of the Elasticsearch datasource the Grafana construct provisions. */
export const ELASTICSEARCH_DATASOURCE_UID = 'elasticsearch';

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
    .current({ selected: true, text: 'Prometheus', value: PROMETHEUS_DATASOURCE_UID });
}

/** A multi-value variable over the values of `label` on `metric`; "All" matches every value. */
export function labelValuesVariable(name: string, metric: string, label: string): dashboard.QueryVariableBuilder {
  const query = `label_values(${metric}, ${label})`;
  return new dashboard.QueryVariableBuilder(name)
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
    .current({ selected: true, text: 'All', value: '$__all' });
}

/** A PromQL query in code mode, so Grafana's query builder never rewrites it. */
export function promQuery(expr: string, legendFormat: string, refId = 'A'): prometheus.DataqueryBuilder {
  return new prometheus.DataqueryBuilder()
    .datasource(prometheusDatasource())
    .editorMode(prometheus.QueryEditorMode.Code)
    .expr(expr)
    .legendFormat(legendFormat)
    .refId(refId);
}

/**
 * Absolute thresholds: green from the bottom, then each step. Every panel sets its thresholds so
 * Grafana's implicit "red at 80" never shows on a panel it means nothing to.
 */
export function thresholds(...steps: ThresholdStep[]): dashboard.ThresholdsConfigBuilder {
  steps.forEach((step, i) => {
    if (i > 0 && step.value <= steps[i - 1].value) {
      throw new Error(`dashboards: threshold steps must ascend, got ${step.value} after ${steps[i - 1].value}`);
    }
  });
  return new dashboard.ThresholdsConfigBuilder()
    .mode(dashboard.ThresholdsMode.Absolute)
    .steps([{ value: null, color: SEVERITY_COLORS.ok }, ...steps.map((s) => ({ value: s.value, color: s.color }))]);
}

/** A stat panel showing the last value, coloured by its thresholds, with a sparkline. */
export function statPanel(options: PanelOptions): stat.PanelBuilder {
  return new stat.PanelBuilder()
    .title(options.title)
    .description(options.description)
    .datasource(prometheusDatasource())
    .targets([...options.targets])
    .unit(options.unit)
    .thresholds(options.thresholds)
    .colorScheme(new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.Thresholds))
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .graphMode(common.BigValueGraphMode.Area)
    .colorMode(common.BigValueColorMode.Value);
}

/** A time series panel: one colour per series, thresholds drawn as dashed lines, legend and shared tooltip. */
export function timeseriesPanel(options: PanelOptions): timeseries.PanelBuilder {
  return new timeseries.PanelBuilder()
    .title(options.title)
    .description(options.description)
    .datasource(prometheusDatasource())
    .targets([...options.targets])
    .unit(options.unit)
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
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending));
}
