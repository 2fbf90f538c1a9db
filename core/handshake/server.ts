// The TLS 1.3 server handshake (RFC 8446 section 2, figures 1-4; 4.1-4.4),
// with PSK, tickets and 0-RTT. Named states and the messages each accepts:
//   START                        ClientHello
//   HELLO_RETRY_REQUEST_SENT     the second ClientHello
//   EARLY_DATA_ACCEPTED          0-RTT application data, EndOfEarlyData
//   SERVER_FINISHED_SENT         Certificate (when requested) or Finished
//   CLIENT_CERTIFICATE_RECEIVED  CertificateVerify (or Finished after an empty Certificate)
//   CLIENT_CERTIFICATE_VERIFY_RECEIVED Finished
//   CONNECTED                    KeyUpdate; Certificate/CertificateVerify/Finished after requestClientCertificate()
import { asciiString } from '../bytes/ascii.js';
import { constantTimeEqual } from '../crypto/ct.js';
import type { Hash, PublicKey } from '../crypto/types.js';
import type { Context } from '../engine/context.js';
import { Alert, ErrorCode, fail } from '../errors.js';
import { HandshakeType, TLS13, groupName, schemeName, suiteName } from '../registry.js';
import { ticketReplayId, type TicketState } from '../session/ticket.js';
import { checkFinished, checkPeerChain, chooseScheme, signCertificateVerify, verifyCertificateVerify } from './authentication.js';
import { Handshake, suiteHash, type HandshakeHost } from './handshake.js';
import { KeySchedule } from './key-schedule.js';
import {
  HRR_RANDOM,
  parseCertificate as parseCertificateMessage,
  parseCertificateVerify,
  parseClientHello,
  parseEndOfEarlyData,
  parseFinished,
  writeCertificate,
  writeCertificateRequest,
  writeCertificateVerify,
  writeEncryptedExtensions,
  writeNewSessionTicket,
  writeServerHello,
  type ClientHello,
  type EncryptedExtensions,
} from './messages.js';
import { PSK_DHE_KE, PSK_KE, computeBinder } from './psk.js';
import type { Transcript } from './transcript.js';
import { copyBytes } from '../bytes/copy.js';

/** Identities looked at in one ClientHello: a bound on the work a client can ask for. */
const MAX_PSK_IDENTITIES = 4;
const EMPTY = new Uint8Array(0);

/** The PSK the server accepted. */
interface PskChoice {
  index: number;
  suite: number;
  keys: KeySchedule;
  mode: 'psk_ke' | 'psk_dhe_ke';
  ticket: TicketState | null;
  ticketAge: number;
  /** The ticket's single-use id for the 0-RTT replay guard. */
  replayId: Uint8Array | null;
}

/** A client authentication in progress: the handshake's (CertificateRequest) or a post-handshake one. */
interface ClientAuth {
  context: Uint8Array;
  schemes: number[];
  transcript: Transcript;
  key: PublicKey | null;
  state: 'REQUESTED' | 'CERTIFICATE' | 'VERIFIED';
}

export class ServerHandshake extends Handshake {
  private readonly random = new Uint8Array(32);
  private cookie: Uint8Array | null = null;
  private hrrGroup = 0;
  private clientHsSecret: Uint8Array | null = null;
  private auth: Context;
  private clientAuth: ClientAuth | null = null;
  private offeredEarlyData = false;
  private clientOffersPostHandshakeAuth = false;
  private handshakeTranscript: Transcript | null = null;
  /** 0-RTT bytes still accepted. */
  earlyDataBudget = 0;

  constructor(host: HandshakeHost) {
    super(host, 'accept');
    this.auth = host.context;
  }

  start(): void {
    this.started = true;
    this.enter('START');
  }

  /** True while 0-RTT application data may arrive (accepted, before EndOfEarlyData). */
  get readingEarlyData(): boolean {
    return this.state === 'EARLY_DATA_ACCEPTED';
  }

