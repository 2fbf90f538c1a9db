// TLS 1.2 handshake messages (RFC 5246 7.4) and the extensions only TLS 1.2
// uses: ServerHello extensions, ServerKeyExchange with ECDHE parameters
// (RFC 8422 5.4) or a PSK identity hint (RFC 4279 2), ClientKeyExchange,
// CertificateRequest, Certificate (no request context, no per-certificate
// extensions), ServerHelloDone, CertificateStatus (RFC 6066 8),
// NewSessionTicket (RFC 5077 3.3), HelloRequest. The messages both versions
// share (ClientHello, ServerHello framing, CertificateVerify, Finished) are
// in ../messages.ts. parseX(body) returns views into the body; writeX(w, m)
// writes the whole message, header included.
import { Reader } from '../../bytes/reader.js';
import type { Writer } from '../../bytes/writer.js';
import { Alert, ErrorCode, decodeError, fail } from '../../errors.js';
import { ExtensionType as X, HandshakeType as H, extensionName } from '../../registry.js';
import {
  parseMaxFragmentLength, parseRecordSizeLimit, parseSelectedProtocol, startExtension, walkExtensions,
  writeMaxFragmentLength, writeProtocolNames,
} from '../extensions.js';
import { startMessage, writeFlag } from '../messages.js';

function illegal(detail: string): never {
  return fail(ErrorCode.ILLEGAL_PARAMETER, Alert.illegal_parameter, detail);
}

/** ECPointFormat uncompressed (RFC 8422 5.1.2): the only one used, and required in every list. */
const UNCOMPRESSED = 0;
/** ECCurveType named_curve (RFC 8422 5.4): the only one allowed. */
const NAMED_CURVE = 3;

// ClientHello extensions (RFC 8422 5.1.2, RFC 7627 5.1, RFC 5746 3.4, RFC 5077 3.2)

/**
 * The extensions a ClientHello offering TLS 1.2 adds: ec_point_formats
 * (uncompressed), extended_master_secret, renegotiation_info (empty: an
 * initial handshake), and session_ticket carrying `ticket` (empty: we take
 * a new one).
 */
export function writeClientHelloExtensions12(w: Writer, ticket: Uint8Array): void {
  w.u16(X.ec_point_formats);
  w.u16(2);
  w.u8(1);
  w.u8(UNCOMPRESSED);
  w.u16(X.extended_master_secret);
  w.u16(0);
  w.u16(X.renegotiation_info);
  w.u16(1);
  w.u8(0);
  w.u16(X.session_ticket);
  w.vec16(ticket);
}

/** Bytes of writeClientHelloExtensions12 for a ticket of `ticket` bytes. */
export function clientHelloExtensions12Length(ticket: number): number {
  return 6 + 4 + 5 + 4 + ticket;
}

// ServerHello extensions of TLS 1.2 (RFC 5246 7.4.1.4: a server sends only what the client offered)

export interface ServerHelloExtensions12 {
  serverNameAck?: boolean;
  /** The selected ALPN protocol. */
  alpn?: Uint8Array;
  maxFragmentLength?: number;
  /** status_request acknowledged: a CertificateStatus follows the Certificate. */
  statusRequest?: boolean;
  recordSizeLimit?: number;
  extendedMasterSecret?: boolean;
  /** renegotiation_info's renegotiated_connection (empty in an initial handshake). */
  renegotiationInfo?: Uint8Array;
  /** session_ticket acknowledged: a NewSessionTicket follows. */
  sessionTicket?: boolean;
  ecPointFormats?: Uint8Array;
}

/**
 * Parses the extension block of a TLS 1.2 ServerHello (the view from its u16
 * length on, ServerHello.tls12Extensions). Extensions must be ones a client
 * offering TLS 1.2 may get back; `offered` says whether we sent one, and
 * one we did not is unsupported_extension (RFC 5246 7.4.1.4).
 */
