// The CLI's demo PKI: public, insecure certificates and keys shipped in
// ports/node/demo-pki/ (see the README there; scripts/make-demo-pki.mjs
// makes them). They are the defaults of server, client and demo, so the
// CLI works out of the box; the first default used prints a notice.
import { join } from 'node:path';
import { packageRoot } from '../files.js';
import { err } from './output.js';

/** A file of the demo PKI. */
export function demoPkiFile(name: string): string {
  return join(packageRoot(), 'ports', 'node', 'demo-pki', name);
}

let noticed = false;

/** The file given for --flag, or the demo PKI's `name`, saying so once per process. */
export function orDemo(given: string | boolean | undefined, name: string): string {
  if (typeof given === 'string') return given;
  if (!noticed) {
    noticed = true;
    err('Note: using the public demo PKI in ' + demoPkiFile('') + ' (insecure: its keys are published; ' +
      'pass --cert/--key/--ca for real use)');
  }
  return demoPkiFile(name);
}
