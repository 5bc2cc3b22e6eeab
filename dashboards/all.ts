import type { StackConfig } from '../src/config';
import { msSystemOverview } from './ms-system-overview';
import { DashboardFile, toDashboardFile } from './types';

/** Grafana folder of the MS-framework dashboards. */
export const MS_FRAMEWORK_FOLDER = 'MS Framework';

/** Every dashboard the stack provisions, in a stable order. */
export function dashboardFiles(config: StackConfig): DashboardFile[] {
  const files = [toDashboardFile(msSystemOverview(config), MS_FRAMEWORK_FOLDER)];
  const seen = new Set<string>();
  for (const file of files) {
    if (seen.has(file.uid)) {
      throw new Error(`dashboards: uid '${file.uid}' is used by more than one dashboard`);
    }
    seen.add(file.uid);
  }
  return files;
}
