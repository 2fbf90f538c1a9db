// SHA-2 for the transcript hash, HMAC and HKDF. noble's hash instances already
// have the HashState shape (update/digestInto/clone), so they are returned as is.
import { sha256 as nobleSha256, sha384 as nobleSha384, sha512 as nobleSha512 } from '@noble/hashes/sha2.js';
import type { Hash, HashName, HashState } from './types.js';

function wrap(name: HashName, h: { outputLen: number; blockLen: number; create(): HashState }): Hash {
  return { name, outputLen: h.outputLen, blockLen: h.blockLen, create: () => h.create() };
}

export const sha256: Hash = wrap('sha256', nobleSha256);
export const sha384: Hash = wrap('sha384', nobleSha384);
export const sha512: Hash = wrap('sha512', nobleSha512);
