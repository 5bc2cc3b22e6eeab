import { ConfigError } from '../src/config/loader';
import { synthFromFile } from './synth';

/**
 * The cdk8s app: reads `agent-o11y.yaml` (or $AGENT_O11Y_CONFIG) and writes the stack to the
 * directory `cdk8s synth` asks for. A bad config prints one line per problem and exits non-zero,
 * without a stack trace and without touching the output directory.
 */
// The cdk8s CLI (which sets CDK8S_RECORD_CONSTRUCT_METADATA) prints a Node stack trace when its app
// exits non-zero. Under the CLI a failed synth therefore exits 0 without creating the output
// directory: the CLI then fails with its one-line "app expected to create" error and exit code 1.
const UNDER_CDK8S_CLI = process.env.CDK8S_RECORD_CONSTRUCT_METADATA !== undefined;

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
      return UNDER_CDK8S_CLI ? 0 : 2;
    }
    process.stderr.write(`agent-o11y: ${e instanceof Error ? e.message : String(e)}\n`);
    return UNDER_CDK8S_CLI ? 0 : 1;
  }
}

process.exitCode = main();
