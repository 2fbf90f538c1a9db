// The TLS 1.2 server handshake (RFC 5246 7.3): ECDHE with an ECDSA or RSA
// certificate (RFC 8422), plain PSK (RFC 4279, 5487, 6655), AEAD suites
// only; extended_master_secret (RFC 7627), renegotiation_info (RFC 5746),
// stateless session tickets (RFC 5077) sealed with the TLS 1.3 ticket keys,
// client certificates. The TLS 1.3 machine reads the ClientHello and hands
// the connection over when TLS 1.2 is the version both sides share. Every
// state (the debug log prints "accept state: NAME") and what it accepts:
//   START                         (the TLS 1.3 machine's: it reads the ClientHello)
//   CLIENT_HELLO_RECEIVED         (passing: ServerHello ... ServerHelloDone go out)
//   SERVER_HELLO_DONE_SENT        Certificate (when requested), ClientKeyExchange
//   CLIENT_CERTIFICATE_RECEIVED   ClientKeyExchange
//   CLIENT_KEY_EXCHANGE_RECEIVED  CertificateVerify (after a client certificate), ChangeCipherSpec
//   CERTIFICATE_VERIFY_RECEIVED   ChangeCipherSpec
//   SERVER_FINISHED_SENT          ChangeCipherSpec (resumption: our Finished went first)
//   CHANGE_CIPHER_SPEC_RECEIVED   Finished
//   CONNECTED                     a ClientHello (renegotiation): refused with a no_renegotiation warning
import { copyBytes } from '../../bytes/copy.js';
import { Writer } from '../../bytes/writer.js';
import { schemeAlgorithm } from '../../crypto/schemes.js';
import type { Aead, Hash, PrivateKey, PublicKey } from '../../crypto/types.js';
import type { Credentials } from '../../config.js';
import { Alert, ErrorCode, fail } from '../../errors.js';
import {
  CipherSuite, HandshakeType, NamedGroup, TLS12, groupName, schemeName, suiteHash, suiteName,
} from '../../registry.js';
import type { TicketState } from '../../session/ticket.js';
import { MAX_TICKET } from '../../session/ticket.js';
import { authorities, authoritiesBound, checkFinished, checkPeerChain } from '../authentication.js';
import { Handshake, hex, type HandshakeHost } from '../handshake.js';
import { Tls12Protection } from '../../record/tls12-protection.js';
import { aeadSuite, tls12Suite } from './suites.js';
import { parseCertificateVerify, parseFinished, writeFinished, type ClientHello } from '../messages.js';
import { chooseAlpn, printable, type ServerCredentials } from '../server.js';
import { serverRandom } from '../version.js';
import {
  CertificateType, MAX_RENEGOTIATION_ATTEMPTS, certificate12Length, parseCertificate12, parseEcdheClientKeyExchange, parsePskClientKeyExchange,
  serverKeyExchangeSigned, writeCertificate12, writeCertificateRequest12, writeCertificateStatus,
  writeEcdheParams, writeEcdheServerKeyExchange, writeNewSessionTicket12, writeServerHello12, writeServerHelloDone,
  type ServerHelloExtensions12,
} from './messages.js';
import { VERIFY_DATA_LENGTH, extendedMasterSecret, keyBlock, masterSecret, pskPreMaster, verifyData, type WriteKeys } from './prf.js';

/** TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746 3.3) and TLS_FALLBACK_SCSV (RFC 7507). */
const EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff;
const FALLBACK_SCSV = 0x5600;
const EMPTY = new Uint8Array(0);
const UNCOMPRESSED_ONLY = new Uint8Array([0]);
/** Largest ServerKeyExchange parameters: a P-521 point (x448 and the others are smaller). */
const MAX_POINT = 133;

/** What the client's key exchange is answered with: our ephemeral key (ECDHE) or a PSK. */
type KeyExchange = { kind: 'ecdhe'; group: number; priv: Uint8Array } | { kind: 'psk' };

/** The session's secrets: the master secret and the key block cut into both directions' keys. */
interface Secrets {
  master: Uint8Array;
  client: WriteKeys;
  server: WriteKeys;
}

type ServerStep =
  | { name: 'CLIENT_HELLO_RECEIVED' }
  | { name: 'SERVER_HELLO_DONE_SENT'; kx: KeyExchange }
  | { name: 'CLIENT_CERTIFICATE_RECEIVED'; kx: KeyExchange; clientKey: PublicKey | null }
  | { name: 'CLIENT_KEY_EXCHANGE_RECEIVED'; secrets: Secrets; clientKey: PublicKey | null }
  | { name: 'CERTIFICATE_VERIFY_RECEIVED'; secrets: Secrets }
  | { name: 'SERVER_FINISHED_SENT'; secrets: Secrets }
  | { name: 'CHANGE_CIPHER_SPEC_RECEIVED'; secrets: Secrets; resumed: boolean }
  | { name: 'CONNECTED' };

