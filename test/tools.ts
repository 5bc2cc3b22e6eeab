import * as fs from 'fs';
import * as path from 'path';

/**
 * The real programs tests use as judges, built from test/judges/ by scripts/judges.sh (checkov: a venv;
 * jruby: Maven Central's jar).
 */
export type ToolName =
  | 'promtool'
  | 'amtool'
  | 'prometheus'
  | 'alertmanager'
  | 'otelcol'
  | 'jaeger'
  | 'node_exporter'
  | 'kube-state-metrics'
  | 'elasticsearch_exporter'
  | 'json_exporter'
  | 'thanos'
  | 'fakes3'
  | 'checkov'
  | 'jruby'
  /** Prints the folder of the Prometheus Operator's CRDs. */
  | 'prometheus-operator-crds'
  /** Prints the folder of ECK's CRDs (scripts/eck-crds.sh). */
  | 'eck-crds';

const REPO_ROOT = path.resolve(__dirname, '..');

/** Where scripts/judges.sh links the builds it made. */
export const TOOLS_BIN = path.join(REPO_ROOT, '.tools', 'bin');

function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * Where a tool is: `$PROMTOOL` / `$AMTOOL` / `$OTELCOL` / ... (an override for debugging), else the judge
 * build in `.tools/bin`. Never `PATH`: a test must judge with the version we deploy, and the judges are
 * built at exactly those versions. Undefined when missing; an override naming no executable throws.
 */
export function findTool(name: ToolName): string | undefined {
  const variable = name.toUpperCase().replace(/-/g, '_');
  const fromEnv = process.env[variable];
  if (fromEnv) {
    if (!isExecutableFile(fromEnv)) {
      throw new Error(`${variable}=${fromEnv} is not an executable file`);
    }
    return fromEnv;
  }
  const built = path.join(TOOLS_BIN, name);
  return isExecutableFile(built) ? built : undefined;
}

/** Like findTool, for tests that need the tool: a missing one fails them (`npm test` builds every judge first). */
export function requireTool(name: ToolName): string {
  const tool = findTool(name);
  // npm test builds every judge first (scripts/judges.sh): a missing one is a failure, never a skip.
  if (tool === undefined)
    throw new Error(`${name} not found in .tools/bin (run: npm run judges, which npm test runs first)`);
  return tool;
}
