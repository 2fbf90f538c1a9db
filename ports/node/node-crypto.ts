// A CryptoProvider on node:crypto (OpenSSL), for host speed: simulations and
// benchmarks with many connections. Select it with
// `new Context({ crypto: nodeCryptoProvider, ... })`; the noble provider
// stays the default so the host normally runs the device code.
//
// What is cheaper in JavaScript than a call into OpenSSL runs on core/crypto:
// the transcript hash and HMAC (short inputs), and short records. Unlike the
// core AEADs this one is not allocation-free per record: node's ciphers are
// one-shot objects, so every seal/open of a longer record creates a Cipher
// and a result Buffer that is copied back into the caller's buffer
// (bench/memory sets this beside what node:crypto's API alone allocates).
// ECDSA signing takes its nonce, and X25519/X448 their key pairs, from OpenSSL rather than
// from `random`. OpenSSL key objects are made once per key and kept as long
// as the key (keys.ts objects for certificates and our own key, key pairs
// until their shared secret).
import {
  KeyObject, constants, createCipheriv, createDecipheriv, createECDH, createPrivateKey, createPublicKey,
  diffieHellman, generateKeyPairSync, sign as nodeSign, verify as nodeVerify,
  type CipherCCMTypes, type CipherGCMTypes, type ECDH, type JsonWebKey,
} from 'node:crypto';
import { RangeCopier } from '../../core/bytes/copy.js';
import { aes128gcm, aes256gcm } from '../../core/crypto/aes-gcm.js';
import { chacha20poly1305 } from '../../core/crypto/chacha20-poly1305.js';
import { sha256, sha384, sha512 } from '../../core/crypto/hash.js';
import { Alert, ErrorCode, fail } from '../../core/errors.js';
import { CipherSuite, NamedGroup } from '../../core/registry.js';
import type {
  Aead, AeadState, CryptoProvider, Hash, HashName, KeyExchange, PrivateKey, PublicKey, SignatureAlgorithm,
} from '../../core/crypto/types.js';

// --- hashes ---

/**
 * SHA-2 in JavaScript (core/crypto/sha2.ts), for the transcript and HMAC:
 * every call into OpenSSL costs ~0.5-1.8 us (a new Hash or Hmac object, a
 * copy for each transcript snapshot, a Buffer per digest) while a handshake's
 * hashing is many short inputs: ~25 HMACs per side of one or two blocks each,
 * and a transcript of 1-4 KB with 5-7 snapshots. Ours reuses its states (an
 * HMAC keyed again with its last key skips the keying). Measured over whole
 * handshakes in one process (base and this build interleaved): psk_ke ~20%
 * less CPU, the full handshake the same within noise. Signatures hash inside
 * OpenSSL.
 */
const hashes: Record<HashName, Hash> = { sha256, sha384, sha512 };

// --- AEADs ---

type Algorithm = CipherGCMTypes | CipherCCMTypes | 'chacha20-poly1305';

/**
 * node's ciphers are one-shot objects: each record takes a new Cipher and
 * update() returns its output in a new Buffer, copied back into the caller's
 * buffer. Nothing else is allocated per record: the option objects and a
 * buffer for the tag to check are made once, and the view of the record's
 * data is kept while records stay at the same place in the buffer.
 *
 * A new OpenSSL cipher costs ~2.5-4.5 us whatever the record's size, so short
 * records (handshake messages, tickets, small writes) go through our own
 * AEAD in JavaScript instead (core/crypto), whose state is made on the first
 * one: up to `Small.upTo` bytes it is the faster of the two (bench: 0.7-2.6 us
 * for AES-GCM up to 160 bytes, 0.7-2.8 us for ChaCha20-Poly1305 up to 512).
 */
interface Small {
  aead: Aead;
  upTo: number;
}

class NodeAeadState implements AeadState {
  private readonly key: Buffer;
  private readonly options: { authTagLength: number };
  private readonly ccm: boolean;
  private readonly data = new RangeCopier();
  private readonly tag: Buffer;
  private own: AeadState | null = null;

  constructor(private readonly algorithm: Algorithm, private readonly tagLen: number, key: Uint8Array, private readonly small: Small | null) {
    this.key = Buffer.from(key);
    this.options = { authTagLength: tagLen };
    this.ccm = algorithm.endsWith('-ccm');
    this.tag = Buffer.alloc(tagLen);
  }

