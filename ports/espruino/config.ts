// The default Espruino configuration: a TLS 1.3 client authenticated by an
// external pre-shared key, with the RFC 7925 constrained-device suites
// (TLS_AES_128_CCM_8_SHA256, TLS_AES_128_CCM_SHA256), psk_ke unless
// psk_dhe_ke is asked for (an X25519 exchange costs seconds in interpreted
// JS), and record buffers sized by max_fragment_length.
import { asciiBytes } from '../../core/bytes/ascii.js';
import { Alert, ErrorCode, fail } from '../../core/errors.js';
import { ClientContext as Context } from '../../core/profiles/client.js';
import type { ContextOptions, ExternalPsk, PskMode } from '../../core/engine/types.js';
import { CipherSuite, NamedGroup } from '../../core/registry.js';
import { espruinoProvider } from './crypto.js';
import type { EspruinoCrypto, EspruinoE } from './espruino.js';

declare const E: EspruinoE;

export interface EspruinoTlsOptions {
  /** The pre-shared key; identity as bytes or an ASCII string, key as bytes or hex. */
  psk: { identity: Uint8Array | string; key: Uint8Array | string; hash?: 'sha256' | 'sha384' };
  /** SNI (optional: PSK handshakes verify no names). */
  serverName?: string;
  /** Also exchange X25519 keys (psk_dhe_ke) for forward secrecy; default false (psk_ke). */
  dhe?: boolean;
  /** Cipher suite codes in preference order (default CCM_8, then CCM). */
  cipherSuites?: number[];
  /** max_fragment_length asked of the server, which sizes our record buffers (default 1024). */
  maxFragmentLength?: 512 | 1024 | 2048 | 4096;
  /** Largest handshake message accepted (default 2048: PSK flights are small). */
  maxHandshakeMessage?: number;
  /** Random source (default E.hwRand, the hardware RNG). */
  random?: (dst: Uint8Array) => void;
  debug?: (line: string) => void;
}

/** Fills dst from Espruino's hardware random number generator, 32 bits per call. */
export function hwRandom(dst: Uint8Array): void {
  for (let i = 0; i < dst.length; i += 4) {
    const r = E.hwRand();
    for (let j = 0; j < 4 && i + j < dst.length; j++) dst[i + j] = r >>> (8 * j);
  }
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 32; // lower case
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

/** Bytes of a hex string; throws on anything else. */
export function hexBytes(hex: string): Uint8Array {
  if (hex.length % 2 !== 0) throw new TypeError('odd hex length');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexDigit(hex.charCodeAt(2 * i));
    const lo = hexDigit(hex.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) throw new TypeError('invalid hex digit');
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/**
 * Fails with BAD_CONFIG naming a built-in this firmware lacks: found when
 * the context is made rather than as an internal error mid-handshake (AES,
 * for one, exists only on builds with the 'TLS' or 'AES' library).
 */
export function requireBuiltin(present: unknown, name: string): void {
  if (typeof present !== 'function') fail(ErrorCode.BAD_CONFIG, Alert.internal_error, name + ' is missing on this board (firmware built without it)');
}

/** The pskClient callback: its closure keeps the key alone, not the options it came from (every block counts). */
function offer(psk: ExternalPsk): () => ExternalPsk {
  return function () { return psk; };
}

/** Engine options for the Espruino client profile. */
export function espruinoOptions(crypto: EspruinoCrypto, o: EspruinoTlsOptions): ContextOptions {
  const p = o.psk;
  const hash = p.hash || 'sha256';
  requireBuiltin(crypto && crypto.AES && crypto.AES.encrypt, 'require("crypto").AES');
  requireBuiltin(crypto && crypto.SHA256, 'require("crypto").SHA256');
  if (hash === 'sha384') requireBuiltin(crypto.SHA384, 'require("crypto").SHA384');
  if (!o.random) requireBuiltin(E.hwRand, 'E.hwRand');
  const psk: ExternalPsk = {
    identity: typeof p.identity === 'string' ? asciiBytes(p.identity) : p.identity,
    key: typeof p.key === 'string' ? hexBytes(p.key) : p.key,
    hash: hash,
  };
  const modes: PskMode[] = o.dhe ? ['psk_dhe_ke'] : ['psk_ke'];
  // What the provider makes once and keeps is made with the context, not left behind by its first
  // connection: the PSK's hash, which every handshake uses, and X25519's working memory for psk_dhe_ke
  // (psk_ke offers the group, so that a server may ask for it, but never makes a key share).
  const provider = espruinoProvider(crypto, !o.dhe);
  provider.hash(hash);
  return {
    side: 'client',
    crypto: provider,
    random: o.random || hwRandom,
    noClock: true,
    serverName: o.serverName,
    cipherSuites: o.cipherSuites || [CipherSuite.TLS_AES_128_CCM_8_SHA256, CipherSuite.TLS_AES_128_CCM_SHA256],
    groups: [NamedGroup.x25519],
    signatureSchemes: [], // PSK only: no certificate to verify, so no list to keep per connection
    pskClient: offer(psk),
    pskModes: modes,
    maxFragmentLength: o.maxFragmentLength || 1024,
    maxHandshakeMessage: o.maxHandshakeMessage || 2048,
    debug: o.debug,
  };
}

/** A client Context for the Espruino profile (`espruinoContext(require("crypto"), { psk: ... })`). */
export function espruinoContext(crypto: EspruinoCrypto, o: EspruinoTlsOptions): Context {
  return new Context(espruinoOptions(crypto, o));
}