  protected handleHandshake(type: number, msg: Uint8Array, body: Uint8Array): boolean {
    switch (this.state) {
      case 'START':
      case 'HELLO_RETRY_REQUEST_SENT':
        if (type !== HandshakeType.client_hello) return this.unexpected(type);
        return this.onClientHello(msg, parseClientHello(body));
      case 'EARLY_DATA_ACCEPTED':
        if (type !== HandshakeType.end_of_early_data) return this.unexpected(type);
        parseEndOfEarlyData(body);
        this.transcript.update(msg);
        this.install(this.clientHsSecret!, 'read', null);
        this.enter('SERVER_FINISHED_SENT');
        return true;
      case 'SERVER_FINISHED_SENT':
      case 'CLIENT_CERTIFICATE_RECEIVED':
      case 'CLIENT_CERTIFICATE_VERIFY_RECEIVED':
        if (type === HandshakeType.finished && (!this.clientAuth || this.clientAuth.state === 'VERIFIED')) {
          this.onFinished(msg, body);
          return true;
        }
        if (!this.clientAuth) return this.unexpected(type);
        this.onClientAuthMessage(type, msg, body);
        this.enter(this.clientAuth.state === 'CERTIFICATE' ? 'CLIENT_CERTIFICATE_RECEIVED' : 'CLIENT_CERTIFICATE_VERIFY_RECEIVED');
        return false;
      default:
        return this.unexpected(type);
    }
  }

