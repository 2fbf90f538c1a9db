// What client and server handshakes share: the host interface to the
// connection, the transcript, the key schedule, installing traffic keys,
// named states, negotiated parameters, and the post-handshake messages both
// sides handle (KeyUpdate).
import type { Writer } from '../bytes/writer.js';
import { asciiString } from '../bytes/ascii.js';
import type { Aead, Hash } from '../crypto/types.js';
import type { Credentials, Negotiated, PskMode, Settings } from '../config.js';
import { Alert, ErrorCode, fail } from '../errors.js';
import { HandshakeType, TLS13, handshakeName, suiteHash } from '../registry.js';
import { KeySchedule } from './key-schedule.js';
import type { RecordProtection } from '../record/protection.js';
import { parseKeyUpdate, writeFinished, writeKeyUpdate } from './messages.js';
import { Transcript } from './transcript.js';

/** What a handshake machine may ask of its connection. */
export interface HandshakeHost {
  readonly settings: Settings;
  /** Anchors, our chain and key (the connection's Context, or the one onServerName chose). */
  readonly credentials: Credentials;
  /** Writer for outgoing messages (over the output record buffer, placed by beginMessage()). */
  readonly out: Writer;
  log(line: string): void;
  /** Starts a message where its records will be. */
  beginMessage(): void;
  /**
   * Seals the message written since beginMessage() into records where it
   * lies (its plaintext is gone then), after adding it to the handshake's
   * transcript (true, the default), to none (false) or to the one given.
   */
  /** The message written since beginMessage(), before sendMessage() seals (encrypts) it in place. */
  stagedMessage(): Uint8Array;
  sendMessage(transcript?: boolean | Transcript): void;
  /** Starts a flight. */
  resetOutput(): void;
  sendChangeCipherSpec(): void;
  setReadKeys(aead: Aead, key: Uint8Array, iv: Uint8Array): void;
  setWriteKeys(aead: Aead, key: Uint8Array, iv: Uint8Array): void;
  /** TLS 1.2: record protection keyed from the key block (record/tls12-protection.ts), for each direction. */
  setReadProtection(p: RecordProtection): void;
  setWriteProtection(p: RecordProtection): void;
  /** Sends a warning alert (TLS 1.2's no_renegotiation). */
  sendWarningAlert(description: number): void;
  /** Hands the connection over to another machine (the client's, once the server chose TLS 1.2). */
  handOver(next: Handshake): void;
  /** Back to unprotected records (a client's second ClientHello after sending early data). */
  plaintextWrites(): void;
  /** Lowers the largest plaintext we put in a record (max_fragment_length, record_size_limit). */
  limitFragment(n: number): void;
  /** Lowers the largest plaintext we accept in a record (our record_size_limit, once the peer accepted it). */
  limitReceive(n: number): void;
  /** The largest plaintext our record buffer takes. */
  readonly receiveLimit: number;
  /** Server, early data rejected: discard up to n bytes of 0-RTT records the peer may still send. */
  skipEarlyData(n: number): void;
}

/** KeyUpdates accepted in a row without application data in between (a flood is an attack). */
const MAX_KEY_UPDATES_IN_A_ROW = 32;

/**
 * S: the machine's state names (a literal union, listed in its file header);
 * every machine starts in START.
 */
export abstract class Handshake<S extends string = string> {
  transcript = new Transcript();
  state: S | 'START' = 'START';
  started = false;
  done = false;
  /** The negotiated protocol version. */
  version: number = TLS13;
  /** Whether KeyUpdate exists (TLS 1.3): the connection sends one before the AEAD limits. */
  keyUpdates = true;
  suite = 0;
  group: number | null = null;
  signatureScheme: number | null = null;
  peerCertificates: Uint8Array[] = [];
  alpn: Uint8Array | null = null;
  serverName: string | null = null;
  mode: Negotiated['mode'] = 'full';
  pskMode: PskMode | null = null;
  earlyData: Negotiated['earlyData'] = 'none';
  /** KeyUpdates received since the last application data record. */
  keyUpdatesInARow = 0;
  // Fixed by the suite choice (setSuite) and the ServerHello / ClientHello that
  // starts the key schedule; read through suiteHash() and schedule().
  private hash: Hash | null = null;
  protected aead: Aead | null = null;
  protected keys: KeySchedule | null = null;
  /** The application traffic secrets, from the server Finished on (app()). */
  private appSecrets: { client: Uint8Array; server: Uint8Array } | null = null;
  protected resumptionSecret: Uint8Array | null = null;
  protected clientRandom: Uint8Array | null = null;
  // Traffic key scratch, made for the suite's key length at the first key change and reused for every later one.
  private trafficKey: { key: Uint8Array; iv: Uint8Array } | null = null;

