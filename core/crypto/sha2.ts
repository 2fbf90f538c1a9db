// SHA-1, SHA-256, SHA-384 and SHA-512 (FIPS 180-4) with every buffer inside
// the hash state. noble's versions keep their message schedules in
// module-level arrays, which a preloaded Moddable module cannot write (its
// module state lives in flash, read-only). Same shape as noble's functions:
// `sha256(msg)` one-shot, `sha256.create()` incremental.
import type { HashState } from './types.js';

/** An incremental hash state; digest() is digestInto() a new array. */
export interface Sha2State extends HashState {
  update(data: Uint8Array): Sha2State;
  digest(): Uint8Array;
  destroy(): void;
  clone(): Sha2State;
}

/** A hash function: one-shot call plus its sizes and `create()`. */
export interface HashFunction {
  (msg: Uint8Array): Uint8Array;
  readonly outputLen: number;
  readonly blockLen: number;
  create(): Sha2State;
}

/** Big-endian 32-bit words from hex (constants stay compact and cheap to load). */
function words(hex: string): Uint32Array {
  const out = new Uint32Array(hex.length / 8);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(8 * i, 8), 16);
  return out;
}

const K256_HEX =
  '428a2f9871374491b5c0fbcfe9b5dba53956c25b59f111f1923f82a4ab1c5ed5d807aa9812835b01243185be550c7dc3' +
  '72be5d7480deb1fe9bdc06a7c19bf174e49b69c1efbe47860fc19dc6240ca1cc2de92c6f4a7484aa5cb0a9dc76f988da' +
  '983e5152a831c66db00327c8bf597fc7c6e00bf3d5a7914706ca63511429296727b70a852e1b21384d2c6dfc53380d13' +
  '650a7354766a0abb81c2c92e92722c85a2bfe8a1a81a664bc24b8b70c76c51a3d192e819d6990624f40e3585106aa070' +
  '19a4c1161e376c082748774c34b0bcb5391c0cb34ed8aa4a5b9cca4f682e6ff3748f82ee78a5636f84c878148cc70208' +
  '90befffaa4506cebbef9a3f7c67178f2';
const K512_HEX =
  '428a2f98d728ae227137449123ef65cdb5c0fbcfec4d3b2fe9b5dba58189dbbc3956c25bf348b53859f111f1b605d019' +
  '923f82a4af194f9bab1c5ed5da6d8118d807aa98a303024212835b0145706fbe243185be4ee4b28c550c7dc3d5ffb4e2' +
  '72be5d74f27b896f80deb1fe3b1696b19bdc06a725c71235c19bf174cf692694e49b69c19ef14ad2efbe4786384f25e3' +
  '0fc19dc68b8cd5b5240ca1cc77ac9c652de92c6f592b02754a7484aa6ea6e4835cb0a9dcbd41fbd476f988da831153b5' +
  '983e5152ee66dfaba831c66d2db43210b00327c898fb213fbf597fc7beef0ee4c6e00bf33da88fc2d5a79147930aa725' +
  '06ca6351e003826f142929670a0e6e7027b70a8546d22ffc2e1b21385c26c9264d2c6dfc5ac42aed53380d139d95b3df' +
  '650a73548baf63de766a0abb3c77b2a881c2c92e47edaee692722c851482353ba2bfe8a14cf10364a81a664bbc423001' +
  'c24b8b70d0f89791c76c51a30654be30d192e819d6ef5218d69906245565a910f40e35855771202a106aa07032bbd1b8' +
  '19a4c116b8d2d0c81e376c085141ab532748774cdf8eeb9934b0bcb5e19b48a8391c0cb3c5c95a634ed8aa4ae3418acb' +
  '5b9cca4f7763e373682e6ff3d6b2b8a3748f82ee5defb2fc78a5636f43172f6084c87814a1f0ab728cc702081a6439ec' +
  '90befffa23631e28a4506cebde82bde9bef9a3f7b2c67915c67178f2e372532bca273eceea26619cd186b8c721c0c207' +
  'eada7dd6cde0eb1ef57d4f7fee6ed17806f067aa72176fba0a637dc5a2c898a6113f9804bef90dae1b710b35131c471b' +
  '28db77f523047d8432caab7b40c724933c9ebe0a15c9bebc431d67c49c100d4c4cc5d4becb3e42b6597f299cfc657e2a' +
  '5fcb6fab3ad6faec6c44198c4a475817';

