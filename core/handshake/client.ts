// The TLS 1.3 client handshake (RFC 8446 section 2, figures 1-4; 4.1-4.4),
// with PSK, resumption and 0-RTT. Every state the machine enters (ClientState;
// the debug log prints them as "connect state: NAME") and what it accepts:
//   START                         nothing yet: connect() or writeEarlyData() sends the ClientHello
//   CLIENT_HELLO_SENT             ServerHello or HelloRetryRequest (then CLIENT_HELLO_SENT again)
//   SERVER_HELLO_RECEIVED         EncryptedExtensions
//   ENCRYPTED_EXTENSIONS_RECEIVED CertificateRequest or Certificate; Finished with a PSK
//   CERTIFICATE_REQUEST_RECEIVED  Certificate
//   SERVER_CERTIFICATE_RECEIVED   CertificateVerify
//   SERVER_CERTIFICATE_VERIFY_RECEIVED Finished
//   SERVER_FINISHED_RECEIVED      (passing: our EndOfEarlyData, Certificate, CertificateVerify, Finished go out)
//   CONNECTED                     NewSessionTicket, CertificateRequest (post-handshake auth), KeyUpdate
import { asciiBytes } from '../bytes/ascii.js';
import { constantTimeEqual } from '../crypto/ct.js';
import type { Aead, Hash, PublicKey } from '../crypto/types.js';
import { Alert, ErrorCode, fail } from '../errors.js';
import { HandshakeType, TLS12, TLS13, groupName, suiteHash, suiteName } from '../registry.js';
import { encodeSession, obfuscatedAge, sessionUsable, type SessionState } from '../session/session.js';
import type { Tls12Client, Tls12Session } from './tls12/support.js';
import type { Credentials } from '../config.js';
import { authorities, authoritiesBound, checkFinished } from './authentication.js';
import type { ClientCertificates } from './client-certificates.js';
import { Handshake, type HandshakeHost } from './handshake.js';
import { KeySchedule } from './key-schedule.js';
import {
  parseEncryptedExtensions,
  parseFinished,
  parseNewSessionTicket,
  parseServerHello,
  patchBinders,
  writeClientHello,
  writeEndOfEarlyData,
  type ClientHelloExtensions,
  type ServerHello,
} from './messages.js';
import { computeBinder, pskModeCodes } from './psk.js';
import type { Transcript } from './transcript.js';
import { copyBytes } from '../bytes/copy.js';

/** Longest PSK identity (a ticket or an external identity) a client offers; its ClientHello reserves room for it. */
export const MAX_PSK_IDENTITY = 1024;
/** Longest HelloRetryRequest cookie a client echoes. */
export const MAX_COOKIE = 512;

/**
 * The client's largest flight (ClientHello, or EndOfEarlyData + our
 * certificate flight + Finished) and the largest handshake message it
 * reassembles, for a configuration. Refuses (BAD_CONFIG, naming the option)
 * one whose ClientHello cannot be sent: extensions are limited to 2^16-1 bytes.
 */
export function clientBounds(c: Credentials, certs: ClientCertificates | null): { flight: number; message: number } {
  const s = c.settings;
  let share = 0;
  for (const g of s.groups) share = Math.max(share, s.crypto.group(g)?.publicLen ?? 0);
  let ext = 7 + 6 + (share ? 4 + share : 0) + 6 + MAX_COOKIE + 4; // supported_versions, key_share, cookie, early_data
  if (s.groups.length > 0) ext += 6 + 2 * s.groups.length;
  if (s.certificates) ext += 6 + 2 * s.signatureSchemes.length;
  if (s.serverName && !isIpLiteral(s.serverName)) ext += 9 + s.serverName.length;
  if (s.alpn) for (const p of s.alpn) ext += 1 + p.length;
  if (s.alpn) ext += 6;
  ext += (s.maxFragmentLength ? 5 : 0) + (s.recordSizeLimit ? 6 : 0) + (s.ocsp !== 'off' ? 9 : 0) + (s.postHandshakeAuth ? 4 : 0);
  // psk_key_exchange_modes and pre_shared_key with one identity and a binder of up to 48 bytes.
  if (s.pskClient || s.now) ext += 5 + s.pskModes.length + 4 + 2 + 2 + MAX_PSK_IDENTITY + 4 + 2 + 1 + 48;
  const names = authoritiesBound(c, 'ClientHello');
  ext += names;
  const tls12 = s.tls12?.client;
  if (tls12) ext += tls12.helloExtensionsBound;
  if (ext > 0xffff) {
    fail(ErrorCode.BAD_CONFIG, Alert.internal_error, (names ? 'certificateAuthorities: ' : '') +
      'the ClientHello extensions would take ' + ext + ' bytes, more than 65535');
  }
  const hello = Math.max(4 + 2 + 32 + 33 + 2 + 2 * (s.cipherSuites.length + s.tls12Suites.length) + 2 + 2 + ext, s.clientHelloPadding);
  // EndOfEarlyData, our Certificate and CertificateVerify (when a server asks), Finished.
  // TLS 1.2: our Certificate, ClientKeyExchange, CertificateVerify and Finished, about the same.
  const finished = 4 + (certs && s.certificates ? certs.flightBound(c) : 8) + 4 + 48 + (tls12 ? tls12.flightBound : 0);
  // Without certificate support or post-handshake authentication no Certificate or
  // CertificateRequest can come: the largest message is a NewSessionTicket, a
  // HelloRetryRequest or EncryptedExtensions.
  const small = !s.certificates && !s.postHandshakeAuth;
  return { flight: Math.max(hello, finished), message: small ? Math.min(s.maxHandshakeMessage, 1024 + MAX_PSK_IDENTITY) : s.maxHandshakeMessage };
}

