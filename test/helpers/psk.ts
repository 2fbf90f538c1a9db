// External PSKs and saved sessions for interop tests: the same key and
// identity given to openssl (-psk HEX -psk_identity ID), to a microtls
// client (pskClient) and to a microtls server (pskServer), and scratch
// files for openssl -sess_out / -sess_in and the CLI's --sess-out.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExternalPsk, PskMode } from '../../core/engine/types.js';
import type { MicroOptions } from './microtls.js';

export const PSK_IDENTITY = 'Client_identity';
export const PSK_HEX = '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809';

/** openssl s_client / s_server arguments for an external PSK; pskKe allows psk_ke (no (EC)DHE). */
export function opensslPsk(pskKe = false, hex = PSK_HEX, identity = PSK_IDENTITY): string[] {
  return ['-psk', hex, '-psk_identity', identity, ...(pskKe ? ['-allow_no_dhe_kex'] : [])];
}

function psk(hex: string, identity: string): ExternalPsk {
  return { identity: Buffer.from(identity), key: Buffer.from(hex, 'hex') };
}

/** microtls client options offering the PSK (and verifying no certificate: a PSK-only server has none). */
export function microPskClient(mode: PskMode, hex = PSK_HEX, identity = PSK_IDENTITY): MicroOptions {
  return { pskClient: () => psk(hex, identity), pskModes: [mode], verify: 'none', ca: null };
}

/**
 * microtls server options knowing the PSK; the identities it was asked for
 * are pushed to `asked`. Without a certificate unless `cert` is given.
 */
export function microPskServer(mode: PskMode, asked: string[] = [], cert?: string): MicroOptions {
  return {
    cert,
    pskModes: [mode],
    pskServer: (id) => {
      const name = Buffer.from(id).toString('latin1');
      asked.push(name);
      return name === PSK_IDENTITY ? psk(PSK_HEX, PSK_IDENTITY) : null;
    },
  };
}

/** A path in a fresh temporary directory. */
export function tempPath(name: string): string {
  return join(mkdtempSync(join(tmpdir(), 'microtls-')), name);
}
