import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import type { StackConfig } from '../src/config';
import { checkDashboard } from './check';
import { MS_FRAMEWORK_METRICS, MetricDeclaration, STACK_METRICS } from './metrics';
import { msSystemOverview } from './ms-system-overview';
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

/** Every platform whose dashboards the stack can ship. */
export const PLATFORM_DASHBOARDS = {
  'ms-framework': { folder: MS_FRAMEWORK_FOLDER, metrics: MS_FRAMEWORK_METRICS, dashboards: [msSystemOverview] },
} as const satisfies Record<string, PlatformDashboards>;

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
  const files = Object.values(PLATFORM_DASHBOARDS).flatMap((platform) => platformDashboardFiles(platform, config));
  const seen = new Set<string>();
  for (const file of files) {
    if (seen.has(file.uid)) {
      throw new Error(`dashboards: uid '${file.uid}' is used by more than one dashboard`);
    }
    seen.add(file.uid);
  }
  return files;
}