  rekey(key: Uint8Array): void {
    if (key.length !== this.key.length) fail(ErrorCode.BAD_KEY, Alert.internal_error, this.algorithm + ' key length');
    this.key.set(key);
    this.own?.rekey(key);
  }

  /** Our own AEAD state for a record of `len` bytes, when it is short enough. */
  private shortRecord(len: number): AeadState | null {
    const small = this.small;
    if (small === null || len > small.upTo) return null;
    return (this.own ??= small.aead.create(this.key));
  }

  seal(nonce: Uint8Array, aad: Uint8Array, buf: Uint8Array, off: number, len: number): void {
    this.check(nonce, buf, off, len);
    const own = this.shortRecord(len);
    if (own) return own.seal(nonce, aad, buf, off, len);
    // The union of node's cipher overloads: every algorithm here takes authTagLength.
    const c = createCipheriv(this.algorithm as CipherGCMTypes, this.key, nonce, this.options);
    if (this.ccm) c.setAAD(aad, { plaintextLength: len }); // CCM needs the length first
    else c.setAAD(aad);
    buf.set(c.update(this.data.range(buf, off, len)), off);
    c.final();
    buf.set(c.getAuthTag(), off + len);
  }

  open(nonce: Uint8Array, aad: Uint8Array, buf: Uint8Array, off: number, len: number): boolean {
    this.check(nonce, buf, off, len);
    const own = this.shortRecord(len);
    if (own) return own.open(nonce, aad, buf, off, len);
    const d = createDecipheriv(this.algorithm as CipherGCMTypes, this.key, nonce, this.options);
    const tag = this.tag;
    for (let i = 0; i < tag.length; i++) tag[i] = buf[off + len + i];
    d.setAuthTag(tag);
    if (this.ccm) d.setAAD(aad, { plaintextLength: len });
    else d.setAAD(aad);
    let plain: Buffer;
    try {
      // final() throws on a bad tag (CCM's update() then also returns no plaintext).
      plain = d.update(this.data.range(buf, off, len));
      d.final();
    } catch {
      return false;
    }
    buf.set(plain, off); // only authenticated plaintext reaches the caller's buffer
    return true;
  }

  private check(nonce: Uint8Array, buf: Uint8Array, off: number, len: number): void {
    if (nonce.length !== 12 || !(off >= 0 && len >= 0 && off + len + this.tagLen <= buf.length)) {
      fail(ErrorCode.BUFFER_TOO_SMALL, Alert.internal_error, this.algorithm + ' nonce or buffer range');
    }
  }
}

function nodeAead(algorithm: Algorithm, keyLen: number, tagLen: number, small: Small | null): Aead {
  return {
    keyLen,
    tagLen,
    create(key) {
      if (key.length !== keyLen) fail(ErrorCode.BAD_KEY, Alert.internal_error, algorithm + ' key length');
      return new NodeAeadState(algorithm, tagLen, key, small);
    },
  };
}

const aeads: Record<number, Aead> = {
  [CipherSuite.TLS_AES_128_GCM_SHA256]: nodeAead('aes-128-gcm', 16, 16, { aead: aes128gcm, upTo: 160 }),
  [CipherSuite.TLS_AES_256_GCM_SHA384]: nodeAead('aes-256-gcm', 32, 16, { aead: aes256gcm, upTo: 160 }),
  [CipherSuite.TLS_CHACHA20_POLY1305_SHA256]: nodeAead('chacha20-poly1305', 32, 16, { aead: chacha20poly1305, upTo: 512 }),
  [CipherSuite.TLS_AES_128_CCM_SHA256]: nodeAead('aes-128-ccm', 16, 16, null),
  [CipherSuite.TLS_AES_128_CCM_8_SHA256]: nodeAead('aes-128-ccm', 16, 8, null),
};

// --- key exchange: each key pair's OpenSSL object made once, used for its one shared secret ---

/**
 * The OpenSSL objects of the key pairs generate() made, by their private
 * key's bytes, until shared() uses them: a key pair is ephemeral (one secret
 * per handshake), so shared() takes its object out and nothing outlives the
 * handshake here. A private key it does not know (made elsewhere) is
 * imported instead.
 */
const ephemeral = new WeakMap<Uint8Array, KeyObject | ECDH>();

function takeEphemeral(priv: Uint8Array): KeyObject | ECDH | undefined {
  const k = ephemeral.get(priv);
  ephemeral.delete(priv);
  return k;
}

