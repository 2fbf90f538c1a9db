// Anti-replay for 0-RTT (RFC 8446 section 8). Early data is accepted only
// when both hold:
// - freshness (8.3): the ticket age the client reports and the age the
//   server computes differ by at most the window, so a ClientHello
//   recorded and replayed later fails;
// - single use (8.1): the ticket was not used for 0-RTT before. The store
//   only has to remember a use while a replay of it could still pass the
//   freshness check, so each entry expires at that moment (between 0 and
//   2 windows after it was recorded) and its slot is reused.
// The store is fixed at construction (16 bytes + one double per entry);
// when every slot holds a live entry, 0-RTT is refused (the handshake then
// goes on without early data), never grown. Lookup scans the table, which
// is cheap at the sizes a device or a test server uses.
// Ids: for a ticket, ticketReplayId() (its AEAD tag); for an external PSK,
// the binder (an HMAC, so its first 16 bytes are as good). Only the first
// REPLAY_ID bytes of an id are kept.
import { Alert, ErrorCode, fail } from '../errors.js';

export const REPLAY_ID = 16;
const MAX_CAPACITY = 1 << 20;

export class ReplayGuard {
  private readonly ids: Uint8Array;
  /** Per slot: the last ms at which a replay could pass the freshness check; below now means free. */
  private readonly until: Float64Array;

  constructor(
    readonly capacity: number,
    readonly windowMs: number,
  ) {
    if (!(Math.floor(capacity) === capacity && capacity >= 1 && capacity <= MAX_CAPACITY)) {
      fail(ErrorCode.BAD_CONFIG, Alert.internal_error, 'anti-replay capacity must be 1..' + MAX_CAPACITY);
    }
    if (!(windowMs >= 0 && windowMs < Infinity)) fail(ErrorCode.BAD_CONFIG, Alert.internal_error, 'anti-replay window must be >= 0 ms');
    this.ids = new Uint8Array(capacity * REPLAY_ID);
    this.until = new Float64Array(capacity);
    this.until.fill(-Infinity);
  }

  /**
   * True if this use is fresh and first seen, and records it; false if it
   * was seen before, is outside the freshness window, or the store is full.
   * clientAgeMs: obfuscated_ticket_age - ticket_age_add (mod 2^32);
   * serverAgeMs: now - the ticket's issuedAt.
   */
  accept(id: Uint8Array, clientAgeMs: number, serverAgeMs: number, now: number): boolean {
    if (id.length < REPLAY_ID) fail(ErrorCode.INTERNAL, Alert.internal_error, 'anti-replay id shorter than ' + REPLAY_ID);
    const w = this.windowMs;
    // How much later than the client's clock says the ClientHello arrived.
    const late = serverAgeMs - clientAgeMs;
    if (!(late <= w && late >= -w)) return false;
    const ids = this.ids;
    const until = this.until;
    let free = -1;
    for (let i = 0; i < until.length; i++) {
      if (until[i] < now) {
        if (free < 0) free = i;
      } else {
        // Ids travel in the clear (a ticket's tag, a binder): an early exit leaks nothing.
        const o = i * REPLAY_ID;
        let j = 0;
        while (j < REPLAY_ID && ids[o + j] === id[j]) j++;
        if (j === REPLAY_ID) return false;
      }
    }
    if (free < 0) return false;
    for (let j = 0, o = free * REPLAY_ID; j < REPLAY_ID; j++) ids[o + j] = id[j];
    // A replay at time t arrives late by late + (t - now): it passes until now + w - late.
    until[free] = now + w - late;
    return true;
  }
}