export type Tls12ServerState = ServerStep['name'];

/** What chooseParameters found: the suite, and for ECDHE the group and our signature scheme. */
interface Parameters {
  suite: number;
  aead: Aead;
  hash: Hash;
  /** 0 with a PSK suite. */
  group: number;
  scheme: number;
}

/**
 * The bytes of the server's largest TLS 1.2 flight: ServerHello, Certificate,
 * CertificateStatus, ServerKeyExchange, CertificateRequest, ServerHelloDone;
 * or NewSessionTicket and Finished.
 */
export function tls12FlightBound(c: ServerCredentials): number {
  const s = c.settings;
  let alpn = 0;
  if (s.alpn) for (const p of s.alpn) alpn = Math.max(alpn, 7 + p.length);
  const hello = 4 + 2 + 32 + 1 + 32 + 2 + 1 + 2 + 5 + 4 + 4 + 4 + 6 + alpn + 5 + 6;
  const key = c.privateKey;
  const sig = key ? (key.kind === 'rsa' ? Math.ceil(key.bits / 8) : 141) : 0;
  const certificate = c.chain.length > 0 ? certificate12Length(c.chain) + (s.ocspResponse ? 4 + 4 + s.ocspResponse.length : 0) + 4 + 4 + MAX_POINT + 4 + sig : 0;
  const request = s.verify !== 'none' ? 4 + 3 + 2 + 2 * s.signatureSchemes.length + 2 + authoritiesBound(c, 'CertificateRequest') : 0;
  const tickets = 4 + 4 + 2 + MAX_TICKET + 4 + VERIFY_DATA_LENGTH;
  return Math.max(hello + certificate + request + 4, hello + tickets);
}

export class Tls12ServerHandshake extends Handshake<Tls12ServerState> {
  private step: ServerStep = { name: 'CLIENT_HELLO_RECEIVED' };
  private readonly serverRandom = new Uint8Array(32);
  private aead12: Aead | null = null;
  private prfHash: Hash | null = null;
  /** Whether the client offered extended_master_secret (else the weaker master secret, when allowed). */
  private ems = false;
  /** Whether the client takes a new ticket (its ClientHello had session_ticket) and we issue one. */
  private issueTicket = false;
  /** Copies of the handshake messages for the client's CertificateVerify (it signs them, not their hash); null when not asked for. */
  private messages: Uint8Array[] | null = null;
  /** The schemes our CertificateRequest listed. */
  private requestedSchemes: number[] = [];
  private refusedRenegotiations = 0;
  /** Whether the ClientHello offered TLS 1.3 0-RTT: its ChangeCipherSpec and early data records follow it. */
  private earlyDataOffered = false;

  constructor(
    host: HandshakeHost,
    private readonly own: ServerCredentials,
    /** The credentials serving this connection: ours, or the ones onServerName chose. */
    private readonly auth: Credentials,
  ) {
    super(host, 'accept');
    this.version = TLS12;
    this.keyUpdates = false;
    this.started = true;
  }

  /** (The TLS 1.3 machine started the connection; this one takes over at its ClientHello.) */
  start(): void {}

  private go(step: ServerStep): void {
    this.step = step;
    this.enter(step.name);
  }

  /** After the handshake only a ClientHello (renegotiation) may come, and no KeyUpdate: TLS 1.2 has none. */
  override handle(type: number, msg: Uint8Array, body: Uint8Array): boolean {
    return this.done ? this.handlePostHandshake(type) : this.handleHandshake(type, msg, body);
  }

  protected handleHandshake(type: number, msg: Uint8Array, body: Uint8Array): boolean {
    const T = HandshakeType;
    const st = this.step;
    switch (st.name) {
      case 'SERVER_HELLO_DONE_SENT':
        // A client asked for a certificate sends a Certificate, empty if need be (RFC 5246 7.4.6).
        if (type === T.certificate && this.messages) return this.onClientCertificate(st.kx, msg, body);
        if (type === T.client_key_exchange && !this.messages) return this.onClientKeyExchange(st.kx, null, msg, body);
        break;
      case 'CLIENT_CERTIFICATE_RECEIVED':
        if (type === T.client_key_exchange) return this.onClientKeyExchange(st.kx, st.clientKey, msg, body);
        break;
      case 'CLIENT_KEY_EXCHANGE_RECEIVED':
        if (type === T.certificate_verify && st.clientKey) return this.onCertificateVerify(st.secrets, st.clientKey, msg, body);
        break;
      case 'CHANGE_CIPHER_SPEC_RECEIVED':
        if (type === T.finished) return this.onFinished(st.secrets, st.resumed, msg, body);
        break;
    }
    return this.unexpected(type);
  }

