#!/usr/bin/env node
// Runs bench/pipeline-bench.ts (`npm run bench:pipeline`; `npm run bench` runs it after the synth bench).
// tsc type-checks it in `npm run build`; esbuild bundles it here with the test helpers it imports
// into lib/pipeline-bench.js, one level below the repository like test/, since those helpers find the
// repository as their parent directory. Dependencies stay in node_modules.
const path = require('path');
const { spawnSync } = require('child_process');
const esbuild = require('esbuild');

const root = path.join(__dirname, '..');
const outfile = path.join(root, 'lib', 'pipeline-bench.js');
esbuild.buildSync({
  entryPoints: [path.join(__dirname, 'pipeline-bench.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
const run = spawnSync(process.execPath, [outfile], { cwd: root, stdio: 'inherit' });
process.exit(run.status ?? 1);