export function parseServerHelloExtensions12(block: Uint8Array | null, offered: (type: number) => boolean): ServerHelloExtensions12 {
  const ext: ServerHelloExtensions12 = {};
  if (!block) return ext;
  const r = new Reader(block);
  walkExtensions(r, 0, (type, b) => {
    if (!offered(type)) fail(ErrorCode.UNSUPPORTED_EXTENSION, Alert.unsupported_extension, extensionName(type) + ' in ServerHello was not offered');
    switch (type) {
      case X.server_name:
      case X.extended_master_secret:
      case X.session_ticket:
      case X.status_request:
        if (b.remaining !== 0) decodeError(extensionName(type) + ' in ServerHello is not empty');
        if (type === X.server_name) ext.serverNameAck = true;
        else if (type === X.extended_master_secret) ext.extendedMasterSecret = true;
        else if (type === X.session_ticket) ext.sessionTicket = true;
        else ext.statusRequest = true;
        break;
      case X.application_layer_protocol_negotiation:
        ext.alpn = parseSelectedProtocol(b);
        break;
      case X.max_fragment_length:
        ext.maxFragmentLength = parseMaxFragmentLength(b);
        break;
      case X.record_size_limit:
        ext.recordSizeLimit = parseRecordSizeLimit(b);
        break;
      case X.renegotiation_info:
        ext.renegotiationInfo = b.vec8('renegotiated_connection');
        break;
      case X.ec_point_formats: {
        const formats = b.vec8('ec_point_format_list');
        if (formats.length === 0) decodeError('empty ec_point_format_list');
        if (formats.indexOf(UNCOMPRESSED) < 0) illegal('ec_point_formats without uncompressed');
        ext.ecPointFormats = formats;
        break;
      }
      default:
        fail(ErrorCode.UNSUPPORTED_EXTENSION, Alert.unsupported_extension, extensionName(type) + ' in a TLS 1.2 ServerHello');
    }
    if (b.remaining !== 0) decodeError('trailing bytes in ' + extensionName(type));
  });
  r.expectEnd('ServerHello extensions');
  return ext;
}

/** A TLS 1.2 ServerHello (legacy_version 0x0303, no supported_versions) with the extensions given. */
export function writeServerHello12(
  w: Writer, random: Uint8Array, sessionId: Uint8Array, suite: number, ext: ServerHelloExtensions12,
): void {
  const msg = startMessage(w, H.server_hello);
  w.u16(0x0303);
  w.bytes(random);
  w.vec8(sessionId);
  w.u16(suite);
  w.u8(0);
  const block = w.start16();
  if (ext.renegotiationInfo) {
    w.u16(X.renegotiation_info);
    const m = w.start16();
    w.vec8(ext.renegotiationInfo);
    w.end16(m);
  }
  if (ext.serverNameAck) writeFlag(w, X.server_name);
  if (ext.extendedMasterSecret) writeFlag(w, X.extended_master_secret);
  if (ext.sessionTicket) writeFlag(w, X.session_ticket);
  if (ext.statusRequest) writeFlag(w, X.status_request);
  if (ext.ecPointFormats) {
    const m = startExtension(w, X.ec_point_formats);
    w.vec8(ext.ecPointFormats);
    w.end16(m);
  }
  if (ext.alpn) {
    const m = startExtension(w, X.application_layer_protocol_negotiation);
    writeProtocolNames(w, [ext.alpn]);
    w.end16(m);
  }
  if (ext.maxFragmentLength !== undefined) {
    const m = startExtension(w, X.max_fragment_length);
    writeMaxFragmentLength(w, ext.maxFragmentLength);
    w.end16(m);
  }
  if (ext.recordSizeLimit !== undefined) {
    const m = startExtension(w, X.record_size_limit);
    w.u16(ext.recordSizeLimit);
    w.end16(m);
  }
  w.end16(block);
  w.end24(msg);
}

// Certificate (RFC 5246 7.4.2): ASN.1Cert certificate_list<0..2^24-1>, each <1..2^24-1>.

/** maxEntries bounds the work a peer can cause; more entries end in bad_certificate. */
export function parseCertificate12(body: Uint8Array, maxEntries: number): Uint8Array[] {
  const r = new Reader(body);
  const list = r.sub24('certificate_list');
  const out: Uint8Array[] = [];
  while (list.remaining > 0) {
    if (out.length === maxEntries) fail(ErrorCode.CERT_CHAIN_TOO_LONG, Alert.bad_certificate, 'more than ' + maxEntries + ' certificates');
    const cert = list.vec24('ASN.1Cert');
    if (cert.length === 0) decodeError('empty ASN.1Cert');
    out.push(cert);
  }
  r.expectEnd('Certificate');
  return out;
}

export function writeCertificate12(w: Writer, chain: readonly Uint8Array[]): void {
  const msg = startMessage(w, H.certificate);
  const list = w.start24();
  for (const cert of chain) w.vec24(cert);
  w.end24(list);
  w.end24(msg);
}

