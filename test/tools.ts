import * as fs from 'fs';
import * as path from 'path';

/** The command-line tools tests use as judges, and the servers the end-to-end test runs. */
export type ToolName = 'promtool' | 'amtool' | 'prometheus' | 'prometheus-alertmanager';

const REPO_ROOT = path.resolve(__dirname, '..');

function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * Where a tool is: `$PROMTOOL` / `$AMTOOL` / `$PROMETHEUS` / `$PROMETHEUS_ALERTMANAGER`, then `<repo>/.tools/usr/bin/<name>`, then `PATH`.
 * Undefined when none has it; an environment variable naming no executable is a mistake and throws.
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
  const onPath = (process.env.PATH ?? '').split(path.delimiter).filter((dir) => dir !== '');
  const candidates = [path.join(REPO_ROOT, '.tools', 'usr', 'bin', name), ...onPath.map((dir) => path.join(dir, name))];
  return candidates.find(isExecutableFile);
}

/**
 * Like findTool, for tests that need the tool: when it is missing, CI (`CI=true`) fails and anywhere
 * else a warning says the tests that need it are skipped.
 */
export function requireTool(name: ToolName): string | undefined {
  const tool = findTool(name);
  if (tool === undefined) {
    const message = `${name} not found (set ${name.toUpperCase().replace(/-/g, '_')}, put it in .tools/usr/bin, or on PATH)`;
    if (process.env.CI === 'true') {
      throw new Error(`${message}; CI needs it`);
    }
    console.warn(`${message}: skipping the tests that need it`);
  }
  return tool;
}
