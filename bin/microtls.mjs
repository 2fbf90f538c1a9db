#!/usr/bin/env node
// microtls CLI: runs ports/node/cli.js as compiled in a checkout (build/, by
// `npm run build`) or in the published package (dist/node, by `npm run build:dist`).
import { existsSync } from 'node:fs';

const candidates = ['../build/ports/node/cli.js', '../dist/node/ports/node/cli.js'].map((p) => new URL(p, import.meta.url));
const cli = candidates.find((u) => existsSync(u));
if (!cli) {
  console.error('ERROR: microtls is not built: run npm run build (err -401, BAD_CONFIG)');
  process.exit(1);
}
const { main } = await import(cli.href);
process.exit(await main(process.argv));
