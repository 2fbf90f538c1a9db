import * as lib from '/work/main/dist/moddable/full.js';
import { runWire } from '/work/main/build/test/xs/wire-run.js';
import { pkiFiles } from '/work/main/build/test/xs/xs.js';
runWire(lib, pkiFiles(), { now: Date.now(), records: 10, recordSize: 64 }, console.log);
