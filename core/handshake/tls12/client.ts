// The TLS 1.2 client handshake (RFC 5246 7.3, figures 1 and 2), taking over
// from the ClientHello machine (../client.ts) when the server chose TLS 1.2:
// ECDHE with ECDSA or RSA certificates (RFC 8422), plain PSK (RFC 4279),
// extended master secret (RFC 7627), tickets (RFC 5077) and session ids,
// client certificates. Every state (the debug log prints "connect state:
// NAME") and what it accepts:
//   SERVER_HELLO_RECEIVED        full, ECDHE: Certificate; PSK: ServerKeyExchange or ServerHelloDone;
//                                resumed: NewSessionTicket (when acknowledged), else ChangeCipherSpec
//   SERVER_CERTIFICATE_RECEIVED  CertificateStatus (when status_request was acknowledged) or ServerKeyExchange
//   CERTIFICATE_STATUS_RECEIVED  ServerKeyExchange
//   SERVER_KEY_EXCHANGE_RECEIVED CertificateRequest or ServerHelloDone (PSK: ServerHelloDone)
//   CERTIFICATE_REQUEST_RECEIVED ServerHelloDone (then our flight: [Certificate], ClientKeyExchange,
//                                [CertificateVerify], ChangeCipherSpec, Finished)
//   CLIENT_FINISHED_SENT         NewSessionTicket (when acknowledged), else ChangeCipherSpec
//   NEW_SESSION_TICKET_RECEIVED  ChangeCipherSpec
//   CHANGE_CIPHER_SPEC_RECEIVED  Finished (resumed: then our ChangeCipherSpec and Finished)
//   CONNECTED                    HelloRequest, answered with a no_renegotiation warning
// HelloRequest during the handshake is ignored (RFC 5246 7.4.1.1); more than 8 on a connection end it.
import { asciiBytes } from '../../bytes/ascii.js';
import { copyBytes } from '../../bytes/copy.js';
import { constantTimeEqual } from '../../crypto/ct.js';
import { schemeAlgorithm, schemeMatchesKey } from '../../crypto/schemes.js';
import type { Hash, PrivateKey, PublicKey } from '../../crypto/types.js';
import type { Credentials } from '../../config.js';
import { Alert, ErrorCode, fail } from '../../errors.js';
import {
  CipherSuite, ExtensionType as X, HandshakeType as H, TLS12, groupName, schemeName, suiteName,
} from '../../registry.js';
import { checkFinished, checkPeerChain } from '../authentication.js';
import { isIpLiteral } from '../client.js';
import { Handshake, type HandshakeHost } from '../handshake.js';
import { Tls12Protection } from '../../record/tls12-protection.js';
import { tls12Suite, type Tls12KeyExchange } from './suites.js';
import { parseFinished, writeCertificateVerify, writeFinished, type ServerHello } from '../messages.js';
import {
  MAX_RENEGOTIATION_ATTEMPTS, clientHelloExtensions12Length, parseCertificate12, parseCertificateRequest12, parseCertificateStatus,
  parseEcdheServerKeyExchange, parseEmpty, parseNewSessionTicket12, parsePskServerKeyExchange,
  parseServerHelloExtensions12, serverKeyExchangeSigned, writeCertificate12, writeClientHelloExtensions12,
  writeEcdheClientKeyExchange, writePskClientKeyExchange, type ServerHelloExtensions12,
} from './messages.js';
import {
  VERIFY_DATA_LENGTH, extendedMasterSecret, keyBlock, masterSecret, pskPreMaster, verifyData, type WriteKeys,
} from './prf.js';
import { decodeSession12, encodeSession12, session12Usable, type Session12 } from './session.js';
import type { Tls12Client, Tls12ClientStart } from './support.js';

/** The last 8 bytes of a TLS 1.3 server's random when it negotiates TLS 1.2 / TLS 1.1 or below (RFC 8446 4.1.3). */
const DOWNGRADE_TLS12 = asciiBytes('DOWNGRD\x01');
const DOWNGRADE_TLS11 = asciiBytes('DOWNGRD\x00');
/** Longest ticket kept (a larger one is not saved: our ClientHello reserves room for this much). */
const MAX_TICKET = 1024;
/** Longest PSK identity sent in a ClientKeyExchange (the arena reserves it). */
const MAX_PSK_IDENTITY = 1024;
/** Lifetime given to a session without a ticket lifetime hint, in seconds. */
const DEFAULT_LIFETIME = 7200;