/** True if `name` is an IPv4 or IPv6 literal (never sent as SNI, RFC 6066 3). */
export function isIpLiteral(name: string): boolean {
  return name.indexOf(':') >= 0 || /^[0-9.]+$/.test(name);
}

/** The PSK we offer: an external key or a resumption ticket, with its key schedule up to the binder key. */
interface PskOffer {
  identity: Uint8Array;
  hash: Hash;
  keys: KeySchedule;
  binderKey: Uint8Array;
  ticket: SessionState | null;
}

/** The handshake traffic secrets, from ServerHello until our Finished. */
interface HandshakeSecrets {
  client: Uint8Array;
  server: Uint8Array;
}

/** A CertificateRequest: its context and the schemes the server accepts. */
interface CertRequest {
  context: Uint8Array;
  schemes: number[];
}

/**
 * Each state with exactly the data it needs (as rustls' ExpectCertificate,
 * ExpectCertificateVerify...): a handler takes its state and enters the next.
 */
type ClientStep =
  | { name: 'CLIENT_HELLO_SENT' }
  | { name: 'SERVER_HELLO_RECEIVED'; secrets: HandshakeSecrets }
  | { name: 'ENCRYPTED_EXTENSIONS_RECEIVED'; secrets: HandshakeSecrets }
  | { name: 'CERTIFICATE_REQUEST_RECEIVED'; secrets: HandshakeSecrets; request: CertRequest }
  | { name: 'SERVER_CERTIFICATE_RECEIVED'; secrets: HandshakeSecrets; request: CertRequest | null; serverKey: PublicKey }
  | { name: 'SERVER_CERTIFICATE_VERIFY_RECEIVED'; secrets: HandshakeSecrets; request: CertRequest | null }
  | { name: 'SERVER_FINISHED_RECEIVED' }
  | { name: 'CONNECTED' };

export type ClientState = ClientStep['name'];

export class ClientHandshake extends Handshake<ClientState> {
  private random = new Uint8Array(32);
  private sessionId: Uint8Array = new Uint8Array(0);
  private keyShareGroup = 0;
  private keyPriv: Uint8Array | null = null;
  private keyPub: Uint8Array | null = null;
  private retried = false;
  private ccsSent = false;
  private cookie: Uint8Array | null = null;
  private step: ClientStep | null = null;
  private offer: PskOffer | null = null;
  /** The session to resume (setSession) and the latest one received (NewSessionTicket). */
  session: SessionState | null = null;
  received: SessionState | null = null;
  /** 0-RTT: asked for before start(), then the bytes still allowed. */
  wantEarlyData = false;
  earlyDataBudget = 0;
  /** The handshake transcript through the client Finished, for post-handshake authentication. */
  private handshakeTranscript: Transcript | null = null;
  /** A TLS 1.2 session to resume (setSession), offered when TLS 1.2 is. */
  session12: Tls12Session | null = null;

  /** certs: the certificate side (null in a PSK-only build: a server that wants certificates is refused). */
  constructor(
    host: HandshakeHost,
    private readonly certs: ClientCertificates | null,
  ) {
    super(host, 'connect');
  }

