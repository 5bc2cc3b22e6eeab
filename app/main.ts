import { ConfigError } from '../src/config/loader';
import { synthFromFile } from './synth';

/**
 * The cdk8s app: reads `agent-o11y.yaml` (or $AGENT_O11Y_CONFIG) and writes the stack to the
 * directory `cdk8s synth` asks for. A bad config prints one line per problem and exits non-zero,
 * without a stack trace and without touching the output directory. The cdk8s CLI (patched,
 * patches/cdk8s-cli+*.patch) then exits 1 without a stack trace of its own, and leaves the output
 * directory to the app, which replaces it only when a synth is complete.
 */
function main(): number {
  const configFile = process.env.AGENT_O11Y_CONFIG ?? 'agent-o11y.yaml';
  const outdir = process.env.CDK8S_OUTDIR ?? 'dist';
  try {
    const start = process.hrtime.bigint();
    synthFromFile(configFile, outdir);
    // npm run bench reads this to compare the synth's own work with the floor's.
    if (process.env.AGENT_O11Y_BENCH)
      process.stdout.write(`work-ms ${Number(process.hrtime.bigint() - start) / 1e6}\n`);
    return 0;
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      return 2;
    }
    process.stderr.write(`agent-o11y: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

process.exitCode = main();
