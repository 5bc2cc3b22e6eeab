#!/usr/bin/env node
// cdk8s app entry (see cdk8s.yaml). Runs the compiled, bundled app (lib/bundle/app.js); rebuilds
// first (scripts/build.js, as `npm run build`: tsc, then the bundle) only when a TypeScript source,
// the installed dependencies or the build's own files are newer than the last build (bin/stale.js),
// so an unchanged project synthesizes without paying for type-checking on every run.
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const { isStale } = require('./stale');

const root = path.join(__dirname, '..');
const built = path.join(root, 'lib', 'bundle', 'app.js');

if (isStale(root, built)) {
  // The first synth after a checkout or a change builds first: say so, or it looks hung.
  process.stderr.write(
    'agent-o11y: building the app first (type-check and bundle); later synths skip this until a source changes\n',
  );
  try {
    execFileSync(process.execPath, [path.join(root, 'scripts', 'build.js')], { stdio: 'inherit' });
  } catch {
    process.stderr.write('agent-o11y: nothing was synthesized\n');
    process.exit(1);
  }
}
runWithCodeCache(built);

// Loads the bundle with V8's code cache (lib/bundle/app.js.cache, made on the first run after a
// build): the next runs skip parsing and compiling most of it.
function runWithCodeCache(file) {
  const vm = require('vm');
  const Module = require('module');
  const cacheFile = `${file}.cache`;
  const cachedData =
    fs.existsSync(cacheFile) && fs.statSync(cacheFile).mtimeMs >= fs.statSync(file).mtimeMs
      ? fs.readFileSync(cacheFile)
      : undefined;
  const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData });
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(path.dirname(file));
  script.runInThisContext().call(mod.exports, mod.exports, (id) => mod.require(id), mod, file, path.dirname(file));
  if (cachedData === undefined || script.cachedDataRejected) {
    try {
      fs.writeFileSync(cacheFile, script.createCachedData());
    } catch {
      // A read-only checkout just runs without the cache.
    }
  }
}
