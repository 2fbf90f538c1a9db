// The Moddable SDK's native crypto as this provider uses it: the `crypt`
// module's Digest, BlockCipher, Mode and GHASH (modules/crypt/digest), the
// elliptic-curve and modular arithmetic of modules/crypt/arith (ec,
// modular), and XS's BigInt <-> ArrayBuffer conversions. The module
// "microtls/native" (ports/moddable/native.js) imports them and hands them
// over, so this code type-checks and bundles without the SDK.

/** crypt's Digest (and GHASH): write() takes any buffer view; close() returns a new ArrayBuffer. */
export interface Digest {
  write(data: Uint8Array | ArrayBuffer): void;
  close(): ArrayBuffer;
  reset(): void;
}

export interface Ghash extends Digest {
  /** Starts a new GHASH under key h with the AAD absorbed (both ArrayBuffers, their whole length). */
  _init(h: ArrayBuffer, aad: ArrayBuffer): void;
}

/** crypt's BlockCipher: whole ArrayBuffers only (one block read, one written). */
export interface BlockCipher {
  encrypt(data: ArrayBuffer, result: ArrayBuffer): ArrayBuffer;
}

/** crypt's Mode. decrypt() reads and writes views (in place); encrypt() writes to an ArrayBuffer; setIV() takes an ArrayBuffer. */
export interface Mode {
  encrypt(data: Uint8Array | ArrayBuffer, result: ArrayBuffer): ArrayBuffer;
  decrypt(data: Uint8Array, result: Uint8Array): Uint8Array;
  setIV(iv: ArrayBuffer): void;
}

/**
 * A point as the C code of ec reads and returns it: affine x, y with z = 1n,
 * or z = 0n for the point at infinity.
 */
export interface Point {
  x: bigint;
  y: bigint;
  z: bigint;
}

/**
 * ec's EC over y^2 = x^3 + ax + b mod m (Montgomery arithmetic in C). Its
 * _mul/_mul2 are used directly: mul/mul2 wrap the result in an ECPoint after
 * `z == 0n`, and a BigInt in a preloaded (flash) module is never equal to one
 * made at run time on XS.
 */
export interface EC {
  _mul(p: Point, k: bigint): Point;
  /** k1*p1 + k2*p2 (Shamir's trick). */
  _mul2(p1: Point, k1: bigint, p2: Point, k2: bigint): Point;
}

export interface Modular {
  /** a^-1 mod m. */
  mulinv(a: bigint): bigint;
}

export interface NativeSdk {
  Digest: new (type: 'SHA256' | 'SHA384') => Digest;
  GHASH: new (h: ArrayBuffer) => Ghash;
  BlockCipher: new (cipher: 'AES', key: ArrayBuffer) => BlockCipher;
  Mode: new (mode: 'CTR' | 'CBC', cipher: BlockCipher, iv?: ArrayBuffer) => Mode;
  EC: new (a: bigint, b: bigint, m: bigint) => EC;
  Modular: new (m: bigint) => Modular;
  /** Copies a Digest's running state into another Digest of the same type (ports/moddable/native.c). */
  copyDigest(from: Digest, to: Digest): void;
  /** XS's BigInt.fromArrayBuffer: the buffer as an unsigned big-endian integer. */
  toBigInt(buffer: ArrayBuffer): bigint;
  /** XS's ArrayBuffer.fromBigInt: big-endian, `length` bytes. */
  fromBigInt(value: bigint, length: number): ArrayBuffer;
}
