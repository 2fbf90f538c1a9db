// One run of the crypto toolkit and the provisioning flow, written against
// the dist/moddable/crypto bundle's exports so the same code runs on XS and
// on Node (toolkit.test.ts compares the lines). Randomness is a fixed
// sequence, so every output (ECDSA and RSA included) is the same bytes on
// both engines.
import type * as Crypto from '../../core/profiles/crypto.js';
import type * as Provision from '../../ports/moddable/provision.js';
import { seeded } from './wire-run.js';

export type CryptoBundle = typeof Crypto & typeof Provision;

const HEX = '0123456789abcdef';
function hex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEX[b[i] >> 4] + HEX[b[i] & 15];
  return s;
}

function bytes(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 0xff;
  return b;
}

/** Runs every toolkit operation; print() gets one "name: value" line each. `rsaPem` is an RSA-2048 key (no RSA keygen on XS: too slow). */
export function toolkitScenario(C: CryptoBundle, rsaPem: string, caPem: string, caKeyPem: string, now: number, print: (line: string) => void): void {
  const random = seeded(7); // a fixed sequence: the same bytes on XS and Node (never for real keys)
  const msg = bytes('The seed book, chapter 7');
  for (const h of ['sha256', 'sha384', 'sha512'] as const) {
    print(h + ': ' + hex(C.digest(h, msg)));
    print('hmac-' + h + ': ' + hex(C.hmac(h, bytes('key'), msg)));
  }
  print('hkdf: ' + hex(C.hkdf('sha256', msg, bytes('salt'), bytes('info'), 42)));
  const key16 = C.randomBytes(16, random);
  const iv = C.randomBytes(16, random);
  const cbc = C.cbcEncrypt(key16, iv, msg);
  print('aes-128-cbc: ' + hex(cbc) + ' back ' + hex(C.cbcDecrypt(key16, iv, cbc) as Uint8Array));
  const nonce = C.randomBytes(12, random);
  for (const [alg, key] of [['aes-128-gcm', key16], ['chacha20-poly1305', C.randomBytes(32, random)]] as const) {
    const sealed = C.aeadSeal(alg, key, nonce, msg, bytes('aad'));
    print(alg + ': ' + hex(sealed) + ' open ' + (C.aeadOpen(alg, key, nonce, sealed, bytes('aad')) !== null));
  }
  for (const type of ['P-256', 'P-384', 'ed25519', 'x25519'] as const) {
    const key = C.generateKey(type, { random });
    print(type + ' key: ' + C.privateKeyPem(key).replace(/\n/g, '|'));
    print(type + ' public: ' + hex(C.encodePublicKey(C.publicKeyOf(key))));
    if (type !== 'x25519') {
      const sig = C.sign(key, msg, random);
      print(type + ' signature: ' + hex(sig) + ' verifies ' + C.verify(C.publicKeyOf(key), msg, sig));
    }
  }
  const rsa = C.importPrivateKey(rsaPem);
  const rsaPub = C.publicKeyOf(rsa);
  for (const padding of ['pkcs1', 'pss'] as const) {
    const sig = C.sign(rsa, msg, random, { padding });
    print('rsa ' + padding + ' signature: ' + hex(sig) + ' verifies ' + C.verify(rsaPub, msg, sig, { padding }));
  }
  for (const padding of ['oaep', 'pkcs1'] as const) {
    const ct = C.rsaEncrypt(rsaPub, msg, random, { padding });
    print('rsa ' + padding + ': ' + hex(ct) + ' back ' + hex(C.rsaDecrypt(rsa, ct, random, { padding }) as Uint8Array));
  }
  // Provisioning: first boot makes and stores the key, the next boot finds it.
  const flash: Record<string, ArrayBuffer> = {};
  const store = { get: (n: string) => flash[n], set: (n: string, v: ArrayBuffer) => { flash[n] = v; } };
  const first = C.provision(store, { subject: '/CN=device-1/O=microtls', san: ['DNS:device-1.local'], random });
  print('first boot: created ' + first.created + ', key ' + hex(first.key));
  print('csr: ' + first.csr.replace(/\n/g, '|'));
  const again = C.provision(store, { subject: '/CN=device-1/O=microtls', random });
  print('second boot: created ' + again.created + ', same key ' + (hex(again.key) === hex(first.key)) + ', certificate ' + again.certificate);
  // The CA signs on the device too (a gateway provisioning its nodes).
  const cert = C.signCsr(first.csr, caPem, C.importPrivateKey(caKeyPem), { random, now, days: 30, extKeyUsage: ['clientAuth'] });
  print('certificate: ' + C.certificatePem(cert).replace(/\n/g, '|'));
  let refused = '';
  try {
    C.installCertificate(store, caPem);
  } catch (e) {
    refused = (e as { name: string }).name;
  }
  print('installing a certificate for another key: ' + refused);
  C.installCertificate(store, cert, { ca: caPem, now: now + 1000 });
  const third = C.provision(store, { subject: '/CN=device-1/O=microtls', random });
  print('third boot: certificate ' + (third.certificate !== null && hex(third.certificate) === hex(cert)));
  const path = C.verifyCertificate(cert, caPem, { now: now + 1000, purpose: 'clientAuth' });
  print('verified: ' + path.map((c) => c.subjectCN).join(' <- '));
  print('DONE');
}