  /** RFC 5746 4.4 and 5246 7.4.1.2: a client's renegotiation is refused with a warning; the connection goes on. */
  protected handlePostHandshake(type: number): boolean {
    if (type !== HandshakeType.client_hello) return this.unexpected(type);
    if (++this.refusedRenegotiations > MAX_RENEGOTIATION_ATTEMPTS) {
      fail(ErrorCode.UNEXPECTED_MESSAGE, Alert.unexpected_message, 'more than ' + MAX_RENEGOTIATION_ATTEMPTS + ' renegotiation attempts');
    }
    this.host.sendWarningAlert(Alert.no_renegotiation);
    this.host.log('renegotiation refused (no_renegotiation warning)');
    return false;
  }

  /** The client's ChangeCipherSpec (RFC 5246 7.1): its records are protected from now on. */
  override changeCipherSpec(): void {
    const st = this.step;
    let secrets: Secrets;
    if (st.name === 'CERTIFICATE_VERIFY_RECEIVED' || st.name === 'SERVER_FINISHED_SENT') secrets = st.secrets;
    else if (st.name === 'CLIENT_KEY_EXCHANGE_RECEIVED' && !st.clientKey) secrets = st.secrets;
    else {
      return fail(ErrorCode.UNEXPECTED_CCS, Alert.unexpected_message, 'ChangeCipherSpec in state ' + this.state +
        (this.earlyDataOffered && st.name === 'SERVER_HELLO_DONE_SENT' ? ' (the client is sending TLS 1.3 0-RTT data)' : ''));
    }
    this.host.setReadProtection(new Tls12Protection(this.cipher(), secrets.client.key, secrets.client.iv));
    secrets.client.key.fill(0);
    this.go({ name: 'CHANGE_CIPHER_SPEC_RECEIVED', secrets, resumed: st.name === 'SERVER_FINISHED_SENT' });
  }

  /**
   * The ClientHello that negotiated TLS 1.2 (RFC 5246 7.4.1.2): its
   * renegotiation and fallback signals, then a ticket to resume, or the full
   * handshake's flight.
   */
  takeClientHello(msg: Uint8Array, ch: ClientHello, serverName: string | null): void {
    const h = this.host;
    const s = h.settings;
    this.clientRandom = copyBytes(ch.random);
    this.serverName = serverName;
    this.go({ name: 'CLIENT_HELLO_RECEIVED' });
    // RFC 7507: a client retrying with a lower version although we have TLS 1.3.
    if (ch.cipherSuites.indexOf(FALLBACK_SCSV) >= 0 && s.maxVersion > TLS12) {
      fail(ErrorCode.VERSION_MISMATCH, Alert.inappropriate_fallback, 'TLS_FALLBACK_SCSV, and we support TLS 1.3');
    }
    const reneg = ch.ext.renegotiationInfo;
    if (reneg && reneg.length > 0) fail(ErrorCode.BAD_RENEGOTIATION_INFO, Alert.handshake_failure);
    this.ems = ch.ext.extendedMasterSecret === true;
    if (ch.ext.earlyData) {
      // RFC 8446 D.3: the client aborts at our TLS 1.2 ServerHello; its 0-RTT records may come first.
      this.earlyDataOffered = true;
      h.log('the client offers TLS 1.3 0-RTT data, which TLS 1.2 cannot take: it will abort (RFC 8446 D.3)');
    }
    if (!this.ems && s.requireExtendedMasterSecret) {
      fail(ErrorCode.EXTENDED_MASTER_SECRET_REQUIRED, Alert.handshake_failure, 'the client does not offer extended_master_secret');
    }
    const ticket = this.openTicket(ch);
    const p = ticket ? this.resumedParameters(ticket) : this.chooseParameters(ch);
    this.suite = p.suite;
    this.aead12 = p.aead;
    this.prfHash = p.hash;
    this.transcript.setHash(p.hash);
    this.record(msg, ticket === null && s.verify !== 'none' && p.scheme !== 0);
    this.alpn = chooseAlpn(s.alpn, ch.ext.alpn);
    // A ticket sealed under an older key is renewed (RFC 5077 3.1), so key rotation does not cost a full handshake.
    const sealed = ch.ext.sessionTicket;
    const keys = this.own.ticketKeys;
    const renew = ticket !== null && sealed !== undefined && keys !== null && keys.sealedBefore(sealed);
    this.issueTicket = sealed !== undefined && (!ticket || renew) && this.ems && this.ticketsOn();
    h.log('negotiated TLS 1.2 ' + suiteName(p.suite) + (p.group ? ' with ' + groupName(p.group) + ', signing with ' + schemeName(p.scheme) : '') +
      (ticket ? ' (resumed)' : '') + (this.ems ? '' : ' without extended_master_secret'));
    serverRandom(s.random, this.serverRandom, TLS12, s.maxVersion);
    h.resetOutput();
    if (ticket) {
      this.mode = 'resumed';
      this.sendServerHello(ch, p, ch.sessionId);
      this.sendResumedFinished(ticket);
      return;
    }
    this.sendServerHello(ch, p, EMPTY);
    const kx = p.group ? this.sendCertificateFlight(ch, p) : this.pskFlight();
    h.beginMessage();
    writeServerHelloDone(h.out);
    this.send();
    this.go({ name: 'SERVER_HELLO_DONE_SENT', kx });
  }

