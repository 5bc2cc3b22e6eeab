#!/usr/bin/env node
// Bundles the compiled app (lib/src/main.js, written by tsc) into one file, lib/app.js. Node then
// loads one module instead of resolving and reading hundreds: synth starts about twice as fast.
// Type-checking stays with tsc; this only concatenates its output.
const path = require('path');
const esbuild = require('esbuild');

const root = path.join(__dirname, '..');
esbuild.buildSync({
  entryPoints: { app: path.join(root, 'lib', 'src', 'main.js'), synth: path.join(root, 'lib', 'src', 'synth.js') },
  outdir: path.join(root, 'lib', 'bundle'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  legalComments: 'none',
});