type State =
  | 'SERVER_HELLO_RECEIVED'
  | 'SERVER_CERTIFICATE_RECEIVED'
  | 'CERTIFICATE_STATUS_RECEIVED'
  | 'SERVER_KEY_EXCHANGE_RECEIVED'
  | 'CERTIFICATE_REQUEST_RECEIVED'
  | 'CLIENT_FINISHED_SENT'
  | 'NEW_SESSION_TICKET_RECEIVED'
  | 'CHANGE_CIPHER_SPEC_RECEIVED'
  | 'CONNECTED';

/** The server's ephemeral key from its ServerKeyExchange. */
interface ServerShare {
  group: number;
  point: Uint8Array;
}

export class Tls12ClientHandshake extends Handshake<State> {
  private readonly kx: Tls12KeyExchange;
  private readonly prfHash: Hash;
  private readonly clientRandom12: Uint8Array;
  private readonly serverRandom: Uint8Array;
  private readonly ext: ServerHelloExtensions12;
  private readonly resumed: Session12 | null;
  /** Every handshake message so far, while a CertificateVerify of ours may need them (null otherwise). */
  private messages: Uint8Array[] | null = null;
  private chain: Uint8Array[] = [];
  private serverKey: PublicKey | null = null;
  private share: ServerShare | null = null;
  private requestSchemes: number[] | null = null;
  private master: Uint8Array | null = null;
  private block: { client: WriteKeys; server: WriteKeys } | null = null;
  private ticket: { ticket: Uint8Array; lifetime: number } | null = null;
  private serverSessionId: Uint8Array;
  private saved: Session12 | null = null;
  private helloRequests = 0;

  constructor(host: HandshakeHost, hello: Tls12ClientStart, msg: Uint8Array, sh: ServerHello) {
    super(host, 'connect');
    const s = host.settings;
    this.started = true;
    this.version = TLS12;
    this.keyUpdates = false;
    this.transcript = hello.transcript;
    this.clientRandom = this.clientRandom12 = hello.clientRandom;
    this.serverRandom = copyBytes(sh.random);
    const suite = tls12Suite(sh.cipherSuite);
    if (!suite || s.tls12Suites.indexOf(sh.cipherSuite) < 0) {
      fail(ErrorCode.ILLEGAL_PARAMETER, Alert.illegal_parameter, 'server chose cipher suite ' + suiteName(sh.cipherSuite) + ', not offered');
    }
    // RFC 8446 4.1.3: a TLS 1.3 server that negotiates TLS 1.2 says so in its random; an attacker who
    // removed TLS 1.3 from our ClientHello cannot remove it (the random is signed or in the Finished).
    if (hello.offeredTls13 && (endsWith(sh.random, DOWNGRADE_TLS12) || endsWith(sh.random, DOWNGRADE_TLS11))) {
      fail(ErrorCode.DOWNGRADE_DETECTED, Alert.illegal_parameter);
    }
    this.kx = suite.kx;
    const held = hello.transcript.heldMessage;
    if (held && host.credentials.privateKey && host.credentials.chain.length > 0 && suite.kx !== 'psk') this.messages = [copyBytes(held)];
    this.setSuite(sh.cipherSuite, suite.aead);
    this.prfHash = this.suiteHashFn();
    this.ext = this.checkExtensions(sh);
    this.record(msg);
    this.serverSessionId = copyBytes(sh.sessionIdEcho);

    // Resumption: the server echoes the session id we sent with a session (RFC 5246 7.4.1.3, RFC 5077 3.4).
    const session = hello.session as Session12 | null;
    const echo = sh.sessionIdEcho;
    this.resumed = session && echo.length > 0 && constantTimeEqual(echo, hello.sessionId) ? session : null;
    const r = this.resumed;
    if (r) {
      if (r.suite !== sh.cipherSuite) fail(ErrorCode.ILLEGAL_PARAMETER, Alert.illegal_parameter, 'resumed session with another cipher suite');
      // RFC 7627 5.3: a session with an extended master secret resumes only with it, and one without never does.
      if (r.ems !== !!this.ext.extendedMasterSecret) {
        fail(ErrorCode.EXTENDED_MASTER_SECRET_REQUIRED, Alert.handshake_failure, 'resumption changes extended_master_secret');
      }
      this.mode = 'resumed';
      this.alpn = r.alpn;
      this.master = copyBytes(r.psk);
      this.deriveKeys();
      host.log('negotiated TLS 1.2 ' + suiteName(this.suite) + ', resuming a session');
    } else {
      if (!this.ext.extendedMasterSecret && s.requireExtendedMasterSecret) {
        fail(ErrorCode.EXTENDED_MASTER_SECRET_REQUIRED, Alert.handshake_failure);
      }
      if (suite.kx === 'psk') this.mode = 'psk';
      host.log('negotiated TLS 1.2 ' + suiteName(this.suite) + (this.ext.extendedMasterSecret ? ' with extended master secret' : ' WITHOUT extended master secret'));
    }
    this.enter('SERVER_HELLO_RECEIVED');
  }

