import type { StackConfig } from '../src/config';
import { SEVERITY_COLORS, ThresholdStep, labelValuesVariable } from './panels';

/** Error ratio the baselines call critical (seed 000 §15.7 `error_rates.critical_threshold`). */
export const TASK_ERROR_RATIO_CRITICAL = 0.1;

/** Narrows agent-level series to the `agent_type` variable; "All" is `.*`. */
export const AGENT_TYPE = 'agent_type=~"$agent_type"';

/** Tags every MS-framework dashboard carries. */
export const MS_TAGS = ['mister-smith', 'ms-framework'] as const;

/** The `agent_type` variable of the MS-framework dashboards. */
export function agentTypeVariable() {
  return labelValuesVariable('agent_type', 'agent_active_count', 'agent_type');
}

/** Error-ratio steps: the configured warning, and the critical baseline when it is above it. */
export function errorRatioSteps(config: StackConfig): ThresholdStep[] {
  const warning = config.alerts.msFramework.taskErrorRatio;
  const steps: ThresholdStep[] = [{ value: warning, color: SEVERITY_COLORS.warning }];
  // A configured warning at or above the critical baseline leaves nothing between them to show.
  if (warning < TASK_ERROR_RATIO_CRITICAL) {
    steps.push({ value: TASK_ERROR_RATIO_CRITICAL, color: SEVERITY_COLORS.critical });
  }
  return steps;
}