  // --- choosing ---

  /**
   * Our most preferred suite the client offers and we can serve: ECDHE with
   * a group in common and our certificate's key signing with a scheme the
   * client accepts, or PSK when we have PSK callbacks.
   */
  private chooseParameters(ch: ClientHello): Parameters {
    const s = this.host.settings;
    const key = this.auth.leaf ? this.auth.privateKey : null;
    const group = this.chooseGroup(ch);
    for (const suite of s.tls12Suites) {
      const info = tls12Suite(suite);
      if (!info || ch.cipherSuites.indexOf(suite) < 0) continue;
      let scheme = 0;
      if (info.kx === 'psk') {
        if (!s.pskServer) continue;
      } else {
        if (!key || !group || key.kind !== (info.kx === 'ecdhe_ecdsa' ? 'ec' : 'rsa')) continue;
        // RFC 8422 5.1: supported_groups also names the curves of ECDSA keys the client verifies.
        if (key.kind === 'ec' && ch.ext.supportedGroups && ch.ext.supportedGroups.indexOf(curveGroup(key.curve)) < 0) continue;
        scheme = chooseScheme12(s.signatureSchemes, key, ch.ext.signatureAlgorithms);
        if (!scheme) continue;
      }
      const crypto = s.crypto;
      const aead = crypto.aead(aeadSuite(suite) ?? -1);
      const hash = crypto.hash(suiteHash(suite));
      if (!aead || !hash) continue;
      this.group = info.kx === 'psk' ? null : group;
      this.signatureScheme = scheme || null;
      if (info.kx === 'psk') {
        this.mode = 'psk';
        this.pskMode = 'psk_ke';
      }
      return { suite, aead, hash, group: info.kx === 'psk' ? 0 : group, scheme };
    }
    return fail(ErrorCode.NO_SHARED_CIPHER, Alert.handshake_failure, whyNoSuite(ch, s.tls12Suites, key, group));
  }

  /** Our most preferred group the client supports (RFC 8422 5.1.1), and uncompressed points (5.1.2); 0 when none. */
  private chooseGroup(ch: ClientHello): number {
    const formats = ch.ext.ecPointFormats;
    if (formats && formats.indexOf(0) < 0) return 0;
    // Without supported_groups a client is taken to support secp256r1 (RFC 8422 4).
    const theirs = ch.ext.supportedGroups ?? [NamedGroup.secp256r1];
    for (const g of this.host.settings.groups) if (theirs.indexOf(g) >= 0) return g;
    return 0;
  }

  private ticketsOn(): boolean {
    const s = this.host.settings;
    return this.own.ticketKeys !== null && s.tickets > 0 && s.now !== null;
  }

