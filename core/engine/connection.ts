// Connection: the core every TLS connection shares (like rustls'
// ConnectionCommon), whichever its side. It owns one arena (an ArrayBuffer
// sized from the configuration when the connection is created) holding its
// record buffers, pumps records, hands handshake messages to the side's
// machine (in place in the record buffers; arena.ts says how), handles alerts, reads, writes, KeyUpdate and shutdown, and
// offers two equivalent ways to move bytes: sans-IO (receive()/takeOutput())
// or IO callbacks (an Io given at creation). ClientConnection and
// ServerConnection add their side's handshake machine and calls; here those
// calls answer BAD_STATE, so code holding a Connection of either side can
// call them and get an error, never a crash.
//
// Errors: API misuse (a call the connection's side or state does not allow)
// returns BAD_STATE, sends nothing and changes nothing; protocol and
// transport failures are sticky: the alert goes out once and every later
// call returns the same code.
import type { Aead } from '../crypto/types.js';
import { Writer } from '../bytes/writer.js';
import type { Credentials, Io, Negotiated, Settings } from '../config.js';
import { Alert, ErrorCode, Status, TlsFailure, alertName, fail } from '../errors.js';
import type { Handshake, HandshakeHost } from '../handshake/handshake.js';
import type { Transcript } from '../handshake/transcript.js';
import { ContentType, HandshakeType, handshakeName } from '../registry.js';
import { RecordLayer } from '../record/layer.js';
import type { RecordProtection } from '../record/protection.js';
import { recordLimit, type ArenaLayout } from './arena.js';
import { RangeCopier } from '../bytes/copy.js';

export type { ArenaLayout };

export interface ErrorInfo {
  code: number;
  name: string;
  message: string;
  /** Alert we sent (description) or -1. */
  alertSent: number;
  /** Fatal alert the peer sent or -1. */
  alertReceived: number;
}

const ALERT_WARNING = 1;
const ALERT_FATAL = 2;
/** TLS 1.2 warning alerts let through on one connection (BoringSSL's bound): a peer cannot keep us reading them. */
const MAX_WARNING_ALERTS = 4;

export abstract class Connection implements HandshakeHost {
  readonly settings: Settings;
  readonly records: RecordLayer;
  readonly out: Writer;
  /** Bytes of the arena, and how they are divided. */
  readonly arenaBytes: number;
  readonly arenaLayout: ArenaLayout;
  /** The side's handshake machine (set by the subclass; it changes when the ClientHello or ServerHello chose TLS 1.2). */
  protected abstract handshake: Handshake;
  /** The largest incoming handshake message we take, with its header (the layout's `message`). */
  private readonly messageLimit: number;
  /** A handshake message split across records, while it is put together (dropped once handled). */
  private part: Uint8Array | null = null;
  private partLen = 0;
  /** The first bytes of a message header split across records. */
  private readonly head = new Uint8Array(4);
  private headLen = 0;
  private readonly oneByte = new Uint8Array(1);
  private readonly copyIn = new RangeCopier();
  private readonly copyOut = new RangeCopier();
  private readonly alertBuf = new Uint8Array(2);
  private msgStart = 0;
  /** Bytes received in handshake messages split across records, for tests and benches (the reassembly buffers' sizes). */
  reassembled = 0;
  protected failure: TlsFailure | null = null;
  /** The last call refused without harm (BAD_STATE, BAD_SESSION), for lastError(). */
  private refused: TlsFailure | null = null;
  private alertSent = -1;
  private peerClosed = false;
  private ccsReceived = false;
  private warningAlerts = 0;
  protected closeSent = false;
  private appOff = 0;
  private appLen = 0;
  /** The pending application data is 0-RTT data (server): readEarlyData() takes it. */
  protected appEarly = false;
  private eof = false;

  protected constructor(
    readonly context: Credentials,
    readonly io: Io | null,
    layout: ArenaLayout,
  ) {
    this.settings = context.settings;
    const arena = new Uint8Array(layout.total);
    let at = 0;
    const carve = (n: number): Uint8Array => arena.subarray(at, (at += n));
    this.records = new RecordLayer(carve(layout.inBuf), carve(layout.outBuf));
    this.records.maxReceive = this.records.maxFragment = recordLimit(this.settings);
    this.messageLimit = layout.message;
    // Messages are written into the output buffer, where they are sealed (beginMessage()).
    this.out = new Writer(this.records.outBuf);
    this.arenaBytes = layout.total;
    this.arenaLayout = layout;
  }

