import * as full from '/work/main/dist/moddable/full.js';
import * as ecdhe from '/work/main/dist/moddable/client-ecdhe.js';
import * as psk from '/work/main/dist/moddable/client-psk.js';
import { runScenarios } from '/work/main/build/test/xs/tcp-scenarios.js';
import { pkiFiles } from '/work/main/build/test/xs/xs.js';
runScenarios(full, ecdhe, psk, pkiFiles(), Date.now(), console.log);
