import type { PlatformName, StackConfig } from '../src/config';
import { agentcoreRules } from './agentcore';
import { activeCatalogs, undeclaredMetrics } from './catalog';
import { forOverrideProblems, withForOverrides } from './helpers';
import { msFrameworkRules } from './ms-framework';
import { multiagentsRules } from './multiagents';
import { progressiveV5Rules } from './progressive-v5';
import { stackRules } from './stack';
import { sutazaiRules } from './sutazai';
import { RuleGroup } from './types';

/** An alert pack: rule groups from config, rendered into `<name>.rules.yaml`. */
export type RulePack = (config: StackConfig) => RuleGroup[];

/** Each platform's pack. */
export const PLATFORM_PACKS: Record<PlatformName, RulePack> = {
  'ms-framework': msFrameworkRules,
  multiagents: multiagentsRules,
  sutazai: sutazaiRules,
  agentcore: agentcoreRules,
  'progressive-v5': progressiveV5Rules,
};

/** Every pack by name: the stack's self-monitoring pack plus one per platform. */
export const ALL_PACKS: Record<string, RulePack> = { stack: stackRules, ...PLATFORM_PACKS };

/**
 * The active packs' groups by pack name, with `alerts.for` applied. Throws, one line per problem, for a
 * rule that queries a metric no active catalogue declares and for an `alerts.for` naming no active alert.
 */
export function activeRuleGroups(config: StackConfig): Record<string, RuleGroup[]> {
  const names = ['stack', ...config.platforms];
  const packs = Object.fromEntries(names.map((name) => [name, withForOverrides(ALL_PACKS[name](config), config.alerts.for)]));
  const all = Object.values(packs).flat();
  const problems = [
    ...forOverrideProblems(all, config.alerts.for),
    ...undeclaredMetrics(all, activeCatalogs(config.platforms, config.customMetrics)),
  ];
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return packs;
}
