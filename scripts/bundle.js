#!/usr/bin/env node
// Bundles the compiled app (lib/app/main.js, written by tsc) into one file, lib/bundle/app.js. Node
// then loads one module instead of resolving and reading hundreds: synth starts about twice as fast.
// Type-checking stays with tsc; this only concatenates its output. Measured with `npm run bench`:
// - whitespace and syntax minifying: the file is 40% smaller to read (names stay, for stack traces);
// - tslib as its CommonJS build: esbuild would otherwise wrap tslib's ES module in a fresh 40-getter
//   object for every one of the Grafana SDK's ~400 files that requires it (~30 ms per synth);
// - lezer-promql left out: only tests parse PromQL with it (rules/catalog/check.ts loads it on use).
const path = require('path');
const esbuild = require('esbuild');

const root = path.join(__dirname, '..');
// The tslib the Grafana SDK itself would load, wherever npm put it.
const tslib = require.resolve('tslib', {
  paths: [path.join(root, 'node_modules', '@grafana', 'grafana-foundation-sdk')],
});
// The Grafana SDK's panel modules each require the v2 dashboard schemas (dashboardv2, dashboardv2beta1:
// 240 KB) at load, for builders the stack never calls. They are loaded on first use instead: a module
// standing in for each answers `__esModule` (what tslib's __importStar asks) and loads the real one on
// any other access.
const sdkDist = path.dirname(require.resolve('@grafana/grafana-foundation-sdk/dashboard', { paths: [root] }));
const lazyV2 = {
  name: 'lazy-grafana-v2',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/dashboardv2(beta1)?$/ }, (args) => {
      if (args.namespace !== 'file' || !args.importer.startsWith(path.dirname(sdkDist))) return undefined;
      // A path relative to the project: it names the stand-in in the bundle.
      return {
        path: path.relative(root, require.resolve(path.join(args.resolveDir, args.path))),
        namespace: 'lazy-v2',
      };
    });
    build.onLoad({ filter: /.*/, namespace: 'lazy-v2' }, (args) => ({
      contents: `let real;
const load = () => (real ??= require(${JSON.stringify(path.join(root, args.path))}));
module.exports = new Proxy({}, {
  get: (_, key) => (key === '__esModule' ? true : load()[key]),
  has: (_, key) => key in load(),
  ownKeys: () => Reflect.ownKeys(load()),
  getOwnPropertyDescriptor: (_, key) => Object.getOwnPropertyDescriptor(load(), key),
});`,
      loader: 'js',
      resolveDir: path.dirname(path.join(root, args.path)),
    }));
  },
};

esbuild
  .build({
    entryPoints: { app: path.join(root, 'lib', 'app', 'main.js') },
    plugins: [lazyV2],
    outdir: path.join(root, 'lib', 'bundle'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    minifyWhitespace: true,
    minifySyntax: true,
    alias: { tslib },
    external: ['@prometheus-io/lezer-promql'],
    logLevel: 'warning',
    legalComments: 'none',
  })
  .catch(() => process.exit(1));