/** Bytes of writeCertificate12 for a chain. */
export function certificate12Length(chain: readonly Uint8Array[]): number {
  let n = 4 + 3;
  for (const cert of chain) n += 3 + cert.length;
  return n;
}

// CertificateStatus (RFC 6066 8): status_type ocsp(1), OCSPResponse<1..2^24-1>.

export function parseCertificateStatus(body: Uint8Array): Uint8Array {
  const r = new Reader(body);
  if (r.u8('status_type') !== 1) decodeError('status_type is not ocsp');
  const response = r.vec24('OCSPResponse');
  if (response.length === 0) decodeError('empty OCSPResponse');
  r.expectEnd('CertificateStatus');
  return response;
}

export function writeCertificateStatus(w: Writer, response: Uint8Array): void {
  const msg = startMessage(w, H.certificate_status);
  w.u8(1);
  w.vec24(response);
  w.end24(msg);
}

// ServerKeyExchange (RFC 8422 5.4, RFC 4279 2)

export interface EcdheServerKeyExchange {
  group: number;
  /** The server's ephemeral public key (ECPoint, uncompressed or a Montgomery u-coordinate). */
  point: Uint8Array;
  /** ServerECDHParams as sent: the bytes the signature covers after the two randoms. */
  params: Uint8Array;
  /** The signature's SignatureAndHashAlgorithm (a SignatureScheme code) and the signature. */
  scheme: number;
  signature: Uint8Array;
}

/** ServerKeyExchange of ECDHE_ECDSA / ECDHE_RSA: ServerECDHParams, then the digitally-signed struct. */
export function parseEcdheServerKeyExchange(body: Uint8Array): EcdheServerKeyExchange {
  const r = new Reader(body);
  const curveType = r.u8('curve_type');
  const group = r.u16('namedcurve');
  const point = r.vec8('ECPoint');
  const params = body.subarray(0, r.offset);
  const scheme = r.u16('SignatureAndHashAlgorithm');
  const signature = r.vec16('signature');
  r.expectEnd('ServerKeyExchange');
  if (curveType !== NAMED_CURVE) illegal('ECCurveType ' + curveType + ' (only named_curve)');
  if (point.length === 0) decodeError('empty ECPoint');
  if (signature.length === 0) decodeError('empty signature');
  return { group, point, params, scheme, signature };
}

/** Writes ServerECDHParams (without the signature): what the signature covers after the randoms. */
export function writeEcdheParams(w: Writer, group: number, point: Uint8Array): void {
  w.u8(NAMED_CURVE);
  w.u16(group);
  w.vec8(point);
}

/** A whole ServerKeyExchange of ECDHE_ECDSA / ECDHE_RSA. */
export function writeEcdheServerKeyExchange(w: Writer, group: number, point: Uint8Array, scheme: number, signature: Uint8Array): void {
  const msg = startMessage(w, H.server_key_exchange);
  writeEcdheParams(w, group, point);
  w.u16(scheme);
  w.vec16(signature);
  w.end24(msg);
}

/**
 * The signed content of an ECDHE ServerKeyExchange (RFC 8422 5.4):
 * ClientHello.random + ServerHello.random + ServerECDHParams.
 */
export function serverKeyExchangeSigned(clientRandom: Uint8Array, serverRandom: Uint8Array, params: Uint8Array): Uint8Array {
  const out = new Uint8Array(64 + params.length);
  out.set(clientRandom);
  out.set(serverRandom, 32);
  out.set(params, 64);
  return out;
}

/** ServerKeyExchange of a PSK suite: psk_identity_hint<0..2^16-1> (RFC 4279 2). */
export function parsePskServerKeyExchange(body: Uint8Array): Uint8Array {
  const r = new Reader(body);
  const hint = r.vec16('psk_identity_hint');
  r.expectEnd('ServerKeyExchange');
  return hint;
}

export function writePskServerKeyExchange(w: Writer, hint: Uint8Array): void {
  const msg = startMessage(w, H.server_key_exchange);
  w.vec16(hint);
  w.end24(msg);
}

// ClientKeyExchange (RFC 8422 5.7: ECPoint ecdh_Yc<1..2^8-1>; RFC 4279 2: psk_identity<0..2^16-1>)

