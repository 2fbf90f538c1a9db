// SHA-2 for the transcript hash, HMAC and HKDF (sha2.ts: states already have
// the HashState shape, cloneInto() included, so HMAC and the transcript reuse
// their states; they are returned as is).
import { sha256 as sha256Function, sha384 as sha384Function, sha512 as sha512Function } from './sha2.js';
import type { Hash, HashName, HashState } from './types.js';

function wrap(name: HashName, h: { outputLen: number; blockLen: number; create(): HashState }): Hash {
  return { name, outputLen: h.outputLen, blockLen: h.blockLen, create: () => h.create() };
}

export const sha256: Hash = /* @__PURE__ */ wrap('sha256', sha256Function);
export const sha384: Hash = /* @__PURE__ */ wrap('sha384', sha384Function);
export const sha512: Hash = /* @__PURE__ */ wrap('sha512', sha512Function);