  /**
   * The session a non-empty session_ticket resumes (RFC 5077 3.4): one of our
   * TLS 1.2 tickets, with extended_master_secret on both (RFC 7627 5.3), a
   * suite we still offer, and the same server name; else null (a full handshake).
   */
  private openTicket(ch: ClientHello): TicketState | null {
    const sealed = ch.ext.sessionTicket;
    const s = this.host.settings;
    const keys = this.own.ticketKeys;
    if (!sealed || sealed.length === 0 || !keys || !s.now) return null;
    const t = keys.open(sealed, s.now());
    let why = '';
    if (!t) why = 'not one of ours, or expired';
    else if (!tls12Suite(t.suite)) why = 'a TLS 1.3 ticket';
    else if (!this.ems) why = 'the ClientHello has no extended_master_secret';
    else if (s.tls12Suites.indexOf(t.suite) < 0 || ch.cipherSuites.indexOf(t.suite) < 0) why = 'its suite is not offered';
    else if (t.serverName !== this.serverName) why = 'another server name';
    if (why) {
      this.host.log('session ticket not used: ' + why);
      return null;
    }
    return t;
  }

  private resumedParameters(t: TicketState): Parameters {
    const crypto = this.host.settings.crypto;
    const aead = crypto.aead(aeadSuite(t.suite) ?? -1);
    const hash = crypto.hash(suiteHash(t.suite));
    if (!aead || !hash) return fail(ErrorCode.INTERNAL, Alert.internal_error, 'suite without provider');
    return { suite: t.suite, aead, hash, group: 0, scheme: 0 };
  }

  // --- our messages ---

  /** ServerHello (RFC 5246 7.4.1.3) with the extensions the client offered that we take. */
  private sendServerHello(ch: ClientHello, p: Parameters, sessionId: Uint8Array): void {
    const h = this.host;
    const s = h.settings;
    const ext: ServerHelloExtensions12 = {};
    if (ch.ext.renegotiationInfo || ch.cipherSuites.indexOf(EMPTY_RENEGOTIATION_INFO_SCSV) >= 0) ext.renegotiationInfo = EMPTY;
    if (this.ems) ext.extendedMasterSecret = true;
    if (this.issueTicket) ext.sessionTicket = true;
    if (p.group && ch.ext.ecPointFormats) ext.ecPointFormats = UNCOMPRESSED_ONLY;
    if (this.alpn) ext.alpn = this.alpn;
    if (this.serverName && s.onServerName && this.mode === 'full') ext.serverNameAck = true;
    // RFC 8449 5: with both, record_size_limit wins and max_fragment_length is ignored.
    const rsl = ch.ext.recordSizeLimit;
    const mfl = ch.ext.maxFragmentLength;
    if (rsl !== undefined) {
      // In TLS 1.2 the limit counts the plaintext alone (RFC 8449 4).
      ext.recordSizeLimit = s.recordSizeLimit ?? 16384;
      h.limitFragment(rsl);
      if (s.recordSizeLimit) h.limitReceive(s.recordSizeLimit);
    } else if (mfl !== undefined) {
      ext.maxFragmentLength = mfl;
      h.limitFragment(mfl);
    }
    if (p.scheme && ch.ext.statusRequest && s.ocspResponse && this.mode === 'full') ext.statusRequest = true;
    h.beginMessage();
    writeServerHello12(h.out, this.serverRandom, sessionId, p.suite, ext);
    this.send();
  }

  /**
   * Certificate, CertificateStatus (a stapled OCSP response, when asked),
   * ServerKeyExchange signed for the client's signature_algorithms
   * (RFC 8422 5.4), CertificateRequest when we verify clients.
   */
  private sendCertificateFlight(ch: ClientHello, p: Parameters): KeyExchange {
    const h = this.host;
    const s = h.settings;
    const auth = this.auth;
    h.beginMessage();
    writeCertificate12(h.out, auth.chain);
    this.send();
    if (ch.ext.statusRequest && s.ocspResponse) {
      h.beginMessage();
      writeCertificateStatus(h.out, s.ocspResponse);
      this.send();
    }
    const kx = s.crypto.group(p.group) ?? fail(ErrorCode.INTERNAL, Alert.internal_error, 'no provider for ' + groupName(p.group));
    const pair = kx.generate(s.random);
    const params = new Writer(new Uint8Array(4 + pair.pub.length));
    writeEcdheParams(params, p.group, pair.pub);
    const key = auth.privateKey ?? fail(ErrorCode.NO_CREDENTIALS, Alert.handshake_failure, 'no private key');
    const alg = schemeAlgorithm(p.scheme) ?? fail(ErrorCode.INTERNAL, Alert.internal_error, 'no algorithm for ' + schemeName(p.scheme));
    const signature = s.crypto.sign(alg, key, serverKeyExchangeSigned(this.clientRandom as Uint8Array, this.serverRandom, params.buf), s.random);
    h.beginMessage();
    writeEcdheServerKeyExchange(h.out, p.group, pair.pub, p.scheme, signature);
    this.send();
    if (s.verify !== 'none') {
      this.requestedSchemes = s.signatureSchemes.filter((sc) => schemeAlgorithm(sc) !== null);
      h.beginMessage();
      writeCertificateRequest12(h.out, {
        certificateTypes: CERTIFICATE_TYPES,
        schemes: this.requestedSchemes,
        authorities: authorities(this.own) ?? [],
      });
      this.send();
    }
    return { kind: 'ecdhe', group: p.group, priv: pair.priv };
  }