  /** Whether the ClientHello offers TLS 1.3 (its suites), and TLS 1.2 (support plugged in, its suites). */
  private get offers13(): boolean {
    const s = this.host.settings;
    return s.maxVersion === TLS13 && s.cipherSuites.length > 0;
  }

  private get offers12(): Tls12Client | null {
    const s = this.host.settings;
    return s.tls12Suites.length > 0 ? s.tls12?.client ?? null : null;
  }

  start(): void {
    const s = this.host.settings;
    this.started = true;
    s.random(this.random);
    this.clientRandom = this.random;
    const tls12 = this.offers12;
    if (this.session12 && !(tls12 && tls12.usable(this.session12, this.host.credentials))) {
      this.host.log('saved TLS 1.2 session not usable: full handshake');
      this.session12 = null;
    }
    const resumeId = tls12 && this.session12 ? tls12.sessionId(this.session12) : null;
    if (this.session12) this.host.log('offering TLS 1.2 session (' + (resumeId ? 'session id' : 'ticket') + ')');
    if (resumeId) {
      this.sessionId = resumeId;
    } else if (s.middleboxCompat || tls12) {
      // Also how a TLS 1.2 server's acceptance of our ticket shows: it echoes the id (RFC 5077 3.4).
      this.sessionId = new Uint8Array(32);
      s.random(this.sessionId);
    }
    if (!this.offers13) {
      this.sendClientHello(false);
      this.go({ name: 'CLIENT_HELLO_SENT' });
      return;
    }
    this.offer = this.makeOffer();
    // psk_ke alone needs no key share: an empty key_share lets a server that refuses the PSK ask for one.
    if (!this.offer || s.pskModes.indexOf('psk_dhe_ke') >= 0) {
      if (s.groups.length === 0) fail(ErrorCode.BAD_CONFIG, Alert.internal_error, 'no PSK to offer and no key exchange group');
      this.makeKeyShare(s.groups[0]);
    }
    const offer = this.offer;
    const ticket = offer ? offer.ticket : null;
    const early = this.wantEarlyData && offer && ticket && ticket.maxEarlyData > 0;
    this.sendClientHello(!!early);
    if (early) this.startEarlyData(offer, ticket);
    this.go({ name: 'CLIENT_HELLO_SENT' });
  }

  private go(step: ClientStep): void {
    this.step = step;
    this.enter(step.name);
  }

  /** The resumption ticket when there is a usable one, else the external PSK the application gives. */
  private makeOffer(): PskOffer | null {
    const s = this.host.settings;
    const session = this.session;
    let identity: Uint8Array;
    let key: Uint8Array;
    let hashName: 'sha256' | 'sha384';
    let ticket: SessionState | null = null;
    if (session && s.now && sessionUsable(session, s.now()) && s.cipherSuites.indexOf(session.suite) >= 0) {
      identity = session.ticket;
      key = session.psk;
      hashName = suiteHash(session.suite);
      ticket = session;
      if (this.host.settings.debug) this.host.log('offering session ticket (' + suiteName(session.suite) + ')');
    } else {
      if (session) this.host.log('saved session not usable: full handshake');
      const psk = s.pskClient ? s.pskClient(s.serverName) : null;
      if (!psk) return null;
      if (psk.identity.length > MAX_PSK_IDENTITY) {
        fail(ErrorCode.BAD_CONFIG, Alert.internal_error, 'pskClient: identity of ' + psk.identity.length + ' bytes (at most ' + MAX_PSK_IDENTITY + ')');
      }
      identity = psk.identity;
      key = psk.key;
      hashName = psk.hash ?? 'sha256';
      this.host.log('offering external PSK');
    }
    const hash = s.crypto.hash(hashName);
    if (!hash) return fail(ErrorCode.BAD_CONFIG, Alert.internal_error, 'PSK hash ' + hashName + ' not available');
    const keys = new KeySchedule(hash);
    keys.early(key);
    return { identity, hash, keys, binderKey: keys.binderKey(ticket !== null), ticket };
  }

  private makeKeyShare(group: number): void {
    const kx = this.host.settings.crypto.group(group) ?? fail(ErrorCode.BAD_CONFIG, Alert.internal_error, 'no provider for ' + groupName(group));
    const pair = kx.generate(this.host.settings.random);
    this.keyShareGroup = group;
    this.keyPriv = pair.priv;
    this.keyPub = pair.pub;
  }

