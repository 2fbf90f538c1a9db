// The TLS 1.3 server handshake (RFC 8446 section 2, figures 1 and 2; 4.1-4.4).
// Named states and the messages each accepts:
//   START                       ClientHello
//   HELLO_RETRY_REQUEST_SENT    the second ClientHello
//   SERVER_FINISHED_SENT        Certificate (when requested) or Finished
//   CLIENT_CERTIFICATE_RECEIVED CertificateVerify (or Finished after an empty Certificate)
//   CLIENT_CERTIFICATE_VERIFY_RECEIVED Finished
//   CONNECTED                   post-handshake messages
import { constantTimeEqual } from '../crypto/ct.js';
import type { PublicKey } from '../crypto/types.js';
import { Alert, ErrorCode, fail } from '../errors.js';
import { HandshakeType, TLS13, groupName, schemeName, suiteName } from '../registry.js';
import { checkFinished, checkPeerChain, chooseScheme, signCertificateVerify, verifyCertificateVerify } from './authentication.js';
import { Handshake, type HandshakeHost } from './handshake.js';
import {
  HRR_RANDOM,
  parseCertificate as parseCertificateMessage,
  parseCertificateVerify,
  parseClientHello,
  parseFinished,
  writeCertificate,
  writeCertificateRequest,
  writeCertificateVerify,
  writeEncryptedExtensions,
  writeServerHello,
  type ClientHello,
} from './messages.js';

export class ServerHandshake extends Handshake {
  private readonly random = new Uint8Array(32);
  private cookie: Uint8Array | null = null;
  private hrrGroup = 0;
  private clientHsSecret: Uint8Array | null = null;
  private requestedSchemes: number[] | null = null;
  private clientKey: PublicKey | null = null;

  constructor(host: HandshakeHost) {
    super(host, 'accept');
  }

  start(): void {
    this.started = true;
    this.enter('START');
  }

  protected handleHandshake(type: number, msg: Uint8Array, body: Uint8Array): boolean {
    switch (this.state) {
      case 'START':
      case 'HELLO_RETRY_REQUEST_SENT':
        if (type !== HandshakeType.client_hello) return this.unexpected(type);
        return this.onClientHello(msg, parseClientHello(body));
      case 'SERVER_FINISHED_SENT':
        if (type === HandshakeType.certificate && this.requestedSchemes) {
          this.onCertificate(body);
          break;
        }
        if (type !== HandshakeType.finished || this.requestedSchemes) return this.unexpected(type);
        this.onFinished(msg, body);
        return true;
      case 'CLIENT_CERTIFICATE_RECEIVED':
        if (type === HandshakeType.certificate_verify && this.clientKey) {
          this.onCertificateVerify(body);
          break;
        }
        if (type !== HandshakeType.finished || this.clientKey) return this.unexpected(type);
        this.onFinished(msg, body);
        return true;
      case 'CLIENT_CERTIFICATE_VERIFY_RECEIVED':
        if (type !== HandshakeType.finished) return this.unexpected(type);
        this.onFinished(msg, body);
        return true;
      default:
        return this.unexpected(type);
    }
    this.transcript.update(msg);
    return false;
  }

