// A raw TLS 1.3 client for conformance tests: builds records and
// ClientHellos field by field (every vector's length computed, and the
// position of each length field kept so a test can corrupt it), reads the
// server's plaintext records, and derives the client handshake traffic key
// with node:crypto alone (RFC 8446 7.1, 7.3), so a test can send protected
// records the way a misbehaving client would. Independent of core/.
import { createCipheriv, createHash, createHmac, createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject } from 'node:crypto';

/** Bytes, or a vector whose length prefix of `size` bytes is computed. */
export type Part = number[] | Uint8Array | Vec;
export interface Vec {
  size: 1 | 2 | 3;
  parts: Part[];
}

export const v8 = (...parts: Part[]): Vec => ({ size: 1, parts });
export const v16 = (...parts: Part[]): Vec => ({ size: 2, parts });
export const v24 = (...parts: Part[]): Vec => ({ size: 3, parts });
export const u16 = (n: number): number[] => [n >> 8, n & 0xff];
export const fill = (n: number, byte: number): number[] => new Array<number>(n).fill(byte);

/** A length field: where it is in the flattened bytes, and how many bytes it has. */
export interface LengthField {
  at: number;
  size: 1 | 2 | 3;
  /** Nesting depth: 0 for the outermost vector. */
  depth: number;
}

/** Flattens parts into bytes, recording every length field. */
export function build(...parts: Part[]): { bytes: Uint8Array; lengths: LengthField[] } {
  const out: number[] = [];
  const lengths: LengthField[] = [];
  const put = (p: Part, depth: number): void => {
    if (p instanceof Uint8Array || Array.isArray(p)) {
      for (const b of p) out.push(b);
      return;
    }
    const at = out.length;
    for (let i = 0; i < p.size; i++) out.push(0);
    lengths.push({ at, size: p.size, depth });
    for (const q of p.parts) put(q, depth + 1);
    const n = out.length - at - p.size;
    for (let i = 0; i < p.size; i++) out[at + i] = (n >> (8 * (p.size - 1 - i))) & 0xff;
  };
  for (const p of parts) put(p, 0);
  return { bytes: Uint8Array.from(out), lengths };
}

export const bytes = (...parts: Part[]): Uint8Array => build(...parts).bytes;

/** Adds delta to the length field f of b (a copy), modulo its size. */
export function withLength(b: Uint8Array, f: LengthField, delta: number): Uint8Array {
  const c = b.slice();
  let n = 0;
  for (let i = 0; i < f.size; i++) n = (n << 8) | c[f.at + i];
  const mod = 2 ** (8 * f.size);
  n = (((n + delta) % mod) + mod) % mod;
  for (let i = 0; i < f.size; i++) c[f.at + i] = (n >> (8 * (f.size - 1 - i))) & 0xff;
  return c;
}

// --- records and handshake messages (RFC 8446 5.1, 4) ---

export const CT = { change_cipher_spec: 20, alert: 21, handshake: 22, application_data: 23 } as const;

/** A plaintext record (legacy_record_version 0x0303). */
export const record = (type: number, ...payload: Part[]): Part[] => [[type, 3, 3], v16(...payload)];
export const handshakeMessage = (type: number, ...body: Part[]): Part[] => [[type], v24(...body)];

/** Handshake bytes as plaintext records of at most 2^14 bytes each (RFC 8446 5.1). */
export function fragments(msg: Uint8Array, type: number = CT.handshake): Uint8Array {
  const out: Part[] = [];
  for (let off = 0; off < msg.length; off += 16384) out.push(...record(type, msg.subarray(off, off + 16384)));
  return bytes(...out);
}

// --- ClientHello (RFC 8446 4.1.2) and its extensions ---

