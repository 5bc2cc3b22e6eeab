#!/usr/bin/env node
// `node scripts/upgrade-inventory.js [<checkout>]`: prints the upgrade inventory (app/inventory.ts) of
// the version built in <checkout> (default: this one), for each profile's defaults. At a release, its
// output is committed as docs/upgrading/v<version>.inventory.json, the baseline the next version's
// upgrade notes are checked against (test/upgrade.test.ts). <checkout> needs `npm run build` first.
const fs = require('fs');
const path = require('path');

const here = path.join(__dirname, '..');
const from = path.resolve(process.argv[2] ?? here);
const { inventory, schemaKeys } = require(path.join(here, 'lib', 'app', 'inventory.js'));

/** What the checkout at `dir` synthesizes for each profile. */
function versionInventory(checkout) {
  const dir = path.resolve(checkout);
  const { stackApp } = require(path.join(dir, 'lib', 'app', 'stack.js'));
  const { resolveConfig } = require(path.join(dir, 'lib', 'src', 'config', 'loader.js'));
  const profiles = {};
  for (const profile of ['dev', 'staging', 'production']) {
    const { app } = stackApp(resolveConfig({ profile }));
    profiles[profile] = inventory(app.charts.flatMap((chart) => chart.toJson()));
  }
  return {
    version: JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version,
    profiles,
    configKeys: schemaKeys(JSON.parse(fs.readFileSync(path.join(dir, 'src', 'config', 'schema.json'), 'utf8'))),
  };
}

module.exports = { versionInventory };
if (require.main === module) process.stdout.write(`${JSON.stringify(versionInventory(from), null, 1)}\n`);