  /** The ServerHello's extensions: only ones we offered, each consistent with what we asked (RFC 5246 7.4.1.4). */
  private checkExtensions(sh: ServerHello): ServerHelloExtensions12 {
    const h = this.host;
    const s = h.settings;
    const offered = (type: number): boolean => {
      switch (type) {
        case X.server_name: return !!s.serverName && !isIpLiteral(s.serverName);
        case X.application_layer_protocol_negotiation: return !!s.alpn;
        case X.max_fragment_length: return !!s.maxFragmentLength;
        case X.status_request: return s.ocsp !== 'off';
        case X.record_size_limit: return !!s.recordSizeLimit;
      }
      return type === X.extended_master_secret || type === X.renegotiation_info || type === X.session_ticket || type === X.ec_point_formats;
    };
    const ext = parseServerHelloExtensions12(sh.tls12Extensions ?? null, offered);
    // RFC 5746 3.4: an initial handshake's renegotiation_info is empty. (Without it the server is a legacy
    // one; we never renegotiate, so nothing can be spliced: allowed.)
    if (ext.renegotiationInfo && ext.renegotiationInfo.length !== 0) fail(ErrorCode.BAD_RENEGOTIATION_INFO, Alert.handshake_failure);
    if (!ext.renegotiationInfo) h.log('server sent no renegotiation_info (a legacy server; we never renegotiate)');
    if (ext.alpn) {
      const chosen = ext.alpn;
      if (!s.alpn || !s.alpn.some((p) => constantTimeEqual(p, chosen))) {
        fail(ErrorCode.ILLEGAL_PARAMETER, Alert.illegal_parameter, 'server selected an ALPN protocol we did not offer');
      }
      this.alpn = copyBytes(chosen);
    }
    if (ext.maxFragmentLength !== undefined) {
      if (ext.maxFragmentLength !== s.maxFragmentLength) fail(ErrorCode.ILLEGAL_PARAMETER, Alert.illegal_parameter, 'max_fragment_length differs from the request');
      h.limitFragment(ext.maxFragmentLength);
    }
    if (ext.recordSizeLimit !== undefined && s.recordSizeLimit) {
      // RFC 8449 4: in TLS 1.2 the limit counts the plaintext alone (we sent ours + 1, TLS 1.3's way).
      h.limitFragment(ext.recordSizeLimit);
      h.limitReceive(s.recordSizeLimit + 1);
    }
    if (h.receiveLimit < 16384 && ext.maxFragmentLength === undefined && ext.recordSizeLimit === undefined) {
      fail(ErrorCode.RECORD_LIMIT_REFUSED, Alert.handshake_failure, 'record buffer of ' + h.receiveLimit + ' bytes');
    }
    return ext;
  }

  /** Adds a message to the transcript (and to the messages a CertificateVerify of ours signs). */
  private record(msg: Uint8Array): void {
    this.transcript.update(msg);
    if (this.messages) this.messages.push(copyBytes(msg));
  }

  /** Seals the message written since beginMessage(); the connection adds it to the transcript. */
  private send(): void {
    if (this.messages) this.messages.push(copyBytes(this.host.stagedMessage()));
    this.host.sendMessage();
  }

  start(): void {
    // Started by the ClientHello machine, which sent the ClientHello.
  }

  override handle(type: number, msg: Uint8Array, body: Uint8Array): boolean {
    if (type === H.hello_request) return this.onHelloRequest(body);
    return this.done ? this.handlePostHandshake(type) : this.handleHandshake(type, msg, body);
  }