  private onClientHello(msg: Uint8Array, ch: ClientHello): boolean {
    const h = this.host;
    const s = h.settings;
    const retry = this.state === 'HELLO_RETRY_REQUEST_SENT';
    const versions = ch.ext.supportedVersions;
    if (!versions || versions.indexOf(TLS13) < 0) {
      fail(ErrorCode.VERSION_MISMATCH, Alert.protocol_version, 'client does not offer TLS 1.3');
    }
    if (!retry) this.firstClientHello(ch);

    const psk = this.choosePsk(msg, ch);
    let suite = psk ? psk.suite : 0;
    if (!psk) for (const cs of s.cipherSuites) if (ch.cipherSuites.indexOf(cs) >= 0) { suite = cs; break; }
    if (!suite) fail(ErrorCode.NO_SHARED_CIPHER, Alert.handshake_failure);
    if (retry && suite !== this.suite) fail(ErrorCode.ILLEGAL_PARAMETER, Alert.illegal_parameter, 'cipher suite changed after HelloRetryRequest');

    const auth = this.auth;
    let scheme = 0;
    if (!psk) {
      if (!auth.leaf || !auth.privateKey) {
        fail(ErrorCode.NO_CREDENTIALS, Alert.handshake_failure, 'no usable PSK and no certificate');
      }
      if (!ch.ext.signatureAlgorithms) fail(ErrorCode.MISSING_EXTENSION, Alert.missing_extension, 'signature_algorithms');
      scheme = chooseScheme(auth.ownSchemes(), ch.ext.signatureAlgorithms);
      if (!scheme) fail(ErrorCode.NO_SHARED_SIGALG, Alert.handshake_failure, 'client accepts none of ' + auth.ownSchemes().map(schemeName).join(','));
    }

    // (EC)DHE unless psk_ke: our most preferred group the client sent a share for,
    // else the most preferred one it supports, asked for with a HelloRetryRequest.
    let share = null;
    if (!psk || psk.mode === 'psk_dhe_ke') {
      const groups = ch.ext.supportedGroups;
      const shares = ch.ext.keyShares;
      if (!groups) fail(ErrorCode.MISSING_EXTENSION, Alert.missing_extension, 'supported_groups');
      if (!shares) fail(ErrorCode.MISSING_EXTENSION, Alert.missing_extension, 'key_share');
      if (retry && (shares.length !== 1 || shares[0].group !== this.hrrGroup)) {
        fail(ErrorCode.ILLEGAL_PARAMETER, Alert.illegal_parameter, 'second ClientHello must share only ' + groupName(this.hrrGroup));
      }
      for (const g of s.groups) {
        share = shares.find((e) => e.group === g) ?? null;
        if (share) break;
      }
      if (!share) {
        const group = s.groups.find((g) => groups.indexOf(g) >= 0);
        if (!group || retry) fail(ErrorCode.NO_SHARED_GROUP, Alert.handshake_failure, 'client groups: ' + groups.map(groupName).join(','));
        this.sendHelloRetryRequest(msg, ch, suite, group);
        return false;
      }
    }
    if (retry && (!this.cookie || !ch.ext.cookie || !constantTimeEqual(ch.ext.cookie, this.cookie))) {
      fail(ErrorCode.ILLEGAL_PARAMETER, Alert.illegal_parameter, 'cookie not echoed');
    }

    if (!retry) this.setSuite(suite);
    this.transcript.update(msg);
    this.keys = psk ? psk.keys : new KeySchedule(this.hash!);
    if (psk) {
      this.mode = psk.ticket ? 'resumed' : 'psk';
      this.pskMode = psk.mode;
    }
    this.signatureScheme = scheme || null;
    this.alpn = this.chooseAlpn(ch);
    const early = this.offeredEarlyData && this.acceptEarlyData(psk, retry);

    let shared: Uint8Array | null = null;
    let pub: Uint8Array | null = null;
    if (share) {
      const kx = s.crypto.group(share.group)!;
      const pair = kx.generate(s.random);
      shared = kx.shared(pair.priv, share.keyExchange);
      pair.priv.fill(0);
      if (!shared) fail(ErrorCode.BAD_KEY_SHARE, Alert.illegal_parameter, 'client key share is not a valid ' + groupName(share.group) + ' point');
      this.group = share.group;
      pub = pair.pub;
    }
    h.log('negotiated ' + suiteName(suite) + (share ? ' with ' + groupName(share.group) : '') +
      (psk ? ' (' + this.mode + ', ' + psk.mode + ')' : ', signing with ' + schemeName(scheme)));
    this.enter('CLIENT_HELLO_RECEIVED');

    const ks = this.keys;
    if (early) {
      // The early traffic secret covers the ClientHello alone.
      const secret = ks.clientEarlyTrafficSecret(this.transcriptHash());
      this.install(secret, 'read', 'CLIENT_EARLY_TRAFFIC_SECRET');
      secret.fill(0);
    }
    s.random(this.random);
    h.resetOutput();
    h.beginMessage();
    writeServerHello(h.out, {
      legacyVersion: 0x0303,
      random: this.random,
      sessionIdEcho: ch.sessionId,
      cipherSuite: suite,
      isHelloRetryRequest: false,
      ext: {
        supportedVersion: TLS13,
        keyShare: share ? { group: share.group, keyExchange: pub! } : undefined,
        preSharedKey: psk ? psk.index : undefined,
      },
    });
    h.sendMessage();
    // Middlebox compatibility (RFC 8446 D.4): a dummy ChangeCipherSpec after our first message.
    if (ch.sessionId.length > 0 && !retry) h.sendChangeCipherSpec();

    ks.handshake(shared);
    if (shared) shared.fill(0);
    const th = this.transcriptHash();
    this.clientHsSecret = ks.clientHandshakeTrafficSecret(th);
    const serverHs = ks.serverHandshakeTrafficSecret(th);
    if (early) this.keyLog('CLIENT_HANDSHAKE_TRAFFIC_SECRET', this.clientHsSecret);
    else this.install(this.clientHsSecret, 'read', 'CLIENT_HANDSHAKE_TRAFFIC_SECRET');
    this.install(serverHs, 'write', 'SERVER_HANDSHAKE_TRAFFIC_SECRET');

    h.beginMessage();
    writeEncryptedExtensions(h.out, { ext: this.encryptedExtensions(ch, early) });
    h.sendMessage();
    if (!psk) this.sendCertificateFlight(ch, scheme);
    this.sendFinished(serverHs);
    serverHs.fill(0);
    this.deriveApplicationSecrets();
    this.install(this.serverAppSecret!, 'write', null);
    this.enter(early ? 'EARLY_DATA_ACCEPTED' : 'SERVER_FINISHED_SENT');
    return true;
  }

