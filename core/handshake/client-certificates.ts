// The certificate side of the client handshake (RFC 8446 4.4.2, 4.4.3,
// 4.6.2): the server's Certificate and CertificateVerify, CertificateRequest,
// and our own Certificate and CertificateVerify when a server asks. Builds
// with certificates plug it into the client machine (core/index.ts,
// client-ecdhe); the PSK-only builds leave it out and bundle none of it.
import type { Credentials } from '../config.js';
import type { PublicKey } from '../crypto/types.js';
import { Alert, ErrorCode, fail } from '../errors.js';
import {
  certificateFlightBound, checkPeerChain, chooseScheme, ownSchemes, signCertificateVerify, verifyCertificateVerify,
} from './authentication.js';
import type { HandshakeHost } from './handshake.js';
import {
  parseCertificate, parseCertificateRequest, parseCertificateVerify, writeCertificate, writeCertificateVerify,
} from './messages.js';
import { copyBytes } from '../bytes/copy.js';

export interface ClientCertificates {
  /** The server's Certificate, its chain validated: the certificates (copies, leaf first) and the leaf's key. */
  serverCertificate(c: Credentials, body: Uint8Array): { chain: Uint8Array[]; key: PublicKey };
  /** Checks the server's CertificateVerify against the transcript hash before it; returns its scheme. */
  serverCertificateVerify(c: Credentials, key: PublicKey, transcriptHash: Uint8Array, body: Uint8Array): number;
  /** A CertificateRequest: its context (a copy) and the schemes the server accepts. */
  certificateRequest(body: Uint8Array): { context: Uint8Array; schemes: number[] };
  /**
   * Our Certificate (empty when we have none the server accepts, RFC 8446
   * 4.4.2) and CertificateVerify; `send` seals each message written since
   * host.beginMessage() into the transcript, `hash` is that transcript's hash.
   */
  sendCertificate(host: HandshakeHost, context: Uint8Array, schemes: number[], send: () => void, hash: () => Uint8Array): void;
  /** Bytes of our Certificate and CertificateVerify. */
  flightBound(c: Credentials): number;
}

/**
 * Verification only: the server's certificate is checked; asked for ours we
 * send an empty Certificate (a client without a certificate, client-ecdhe).
 */
export const serverVerification: ClientCertificates = {
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
