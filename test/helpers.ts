import { Testing, Yaml } from 'cdk8s';
import { Construct } from 'constructs';
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError, loadConfig, resolveConfig } from '../src/config/loader';
import { StackConfig } from '../src/config/types';
import { stackApp, StackParts, withStackProblems } from '../app/stack';
import { STACK_FILES, StackFile } from '../src/lib/names';

/** A Kubernetes object as synthesized. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
}

/** The default config of each profile. */
export const PROFILE_CONFIGS: Record<'dev' | 'staging' | 'production', StackConfig> = {
  dev: resolveConfig({}),
  staging: resolveConfig({ profile: 'staging' }),
  production: resolveConfig({ profile: 'production' }),
};

const ROOT = path.resolve(__dirname, '..');

/** Every profile, the repository's own agent-o11y.yaml and every example: what policy tests walk. */
export const ALL_CONFIGS: typeof PROFILE_CONFIGS & Record<string, StackConfig> = {
  ...PROFILE_CONFIGS,
  'agent-o11y.yaml': loadConfig(path.join(ROOT, 'agent-o11y.yaml')),
  ...Object.fromEntries(
    fs
      .readdirSync(path.join(ROOT, 'examples'))
      .sort()
      .filter((dir) => fs.existsSync(path.join(ROOT, 'examples', dir, 'agent-o11y.yaml')))
      .map((dir) => [`examples/${dir}`, loadConfig(path.join(ROOT, 'examples', dir, 'agent-o11y.yaml'))]),
  ),
};

/**
 * The problems synth reports for a user's config document, as `cdk8s synth` does: the loader's (schema,
 * value types), then every construct's own rules. Empty when the stack builds.
 */
export function configProblems(user: unknown): string[] {
  try {
    stackApp(withStackProblems(() => resolveConfig(user)));
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
}

/** Synthesizes a stack in memory: objects per chart (= per dist file). */
export function synthStack(config: StackConfig): { files: Record<StackFile, KubeObject[]>; parts: StackParts } {
  const { app, parts } = stackApp(config);
  const byId = new Map(app.charts.map((chart) => [chart.node.id, chart.toJson() as KubeObject[]]));
  const files = Object.fromEntries(STACK_FILES.map((id) => [id, byId.get(id)!])) as Record<StackFile, KubeObject[]>;
  return { files, parts };
}

/** Every object of a stack. */
export function allObjects(config: StackConfig): KubeObject[] {
  return Object.values(synthStack(config).files).flat();
}

/** The objects one construct synthesizes, as YAML, for snapshots. */
export function constructYaml(scope: Construct): string {
  return Yaml.stringify(...Testing.synth(scope.node.scope as never));
}

/** The one object of `kind` named `name`. */
export function find(objects: KubeObject[], kind: string, name: string): KubeObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found)
    throw new Error(`no ${kind} ${name} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
}

/** The ConfigMap data value `key` of ConfigMap `name`. */
export function configMapData(objects: KubeObject[], name: string, key: string): string {
  const data = (find(objects, 'ConfigMap', name) as KubeObject & { data: Record<string, string> }).data;
  const value = data[key];
  if (value === undefined) throw new Error(`ConfigMap ${name} has no key ${key}`);
  return value;
}
