// The certificate side of the client handshake (RFC 8446 4.4.2, 4.4.3,
// 4.6.2): the server's Certificate and CertificateVerify, CertificateRequest,
// and our own Certificate and CertificateVerify when a server asks: the
// certificate states of the client machine (CertificateClientHandshake) and
// what they check and send. Builds with certificates plug it in (core/index.ts,
// client-ecdhe); the PSK-only builds leave it out and bundle none of it.
import type { PublicKey } from '../crypto/types.js';
import { Alert, ErrorCode, fail } from '../errors.js';
import { HandshakeType } from '../registry.js';
import {
  certificateFlightBound, checkPeerChain, chooseScheme, ownSchemes, signCertificateVerify, verifyCertificateVerify,
} from './authentication.js';
import { ClientHandshake, type CertRequest, type ClientCertificates, type HandshakeSecrets } from './client.js';
import type { HandshakeHost } from './handshake.js';
import {
  parseCertificate, parseCertificateRequest, parseCertificateVerify, writeCertificate, writeCertificateVerify,
} from './messages.js';
import type { Transcript } from './transcript.js';
import { copyBytes } from '../bytes/copy.js';

/**
 * The client machine with the certificate states: after EncryptedExtensions
 * of a handshake without PSK, CertificateRequest or the server's Certificate,
 * its CertificateVerify, then Finished (ours with our certificate flight when
 * asked); after the handshake, post-handshake authentication.
 */
export class CertificateClientHandshake extends ClientHandshake {
  constructor(
    host: HandshakeHost,
    private readonly certs: ClientCertificates,
  ) {
    super(host);
  }

  protected override handleHandshake(type: number, msg: Uint8Array, body: Uint8Array): boolean {
    const T = HandshakeType;
    const st = this.step;
    switch (st?.name) {
      case 'ENCRYPTED_EXTENSIONS_RECEIVED':
        if (this.mode !== 'full') break;
        if (type === T.certificate_request) return this.onCertificateRequest(st.secrets, msg, body);
        if (type === T.certificate) return this.onCertificate(st.secrets, null, msg, body);
        return this.unexpected(type);
      case 'CERTIFICATE_REQUEST_RECEIVED':
        if (type === T.certificate) return this.onCertificate(st.secrets, st.request, msg, body);
        return this.unexpected(type);
      case 'SERVER_CERTIFICATE_RECEIVED':
        if (type === T.certificate_verify) return this.onCertificateVerify(st.secrets, st.request, st.serverKey, msg, body);
        return this.unexpected(type);
      case 'SERVER_CERTIFICATE_VERIFY_RECEIVED':
        if (type === T.finished) return this.onFinished(st.secrets, st.request, msg, body);
        return this.unexpected(type);
    }
    return super.handleHandshake(type, msg, body);
  }

  private onCertificateRequest(secrets: HandshakeSecrets, msg: Uint8Array, body: Uint8Array): boolean {
    const request = this.certs.certificateRequest(body);
    if (request.context.length !== 0) fail(ErrorCode.ILLEGAL_PARAMETER, Alert.illegal_parameter, 'certificate_request_context must be empty in the handshake');
    this.transcript.update(msg);
    this.go({ name: 'CERTIFICATE_REQUEST_RECEIVED', secrets, request });
    return false;
  }

  private onCertificate(secrets: HandshakeSecrets, request: CertRequest | null, msg: Uint8Array, body: Uint8Array): boolean {
    const server = this.certs.serverCertificate(this.host.credentials, body);
    this.peerCertificates = server.chain;
    this.transcript.update(msg);
    this.go({ name: 'SERVER_CERTIFICATE_RECEIVED', secrets, request, serverKey: server.key });
    return false;
  }

  private onCertificateVerify(
    secrets: HandshakeSecrets, request: CertRequest | null, serverKey: PublicKey, msg: Uint8Array, body: Uint8Array,
  ): boolean {
    this.signatureScheme = this.certs.serverCertificateVerify(this.host.credentials, serverKey, this.transcriptHash(), body);
    this.transcript.update(msg);
    this.go({ name: 'SERVER_CERTIFICATE_VERIFY_RECEIVED', secrets, request });
    return false;
  }

