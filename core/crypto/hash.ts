// SHA-2 for the transcript hash, HMAC and HKDF: noble's hashes, which have
// the HashState shape (update/digestInto/clone), with cloneInto() so HMAC and
// the transcript reuse their states (noble copies a state into another
// without allocating: _cloneInto).
import { _SHA256, _SHA384, _SHA512 } from '@noble/hashes/sha2.js';
import type { Hash, HashName, HashState } from './types.js';

class Sha256State extends _SHA256 implements HashState {
  cloneInto(to: HashState): void {
    this._cloneInto(to as _SHA256);
  }
}

class Sha384State extends _SHA384 implements HashState {
  cloneInto(to: HashState): void {
    this._cloneInto(to as _SHA384);
  }
}

class Sha512State extends _SHA512 implements HashState {
  cloneInto(to: HashState): void {
    this._cloneInto(to as _SHA512);
  }
}

function hash(name: HashName, outputLen: number, blockLen: number, create: () => HashState): Hash {
  return { name, outputLen, blockLen, create };
}

export const sha256: Hash = hash('sha256', 32, 64, () => new Sha256State());
export const sha384: Hash = hash('sha384', 48, 128, () => new Sha384State());
export const sha512: Hash = hash('sha512', 64, 128, () => new Sha512State());
