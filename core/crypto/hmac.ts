// HMAC (RFC 2104) over any Hash, so a provider with native SHA plugs in; a
// provider with native HMAC too (Hash.mac) is used as it is.
import type { Hash, HashState, MacState } from './types.js';

/**
 * HMAC with the key absorbed once: the inner and outer states after the
 * padded key block are kept and copied per message, so one Hmac serves many
 * messages (HKDF-Expand, Finished, binders), and setKey() moves it to another
 * key. With a hash that has cloneInto(), the states are made once and
 * neither a message nor a new key allocates.
 */
export class Hmac implements MacState {
  readonly outputLen: number;
  private readonly hash: Hash;
  private readonly block: Uint8Array;
  private readonly innerDigest: Uint8Array;
  private inner: HashState;
  private outer: HashState;
  private running: HashState;
  /** With cloneInto(): a state that absorbed nothing (to start over from) and one for the outer hash of each message. */
  private readonly empty: HashState | null;
  private readonly scratch: HashState | null;
  /**
   * The key the inner and outer states were made from (a key schedule often
   * keys its MAC with the same secret twice in a row: a traffic secret's key
   * and IV, two secrets of one stage): keying again with it costs nothing.
   * -1: no key kept (one longer than a block is not).
   */
  private readonly key: Uint8Array;
  private keyLen = -1;

  /** Without a key, setKey() comes before the first message (HKDF keys each step: a first key here would be hashed for nothing). */
  constructor(hash: Hash, key?: Uint8Array) {
    this.hash = hash;
    this.outputLen = hash.outputLen;
    this.block = new Uint8Array(hash.blockLen);
    this.key = new Uint8Array(hash.blockLen);
    this.innerDigest = new Uint8Array(hash.outputLen);
    // Clones of one empty state: with our SHA-2 they share its scratch.
    this.inner = hash.create();
    this.outer = this.inner.clone();
    this.running = this.inner.clone();
    const reusable = this.inner.cloneInto !== undefined;
    this.empty = reusable ? this.inner.clone() : null;
    this.scratch = reusable ? this.inner.clone() : null;
    if (key) this.setKey(key);
  }

  setKey(key: Uint8Array): void {
    if (this.isKey(key)) {
      this.running = this.copy(this.inner, this.running);
      return;
    }
    const block = this.block;
    // Keys longer than the block are hashed first; shorter ones are zero-padded.
    block.fill(0);
    if (key.length > block.length) this.hash.create().update(key).digestInto(block);
    else block.set(key);
    for (let i = 0; i < block.length; i++) block[i] ^= 0x36;
    this.inner = this.fresh(this.inner).update(block);
    for (let i = 0; i < block.length; i++) block[i] ^= 0x36 ^ 0x5c;
    this.outer = this.fresh(this.outer).update(block);
    block.fill(0);
    this.running = this.copy(this.inner, this.running);
    this.keyLen = key.length <= this.key.length ? key.length : -1;
    if (this.keyLen >= 0) this.key.set(key);
  }

  /** Whether `key` is the kept key (every byte compared: the time says nothing of where they differ). */
  private isKey(key: Uint8Array): boolean {
    if (key.length !== this.keyLen) return false;
    const kept = this.key;
    let diff = 0;
    for (let i = 0; i < key.length; i++) diff |= kept[i] ^ key[i];
    return diff === 0;
  }

  update(data: Uint8Array): this {
    this.running.update(data);
    return this;
  }

  /** Writes the MAC into out[0, outputLen) and starts a new message. */
  digestInto(out: Uint8Array): void {
    this.running.digestInto(this.innerDigest);
    const outer = this.scratch ? this.copy(this.outer, this.scratch) : this.outer.clone();
    outer.update(this.innerDigest).digestInto(out);
    this.running = this.copy(this.inner, this.running);
  }

  /** `state` reset to the empty hash (a new state without cloneInto). */
  private fresh(state: HashState): HashState {
    return this.empty ? this.copy(this.empty, state) : this.hash.create();
  }

  /** A copy of `from`: into `to` where the hash can, else a new clone. */
  private copy(from: HashState, to: HashState): HashState {
    if (!from.cloneInto) return from.clone();
    from.cloneInto(to);
    return to;
  }
}

/**
 * HMAC under key for many messages: the provider's own when it has one, else
 * built from its hash states. Without a key, setKey() comes first.
 */
export function macFor(hash: Hash, key?: Uint8Array): MacState {
  return hash.mac ? hash.mac(key ?? new Uint8Array(0)) : new Hmac(hash, key);
}

/** HMAC(key, msg) into out (a new array of hash.outputLen bytes when absent). */
export function hmac(hash: Hash, key: Uint8Array, msg: Uint8Array, out?: Uint8Array): Uint8Array {
  const res = out ?? new Uint8Array(hash.outputLen);
  macFor(hash, key).update(msg).digestInto(res);
  return res;
}
