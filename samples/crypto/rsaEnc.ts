// Seed book 7.05, RSA encryption: a session key encrypted to an RSA-2048
// public key with OAEP (and with PKCS#1 v1.5, for old peers), decrypted
// with the private key. Decryption failures all look alike (no padding oracle).
//   node build/samples/crypto/rsaEnc.js
import { pathToFileURL } from 'node:url';
import { generateKey, publicKeyOf, randomBytes, rsaDecrypt, rsaEncrypt } from '../../core/profiles/crypto.js';
import { nodeRandom } from '../../ports/node/files.js';
import { hex } from './util.js';

export function main(print: (line: string) => void, random = nodeRandom): { secret: string; oaep: string; pkcs1: string; wrongKey: boolean } {
  const key = generateKey('rsa', { random, bits: 2048 });
  const secret = randomBytes(32, random);
  print('session key ' + hex(secret));
  const out: Record<string, string> = {};
  for (const padding of ['oaep', 'pkcs1'] as const) {
    const ct = rsaEncrypt(publicKeyOf(key), secret, random, { padding });
    const back = rsaDecrypt(key, ct, random, { padding });
    print('RSA-' + padding.toUpperCase() + ' ciphertext ' + hex(ct).slice(0, 32) + '... (' + ct.length + ' bytes) -> ' + (back ? hex(back) : 'decryption failed'));
    out[padding] = back ? hex(back) : '';
  }
  const other = generateKey('rsa', { random, bits: 2048 });
  const wrongKey = rsaDecrypt(other, rsaEncrypt(publicKeyOf(key), secret, random), random) === null;
  print('with another private key: ' + (wrongKey ? 'decryption failed' : 'decrypted (!)'));
  return { secret: hex(secret), oaep: out.oaep, pkcs1: out.pkcs1, wrongKey };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(console.log);
