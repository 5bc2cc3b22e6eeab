/** The parts of Grafana's dashboard JSON the dashboard tests read. */
export interface PanelJson {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type?: string; uid?: string };
  targets?: { expr?: string; datasource?: { uid?: string } }[];
  panels?: PanelJson[];
  fieldConfig?: {
    defaults: { unit?: string; thresholds?: { mode: string; steps: { value: number | null; color: string }[] } };
  };
}

export interface DashboardJson {
  uid: string;
  title: string;
  panels: PanelJson[];
  templating: { list: { name: string; type: string; current?: { value: string } }[] };
}
