// A client's saved TLS 1.2 session: what getSession() returns after a TLS
// 1.2 handshake and setSession() restores. The format of session.ts with
// TLS version 0x0303:
//   "MTLS" | format 1 | u16 0x0303 | the resumption body of resumption.ts
//   (suite, the 48-byte master secret as its psk, lifetime, ageAdd 0,
//   receivedAt, maxEarlyData 0, alpn, serverName) | ems u8 (0 or 1) |
//   session_id u8<0..32> | ticket u16<0..65535>
// with a session id, a ticket or both. Nothing may follow; anything else is
// BAD_SESSION. The master secret is a secret: store the bytes as carefully
// as a private key.
import { Reader } from '../../bytes/reader.js';
import { Writer } from '../../bytes/writer.js';
import { copyBytes } from '../../bytes/copy.js';
import { TLS12 } from '../../registry.js';
import { tls12Suite } from './suites.js';
import { MAX_BODY, MAX_LIFETIME, badSession, readResumable, strictly, writeResumable, type Resumable } from '../../session/resumption.js';
import { FORMAT, MAGIC } from '../../session/session.js';
import type { Tls12Session } from './support.js';

export interface Session12 extends Tls12Session, Resumable {
  /** Whether the master secret is an extended one (RFC 7627): a resumption must negotiate it again. */
  ems: boolean;
  /** The server's session id (RFC 5246 7.4.1.3), or empty. */
  sessionId: Uint8Array;
  /** The server's ticket (RFC 5077), or empty. */
  ticket: Uint8Array;
  /** When the session was established, ms since the epoch. */
  receivedAt: number;
}

export function encodeSession12(s: Session12): Uint8Array {
  if (s.sessionId.length > 32 || s.ticket.length > 0xffff || (s.sessionId.length === 0 && s.ticket.length === 0)) {
    badSession('session id or ticket length out of range');
  }
  const w = new Writer(new Uint8Array(MAGIC.length + 3 + MAX_BODY + 1 + 33 + 2 + s.ticket.length));
  for (const b of MAGIC) w.u8(b);
  w.u8(FORMAT);
  w.u16(TLS12);
  writeResumable(w, s, s.receivedAt);
  w.u8(s.ems ? 1 : 0);
  w.vec8(s.sessionId);
  w.vec16(s.ticket);
  return copyBytes(w.written(0));
}

/** The TLS 1.2 session in bytes from getSession(); null when they hold another version's session. */
export function decodeSession12(bytes: Uint8Array): Session12 | null {
  if (bytes.length < 7 || bytes[5] !== 3 || bytes[6] !== 3) return null;
  return strictly(() => {
    const r = new Reader(bytes);
    for (const b of MAGIC) if (r.u8('magic') !== b) badSession('not a microtls session');
    if (r.u8('format version') !== FORMAT) badSession('unsupported session format');
    r.u16('TLS version');
    const body = readResumable(r);
    if (!tls12Suite(body.suite)) badSession('not a TLS 1.2 cipher suite');
    const ems = r.u8('ems');
    if (ems > 1) badSession('ems flag out of range');
    const sessionId = copyBytes(r.vec8('session id'));
    if (sessionId.length > 32) badSession('session id longer than 32 bytes');
    const ticket = copyBytes(r.vec16('ticket'));
    if (sessionId.length === 0 && ticket.length === 0) badSession('neither session id nor ticket');
    r.expectEnd('session');
    return {
      version: TLS12, suite: body.suite, psk: body.psk, lifetime: body.lifetime, ageAdd: 0, maxEarlyData: 0,
      alpn: body.alpn, serverName: body.serverName, receivedAt: body.time, ems: ems === 1, sessionId, ticket,
    };
  });
}

/** Whether a saved session may be offered at `now`: younger than its lifetime (and 7 days). */
export function session12Usable(s: Session12, now: number): boolean {
  const age = now - s.receivedAt;
  return age >= 0 && age < Math.min(s.lifetime, MAX_LIFETIME) * 1000;
}
