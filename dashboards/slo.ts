import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as units from '@grafana/grafana-foundation-sdk/units';
import type { StackConfig } from '../src/config';
import { SLO_BUDGET_REMAINING, sloErrorRatio, sloSummaries, SLO_WINDOW_ERROR_RATIO } from '../rules/slo';
import { baseDashboard, promQuery, SEVERITY_COLORS, statPanel, thresholds, timeseriesPanel } from './panels';

/** Fixed uid of the SLO dashboard. */
export const SLO_UID = 'slo-overview';

/**
 * One row per SLO of `slos` (issue 14): the error budget left over its window, its error ratio over
 * the window against the budget, and its burn rate over each alert window against the factors that
 * page (red) and ticket (yellow).
 */
export function sloDashboard(config: StackConfig): dashboard.Dashboard {
  const builder = baseDashboard({
    uid: SLO_UID,
    title: 'SLOs - Error Budgets',
    description: 'Each service level objective: its error budget left, its error ratio and its burn rates.',
    tags: ['slo'],
  });
  for (const s of sloSummaries(config)) {
    const sel = `{slo="${s.name}"}`;
    const [page, ticket] = [
      s.tiers.find((t) => t.severity === 'critical')!,
      s.tiers.find((t) => t.severity === 'warning')!,
    ];
    const lowestTicket = Math.min(...ticket.windows.map((w) => w.factor));
    const lowestPage = Math.min(...page.windows.map((w) => w.factor));
    builder.withRow(new dashboard.RowBuilder(`${s.name}: ${s.objective}% over ${s.window}`));
    builder.withPanel(
      statPanel({
        title: 'Error Budget Left',
        description: `${s.description}. Share of the ${Number((100 - s.objective).toPrecision(12))}% error budget not spent over the last ${s.window}: 100% unspent, 0 spent, below 0 overspent.`,
        unit: units.PercentUnit,
        thresholds: new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps([
          { value: null, color: SEVERITY_COLORS.critical },
          { value: 0, color: SEVERITY_COLORS.warning },
          { value: 0.25, color: SEVERITY_COLORS.ok },
        ]),
        targets: [promQuery(`${SLO_BUDGET_REMAINING}${sel}`, 'left')],
      })
        .span(6)
        .height(8),
    );
    builder.withPanel(
      timeseriesPanel({
        title: 'Error Ratio',
        description: `Share of bad events over the last ${s.window} and over the shortest alert window, against the budget.`,
        unit: units.PercentUnit,
        thresholds: thresholds({ value: s.budget, color: SEVERITY_COLORS.critical }),
        targets: [
          promQuery(`${SLO_WINDOW_ERROR_RATIO}${sel}`, s.window),
          promQuery(`${sloErrorRatio(page.windows[0]!.short)}${sel}`, page.windows[0]!.short, 'B'),
        ],
      })
        .span(8)
        .height(8),
    );
    const longWindows = [...page.windows, ...ticket.windows].map((w) => w.long);
    builder.withPanel(
      timeseriesPanel({
        title: 'Burn Rate',
        description: `How many times faster than the budget allows errors come, over each alert's long window: a ticket from ${lowestTicket}×, a page from ${lowestPage}× (SloErrorBudgetBurn).`,
        unit: 'x',
        thresholds: thresholds(
          { value: lowestTicket, color: SEVERITY_COLORS.warning },
          { value: lowestPage, color: SEVERITY_COLORS.critical },
        ),
        targets: longWindows.map((w, i) =>
          promQuery(`${sloErrorRatio(w)}${sel} / ${s.budget}`, w, String.fromCharCode(65 + i)),
        ),
      })
        .span(10)
        .height(8),
    );
  }
  return builder.build();
}
