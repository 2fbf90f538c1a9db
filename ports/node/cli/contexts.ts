// The server's and the client's Context from their flags: options, PSK,
// SNI policy, OCSP staple, and the certificate, key and trust anchors from
// files (the demo PKI when none is given).
import { readFileSync } from 'node:fs';
import { constantTimeEqual } from '../../../core/crypto/ct.js';
import type { ContextOptions, VerifyMode } from '../../../core/engine/types.js';
import { ErrorCode } from '../../../core/errors.js';
import { Context } from '../../../core/index.js';
import { loadCrlFile, loadVerifyFile, useCertificateFile, usePrivateKeyFile } from '../files.js';
import type { Values } from './command.js';
import { orDemo } from './demo-pki.js';
import { cliError, explain, load } from './errors.js';
import { baseOptions, intOption, maxFragOf, pskOf } from './options.js';
import type { Print } from './output.js';

function newContext(options: ContextOptions): Context {
  try {
    return new Context(options);
  } catch (e) {
    throw explain('bad configuration', e);
  }
}

function useCertificate(ctx: Context, cert: string, key: string): void {
  load('cannot load certificate ' + cert, () => useCertificateFile(ctx, cert));
  load('cannot load private key ' + key, () => usePrivateKeyFile(ctx, key));
}

function loadCa(ctx: Context, ca: string): void {
  load('cannot load CA ' + ca, () => loadVerifyFile(ctx, ca));
}

/** The identity of the external PSK a server connection used (set by the server's PSK callback). */
export interface PskUse {
  identity: string | null;
}

export function serverContext(v: Values, debug: Print | undefined, pskUse: PskUse = { identity: null }): Context {
  const verify: VerifyMode = v['require-client-cert'] ? 'require' : v['verify-client'] ? 'optional' : 'none';
  const psk = pskOf(v);
  const name = v.servername;
  let ocspResponse: Uint8Array | undefined;
  if (typeof v.ocsp === 'string') {
    const file = v.ocsp;
    load('cannot read OCSP response ' + file, () => (ocspResponse = readFileSync(file)));
  }
  const ctx = newContext({
    ...baseOptions('server', v, debug),
    verify,
    pskServer: psk ? (id) => {
      if (!constantTimeEqual(id, psk.identity)) return null;
      pskUse.identity = Buffer.from(id).toString('utf8');
      return psk;
    } : undefined,
    // No SNI is not another name: only a different name is refused.
    onServerName: typeof name === 'string' ? (n) => (n === null || n === name ? null : false) : undefined,
    tickets: intOption(v, 'tickets', 0, 255),
    maxEarlyData: intOption(v, 'max-early-data', 0, 0xffffffff),
    ocspResponse,
  });
  // A PSK-only server needs no certificate, unless one is given.
  if (!v['psk-only'] || typeof v.cert === 'string' || typeof v.key === 'string') {
    useCertificate(ctx, orDemo(v.cert, 'server-ecdsa-chain.crt'), orDemo(v.key, 'server-ecdsa.key'));
  }
  if (verify !== 'none' || typeof v.ca === 'string') loadCa(ctx, orDemo(v.ca, 'ca.crt'));
  const crl = v.crl;
  if (typeof crl === 'string') load('cannot load CRL ' + crl, () => loadCrlFile(ctx, crl));
  return ctx;
}

export function clientContext(v: Values, serverName: string, debug: Print | undefined): Context {
  const verify: VerifyMode = v.insecure ? 'none' : 'require';
  const psk = pskOf(v);
  const ctx = newContext({
    ...baseOptions('client', v, debug),
    verify,
    serverName,
    pskClient: psk ? () => psk : undefined,
    maxFragmentLength: maxFragOf(v),
    ocsp: v.status ? 'require' : undefined,
  });
  if (verify !== 'none') loadCa(ctx, orDemo(v.ca, 'ca.crt'));
  if (typeof v.cert === 'string' || typeof v.key === 'string') {
    if (typeof v.cert !== 'string' || typeof v.key !== 'string') {
      throw cliError(ErrorCode.BAD_CONFIG, '--cert and --key go together');
    }
    useCertificate(ctx, v.cert, v.key);
  }
  return ctx;
}
