// Shared by the x509 tests: the test PKI, openssl, an independent Verifier
// built on node:crypto, and a failure assertion.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { constants, createPublicKey, randomBytes, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PublicKey, SignatureAlgorithm, Verifier } from '../../core/crypto/types.js';
import { TlsFailure, errorName } from '../../core/errors.js';

/** Repository root (this file runs from build/test/x509/). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const PKI = join(ROOT, 'build', 'pki');

/** Makes build/pki if needed (the script is idempotent and quick when it is there). */
export function ensurePki(): void {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'make-pki.mjs')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error('make-pki failed: ' + r.stderr);
}

export function pkiText(name: string): string {
  return readFileSync(join(PKI, name), 'utf8');
}

/** Runs openssl and returns its stdout; throws with stderr on failure. */
export function openssl(args: string[], cwd?: string, input?: string | Uint8Array): Buffer {
  const r = spawnSync('openssl', args, { cwd, input });
  if (r.status !== 0) throw new Error('openssl ' + args.join(' ') + ': ' + r.stderr.toString());
  return r.stdout;
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'microtls-x509-'));
}

/** DER of the first certificate in a PEM file, via openssl (independent of pem.ts). */
export function certDer(path: string): Uint8Array {
  return new Uint8Array(openssl(['x509', '-in', path, '-outform', 'DER']));
}

function b64u(v: bigint | Uint8Array): string {
  if (typeof v === 'bigint') {
    let hex = v.toString(16);
    if (hex.length % 2) hex = '0' + hex;
    return Buffer.from(hex, 'hex').toString('base64url');
  }
  return Buffer.from(v).toString('base64url');
}

function nodeKey(key: PublicKey): KeyObject {
  switch (key.kind) {
    case 'rsa':
      return createPublicKey({ key: { kty: 'RSA', n: b64u(key.n), e: b64u(key.e) }, format: 'jwk' });
    case 'ec': {
      const size = (key.point.length - 1) / 2;
      return createPublicKey({
        key: { kty: 'EC', crv: key.curve, x: b64u(key.point.subarray(1, 1 + size)), y: b64u(key.point.subarray(1 + size)) },
        format: 'jwk',
      });
    }
    case 'ed25519':
      return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64u(key.key) }, format: 'jwk' });
    case 'ed448':
      return createPublicKey({ key: { kty: 'OKP', crv: 'Ed448', x: b64u(key.key) }, format: 'jwk' });
  }
}

/** A Verifier on node:crypto: independent of core/crypto. */
export const nodeVerifier: Verifier = {
  verify(alg: SignatureAlgorithm, key: PublicKey, msg: Uint8Array, sig: Uint8Array): boolean {
    try {
      const k = nodeKey(key);
      switch (alg.type) {
        case 'ed25519':
        case 'ed448':
          return key.kind === alg.type && nodeVerify(null, msg, k, sig);
        case 'ecdsa':
          return key.kind === 'ec' && nodeVerify(alg.hash, msg, { key: k, dsaEncoding: 'der' }, sig);
        case 'rsa-pkcs1':
          return key.kind === 'rsa' && !key.pssOnly && nodeVerify(alg.hash, msg, { key: k, padding: constants.RSA_PKCS1_PADDING }, sig);
        case 'rsa-pss':
          return key.kind === 'rsa' && nodeVerify(alg.hash, msg,
            { key: k, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, sig);
      }
    } catch {
      return false;
    }
  },
};

/** Asserts that fn throws a TlsFailure with the named code (and alert, if given); returns it. */
export function assertFails(fn: () => unknown, name: string, alert?: number): TlsFailure {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof TlsFailure, 'expected TlsFailure, got ' + String(e));
    assert.equal(e.name, name, 'expected ' + name + ', got ' + errorName(e.code) + ': ' + e.message);
    if (alert !== undefined) assert.equal(e.alert, alert, e.message);
    return e;
  }
  assert.fail('expected ' + name + ', nothing thrown');
}

export interface CertSpec {
  /** File stem in dir: writes NAME.key (PKCS#8 PEM) and NAME.crt. */
  name: string;
  /** openssl genpkey arguments, e.g. ['-algorithm', 'ed25519'], or the stem of a key file in dir to reuse. */
  key: string[] | string;
  subj: string;
  /** Lines of the extensions section (none: a v1 certificate). */
  ext?: string;
  /** Issuer file stem (NAME.crt, NAME.key) in dir or an absolute path stem; self-signed when absent. */
  issuer?: string;
  /** Extra signing options: ['-sha384'], ['-sigopt', 'rsa_padding_mode:pss', ...]. */
  sign?: string[];
  days?: number;
}

export const EC256 = ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'];

/** Makes a certificate with openssl (genpkey, req, x509 -req); returns its DER. */
export function makeCert(dir: string, s: CertSpec): Uint8Array {
  if (typeof s.key === 'string') copyFileSync(join(dir, s.key + '.key'), join(dir, s.name + '.key'));
  else openssl(['genpkey', ...s.key, '-out', s.name + '.key'], dir);
  openssl(['req', '-new', '-key', s.name + '.key', '-subj', s.subj, '-out', s.name + '.csr'], dir);
  const args = ['x509', '-req', '-in', s.name + '.csr', '-out', s.name + '.crt', '-days', String(s.days ?? 30), ...(s.sign ?? [])];
  if (s.issuer) args.push('-CA', s.issuer + '.crt', '-CAkey', s.issuer + '.key', '-set_serial', '0x' + randomBytes(8).toString('hex'));
  else args.push('-signkey', s.name + '.key');
  if (s.ext !== undefined) {
    writeFileSync(join(dir, s.name + '.cnf'), '[ext]\n' + s.ext + '\n');
    args.push('-extfile', s.name + '.cnf', '-extensions', 'ext');
  }
  openssl(args, dir);
  return certDer(join(dir, s.name + '.crt'));
}