  /** A PSK suite: no certificate, and no ServerKeyExchange (we send no identity hint, RFC 4279 2). */
  private pskFlight(): KeyExchange {
    return { kind: 'psk' };
  }

  /** Resumption (RFC 5077 3.1): ServerHello, [NewSessionTicket,] ChangeCipherSpec, Finished with the ticket's master secret. */
  private sendResumedFinished(ticket: TicketState): void {
    const secrets = this.deriveKeys(copyBytes(ticket.psk));
    if (this.issueTicket) this.sendTicket(secrets.master, ticket);
    this.sendChangeCipherSpecAndFinished(secrets);
    this.go({ name: 'SERVER_FINISHED_SENT', secrets });
  }

  /** ChangeCipherSpec, our write keys, Finished (RFC 5246 7.4.9). */
  private sendChangeCipherSpecAndFinished(secrets: Secrets): void {
    const h = this.host;
    h.sendChangeCipherSpec();
    h.setWriteProtection(new Tls12Protection(this.cipher(), secrets.server.key, secrets.server.iv));
    secrets.server.key.fill(0);
    h.beginMessage();
    writeFinished(h.out, verifyData(this.hashFn(), secrets.master, false, this.transcriptDigest()));
    this.send();
  }

  /**
   * NewSessionTicket (RFC 5077 3.3): the master secret sealed with the
   * server's ticket keys; a renewed ticket keeps the session's issue time
   * and lifetime (only its key is new), so a session never outlives them.
   */
  private sendTicket(master: Uint8Array, renewed: TicketState | null = null): void {
    const h = this.host;
    const s = h.settings;
    const keys = this.own.ticketKeys;
    // (issueTicket is set only with ticket keys and a clock.)
    if (!keys || !s.now) return;
    const now = s.now();
    const state: TicketState = {
      suite: this.suite,
      psk: master,
      ageAdd: 0,
      issuedAt: renewed ? renewed.issuedAt : now,
      lifetime: renewed ? renewed.lifetime : s.ticketLifetime,
      maxEarlyData: 0,
      alpn: this.alpn,
      serverName: this.serverName,
    };
    // Seconds left, at least 1 (0 would mean "unspecified").
    const left = Math.max(1, Math.floor((state.issuedAt - now) / 1000) + state.lifetime);
    h.beginMessage();
    writeNewSessionTicket12(h.out, { lifetimeHint: left, ticket: keys.seal(state) });
    this.send();
    h.log('sent NewSessionTicket');
  }

  // --- the client's messages ---

  /** The client's Certificate (RFC 5246 7.4.6); empty when it has none we accept. */
  private onClientCertificate(kx: KeyExchange, msg: Uint8Array, body: Uint8Array): boolean {
    const s = this.host.settings;
    const certs = parseCertificate12(body, s.verifyDepth + 2);
    let clientKey: PublicKey | null = null;
    if (certs.length === 0) {
      // TLS 1.2 has no certificate_required alert (RFC 5246 7.4.6).
      if (s.verify === 'require') fail(ErrorCode.CERTIFICATE_REQUIRED, Alert.handshake_failure, 'the client sent no certificate');
      this.host.log('client sent no certificate');
    } else {
      this.peerCertificates = certs.map(copyBytes);
      clientKey = checkPeerChain(this.host.credentials, this.peerCertificates, 'clientAuth', null).publicKey;
    }
    this.record(msg);
    // Without a certificate there is no CertificateVerify to check the messages against.
    if (!clientKey) this.messages = null;
    this.go({ name: 'CLIENT_CERTIFICATE_RECEIVED', kx, clientKey });
    return false;
  }