  protected handleHandshake(type: number, msg: Uint8Array, body: Uint8Array): boolean {
    const ecdhe = this.kx !== 'psk';
    switch (this.state) {
      case 'SERVER_HELLO_RECEIVED':
        if (this.resumed) {
          if (type === H.new_session_ticket && this.ext.sessionTicket) return this.onNewSessionTicket(msg, body);
        } else if (ecdhe) {
          if (type === H.certificate) return this.onCertificate(msg, body);
        } else if (type === H.server_key_exchange) {
          return this.onServerKeyExchange(msg, body);
        } else if (type === H.server_hello_done) {
          return this.onServerHelloDone(msg, body);
        }
        break;
      case 'SERVER_CERTIFICATE_RECEIVED':
        if (type === H.certificate_status && this.ext.statusRequest) return this.onCertificateStatus(msg, body);
        if (type === H.server_key_exchange) return this.onServerKeyExchange(msg, body);
        break;
      case 'CERTIFICATE_STATUS_RECEIVED':
        if (type === H.server_key_exchange) return this.onServerKeyExchange(msg, body);
        break;
      case 'SERVER_KEY_EXCHANGE_RECEIVED':
        if (type === H.certificate_request && ecdhe) return this.onCertificateRequest(msg, body);
        if (type === H.server_hello_done) return this.onServerHelloDone(msg, body);
        break;
      case 'CERTIFICATE_REQUEST_RECEIVED':
        if (type === H.server_hello_done) return this.onServerHelloDone(msg, body);
        break;
      case 'CLIENT_FINISHED_SENT':
        if (type === H.new_session_ticket && this.ext.sessionTicket) return this.onNewSessionTicket(msg, body);
        break;
      case 'CHANGE_CIPHER_SPEC_RECEIVED':
        if (type === H.finished) return this.onFinished(msg, body);
        break;
    }
    return this.unexpected(type);
  }

  protected handlePostHandshake(type: number): boolean {
    return this.unexpected(type);
  }

  /** RFC 5246 7.4.1.1: ignored during a handshake; afterwards we refuse to renegotiate (a warning, RFC 5746 4.2). */
  private onHelloRequest(body: Uint8Array): boolean {
    parseEmpty(body, 'HelloRequest');
    if (++this.helloRequests > MAX_RENEGOTIATION_ATTEMPTS) {
      fail(ErrorCode.UNEXPECTED_MESSAGE, Alert.unexpected_message, 'more than ' + MAX_RENEGOTIATION_ATTEMPTS + ' HelloRequests');
    }
    if (this.done) {
      this.host.log('received HelloRequest: renegotiation refused');
      this.host.sendWarningAlert(Alert.no_renegotiation);
    }
    return false;
  }

  // --- the server's certificate and key exchange ---

  private onCertificate(msg: Uint8Array, body: Uint8Array): boolean {
    const s = this.host.settings;
    const chain = parseCertificate12(body, s.verifyDepth + 2);
    if (chain.length === 0) fail(ErrorCode.CERTIFICATE_REQUIRED, Alert.handshake_failure, 'server sent no certificate');
    // Copies: the message buffer is reused for the next message. Validated with the
    // CertificateStatus when one comes (its OCSP response is part of the check).
    this.chain = chain.map(copyBytes);
    this.record(msg);
    this.enter('SERVER_CERTIFICATE_RECEIVED');
    return false;
  }

  private onCertificateStatus(msg: Uint8Array, body: Uint8Array): boolean {
    this.validateChain(parseCertificateStatus(body));
    this.record(msg);
    this.enter('CERTIFICATE_STATUS_RECEIVED');
    return false;
  }

  /** Validates the server's chain and checks its key fits the suite (RFC 8422 5.3). */
  private validateChain(ocsp: Uint8Array | null): PublicKey {
    const c = this.host.credentials;
    const key = checkPeerChain(c, this.chain, 'serverAuth', c.settings.serverName, ocsp).publicKey;
    const fits = this.kx === 'ecdhe_rsa' ? key.kind === 'rsa' : key.kind === 'ec' || key.kind === 'ed25519' || key.kind === 'ed448';
    if (!fits) fail(ErrorCode.CERT_UNSUPPORTED_KEY, Alert.unsupported_certificate, key.kind + ' key for ' + suiteName(this.suite));
    this.peerCertificates = this.chain;
    this.serverKey = key;
    return key;
  }