  /** What the first ClientHello fixes: the client random, SNI (and the context serving it), 0-RTT and post-handshake auth offers. */
  private firstClientHello(ch: ClientHello): void {
    const h = this.host;
    const s = h.settings;
    this.clientRandom = copyBytes(ch.random);
    this.serverName = ch.ext.serverName ? asciiString(ch.ext.serverName) : null;
    this.offeredEarlyData = ch.ext.earlyData === true;
    this.clientOffersPostHandshakeAuth = ch.ext.postHandshakeAuth === true;
    h.log('client offers ' + ch.cipherSuites.map(suiteName).join(',') + (this.serverName ? ' for ' + this.serverName : ''));
    if (s.onServerName) {
      const chosen = s.onServerName(this.serverName);
      if (chosen === false) fail(ErrorCode.UNRECOGNIZED_NAME, Alert.unrecognized_name, this.serverName ?? '(no name)');
      if (chosen) this.auth = chosen as Context;
    }
  }

  /**
   * The first offered PSK we know (a ticket we sealed, or an external key)
   * whose hash fits a suite we share and whose binder verifies (RFC 8446
   * 4.2.11). A bad binder is fatal; an unknown identity is skipped.
   */
  private choosePsk(msg: Uint8Array, ch: ClientHello): PskChoice | null {
    const offered = ch.ext.preSharedKey;
    if (!offered) return null;
    const s = this.host.settings;
    const ctx = this.host.context;
    const modes = ch.ext.pskModes;
    if (!modes) fail(ErrorCode.MISSING_EXTENSION, Alert.missing_extension, 'psk_key_exchange_modes');
    let mode: 'psk_ke' | 'psk_dhe_ke' | null = null;
    for (const m of s.pskModes) if (modes.indexOf(m === 'psk_ke' ? PSK_KE : PSK_DHE_KE) >= 0) { mode = m; break; }
    if (!mode) {
      this.host.log('no PSK key exchange mode in common');
      return null;
    }
    const now = s.now ? s.now() : 0;
    const n = Math.min(offered.identities.length, MAX_PSK_IDENTITIES);
    for (let i = 0; i < n; i++) {
      const id = offered.identities[i];
      let key: Uint8Array | null = null;
      let hashName: 'sha256' | 'sha384' = 'sha256';
      let ticket: TicketState | null = null;
      if (ctx.ticketKeys) ticket = ctx.ticketKeys.open(id.identity, now);
      if (ticket) {
        key = ticket.psk;
        hashName = suiteHash(ticket.suite);
      } else if (s.pskServer) {
        const ext = s.pskServer(id.identity);
        if (ext) {
          key = ext.key;
          hashName = ext.hash ?? 'sha256';
        }
      }
      if (!key) continue;
      let suite = 0;
      for (const cs of s.cipherSuites) if (ch.cipherSuites.indexOf(cs) >= 0 && suiteHash(cs) === hashName) { suite = cs; break; }
      if (!suite) continue;
      const hash = s.crypto.hash(hashName) as Hash;
      const keys = new KeySchedule(hash);
      keys.early(key);
      const expected = computeBinder(keys, keys.binderKey(ticket !== null), this.transcript, hash, msg.subarray(0, 4 + ch.bindersOffset));
      if (!constantTimeEqual(expected, offered.binders[i])) fail(ErrorCode.BAD_BINDER, Alert.decrypt_error);
      const ticketAge = ticket ? (id.obfuscatedTicketAge - ticket.ageAdd) >>> 0 : 0;
      this.host.log((ticket ? 'resuming session ticket' : 'PSK identity ' + printable(id.identity)) + ', ' + mode);
      return { index: i, suite, keys, mode, ticket, ticketAge, replayId: ticket ? ticketReplayId(id.identity) : null };
    }
    if (!this.auth.leaf) fail(ErrorCode.UNKNOWN_PSK_IDENTITY, Alert.unknown_psk_identity);
    this.host.log('no offered PSK is known: full handshake');
    return null;
  }

