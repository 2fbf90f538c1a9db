// The server's stateless session tickets (RFC 8446 4.6.1): the server keeps
// nothing per session; the client carries the state, sealed under a server
// ticket key.
//
// Ticket = key name (16) || nonce (12) || AES-256-GCM(state) || tag (16),
// with the key name as additional data. The nonce is random, so one key
// must seal fewer than 2^32 tickets (NIST SP 800-38D 8.3): rotate() long
// before. The sealed state, format version 1:
//   u8 format (1) | the resumption body of resumption.ts, its time being
//   issuedAt (ms since the epoch)
// open() answers null for anything it cannot vouch for and never throws on
// a peer's bytes, so a bad ticket only costs the client a full handshake.
import { Reader } from '../bytes/reader.js';
import { Writer } from '../bytes/writer.js';
import { constantTimeEqual } from '../crypto/ct.js';
import type { Aead, AeadState, CryptoProvider } from '../crypto/types.js';
import type { TicketKey } from '../config.js';
import { Alert, ErrorCode, TlsFailure, fail } from '../errors.js';
import { CipherSuite } from '../registry.js';
import { MAX_BODY, MAX_LIFETIME, readResumable, writeResumable, type Resumable } from './resumption.js';

export type { TicketKey };

export interface TicketState extends Resumable {
  /** When the ticket was issued, ms since the epoch. */
  issuedAt: number;
}

const NAME = 16;
const NONCE = 12;
const KEY = 32;
const TAG = 16;
const HEADER = NAME + NONCE;
const FORMAT = 1;
const MAX_PLAIN = 1 + MAX_BODY;
/** Keys kept at once (the sealing key and those still accepted); rotate() drops the oldest beyond. */
export const MAX_KEYS = 8;
/** Longest ticket seal() makes; open() rejects longer ones before any work. */
export const MAX_TICKET = HEADER + MAX_PLAIN + TAG;

interface Slot {
  name: Uint8Array;
  /** Last ms at which tickets under this key are accepted. */
  notAfter: number;
  aead: AeadState;
}

function badConfig(detail: string): never {
  return fail(ErrorCode.BAD_CONFIG, Alert.internal_error, detail);
}

export class TicketKeys {
  /** keys[0] seals; all are accepted until their notAfter. */
  private keys: Slot[] = [];
  private readonly aead: Aead;
  /** Plaintext staging for seal and decryption space for open, wiped after use. */
  private readonly scratch = new Uint8Array(MAX_PLAIN + TAG);

  /** Without keys, one random key. */
  constructor(
    crypto: CryptoProvider,
    private readonly random: (dst: Uint8Array) => void,
    keys?: TicketKey[],
  ) {
    const aead = crypto.aead(CipherSuite.TLS_AES_256_GCM_SHA384);
    if (!aead) badConfig('ticket keys need AES-256-GCM from the crypto provider');
    this.aead = aead;
    if (keys === undefined) keys = [this.randomKey()];
    if (keys.length === 0 || keys.length > MAX_KEYS) badConfig('1 to ' + MAX_KEYS + ' ticket keys');
    for (const k of keys) this.keys.push(this.slot(k));
  }

  private randomKey(): TicketKey {
    const b = new Uint8Array(NAME + KEY);
    this.random(b);
    return { name: b.subarray(0, NAME), key: b.subarray(NAME) };
  }

  private slot(k: TicketKey): Slot {
    if (k.name.length !== NAME || k.key.length !== KEY) badConfig('a ticket key is a 16-byte name and a 32-byte key');
    if (k.notAfter !== undefined && isNaN(k.notAfter)) badConfig('ticket key notAfter is NaN');
    const name = new Uint8Array(NAME);
    name.set(k.name);
    return { name, notAfter: k.notAfter ?? Infinity, aead: this.aead.create(k.key) };
  }

  /** A new ticket for state, under the current key. */
  seal(state: TicketState): Uint8Array {
    const plain = this.scratch;
    const w = new Writer(plain, 0, MAX_PLAIN);
    w.u8(FORMAT);
    writeResumable(w, state, state.issuedAt);
    const n = w.offset;
    const k = this.keys[0];
    const out = new Uint8Array(HEADER + n + TAG);
    out.set(k.name);
    const nonce = out.subarray(NAME, HEADER);
    this.random(nonce);
    out.set(plain.subarray(0, n), HEADER);
    plain.fill(0, 0, n);
    k.aead.seal(nonce, k.name, out, HEADER, n);
    return out;
  }

  /** Whether a ticket (one open() took) was sealed under a key older than the current one. */
  sealedBefore(ticket: Uint8Array): boolean {
    return !constantTimeEqual(ticket, this.keys[0].name, 0, 0, NAME);
  }

  /**
   * The state in a ticket, or null: unknown key name, key past its notAfter,
   * bad tag, malformed plaintext, or expired (issuedAt + lifetime < now).
   * The ticket itself is left untouched (it is part of the transcript).
   */
  open(ticket: Uint8Array, now: number): TicketState | null {
    const n = ticket.length - HEADER - TAG;
    if (n < 1 || n > MAX_PLAIN) return null;
    let k: Slot | null = null;
    for (const s of this.keys) if (constantTimeEqual(ticket, s.name, 0, 0, NAME)) k = s;
    if (k === null || now > k.notAfter) return null;
    const buf = this.scratch;
    buf.set(ticket.subarray(HEADER));
    try {
      if (!k.aead.open(ticket.subarray(NAME, HEADER), k.name, buf, 0, n)) return null;
      const r = new Reader(buf, 0, n);
      if (r.u8() !== FORMAT) return null;
      const s = readResumable(r);
      r.expectEnd();
      if (s.time + s.lifetime * 1000 < now) return null;
      return {
        suite: s.suite,
        psk: s.psk,
        ageAdd: s.ageAdd,
        issuedAt: s.time,
        lifetime: s.lifetime,
        maxEarlyData: s.maxEarlyData,
        alpn: s.alpn,
        serverName: s.serverName,
      };
    } catch (e) {
      if (e instanceof TlsFailure) return null;
      throw e;
    } finally {
      buf.fill(0, 0, n + TAG);
    }
  }

  /**
   * Makes newKey (default: a random one) the sealing key. Older keys stay
   * accepted until now + acceptOldForMs (or their own earlier notAfter);
   * the default window is the longest ticket lifetime, so no unexpired
   * ticket is lost. Keys past their window, and the oldest beyond
   * MAX_KEYS, are dropped.
   */
  rotate(now: number, newKey?: TicketKey, acceptOldForMs = MAX_LIFETIME * 1000): void {
    const until = now + acceptOldForMs;
    const kept = [this.slot(newKey ?? this.randomKey())];
    for (const k of this.keys) {
      const notAfter = Math.min(k.notAfter, until);
      if (notAfter > now && kept.length < MAX_KEYS) {
        k.notAfter = notAfter;
        kept.push(k);
      }
    }
    this.keys = kept;
  }
}

/**
 * What ReplayGuard remembers of a ticket that opened: its GCM tag, already a
 * 128-bit MAC over the ticket under a server key, so distinct tickets have
 * distinct ids and nobody without the key can make a ticket with a chosen one.
 */
export function ticketReplayId(ticket: Uint8Array): Uint8Array {
  return ticket.subarray(ticket.length - TAG);
}
