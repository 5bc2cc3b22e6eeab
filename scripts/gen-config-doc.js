#!/usr/bin/env node
// Writes the configuration reference into docs/configuration.md (between its markers) from the JSON
// Schema and each profile's resolved defaults (src/config/reference.ts). Run after `npm run build`.
const fs = require('fs');
const path = require('path');
const { configReference, REFERENCE_MARKERS } = require('../lib/src/config/reference');
const { resolveConfig } = require('../lib/src/config/loader');

const file = path.join(__dirname, '..', 'docs', 'configuration.md');
const text = fs.readFileSync(file, 'utf8');
const profiles = Object.fromEntries(
  ['dev', 'staging', 'production'].map((profile) => [profile, resolveConfig({ profile })]),
);
const start = text.indexOf(REFERENCE_MARKERS[0]);
const before = start === -1 ? `${text.trimEnd()}\n\n` : text.slice(0, start);
fs.writeFileSync(file, before + configReference(profiles));
