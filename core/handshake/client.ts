// The TLS 1.3 client handshake (RFC 8446 section 2, figure 1; 4.1-4.4).
// Named states and the one message each accepts:
//   CLIENT_HELLO_SENT            ServerHello or HelloRetryRequest
//   SERVER_HELLO_RECEIVED        EncryptedExtensions
//   ENCRYPTED_EXTENSIONS_RECEIVED CertificateRequest or Certificate
//   CERTIFICATE_REQUEST_RECEIVED Certificate
//   SERVER_CERTIFICATE_RECEIVED  CertificateVerify
//   SERVER_CERTIFICATE_VERIFY_RECEIVED Finished
//   CONNECTED                    post-handshake messages
import { asciiBytes } from '../bytes/ascii.js';
import { constantTimeEqual } from '../crypto/ct.js';
import type { PublicKey } from '../crypto/types.js';
import { Alert, ErrorCode, fail } from '../errors.js';
import { HandshakeType, TLS13, groupName, suiteName } from '../registry.js';
import { checkFinished, checkPeerChain, chooseScheme, signCertificateVerify, verifyCertificateVerify } from './authentication.js';
import { Handshake, type HandshakeHost } from './handshake.js';
import {
  parseCertificate as parseCertificateMessage,
  parseCertificateRequest,
  parseCertificateVerify,
  parseEncryptedExtensions,
  parseFinished,
  parseNewSessionTicket,
  parseServerHello,
  writeCertificate,
  writeCertificateVerify,
  writeClientHello,
  type ClientHelloExtensions,
  type ServerHello,
} from './messages.js';

/** True if `name` is an IPv4 or IPv6 literal (never sent as SNI, RFC 6066 3). */
function isIpLiteral(name: string): boolean {
  return name.indexOf(':') >= 0 || /^[0-9.]+$/.test(name);
}

export class ClientHandshake extends Handshake {
  private random = new Uint8Array(32);
  private sessionId = new Uint8Array(0);
  private keyShareGroup = 0;
  private keyPriv: Uint8Array | null = null;
  private keyPub: Uint8Array | null = null;
  private retried = false;
  private cookie: Uint8Array | null = null;
  private clientHsSecret: Uint8Array | null = null;
  private serverHsSecret: Uint8Array | null = null;
  private certRequest: { context: Uint8Array; schemes: number[] } | null = null;
  private serverKey: PublicKey | null = null;

  constructor(host: HandshakeHost) {
    super(host, 'connect');
  }

  start(): void {
    const s = this.host.settings;
    this.started = true;
    s.random(this.random);
    this.clientRandom = this.random;
    if (s.middleboxCompat) {
      this.sessionId = new Uint8Array(32);
      s.random(this.sessionId);
    }
    this.makeKeyShare(s.groups[0]);
    this.sendClientHello();
    this.enter('CLIENT_HELLO_SENT');
  }

  private makeKeyShare(group: number): void {
    const kx = this.host.settings.crypto.group(group)!;
    const pair = kx.generate(this.host.settings.random);
    this.keyShareGroup = group;
    this.keyPriv = pair.priv;
    this.keyPub = pair.pub;
  }

  private sendClientHello(): void {
    const s = this.host.settings;
    const ext: ClientHelloExtensions = {
      supportedVersions: [TLS13],
      supportedGroups: s.groups,
      signatureAlgorithms: s.signatureSchemes,
      keyShares: [{ group: this.keyShareGroup, keyExchange: this.keyPub! }],
    };
    if (s.serverName && !isIpLiteral(s.serverName)) ext.serverName = asciiBytes(s.serverName);
    if (this.cookie) ext.cookie = this.cookie;
    const h = this.host;
    h.resetOutput();
    h.beginMessage();
    writeClientHello(h.out, {
      legacyVersion: 0x0303,
      random: this.random,
      sessionId: this.sessionId,
      cipherSuites: s.cipherSuites,
      ext,
    });
    h.sendMessage();
  }

  protected handleHandshake(type: number, msg: Uint8Array, body: Uint8Array): boolean {
    switch (this.state) {
      case 'CLIENT_HELLO_SENT':
        if (type !== HandshakeType.server_hello) return this.unexpected(type);
        return this.onServerHello(msg, parseServerHello(body));
      case 'SERVER_HELLO_RECEIVED':
        if (type !== HandshakeType.encrypted_extensions) return this.unexpected(type);
        this.onEncryptedExtensions(body);
        break;
      case 'ENCRYPTED_EXTENSIONS_RECEIVED':
        if (type === HandshakeType.certificate_request) {
          this.onCertificateRequest(body);
          break;
        }
        if (type !== HandshakeType.certificate) return this.unexpected(type);
        this.onCertificate(body);
        break;
      case 'CERTIFICATE_REQUEST_RECEIVED':
        if (type !== HandshakeType.certificate) return this.unexpected(type);
        this.onCertificate(body);
        break;
      case 'SERVER_CERTIFICATE_RECEIVED':
        if (type !== HandshakeType.certificate_verify) return this.unexpected(type);
        this.onCertificateVerify(body);
        break;
      case 'SERVER_CERTIFICATE_VERIFY_RECEIVED':
        if (type !== HandshakeType.finished) return this.unexpected(type);
        this.onFinished(msg, body);
        return true;
      default:
        return this.unexpected(type);
    }
    this.transcript.update(msg);
    return false;
  }