  private onServerKeyExchange(msg: Uint8Array, body: Uint8Array): boolean {
    if (this.kx === 'psk') {
      const hint = parsePskServerKeyExchange(body);
      this.host.log('PSK identity hint of ' + hint.length + ' bytes (not used)');
    } else {
      const key = this.serverKey ?? this.validateChain(null);
      const ske = parseEcdheServerKeyExchange(body);
      const s = this.host.settings;
      if (s.groups.indexOf(ske.group) < 0) fail(ErrorCode.ILLEGAL_PARAMETER, Alert.illegal_parameter, 'ServerKeyExchange for ' + groupName(ske.group) + ', not offered');
      this.checkSignature(key, ske.scheme, serverKeyExchangeSigned(this.clientRandom12, this.serverRandom, ske.params), ske.signature);
      this.signatureScheme = ske.scheme;
      this.share = { group: ske.group, point: copyBytes(ske.point) };
    }
    this.record(msg);
    this.enter('SERVER_KEY_EXCHANGE_RECEIVED');
    return false;
  }

  /**
   * The ServerKeyExchange signature: a scheme we offered, fitting the key (an
   * ECDSA scheme names its hash alone in TLS 1.2, whatever the curve), then
   * the signature over both randoms and the parameters.
   */
  private checkSignature(key: PublicKey, scheme: number, signed: Uint8Array, signature: Uint8Array): void {
    const s = this.host.settings;
    const alg = schemeAlgorithm(scheme);
    if (!alg || s.signatureSchemes.indexOf(scheme) < 0) {
      fail(ErrorCode.ILLEGAL_PARAMETER, Alert.illegal_parameter, 'signature scheme ' + schemeName(scheme) + ' was not offered');
    }
    if (!(alg.type === 'ecdsa' ? key.kind === 'ec' : schemeMatchesKey(scheme, key))) {
      fail(ErrorCode.ILLEGAL_PARAMETER, Alert.illegal_parameter, schemeName(scheme) + ' does not match the certificate key');
    }
    if (!s.crypto.verify(alg, key, signed, signature)) fail(ErrorCode.BAD_CERT_VERIFY, Alert.decrypt_error, 'ServerKeyExchange ' + schemeName(scheme));
  }

  private onCertificateRequest(msg: Uint8Array, body: Uint8Array): boolean {
    this.requestSchemes = parseCertificateRequest12(body).schemes;
    this.record(msg);
    this.enter('CERTIFICATE_REQUEST_RECEIVED');
    return false;
  }

  // --- our flight ---

  private onServerHelloDone(msg: Uint8Array, body: Uint8Array): boolean {
    parseEmpty(body, 'ServerHelloDone');
    this.record(msg);
    const h = this.host;
    h.resetOutput();
    const signer = this.requestSchemes ? this.sendCertificate(this.requestSchemes) : null;
    const preMaster = this.kx === 'psk' ? this.sendPskKeyExchange() : this.sendEcdheKeyExchange();
    const hash = this.prfHash;
    this.master = this.ext.extendedMasterSecret
      ? extendedMasterSecret(hash, preMaster, this.transcriptHash())
      : masterSecret(hash, preMaster, this.clientRandom12, this.serverRandom);
    preMaster.fill(0);
    this.deriveKeys();
    if (signer) this.sendCertificateVerify(signer.scheme, signer.key);
    this.messages = null;
    this.sendChangeCipherSpecAndFinished();
    this.enter('CLIENT_FINISHED_SENT');
    return false;
  }

  /** Our Certificate: our chain when our key has a scheme the server accepts, else empty (RFC 5246 7.4.6). */
  private sendCertificate(schemes: number[]): { scheme: number; key: PrivateKey } | null {
    const h = this.host;
    const c = h.credentials;
    const key = c.privateKey;
    let scheme = 0;
    if (key && c.chain.length > 0) {
      for (const sc of c.settings.signatureSchemes) if (schemeMatchesKey(sc, key) && schemes.indexOf(sc) >= 0) { scheme = sc; break; }
    }
    if (!scheme) h.log('no client certificate for the requested schemes: sending an empty Certificate');
    h.beginMessage();
    writeCertificate12(h.out, scheme ? c.chain : []);
    this.send();
    return scheme && key ? { scheme, key } : null;
  }

