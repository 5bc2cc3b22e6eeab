import * as fs from 'fs';
import * as path from 'path';
import { loadConfig } from '../src/config/loader';
import { StackConfig } from '../src/config/types';
import { stackApp, StackParts, withStackProblems } from './stack';

/**
 * Synthesizes the stack into `outdir` atomically: everything is written to a sibling temporary
 * directory first and renamed into place only when complete, so a failure never leaves a
 * half-written `dist/`.
 */
export function synthToDirectory(config: StackConfig, outdir: string): StackParts {
  const target = path.resolve(outdir);
  const staging = `${target}.tmp-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  try {
    const { app, parts } = stackApp(config, staging);
    app.synth();
    // A component the config leaves out (node-exporter off, no trace intake) has no file, not an empty one.
    for (const file of fs.readdirSync(staging)) {
      if (file.endsWith('.k8s.yaml') && fs.statSync(path.join(staging, file)).size === 0)
        fs.rmSync(path.join(staging, file));
    }
    // Plain rule files too, so promtool (and a reviewer) can read them without unpacking a ConfigMap.
    fs.mkdirSync(path.join(staging, 'rules'));
    for (const [file, content] of Object.entries(parts.ruleFiles)) {
      fs.writeFileSync(path.join(staging, 'rules', file), content);
    }
    fs.rmSync(target, { recursive: true, force: true });
    fs.renameSync(staging, target);
    return parts;
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw e;
  }
}

/** Loads the config file and synthesizes; used by the cdk8s app entry point. */
export function synthFromFile(configFile: string, outdir: string): StackParts {
  return synthToDirectory(
    withStackProblems(() => loadConfig(configFile)),
    outdir,
  );
}
