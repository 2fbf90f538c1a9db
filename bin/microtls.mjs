#!/usr/bin/env node
// microtls CLI: runs the compiled ports/node/cli.js (build it with `node scripts/build.mjs`).
import { main } from '../build/ports/node/cli.js';

process.exit(await main(process.argv));