const K256 = /* @__PURE__ */ words(K256_HEX);
/** SHA-512 round constants as (high, low) word pairs. */
const K512 = /* @__PURE__ */ words(K512_HEX);
const IV1 = /* @__PURE__ */ words('67452301efcdab8998badcfe10325476c3d2e1f0');
const IV256 = /* @__PURE__ */ words('6a09e667bb67ae853c6ef372a54ff53a510e527f9b05688c1f83d9ab5be0cd19');
const IV384 = /* @__PURE__ */ words(
  'cbbb9d5dc1059ed8629a292a367cd5079159015a3070dd17152fecd8f70e5939' +
  '67332667ffc00b318eb44a8768581511db0c2e0d64f98fa747b5481dbefa4fa4',
);
const IV512 = /* @__PURE__ */ words(
  '6a09e667f3bcc908bb67ae8584caa73b3c6ef372fe94f82ba54ff53a5f1d36f1' +
  '510e527fade682d19b05688c2b3e6c1f1f83d9abfb41bd6b5be0cd19137e2179',
);

const be32 = (d: Uint8Array, i: number): number => (d[i] << 24) | (d[i + 1] << 16) | (d[i + 2] << 8) | d[i + 3];
const TWO32 = 0x100000000;

/** Merkle-Damgard: blocks, padding and the length field; the compression is the subclass's. */
abstract class Md implements Sha2State {
  protected readonly block: Uint8Array;
  private fill = 0;
  private bytes = 0;

  constructor(
    private readonly blockLen: number,
    protected readonly outputLen: number,
    /** The chaining value as big-endian 32-bit words. */
    protected readonly h: Uint32Array,
  ) {
    this.block = new Uint8Array(blockLen);
  }

  protected abstract compress(data: Uint8Array, off: number): void;
  abstract clone(): Sha2State;

  update(data: Uint8Array): this {
    const n = data.length;
    const size = this.blockLen;
    let off = 0;
    this.bytes += n;
    if (this.fill > 0) {
      off = Math.min(size - this.fill, n);
      this.block.set(data.subarray(0, off), this.fill);
      this.fill += off;
      if (this.fill < size) return this;
      this.compress(this.block, 0);
      this.fill = 0;
    }
    for (; off + size <= n; off += size) this.compress(data, off);
    if (off < n) {
      this.block.set(data.subarray(off), 0);
      this.fill = n - off;
    }
    return this;
  }

  digestInto(out: Uint8Array): void {
    const b = this.block;
    const size = this.blockLen;
    // The length field is 8 bytes (SHA-1, SHA-256) or 16 (SHA-384/512); lengths stay below 2^53 bytes.
    const lengthField = size >> 3;
    b[this.fill++] = 0x80;
    if (this.fill > size - lengthField) {
      b.fill(0, this.fill);
      this.compress(b, 0);
      this.fill = 0;
    }
    b.fill(0, this.fill);
    const hi = Math.floor(this.bytes / 0x20000000);
    const lo = (this.bytes % 0x20000000) * 8;
    for (let i = 0; i < 4; i++) {
      b[size - 8 + i] = hi >>> (24 - 8 * i);
      b[size - 4 + i] = lo >>> (24 - 8 * i);
    }
    this.compress(b, 0);
    const h = this.h;
    for (let i = 0; i < this.outputLen; i++) out[i] = h[i >> 2] >>> (24 - 8 * (i & 3));
  }

  digest(): Uint8Array {
    const out = new Uint8Array(this.outputLen);
    this.digestInto(out);
    return out;
  }

  /** Wipes the state (noble's HMAC, used by its ECDSA signing, calls this). */
  destroy(): void {
    this.h.fill(0);
    this.block.fill(0);
  }

