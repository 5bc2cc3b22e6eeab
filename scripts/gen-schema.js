#!/usr/bin/env node
// Generates src/config/schema.json from src/config/types.ts so the schema cannot drift from the types.
// `--check` exits non-zero when the committed schema differs (used by the test suite).
const fs = require('fs');
const path = require('path');
const { createGenerator } = require('ts-json-schema-generator');

function generate() {
  const schema = createGenerator({
    path: path.join(__dirname, '..', 'src', 'config', 'types.ts'),
    tsconfig: path.join(__dirname, '..', 'tsconfig.json'),
    type: 'StackConfig',
    additionalProperties: false,
    skipTypeCheck: true,
    topRef: true,
  }).createSchema('StackConfig');
  return JSON.stringify(schema, null, 2) + '\n';
}

module.exports = { generate };

if (require.main === module) {
  const target = path.join(__dirname, '..', 'src', 'config', 'schema.json');
  const fresh = generate();
  if (process.argv.includes('--check')) {
    const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
    if (current !== fresh) {
      console.error('src/config/schema.json is out of date with src/config/types.ts: run `npm run schema`');
      process.exit(1);
    }
  } else {
    fs.writeFileSync(target, fresh);
  }
}
