// The TLS 1.3 key schedule (RFC 8446 section 7.1): HKDF-Expand-Label,
// Derive-Secret, the Early -> Handshake -> Master secret chain with the
// secrets derived at each stage, Finished keys, traffic keys and IVs,
// KeyUpdate and ticket PSKs.
import { Alert, ErrorCode, fail } from '../errors.js';
import { asciiBytes } from '../bytes/ascii.js';
import { Hkdf, hkdfExpand } from '../crypto/hkdf.js';
import type { Hash } from '../crypto/types.js';
import type { Transcript } from './transcript.js';

const TLS13_PREFIX = asciiBytes('tls13 ');
const EMPTY = new Uint8Array(0);
// Labels without the "tls13 " prefix, built once.
const DERIVED = asciiBytes('derived');
const EXT_BINDER = asciiBytes('ext binder');
const RES_BINDER = asciiBytes('res binder');
const C_E_TRAFFIC = asciiBytes('c e traffic');
const E_EXP_MASTER = asciiBytes('e exp master');
const C_HS_TRAFFIC = asciiBytes('c hs traffic');
const S_HS_TRAFFIC = asciiBytes('s hs traffic');
const C_AP_TRAFFIC = asciiBytes('c ap traffic');
const S_AP_TRAFFIC = asciiBytes('s ap traffic');
const EXP_MASTER = asciiBytes('exp master');
const RES_MASTER = asciiBytes('res master');
const FINISHED = asciiBytes('finished');
const TRAFFIC_UPD = asciiBytes('traffic upd');
const KEY = asciiBytes('key');
const IV = asciiBytes('iv');
const RESUMPTION = asciiBytes('resumption');

/** AEAD nonce length of every TLS 1.3 suite (RFC 8446 5.3). */
export const IV_LENGTH = 12;

function misuse(detail: string): never {
  fail(ErrorCode.INTERNAL, Alert.internal_error, 'key schedule: ' + detail);
}

/** Largest HkdfLabel: uint16 length, then label and context of up to 255 bytes each with their length bytes. */
const MAX_HKDF_LABEL = 2 + 1 + 255 + 1 + 255;

/**
 * Writes struct { uint16 length; opaque label<7..255>; opaque context<0..255>; } HkdfLabel
 * ("tls13 " + label) into dst; returns its length.
 */
function hkdfLabel(dst: Uint8Array, label: Uint8Array, context: Uint8Array, length: number): number {
  const labelLen = TLS13_PREFIX.length + label.length;
  if (labelLen > 255 || context.length > 255 || !(length >= 0 && length <= 0xffff)) {
    misuse('HKDF-Expand-Label argument out of range');
  }
  dst[0] = length >>> 8;
  dst[1] = length & 0xff;
  dst[2] = labelLen;
  dst.set(TLS13_PREFIX, 3);
  dst.set(label, 3 + TLS13_PREFIX.length);
  dst[3 + labelLen] = context.length;
  dst.set(context, 4 + labelLen);
  return 4 + labelLen + context.length;
}

/**
 * HKDF-Expand-Label(Secret, Label, Context, Length): `label` is the ASCII
 * label without the "tls13 " prefix.
 */
export function hkdfExpandLabel(
  hash: Hash,
  secret: Uint8Array,
  label: Uint8Array,
  context: Uint8Array,
  length: number,
  out?: Uint8Array,
): Uint8Array {
  const info = new Uint8Array(4 + TLS13_PREFIX.length + label.length + context.length);
  hkdfLabel(info, label, context, length);
  return hkdfExpand(hash, secret, info, length, out);
}

/** Derive-Secret(Secret, Label, Messages), given Transcript-Hash(Messages). */
export function deriveSecret(
  hash: Hash,
  secret: Uint8Array,
  label: Uint8Array,
  transcriptHash: Uint8Array,
  out?: Uint8Array,
): Uint8Array {
  return hkdfExpandLabel(hash, secret, label, transcriptHash, hash.outputLen, out);
}

const NONE = 0;
const EARLY = 1;
const HANDSHAKE = 2;
const MASTER = 3;
const DONE = 4;