  get credentials(): Credentials {
    return this.context;
  }

  // --- HandshakeHost: what the handshake machine may do ---

  log(line: string): void {
    if (this.settings.debug) this.settings.debug(line);
  }

  /** Starts a new message where its records will be, in the output buffer. */
  beginMessage(): void {
    this.out.reset(this.records.stageOffset());
    this.msgStart = this.out.offset;
  }

  /**
   * Seals the message written since beginMessage() into records where it
   * lies, after adding it to the handshake's transcript (true), to none
   * (false) or to the transcript given.
   */
  sendMessage(transcript: boolean | Transcript = true): void {
    const len = this.out.offset - this.msgStart;
    const buf = this.out.buf;
    const t = transcript === true ? this.handshake.transcript : transcript === false ? null : transcript;
    if (t) t.update(buf.subarray(this.msgStart, this.msgStart + len));
    // Not through log(): one method frame less on this connection (Espruino's lock count, see
    // test/espruino/method-depth.test.ts), and no string built unless debugging.
    const debug = this.settings.debug;
    if (debug) debug('send ' + handshakeName(buf[this.msgStart]) + ' (' + len + ' bytes)');
    if (!this.records.sealStaged(ContentType.handshake, len)) {
      fail(ErrorCode.BUFFER_TOO_SMALL, Alert.internal_error, 'flight does not fit the output buffer');
    }
  }

  /** The message written since beginMessage(), before sendMessage() seals it where it lies. */
  stagedMessage(): Uint8Array {
    return this.out.buf.subarray(this.msgStart, this.out.offset);
  }

  /** A new flight: earlier ones are sealed; what is still unsent moves to the front of the output buffer. */
  resetOutput(): void {
    this.records.stageOffset();
  }

  sendChangeCipherSpec(): void {
    this.oneByte[0] = 1;
    this.records.writeRecord(ContentType.change_cipher_spec, this.oneByte, 0, 1);
  }

  setReadKeys(aead: Aead, key: Uint8Array, iv: Uint8Array): void {
    this.records.setReadKeys(aead, key, iv);
  }

  setWriteKeys(aead: Aead, key: Uint8Array, iv: Uint8Array): void {
    this.records.setWriteKeys(aead, key, iv);
  }

  setReadProtection(p: RecordProtection): void {
    this.records.useReadProtection(p);
  }

  setWriteProtection(p: RecordProtection): void {
    this.records.useWriteProtection(p);
  }

  sendWarningAlert(description: number): void {
    this.writeAlert(ALERT_WARNING, description);
    this.log('sent warning alert ' + alertName(description));
  }

  handOver(next: Handshake): void {
    this.handshake = next;
  }

  plaintextWrites(): void {
    this.records.plaintextWrites();
  }

  limitFragment(n: number): void {
    if (n < this.records.maxFragment) this.records.maxFragment = n;
  }

  limitReceive(n: number): void {
    if (n < this.records.maxReceive) this.records.maxReceive = n;
  }

  get receiveLimit(): number {
    return this.records.maxReceive;
  }

  skipEarlyData(n: number): void {
    this.records.skipEarly = n;
  }

  // --- sans-IO ---

  /** Copies up to len received bytes into the connection; returns how many it took (retry the rest later). */
  receive(src: Uint8Array, off = 0, len = src.length - off): number {
    if (this.appLen > 0) return 0;
    const r = this.records;
    const n = Math.min(len, r.inSpace());
    this.copyIn.copy(r.inBuf, r.inWriteOffset, src, off, n);
    r.received(n);
    return n;
  }

  /** Bytes waiting to be sent. */
  outputLength(): number {
    return this.records.outLength;
  }

  /** Copies up to len pending output bytes into dst[off..]; returns how many (they are consumed). */
  takeOutput(dst: Uint8Array, off = 0, len = dst.length - off): number {
    return this.records.takeOutput(dst, off, len);
  }

  // --- driving ---

  /** Client handshake step: 0 when done, WANT_READ / WANT_WRITE, or a negative error code. */
  connect(): number {
    return this.misuse('connect() is for a client connection (a server calls accept())');
  }

