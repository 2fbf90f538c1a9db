// Seed book 7.06, RSA signatures: a firmware image signed with RSA-2048
// (PKCS#1 v1.5 and PSS, SHA-256) and verified with the public key; a changed
// byte fails verification.
//   node build/samples/crypto/rsaSig.js
import { pathToFileURL } from 'node:url';
import { generateKey, publicKeyOf, publicKeyPem, sign, verify } from '../../core/profiles/crypto.js';
import { nodeRandom } from '../../ports/node/files.js';
import { hex, text } from './util.js';

export interface RsaSigResult { publicKey: string; firmware: Uint8Array; signatures: Record<string, Uint8Array>; verified: boolean[]; tamperedVerified: boolean[] }

export function main(print: (line: string) => void, random = nodeRandom): RsaSigResult {
  const key = generateKey('rsa', { random, bits: 2048 });
  const pub = publicKeyOf(key);
  const firmware = text('firmware image v1.2.3 ' + 'x'.repeat(200));
  const signatures: Record<string, Uint8Array> = {};
  const verified: boolean[] = [];
  const tamperedVerified: boolean[] = [];
  for (const padding of ['pkcs1', 'pss'] as const) {
    const sig = sign(key, firmware, random, { padding, hash: 'sha256' });
    signatures[padding] = sig;
    const ok = verify(pub, firmware, sig, { padding, hash: 'sha256' });
    const changed = firmware.slice();
    changed[10] ^= 1;
    const bad = verify(pub, changed, sig, { padding, hash: 'sha256' });
    print('RSA ' + padding + ' SHA-256 signature ' + hex(sig).slice(0, 32) + '...: ' + (ok ? 'verified' : 'FAILED') + '; changed image: ' + (bad ? 'verified (!)' : 'rejected'));
    verified.push(ok);
    tamperedVerified.push(bad);
  }
  return { publicKey: publicKeyPem(pub), firmware, signatures, verified, tamperedVerified };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(console.log);