  /** 0-RTT only for the first identity of a fresh, single-use ticket that allows it, with the same suite and ALPN (RFC 8446 4.2.10, 8). */
  private acceptEarlyData(psk: PskChoice | null, retry: boolean): boolean {
    const h = this.host;
    const s = h.settings;
    const t = psk?.ticket;
    const replay = h.context.replay;
    let why = '';
    if (retry) why = 'after HelloRetryRequest';
    else if (!t || psk!.index !== 0) why = 'no resumption ticket';
    else if (!replay || s.maxEarlyData === 0 || t.maxEarlyData === 0) why = 'early data not enabled';
    else if (t.suite !== psk!.suite) why = 'cipher suite differs from the ticket';
    else if (!sameAlpn(t.alpn, this.alpn)) why = 'ALPN differs from the ticket';
    else if (!replay.accept(psk!.replayId!, psk!.ticketAge, s.now!() - t.issuedAt, s.now!())) why = 'replayed or stale ticket';
    if (why) {
      h.log('early data rejected: ' + why);
      this.earlyData = 'rejected';
      // The client may already be sending it: skip it rather than fail (RFC 8446 4.2.10). After a
      // HelloRetryRequest the second ClientHello ends it: records that do not open are bad_record_mac.
      h.skipEarlyData(retry ? 0 : Math.max(s.maxEarlyData, 16384));
      return false;
    }
    this.earlyData = 'accepted';
    this.earlyDataBudget = s.maxEarlyData;
    h.log('early data accepted (up to ' + s.maxEarlyData + ' bytes)');
    return true;
  }

  /** Our most preferred protocol the client offers (RFC 7301); none in common is fatal. */
  private chooseAlpn(ch: ClientHello): Uint8Array | null {
    const ours = this.host.settings.alpn;
    const theirs = ch.ext.alpn;
    if (!ours || !theirs) return null;
    for (const p of ours) for (const q of theirs) if (constantTimeEqual(p, q)) return p;
    return fail(ErrorCode.NO_APPLICATION_PROTOCOL, Alert.no_application_protocol, 'client offers ' + theirs.map(asciiString).join(','));
  }

  private encryptedExtensions(ch: ClientHello, early: boolean): EncryptedExtensions['ext'] {
    const h = this.host;
    const s = h.settings;
    const ext: EncryptedExtensions['ext'] = {};
    if (this.alpn) ext.alpn = this.alpn;
    if (this.serverName && s.onServerName && this.mode === 'full') ext.serverNameAck = true;
    const mfl = ch.ext.maxFragmentLength;
    if (mfl !== undefined) {
      ext.maxFragmentLength = mfl;
      h.limitFragment(mfl);
    }
    const rsl = ch.ext.recordSizeLimit;
    if (rsl !== undefined) {
      ext.recordSizeLimit = (s.recordSizeLimit ?? 16384) + 1;
      h.limitFragment(rsl - 1);
      // Both sent it: now the client must keep to our limit.
      if (s.recordSizeLimit) h.limitReceive(s.recordSizeLimit);
    }
    if (early) ext.earlyData = true;
    return ext;
  }

