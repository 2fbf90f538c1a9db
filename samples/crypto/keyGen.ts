// Seed book 7.04, key generation: EC P-256, Ed25519, X25519 (with a key
// agreement between two parties) and RSA-2048, printed as PEM (PKCS#8 and
// SPKI), the way a device makes its identity on first boot.
//   node build/samples/crypto/keyGen.js
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { deriveSharedSecret, generateKey, privateKeyPem, publicKeyOf, publicKeyPem, type KeyType } from '../../core/profiles/crypto.js';
import { nodeRandom } from '../../ports/node/files.js';
import { hex } from './util.js';

export function main(print: (line: string) => void, random = nodeRandom): { keys: Record<string, string>; agreed: boolean } {
  const keys: Record<string, string> = {};
  for (const type of ['P-256', 'ed25519', 'x25519', 'rsa'] as KeyType[]) {
    const t0 = performance.now();
    const key = generateKey(type, { random, bits: 2048 });
    print(type + ' key generated in ' + (performance.now() - t0).toFixed(1) + ' ms; public key:');
    print(publicKeyPem(publicKeyOf(key)).trimEnd());
    keys[type] = privateKeyPem(key);
  }
  // X25519: each side combines its private key with the other's public key.
  const alice = generateKey('x25519', { random });
  const bob = generateKey('x25519', { random });
  const a = deriveSharedSecret(alice, publicKeyOf(bob));
  const b = deriveSharedSecret(bob, publicKeyOf(alice));
  const agreed = a !== null && b !== null && hex(a) === hex(b);
  print('X25519 shared secret ' + (a ? hex(a) : 'none') + (agreed ? ' (both sides agree)' : ' (MISMATCH)'));
  return { keys, agreed };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(console.log);
