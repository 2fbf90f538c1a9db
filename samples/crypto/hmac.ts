// Seed book 7.02, HMAC: a message authentication code with a shared key,
// checked in constant time on the receiving side; and HKDF, which derives
// keys from a secret with HMAC (TLS 1.3's key schedule is built on it).
//   node build/samples/crypto/hmac.js
import { pathToFileURL } from 'node:url';
import { constantTimeEqual } from '../../core/crypto/ct.js';
import { hkdf, hmac } from '../../core/profiles/crypto.js';
import { hex, text } from './util.js';

export function main(print: (line: string) => void): { mac: string; accepted: boolean; forgedAccepted: boolean; okm: string } {
  const key = text('a key shared by the device and the server');
  const message = text('temperature=21.5');
  const mac = hmac('sha256', key, message);
  print('HMAC-SHA256 = ' + hex(mac));
  // The receiver recomputes the MAC and compares without an early exit.
  const accepted = constantTimeEqual(hmac('sha256', key, message), mac);
  const forgedAccepted = constantTimeEqual(hmac('sha256', key, text('temperature=99.9')), mac);
  print('genuine message accepted: ' + accepted + ', altered message accepted: ' + forgedAccepted);
  const okm = hkdf('sha256', key, text('salt'), text('device session key'), 16);
  print('HKDF-SHA256 -> 16-byte key ' + hex(okm));
  return { mac: hex(mac), accepted, forgedAccepted, okm: hex(okm) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(console.log);