  private sendClientHello(earlyData: boolean): void {
    const s = this.host.settings;
    const tls12 = this.offers12;
    const tls13 = this.offers13;
    // TLS 1.2 alone: no supported_versions and none of TLS 1.3's extensions (RFC 8446 4.2.1).
    const ext: ClientHelloExtensions = tls13 ? { supportedVersions: tls12 ? [TLS13, TLS12] : [TLS13] } : {};
    // key_share and supported_groups go together (RFC 8446 9.2): a psk_ke
    // client without groups sends neither, one with groups an empty key_share.
    if (tls13 && s.groups.length > 0) ext.keyShares = this.keyPub ? [{ group: this.keyShareGroup, keyExchange: this.keyPub }] : [];
    if (tls12) {
      const session = this.session12;
      ext.writeTls12 = (w) => tls12.writeHelloExtensions(w, session);
    }
    if (s.groups.length > 0) ext.supportedGroups = s.groups;
    if (s.certificates) ext.signatureAlgorithms = s.signatureSchemes;
    if (s.serverName && !isIpLiteral(s.serverName)) ext.serverName = asciiBytes(s.serverName);
    if (s.alpn) ext.alpn = s.alpn;
    if (s.maxFragmentLength) ext.maxFragmentLength = s.maxFragmentLength;
    if (s.recordSizeLimit) ext.recordSizeLimit = s.recordSizeLimit + 1;
    if (s.ocsp !== 'off') ext.statusRequest = true;
    if (s.postHandshakeAuth && tls13) ext.postHandshakeAuth = true;
    ext.certificateAuthorities = authorities(this.host.credentials);
    if (this.cookie) ext.cookie = this.cookie;
    if (earlyData) ext.earlyData = true;
    const offer = this.offer;
    if (offer) {
      ext.pskModes = pskModeCodes(s.pskModes);
      const age = offer.ticket && s.now ? obfuscatedAge(offer.ticket, s.now()) : 0;
      ext.preSharedKey = { identities: [{ identity: offer.identity, obfuscatedTicketAge: age }], binders: [new Uint8Array(offer.hash.outputLen)] };
    }
    const h = this.host;
    const suites = tls13 && tls12 ? s.cipherSuites.concat(s.tls12Suites) : tls13 ? s.cipherSuites : s.tls12Suites;
    const ch = { legacyVersion: TLS12, random: this.random, sessionId: this.sessionId, cipherSuites: suites, ext };
    h.resetOutput();
    h.beginMessage();
    const start = h.out.offset;
    let binders = writeClientHello(h.out, ch);
    const short = s.clientHelloPadding - (h.out.offset - start);
    if (short > 0) {
      // RFC 7685: pad to the target size (the padding extension's own 4 bytes count too).
      ext.padding = short > 4 ? short - 4 : 0;
      h.out.reset(start);
      binders = writeClientHello(h.out, ch);
    }
    if (offer) {
      // The binder covers the transcript so far and the ClientHello up to the binders (RFC 8446 4.2.11.2).
      const binder = computeBinder(offer.keys, offer.binderKey, this.transcript, offer.hash, h.out.buf.subarray(start, binders));
      patchBinders(h.out.buf, binders, [binder]);
    }
    h.sendMessage();
  }

  /** 0-RTT: keys from the ClientHello's hash under the ticket's suite (RFC 8446 4.2.10). */
  private startEarlyData(offer: PskOffer, ticket: SessionState): void {
    const h = this.host;
    // Middlebox compatibility: the dummy ChangeCipherSpec right after the first ClientHello.
    this.sendCcsOnce();
    const secret = offer.keys.clientEarlyTrafficSecret(this.transcript.digestWith(offer.hash, new Uint8Array(offer.hash.outputLen)));
    this.install(secret, 'write', 'CLIENT_EARLY_TRAFFIC_SECRET', offer.keys, h.settings.crypto.aead(ticket.suite) as Aead);
    secret.fill(0);
    this.earlyDataBudget = ticket.maxEarlyData;
    this.earlyData = 'rejected'; // until EncryptedExtensions says otherwise
    h.log('sending early data (up to ' + ticket.maxEarlyData + ' bytes)');
  }

  /** Whether writeEarlyData() may send now: after the ClientHello, before the server's answer. */
  get earlyDataOpen(): boolean {
    return this.earlyDataBudget > 0 && this.state === 'CLIENT_HELLO_SENT' && !this.retried;
  }

  private sendCcsOnce(): void {
    if (this.host.settings.middleboxCompat && !this.ccsSent) {
      this.ccsSent = true;
      this.host.sendChangeCipherSpec();
    }
  }

