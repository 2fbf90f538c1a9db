// HMAC (RFC 2104) over any Hash, so a provider with native SHA plugs in; a
// provider with native HMAC too (Hash.mac) is used as it is.
import type { Hash, HashState, MacState } from './types.js';

/**
 * HMAC with the key absorbed once: the inner and outer states after the padded
 * key block are kept and cloned per message, so one Hmac serves many messages
 * (HKDF-Expand, Finished, binders). After digestInto it is ready for the next
 * message under the same key.
 */
export class Hmac implements MacState {
  readonly outputLen: number;
  private readonly inner: HashState;
  private readonly outer: HashState;
  private readonly innerDigest: Uint8Array;
  private running: HashState;

  constructor(hash: Hash, key: Uint8Array) {
    this.outputLen = hash.outputLen;
    const block = new Uint8Array(hash.blockLen);
    // Keys longer than the block are hashed first; shorter ones are zero-padded.
    if (key.length > block.length) hash.create().update(key).digestInto(block);
    else block.set(key);
    for (let i = 0; i < block.length; i++) block[i] ^= 0x36;
    this.inner = hash.create().update(block);
    for (let i = 0; i < block.length; i++) block[i] ^= 0x36 ^ 0x5c;
    this.outer = hash.create().update(block);
    block.fill(0);
    this.innerDigest = new Uint8Array(hash.outputLen);
    this.running = this.inner.clone();
  }

  update(data: Uint8Array): this {
    this.running.update(data);
    return this;
  }

  /** Writes the MAC into out[0, outputLen) and starts a new message. */
  digestInto(out: Uint8Array): void {
    this.running.digestInto(this.innerDigest);
    this.outer.clone().update(this.innerDigest).digestInto(out);
    this.running = this.inner.clone();
  }
}

/** HMAC under key for many messages: the provider's own when it has one, else built from its hash states. */
export function macFor(hash: Hash, key: Uint8Array): MacState {
  return hash.mac ? hash.mac(key) : new Hmac(hash, key);
}

/** HMAC(key, msg) into out (a new array of hash.outputLen bytes when absent). */
export function hmac(hash: Hash, key: Uint8Array, msg: Uint8Array, out?: Uint8Array): Uint8Array {
  const res = out ?? new Uint8Array(hash.outputLen);
  macFor(hash, key).update(msg).digestInto(res);
  return res;
}
