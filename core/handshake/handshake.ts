// What client and server handshakes share: the host interface to the
// connection, the transcript, the key schedule, installing traffic keys,
// named states, and post-handshake messages (KeyUpdate).
import type { Writer } from '../bytes/writer.js';
import type { Aead, Hash } from '../crypto/types.js';
import type { Context, Settings } from '../engine/context.js';
import type { Negotiated } from '../engine/types.js';
import { Alert, ErrorCode, fail } from '../errors.js';
import { CipherSuite, HandshakeType, TLS13, handshakeName } from '../registry.js';
import { KeySchedule } from './key-schedule.js';
import { parseKeyUpdate, writeFinished, writeKeyUpdate } from './messages.js';
import { Transcript } from './transcript.js';

/** What a handshake machine may ask of its connection. */
export interface HandshakeHost {
  readonly settings: Settings;
  readonly context: Context;
  /** Staging writer for outgoing messages (over the arena's handshake buffer). */
  readonly out: Writer;
  log(line: string): void;
  beginMessage(): void;
  /** Seals the message written since beginMessage() into records, adding it to the transcript unless told not to. */
  sendMessage(transcript?: boolean): Uint8Array;
  resetOutput(): void;
  sendChangeCipherSpec(): void;
  setReadKeys(aead: Aead, key: Uint8Array, iv: Uint8Array): void;
  setWriteKeys(aead: Aead, key: Uint8Array, iv: Uint8Array): void;
}

/** The hash of each TLS 1.3 suite. */
export function suiteHash(suite: number): 'sha256' | 'sha384' {
  return suite === CipherSuite.TLS_AES_256_GCM_SHA384 ? 'sha384' : 'sha256';
}

export abstract class Handshake {
  readonly transcript = new Transcript();
  state = 'START';
  started = false;
  done = false;
  suite = 0;
  group: number | null = null;
  signatureScheme: number | null = null;
  peerCertificates: Uint8Array[] = [];
  protected hash: Hash | null = null;
  protected aead: Aead | null = null;
  protected keys: KeySchedule | null = null;
  protected clientAppSecret: Uint8Array | null = null;
  protected serverAppSecret: Uint8Array | null = null;
  protected clientRandom: Uint8Array | null = null;
  // Traffic key scratch for 128- and 256-bit keys, reused for every key change.
  private readonly key16 = { key: new Uint8Array(16), iv: new Uint8Array(12) };
  private readonly key32 = { key: new Uint8Array(32), iv: new Uint8Array(12) };

  constructor(
    protected readonly host: HandshakeHost,
    private readonly logPrefix: string,
  ) {}

  /** Sends the first flight (client) or prepares to receive it (server). */
  abstract start(): void;
  /** Handles one handshake message during the handshake; returns true if it changed the read keys. */
  protected abstract handleHandshake(type: number, msg: Uint8Array, body: Uint8Array): boolean;

  /** Handles one complete handshake message (msg includes the 4-byte header). */
  handle(type: number, msg: Uint8Array, body: Uint8Array): boolean {
    if (!this.done) return this.handleHandshake(type, msg, body);
    return this.handlePostHandshake(type, body);
  }

  negotiated(): Negotiated {
    return {
      version: TLS13,
      cipherSuite: this.suite,
      group: this.group,
      signatureScheme: this.signatureScheme,
      peerCertificates: this.peerCertificates,
    };
  }

  protected enter(state: string): void {
    this.state = state;
    this.host.log(this.logPrefix + ' state: ' + state);
  }

  protected unexpected(type: number): never {
    return fail(ErrorCode.UNEXPECTED_MESSAGE, Alert.unexpected_message, handshakeName(type) + ' in state ' + this.state);
  }

  /** Fixes the cipher suite: its hash starts the transcript and the key schedule. */
  protected setSuite(suite: number): void {
    const crypto = this.host.settings.crypto;
    const hash = crypto.hash(suiteHash(suite));
    const aead = crypto.aead(suite);
    if (!hash || !aead) return fail(ErrorCode.INTERNAL, Alert.internal_error, 'suite without provider');
    this.suite = suite;
    this.hash = hash;
    this.aead = aead;
    this.transcript.setHash(hash);
    this.keys = new KeySchedule(hash);
  }

  /** The current transcript hash (a fresh array). */
  protected transcriptHash(): Uint8Array {
    return this.transcript.digest(new Uint8Array(this.hash!.outputLen));
  }

  /** Installs a traffic secret as the read or write key, logging it for the key log. */
  protected install(secret: Uint8Array, direction: 'read' | 'write', label: string | null): void {
    const aead = this.aead!;
    const k = aead.keyLen === 16 ? this.key16 : this.key32;
    this.keys!.trafficKeys(secret, aead.keyLen, k);
    if (direction === 'read') this.host.setReadKeys(aead, k.key, k.iv);
    else this.host.setWriteKeys(aead, k.key, k.iv);
    k.key.fill(0);
    if (label) this.keyLog(label, secret);
  }

  /** NSS key log line: LABEL <client_random hex> <secret hex>. */
  protected keyLog(label: string, secret: Uint8Array): void {
    const log = this.host.settings.keyLog;
    if (log && this.clientRandom) log(label + ' ' + hex(this.clientRandom) + ' ' + hex(secret));
  }

  /** Writes a Finished message for the given base key over the current transcript. */
  protected sendFinished(baseKey: Uint8Array): void {
    const h = this.host;
    const verify = this.keys!.verifyData(baseKey, this.transcriptHash(), new Uint8Array(this.hash!.outputLen));
    h.beginMessage();
    writeFinished(h.out, verify);
    h.sendMessage();
  }

  // --- post-handshake (RFC 8446 4.6) ---

  protected handlePostHandshake(type: number, body: Uint8Array): boolean {
    if (type === HandshakeType.key_update) {
      const ku = parseKeyUpdate(body);
      this.host.log('received KeyUpdate' + (ku.requestUpdate ? ' (update_requested)' : ''));
      const side = this.host.settings.side;
      // The peer's sending key moves on.
      const peerIsServer = side === 'client';
      this.updateTrafficSecret(peerIsServer, 'read');
      if (ku.requestUpdate) this.sendKeyUpdate(false);
      return true;
    }
    return this.handleOtherPostHandshake(type, body);
  }

  /** Client: NewSessionTicket; server: nothing else is allowed. */
  protected handleOtherPostHandshake(type: number, _body: Uint8Array): boolean {
    return this.unexpected(type);
  }

  /** Sends KeyUpdate and moves our sending key on. */
  sendKeyUpdate(requestUpdate: boolean): void {
    const h = this.host;
    h.resetOutput();
    h.beginMessage();
    writeKeyUpdate(h.out, { requestUpdate });
    h.sendMessage(false);
    this.updateTrafficSecret(h.settings.side === 'server', 'write');
    h.log('sent KeyUpdate' + (requestUpdate ? ' (update_requested)' : ''));
  }

  private updateTrafficSecret(server: boolean, direction: 'read' | 'write'): void {
    const current = server ? this.serverAppSecret! : this.clientAppSecret!;
    const next = this.keys!.nextApplicationTrafficSecret(current);
    current.fill(0);
    if (server) this.serverAppSecret = next;
    else this.clientAppSecret = next;
    this.install(next, direction, null);
  }
}

const HEX = '0123456789abcdef';
export function hex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEX[b[i] >> 4] + HEX[b[i] & 15];
  return s;
}