  /** Server handshake step: same returns as connect(). */
  accept(): number {
    return this.misuse('accept() is for a server connection (a client calls connect())');
  }

  /** Reads application data: n > 0 bytes, 0 when the peer closed (close_notify), WANT_READ, or an error. */
  read(dst: Uint8Array, off = 0, len = dst.length - off): number {
    for (;;) {
      if (this.appLen > 0) return this.appEarly ? Status.EARLY_DATA : this.takeApp(dst, off, len);
      if (this.peerClosed) return 0;
      // OK means records were processed: look again (and pull more through the Io if none was data).
      const st = this.drive(false);
      if (st !== Status.OK) return st;
    }
  }

  /** Copies pending application data out. */
  private takeApp(dst: Uint8Array, off: number, len: number): number {
    const n = len < this.appLen ? len : this.appLen;
    this.copyOut.copy(dst, off, this.records.inBuf, this.appOff, n);
    this.appOff += n;
    this.appLen -= n;
    return n;
  }

  /** Writes application data: n > 0 bytes accepted, WANT_WRITE, or an error. */
  write(src: Uint8Array, off = 0, len = src.length - off): number {
    if (this.failure) return this.failure.code;
    if (!this.handshake.done) {
      const st = this.drive(true);
      if (st !== Status.OK) return st;
    }
    if (this.closeSent) return this.misuse('write() after shutdown()');
    if (len === 0) return 0;
    let done = 0;
    try {
      this.flush();
      const r = this.records;
      for (;;) {
        const room = r.writable();
        if (room === 0 || done === len) break;
        // Move to a new key before the AEAD's usage limit (RFC 8446 5.5; TLS 1.2 has no KeyUpdate).
        if (r.write.records >= this.settings.keyUpdateAfter && this.handshake.keyUpdates) {
          this.handshake.sendKeyUpdate(false);
          this.handshake.release();
          continue;
        }
        const n = len - done < room ? len - done : room;
        r.writeAppRecord(src, off + done, n);
        done += n;
      }
      this.flush();
    } catch (e) {
      return this.fatal(e);
    }
    return done > 0 ? done : Status.WANT_WRITE;
  }

  /** Decrypted application bytes ready for read(). */
  pending(): number {
    return this.appLen;
  }

  /** Sends close_notify: 0 when sent, WANT_WRITE, or an error. */
  shutdown(): number {
    if (this.failure) return this.failure.code;
    try {
      if (!this.closeSent) {
        this.closeSent = true;
        this.writeAlert(ALERT_WARNING, Alert.close_notify);
        this.log('sent close_notify');
      }
      this.flush();
      return this.records.outLength > 0 && this.io ? Status.WANT_WRITE : Status.OK;
    } catch (e) {
      // A peer that sent close_notify may close its socket at once: our answer not
      // reaching it loses nothing, so the connection still ends cleanly.
      if (this.peerClosed && e instanceof TlsFailure && e.code === ErrorCode.IO_ERROR) return Status.OK;
      return this.fatal(e);
    }
  }

  /**
   * Sends KeyUpdate (RFC 8446 4.6.3) and moves our sending key on; with
   * requestUpdate the peer answers with its own. 0, or an error.
   */
  keyUpdate(requestUpdate = false): number {
    if (this.failure) return this.failure.code;
    if (!this.handshake.done || this.closeSent) return this.misuse('keyUpdate() is for an open connection after the handshake');
    if (!this.handshake.keyUpdates) return this.misuse('keyUpdate() is for TLS 1.3 (TLS 1.2 has no KeyUpdate)');
    try {
      this.handshake.sendKeyUpdate(requestUpdate);
      this.handshake.release();
      this.flush();
      return Status.OK;
    } catch (e) {
      return this.fatal(e);
    }
  }

  // --- calls of one side (ClientConnection, ServerConnection); here they are misuse ---

  /** Client: the session to resume next time, as bytes (ClientConnection); null on a server. */
  getSession(): Uint8Array | null {
    return null;
  }

  /** Client, before connect(): resume this session (ClientConnection). */
  setSession(_bytes: Uint8Array): number {
    return this.misuse('setSession() is for a client connection');
  }

  /** Client: 0-RTT data with the ClientHello (ClientConnection). */
  writeEarlyData(_src: Uint8Array, _off?: number, _len?: number): number {
    return this.misuse('writeEarlyData() is for a client connection');
  }