  /** ClientKeyExchange (RFC 8422 5.7, RFC 4279 2): the premaster secret, the master secret (RFC 7627 4) and the key block. */
  private onClientKeyExchange(kx: KeyExchange, clientKey: PublicKey | null, msg: Uint8Array, body: Uint8Array): boolean {
    const s = this.host.settings;
    let preMaster: Uint8Array;
    if (kx.kind === 'ecdhe') {
      const point = parseEcdheClientKeyExchange(body);
      const group = s.crypto.group(kx.group) ?? fail(ErrorCode.INTERNAL, Alert.internal_error, 'no provider for ' + groupName(kx.group));
      const shared = group.shared(kx.priv, point);
      kx.priv.fill(0);
      if (!shared) return fail(ErrorCode.BAD_KEY_SHARE, Alert.illegal_parameter, 'client key is not a valid ' + groupName(kx.group) + ' point');
      preMaster = shared;
    } else {
      const identity = parsePskClientKeyExchange(body);
      const psk = s.pskServer ? s.pskServer(identity) : null;
      if (!psk) return fail(ErrorCode.UNKNOWN_PSK_IDENTITY, Alert.unknown_psk_identity, 'PSK identity of ' + identity.length + ' bytes');
      this.host.log('PSK identity ' + printable(identity));
      preMaster = pskPreMaster(psk.key);
    }
    this.record(msg);
    const hash = this.hashFn();
    const master = this.ems
      ? extendedMasterSecret(hash, preMaster, this.transcriptDigest())
      : masterSecret(hash, preMaster, this.clientRandom as Uint8Array, this.serverRandom);
    preMaster.fill(0);
    const secrets = this.deriveKeys(master);
    this.go({ name: 'CLIENT_KEY_EXCHANGE_RECEIVED', secrets, clientKey });
    return false;
  }

  /** The client's CertificateVerify (RFC 5246 7.4.8): a signature over the handshake messages so far. */
  private onCertificateVerify(secrets: Secrets, key: PublicKey, msg: Uint8Array, body: Uint8Array): boolean {
    const cv = parseCertificateVerify(body);
    const alg = schemeAlgorithm(cv.scheme);
    if (!alg || this.requestedSchemes.indexOf(cv.scheme) < 0 || !schemeFitsKey12(cv.scheme, key)) {
      fail(ErrorCode.ILLEGAL_PARAMETER, Alert.illegal_parameter, 'signature scheme ' + schemeName(cv.scheme) + ' was not requested or does not fit the key');
    }
    const signed = concatenate(this.messages ?? []);
    this.messages = null;
    if (!this.host.settings.crypto.verify(alg, key, signed, cv.signature)) fail(ErrorCode.BAD_CERT_VERIFY, Alert.decrypt_error, schemeName(cv.scheme));
    this.transcript.update(msg);
    this.go({ name: 'CERTIFICATE_VERIFY_RECEIVED', secrets });
    return false;
  }

  /**
   * The client's Finished (RFC 5246 7.4.9), compared in constant time; in a
   * full handshake our NewSessionTicket, ChangeCipherSpec and Finished follow.
   */
  private onFinished(secrets: Secrets, resumed: boolean, msg: Uint8Array, body: Uint8Array): boolean {
    const expected = verifyData(this.hashFn(), secrets.master, true, this.transcriptDigest());
    checkFinished(expected, parseFinished(body, VERIFY_DATA_LENGTH));
    this.transcript.update(msg);
    if (!resumed) {
      this.host.resetOutput();
      if (this.issueTicket) this.sendTicket(secrets.master);
      this.sendChangeCipherSpecAndFinished(secrets);
    }
    secrets.master.fill(0);
    this.done = true;
    this.go({ name: 'CONNECTED' });
    return false;
  }

  // --- helpers ---

  private deriveKeys(master: Uint8Array): Secrets {
    const aead = this.cipher();
    const ivLen = aeadSuite(this.suite) === CipherSuite.TLS_CHACHA20_POLY1305_SHA256 ? 12 : 4;
    const block = keyBlock(this.hashFn(), master, this.clientRandom as Uint8Array, this.serverRandom, aead.keyLen, ivLen);
    const log = this.host.settings.keyLog;
    // NSS key log: CLIENT_RANDOM <client random> <master secret> (TLS 1.2).
    if (log && this.clientRandom) log('CLIENT_RANDOM ' + hex(this.clientRandom) + ' ' + hex(master));
    return { master, client: block.client, server: block.server };
  }

  /** Adds a handshake message to the transcript (and to the copies the client's CertificateVerify signs, while kept). */
  private record(msg: Uint8Array, startCopies = false): void {
    if (startCopies) this.messages = [];
    this.transcript.update(msg);
    if (this.messages) this.messages.push(copyBytes(msg));
  }

  /** Seals the message written since beginMessage() and records it. */
  private send(): void {
    this.record(this.host.stagedMessage());
    this.host.sendMessage(false);
  }

