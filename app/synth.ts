import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart, DependencyGraph, Names, Yaml } from 'cdk8s';
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
    writeCharts(app, staging);
    // A component the config leaves out (node-exporter off, no trace intake) has no file, not an empty one.
    for (const file of fs.readdirSync(staging)) {
      if (file.endsWith('.k8s.yaml') && fs.statSync(path.join(staging, file)).size === 0)
        fs.rmSync(path.join(staging, file));
    }
    // Plain rule files too, so promtool (and a reviewer) can read them without unpacking a ConfigMap, and
    // the promtool tests generated with them (`promtool test rules dist/rules/slo.promtest.yaml`).
    fs.mkdirSync(path.join(staging, 'rules'));
    for (const [file, content] of Object.entries({ ...parts.ruleFiles, ...parts.ruleTests })) {
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

/**
 * Writes each chart's objects to `<chart>.k8s.yaml`, as `app.synth()` does for one file per chart.
 * cdk8s' `chart.toJson()` validates every construct of the app and infers the whole app's dependencies
 * for each chart it serializes: work that grows with the square of the stack. buildStack has already
 * run every construct's validation, and the stack declares no dependencies between constructs (so the
 * order is the construct tree's and each chart is named by its id): each chart is serialized once.
 * With construct metadata asked for (the cdk8s CLI's validation plugins), cdk8s writes as it does.
 */
function writeCharts(app: App, outdir: string): void {
  // cdk8s' own default for App.recordConstructMetadata (stackApp passes none).
  if (process.env.CDK8S_RECORD_CONSTRUCT_METADATA === 'true') {
    app.synth();
    return;
  }
  fs.mkdirSync(outdir, { recursive: true });
  for (const chart of app.charts) {
    const objects = new DependencyGraph(chart.node)
      .topology()
      .filter((c): c is ApiObject => c instanceof ApiObject && Chart.of(c) === chart)
      .map((o): unknown => o.toJson());
    Yaml.save(path.join(outdir, `${Names.toDnsLabel(chart)}${app.outputFileExtension}`), objects);
  }
}

/** Loads the config file and synthesizes; used by the cdk8s app entry point. */
export function synthFromFile(configFile: string, outdir: string): StackParts {
  return synthToDirectory(
    withStackProblems(() => loadConfig(configFile)),
    outdir,
  );
}
