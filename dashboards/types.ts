import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';

/** A dashboard rendered for Grafana's file provisioning. */
export interface DashboardFile {
  /** Fixed dashboard uid; links and bookmarks depend on it. */
  uid: string;
  title: string;
  /** Grafana folder the dashboard is provisioned into. */
  folder: string;
  /** Name of the JSON file, `<uid>.json`. */
  fileName: string;
  /** The dashboard model, pretty-printed so a one-line change is a one-line diff. */
  json: string;
}

/** Grafana's limit for a dashboard uid. */
const UID_PATTERN = /^[a-zA-Z0-9_-]{1,40}$/;

type AnyPanel = NonNullable<Dashboard['panels']>[number];

/**
 * Numbers panels 1, 2, ... in layout order (rows and the panels inside collapsed rows too), so a
 * link to `?viewPanel=N` stays valid while the dashboard does not change.
 */
function numberPanels(panels: readonly AnyPanel[]): AnyPanel[] {
  let next = 1;
  const number = (panel: AnyPanel): AnyPanel => {
    const id = next++;
    if (panel.type === 'row' && 'panels' in panel && panel.panels) {
      return { ...panel, id, panels: panel.panels.map((inner) => ({ ...inner, id: next++ })) };
    }
    return { ...panel, id };
  };
  return panels.map(number);
}

/** Serializes a built dashboard deterministically: same dashboard, same bytes. */
export function toDashboardFile(dashboard: Dashboard, folder: string): DashboardFile {
  const title = dashboard.title ?? '';
  const uid = dashboard.uid ?? '';
  if (!UID_PATTERN.test(uid)) {
    throw new Error(`dashboards: '${title}' uid '${uid}' must be 1-40 characters of [a-zA-Z0-9_-]`);
  }
  if (title === '') {
    throw new Error(`dashboards: dashboard '${uid}' has no title`);
  }
  return {
    uid,
    title,
    folder,
    fileName: `${uid}.json`,
    json: JSON.stringify({ ...dashboard, panels: numberPanels(dashboard.panels ?? []) }, null, 2) + '\n',
  };
}