  private cipher(): Aead {
    return this.aead12 ?? fail(ErrorCode.INTERNAL, Alert.internal_error, 'no cipher suite yet');
  }

  private hashFn(): Hash {
    return this.prfHash ?? fail(ErrorCode.INTERNAL, Alert.internal_error, 'no cipher suite yet');
  }

  private transcriptDigest(): Uint8Array {
    return this.transcript.digest(new Uint8Array(this.hashFn().outputLen));
  }

  /** TLS 1.2 has no KeyUpdate (the connection never asks: keyUpdates is false). */
  override sendKeyUpdate(): void {
    fail(ErrorCode.BAD_STATE, Alert.internal_error, 'TLS 1.2 has no KeyUpdate');
  }
}

/** ClientCertificateType values we accept (RFC 5246 7.4.4, RFC 8422 5.5). */
const CERTIFICATE_TYPES = new Uint8Array([CertificateType.ecdsa_sign, CertificateType.rsa_sign]);

/**
 * Whether a scheme may sign with a key in TLS 1.2, where an ECDSA scheme
 * names only its hash (RFC 5246 7.4.1.4.1): ECDSA on any of our curves,
 * rsa_pkcs1 and rsa_pss_rsae with an rsaEncryption key, rsa_pss_pss with an
 * RSASSA-PSS key, EdDSA with its key.
 */
export function schemeFitsKey12(scheme: number, key: PublicKey | PrivateKey): boolean {
  const alg = schemeAlgorithm(scheme);
  if (!alg) return false;
  switch (alg.type) {
    case 'ecdsa':
      return key.kind === 'ec';
    case 'rsa-pkcs1':
      return key.kind === 'rsa' && !key.pssOnly;
    case 'rsa-pss':
      return key.kind === 'rsa' && (scheme >= 0x0809) === (key.pssOnly === true);
    default:
      return alg.type === key.kind;
  }
}

/** The NamedGroup of an ECDSA key's curve. */
function curveGroup(curve: 'P-256' | 'P-384' | 'P-521'): number {
  return curve === 'P-256' ? NamedGroup.secp256r1 : curve === 'P-384' ? NamedGroup.secp384r1 : NamedGroup.secp521r1;
}

/** Our first scheme for the key that the client accepts (RFC 5246 7.4.1.4.1); 0 when none (we never sign with SHA-1). */
function chooseScheme12(ours: number[], key: PrivateKey, theirs: number[] | undefined): number {
  if (!theirs) return 0;
  for (const sc of ours) if (theirs.indexOf(sc) >= 0 && schemeFitsKey12(sc, key)) return sc;
  return 0;
}

/** Why no suite fits, for the handshake_failure: the client's offer named, or what it lacks. */
function whyNoSuite(ch: ClientHello, ours: number[], key: PrivateKey | null, group: number): string {
  const shared = ours.filter((cs) => ch.cipherSuites.indexOf(cs) >= 0);
  if (shared.length === 0) {
    const offered = ch.cipherSuites.filter((cs) => cs !== EMPTY_RENEGOTIATION_INFO_SCSV && cs !== FALLBACK_SCSV);
    return 'the client offers only suites we do not have (CBC, static RSA, ...): ' +
      offered.slice(0, 8).map(suiteName).join(',') + (offered.length > 8 ? ',...' : '');
  }
  if (!group) return 'no ECDHE group in common with ' + (ch.ext.supportedGroups ?? []).map(groupName).join(',');
  if (!key) return 'no certificate for ' + shared.map(suiteName).join(',');
  const groups = ch.ext.supportedGroups;
  if (key.kind === 'ec' && groups && groups.indexOf(curveGroup(key.curve)) < 0) {
    return 'the client\'s supported_groups lack ' + groupName(curveGroup(key.curve)) + ', the curve of our certificate (RFC 8422 5.1)';
  }
  return 'no suite for our ' + (key.kind === 'ec' ? key.curve : key.kind === 'rsa' ? 'RSA' : key.kind) + ' key whose signature the client takes (it offers ' +
    shared.map(suiteName).join(',') + ')';
}

function concatenate(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** What a build with a TLS 1.2 server plugs into Tls12Support.server. */
export const tls12Server = {
  start(host: HandshakeHost, own: ServerCredentials, auth: Credentials, serverName: string | null, msg: Uint8Array, ch: ClientHello): void {
    const m = new Tls12ServerHandshake(host, own, auth);
    host.handOver(m);
    m.takeClientHello(msg, ch, serverName);
  },
  flightBound: tls12FlightBound,
};