  constructor(
    protected readonly host: HandshakeHost,
    private readonly logPrefix: string,
  ) {}

  /** Sends the first flight (client) or prepares to receive it (server). */
  abstract start(): void;
  /** Handles one handshake message during the handshake; returns true if it changed the read keys. */
  protected abstract handleHandshake(type: number, msg: Uint8Array, body: Uint8Array): boolean;
  /** Post-handshake messages other than KeyUpdate; returns true if it changed the read keys. */
  protected abstract handlePostHandshake(type: number, msg: Uint8Array, body: Uint8Array): boolean;

  /** Client: the session to resume next time, as bytes (getSession()); null when there is none. */
  sessionBytes(): Uint8Array | null {
    return null;
  }

  /**
   * Whether a warning alert lets the connection go on: in TLS 1.2 (RFC 5246
   * 7.2); TLS 1.3 has none but close_notify and user_canceled (RFC 8446 6).
   */
  warningAlertsExist(): boolean {
    return this.version !== TLS13;
  }

  /**
   * The peer's ChangeCipherSpec: nothing in TLS 1.3 (the connection checks
   * the one compatibility record allowed); TLS 1.2 machines switch read keys.
   */
  changeCipherSpec(): void {}

  /** Handles one complete handshake message (msg includes the 4-byte header). */
  handle(type: number, msg: Uint8Array, body: Uint8Array): boolean {
    if (!this.done) return this.handleHandshake(type, msg, body);
    if (type === HandshakeType.key_update) return this.onKeyUpdate(body);
    return this.handlePostHandshake(type, msg, body);
  }

  negotiated(maxFragment: number): Negotiated {
    return {
      version: this.version,
      cipherSuite: this.suite,
      group: this.group,
      signatureScheme: this.signatureScheme,
      peerCertificates: this.peerCertificates,
      alpn: this.alpn ? asciiString(this.alpn) : null,
      serverName: this.serverName,
      mode: this.mode,
      pskMode: this.pskMode,
      maxFragment,
      earlyData: this.earlyData,
    };
  }

  protected enter(state: S): void {
    this.state = state;
    if (this.host.settings.debug) this.host.log(this.logPrefix + ' state: ' + state);
  }

  protected unexpected(type: number): never {
    return fail(ErrorCode.UNEXPECTED_MESSAGE, Alert.unexpected_message, handshakeName(type) + ' in state ' + this.state);
  }

  /**
   * Fixes the cipher suite: its hash starts the transcript; its AEAD (the one
   * of TLS 1.3 suite aeadCode, for a TLS 1.2 suite) protects records.
   */
  protected setSuite(suite: number, aeadCode = suite): void {
    const crypto = this.host.settings.crypto;
    const hash = crypto.hash(suiteHash(suite));
    const aead = crypto.aead(aeadCode);
    if (!hash || !aead) return fail(ErrorCode.INTERNAL, Alert.internal_error, 'suite without provider');
    this.suite = suite;
    this.hash = hash;
    this.aead = aead;
    this.transcript.setHash(hash);
  }

  // Espruino locks an object about twice for each method frame it is `this`
  // of, in a 4-bit count: an object that is `this` of more than ~6 nested
  // frames stays locked, and its connection is never freed. So helpers
  // below a message handler call no further method of the machine
  // (test/espruino/method-depth.test.ts holds every object to 5).

  /** The hash of the suite (after setSuite()). */
  protected suiteHashFn(): Hash {
    return this.hash ?? fail(ErrorCode.INTERNAL, Alert.internal_error, 'no cipher suite yet');
  }

  /** The key schedule (after the hellos). */
  protected schedule(): KeySchedule {
    return this.keys ?? fail(ErrorCode.INTERNAL, Alert.internal_error, 'no key schedule yet');
  }