/**
 * X25519/X448. OpenSSL makes the key pair (raw private bytes go in only as
 * PKCS#8 DER, several times slower than a new pair), and its JWK export gives
 * both halves' raw bytes; the peer's key goes in as JWK. A private key made
 * elsewhere is imported through the fixed PKCS#8 prefix (RFC 8410).
 */
function montgomeryGroup(group: number, type: 'x25519' | 'x448', len: number, pkcs8Prefix: string): KeyExchange {
  const crv = type === 'x25519' ? 'X25519' : 'X448';
  const raw = (b64url: string | undefined): Uint8Array => new Uint8Array(Buffer.from(b64url ?? '', 'base64url'));
  return {
    group,
    publicLen: len,
    generate() {
      const { privateKey } = type === 'x25519' ? generateKeyPairSync('x25519') : generateKeyPairSync('x448');
      const jwk = privateKey.export({ format: 'jwk' });
      const priv = raw(jwk.d);
      ephemeral.set(priv, privateKey);
      return { priv, pub: raw(jwk.x) };
    },
    shared(priv, peerPub) {
      if (peerPub.length !== len) return null;
      const own = takeEphemeral(priv);
      let secret: Buffer;
      try {
        secret = diffieHellman({
          privateKey: own instanceof KeyObject ? own
            : createPrivateKey({ key: Buffer.concat([Buffer.from(pkcs8Prefix, 'hex'), priv]), format: 'der', type: 'pkcs8' }),
          publicKey: createPublicKey({ key: { kty: 'OKP', crv, x: b64u(peerPub) }, format: 'jwk' }),
        });
      } catch {
        return null; // OpenSSL refuses an all-zero result (a low-order peer key)
      }
      let acc = 0;
      for (let i = 0; i < secret.length; i++) acc |= secret[i];
      return acc === 0 ? null : new Uint8Array(secret);
    },
  };
}

/** NIST curves: uncompressed points; OpenSSL checks the peer's point is on the curve and not the identity. */
function ecdhGroup(group: number, curve: string, size: number): KeyExchange {
  // The top bits of the scalar that may be set: P-521's 66 bytes hold 521 bits.
  const topMask = size === 66 ? 0x01 : 0xff;
  return {
    group,
    publicLen: 1 + 2 * size,
    generate(random) {
      const ecdh = createECDH(curve);
      const priv = new Uint8Array(size);
      for (;;) {
        random(priv);
        priv[0] &= topMask;
        try {
          ecdh.setPrivateKey(priv); // throws for 0 and values >= the order: draw again
          break;
        } catch {
          continue;
        }
      }
      ephemeral.set(priv, ecdh);
      return { priv, pub: new Uint8Array(ecdh.getPublicKey()) };
    },
    shared(priv, peerPub) {
      if (peerPub.length !== 1 + 2 * size || peerPub[0] !== 0x04) return null;
      const own = takeEphemeral(priv);
      try {
        let ecdh: ECDH;
        if (own === undefined || own instanceof KeyObject) {
          ecdh = createECDH(curve);
          ecdh.setPrivateKey(priv);
        } else {
          ecdh = own;
        }
        return new Uint8Array(ecdh.computeSecret(peerPub));
      } catch {
        return null;
      }
    },
  };
}

const groups: Record<number, KeyExchange> = {
  [NamedGroup.x25519]: montgomeryGroup(NamedGroup.x25519, 'x25519', 32, '302e020100300506032b656e04220420'),
  [NamedGroup.x448]: montgomeryGroup(NamedGroup.x448, 'x448', 56, '3046020100300506032b656f043a0438'),
  [NamedGroup.secp256r1]: ecdhGroup(NamedGroup.secp256r1, 'prime256v1', 32),
  [NamedGroup.secp384r1]: ecdhGroup(NamedGroup.secp384r1, 'secp384r1', 48),
  [NamedGroup.secp521r1]: ecdhGroup(NamedGroup.secp521r1, 'secp521r1', 66),
};

// --- signatures: KeyObjects from the X.509 layer's keys through JWK, once per key ---

const b64u = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('base64url');

function bigintB64u(x: bigint): string {
  const hex = x.toString(16);
  return Buffer.from(hex.length % 2 ? '0' + hex : hex, 'hex').toString('base64url');
}

/** JWK members of an EC point 0x04 || X || Y. */
function ecPoint(curve: string, point: Uint8Array): JsonWebKey {
  const size = (point.length - 1) >>> 1;
  return { kty: 'EC', crv: curve, x: b64u(point.subarray(1, 1 + size)), y: b64u(point.subarray(1 + size)) };
}