  /** Each state's messages; each handler adds its message to the transcript and says whether the read keys changed. */
  protected handleHandshake(type: number, msg: Uint8Array, body: Uint8Array): boolean {
    const T = HandshakeType;
    const st = this.step;
    switch (st?.name) {
      case 'CLIENT_HELLO_SENT':
        if (type === T.server_hello) return this.onServerHello(msg, parseServerHello(body));
        break;
      case 'SERVER_HELLO_RECEIVED':
        if (type === T.encrypted_extensions) return this.onEncryptedExtensions(st.secrets, msg, body);
        break;
      case 'ENCRYPTED_EXTENSIONS_RECEIVED':
        // With a PSK the server is authenticated by it: Finished comes next.
        if (this.mode !== 'full') {
          if (type === T.finished) return this.onFinished(st.secrets, null, msg, body);
        } else if (type === T.certificate_request) {
          return this.onCertificateRequest(st.secrets, msg, body);
        } else if (type === T.certificate) {
          return this.onCertificate(st.secrets, null, msg, body);
        }
        break;
      case 'CERTIFICATE_REQUEST_RECEIVED':
        if (type === T.certificate) return this.onCertificate(st.secrets, st.request, msg, body);
        break;
      case 'SERVER_CERTIFICATE_RECEIVED':
        if (type === T.certificate_verify) return this.onCertificateVerify(st.secrets, st.request, st.serverKey, msg, body);
        break;
      case 'SERVER_CERTIFICATE_VERIFY_RECEIVED':
        if (type === T.finished) return this.onFinished(st.secrets, st.request, msg, body);
        break;
    }
    return this.unexpected(type);
  }

  private onServerHello(msg: Uint8Array, sh: ServerHello): boolean {
    const s = this.host.settings;
    if (sh.ext.supportedVersion === undefined) return this.onLegacyServerHello(msg, sh);
    if (!this.offers13) fail(ErrorCode.ILLEGAL_PARAMETER, Alert.illegal_parameter, 'supported_versions in ServerHello: TLS 1.3 was not offered');
    if (sh.ext.supportedVersion !== TLS13 || sh.legacyVersion !== 0x0303) {
      fail(ErrorCode.VERSION_MISMATCH, Alert.illegal_parameter, 'server selected version 0x' + sh.ext.supportedVersion.toString(16));
    }
    if (!constantTimeEqual(sh.sessionIdEcho, this.sessionId)) {
      fail(ErrorCode.ILLEGAL_PARAMETER, Alert.illegal_parameter, 'legacy_session_id_echo differs');
    }
    if (s.cipherSuites.indexOf(sh.cipherSuite) < 0 || (this.suite !== 0 && sh.cipherSuite !== this.suite)) {
      fail(ErrorCode.ILLEGAL_PARAMETER, Alert.illegal_parameter, 'server chose cipher suite ' + suiteName(sh.cipherSuite));
    }
    if (sh.isHelloRetryRequest) return this.onHelloRetryRequest(msg, sh);
    if (sh.ext.cookie !== undefined) fail(ErrorCode.UNSUPPORTED_EXTENSION, Alert.unsupported_extension, 'cookie in ServerHello');

    const pskIndex = sh.ext.preSharedKey;
    let psk: PskOffer | null = null;
    if (pskIndex !== undefined) {
      psk = pskIndex === 0 ? this.offer : null;
      if (!psk) return fail(ErrorCode.ILLEGAL_PARAMETER, Alert.illegal_parameter, 'server selected a PSK we did not offer');
      if (suiteHash(sh.cipherSuite) !== psk.hash.name) {
        fail(ErrorCode.ILLEGAL_PARAMETER, Alert.illegal_parameter, 'cipher suite hash differs from the PSK hash');
      }
    }
    const share = sh.ext.keyShare;
    const priv = this.keyPriv;
    if (share) {
      if (share.group !== this.keyShareGroup || !priv) {
        return fail(ErrorCode.ILLEGAL_PARAMETER, Alert.illegal_parameter, 'key_share for ' + groupName(share.group) + ', not the group offered');
      }
      if (psk && s.pskModes.indexOf('psk_dhe_ke') < 0) {
        fail(ErrorCode.ILLEGAL_PARAMETER, Alert.illegal_parameter, 'psk_dhe_ke was not offered');
      }
    } else if (!psk || s.pskModes.indexOf('psk_ke') < 0) {
      fail(ErrorCode.MISSING_EXTENSION, Alert.missing_extension, 'ServerHello without key_share');
    }

    if (this.suite === 0) this.setSuite(sh.cipherSuite);
    this.transcript.update(msg);
    if (psk) {
      this.keys = psk.keys;
      this.mode = psk.ticket ? 'resumed' : 'psk';
      this.pskMode = share ? 'psk_dhe_ke' : 'psk_ke';
      if (psk.ticket) this.alpn = psk.ticket.alpn;
    } else {
      this.keys = new KeySchedule(this.suiteHashFn());
    }
    let shared: Uint8Array | null = null;
    if (share && priv) {
      const kx = s.crypto.group(share.group);
      shared = kx ? kx.shared(priv, share.keyExchange) : null;
      if (!shared) fail(ErrorCode.BAD_KEY_SHARE, Alert.illegal_parameter, 'server key share is not a valid ' + groupName(share.group) + ' point');
      this.group = share.group;
    }
    if (priv) priv.fill(0);
    this.keyPriv = this.keyPub = null;
    const ks = this.keys;
    ks.handshake(shared);
    if (shared) shared.fill(0);
    const th = this.transcriptHash();
    const secrets = { client: ks.clientHandshakeTrafficSecret(th), server: ks.serverHandshakeTrafficSecret(th) };
    this.keyLog('CLIENT_HANDSHAKE_TRAFFIC_SECRET', secrets.client);
    this.install(secrets.server, 'read', 'SERVER_HANDSHAKE_TRAFFIC_SECRET');
    if (this.host.settings.debug) this.host.log('negotiated ' + suiteName(this.suite) + (share ? ' with ' + groupName(share.group) : '') + (this.mode !== 'full' ? ' (' + this.mode + ', ' + this.pskMode + ')' : ''));
    this.go({ name: 'SERVER_HELLO_RECEIVED', secrets });
    return true;
  }