  /** The application traffic secrets (after the server Finished). */
  protected app(): { client: Uint8Array; server: Uint8Array } {
    return this.appSecrets ?? fail(ErrorCode.INTERNAL, Alert.internal_error, 'no application secrets yet');
  }

  /** The current transcript hash (a fresh array). */
  protected transcriptHash(t: Transcript = this.transcript): Uint8Array {
    return t.digest();
  }

  /** Installs a traffic secret as the read or write key, logging it for the key log. */
  protected install(
    secret: Uint8Array, direction: 'read' | 'write', label: string | null,
    keys: KeySchedule = this.schedule(), aead: Aead | null = this.aead,
  ): void {
    if (!aead) return fail(ErrorCode.INTERNAL, Alert.internal_error, 'no cipher suite yet');
    let k = this.trafficKey;
    if (!k || k.key.length !== aead.keyLen) k = this.trafficKey = { key: new Uint8Array(aead.keyLen), iv: new Uint8Array(12) };
    keys.trafficKeys(secret, aead.keyLen, k);
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

  /** Seals the message written since beginMessage(), adding it to transcript t. */
  protected sendTo(t: Transcript): void {
    return this.host.sendMessage(t); // a tail call: XS drops this frame
  }

  /** Writes a Finished message for the given base key over transcript t. */
  protected sendFinished(baseKey: Uint8Array, t: Transcript = this.transcript): void {
    const verify = this.schedule().finished(baseKey, t);
    this.host.beginMessage();
    writeFinished(this.host.out, verify);
    return this.sendTo(t); // a tail call: XS drops this frame
  }

  /** Derives the application traffic secrets from the transcript through the server Finished. */
  protected deriveApplicationSecrets(): void {
    const ks = this.schedule();
    ks.master();
    const th = this.transcriptHash();
    const app = { client: ks.clientApplicationTrafficSecret(th), server: ks.serverApplicationTrafficSecret(th) };
    this.appSecrets = app;
    this.keyLog('EXPORTER_SECRET', ks.exporterMasterSecret(th));
    this.keyLog('CLIENT_TRAFFIC_SECRET_0', app.client);
    this.keyLog('SERVER_TRAFFIC_SECRET_0', app.server);
  }

  /** After the client Finished: the resumption master secret, the last use of the key schedule's chain. */
  protected deriveResumptionSecret(): void {
    this.resumptionSecret = this.schedule().resumptionMasterSecret(this.transcriptHash());
  }

  // --- KeyUpdate (RFC 8446 4.6.3) ---

  private onKeyUpdate(body: Uint8Array): boolean {
    const ku = parseKeyUpdate(body);
    if (++this.keyUpdatesInARow > MAX_KEY_UPDATES_IN_A_ROW) {
      fail(ErrorCode.KEY_UPDATE_FLOOD, Alert.unexpected_message, MAX_KEY_UPDATES_IN_A_ROW + ' without data');
    }
    this.host.log('received KeyUpdate' + (ku.requestUpdate ? ' (update_requested)' : ''));
    // The peer's sending key moves on.
    this.updateTrafficSecret(this.host.settings.side === 'client', 'read');
    if (ku.requestUpdate) this.sendKeyUpdate(false);
    return true;
  }

  /**
   * After the handshake (called by the connection when it ends and after
   * each post-handshake message): drops what only the handshake needed, the
   * transcript (post-handshake authentication works on its own fork) and the
   * key schedule's HKDF scratch, which a post-handshake message makes again
   * for as long as it takes (issue 11: a connection keeps its record buffers
   * and little more).
   */
  release(): void {
    if (!this.done) return;
    if (this.transcript.hash) this.transcript = new Transcript();
    if (this.keys) this.keys.release();
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
    const app = this.app();
    const current = server ? app.server : app.client;
    const next = this.schedule().nextApplicationTrafficSecret(current, new Uint8Array(current.length));
    current.fill(0);
    if (server) app.server = next;
    else app.client = next;
    this.install(next, direction, null);
  }
}

const HEX = '0123456789abcdef';
export function hex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEX[b[i] >> 4] + HEX[b[i] & 15];
  return s;
}
