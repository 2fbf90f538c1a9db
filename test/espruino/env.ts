// A model of Espruino's built-ins for the Node-side tests of ports/espruino
// (provider.test.ts, psk.test.ts): E and require("crypto") with the
// semantics of the Espruino 2v29 sources (src/jswrap_crypto.c,
// src/jswrap_espruino.c). Everything about the language itself, and the
// bundle as a whole, is tested on the real interpreter (real-engine.test.ts).
import { createCipheriv, createHash, randomBytes } from 'node:crypto';

/** The host services the built-ins run on; only primitives cross. */
export interface Host {
  sha(bits: number, data: string): string;
  /** AES as Espruino's jswrap_crypto.c does it; null where it prints an error and returns undefined. */
  aes(mode: string, key: string, iv: string, data: string): string | null;
  random32(): number;
  print(line: string): void;
}

/** The host side on node:crypto, printing into `lines`. */
export function nodeHost(lines: string[] = []): Host & { lines: string[] } {
  return {
    lines,
    sha(bits, data) {
      return createHash(bits === 384 ? 'sha384' : 'sha256').update(Buffer.from(data, 'latin1')).digest().toString('latin1');
    },
    aes(mode, key, iv, data) {
      const k = Buffer.from(key, 'latin1');
      const d = Buffer.from(data, 'latin1');
      if (k.length !== 16 && k.length !== 24 && k.length !== 32) return null; // mbedtls_aes_setkey_enc fails
      const alg = 'aes-' + k.length * 8 + '-';
      if (mode === 'ECB') {
        // Whole blocks only; the bytes of a trailing partial block stay zero.
        const out = Buffer.alloc(d.length);
        const whole = d.length & ~15;
        const c = createCipheriv(alg + 'ecb', k, null).setAutoPadding(false);
        Buffer.concat([c.update(d.subarray(0, whole)), c.final()]).copy(out);
        return out.toString('latin1');
      }
      if (mode === 'CBC') {
        if (d.length % 16 !== 0) return null; // MBEDTLS_ERR_AES_INVALID_INPUT_LENGTH
        const c = createCipheriv(alg + 'cbc', k, Buffer.from(iv, 'latin1')).setAutoPadding(false);
        return Buffer.concat([c.update(d), c.final()]).toString('latin1');
      }
      if (mode === 'CTR') {
        // The IV is ignored: the counter always starts at zero.
        const c = createCipheriv(alg + 'ctr', k, Buffer.alloc(16));
        return Buffer.concat([c.update(d), c.final()]).toString('latin1');
      }
      return null; // CFB8 and OFB are not modelled; OFB is unimplemented in Espruino too
    },
    random32() {
      return randomBytes(4).readUInt32LE(0);
    },
    print(line) {
      lines.push(line);
    },
  };
}

/** What espruinoBuiltins returns: the E global and the crypto module. */
export interface Builtins {
  E: { toUint8Array(d: unknown): Uint8Array; toString(d: unknown): string; hwRand(): number };
  modules: { crypto: unknown };
}

/** Espruino's built-ins on a Host. */
export function espruinoBuiltins(host: Host): Builtins {
  /** Bytes of any data Espruino's natives accept, as a binary string (typed-array views respected). */
  function bin(d: unknown): string {
    if (typeof d === 'string') return d;
    let u: Uint8Array;
    if (d instanceof ArrayBuffer) u = new Uint8Array(d);
    else if (ArrayBuffer.isView(d)) u = new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
    else if (Array.isArray(d)) u = new Uint8Array(d);
    else return String(d); // Espruino converts anything else with toString()
    let s = '';
    for (let i = 0; i < u.length; i++) s += String.fromCharCode(u[i]);
    return s;
  }
  function bytes(s: string): Uint8Array {
    const u = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) u[i] = s.charCodeAt(i) & 0xff;
    return u;
  }
  const crypto = {
    SHA256: (d: unknown) => bytes(host.sha(256, bin(d))).buffer,
    SHA384: (d: unknown) => bytes(host.sha(384, bin(d))).buffer,
    AES: {
      encrypt(d: unknown, key: unknown, options?: { iv?: unknown; mode?: string }) {
        const mode = (options && options.mode) || 'CBC';
        if (['CBC', 'CFB', 'CTR', 'OFB', 'ECB'].indexOf(mode) < 0) throw new Error('Unknown Crypto mode ' + mode);
        // jsvIterateCallbackToBytes: at most 16 bytes of the IV, the rest zero.
        const iv = (bin(options && options.iv !== undefined ? options.iv : '') + '\0'.repeat(16)).substring(0, 16);
        const r = host.aes(mode, bin(key), iv, bin(d));
        if (r === null) {
          host.print('ERROR: Invalid input length'); // Espruino prints the error and returns undefined
          return undefined;
        }
        return bytes(r).buffer;
      },
    },
  };
  return {
    E: {
      toUint8Array: (d) => bytes(bin(d)),
      toString: (d) => bin(d),
      hwRand: () => host.random32() | 0,
    },
    modules: { crypto },
  };
}
