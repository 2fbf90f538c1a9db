// The client's saved session: what Connection.getSession() returns and
// setSession(bytes) restores, so a device can keep a ticket across reboots.
//
// Format, version 1 (integers big-endian; vectors are a length then bytes):
//   offset 0  4 bytes  magic "MTLS" (4d 54 4c 53)
//          4  u8       format version, 1
//          5  u16      TLS version, 0x0304 (0x0303: a TLS 1.2 session, tls12/session.ts)
//          7  ...      the resumption body of resumption.ts, its time being
//                      receivedAt (when the NewSessionTicket arrived):
//                        suite u16 | psk u8<32|48> | lifetime u32 (s) |
//                        ageAdd u32 | receivedAt u64 (ms since the epoch) |
//                        maxEarlyData u32 | alpn u8<0..255> (0: none) |
//                        serverName u8<0..255> (ASCII, 0: none)
//          ...      u16<1..65535> ticket (the opaque NewSessionTicket.ticket)
// Nothing may follow. Decoding rejects any other magic, format or TLS
// version, length, value out of range, or trailing byte with BAD_SESSION.
// The PSK is a secret: store the bytes as carefully as a private key.
import { Reader } from '../bytes/reader.js';
import { Writer } from '../bytes/writer.js';
import { TLS13 } from '../registry.js';
import { MAX_BODY, MAX_LIFETIME, badSession, readResumable, strictly, writeResumable, type Resumable } from './resumption.js';

export interface SessionState extends Resumable {
  /** The ticket to send as the PSK identity. */
  ticket: Uint8Array;
  /** When the ticket was received, ms since the epoch (starts the ticket age). */
  receivedAt: number;
}

export const MAGIC = [0x4d, 0x54, 0x4c, 0x53]; // "MTLS"
export const FORMAT = 1;

export function encodeSession(s: SessionState): Uint8Array {
  if (s.ticket.length === 0 || s.ticket.length > 0xffff) badSession('ticket length out of range');
  const w = new Writer(new Uint8Array(MAGIC.length + 3 + MAX_BODY + 2 + s.ticket.length));
  for (const b of MAGIC) w.u8(b);
  w.u8(FORMAT);
  w.u16(TLS13);
  writeResumable(w, s, s.receivedAt);
  w.vec16(s.ticket);
  const out = new Uint8Array(w.offset);
  out.set(w.written(0));
  return out;
}

/** Parses saved session bytes; the result shares no memory with them. */
export function decodeSession(bytes: Uint8Array): SessionState {
  return strictly(() => {
    const r = new Reader(bytes);
    for (const b of MAGIC) if (r.u8('magic') !== b) badSession('not a microtls session');
    const format = r.u8('format version');
    if (format !== FORMAT) badSession('unsupported session format ' + format);
    const version = r.u16('TLS version');
    if (version !== TLS13) badSession('unsupported TLS version ' + version);
    const body = readResumable(r);
    const t = r.vec16('ticket');
    if (t.length === 0) badSession('empty ticket');
    const ticket = new Uint8Array(t.length);
    ticket.set(t);
    r.expectEnd('session');
    return {
      suite: body.suite,
      psk: body.psk,
      ticket,
      lifetime: body.lifetime,
      ageAdd: body.ageAdd,
      receivedAt: body.time,
      maxEarlyData: body.maxEarlyData,
      alpn: body.alpn,
      serverName: body.serverName,
    };
  });
}

/**
 * obfuscated_ticket_age (RFC 8446 4.2.11.1): the ticket's age in ms plus
 * ticket_age_add, modulo 2^32. A clock that went backwards counts as age 0.
 */
export function obfuscatedAge(s: SessionState, nowMs: number): number {
  const age = Math.max(0, Math.floor(nowMs - s.receivedAt));
  return (age + s.ageAdd) >>> 0;
}

/**
 * Whether the ticket may still be offered: younger than its lifetime and
 * than 7 days (RFC 8446 4.6.1). An age below 0 (the clock is behind the
 * time the ticket arrived, as after a reboot without a clock) is unknown,
 * so the session is not used.
 */
export function sessionUsable(s: SessionState, nowMs: number): boolean {
  const age = nowMs - s.receivedAt;
  return age >= 0 && age < Math.min(s.lifetime, MAX_LIFETIME) * 1000;
}