  /** CertificateRequest (when we verify clients), Certificate (with a stapled OCSP response when asked) and CertificateVerify. */
  private sendCertificateFlight(ch: ClientHello, scheme: number): void {
    const h = this.host;
    const s = h.settings;
    const auth = this.auth;
    if (s.verify !== 'none') {
      this.clientAuth = { context: EMPTY, schemes: s.signatureSchemes, transcript: this.transcript, key: null, state: 'REQUESTED' };
      h.beginMessage();
      writeCertificateRequest(h.out, {
        context: EMPTY,
        ext: {
          signatureAlgorithms: s.signatureSchemes,
          certificateAuthorities: s.certificateAuthorities ? h.context.anchors.map((a) => a.subject) : undefined,
        },
      });
      h.sendMessage();
    }
    const staple = ch.ext.statusRequest && s.ocspResponse ? s.ocspResponse : undefined;
    h.beginMessage();
    writeCertificate(h.out, { context: EMPTY, entries: auth.chain.map((cert, i) => (i === 0 && staple ? { cert, ocspResponse: staple } : { cert })) });
    h.sendMessage();
    const sig = signCertificateVerify(auth, scheme, auth.privateKey!, true, this.transcriptHash());
    h.beginMessage();
    writeCertificateVerify(h.out, { scheme, signature: sig });
    h.sendMessage();
  }

  private sendHelloRetryRequest(msg: Uint8Array, ch: ClientHello, suite: number, group: number): void {
    const h = this.host;
    this.setSuite(suite);
    this.transcript.update(msg);
    this.transcript.replaceWithMessageHash();
    this.hrrGroup = group;
    this.cookie = new Uint8Array(32);
    h.settings.random(this.cookie);
    h.resetOutput();
    h.beginMessage();
    writeServerHello(h.out, {
      legacyVersion: 0x0303,
      random: HRR_RANDOM,
      sessionIdEcho: ch.sessionId,
      cipherSuite: suite,
      isHelloRetryRequest: true,
      ext: { supportedVersion: TLS13, selectedGroup: group, cookie: this.cookie },
    });
    h.sendMessage();
    if (ch.sessionId.length > 0) h.sendChangeCipherSpec();
    if (this.offeredEarlyData) {
      this.earlyData = 'rejected';
      h.skipEarlyData(Math.max(h.settings.maxEarlyData, 16384));
    }
    h.log('HelloRetryRequest for ' + groupName(group));
    this.enter('HELLO_RETRY_REQUEST_SENT');
  }

  /** Certificate and CertificateVerify from the client, in the handshake or after it. */
  private onClientAuthMessage(type: number, msg: Uint8Array, body: Uint8Array): void {
    const a = this.clientAuth!;
    const s = this.host.settings;
    if (type === HandshakeType.certificate && a.state === 'REQUESTED') {
      const cert = parseCertificateMessage(body, s.verifyDepth + 2);
      if (!constantTimeEqual(cert.context, a.context)) fail(ErrorCode.ILLEGAL_PARAMETER, Alert.illegal_parameter, 'certificate_request_context differs');
      if (cert.entries.length === 0) {
        if (s.verify === 'require') fail(ErrorCode.CERTIFICATE_REQUIRED, Alert.certificate_required);
        this.host.log('client sent no certificate');
        a.state = 'VERIFIED';
      } else {
        this.peerCertificates = cert.entries.map((e) => copyBytes(e.cert));
        a.key = checkPeerChain(this.host.context, this.peerCertificates, 'clientAuth', null).publicKey;
        a.state = 'CERTIFICATE';
      }
    } else if (type === HandshakeType.certificate_verify && a.state === 'CERTIFICATE') {
      const cv = parseCertificateVerify(body);
      verifyCertificateVerify(this.host.context, a.schemes, cv.scheme, a.key!, false, this.transcriptHash(a.transcript), cv.signature);
      a.state = 'VERIFIED';
    } else {
      this.unexpected(type);
    }
    a.transcript.update(msg);
  }