  /**
   * A ServerHello without supported_versions: TLS 1.2 when we offered it (the
   * TLS 1.2 machine takes over from here), else a version we do not speak.
   */
  private onLegacyServerHello(msg: Uint8Array, sh: ServerHello): boolean {
    const tls12 = this.offers12;
    if (!tls12 || sh.legacyVersion !== TLS12 || this.retried) {
      fail(ErrorCode.VERSION_MISMATCH, Alert.protocol_version, 'server chose version 0x' + sh.legacyVersion.toString(16) +
        (tls12 ? '' : this.offers13 ? ', we offered TLS 1.3 only' : ''));
    }
    if (this.keyPriv) this.keyPriv.fill(0);
    this.earlyDataBudget = 0;
    const next = tls12.start(this.host, {
      clientRandom: this.random,
      sessionId: this.sessionId,
      transcript: this.transcript,
      session: this.session12,
      offeredTls13: this.offers13,
    }, msg, sh);
    this.host.handOver(next);
    return false;
  }

  override sessionBytes(): Uint8Array | null {
    const s = this.received ?? (this.mode === 'resumed' ? this.session : null);
    return s ? encodeSession(s) : null;
  }

  private onHelloRetryRequest(msg: Uint8Array, hrr: ServerHello): boolean {
    const s = this.host.settings;
    if (this.retried) fail(ErrorCode.UNEXPECTED_MESSAGE, Alert.unexpected_message, 'second HelloRetryRequest');
    this.retried = true;
    const group = hrr.ext.selectedGroup;
    if (group === undefined && hrr.ext.cookie === undefined) {
      fail(ErrorCode.HRR_NOT_ACCEPTABLE, Alert.illegal_parameter, 'HelloRetryRequest changes nothing');
    }
    if (group !== undefined && (s.groups.indexOf(group) < 0 || group === this.keyShareGroup)) {
      fail(ErrorCode.HRR_NOT_ACCEPTABLE, Alert.illegal_parameter, 'HelloRetryRequest selects ' + groupName(group));
    }
    this.setSuite(hrr.cipherSuite);
    this.transcript.replaceWithMessageHash();
    this.transcript.update(msg);
    this.host.log('HelloRetryRequest: ' + (group !== undefined ? 'group ' + groupName(group) : 'cookie only'));
    if (group !== undefined) {
      if (this.keyPriv) this.keyPriv.fill(0);
      this.makeKeyShare(group);
    }
    this.cookie = hrr.ext.cookie ?? null;
    if (this.cookie && this.cookie.length > MAX_COOKIE) {
      fail(ErrorCode.HRR_NOT_ACCEPTABLE, Alert.illegal_parameter, 'cookie of ' + this.cookie.length + ' bytes (at most ' + MAX_COOKIE + ')');
    }
    // A PSK bound to another hash cannot be used with the suite the server chose.
    if (this.offer && this.offer.hash.name !== this.suiteHashFn().name) this.offer = null;
    // Early data is over: the second ClientHello goes in the clear (RFC 8446 4.2.10).
    this.earlyDataBudget = 0;
    this.host.plaintextWrites();
    this.sendCcsOnce();
    this.sendClientHello(false);
    this.go({ name: 'CLIENT_HELLO_SENT' });
    return false;
  }