/**
 * The secret chain of one connection for one hash. Each stage's secret
 * overwrites the previous one in place, so only the current one exists;
 * derived secrets are written to the caller's buffers (`out`, or new arrays).
 * Finished, traffic key, KeyUpdate and ticket PSK derivations work from the
 * secret they are given, at any stage and after clear(). release() drops
 * the HKDF scratch (MAC states and label buffer, about 2.5 KB) between
 * uses after the handshake; the next derivation makes it again.
 */
export class KeySchedule {
  readonly hash: Hash;
  /** One HKDF (its MAC and scratch) and one HkdfLabel buffer for every step, while in use (hkdfScratch()). */
  private scratch: { hkdf: Hkdf; info: Uint8Array } | null = null;
  private readonly secret: Uint8Array;
  private readonly tmp: Uint8Array;
  private readonly zeros: Uint8Array;
  private readonly emptyHash: Uint8Array;
  private stage = NONE;

  constructor(hash: Hash) {
    const n = hash.outputLen;
    this.hash = hash;
    this.secret = new Uint8Array(n);
    this.tmp = new Uint8Array(n);
    this.zeros = new Uint8Array(n);
    this.emptyHash = new Uint8Array(n);
    hash.create().digestInto(this.emptyHash);
  }

  /** Early Secret = HKDF-Extract(0, PSK), with HashLen zeros when there is no PSK. */
  early(psk: Uint8Array | null): void {
    if (this.stage !== NONE) misuse('early secret twice');
    this.hkdfScratch().hkdf.extract(this.zeros, psk ?? this.zeros, this.secret);
    this.stage = EARLY;
  }

  /** binder_key: "res binder" for a resumption ticket, "ext binder" for an external PSK. */
  binderKey(resumption: boolean, out?: Uint8Array): Uint8Array {
    return this.derive(EARLY, resumption ? RES_BINDER : EXT_BINDER, this.emptyHash, out);
  }

  clientEarlyTrafficSecret(clientHelloHash: Uint8Array, out?: Uint8Array): Uint8Array {
    return this.derive(EARLY, C_E_TRAFFIC, clientHelloHash, out);
  }

  earlyExporterMasterSecret(clientHelloHash: Uint8Array, out?: Uint8Array): Uint8Array {
    return this.derive(EARLY, E_EXP_MASTER, clientHelloHash, out);
  }

  /**
   * Handshake Secret = HKDF-Extract(Derive-Secret(Early, "derived", ""), (EC)DHE),
   * with zeros for psk_ke. Starts from the zero Early Secret when early() was not called.
   */
  handshake(sharedSecret: Uint8Array | null): void {
    if (this.stage === NONE) this.early(null);
    this.nextStage(EARLY, sharedSecret ?? this.zeros);
  }

  clientHandshakeTrafficSecret(transcriptHash: Uint8Array, out?: Uint8Array): Uint8Array {
    return this.derive(HANDSHAKE, C_HS_TRAFFIC, transcriptHash, out);
  }

  serverHandshakeTrafficSecret(transcriptHash: Uint8Array, out?: Uint8Array): Uint8Array {
    return this.derive(HANDSHAKE, S_HS_TRAFFIC, transcriptHash, out);
  }

  /** Master Secret = HKDF-Extract(Derive-Secret(Handshake, "derived", ""), 0). */
  master(): void {
    this.nextStage(HANDSHAKE, this.zeros);
  }

  clientApplicationTrafficSecret(transcriptHash: Uint8Array, out?: Uint8Array): Uint8Array {
    return this.derive(MASTER, C_AP_TRAFFIC, transcriptHash, out);
  }

  serverApplicationTrafficSecret(transcriptHash: Uint8Array, out?: Uint8Array): Uint8Array {
    return this.derive(MASTER, S_AP_TRAFFIC, transcriptHash, out);
  }

  exporterMasterSecret(transcriptHash: Uint8Array, out?: Uint8Array): Uint8Array {
    return this.derive(MASTER, EXP_MASTER, transcriptHash, out);
  }

  /**
   * resumption_master_secret, over the transcript through the client
   * Finished. It is the last use of the Master Secret, which is then erased.
   */
  resumptionMasterSecret(transcriptHash: Uint8Array, out?: Uint8Array): Uint8Array {
    const res = this.derive(MASTER, RES_MASTER, transcriptHash, out);
    this.clear();
    return res;
  }

