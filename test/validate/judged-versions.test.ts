/**
 * Deploy what you judge: the image tag of each component the tests run for real is the version the
 * judge binary reports of itself (the binaries are built from test/judges/<tool>/go.mod).
 */
import { spawnSync } from 'child_process';
import { IMAGES } from '../../src/lib/images';
import { requireTool, ToolName } from '../tools';

/** Image → the judges that must carry its version, and how each one prints its version. */
const JUDGED: Array<[keyof typeof IMAGES, ToolName, string[], RegExp]> = [
  ['collector', 'otelcol', ['--version'], /^otelcol version (\S+)$/m],
  ['prometheus', 'prometheus', ['--version'], /^prometheus, version (\S+) /m],
  ['prometheus', 'promtool', ['--version'], /^promtool, version (\S+) /m],
  ['alertmanager', 'alertmanager', ['--version'], /^alertmanager, version (\S+) /m],
  ['alertmanager', 'amtool', ['--version'], /^amtool, version (\S+) /m],
  ['jaeger', 'jaeger', ['version'], /"gitVersion":\s*"(v?[^"]+)"/],
  ['nodeExporter', 'node_exporter', ['--version'], /^node_exporter, version (\S+) /m],
  ['kubeStateMetrics', 'kube-state-metrics', ['version'], /^kube-state-metrics, version (\S+) /m],
  ['elasticsearchExporter', 'elasticsearch_exporter', ['--version'], /^elasticsearch_exporter, version (\S+) /m],
  ['jsonExporter', 'json_exporter', ['--version'], /^json_exporter, version (\S+) /m],
  ['thanos', 'thanos', ['--version'], /^thanos, version (\S+) /m],
];

/** The tag of an image, without a leading `v` (the binaries print 3.13.5 for the tag v3.13.5). */
function tagVersion(image: string): string {
  return image.split(':').pop()!.replace(/^v/, '');
}

/**
 * What a judge prints, its standard output then its error output: kingpin prints `--version` on the
 * error output unless a program points it elsewhere (node_exporter does, elasticsearch_exporter not).
 */
function printed(bin: string, args: string[]): string {
  const run = spawnSync(bin, args, { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' }, timeout: 120_000 });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`${bin} ${args.join(' ')} exited ${run.status}:\n${run.stdout}${run.stderr}`);
  return `${run.stdout}${run.stderr}`;
}

describe.each(JUDGED)('the %s image', (image, tool, args, pattern) => {
  const bin = requireTool(tool);
  test(`has the version of the ${tool} that judges it`, () => {
    const out = printed(bin, args);
    const reported = pattern.exec(out)?.[1];
    if (reported === undefined) throw new Error(`${tool} ${args.join(' ')} printed no version:\n${out}`);
    expect(`${image} ${tagVersion(IMAGES[image])}`).toBe(`${image} ${reported.replace(/^v/, '')}`);
  });
});