  private onFinished(msg: Uint8Array, body: Uint8Array): void {
    checkFinished(this.finishedValue(this.clientHsSecret!), parseFinished(body, this.hash!.outputLen));
    this.transcript.update(msg);
    this.clientHsSecret!.fill(0);
    this.install(this.clientAppSecret!, 'read', null);
    this.clientAuth = null;
    if (this.clientOffersPostHandshakeAuth) this.handshakeTranscript = this.transcript.fork();
    this.deriveResumptionSecret();
    this.done = true;
    this.enter('CONNECTED');
    this.sendTickets();
  }

  /** NewSessionTicket messages (RFC 8446 4.6.1): the resumption PSK sealed into the ticket itself. */
  private sendTickets(): void {
    const h = this.host;
    const s = h.settings;
    const keys = h.context.ticketKeys;
    if (!keys || s.tickets === 0) return;
    h.resetOutput();
    const now = s.now!();
    const ageAdd = new Uint8Array(4);
    for (let i = 0; i < s.tickets; i++) {
      const nonce = new Uint8Array([i]);
      s.random(ageAdd);
      const state: TicketState = {
        suite: this.suite,
        psk: this.keys!.resumptionPsk(this.resumptionSecret!, nonce),
        ageAdd: ((ageAdd[0] << 24) | (ageAdd[1] << 16) | (ageAdd[2] << 8) | ageAdd[3]) >>> 0,
        issuedAt: now,
        lifetime: s.ticketLifetime,
        maxEarlyData: s.maxEarlyData,
        alpn: this.alpn,
        serverName: this.serverName,
      };
      h.beginMessage();
      writeNewSessionTicket(h.out, {
        lifetime: s.ticketLifetime,
        ageAdd: state.ageAdd,
        nonce,
        ticket: keys.seal(state),
        ext: s.maxEarlyData > 0 ? { maxEarlyData: s.maxEarlyData } : {},
      });
      h.sendMessage(false);
      state.psk.fill(0);
    }
    h.log('sent ' + s.tickets + ' NewSessionTicket');
  }

  /** Post-handshake client authentication (RFC 8446 4.6.2): sends a CertificateRequest with a fresh context. */
  requestClientCertificate(): void {
    const h = this.host;
    if (!this.handshakeTranscript) fail(ErrorCode.BAD_STATE, Alert.internal_error, 'client did not offer post_handshake_auth');
    if (this.clientAuth) fail(ErrorCode.BAD_STATE, Alert.internal_error, 'a client authentication is already under way');
    const context = new Uint8Array(16);
    h.settings.random(context);
    const t = this.handshakeTranscript.fork();
    this.clientAuth = { context, schemes: h.settings.signatureSchemes, transcript: t, key: null, state: 'REQUESTED' };
    h.resetOutput();
    h.beginMessage();
    writeCertificateRequest(h.out, { context, ext: { signatureAlgorithms: h.settings.signatureSchemes } });
    this.sendTo(t);
    h.log('sent post-handshake CertificateRequest');
  }

  protected handlePostHandshake(type: number, msg: Uint8Array, body: Uint8Array): boolean {
    const a = this.clientAuth;
    if (!a) return this.unexpected(type);
    if (type !== HandshakeType.finished) {
      this.onClientAuthMessage(type, msg, body);
      return false;
    }
    if (a.state !== 'VERIFIED') return this.unexpected(type);
    checkFinished(this.finishedValue(this.clientAppSecret!, a.transcript), parseFinished(body, this.hash!.outputLen));
    this.clientAuth = null;
    this.host.log('post-handshake client authentication done');
    return false;
  }
}

function sameAlpn(a: Uint8Array | null, b: Uint8Array | null): boolean {
  if (!a || !b) return a === b;
  return constantTimeEqual(a, b);
}

/** An identity for the log: text when it is printable ASCII, else hex length. */
function printable(id: Uint8Array): string {
  for (let i = 0; i < id.length; i++) if (id[i] < 0x20 || id[i] > 0x7e) return '(' + id.length + ' bytes)';
  return '"' + asciiString(id) + '"';
}