  private onEncryptedExtensions(secrets: HandshakeSecrets, msg: Uint8Array, body: Uint8Array): boolean {
    const ee = parseEncryptedExtensions(body).ext;
    const h = this.host;
    const s = h.settings;
    if (ee.serverNameAck && !(s.serverName && !isIpLiteral(s.serverName))) {
      fail(ErrorCode.UNSUPPORTED_EXTENSION, Alert.unsupported_extension, 'server_name was not offered');
    }
    if (ee.alpn) {
      const chosen = ee.alpn;
      if (!s.alpn || !s.alpn.some((p) => constantTimeEqual(p, chosen))) {
        fail(ErrorCode.ILLEGAL_PARAMETER, Alert.illegal_parameter, 'server selected an ALPN protocol we did not offer');
      }
      this.alpn = copyBytes(chosen);
    } else if (this.mode === 'full') {
      this.alpn = null;
    }
    if (ee.maxFragmentLength !== undefined) {
      if (ee.maxFragmentLength !== s.maxFragmentLength) {
        fail(ErrorCode.ILLEGAL_PARAMETER, Alert.illegal_parameter, 'max_fragment_length differs from the request');
      }
      h.limitFragment(ee.maxFragmentLength);
    }
    if (ee.recordSizeLimit !== undefined) {
      if (!s.recordSizeLimit) fail(ErrorCode.UNSUPPORTED_EXTENSION, Alert.unsupported_extension, 'record_size_limit was not offered');
      h.limitFragment(ee.recordSizeLimit - 1);
      // Both sent it: now the server must keep to our limit.
      h.limitReceive(s.recordSizeLimit);
    }
    // Our record buffer (from max_fragment_length) is smaller than 2^14: the server must keep to a limit.
    if (h.receiveLimit < 16384 && ee.maxFragmentLength === undefined && ee.recordSizeLimit === undefined) {
      fail(ErrorCode.RECORD_LIMIT_REFUSED, Alert.handshake_failure, 'record buffer of ' + h.receiveLimit + ' bytes');
    }
    if (ee.earlyData) {
      if (this.earlyData !== 'rejected') fail(ErrorCode.UNSUPPORTED_EXTENSION, Alert.unsupported_extension, 'early_data was not offered');
      this.earlyData = 'accepted';
    }
    this.earlyDataBudget = 0;
    if (this.earlyData !== 'none') h.log('early data ' + this.earlyData);
    this.transcript.update(msg);
    this.go({ name: 'ENCRYPTED_EXTENSIONS_RECEIVED', secrets });
    return false;
  }

  /** The certificate side, or BAD_CONFIG in a build without it. */
  private certificates(): ClientCertificates {
    return this.certs ?? fail(ErrorCode.BAD_CONFIG, Alert.internal_error, 'no certificate support configured (options.certificates)');
  }

  private onCertificateRequest(secrets: HandshakeSecrets, msg: Uint8Array, body: Uint8Array): boolean {
    const request = this.certificates().certificateRequest(body);
    if (request.context.length !== 0) fail(ErrorCode.ILLEGAL_PARAMETER, Alert.illegal_parameter, 'certificate_request_context must be empty in the handshake');
    this.transcript.update(msg);
    this.go({ name: 'CERTIFICATE_REQUEST_RECEIVED', secrets, request });
    return false;
  }

  private onCertificate(secrets: HandshakeSecrets, request: CertRequest | null, msg: Uint8Array, body: Uint8Array): boolean {
    const server = this.certificates().serverCertificate(this.host.credentials, body);
    this.peerCertificates = server.chain;
    this.transcript.update(msg);
    this.go({ name: 'SERVER_CERTIFICATE_RECEIVED', secrets, request, serverKey: server.key });
    return false;
  }