  /** Server: takes 0-RTT data (ServerConnection). */
  readEarlyData(_dst: Uint8Array, _off?: number, _len?: number): number {
    return this.misuse('readEarlyData() is for a server connection');
  }

  /** Server, after the handshake: post-handshake client authentication (ServerConnection). */
  requestClientCertificate(): number {
    return this.misuse('requestClientCertificate() is for a server connection');
  }

  /** 0-RTT outcome: 'not_sent', 'pending' (client, before the server answered), 'accepted' or 'rejected'. */
  earlyDataStatus(): 'not_sent' | 'pending' | 'accepted' | 'rejected' {
    const e = this.handshake.earlyData;
    return e === 'none' ? 'not_sent' : e;
  }

  /** Copies pending 0-RTT data out (a server's readEarlyData()). */
  protected takeEarlyData(dst: Uint8Array, off: number, len: number): number {
    if (this.appLen > 0 && this.appEarly) {
      const n = this.takeApp(dst, off, len);
      if (this.appLen === 0) this.appEarly = false;
      return n;
    }
    return Status.WANT_READ;
  }

  /** Whether an application data record is 0-RTT data (server, while it is accepted; counts it). */
  protected earlyRecord(_len: number): boolean {
    return false;
  }

  // --- state ---

  get handshakeDone(): boolean {
    return this.handshake.done;
  }

  get stateName(): string {
    return this.handshake.state;
  }

  negotiated(): Negotiated | null {
    return this.handshake.done ? this.handshake.negotiated(this.records.maxFragment) : null;
  }

  /** The sticky failure, else the last call refused without harm (BAD_STATE...), else null. */
  lastError(): ErrorInfo | null {
    const f = this.failure ?? this.refused;
    if (!f) return null;
    return {
      code: f.code,
      name: f.name,
      message: f.message,
      alertSent: f === this.failure ? this.alertSent : -1,
      alertReceived: f.received ? f.alert : -1,
    };
  }

  // --- internals ---

  /**
   * Moves bytes and processes records until the handshake is done (when
   * `handshakeOnly`), application data is available, or nothing more can
   * happen now.
   */
  protected drive(handshakeOnly: boolean): number {
    if (this.failure) return this.failure.code;
    try {
      if (!this.handshake.started) this.handshake.start();
      for (;;) {
        this.flush();
        if (handshakeOnly && this.handshake.done) {
          return this.io && this.records.outLength > 0 ? Status.WANT_WRITE : Status.OK;
        }
        if (this.appEarly) return Status.EARLY_DATA;
        if (this.processRecords(handshakeOnly)) {
          if (!handshakeOnly) return Status.OK;
          continue;
        }
        if (this.io && this.records.outLength > 0) return Status.WANT_WRITE;
        if (!this.pull()) return this.eof ? fail(ErrorCode.CONNECTION_CLOSED, Alert.close_notify, 'transport closed') : Status.WANT_READ;
      }
    } catch (e) {
      return this.fatal(e);
    }
  }

  /** Sends pending output through the Io (no-op in sans-IO mode). */
  protected flush(): void {
    const io = this.io;
    if (!io) return;
    const r = this.records;
    while (r.outLength > 0) {
      const n = io.send(r.outBuf, r.outOffset, r.outLength);
      if (n === Status.WANT_WRITE) return;
      if (n <= 0) fail(ErrorCode.IO_ERROR, Alert.internal_error, 'send failed (' + n + ')');
      r.sent(n);
    }
  }

  /** Reads from the Io into the record buffer; false when nothing came. */
  private pull(): boolean {
    const io = this.io;
    if (!io || this.appLen > 0) return false;
    const r = this.records;
    const space = r.inSpace();
    if (space === 0) return false;
    const n = io.recv(r.inBuf, r.inWriteOffset, space);
    if (n === Status.WANT_READ) return false;
    if (n === 0) {
      this.eof = true;
      return false;
    }
    if (n < 0) fail(ErrorCode.IO_ERROR, Alert.internal_error, 'recv failed (' + n + ')');
    r.received(n);
    return true;
  }