  /** Copies this running state into `to`, a state of the same kind, without allocating. */
  cloneInto(to: HashState): void {
    this.copyInto(to as Md);
  }

  /** Copies this running state into another state of the same kind. */
  protected copyInto<T extends Md>(c: T): T {
    c.h.set(this.h);
    c.block.set(this.block);
    c.fill = this.fill;
    c.bytes = this.bytes;
    return c;
  }
}

class Sha1 extends Md {
  private readonly w = new Uint32Array(80);
  constructor() {
    super(64, 20, IV1.slice());
  }
  protected compress(d: Uint8Array, off: number): void {
    const w = this.w;
    const h = this.h;
    for (let i = 0; i < 16; i++) w[i] = be32(d, off + 4 * i);
    for (let i = 16; i < 80; i++) {
      const x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16];
      w[i] = (x << 1) | (x >>> 31);
    }
    let a = h[0] | 0, b = h[1] | 0, c = h[2] | 0, e = h[4] | 0, dd = h[3] | 0;
    for (let i = 0; i < 80; i++) {
      let f: number;
      let k: number;
      if (i < 20) { f = (b & c) | (~b & dd); k = 0x5a827999; }
      else if (i < 40) { f = b ^ c ^ dd; k = 0x6ed9eba1; }
      else if (i < 60) { f = (b & c) | (b & dd) | (c & dd); k = 0x8f1bbcdc; }
      else { f = b ^ c ^ dd; k = 0xca62c1d6; }
      const t = (((a << 5) | (a >>> 27)) + f + e + k + w[i]) | 0;
      e = dd;
      dd = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += dd; h[4] += e;
  }
  clone(): Sha1 {
    return this.copyInto(new Sha1());
  }
}

class Sha256 extends Md {
  private readonly w = new Uint32Array(64);
  constructor() {
    super(64, 32, IV256.slice());
  }
  protected compress(d: Uint8Array, off: number): void {
    const w = this.w;
    const h = this.h;
    for (let i = 0; i < 16; i++) w[i] = be32(d, off + 4 * i);
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15];
      const y = w[i - 2];
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[i] = s1 + w[i - 7] + s0 + w[i - 16];
    }
    let a = h[0] | 0, b = h[1] | 0, c = h[2] | 0, dd = h[3] | 0;
    let e = h[4] | 0, f = h[5] | 0, g = h[6] | 0, hh = h[7] | 0;
    for (let i = 0; i < 64; i++) {
      const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (hh + s1 + ((e & f) ^ (~e & g)) + K256[i] + w[i]) | 0;
      const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      hh = g;
      g = f;
      f = e;
      e = (dd + t1) | 0;
      dd = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += dd; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
  }
  clone(): Sha256 {
    return this.copyInto(new Sha256());
  }
}