export const ext = (type: number, ...body: Part[]): Part[] => [u16(type), v16(...body)];
export const supportedVersions = (...versions: number[]): Part[] => ext(43, v8(...versions.map(u16)));
export const supportedGroups = (...groups: number[]): Part[] => ext(10, v16(...groups.map(u16)));
export const signatureAlgorithms = (...schemes: number[]): Part[] => ext(13, v16(...schemes.map(u16)));
export const keyShare = (...shares: [number, Uint8Array | number[]][]): Part[] =>
  ext(51, v16(...shares.flatMap(([g, k]): Part[] => [u16(g), v16(k)])));
export const pskModes = (...modes: number[]): Part[] => ext(45, v8(modes));
export const earlyData = (): Part[] => ext(42);
export const cookie = (c: Uint8Array): Part[] => ext(44, v16(c));
export const padding = (n: number): Part[] => ext(21, fill(n, 0));

export const X25519 = 0x001d;
export const SECP256R1 = 0x0017;
export const TLS13 = 0x0304;
export const TLS_AES_128_GCM_SHA256 = 0x1301;
/** ecdsa_secp256r1_sha256, rsa_pss_rsae_sha256, ed25519. */
export const SCHEMES = [0x0403, 0x0804, 0x0807];
/** The x25519 base point (u = 9): a valid public key whose bytes never change. */
export const X25519_BASE = [9, ...fill(31, 0)];

export interface HelloSpec {
  legacyVersion?: number;
  random?: number[];
  sessionId?: number[];
  suites?: number[];
  compression?: number[];
  /** Default: supported_versions (TLS 1.3), supported_groups (x25519), key_share (x25519), signature_algorithms. */
  extensions?: Part[][];
}

export function defaultExtensions(share: Uint8Array | number[] = X25519_BASE): Part[][] {
  return [supportedVersions(TLS13), supportedGroups(X25519), keyShare([X25519, share]), signatureAlgorithms(...SCHEMES)];
}

/** The ClientHello handshake message (header included). */
export function clientHelloParts(s: HelloSpec = {}): Part[] {
  return handshakeMessage(1,
    u16(s.legacyVersion ?? 0x0303),
    s.random ?? fill(32, 0x11),
    v8(s.sessionId ?? fill(32, 0x22)),
    v16(...(s.suites ?? [TLS_AES_128_GCM_SHA256, 0x1302, 0x1303]).map(u16)),
    v8(s.compression ?? [0]),
    v16(...(s.extensions ?? defaultExtensions()).flat()),
  );
}

/** One record carrying the ClientHello. */
export function clientHelloRecord(s: HelloSpec = {}): Uint8Array {
  return bytes(...record(CT.handshake, ...clientHelloParts(s)));
}

// --- reading the server's plaintext records ---

export interface Rec {
  type: number;
  payload: Uint8Array;
}

export function records(b: Uint8Array): Rec[] {
  const out: Rec[] = [];
  for (let p = 0; p + 5 <= b.length; ) {
    const len = (b[p + 3] << 8) | b[p + 4];
    out.push({ type: b[p], payload: b.subarray(p + 5, p + 5 + len) });
    p += 5 + len;
  }
  return out;
}

/** The extension_data of `type` in a ServerHello message (header included), or null. */
export function serverHelloExtension(m: Uint8Array, type: number): Uint8Array | null {
  let p = 4 + 2 + 32;
  p += 1 + m[p] + 3; // legacy_session_id_echo, cipher_suite, legacy_compression_method
  const end = p + 2 + ((m[p] << 8) | m[p + 1]);
  for (p += 2; p + 4 <= end; ) {
    const t = (m[p] << 8) | m[p + 1];
    const len = (m[p + 2] << 8) | m[p + 3];
    if (t === type) return m.subarray(p + 4, p + 4 + len);
    p += 4 + len;
  }
  return null;
}

// --- an x25519 key and the client handshake traffic key (TLS_AES_128_GCM_SHA256) ---

export interface X25519Key {
  priv: KeyObject;
  /** The raw 32-byte public key. */
  pub: Uint8Array;
}

export function x25519Key(): X25519Key {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  return { priv: privateKey, pub: new Uint8Array(raw) };
}

