// The Moddable SDK's native crypto as this provider uses it: the `crypt`
// module's Digest and the AES and GHASH C under its BlockCipher and GHASH
// (modules/crypt/digest, bound by ports/moddable/native-crypto.c), the
// elliptic-curve and modular arithmetic of modules/crypt/arith (ec,
// modular), and XS's BigInt <-> ArrayBuffer conversions. The module
// "microtls/native" (ports/moddable/native.js) imports them and hands them
// over, so this code type-checks and bundles without the SDK.

/** crypt's Digest: write() takes any buffer view; close() returns a new ArrayBuffer. */
export interface Digest {
  write(data: Uint8Array | ArrayBuffer): void;
  close(): ArrayBuffer;
  reset(): void;
}

/**
 * The AEAD record path on kcl's AES and GHASH (the C under crypt's
 * BlockCipher and GHASH; ports/moddable/native-crypto.c): data is a range of
 * a buffer view, state lives in ArrayBuffers the caller makes once per key.
 */
export interface Records {
  /** The encryption key schedule of an AES-128/256 key into `schedule` (AES_SCHEDULE bytes). */
  aesKey(key: Uint8Array, schedule: ArrayBuffer): void;
  /** block = E(K, block), in place (16 bytes). */
  aesBlock(schedule: ArrayBuffer, block: ArrayBuffer): void;
  /** data[offset, offset + length) ^= the keystream from counter block `counter` on (inc32); counter ends as the next unused block. */
  aesCtr(schedule: ArrayBuffer, counter: ArrayBuffer, data: Uint8Array, offset: number, length: number): void;
  /** CBC-MAC state `mac` (16 bytes) over data[offset, offset + length), the last block zero-padded. */
  cbcMac(schedule: ArrayBuffer, mac: ArrayBuffer, data: Uint8Array, offset: number, length: number): void;
  /** The bytes a GHASH state takes (a host function: not callable while a preloaded module is prepared). */
  ghashSize(): number;
  /** Starts a GHASH under key h (16 bytes) with the AAD absorbed. */
  ghashStart(state: ArrayBuffer, h: ArrayBuffer, aad: Uint8Array): void;
  /** Absorbs data[offset, offset + length) (once per message: a partial block ends it). */
  ghashUpdate(state: ArrayBuffer, data: Uint8Array, offset: number, length: number): void;
  /** The GHASH value into out (16 bytes). */
  ghashFinish(state: ArrayBuffer, out: ArrayBuffer): void;
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
  records: Records;
  EC: new (a: bigint, b: bigint, m: bigint) => EC;
  Modular: new (m: bigint) => Modular;
  /** Copies a Digest's running state into another Digest of the same type (ports/moddable/native.c). */
  copyDigest(from: Digest, to: Digest): void;
  /** XS's BigInt.fromArrayBuffer: the buffer as an unsigned big-endian integer. */
  toBigInt(buffer: ArrayBuffer): bigint;
  /** XS's ArrayBuffer.fromBigInt: big-endian, `length` bytes. */
  fromBigInt(value: bigint, length: number): ArrayBuffer;
}