  protected override sendClientCertificate(context: Uint8Array, schemes: number[], t: Transcript): void {
    this.certs.sendCertificate(this.host, context, schemes, () => this.sendTo(t), () => this.transcriptHash(t));
  }

  protected override handlePostHandshake(type: number, msg: Uint8Array, body: Uint8Array): boolean {
    const handshake = this.handshakeTranscript;
    if (type !== HandshakeType.certificate_request || !handshake) return super.handlePostHandshake(type, msg, body);
    this.onPostHandshakeAuth(handshake, msg, body);
    return false;
  }

  /** Post-handshake authentication (RFC 8446 4.6.2): Certificate, CertificateVerify, Finished. */
  private onPostHandshakeAuth(handshakeTranscript: Transcript, msg: Uint8Array, body: Uint8Array): void {
    const cr = this.certs.certificateRequest(body);
    if (cr.context.length === 0) fail(ErrorCode.ILLEGAL_PARAMETER, Alert.illegal_parameter, 'post-handshake CertificateRequest needs a context');
    this.host.log('post-handshake CertificateRequest');
    const t = handshakeTranscript.fork();
    t.update(msg);
    this.host.resetOutput();
    this.sendClientCertificate(cr.context, cr.schemes, t);
    this.sendFinished(this.app().client, t);
  }
}

/**
 * Verification only: the server's certificate is checked; asked for ours we
 * send an empty Certificate (a client without a certificate, client-ecdhe).
 */
export const serverVerification: ClientCertificates = {
  handshake(host) {
    return new CertificateClientHandshake(host, this);
  },

  serverCertificate(c, body) {
    const cert = parseCertificate(body, c.settings.verifyDepth + 2);
    if (cert.context.length !== 0) fail(ErrorCode.ILLEGAL_PARAMETER, Alert.illegal_parameter, 'certificate_request_context must be empty');
    if (cert.entries.length === 0) fail(ErrorCode.DECODE_ERROR, Alert.decode_error, 'server sent no certificate');
    // Keep copies: the message buffer is reused for the next message.
    const chain = cert.entries.map((e) => copyBytes(e.cert));
    const ocsp = cert.entries[0].ocspResponse;
    return { chain, key: checkPeerChain(c, chain, 'serverAuth', c.settings.serverName, ocsp ?? null).publicKey };
  },

  serverCertificateVerify(c, key, transcriptHash, body) {
    const cv = parseCertificateVerify(body);
    verifyCertificateVerify(c, c.settings.signatureSchemes, cv.scheme, key, true, transcriptHash, cv.signature);
    return cv.scheme;
  },

  certificateRequest(body) {
    const cr = parseCertificateRequest(body);
    return { context: copyBytes(cr.context), schemes: cr.ext.signatureAlgorithms ?? [] };
  },

  sendCertificate(h, context, _schemes, send) {
    h.beginMessage();
    writeCertificate(h.out, { context, entries: [] });
    send();
  },

  flightBound: () => 8,
};

/** Both ways: the server's certificate checked, and ours (with CertificateVerify) when a server asks. */
export const clientCertificates: ClientCertificates = {
  handshake: serverVerification.handshake,
  serverCertificate: serverVerification.serverCertificate,
  serverCertificateVerify: serverVerification.serverCertificateVerify,
  certificateRequest: serverVerification.certificateRequest,

  sendCertificate(h, context, schemes, send, hash) {
    const c = h.credentials;
    const key = c.privateKey;
    const scheme = key && c.chain.length > 0 ? chooseScheme(ownSchemes(c), schemes) : 0;
    h.beginMessage();
    writeCertificate(h.out, { context, entries: scheme ? c.chain.map((cert) => ({ cert })) : [] });
    send();
    if (!scheme || !key) {
      h.log('no client certificate for the requested schemes: sending an empty Certificate');
      return;
    }
    const signature = signCertificateVerify(c, scheme, key, false, hash());
    h.beginMessage();
    writeCertificateVerify(h.out, { scheme, signature });
    send();
  },

  flightBound: (c) => certificateFlightBound(c),
};
