// When lib/bundle/app.js must be rebuilt before a synth. Kept apart from bin/app.js so it can be
// tested on a scratch tree.
const fs = require('fs');
const path = require('path');

/** Directories whose TypeScript, JavaScript (the generated config validator) and JSON the bundle is built from. */
const SOURCE_DIRS = ['app', 'src', 'constructs', 'rules', 'dashboards'];

/**
 * Files that change the bundle without a source changing: it also holds the dependencies' code
 * (npm rewrites node_modules/.package-lock.json on every install; package-lock.json changes with
 * an upgrade or a branch switch), and tsconfig and the bundle script shape it.
 */
const BUILD_INPUTS = [
  path.join('node_modules', '.package-lock.json'),
  'package-lock.json',
  'tsconfig.json',
  path.join('scripts', 'build.js'),
  path.join('scripts', 'bundle.js'),
];

function newestSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (/\.(ts|js|json)$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
      newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

function mtime(file) {
  return fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0;
}

/** Whether `built` (under `root`) is missing or older than anything it is built from. */
function isStale(root, built) {
  if (!fs.existsSync(built)) return true;
  const last = mtime(built);
  return (
    SOURCE_DIRS.some((dir) => fs.existsSync(path.join(root, dir)) && newestSource(path.join(root, dir)) > last) ||
    BUILD_INPUTS.some((file) => mtime(path.join(root, file)) > last)
  );
}

module.exports = { isStale, SOURCE_DIRS, BUILD_INPUTS };
