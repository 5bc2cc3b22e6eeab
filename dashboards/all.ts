import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { activeCatalogs, catalogComponents, MetricCatalog } from '../rules/catalog';
import { shipsDashboards } from '../rules/helpers';
import type { DashboardPlatform, PlatformName, StackConfig } from '../src/config';
import { agentcoreOverview } from './agentcore-overview';
import { genaiDashboard } from './genai';
import { sloDashboard } from './slo';
import { genaiRecordedCatalog } from '../rules/genai';
import { sloRecordedCatalog } from '../rules/slo';
import { checkDashboard } from './check';
import { msAgentPerformance } from './ms-agent-performance';
import { msErrorAnalysis } from './ms-error-analysis';
import { msHooksCli } from './ms-hooks-cli';
import { msMessagingBackplane } from './ms-messaging-backplane';
import { msResourceUtilization } from './ms-resource-utilization';
import { msSwarmCoordination } from './ms-swarm-coordination';
import { msSystemOverview } from './ms-system-overview';
import { multiagentsOverview } from './multiagents-overview';
import { progressiveAgentHealth, progressiveBusiness, progressiveMca } from './progressive-v5';
import { stackHealth } from './stack-health';
import { sutazaiOverview } from './sutazai-overview';
import { DashboardFile, toDashboardFile } from './types';
import { ConfigError, configSource } from '../src/config/loader';

/** Grafana folder of the MS-framework dashboards. */
export const MS_FRAMEWORK_FOLDER = 'MS Framework';

/** The dashboards of one monitored platform, the folder they go in and the catalogues they may query. */
export interface PlatformDashboards {
  readonly folder: string;
  /**
   * Platforms whose metric catalogues (rules/catalog) the dashboards may query; the stack's own
   * catalogue and the config's `customMetrics` are always allowed on top.
   */
  readonly platforms: readonly PlatformName[];
  readonly dashboards: readonly ((config: StackConfig) => Dashboard)[];
  /** What the config must turn on for them to have data, as a fix: @default - nothing */
  readonly requires?: (config: StackConfig) => string | undefined;
}

/**
 * Every platform whose dashboards the stack can ship, in the order they are rendered (whatever order
 * the config lists them in, so the output does not change when the list is reordered).
 */
export const PLATFORM_DASHBOARDS: Readonly<Record<DashboardPlatform, PlatformDashboards>> = {
  'ms-framework': {
    folder: MS_FRAMEWORK_FOLDER,
    platforms: ['ms-framework'],
    dashboards: [
      msSystemOverview,
      msAgentPerformance,
      msSwarmCoordination,
      msErrorAnalysis,
      msResourceUtilization,
      msMessagingBackplane,
      msHooksCli,
    ],
  },
  multiagents: { folder: 'MultiAgents', platforms: ['multiagents'], dashboards: [multiagentsOverview] },
  sutazai: { folder: 'SutazAI', platforms: ['sutazai'], dashboards: [sutazaiOverview] },
  agentcore: { folder: 'AgentCore', platforms: ['agentcore'], dashboards: [agentcoreOverview] },
  'progressive-v5': {
    folder: 'Progressive v5',
    platforms: ['progressive-v5'],
    dashboards: [progressiveMca, progressiveAgentHealth, progressiveBusiness],
  },
  stack: { folder: 'agent-o11y Stack', platforms: [], dashboards: [stackHealth] },
  // Any platform's agents, as the GenAI conventions see them, and the config's SLOs.
  genai: {
    folder: 'GenAI',
    platforms: [],
    dashboards: [genaiDashboard],
    requires: (c) => (c.genai.enabled ? undefined : 'set /genai/enabled to true (its metrics)'),
  },
  slo: {
    folder: 'SLOs',
    platforms: [],
    dashboards: [sloDashboard],
    requires: (c) => (c.slos.length > 0 ? undefined : 'list objectives in /slos'),
  },
};

/**
 * The metric catalogues a platform's dashboards are checked against: the stack's, the platform's,
 * `customMetrics`, and what the active packs record (GenAI costs, SLO ratios).
 */
export function dashboardCatalogs(platform: PlatformDashboards, config: StackConfig): MetricCatalog[] {
  const recorded = [genaiRecordedCatalog(config), sloRecordedCatalog(config)].filter(
    (c): c is MetricCatalog => c !== undefined,
  );
  return [...activeCatalogs(platform.platforms, config.customMetrics, catalogComponents(config)), ...recorded];
}

/** Builds, checks and serializes one platform's dashboards. */
export function platformDashboardFiles(platform: PlatformDashboards, config: StackConfig): DashboardFile[] {
  const catalogs = dashboardCatalogs(platform, config);
  return platform.dashboards.map((build) => {
    const dashboard = build(config);
    checkDashboard(dashboard, catalogs);
    return toDashboardFile(dashboard, platform.folder);
  });
}

/** Every dashboard the stack provisions, in a stable order. */
export function dashboardFiles(config: StackConfig): DashboardFile[] {
  const shipped = (Object.keys(PLATFORM_DASHBOARDS) as DashboardPlatform[]).filter((id) => shipsDashboards(config, id));
  const missing = shipped.flatMap((id) => {
    const fix = PLATFORM_DASHBOARDS[id].requires?.(config);
    return fix ? [`/dashboards/platforms: the ${id} dashboards have nothing to show: ${fix}, or leave ${id} out`] : [];
  });
  if (missing.length > 0) throw new ConfigError(configSource(config), missing);
  const files = shipped.flatMap((id) => platformDashboardFiles(PLATFORM_DASHBOARDS[id], config));
  const seen = new Set<string>();
  for (const file of files) {
    if (seen.has(file.uid)) {
      throw new Error(`dashboards: uid '${file.uid}' is used by more than one dashboard`);
    }
    seen.add(file.uid);
  }
  return files;
}
