// The running transcript hash (RFC 8446 section 4.4.1). Every handshake
// byte is hashed exactly once: digests are taken from clones of the running
// state. A client learns the hash only from ServerHello, so until setHash()
// the transcript holds a copy of the one message that can precede it (the
// ClientHello: the engine seals it in place, and its buffer is reused).
// A digest under a PSK's hash before that (early secrets) hashes the held
// ClientHello, and setHash() continues from that state when the hash matches.
import { Alert, ErrorCode, fail } from '../errors.js';
import { HandshakeType } from '../registry.js';
import type { Hash, HashState } from '../crypto/types.js';
import { copyBytes } from '../bytes/copy.js';

function misuse(detail: string): never {
  fail(ErrorCode.INTERNAL, Alert.internal_error, 'transcript: ' + detail);
}

export class Transcript {
  private h: Hash | null = null;
  private state: HashState | null = null;
  private held: Uint8Array | null = null;
  /** Where digests are finished when the hash copies states without allocating (cloneInto). */
  private scratch: HashState | null = null;
  // The held message hashed under a PSK's hash by digestWith().
  private spec: HashState | null = null;
  private specName = '';

  /** The transcript hash, once chosen. */
  get hash(): Hash | null {
    return this.h;
  }

  /**
   * Adds a whole handshake message (header included). Before setHash() only
   * one message may be added; it is held as a copy, since messages lie in
   * the record buffers, which the next record reuses.
   */
  update(msg: Uint8Array): void {
    if (this.state) this.state.update(msg);
    else if (this.held) misuse('second message before the hash is known');
    else this.held = copyBytes(msg);
  }

  /** Chooses the hash (from the negotiated suite) and hashes the held message. */
  setHash(hash: Hash): void {
    if (this.h) misuse('hash already set');
    this.h = hash;
    if (this.spec && this.specName === hash.name) this.state = this.spec;
    else this.state = this.held ? hash.create().update(this.held) : hash.create();
    this.held = null;
    this.spec = null;
  }

  /** Writes Transcript-Hash(messages so far) into out; the running state goes on. */
  digest(out: Uint8Array): Uint8Array {
    const state = this.state;
    if (!state || !this.h) misuse('digest before the hash is known');
    if (state.cloneInto) {
      const copy = (this.scratch ??= this.h.create());
      state.cloneInto(copy);
      copy.digestInto(out);
    } else {
      state.clone().digestInto(out);
    }
    return out;
  }

  /** Transcript-Hash(messages so far) in a fresh array. */
  current(): Uint8Array {
    const h = this.h;
    if (!h) misuse('digest before the hash is known');
    return this.digest(new Uint8Array(h.outputLen));
  }

  /**
   * Transcript hash under `hash` of the messages so far, followed by `suffix`
   * when given, without adding anything. It works before setHash(), since a
   * PSK's hash is known before the suite: the early secrets' hash of the
   * ClientHello, and the PSK binder hash (RFC 8446 4.2.11.2), for which the
   * suffix is the truncated ClientHello and the call comes before that
   * ClientHello is added.
   */
  digestWith(hash: Hash, out: Uint8Array, suffix?: Uint8Array): Uint8Array {
    let s: HashState;
    if (this.h && this.state) {
      if (this.h.name !== hash.name) misuse('PSK hash differs from the transcript hash');
      s = this.state.clone();
    } else if (this.held) {
      if (!this.spec || this.specName !== hash.name) {
        this.spec = hash.create().update(this.held);
        this.specName = hash.name;
      }
      s = this.spec.clone();
    } else {
      s = hash.create();
    }
    if (suffix) s.update(suffix);
    s.digestInto(out);
    return out;
  }

  /**
   * An independent copy of the running transcript: post-handshake client
   * authentication hashes its messages on top of the handshake transcript,
   * once per CertificateRequest.
   */
  fork(): Transcript {
    if (!this.h || !this.state) misuse('fork before the hash is known');
    const t = new Transcript();
    t.h = this.h;
    t.state = this.state.clone();
    return t;
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
