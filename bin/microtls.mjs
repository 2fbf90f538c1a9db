#!/usr/bin/env node
// microtls CLI: runs the compiled ports/node/cli.js (build it with `npm run build`).
import { main } from '../build/ports/node/cli.js';

process.exit(await main(process.argv));