function x25519Shared(k: X25519Key, peer: Uint8Array): Buffer {
  const peerKey = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(peer).toString('base64url') }, format: 'jwk' });
  return diffieHellman({ privateKey: k.priv, publicKey: peerKey });
}

const sha256 = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const hmac = (key: Uint8Array, data: Uint8Array): Buffer => createHmac('sha256', key).update(data).digest();

function expandLabel(secret: Uint8Array, label: string, context: Uint8Array, length: number): Buffer {
  const info = bytes(u16(length), v8([...Buffer.from('tls13 ' + label)]), v8(context));
  // One HKDF-Expand block is enough for every length used here (<= 32).
  return hmac(secret, Buffer.concat([info, Buffer.from([1])])).subarray(0, length);
}

/** Early Secret = HKDF-Extract(0, PSK), zeros without a PSK (RFC 8446 7.1). */
const earlySecret = (psk: Uint8Array = Buffer.alloc(32)): Buffer => hmac(Buffer.alloc(32), psk);

/** AES-128-GCM key and IV protecting the client's handshake records, from the ServerHello's key share. */
export function clientHandshakeKey(k: X25519Key, transcript: Uint8Array[], serverShare: Uint8Array): { key: Buffer; iv: Buffer } {
  const early = earlySecret();
  const derived = expandLabel(early, 'derived', sha256(), 32);
  const handshake = hmac(derived, x25519Shared(k, serverShare));
  const secret = expandLabel(handshake, 'c hs traffic', sha256(...transcript), 32);
  return { key: expandLabel(secret, 'key', new Uint8Array(0), 16), iv: expandLabel(secret, 'iv', new Uint8Array(0), 12) };
}

/** A protected record (RFC 8446 5.2) with sequence number seq carrying content of inner type. */
export function sealRecord(k: { key: Buffer; iv: Buffer }, seq: number, type: number, content: Uint8Array): Uint8Array {
  const inner = Buffer.concat([content, Buffer.from([type])]);
  const header = Buffer.from([CT.application_data, 3, 3, (inner.length + 16) >> 8, (inner.length + 16) & 0xff]);
  const nonce = Buffer.from(k.iv);
  for (let i = 0; i < 8; i++) nonce[11 - i] ^= Math.floor(seq / 2 ** (8 * i)) & 0xff;
  const c = createCipheriv('aes-128-gcm', k.key, nonce);
  c.setAAD(header);
  return Buffer.concat([header, c.update(inner), c.final(), c.getAuthTag()]);
}

// --- pre_shared_key (RFC 8446 4.2.11) with binders ---

export const PSK_KE = 0;
export const PSK_DHE_KE = 1;

/** pre_shared_key with identities [identity, obfuscated_ticket_age] and `binders` placeholder binders of 32 bytes. */
export const preSharedKey = (ids: [Uint8Array | number[], number][], binders = ids.length): Part[] =>
  ext(41, v16(...ids.flatMap(([id, age]): Part[] => [v16(id), [age >>> 24, (age >>> 16) & 0xff, (age >>> 8) & 0xff, age & 0xff]])),
    v16(...new Array<Part>(binders).fill(v8(fill(32, 0)))));

/**
 * A ClientHello message (header included) whose last extension is
 * pre_shared_key with n placeholder binders of 32 bytes, with every binder
 * set to the external-PSK binder of `psk` over the truncated hello (4.2.11.2).
 */
export function bindHello(msg: Uint8Array, psk: Uint8Array, n: number): Uint8Array {
  const out = msg.slice();
  const at = out.length - (2 + 33 * n);
  const early = earlySecret(psk);
  const binderKey = expandLabel(early, 'ext binder', sha256(), 32);
  const finishedKey = expandLabel(binderKey, 'finished', new Uint8Array(0), 32);
  const binder = hmac(finishedKey, sha256(out.subarray(0, at)));
  for (let i = 0; i < n; i++) out.set(binder, at + 2 + 33 * i + 1);
  return out;
}