  /**
   * Processes buffered records. Returns true when something happened that
   * the caller waits for: application data arrived or the peer closed (or,
   * during the handshake, any record was processed).
   */
  private processRecords(handshakeOnly: boolean): boolean {
    const r = this.records;
    let progress = false;
    while (this.appLen === 0 && !this.peerClosed && r.nextRecord()) {
      progress = true;
      switch (r.contentType) {
        case ContentType.handshake:
          this.onHandshakeRecord(r.inBuf, r.payloadOff, r.payloadLen);
          // The handshake's own state goes when it ends, and again after each post-handshake message.
          this.handshake.release();
          break;
        case ContentType.application_data:
          this.onApplicationData(r.payloadOff, r.payloadLen);
          break;
        case -1: // rejected 0-RTT data, skipped
          break;
        case ContentType.alert:
          this.onAlert(r.inBuf, r.payloadOff, r.payloadLen);
          break;
        case ContentType.change_cipher_spec:
          this.onChangeCipherSpec(r.inBuf, r.payloadOff, r.payloadLen);
          break;
        default:
          fail(ErrorCode.BAD_RECORD_TYPE, Alert.unexpected_message, 'inner content type ' + r.contentType);
      }
      if (handshakeOnly && this.handshake.done) break;
    }
    return progress;
  }

  private onApplicationData(off: number, len: number): void {
    const early = !this.handshake.done && this.earlyRecord(len);
    if (!this.handshake.done && !early) fail(ErrorCode.UNEXPECTED_MESSAGE, Alert.unexpected_message, 'application data during the handshake');
    if (this.part || this.headLen > 0) fail(ErrorCode.UNEXPECTED_MESSAGE, Alert.unexpected_message, 'application data inside a handshake message');
    if (early) this.appEarly = len > 0;
    this.handshake.keyUpdatesInARow = 0;
    this.appOff = off;
    this.appLen = len;
  }

  /**
   * Hands the handshake messages of a record to the machine: where they lie
   * when the record holds them whole (several per record are fine), else
   * put together in a buffer of the message's own length, dropped once the
   * message is handled (arena.ts). One call site for the machine and no
   * helper call around it: on XS the certificate checks run below this frame,
   * and each frame costs stack (test/xs/budget.test.ts).
   */
  private onHandshakeRecord(buf: Uint8Array, off: number, len: number): void {
    if (len === 0) fail(ErrorCode.EMPTY_RECORD, Alert.unexpected_message, 'empty handshake record');
    const end = off + len;
    let at = off;
    while (at < end) {
      let msg = this.part;
      if (msg === null && this.headLen === 0 && end - at >= 4) {
        const size = this.messageSize(buf, at);
        if (end - at >= size) {
          msg = buf.subarray(at, at + size);
          at += size;
        } else {
          msg = this.startPart(size);
        }
      } else if (msg === null) {
        // A header split across records: its first bytes wait in `head`.
        while (this.headLen < 4 && at < end) this.head[this.headLen++] = buf[at++];
        if (this.headLen < 4) return;
        msg = this.startPart(this.messageSize(this.head, 0));
        msg.set(this.head);
        this.partLen = 4;
        this.headLen = 0;
      }
      if (msg === this.part) {
        const n = Math.min(end - at, msg.length - this.partLen);
        for (let i = 0; i < n; i++) msg[this.partLen + i] = buf[at + i];
        this.partLen += n;
        at += n;
        if (this.partLen < msg.length) return;
        this.part = null;
        this.partLen = 0;
      }
      const keysChanged = this.handshake.handle(msg[0], msg, msg.subarray(4));
      // RFC 8446 5.1: a key change must fall on a record boundary.
      if (keysChanged && at < end) fail(ErrorCode.UNEXPECTED_MESSAGE, Alert.unexpected_message, 'handshake data across a key change');
    }
  }

  /** A message split across records: the buffer it is put together in. */
  private startPart(size: number): Uint8Array {
    const part = new Uint8Array(size);
    this.part = part;
    this.partLen = 0;
    this.reassembled += size;
    return part;
  }

