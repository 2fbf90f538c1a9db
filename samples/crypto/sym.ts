// Seed book 7.03, symmetric encryption: AES-128-CBC with PKCS#7 padding, and
// AES-128-GCM, which also authenticates (a changed byte is detected).
// Keys, IVs and nonces come from the platform's random source.
//   node build/samples/crypto/sym.js
import { pathToFileURL } from 'node:url';
import { aeadOpen, aeadSeal, cbcDecrypt, cbcEncrypt, randomBytes } from '../../core/profiles/crypto.js';
import { nodeRandom } from '../../ports/node/files.js';
import { hex, text } from './util.js';

export interface SymResult { key: string; iv: string; cbc: string; nonce: string; gcm: string; cbcBack: string; gcmBack: string; tamperedOpened: boolean }

export function main(print: (line: string) => void, random = nodeRandom): SymResult {
  const plain = text('Sensor reading 42, sent over an untrusted link');
  const key = randomBytes(16, random);
  const iv = randomBytes(16, random);
  const cbc = cbcEncrypt(key, iv, plain);
  const cbcBack = new TextDecoder().decode(cbcDecrypt(key, iv, cbc) ?? new Uint8Array(0));
  print('AES-128-CBC key ' + hex(key) + ' iv ' + hex(iv));
  print('  ciphertext ' + hex(cbc) + ' (' + plain.length + ' bytes padded to ' + cbc.length + ')');
  print('  decrypted: ' + cbcBack);
  const nonce = randomBytes(12, random);
  const aad = text('device-1');
  const gcm = aeadSeal('aes-128-gcm', key, nonce, plain, aad);
  const gcmBack = new TextDecoder().decode(aeadOpen('aes-128-gcm', key, nonce, gcm, aad) ?? new Uint8Array(0));
  print('AES-128-GCM nonce ' + hex(nonce) + ' aad "device-1"');
  print('  ciphertext+tag ' + hex(gcm));
  print('  decrypted: ' + gcmBack);
  const tampered = gcm.slice();
  tampered[3] ^= 1;
  const tamperedOpened = aeadOpen('aes-128-gcm', key, nonce, tampered, aad) !== null;
  print('  one changed bit: ' + (tamperedOpened ? 'accepted (!)' : 'rejected'));
  return { key: hex(key), iv: hex(iv), cbc: hex(cbc), nonce: hex(nonce), gcm: hex(gcm), cbcBack, gcmBack, tamperedOpened };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(console.log);