  /** CertificateVerify (RFC 5246 7.4.8): a signature over every handshake message so far. */
  private sendCertificateVerify(scheme: number, key: PrivateKey): void {
    const h = this.host;
    const messages = this.messages ?? fail(ErrorCode.INTERNAL, Alert.internal_error, 'handshake messages not kept');
    let n = 0;
    for (const m of messages) n += m.length;
    const all = new Uint8Array(n);
    n = 0;
    for (const m of messages) {
      all.set(m, n);
      n += m.length;
    }
    const s = h.settings;
    const signature = s.crypto.sign(schemeAlgorithm(scheme)!, key, all, s.random);
    h.beginMessage();
    writeCertificateVerify(h.out, { scheme, signature });
    this.send();
  }

  /** ClientKeyExchange with our ephemeral key; returns the premaster secret (the ECDH shared secret, RFC 8422 5.10). */
  private sendEcdheKeyExchange(): Uint8Array {
    const h = this.host;
    const share = this.share ?? fail(ErrorCode.INTERNAL, Alert.internal_error, 'no server key share');
    const kx = h.settings.crypto.group(share.group) ?? fail(ErrorCode.INTERNAL, Alert.internal_error, 'no provider for ' + groupName(share.group));
    const pair = kx.generate(h.settings.random);
    const shared = kx.shared(pair.priv, share.point);
    pair.priv.fill(0);
    if (!shared) return fail(ErrorCode.BAD_KEY_SHARE, Alert.illegal_parameter, 'server key is not a valid ' + groupName(share.group) + ' point');
    this.group = share.group;
    h.beginMessage();
    writeEcdheClientKeyExchange(h.out, pair.pub);
    this.send();
    return shared;
  }

  /** ClientKeyExchange with our PSK identity (RFC 4279 2); returns the premaster secret. */
  private sendPskKeyExchange(): Uint8Array {
    const h = this.host;
    const s = h.settings;
    const psk = s.pskClient ? s.pskClient(s.serverName) : null;
    if (!psk) return fail(ErrorCode.NO_CREDENTIALS, Alert.handshake_failure, 'the server chose a PSK suite and pskClient gives no key');
    if (psk.identity.length === 0 || psk.identity.length > MAX_PSK_IDENTITY) {
      fail(ErrorCode.BAD_CONFIG, Alert.internal_error, 'pskClient: identity of ' + psk.identity.length + ' bytes (1..' + MAX_PSK_IDENTITY + ')');
    }
    if ((psk.hash ?? 'sha256') !== this.prfHash.name) fail(ErrorCode.NO_CREDENTIALS, Alert.handshake_failure, 'the PSK is bound to ' + psk.hash);
    this.pskMode = 'psk_ke';
    h.beginMessage();
    writePskClientKeyExchange(h.out, psk.identity);
    this.send();
    return pskPreMaster(psk.key);
  }

  /** The key block from the master secret (RFC 5246 6.3), and the CLIENT_RANDOM key log line. */
  private deriveKeys(): void {
    const master = this.master ?? fail(ErrorCode.INTERNAL, Alert.internal_error, 'no master secret');
    const aead = this.aead ?? fail(ErrorCode.INTERNAL, Alert.internal_error, 'no cipher suite');
    // A 12-byte IV for ChaCha20-Poly1305 (RFC 7905), else the 4-byte salt of GCM and CCM.
    const ivLen = isChaCha(this.suite) ? 12 : 4;
    this.block = keyBlock(this.prfHash, master, this.clientRandom12, this.serverRandom, aead.keyLen, ivLen);
    this.keyLog('CLIENT_RANDOM', master);
  }

  private sendChangeCipherSpecAndFinished(): void {
    const h = this.host;
    const keys = this.block ?? fail(ErrorCode.INTERNAL, Alert.internal_error, 'no keys');
    h.sendChangeCipherSpec();
    h.setWriteProtection(new Tls12Protection(this.aead!, keys.client.key, keys.client.iv));
    keys.client.key.fill(0);
    h.beginMessage();
    writeFinished(h.out, verifyData(this.prfHash, this.master!, true, this.transcriptHash()));
    this.send();
  }

  // --- the server's ticket, ChangeCipherSpec and Finished ---

  private onNewSessionTicket(msg: Uint8Array, body: Uint8Array): boolean {
    const t = parseNewSessionTicket12(body);
    this.record(msg);
    if (t.ticket.length === 0) this.host.log('received an empty NewSessionTicket: no ticket');
    else if (t.ticket.length > MAX_TICKET) this.host.log('received a NewSessionTicket of ' + t.ticket.length + ' bytes: longer than ' + MAX_TICKET + ', not kept');
    else {
      this.ticket = { ticket: copyBytes(t.ticket), lifetime: t.lifetimeHint };
      this.host.log('received NewSessionTicket (lifetime hint ' + t.lifetimeHint + ' s)');
    }
    this.enter('NEW_SESSION_TICKET_RECEIVED');
    return false;
  }

