// Node file helpers: certificates and keys from files, the random source,
// the NSS key log file, and where the package lives.
import { randomFillSync } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CertificateContext as Context } from '../../core/engine/certificate-context.js';

/** A PEM or DER file: PEM text is handed over as a string, DER as bytes. */
export function readPemOrDer(path: string): Uint8Array | string {
  const data = readFileSync(path);
  if (data.includes('-----BEGIN ')) return data.toString('latin1');
  return new Uint8Array(data.buffer, data.byteOffset, data.length);
}

/** Adds the CRLs in a PEM (one or more "X509 CRL" blocks) or DER file. */
export function loadCrlFile(ctx: Context, path: string): void {
  ctx.loadCrlBuffer(readPemOrDer(path));
}

/** Adds the trust anchors in a PEM (one or more certificates) or DER file. */
export function loadVerifyFile(ctx: Context, path: string): void {
  ctx.loadVerifyBuffer(readPemOrDer(path));
}

/** Sets our certificate chain from a PEM (leaf first) or DER file. */
export function useCertificateFile(ctx: Context, path: string): void {
  ctx.useCertificateBuffer(readPemOrDer(path));
}

/** Sets our private key from a PEM or DER file (PKCS#8, SEC1 EC, PKCS#1 RSA). */
export function usePrivateKeyFile(ctx: Context, path: string): void {
  ctx.usePrivateKeyBuffer(readPemOrDer(path));
}

/** Secure random bytes from node:crypto, for ContextOptions.random. */
export function nodeRandom(dst: Uint8Array): void {
  randomFillSync(dst);
}

/** A keyLog callback appending NSS key log lines to a file (SSLKEYLOGFILE format). */
export function keyLogFile(path: string): (line: string) => void {
  return (line) => appendFileSync(path, line.endsWith('\n') ? line : line + '\n');
}

let root: string | null = null;

/** The package root: the nearest folder above this module holding package.json (works from source and build/). */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return (root = dir);
}