  /** The size (with its header) of the handshake message whose header is at buf[at]; refuses one beyond our limits. */
  private messageSize(buf: Uint8Array, at: number): number {
    const bodyLen = (buf[at + 1] << 16) | (buf[at + 2] << 8) | buf[at + 3];
    // A ClientHello has its own limit (the server's bound is the larger of the two).
    const hello = buf[at] === HandshakeType.client_hello;
    const limit = hello ? this.settings.maxClientHello : this.settings.maxHandshakeMessage;
    // A message longer than we take has a length we cannot accept: decode_error (RFC 8446 6.2).
    if (bodyLen > limit || bodyLen + 4 > this.messageLimit) {
      fail(ErrorCode.HANDSHAKE_TOO_LARGE, Alert.decode_error, handshakeName(buf[at]) + ' of ' + bodyLen + ' bytes, limit ' +
        Math.min(limit, this.messageLimit - 4) + (hello ? ' (maxClientHello)' : ' (maxHandshakeMessage)'));
    }
    return 4 + bodyLen;
  }

  private onAlert(buf: Uint8Array, off: number, len: number): void {
    // RFC 8446 5.1: only application data may come in zero-length fragments.
    if (len === 0) fail(ErrorCode.EMPTY_RECORD, Alert.unexpected_message, 'empty alert record');
    if (len !== 2) fail(ErrorCode.DECODE_ERROR, Alert.decode_error, 'alert record of ' + len + ' bytes');
    const desc = buf[off + 1];
    this.log('received alert ' + alertName(desc) + (buf[off] === ALERT_FATAL ? ' (fatal)' : ''));
    if (desc === Alert.close_notify) {
      this.peerClosed = true;
      return;
    }
    // RFC 8446 6: user_canceled is the only other non-fatal alert; everything else ends the connection.
    if (desc === Alert.user_canceled) return;
    // TLS 1.2 (RFC 5246 7.2): after a warning the connection goes on, as BoringSSL and rustls let it:
    // OpenSSL servers send unrecognized_name as a warning for a server name they do not know.
    if (buf[off] === ALERT_WARNING && this.handshake.warningAlertsExist()) {
      if (++this.warningAlerts > MAX_WARNING_ALERTS) fail(ErrorCode.UNEXPECTED_MESSAGE, Alert.unexpected_message, 'more than ' + MAX_WARNING_ALERTS + ' warning alerts');
      return;
    }
    throw new TlsFailure(ErrorCode.FATAL_ALERT_RECEIVED, desc, '', true);
  }

  private onChangeCipherSpec(buf: Uint8Array, off: number, len: number): void {
    // RFC 8446 5, D.4: one record of a single 0x01 byte between the first ClientHello and the
    // peer's Finished is ignored; anything else, a second one included, is fatal. TLS 1.2
    // (RFC 5246 7.1): the one before the peer's Finished, which its machine acts on.
    if (len !== 1 || buf[off] !== 1 || this.handshake.done || this.handshake.state === 'START' || this.ccsReceived || this.part !== null || this.headLen > 0) {
      fail(ErrorCode.UNEXPECTED_CCS, Alert.unexpected_message);
    }
    this.ccsReceived = true;
    this.handshake.changeCipherSpec();
  }

  private writeAlert(level: number, desc: number): void {
    const a = this.alertBuf;
    a[0] = level;
    a[1] = desc;
    this.records.writeRecord(ContentType.alert, a, 0, 2);
  }

  /** API misuse: BAD_STATE, nothing sent, nothing changed. */
  protected misuse(detail: string): number {
    return this.refuse(new TlsFailure(ErrorCode.BAD_STATE, Alert.internal_error, detail));
  }

  /** Refuses a call without harm: the connection goes on as before; lastError() tells why. */
  protected refuse(f: TlsFailure): number {
    this.refused = f;
    this.log('refused: ' + f.toString());
    return f.code;
  }

  /** Records a failure, sends the alert it calls for, and returns its code. */
  protected fatal(e: unknown, sendAlert = true): number {
    const f = e instanceof TlsFailure ? e : new TlsFailure(ErrorCode.INTERNAL, Alert.internal_error, String(e));
    if (!this.failure) {
      this.failure = f;
      this.log('error: ' + f.toString());
      if (sendAlert && !f.received && f.alert !== Alert.close_notify) {
        try {
          this.writeAlert(ALERT_FATAL, f.alert);
          this.alertSent = f.alert;
          this.log('sent alert ' + alertName(f.alert));
          this.flush();
        } catch {
          // The transport is gone or full: the failure itself is what matters.
        }
      }
    }
    return this.failure.code;
  }
}

