#!/usr/bin/env node
// npm's postinstall: applies patches/ (fixes to dependencies, see docs/speed.md) with patch-package.
// Both patch-package and the patched package (cdk8s-cli) are devDependencies: a production install
// (`npm ci --omit=dev`, e.g. for a Pulumi deploy image) has neither and needs no patching.
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.join(__dirname, '..');
const installed = (pkg) => fs.existsSync(path.join(root, 'node_modules', pkg, 'package.json'));

if (!installed('patch-package') || !installed('cdk8s-cli')) {
  process.stdout.write('agent-o11y: dev dependencies not installed; no patches to apply\n');
  process.exit(0);
}
const bin = path.join(root, 'node_modules', 'patch-package', 'index.js');
const run = spawnSync(process.execPath, [bin, '--error-on-fail'], { cwd: root, stdio: 'inherit' });
process.exit(run.status ?? 1);
