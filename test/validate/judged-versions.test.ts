/**
 * Deploy what you judge: the image tag of each component the tests run for real is the version the
 * judge binary reports of itself (the binaries are built from test/judges/<tool>/go.mod).
 */
import { IMAGES } from '../../src/lib/images';
import { runJudge } from '../judge';
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
];

/** The tag of an image, without a leading `v` (the binaries print 3.13.5 for the tag v3.13.5). */
function tagVersion(image: string): string {
  return image.split(':').pop()!.replace(/^v/, '');
}

describe.each(JUDGED)('the %s image', (image, tool, args, pattern) => {
  const bin = requireTool(tool);
  test(`has the version of the ${tool} that judges it`, () => {
    const out = runJudge(bin, args);
    const reported = pattern.exec(out)?.[1];
    if (reported === undefined) throw new Error(`${tool} ${args.join(' ')} printed no version:\n${out}`);
    expect(`${image} ${tagVersion(IMAGES[image])}`).toBe(`${image} ${reported.replace(/^v/, '')}`);
  });
});