export function parseEcdheClientKeyExchange(body: Uint8Array): Uint8Array {
  const r = new Reader(body);
  const point = r.vec8('ecdh_Yc');
  r.expectEnd('ClientKeyExchange');
  if (point.length === 0) decodeError('empty ecdh_Yc');
  return point;
}

export function writeEcdheClientKeyExchange(w: Writer, point: Uint8Array): void {
  const msg = startMessage(w, H.client_key_exchange);
  w.vec8(point);
  w.end24(msg);
}

export function parsePskClientKeyExchange(body: Uint8Array): Uint8Array {
  const r = new Reader(body);
  const identity = r.vec16('psk_identity');
  r.expectEnd('ClientKeyExchange');
  if (identity.length === 0) decodeError('empty psk_identity');
  return identity;
}

export function writePskClientKeyExchange(w: Writer, identity: Uint8Array): void {
  const msg = startMessage(w, H.client_key_exchange);
  w.vec16(identity);
  w.end24(msg);
}

// CertificateRequest (RFC 5246 7.4.4)

/** ClientCertificateType codes (RFC 5246 7.4.4, RFC 8422 5.5). */
export const CertificateType = { rsa_sign: 1, ecdsa_sign: 64 } as const;

export interface CertificateRequest12 {
  certificateTypes: Uint8Array;
  /** supported_signature_algorithms, as SignatureScheme codes. */
  schemes: number[];
  /** DistinguishedName certificate_authorities<0..2^16-1> (DER names). */
  authorities: Uint8Array[];
}

export function parseCertificateRequest12(body: Uint8Array): CertificateRequest12 {
  const r = new Reader(body);
  const certificateTypes = r.vec8('certificate_types');
  if (certificateTypes.length === 0) decodeError('empty certificate_types');
  const algs = r.sub16('supported_signature_algorithms');
  if (algs.remaining === 0 || (algs.remaining & 1) !== 0) decodeError('bad length of supported_signature_algorithms');
  const schemes: number[] = [];
  while (algs.remaining > 0) schemes.push(algs.u16());
  // An empty list is allowed here (any CA), unlike TLS 1.3's extension.
  const names = r.sub16('certificate_authorities');
  const authorities: Uint8Array[] = [];
  while (names.remaining > 0) {
    const name = names.vec16('DistinguishedName');
    if (name.length === 0) decodeError('empty DistinguishedName');
    authorities.push(name);
  }
  r.expectEnd('CertificateRequest');
  return { certificateTypes, schemes, authorities };
}

export function writeCertificateRequest12(w: Writer, cr: CertificateRequest12): void {
  const msg = startMessage(w, H.certificate_request);
  w.vec8(cr.certificateTypes);
  const algs = w.start16();
  for (const s of cr.schemes) w.u16(s);
  w.end16(algs);
  const names = w.start16();
  for (const n of cr.authorities) w.vec16(n);
  w.end16(names);
  w.end24(msg);
}

// ServerHelloDone and HelloRequest: empty bodies.

/**
 * Renegotiation attempts (a client's ClientHello, a server's HelloRequest)
 * refused or ignored on one connection before it is ended: a bound on what
 * a peer makes us process and send.
 */
export const MAX_RENEGOTIATION_ATTEMPTS = 8;

export function parseEmpty(body: Uint8Array, what: string): void {
  if (body.length !== 0) decodeError(what + ' is not empty');
}

export function writeServerHelloDone(w: Writer): void {
  w.u8(H.server_hello_done);
  w.u24(0);
}

export function writeHelloRequest(w: Writer): void {
  w.u8(H.hello_request);
  w.u24(0);
}

// NewSessionTicket (RFC 5077 3.3): uint32 ticket_lifetime_hint; opaque ticket<0..2^16-1>.

export interface NewSessionTicket12 {
  /** Seconds; 0: unspecified. */
  lifetimeHint: number;
  /** Empty: the server will not use a ticket after all (RFC 5077 3.3). */
  ticket: Uint8Array;
}

export function parseNewSessionTicket12(body: Uint8Array): NewSessionTicket12 {
  const r = new Reader(body);
  const lifetimeHint = r.u32('ticket_lifetime_hint');
  const ticket = r.vec16('ticket');
  r.expectEnd('NewSessionTicket');
  return { lifetimeHint, ticket };
}

export function writeNewSessionTicket12(w: Writer, t: NewSessionTicket12): void {
  const msg = startMessage(w, H.new_session_ticket);
  w.u32(t.lifetimeHint);
  w.vec16(t.ticket);
  w.end24(msg);
}
