// Hashes, HMAC and HKDF by name (SHA-256/384/512), one-shot or incremental,
// on core/crypto's SHA-2, HMAC and HKDF (or a provider's hashes).
import { sha256, sha384, sha512 } from '../crypto/hash.js';
import { hkdfExpand, hkdfExtract } from '../crypto/hkdf.js';
import { Hmac } from '../crypto/hmac.js';
import type { Hash, HashName, HashState } from '../crypto/types.js';
import { Alert, ErrorCode, fail } from '../errors.js';
import type { ToolkitProvider } from './provider.js';

export const NOBLE_HASHES: Record<HashName, Hash> = { sha256, sha384, sha512 };

/** The hash called `name` ('sha256', 'sha384', 'sha512'). */
export function hashByName(name: HashName, provider?: Pick<ToolkitProvider, 'hash'>): Hash {
  const h = provider ? provider.hash(name) : NOBLE_HASHES[name];
  if (!h) fail(ErrorCode.BAD_CONFIG, Alert.internal_error, 'unknown hash ' + JSON.stringify(name) + ' (sha256, sha384 or sha512)');
  return h;
}

/** An incremental hash or HMAC: update() any number of times, then digest() once. */
export class Digest {
  private state: { update(d: Uint8Array): unknown; digestInto(out: Uint8Array): void } | null;

  constructor(state: HashState | Hmac, readonly outputLen: number) {
    this.state = state;
  }

  update(data: Uint8Array): this {
    if (!this.state) fail(ErrorCode.BAD_STATE, Alert.internal_error, 'digest() was already called');
    this.state.update(data);
    return this;
  }

  digest(): Uint8Array {
    if (!this.state) fail(ErrorCode.BAD_STATE, Alert.internal_error, 'digest() was already called');
    const out = new Uint8Array(this.outputLen);
    this.state.digestInto(out);
    this.state = null;
    return out;
  }
}

export function createHash(name: HashName, provider?: Pick<ToolkitProvider, 'hash'>): Digest {
  const h = hashByName(name, provider);
  return new Digest(h.create(), h.outputLen);
}

export function digest(name: HashName, data: Uint8Array, provider?: Pick<ToolkitProvider, 'hash'>): Uint8Array {
  return createHash(name, provider).update(data).digest();
}

export function createHmac(name: HashName, key: Uint8Array, provider?: Pick<ToolkitProvider, 'hash'>): Digest {
  const h = hashByName(name, provider);
  return new Digest(new Hmac(h, key), h.outputLen);
}

export function hmac(name: HashName, key: Uint8Array, data: Uint8Array, provider?: Pick<ToolkitProvider, 'hash'>): Uint8Array {
  return createHmac(name, key, provider).update(data).digest();
}

/** HKDF (RFC 5869): Extract then Expand to `length` bytes. */
export function hkdf(
  name: HashName, ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number, provider?: Pick<ToolkitProvider, 'hash'>,
): Uint8Array {
  const h = hashByName(name, provider);
  return hkdfExpand(h, hkdfExtract(h, salt, ikm), info, length);
}

export { hkdfExtract, hkdfExpand };