  private onCertificateVerify(
    secrets: HandshakeSecrets, request: CertRequest | null, serverKey: PublicKey, msg: Uint8Array, body: Uint8Array,
  ): boolean {
    this.signatureScheme = this.certificates().serverCertificateVerify(this.host.credentials, serverKey, this.transcriptHash(), body);
    this.transcript.update(msg);
    this.go({ name: 'SERVER_CERTIFICATE_VERIFY_RECEIVED', secrets, request });
    return false;
  }

  private onFinished(secrets: HandshakeSecrets, request: CertRequest | null, msg: Uint8Array, body: Uint8Array): boolean {
    checkFinished(this.schedule().finished(secrets.server, this.transcript), parseFinished(body, this.suiteHashFn().outputLen));
    this.transcript.update(msg);
    this.go({ name: 'SERVER_FINISHED_RECEIVED' });
    this.deriveApplicationSecrets();
    this.install(this.app().server, 'read', null);

    const h = this.host;
    h.resetOutput();
    if (this.earlyData === 'accepted') {
      // Still under the early traffic key: it ends the 0-RTT data (RFC 8446 4.5).
      h.beginMessage();
      writeEndOfEarlyData(h.out);
      h.sendMessage();
    }
    this.sendCcsOnce();
    this.install(secrets.client, 'write', null);
    if (request) this.sendClientCertificate(request.context, request.schemes, this.transcript);
    this.sendFinished(secrets.client);
    this.install(this.app().client, 'write', null);
    secrets.client.fill(0);
    secrets.server.fill(0);
    if (h.settings.postHandshakeAuth) this.handshakeTranscript = this.transcript.fork();
    this.deriveResumptionSecret();
    this.done = true;
    this.go({ name: 'CONNECTED' });
    return true;
  }

  /** Our Certificate and CertificateVerify, over transcript t. */
  private sendClientCertificate(context: Uint8Array, schemes: number[], t: Transcript): void {
    this.certificates().sendCertificate(this.host, context, schemes, () => this.sendTo(t), () => this.transcriptHash(t));
  }

  protected handlePostHandshake(type: number, msg: Uint8Array, body: Uint8Array): boolean {
    if (type === HandshakeType.new_session_ticket) this.onNewSessionTicket(body);
    else if (type === HandshakeType.certificate_request && this.handshakeTranscript && this.certs) this.onPostHandshakeAuth(this.handshakeTranscript, msg, body);
    else this.unexpected(type);
    return false;
  }

  /** Keeps the newest ticket as the session getSession() returns (RFC 8446 4.6.1). */
  private onNewSessionTicket(body: Uint8Array): void {
    const t = parseNewSessionTicket(body);
    const s = this.host.settings;
    if (!s.now || !this.resumptionSecret) {
      this.host.log('received NewSessionTicket: no clock, not kept');
      return;
    }
    if (t.ticket.length > MAX_PSK_IDENTITY) {
      this.host.log('received NewSessionTicket of ' + t.ticket.length + ' bytes: longer than ' + MAX_PSK_IDENTITY + ', not kept');
      return;
    }
    this.received = {
      suite: this.suite,
      psk: this.schedule().resumptionPsk(this.resumptionSecret, t.nonce),
      ticket: copyBytes(t.ticket),
      lifetime: t.lifetime,
      ageAdd: t.ageAdd,
      receivedAt: s.now(),
      maxEarlyData: t.ext.maxEarlyData ?? 0,
      alpn: this.alpn,
      serverName: s.serverName,
    };
    this.host.log('received NewSessionTicket (lifetime ' + t.lifetime + ' s, max_early_data ' + (t.ext.maxEarlyData ?? 0) + ')');
  }

  /** Post-handshake authentication (RFC 8446 4.6.2): Certificate, CertificateVerify, Finished. */
  private onPostHandshakeAuth(handshakeTranscript: Transcript, msg: Uint8Array, body: Uint8Array): void {
    const cr = this.certificates().certificateRequest(body);
    if (cr.context.length === 0) fail(ErrorCode.ILLEGAL_PARAMETER, Alert.illegal_parameter, 'post-handshake CertificateRequest needs a context');
    this.host.log('post-handshake CertificateRequest');
    const t = handshakeTranscript.fork();
    t.update(msg);
    this.host.resetOutput();
    this.sendClientCertificate(cr.context, cr.schemes, t);
    this.sendFinished(this.app().client, t);
  }
}