/** SHA-512 and SHA-384 on 32-bit halves: word i is (w[2i] high, w[2i+1] low). */
class Sha512 extends Md {
  private readonly w = new Uint32Array(160);
  constructor(outputLen: number, iv: Uint32Array) {
    super(128, outputLen, iv.slice());
  }
  protected compress(d: Uint8Array, off: number): void {
    const w = this.w;
    const h = this.h;
    for (let i = 0; i < 32; i++) w[i] = be32(d, off + 4 * i);
    for (let i = 32; i < 160; i += 2) {
      let xh = w[i - 30], xl = w[i - 29]; // w[t-15]
      const s0h = ((xh >>> 1) | (xl << 31)) ^ ((xh >>> 8) | (xl << 24)) ^ (xh >>> 7);
      const s0l = ((xl >>> 1) | (xh << 31)) ^ ((xl >>> 8) | (xh << 24)) ^ ((xl >>> 7) | (xh << 25));
      xh = w[i - 4]; xl = w[i - 3]; // w[t-2]
      const s1h = ((xh >>> 19) | (xl << 13)) ^ ((xl >>> 29) | (xh << 3)) ^ (xh >>> 6);
      const s1l = ((xl >>> 19) | (xh << 13)) ^ ((xh >>> 29) | (xl << 3)) ^ ((xl >>> 6) | (xh << 26));
      const lo = (s1l >>> 0) + w[i - 13] + (s0l >>> 0) + w[i - 31];
      w[i] = s1h + w[i - 14] + s0h + w[i - 32] + Math.floor(lo / TWO32);
      w[i + 1] = lo;
    }
    let ah = h[0] | 0, al = h[1] | 0, bh = h[2] | 0, bl = h[3] | 0, ch = h[4] | 0, cl = h[5] | 0, dh = h[6] | 0, dl = h[7] | 0;
    let eh = h[8] | 0, el = h[9] | 0, fh = h[10] | 0, fl = h[11] | 0, gh = h[12] | 0, gl = h[13] | 0, hh = h[14] | 0, hl = h[15] | 0;
    for (let i = 0; i < 160; i += 2) {
      const S1h = ((eh >>> 14) | (el << 18)) ^ ((eh >>> 18) | (el << 14)) ^ ((el >>> 9) | (eh << 23));
      const S1l = ((el >>> 14) | (eh << 18)) ^ ((el >>> 18) | (eh << 14)) ^ ((eh >>> 9) | (el << 23));
      const chh = (eh & fh) ^ (~eh & gh);
      const chl = (el & fl) ^ (~el & gl);
      const t1lo = (hl >>> 0) + (S1l >>> 0) + (chl >>> 0) + K512[i + 1] + w[i + 1];
      const t1h = (hh + S1h + chh + K512[i] + w[i] + Math.floor(t1lo / TWO32)) | 0;
      const t1l = t1lo >>> 0;
      const S0h = ((ah >>> 28) | (al << 4)) ^ ((al >>> 2) | (ah << 30)) ^ ((al >>> 7) | (ah << 25));
      const S0l = ((al >>> 28) | (ah << 4)) ^ ((ah >>> 2) | (al << 30)) ^ ((ah >>> 7) | (al << 25));
      const mh = (ah & bh) ^ (ah & ch) ^ (bh & ch);
      const ml = (al & bl) ^ (al & cl) ^ (bl & cl);
      const t2lo = (S0l >>> 0) + (ml >>> 0);
      const t2h = S0h + mh + Math.floor(t2lo / TWO32);
      hh = gh; hl = gl;
      gh = fh; gl = fl;
      fh = eh; fl = el;
      const elo = (dl >>> 0) + t1l;
      eh = (dh + t1h + Math.floor(elo / TWO32)) | 0;
      el = elo | 0;
      dh = ch; dl = cl;
      ch = bh; cl = bl;
      bh = ah; bl = al;
      const alo = t1l + (t2lo >>> 0);
      ah = (t1h + t2h + Math.floor(alo / TWO32)) | 0;
      al = alo | 0;
    }
    add64(h, 0, ah, al); add64(h, 2, bh, bl); add64(h, 4, ch, cl); add64(h, 6, dh, dl);
    add64(h, 8, eh, el); add64(h, 10, fh, fl); add64(h, 12, gh, gl); add64(h, 14, hh, hl);
  }
  clone(): Sha512 {
    return this.copyInto(new Sha512(this.outputLen, this.h));
  }
}

function add64(h: Uint32Array, i: number, hi: number, lo: number): void {
  const l = h[i + 1] + (lo >>> 0);
  h[i] += hi + Math.floor(l / TWO32);
  h[i + 1] = l;
}

function hashFunction(outputLen: number, blockLen: number, create: () => Sha2State): HashFunction {
  const f = (msg: Uint8Array): Uint8Array => create().update(msg).digest();
  return Object.assign(f, { outputLen, blockLen, create });
}

export const sha1: HashFunction = /* @__PURE__ */ hashFunction(20, 64, () => new Sha1());
export const sha256: HashFunction = /* @__PURE__ */ hashFunction(32, 64, () => new Sha256());
export const sha384: HashFunction = /* @__PURE__ */ hashFunction(48, 128, () => new Sha512(48, IV384));
export const sha512: HashFunction = /* @__PURE__ */ hashFunction(64, 128, () => new Sha512(64, IV512));