  private onClientHello(msg: Uint8Array, ch: ClientHello): boolean {
    const h = this.host;
    const s = h.settings;
    const ctx = h.context;
    const retry = this.state === 'HELLO_RETRY_REQUEST_SENT';
    const versions = ch.ext.supportedVersions;
    if (!versions || versions.indexOf(TLS13) < 0) {
      fail(ErrorCode.VERSION_MISMATCH, Alert.protocol_version, 'client does not offer TLS 1.3');
    }
    if (!retry) {
      this.clientRandom = ch.random.slice();
      h.log('client offers ' + ch.cipherSuites.map(suiteName).join(','));
    }

    let suite = 0;
    for (const cs of s.cipherSuites) if (ch.cipherSuites.indexOf(cs) >= 0) { suite = cs; break; }
    if (!suite) fail(ErrorCode.NO_SHARED_CIPHER, Alert.handshake_failure);
    if (retry && suite !== this.suite) fail(ErrorCode.ILLEGAL_PARAMETER, Alert.illegal_parameter, 'cipher suite changed after HelloRetryRequest');

    if (!ctx.leaf || !ctx.privateKey) fail(ErrorCode.BAD_CONFIG, Alert.internal_error, 'server has no certificate and key');
    if (!ch.ext.signatureAlgorithms) fail(ErrorCode.MISSING_EXTENSION, Alert.missing_extension, 'signature_algorithms');
    const scheme = chooseScheme(ctx.ownSchemes(), ch.ext.signatureAlgorithms);
    if (!scheme) fail(ErrorCode.NO_SHARED_SIGALG, Alert.handshake_failure, 'client accepts none of ' + ctx.ownSchemes().map(schemeName).join(','));

    const groups = ch.ext.supportedGroups;
    const shares = ch.ext.keyShares;
    if (!groups) fail(ErrorCode.MISSING_EXTENSION, Alert.missing_extension, 'supported_groups');
    if (!shares) fail(ErrorCode.MISSING_EXTENSION, Alert.missing_extension, 'key_share');

    if (retry) {
      if (!this.cookie || !ch.ext.cookie || !constantTimeEqual(ch.ext.cookie, this.cookie)) {
        fail(ErrorCode.ILLEGAL_PARAMETER, Alert.illegal_parameter, 'cookie not echoed');
      }
      if (shares.length !== 1 || shares[0].group !== this.hrrGroup) {
        fail(ErrorCode.ILLEGAL_PARAMETER, Alert.illegal_parameter, 'second ClientHello must share only ' + groupName(this.hrrGroup));
      }
    }

    // Our most preferred group for which the client sent a share; else the
    // most preferred group it supports, asked for with a HelloRetryRequest.
    let share = null;
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

    if (!retry) this.setSuite(suite);
    this.transcript.update(msg);
    this.signatureScheme = scheme;
    this.group = share.group;
    const kx = s.crypto.group(share.group)!;
    const pair = kx.generate(s.random);
    const shared = kx.shared(pair.priv, share.keyExchange);
    pair.priv.fill(0);
    if (!shared) fail(ErrorCode.BAD_KEY_SHARE, Alert.illegal_parameter, 'client key share is not a valid ' + groupName(share.group) + ' point');
    h.log('negotiated ' + suiteName(suite) + ' with ' + groupName(share.group) + ', signing with ' + schemeName(scheme));
    this.enter('CLIENT_HELLO_RECEIVED');

    s.random(this.random);
    h.resetOutput();
    h.beginMessage();
    writeServerHello(h.out, {
      legacyVersion: 0x0303,
      random: this.random,
      sessionIdEcho: ch.sessionId,
      cipherSuite: suite,
      isHelloRetryRequest: false,
      ext: { supportedVersion: TLS13, keyShare: { group: share.group, keyExchange: pair.pub } },
    });
    h.sendMessage();
    // Middlebox compatibility (RFC 8446 D.4): a dummy ChangeCipherSpec after our first message.
    if (ch.sessionId.length > 0 && !retry) h.sendChangeCipherSpec();

    const ks = this.keys!;
    ks.handshake(shared);
    shared.fill(0);
    let th = this.transcriptHash();
    this.clientHsSecret = ks.clientHandshakeTrafficSecret(th);
    const serverHs = ks.serverHandshakeTrafficSecret(th);
    this.install(this.clientHsSecret, 'read', 'CLIENT_HANDSHAKE_TRAFFIC_SECRET');
    this.install(serverHs, 'write', 'SERVER_HANDSHAKE_TRAFFIC_SECRET');

    h.beginMessage();
    writeEncryptedExtensions(h.out, { ext: {} });
    h.sendMessage();
    if (s.verify !== 'none') {
      this.requestedSchemes = s.signatureSchemes;
      h.beginMessage();
      writeCertificateRequest(h.out, { context: new Uint8Array(0), ext: { signatureAlgorithms: s.signatureSchemes } });
      h.sendMessage();
    }
    h.beginMessage();
    writeCertificate(h.out, { context: new Uint8Array(0), entries: ctx.chain.map((cert) => ({ cert })) });
    h.sendMessage();
    const sig = signCertificateVerify(ctx, scheme, ctx.privateKey, true, this.transcriptHash());
    h.beginMessage();
    writeCertificateVerify(h.out, { scheme, signature: sig });
    h.sendMessage();
    this.sendFinished(serverHs);
    serverHs.fill(0);

    ks.master();
    th = this.transcriptHash();
    this.clientAppSecret = ks.clientApplicationTrafficSecret(th);
    this.serverAppSecret = ks.serverApplicationTrafficSecret(th);
    this.keyLog('EXPORTER_SECRET', ks.exporterMasterSecret(th));
    this.keyLog('CLIENT_TRAFFIC_SECRET_0', this.clientAppSecret);
    this.install(this.serverAppSecret, 'write', 'SERVER_TRAFFIC_SECRET_0');
    this.enter('SERVER_FINISHED_SENT');
    return true;
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
    h.log('HelloRetryRequest for ' + groupName(group));
    this.enter('HELLO_RETRY_REQUEST_SENT');
  }

  private onCertificate(body: Uint8Array): void {
    const s = this.host.settings;
    const msg = parseCertificateMessage(body, s.verifyDepth + 2);
    if (msg.context.length !== 0) fail(ErrorCode.ILLEGAL_PARAMETER, Alert.illegal_parameter, 'certificate_request_context differs');
    if (msg.entries.length === 0) {
      if (s.verify === 'require') fail(ErrorCode.CERTIFICATE_REQUIRED, Alert.certificate_required);
      this.host.log('client sent no certificate');
    } else {
      this.peerCertificates = msg.entries.map((e) => e.cert.slice());
      this.clientKey = checkPeerChain(this.host.context, this.peerCertificates, 'clientAuth', null).publicKey;
    }
    this.enter('CLIENT_CERTIFICATE_RECEIVED');
  }

  private onCertificateVerify(body: Uint8Array): void {
    const cv = parseCertificateVerify(body);
    verifyCertificateVerify(this.host.context, this.requestedSchemes!, cv.scheme, this.clientKey!, false, this.transcriptHash(), cv.signature);
    this.enter('CLIENT_CERTIFICATE_VERIFY_RECEIVED');
  }

  private onFinished(msg: Uint8Array, body: Uint8Array): void {
    const ks = this.keys!;
    const hashLen = this.hash!.outputLen;
    const received = parseFinished(body, hashLen);
    checkFinished(ks.verifyData(this.clientHsSecret!, this.transcriptHash(), new Uint8Array(hashLen)), received);
    this.transcript.update(msg);
    this.clientHsSecret!.fill(0);
    this.install(this.clientAppSecret!, 'read', null);
    ks.clear();
    this.done = true;
    this.enter('CONNECTED');
  }
}
