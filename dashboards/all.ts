import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { activeCatalogs, catalogComponents, MetricCatalog } from '../rules/catalog';
import { shipsDashboards } from '../rules/helpers';
import type { DashboardPlatform, PlatformName, StackConfig } from '../src/config';
import { agentcoreOverview } from './agentcore-overview';
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
};

/** The metric catalogues a platform's dashboards are checked against: the stack's, the platform's, `customMetrics`. */
export function dashboardCatalogs(platform: PlatformDashboards, config: StackConfig): MetricCatalog[] {
  return activeCatalogs(platform.platforms, config.customMetrics, catalogComponents(config));
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
  const files = (Object.keys(PLATFORM_DASHBOARDS) as DashboardPlatform[])
    .filter((id) => shipsDashboards(config, id))
    .flatMap((id) => platformDashboardFiles(PLATFORM_DASHBOARDS[id], config));
  const seen = new Set<string>();
  for (const file of files) {
    if (seen.has(file.uid)) {
      throw new Error(`dashboards: uid '${file.uid}' is used by more than one dashboard`);
    }
    seen.add(file.uid);
  }
  return files;
}