/**
 * KeyObjects by the key they were made from: our own key lives as long as
 * its Context and is imported once; a certificate's public key once per
 * parsed certificate (a trust anchor's once per Context, a peer's once per
 * handshake).
 */
const keyObjects = new WeakMap<PublicKey | PrivateKey, KeyObject>();

function publicKeyObject(key: PublicKey): KeyObject {
  let ko = keyObjects.get(key);
  if (ko) return ko;
  let jwk: JsonWebKey;
  switch (key.kind) {
    case 'rsa': jwk = { kty: 'RSA', n: bigintB64u(key.n), e: bigintB64u(key.e) }; break;
    case 'ec': jwk = ecPoint(key.curve, key.point); break;
    case 'ed25519': jwk = { kty: 'OKP', crv: 'Ed25519', x: b64u(key.key) }; break;
    case 'ed448': jwk = { kty: 'OKP', crv: 'Ed448', x: b64u(key.key) }; break;
  }
  ko = createPublicKey({ key: jwk, format: 'jwk' });
  keyObjects.set(key, ko);
  return ko;
}

function privateKeyObject(key: PrivateKey): KeyObject {
  let ko = keyObjects.get(key);
  if (ko) return ko;
  let jwk: JsonWebKey;
  switch (key.kind) {
    case 'rsa':
      jwk = {
        kty: 'RSA', n: bigintB64u(key.n), e: bigintB64u(key.e), d: bigintB64u(key.d), p: bigintB64u(key.p),
        q: bigintB64u(key.q), dp: bigintB64u(key.dp), dq: bigintB64u(key.dq), qi: bigintB64u(key.qi),
      };
      break;
    case 'ec': jwk = { ...ecPoint(key.curve, key.point), d: b64u(key.d) }; break;
    case 'ed25519': jwk = { kty: 'OKP', crv: 'Ed25519', x: b64u(key.key), d: b64u(key.seed) }; break;
    case 'ed448': jwk = { kty: 'OKP', crv: 'Ed448', x: b64u(key.key), d: b64u(key.seed) }; break;
  }
  ko = createPrivateKey({ key: jwk, format: 'jwk' });
  keyObjects.set(key, ko);
  return ko;
}

/** Whether the key's type is the one the algorithm needs (a PSS-only RSA key never makes PKCS#1 signatures). */
function keyFits(alg: SignatureAlgorithm, key: PublicKey | PrivateKey): boolean {
  switch (alg.type) {
    case 'ecdsa': return key.kind === 'ec' && alg.hash !== null;
    case 'rsa-pss': return key.kind === 'rsa' && alg.hash !== null;
    case 'rsa-pkcs1': return key.kind === 'rsa' && !key.pssOnly && alg.hash !== null;
    case 'ed25519': return key.kind === 'ed25519';
    case 'ed448': return key.kind === 'ed448';
  }
  return false;
}

const HASH_LEN: Record<HashName, number> = { sha256: 32, sha384: 48, sha512: 64 };

/** node's sign/verify key options: PSS with a salt as long as the hash (TLS 1.3), DER ECDSA signatures. */
function keyOptions(alg: SignatureAlgorithm, key: KeyObject) {
  if (alg.type === 'rsa-pss') {
    return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: HASH_LEN[alg.hash!] };
  }
  if (alg.type === 'rsa-pkcs1') return { key, padding: constants.RSA_PKCS1_PADDING };
  return { key, dsaEncoding: 'der' as const };
}

function signMessage(alg: SignatureAlgorithm, key: PrivateKey, msg: Uint8Array): Uint8Array {
  if (!keyFits(alg, key)) fail(ErrorCode.BAD_KEY, Alert.internal_error, 'key cannot make ' + alg.type + ' signatures');
  return new Uint8Array(nodeSign(alg.hash, msg, keyOptions(alg, privateKeyObject(key))));
}

function verifySignature(alg: SignatureAlgorithm, key: PublicKey, msg: Uint8Array, sig: Uint8Array): boolean {
  if (!keyFits(alg, key)) return false;
  try {
    return nodeVerify(alg.hash, msg, keyOptions(alg, publicKeyObject(key)), sig);
  } catch {
    return false; // a key node refuses, a malformed signature
  }
}

export const nodeCryptoProvider: CryptoProvider = {
  hash: (name) => hashes[name],
  aead: (suite) => aeads[suite],
  group: (group) => groups[group],
  sign: signMessage,
  verify: verifySignature,
};
