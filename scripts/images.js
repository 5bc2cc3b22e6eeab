#!/usr/bin/env node
// Prints every image the stack runs, one line each: `<key> <pinned image> <image in the mirror>`, for the
// config given (default: the built-in defaults), the mirror being `images.registry` (else the image's own
// registry). docs/deploying.md, "Air-gapped clusters", pipes it into `crane copy` and `crane digest`.
// Run after `npm run build`. The digests are left out: a tag is what `crane digest` resolves.
const { loadConfig, resolveConfig } = require('../lib/src/config/loader');
const { imageList } = require('../lib/src/lib/images');

const file = process.argv[2];
let config;
try {
  config = file ? loadConfig(file) : resolveConfig({});
} catch (e) {
  process.stderr.write(`${e.message}\n`);
  process.exit(1);
}
for (const { key, source, image } of imageList({ ...config.images, digests: {} })) {
  process.stdout.write(`${key} ${source} ${image}\n`);
}
