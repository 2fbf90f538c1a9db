// The running transcript hash (RFC 8446 section 4.4.1). Every handshake
// byte is hashed exactly once: digests are taken from clones of the running
// state. A client learns the hash only from ServerHello, so until setHash()
// the transcript holds a reference to the one message that can precede it
// (the ClientHello, which the engine keeps in its arena untouched until then).
import { Alert, ErrorCode, fail } from '../errors.js';
import { HandshakeType } from '../registry.js';
import type { Hash, HashState } from '../crypto/types.js';

function misuse(detail: string): never {
  fail(ErrorCode.INTERNAL, Alert.internal_error, 'transcript: ' + detail);
}

export class Transcript {
  private h: Hash | null = null;
  private state: HashState | null = null;
  private held: Uint8Array | null = null;

  /** The transcript hash, once chosen. */
  get hash(): Hash | null {
    return this.h;
  }

  /**
   * Adds a whole handshake message (header included). Before setHash() only
   * one message may be added; it is held by reference, not copied.
   */
  update(msg: Uint8Array): void {
    if (this.state) this.state.update(msg);
    else if (this.held) misuse('second message before the hash is known');
    else this.held = msg;
  }

  /** Chooses the hash (from the negotiated suite) and hashes the held message. */
  setHash(hash: Hash): void {
    if (this.h) misuse('hash already set');
    this.h = hash;
    this.state = hash.create();
    if (this.held) {
      this.state.update(this.held);
      this.held = null;
    }
  }

  /** Writes Transcript-Hash(messages so far) into out; the running state goes on. */
  digest(out: Uint8Array): Uint8Array {
    if (!this.state) misuse('digest before the hash is known');
    this.state.clone().digestInto(out);
    return out;
  }

  /**
   * Transcript hash under `hash` of the messages so far, followed by `suffix`
   * when given, without adding anything. It works before setHash(), since a
   * PSK's hash is known before the suite: the PSK binder hash over the
   * truncated ClientHello (RFC 8446 4.2.11.2) and the early secrets' hash of
   * the ClientHello.
   */
  digestWith(hash: Hash, out: Uint8Array, suffix?: Uint8Array): Uint8Array {
    let s: HashState;
    if (this.h && this.state) {
      if (this.h.name !== hash.name) misuse('PSK hash differs from the transcript hash');
      s = this.state.clone();
    } else {
      s = hash.create();
      if (this.held) s.update(this.held);
    }
    if (suffix) s.update(suffix);
    s.digestInto(out);
    return out;
  }

  /**
   * After a HelloRetryRequest: replaces ClientHello1 by the synthetic
   * message_hash message (RFC 8446 4.4.1):
   * Hash(message_hash || 00 00 Hash.length || Hash(ClientHello1)).
   * Call it when the transcript holds exactly ClientHello1, before adding the HRR.
   */
  replaceWithMessageHash(): void {
    const h = this.h;
    if (!h || !this.state) misuse('message_hash before the hash is known');
    const n = h.outputLen;
    const msg = new Uint8Array(4 + n);
    msg[0] = HandshakeType.message_hash;
    msg[3] = n;
    this.state.digestInto(msg.subarray(4));
    this.state = h.create();
    this.state.update(msg);
  }
}