  override changeCipherSpec(): void {
    const st = this.state;
    // With session_ticket acknowledged a NewSessionTicket must come first (RFC 5077 3.3).
    const ready = st === 'NEW_SESSION_TICKET_RECEIVED' ||
      (!this.ext.sessionTicket && (st === 'CLIENT_FINISHED_SENT' || (st === 'SERVER_HELLO_RECEIVED' && this.resumed !== null)));
    if (!ready) fail(ErrorCode.UNEXPECTED_CCS, Alert.unexpected_message, 'ChangeCipherSpec in state ' + st);
    const keys = this.block ?? fail(ErrorCode.INTERNAL, Alert.internal_error, 'no keys');
    this.host.setReadProtection(new Tls12Protection(this.aead!, keys.server.key, keys.server.iv));
    keys.server.key.fill(0);
    this.enter('CHANGE_CIPHER_SPEC_RECEIVED');
  }

  private onFinished(msg: Uint8Array, body: Uint8Array): boolean {
    const master = this.master ?? fail(ErrorCode.INTERNAL, Alert.internal_error, 'no master secret');
    checkFinished(verifyData(this.prfHash, master, false, this.transcriptHash()), parseFinished(body, VERIFY_DATA_LENGTH));
    this.record(msg);
    if (this.resumed) {
      this.host.resetOutput();
      this.sendChangeCipherSpecAndFinished();
    }
    this.saveSession(master);
    this.done = true;
    this.enter('CONNECTED');
    return false;
  }

  /** The session getSession() returns: the new ticket, else the server's session id, else the resumed one. */
  private saveSession(master: Uint8Array): void {
    const s = this.host.settings;
    const r = this.resumed;
    const ticket = this.ticket;
    // A session without an extended master secret is never resumed (RFC 7627 5.3 lets a client refuse it).
    if (!s.now || !this.ext.extendedMasterSecret) {
      this.saved = r;
      return;
    }
    if (!ticket && (r || this.serverSessionId.length === 0)) {
      this.saved = r;
      return;
    }
    this.saved = {
      version: TLS12,
      suite: this.suite,
      psk: copyBytes(master),
      lifetime: Math.min(ticket && ticket.lifetime > 0 ? ticket.lifetime : DEFAULT_LIFETIME, 604800),
      ageAdd: 0,
      maxEarlyData: 0,
      alpn: this.alpn,
      serverName: s.serverName,
      receivedAt: s.now(),
      ems: true,
      // With a ticket we send a fresh id of our own next time (RFC 5077 3.4).
      sessionId: ticket ? new Uint8Array(0) : this.serverSessionId,
      ticket: ticket ? ticket.ticket : new Uint8Array(0),
    };
  }

  override sessionBytes(): Uint8Array | null {
    return this.saved ? encodeSession12(this.saved) : null;
  }
}

function endsWith(random: Uint8Array, tail: Uint8Array): boolean {
  return constantTimeEqual(random, tail, random.length - tail.length, 0, tail.length);
}

function isChaCha(suite: number): boolean {
  const s = tls12Suite(suite);
  return s !== null && s.aead === CipherSuite.TLS_CHACHA20_POLY1305_SHA256;
}

/** TLS 1.2 on the client side, as ContextOptions.tls12.client takes it. */
export const tls12Client: Tls12Client = {
  writeHelloExtensions(w, session) {
    writeClientHelloExtensions12(w, session ? (session as Session12).ticket : new Uint8Array(0));
  },
  helloExtensionsBound: clientHelloExtensions12Length(MAX_TICKET),
  flightBound: 4 + 2 + MAX_PSK_IDENTITY,
  sessionId: (session) => {
    const id = (session as Session12).sessionId;
    return id.length > 0 ? id : null;
  },
  usable(session, c: Credentials) {
    const s = c.settings;
    const t = session as Session12;
    return !!s.now && session12Usable(t, s.now()) && s.tls12Suites.indexOf(t.suite) >= 0;
  },
  start: (host, hello, msg, sh) => new Tls12ClientHandshake(host, hello, msg, sh),
  decodeSession: decodeSession12,
};
