#!/usr/bin/env node
// `npm run build`: type-checks and compiles (tsc), then bundles (scripts/bundle.js). The bundle's
// modification time is then set to when the build started, so a file saved while the build ran is
// newer than the bundle and the next synth rebuilds (bin/stale.js compares against that time).
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const root = path.join(__dirname, '..');
const started = new Date();
try {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.json')], {
    stdio: 'inherit',
  });
  execFileSync(process.execPath, [path.join(__dirname, 'bundle.js')], { stdio: 'inherit' });
} catch {
  process.stderr.write('agent-o11y: the build failed (see above)\n');
  process.exit(1);
}
const bundle = path.join(root, 'lib', 'bundle', 'app.js');
fs.utimesSync(bundle, started, started);
// The code cache bin/app.js keeps belongs to the old bundle.
fs.rmSync(`${bundle}.cache`, { force: true });
