import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import type { DashboardPlatform, StackConfig } from '../src/config';
import { agentcoreOverview } from './agentcore-overview';
import { checkDashboard } from './check';
import {
  AGENTCORE_METRICS, MS_FRAMEWORK_METRICS, MULTIAGENTS_METRICS, MetricDeclaration, PROGRESSIVE_METRICS, STACK_METRICS, SUTAZAI_METRICS,
} from './metrics';
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

/** The dashboards of one monitored platform, the folder they go in and the metrics they may query. */
export interface PlatformDashboards {
  readonly folder: string;
  /** Metrics of the platform; the stack's own (`STACK_METRICS`) are always allowed on top. */
  readonly metrics: readonly MetricDeclaration[];
  readonly dashboards: readonly ((config: StackConfig) => Dashboard)[];
}

/**
 * Every platform whose dashboards the stack can ship, in the order they are rendered (whatever order
 * the config lists them in, so the output does not change when the list is reordered).
 */
export const PLATFORM_DASHBOARDS: Readonly<Record<DashboardPlatform, PlatformDashboards>> = {
  'ms-framework': {
    folder: MS_FRAMEWORK_FOLDER,
    metrics: MS_FRAMEWORK_METRICS,
    dashboards: [
      msSystemOverview, msAgentPerformance, msSwarmCoordination, msErrorAnalysis, msResourceUtilization, msMessagingBackplane, msHooksCli,
    ],
  },
  multiagents: { folder: 'MultiAgents', metrics: MULTIAGENTS_METRICS, dashboards: [multiagentsOverview] },
  sutazai: { folder: 'SutazAI', metrics: SUTAZAI_METRICS, dashboards: [sutazaiOverview] },
  agentcore: { folder: 'AgentCore', metrics: AGENTCORE_METRICS, dashboards: [agentcoreOverview] },
  'progressive-v5': {
    folder: 'Progressive v5',
    metrics: PROGRESSIVE_METRICS,
    dashboards: [progressiveMca, progressiveAgentHealth, progressiveBusiness],
  },
  stack: { folder: 'agent-o11y Stack', metrics: [], dashboards: [stackHealth] },
};

/** Builds, checks and serializes one platform's dashboards. */
export function platformDashboardFiles(platform: PlatformDashboards, config: StackConfig): DashboardFile[] {
  const declared = [...platform.metrics, ...STACK_METRICS];
  return platform.dashboards.map((build) => {
    const dashboard = build(config);
    checkDashboard(dashboard, declared);
    return toDashboardFile(dashboard, platform.folder);
  });
}

/** Every dashboard the stack provisions, in a stable order. */
export function dashboardFiles(config: StackConfig): DashboardFile[] {
  const chosen = new Set(config.dashboards.platforms);
  const files = (Object.keys(PLATFORM_DASHBOARDS) as DashboardPlatform[])
    .filter((id) => chosen.has(id))
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
