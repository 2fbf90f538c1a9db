// Seed book 7.01, hash: SHA-256/384/512 of a message, in one call and fed
// in pieces (the way a device hashes data as it arrives).
//   node build/samples/crypto/hash.js [TEXT]
import { pathToFileURL } from 'node:url';
import { createHash, digest, type HashName } from '../../core/profiles/crypto.js';
import { hex, text } from './util.js';

export function main(print: (line: string) => void, message = 'Hello, microtls!'): Record<HashName, string> {
  const data = text(message);
  const out = {} as Record<HashName, string>;
  for (const name of ['sha256', 'sha384', 'sha512'] as const) {
    const oneShot = hex(digest(name, data));
    const h = createHash(name);
    for (let i = 0; i < data.length; i += 5) h.update(data.subarray(i, i + 5));
    const pieces = hex(h.digest());
    print(name + '("' + message + '") = ' + oneShot + (pieces === oneShot ? '' : ' MISMATCH ' + pieces));
    out[name] = oneShot;
  }
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(console.log, process.argv[2]);