  private onServerHello(msg: Uint8Array, sh: ServerHello): boolean {
    const s = this.host.settings;
    if (sh.ext.supportedVersion === undefined) {
      fail(ErrorCode.VERSION_MISMATCH, Alert.protocol_version, 'server chose legacy version 0x' + sh.legacyVersion.toString(16));
    }
    if (sh.ext.supportedVersion !== TLS13 || sh.legacyVersion !== 0x0303) {
      fail(ErrorCode.VERSION_MISMATCH, Alert.illegal_parameter, 'server selected version 0x' + sh.ext.supportedVersion.toString(16));
    }
    if (!constantTimeEqual(sh.sessionIdEcho, this.sessionId)) {
      fail(ErrorCode.ILLEGAL_PARAMETER, Alert.illegal_parameter, 'legacy_session_id_echo differs');
    }
    if (s.cipherSuites.indexOf(sh.cipherSuite) < 0 || (this.suite !== 0 && sh.cipherSuite !== this.suite)) {
      fail(ErrorCode.ILLEGAL_PARAMETER, Alert.illegal_parameter, 'server chose cipher suite ' + suiteName(sh.cipherSuite));
    }
    if (sh.ext.preSharedKey !== undefined) {
      fail(ErrorCode.UNSUPPORTED_EXTENSION, Alert.unsupported_extension, 'pre_shared_key was not offered');
    }
    if (sh.isHelloRetryRequest) return this.onHelloRetryRequest(msg, sh);
    if (sh.ext.cookie !== undefined) fail(ErrorCode.UNSUPPORTED_EXTENSION, Alert.unsupported_extension, 'cookie in ServerHello');
    const share = sh.ext.keyShare;
    if (!share) fail(ErrorCode.MISSING_EXTENSION, Alert.missing_extension, 'ServerHello without key_share');
    if (share.group !== this.keyShareGroup) {
      fail(ErrorCode.ILLEGAL_PARAMETER, Alert.illegal_parameter, 'key_share for ' + groupName(share.group) + ', not the group offered');
    }
    if (this.suite === 0) this.setSuite(sh.cipherSuite);
    this.transcript.update(msg);
    const shared = s.crypto.group(share.group)!.shared(this.keyPriv!, share.keyExchange);
    if (!shared) fail(ErrorCode.BAD_KEY_SHARE, Alert.illegal_parameter, 'server key share is not a valid ' + groupName(share.group) + ' point');
    this.keyPriv!.fill(0);
    this.group = share.group;
    const ks = this.keys!;
    ks.handshake(shared);
    shared.fill(0);
    const th = this.transcriptHash();
    this.clientHsSecret = ks.clientHandshakeTrafficSecret(th);
    this.serverHsSecret = ks.serverHandshakeTrafficSecret(th);
    this.keyLog('CLIENT_HANDSHAKE_TRAFFIC_SECRET', this.clientHsSecret);
    this.install(this.serverHsSecret, 'read', 'SERVER_HANDSHAKE_TRAFFIC_SECRET');
    this.host.log('negotiated ' + suiteName(this.suite) + ' with ' + groupName(share.group));
    this.enter('SERVER_HELLO_RECEIVED');
    return true;
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
      this.keyPriv!.fill(0);
      this.makeKeyShare(group);
    }
    this.cookie = hrr.ext.cookie ?? null;
    // Middlebox compatibility: the dummy ChangeCipherSpec goes before the second ClientHello.
    if (s.middleboxCompat) this.host.sendChangeCipherSpec();
    this.sendClientHello();
    this.enter('CLIENT_HELLO_SENT');
    return false;
  }

  private onEncryptedExtensions(body: Uint8Array): void {
    const ee = parseEncryptedExtensions(body);
    const s = this.host.settings;
    if (ee.ext.serverNameAck && !(s.serverName && !isIpLiteral(s.serverName))) {
      fail(ErrorCode.UNSUPPORTED_EXTENSION, Alert.unsupported_extension, 'server_name was not offered');
    }
    for (const k of ['alpn', 'maxFragmentLength', 'recordSizeLimit', 'earlyData'] as const) {
      if (ee.ext[k] !== undefined) fail(ErrorCode.UNSUPPORTED_EXTENSION, Alert.unsupported_extension, k + ' was not offered');
    }
    this.enter('ENCRYPTED_EXTENSIONS_RECEIVED');
  }

  private onCertificateRequest(body: Uint8Array): void {
    const cr = parseCertificateRequest(body);
    if (cr.context.length !== 0) fail(ErrorCode.ILLEGAL_PARAMETER, Alert.illegal_parameter, 'certificate_request_context must be empty in the handshake');
    this.certRequest = { context: cr.context, schemes: cr.ext.signatureAlgorithms ?? [] };
    this.enter('CERTIFICATE_REQUEST_RECEIVED');
  }

  private onCertificate(body: Uint8Array): void {
    const s = this.host.settings;
    const msg = parseCertificateMessage(body, s.verifyDepth + 2);
    if (msg.context.length !== 0) fail(ErrorCode.ILLEGAL_PARAMETER, Alert.illegal_parameter, 'certificate_request_context must be empty');
    if (msg.entries.length === 0) fail(ErrorCode.DECODE_ERROR, Alert.decode_error, 'server sent no certificate');
    // Keep copies: the message buffer is reused for the next message.
    this.peerCertificates = msg.entries.map((e) => e.cert.slice());
    const leaf = checkPeerChain(this.host.context, this.peerCertificates, 'serverAuth', s.serverName);
    this.serverKey = leaf.publicKey;
    this.enter('SERVER_CERTIFICATE_RECEIVED');
  }

  private onCertificateVerify(body: Uint8Array): void {
    const cv = parseCertificateVerify(body);
    const s = this.host.settings;
    verifyCertificateVerify(this.host.context, s.signatureSchemes, cv.scheme, this.serverKey!, true, this.transcriptHash(), cv.signature);
    this.signatureScheme = cv.scheme;
    this.enter('SERVER_CERTIFICATE_VERIFY_RECEIVED');
  }

  private onFinished(msg: Uint8Array, body: Uint8Array): void {
    const ks = this.keys!;
    const hashLen = this.hash!.outputLen;
    const received = parseFinished(body, hashLen);
    checkFinished(ks.verifyData(this.serverHsSecret!, this.transcriptHash(), new Uint8Array(hashLen)), received);
    this.transcript.update(msg);
    this.enter('SERVER_FINISHED_RECEIVED');

    // Application secrets cover the transcript through the server Finished.
    ks.master();
    const th = this.transcriptHash();
    this.clientAppSecret = ks.clientApplicationTrafficSecret(th);
    this.serverAppSecret = ks.serverApplicationTrafficSecret(th);
    this.keyLog('EXPORTER_SECRET', ks.exporterMasterSecret(th));
    this.keyLog('CLIENT_TRAFFIC_SECRET_0', this.clientAppSecret);
    this.install(this.serverAppSecret, 'read', 'SERVER_TRAFFIC_SECRET_0');

    const h = this.host;
    h.resetOutput();
    if (h.settings.middleboxCompat && !this.retried) h.sendChangeCipherSpec();
    this.install(this.clientHsSecret!, 'write', null);
    if (this.certRequest) this.sendClientCertificate(this.certRequest);
    this.sendFinished(this.clientHsSecret!);
    this.install(this.clientAppSecret, 'write', null);
    this.clientHsSecret!.fill(0);
    this.serverHsSecret!.fill(0);
    ks.clear();
    this.done = true;
    this.enter('CONNECTED');
  }

  protected override handleOtherPostHandshake(type: number, body: Uint8Array): boolean {
    if (type !== HandshakeType.new_session_ticket) return this.unexpected(type);
    // Validated, then dropped: this client does not resume sessions yet.
    const t = parseNewSessionTicket(body);
    this.host.log('received NewSessionTicket (lifetime ' + t.lifetime + ' s), not kept');
    return false;
  }

  private sendClientCertificate(req: { context: Uint8Array; schemes: number[] }): void {
    const h = this.host;
    const ctx = h.context;
    const key = ctx.privateKey;
    const scheme = key && ctx.chain.length > 0 ? chooseScheme(ctx.ownSchemes(), req.schemes) : 0;
    h.beginMessage();
    // No usable certificate: an empty Certificate lets the server's policy decide (RFC 8446 4.4.2).
    writeCertificate(h.out, { context: req.context, entries: scheme ? ctx.chain.map((cert) => ({ cert })) : [] });
    h.sendMessage();
    if (!scheme) {
      h.log('no client certificate for the requested schemes: sending an empty Certificate');
      return;
    }
    const sig = signCertificateVerify(ctx, scheme, key!, false, this.transcriptHash());
    h.beginMessage();
    writeCertificateVerify(h.out, { scheme, signature: sig });
    h.sendMessage();
  }
}

