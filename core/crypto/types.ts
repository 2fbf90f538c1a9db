// The crypto provider interface: everything the engine needs from crypto.
// A provider is chosen by configuration (noble by default; node:crypto and
// Espruino providers live in ports/). Providers allocate at key setup, never
// per record: AEAD states are created once per traffic key and rekeyed in
// place.

export type HashName = 'sha256' | 'sha384' | 'sha512';

/** An incremental hash (noble's hashes satisfy this shape). */
export interface HashState {
  update(data: Uint8Array): HashState;
  /** Writes the digest into out[0..outputLen); the state is finished afterwards. */
  digestInto(out: Uint8Array): void;
  /** An independent copy of the running state (for transcript snapshots). */
  clone(): HashState;
  /**
   * Copies this state into `to`, a state of the same Hash, without
   * allocating; where a provider has it, HMAC and the transcript reuse their
   * states instead of cloning new ones.
   */
  cloneInto?(to: HashState): void;
}

/** A MAC under one key for many messages: after digestInto it is ready for the next message. */
export interface MacState {
  update(data: Uint8Array): MacState;
  /** Writes the MAC into out[0, outputLen) and starts a new message. */
  digestInto(out: Uint8Array): void;
  /** Starts over under another key (a key schedule reuses one MAC for all its steps). */
  setKey(key: Uint8Array): void;
}

export interface Hash {
  readonly name: HashName;
  readonly outputLen: number;
  readonly blockLen: number;
  create(): HashState;
  /**
   * HMAC under `key` where the provider has its own (a native one is much
   * cheaper than HMAC built from hash states); without it core/crypto/hmac.ts
   * builds HMAC from create().
   */
  mac?(key: Uint8Array): MacState;
}

/**
 * One direction's AEAD state for one key. Nonces are 12 bytes. Plaintext and
 * ciphertext live in the caller's buffer; the tag goes right after the data.
 */
export interface AeadState {
  /** Replaces the key without allocating (KeyUpdate, next epoch). */
  rekey(key: Uint8Array): void;
  /** Encrypts buf[off, off+len) in place and writes the tag at buf[off+len, off+len+tagLen). */
  seal(nonce: Uint8Array, aad: Uint8Array, buf: Uint8Array, off: number, len: number): void;
  /**
   * Checks the tag at buf[off+len, off+len+tagLen) in constant time and, if it
   * matches, decrypts buf[off, off+len) in place. Returns false (and leaves the
   * ciphertext undecrypted) when the tag does not match.
   */
  open(nonce: Uint8Array, aad: Uint8Array, buf: Uint8Array, off: number, len: number): boolean;
}

export interface Aead {
  readonly keyLen: number;
  readonly tagLen: number;
  /** Allocates the state (expanded key, tables) once. */
  create(key: Uint8Array): AeadState;
}

/** An (EC)DHE group for key_share. */
export interface KeyExchange {
  readonly group: number;
  /** Length of the encoded public key (key_exchange field). */
  readonly publicLen: number;
  /** New key pair; `random` fills its argument with secure random bytes. */
  generate(random: (dst: Uint8Array) => void): { priv: Uint8Array; pub: Uint8Array };
  /**
   * The shared secret for our private key and the peer's public key; returns
   * null when the peer's key is invalid (wrong length, not on the curve,
   * all-zero X25519/X448 result).
   */
  shared(priv: Uint8Array, peerPub: Uint8Array): Uint8Array | null;
  /**
   * Builds this group's precomputed tables now, when it has any (Context
   * option curveTables), unless their base point is in `built` (the Context's);
   * false when they cannot be built (a preloaded Moddable bundle).
   */
  precompute?(built: object[]): boolean;
}

/** Public keys as the X.509 layer hands them to signature verification. */
export type PublicKey =
  | { kind: 'rsa'; n: bigint; e: bigint; bits: number; pssOnly: boolean }
  | { kind: 'ec'; curve: 'P-256' | 'P-384' | 'P-521'; point: Uint8Array }
  | { kind: 'ed25519'; key: Uint8Array }
  | { kind: 'ed448'; key: Uint8Array };

/** Private keys as parsed from PKCS#8, SEC1 or PKCS#1. */
export type PrivateKey =
  | {
      kind: 'rsa';
      n: bigint; e: bigint; d: bigint;
      p: bigint; q: bigint; dp: bigint; dq: bigint; qi: bigint;
      bits: number; pssOnly: boolean;
    }
  | { kind: 'ec'; curve: 'P-256' | 'P-384' | 'P-521'; d: Uint8Array; point: Uint8Array }
  | { kind: 'ed25519'; seed: Uint8Array; key: Uint8Array }
  | { kind: 'ed448'; seed: Uint8Array; key: Uint8Array };

/**
 * A signature algorithm independent of TLS scheme codes, as X.509 names them
 * (a certificate's ECDSA signature is not bound to a curve the way a TLS 1.3
 * scheme is).
 */
export interface SignatureAlgorithm {
  type: 'ecdsa' | 'rsa-pkcs1' | 'rsa-pss' | 'ed25519' | 'ed448';
  hash: HashName | null; // null for EdDSA
}

export interface Signer {
  /** Signs msg (the whole message, hashed inside). */
  sign(alg: SignatureAlgorithm, key: PrivateKey, msg: Uint8Array, random: (dst: Uint8Array) => void): Uint8Array;
  /** Builds the precomputed tables signing with this key uses, now, when it has any (Context option curveTables): as KeyExchange.precompute. */
  precomputeSigning?(key: PrivateKey, built: object[]): boolean;
}

export interface Verifier {
  /** Verifies sig over msg; false for any mismatch or malformed signature. */
  verify(alg: SignatureAlgorithm, key: PublicKey, msg: Uint8Array, sig: Uint8Array): boolean;
}

/** What the engine asks of crypto. Unknown ids answer undefined. */
export interface CryptoProvider extends Signer, Verifier {
  hash(name: HashName): Hash | undefined;
  /** AEAD for a TLS 1.3 cipher suite code. */
  aead(suite: number): Aead | undefined;
  /** Key exchange for a NamedGroup code. */
  group(group: number): KeyExchange | undefined;
  /**
   * The same provider with working memory of its own (the typed-array
   * curves' scratch), made once per Context and reused by its connections.
   * A provider is often module state, which preloaded Moddable modules
   * freeze: it creates no scratch itself, and without a Context (the
   * toolkit) each operation makes its own.
   */
  instance?(): CryptoProvider;
}