  /** Erases the current stage secret; nothing more can be derived from the chain. */
  clear(): void {
    this.secret.fill(0);
    this.stage = DONE;
  }

  /** finished_key = HKDF-Expand-Label(BaseKey, "finished", "", Hash.length). */
  finishedKey(baseKey: Uint8Array, out?: Uint8Array): Uint8Array {
    return this.expandLabel(baseKey, FINISHED, EMPTY, this.hash.outputLen, out);
  }

  /** The verify_data of a Finished message for baseKey over transcript t (RFC 8446 4.4.4). */
  finished(baseKey: Uint8Array, t: Transcript): Uint8Array {
    return this.verifyData(baseKey, t.current(), new Uint8Array(this.hash.outputLen));
  }

  /** verify_data = HMAC(finished_key(baseKey), transcriptHash); also the PSK binder. */
  verifyData(baseKey: Uint8Array, transcriptHash: Uint8Array, out: Uint8Array): Uint8Array {
    this.finishedKey(baseKey, this.tmp);
    this.hkdfScratch().hkdf.hmac(this.tmp, transcriptHash, out);
    this.tmp.fill(0);
    return out;
  }

  /**
   * application_traffic_secret_N+1 = HKDF-Expand-Label(N, "traffic upd", "", Hash.length),
   * into `out` (which may be `secret` itself) or a new array.
   */
  nextApplicationTrafficSecret(secret: Uint8Array, out?: Uint8Array): Uint8Array {
    const res = out ?? new Uint8Array(this.hash.outputLen);
    this.expandLabel(secret, TRAFFIC_UPD, EMPTY, this.hash.outputLen, this.tmp);
    res.set(this.tmp);
    this.tmp.fill(0);
    return res;
  }

  /** The write key ("key", keyLen bytes) and IV ("iv", 12 bytes) of a traffic secret. */
  trafficKeys(secret: Uint8Array, keyLen: number, out: { key: Uint8Array; iv: Uint8Array }): void {
    this.expandLabel(secret, KEY, EMPTY, keyLen, out.key);
    this.expandLabel(secret, IV, EMPTY, IV_LENGTH, out.iv);
  }

  /** The PSK of a ticket: HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length). */
  resumptionPsk(resumptionMasterSecret: Uint8Array, ticketNonce: Uint8Array, out?: Uint8Array): Uint8Array {
    return this.expandLabel(resumptionMasterSecret, RESUMPTION, ticketNonce, this.hash.outputLen, out);
  }

  private derive(stage: number, label: Uint8Array, transcriptHash: Uint8Array, out?: Uint8Array): Uint8Array {
    if (this.stage !== stage) misuse('secret derived at the wrong stage');
    if (transcriptHash.length !== this.hash.outputLen) misuse('transcript hash length');
    return this.expandLabel(this.secret, label, transcriptHash, this.hash.outputLen, out);
  }

  /** The HKDF and label buffer, made when released or not made yet. */
  private hkdfScratch(): { hkdf: Hkdf; info: Uint8Array } {
    return (this.scratch ??= { hkdf: new Hkdf(this.hash), info: new Uint8Array(MAX_HKDF_LABEL) });
  }

  /** Drops the HKDF scratch until the next derivation (after the handshake: derivations are rare then). */
  release(): void {
    this.scratch = null;
  }

  /** HKDF-Expand-Label with this schedule's HKDF and label buffer. */
  private expandLabel(secret: Uint8Array, label: Uint8Array, context: Uint8Array, length: number, out?: Uint8Array): Uint8Array {
    const { hkdf, info } = this.hkdfScratch();
    return hkdf.expand(secret, info.subarray(0, hkdfLabel(info, label, context, length)), length, out);
  }

  /** secret = HKDF-Extract(Derive-Secret(secret, "derived", ""), ikm), in place. */
  private nextStage(from: number, ikm: Uint8Array): void {
    if (this.stage !== from) misuse('stage out of order');
    this.expandLabel(this.secret, DERIVED, this.emptyHash, this.hash.outputLen, this.tmp);
    this.hkdfScratch().hkdf.extract(this.tmp, ikm, this.secret);
    this.tmp.fill(0);
    this.stage = from + 1;
  }
}
