// TLS 1.3 handshake messages (RFC 8446 4). parseX(body) takes the message
// body (a view, without the 4-byte header) and returns views into it;
// writeX(w, msg) writes the whole message, header included.
import { Reader } from '../bytes/reader.js';
import { Writer } from '../bytes/writer.js';
import { Alert, ErrorCode, decodeError, fail } from '../errors.js';
import { fail as certificateFail } from '../x509/errors.js';
import { ExtensionType as X, HandshakeType as H, handshakeName } from '../registry.js';
import {
  Ctx,
  type KeyShareEntry,
  type OfferedPsks,
  parseAuthorities,
  isObsoleteGroup,
  parseClientShares,
  parseCodes16,
  parseCodes8,
  parseCookie,
  parseKeyShareEntry,
  parseMaxFragmentLength,
  parseOcspResponse,
  parseOfferedPsks,
  parseProtocolNames,
  parsePskModes,
  parseRecordSizeLimit,
  parseSelectedProtocol,
  parseServerName,
  parseStatusRequest,
  startExtension,
  walkExtensions,
  writeAuthorities,
  writeBinders,
  writeClientShares,
  writeCookie,
  writeCodes16,
  writeCodes8,
  writeKeyShareEntry,
  writeMaxFragmentLength,
  writeOcspResponse,
  writeOfferedPsks,
  writePadding,
  writeProtocolNames,
  writePskModes,
  writeServerName,
  writeStatusRequest,
} from './extensions.js';

function illegal(detail: string): never {
  return fail(ErrorCode.ILLEGAL_PARAMETER, Alert.illegal_parameter, detail);
}

// Handshake header: HandshakeType msg_type; uint24 length.

export interface HandshakeMessage {
  type: number;
  body: Uint8Array;
}

/** Reads one complete handshake message (header and body view) at r. */
export function readHandshake(r: Reader): HandshakeMessage {
  const type = r.u8('handshake type');
  return { type, body: r.vec24(handshakeName(type)) };
}

function startMessage(w: Writer, type: number): number {
  w.u8(type);
  return w.start24();
}

/** Writes one extension: type, then the body write(w, v) between its length prefix. */
function put<T>(w: Writer, type: number, write: (w: Writer, v: T) => void, v: T): void {
  const m = startExtension(w, type);
  write(w, v);
  w.end16(m);
}

/** An extension with empty extension_data (acknowledgements and flags). */
function writeFlag(w: Writer, type: number): void {
  w.u16(type);
  w.u16(0);
}

function writeU16(w: Writer, v: number): void {
  w.u16(v);
}

function writeU32(w: Writer, v: number): void {
  w.u32(v);
}

/** legacy_session_id and its echo: opaque <0..32>. */
function readSessionId(r: Reader, what: string): Uint8Array {
  const id = r.vec8(what);
  if (id.length > 32) decodeError(what + ' longer than 32 bytes');
  return id;
}

// ClientHello (RFC 8446 4.1.2)

export interface ClientHelloExtensions {
  /** host_name of server_name. */
  serverName?: Uint8Array;
  /** max_fragment_length in bytes (512..4096). */
  maxFragmentLength?: number;
  /** status_request for OCSP. */
  statusRequest?: boolean;
  supportedGroups?: number[];
  signatureAlgorithms?: number[];
  signatureAlgorithmsCert?: number[];
  /** ALPN protocol names, in preference order. */
  alpn?: Uint8Array[];
  recordSizeLimit?: number;
  supportedVersions?: number[];
  cookie?: Uint8Array;
  pskModes?: number[];
  certificateAuthorities?: Uint8Array[];
  postHandshakeAuth?: boolean;
  keyShares?: KeyShareEntry[];
  earlyData?: boolean;
  /** Length of the padding extension (its zeros are not checked). */
  padding?: number;
  /** Always written last, as RFC 8446 4.2.11 requires. */
  preSharedKey?: OfferedPsks;
}

export interface ClientHello {
  legacyVersion: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuites: number[];
  ext: ClientHelloExtensions;
  /**
   * Offset in the body where the pre_shared_key binders list (its u16
   * length) starts, -1 without pre_shared_key: the truncated ClientHello
   * the binders are computed over is the header plus body[0, bindersOffset).
   */
  bindersOffset: number;
}

export function parseClientHello(body: Uint8Array): ClientHello {
  const r = new Reader(body);
  const legacyVersion = r.u16('legacy_version');
  const random = r.bytes(32, 'random');
  const sessionId = readSessionId(r, 'legacy_session_id');
  const cipherSuites = parseCodes16(r, 'cipher_suites');
  const compression = r.vec8('legacy_compression_methods');
  if (compression.length === 0) decodeError('empty legacy_compression_methods');
  const ext: ClientHelloExtensions = {};
  let bindersOffset = -1;
  // a ClientHello without extensions is a pre-TLS 1.3 one; the machine rejects its version
  if (r.remaining > 0) {
    walkExtensions(r, Ctx.CH, (type, b) => {
      switch (type) {
        case X.server_name:
          ext.serverName = parseServerName(b);
          break;
        case X.max_fragment_length:
          ext.maxFragmentLength = parseMaxFragmentLength(b);
          break;
        case X.status_request:
          if (parseStatusRequest(b)) ext.statusRequest = true;
          break;
        case X.supported_groups:
          ext.supportedGroups = parseCodes16(b, 'supported_groups');
          break;
        case X.signature_algorithms:
          ext.signatureAlgorithms = parseCodes16(b, 'signature_algorithms');
          break;
        case X.signature_algorithms_cert:
          ext.signatureAlgorithmsCert = parseCodes16(b, 'signature_algorithms_cert');
          break;
        case X.application_layer_protocol_negotiation:
          ext.alpn = parseProtocolNames(b);
          break;
        case X.record_size_limit:
          ext.recordSizeLimit = parseRecordSizeLimit(b);
          break;
        case X.supported_versions:
          ext.supportedVersions = parseCodes8(b, 'supported_versions');
          break;
        case X.cookie:
          ext.cookie = parseCookie(b);
          break;
        case X.psk_key_exchange_modes:
          ext.pskModes = parsePskModes(b);
          break;
        case X.certificate_authorities:
          ext.certificateAuthorities = parseAuthorities(b);
          break;
        case X.post_handshake_auth:
          ext.postHandshakeAuth = true;
          break;
        case X.key_share:
          ext.keyShares = parseClientShares(b);
          break;
        case X.early_data:
          ext.earlyData = true;
          break;
        case X.padding:
          ext.padding = b.remaining;
          b.skip(b.remaining);
          break;
        case X.pre_shared_key: {
          const psk = parseOfferedPsks(b);
          bindersOffset = psk.bindersOffset;
          ext.preSharedKey = { identities: psk.identities, binders: psk.binders };
          break;
        }
      }
    });
  }
  r.expectEnd('ClientHello');
  // Values are judged only once the whole message decoded (a corrupted length is decode_error).
  if (legacyVersion <= 0x0300) fail(ErrorCode.VERSION_MISMATCH, Alert.protocol_version, 'legacy_version ' + legacyVersion.toString(16) + ' (RFC 8446 D.5)');
  if (compression.length !== 1 || compression[0] !== 0) illegal('legacy_compression_methods is not [null]');
  checkGroups(ext);
  return { legacyVersion, random, sessionId, cipherSuites, ext, bindersOffset };
}

/**
 * RFC 8446 4.2.7: the obsolete_RESERVED groups must not be offered in TLS
 * 1.3 (unknown code points are ignored); 4.2.8: each key share must be for
 * a group in supported_groups. Both are illegal_parameter.
 */
function checkGroups(ext: ClientHelloExtensions): void {
  const groups = ext.supportedGroups;
  if (groups) for (const g of groups) if (isObsoleteGroup(g)) illegal('obsolete group ' + g + ' in supported_groups');
  const shares = ext.keyShares;
  if (!shares) return;
  for (const e of shares) {
    if (isObsoleteGroup(e.group)) illegal('key_share for obsolete group ' + e.group);
    if (groups && groups.indexOf(e.group) < 0) illegal('key_share for group ' + e.group + ' not in supported_groups');
  }
}

/**
 * Writes a ClientHello. Returns the index in w.buf where the binders list
 * starts (-1 without pre_shared_key): write placeholder binders of the right
 * lengths, hash the message up to that index, then patchBinders().
 */
export function writeClientHello(w: Writer, ch: Omit<ClientHello, 'bindersOffset'>): number {
  const msg = startMessage(w, H.client_hello);
  w.u16(ch.legacyVersion);
  w.bytes(ch.random);
  w.vec8(ch.sessionId);
  writeCodes16(w, ch.cipherSuites);
  w.u8(1);
  w.u8(0);
  const block = w.start16();
  const e = ch.ext;
  if (e.serverName) put(w, X.server_name, writeServerName, e.serverName);
  if (e.maxFragmentLength !== undefined) put(w, X.max_fragment_length, writeMaxFragmentLength, e.maxFragmentLength);
  if (e.statusRequest) put(w, X.status_request, writeStatusRequest, undefined);
  if (e.supportedGroups) put(w, X.supported_groups, writeCodes16, e.supportedGroups);
  if (e.alpn) put(w, X.application_layer_protocol_negotiation, writeProtocolNames, e.alpn);
  if (e.keyShares) put(w, X.key_share, writeClientShares, e.keyShares);
  if (e.earlyData) writeFlag(w, X.early_data);
  if (e.supportedVersions) put(w, X.supported_versions, writeCodes8, e.supportedVersions);
  if (e.signatureAlgorithms) put(w, X.signature_algorithms, writeCodes16, e.signatureAlgorithms);
  if (e.signatureAlgorithmsCert) put(w, X.signature_algorithms_cert, writeCodes16, e.signatureAlgorithmsCert);
  if (e.cookie) put(w, X.cookie, writeCookie, e.cookie);
  if (e.pskModes) put(w, X.psk_key_exchange_modes, writePskModes, e.pskModes);
  if (e.certificateAuthorities) put(w, X.certificate_authorities, writeAuthorities, e.certificateAuthorities);
  if (e.postHandshakeAuth) writeFlag(w, X.post_handshake_auth);
  if (e.recordSizeLimit !== undefined) put(w, X.record_size_limit, writeU16, e.recordSizeLimit);
  if (e.padding !== undefined) put(w, X.padding, writePadding, e.padding);
  let binders = -1;
  if (e.preSharedKey) {
    const m = startExtension(w, X.pre_shared_key);
    binders = writeOfferedPsks(w, e.preSharedKey);
    w.end16(m);
  }
  w.end16(block);
  w.end24(msg);
  return binders;
}

/**
 * Overwrites the binders list at buf[at] (as returned by writeClientHello)
 * with the real binders, which must have the placeholders' lengths.
 */
export function patchBinders(buf: Uint8Array, at: number, binders: readonly Uint8Array[]): void {
  let len = 0;
  for (const b of binders) len += 1 + b.length;
  if (at < 0 || at + 2 > buf.length || ((buf[at] << 8) | buf[at + 1]) !== len) {
    fail(ErrorCode.INTERNAL, Alert.internal_error, 'binders differ in length from the placeholders');
  }
  writeBinders(new Writer(buf, at, at + 2 + len), binders);
}

// ServerHello and HelloRetryRequest (RFC 8446 4.1.3, 4.1.4)

/** SHA-256("HelloRetryRequest"): the random of a HelloRetryRequest. */
export const HRR_RANDOM = new Uint8Array([
  0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
  0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
]);

export interface ServerHelloExtensions {
  /** supported_versions: the selected version. */
  supportedVersion?: number;
  /** key_share of a ServerHello. */
  keyShare?: KeyShareEntry;
  /** key_share of a HelloRetryRequest: the group the server wants. */
  selectedGroup?: number;
  /** cookie of a HelloRetryRequest. */
  cookie?: Uint8Array;
  /** pre_shared_key: the selected identity index. */
  preSharedKey?: number;
}

export interface ServerHello {
  legacyVersion: number;
  /** For a HelloRetryRequest this is HRR_RANDOM (the writer ignores it). */
  random: Uint8Array;
  sessionIdEcho: Uint8Array;
  cipherSuite: number;
  isHelloRetryRequest: boolean;
  ext: ServerHelloExtensions;
}

function isHrrRandom(random: Uint8Array): boolean {
  for (let i = 0; i < 32; i++) if (random[i] !== HRR_RANDOM[i]) return false;
  return true;
}

/**
 * Parses a ServerHello or HelloRetryRequest. One without supported_versions
 * is a TLS 1.2 (or older) ServerHello: its extensions are checked for
 * framing only and left out of ext, so the machine reports the version.
 */
export function parseServerHello(body: Uint8Array): ServerHello {
  const r = new Reader(body);
  const legacyVersion = r.u16('legacy_version');
  const random = r.bytes(32, 'random');
  const sessionIdEcho = readSessionId(r, 'legacy_session_id_echo');
  const cipherSuite = r.u16('cipher_suite');
  if (r.u8('legacy_compression_method') !== 0) illegal('legacy_compression_method is not null');
  const isHelloRetryRequest = isHrrRandom(random);
  const ext: ServerHelloExtensions = {};
  if (r.remaining > 0) {
    const block = r.offset;
    let tls13 = false;
    walkExtensions(r, 0, (type) => {
      if (type === X.supported_versions) tls13 = true;
    });
    if (tls13) {
      walkExtensions(new Reader(body, block), isHelloRetryRequest ? Ctx.HRR : Ctx.SH, (type, b) => {
        switch (type) {
          case X.supported_versions:
            ext.supportedVersion = b.u16('selected_version');
            break;
          case X.key_share:
            if (isHelloRetryRequest) ext.selectedGroup = b.u16('selected_group');
            else ext.keyShare = parseKeyShareEntry(b);
            break;
          case X.cookie:
            ext.cookie = parseCookie(b);
            break;
          case X.pre_shared_key:
            ext.preSharedKey = b.u16('selected_identity');
            break;
        }
      });
    }
  }
  r.expectEnd('ServerHello');
  return { legacyVersion, random, sessionIdEcho, cipherSuite, isHelloRetryRequest, ext };
}

export function writeServerHello(w: Writer, sh: ServerHello): void {
  const msg = startMessage(w, H.server_hello);
  w.u16(sh.legacyVersion);
  w.bytes(sh.isHelloRetryRequest ? HRR_RANDOM : sh.random);
  w.vec8(sh.sessionIdEcho);
  w.u16(sh.cipherSuite);
  w.u8(0);
  const block = w.start16();
  const e = sh.ext;
  if (e.preSharedKey !== undefined) put(w, X.pre_shared_key, writeU16, e.preSharedKey);
  if (e.keyShare) put(w, X.key_share, writeKeyShareEntry, e.keyShare);
  if (e.selectedGroup !== undefined) put(w, X.key_share, writeU16, e.selectedGroup);
  if (e.cookie) put(w, X.cookie, writeCookie, e.cookie);
  if (e.supportedVersion !== undefined) put(w, X.supported_versions, writeU16, e.supportedVersion);
  w.end16(block);
  w.end24(msg);
}

// EncryptedExtensions (RFC 8446 4.3.1)

export interface EncryptedExtensions {
  ext: {
    /** An empty server_name: the server used our SNI. */
    serverNameAck?: boolean;
    supportedGroups?: number[];
    /** The selected ALPN protocol. */
    alpn?: Uint8Array;
    maxFragmentLength?: number;
    recordSizeLimit?: number;
    earlyData?: boolean;
  };
}

export function parseEncryptedExtensions(body: Uint8Array): EncryptedExtensions {
  const r = new Reader(body);
  const ext: EncryptedExtensions['ext'] = {};
  walkExtensions(r, Ctx.EE, (type, b) => {
    switch (type) {
      case X.server_name:
        ext.serverNameAck = true;
        break;
      case X.supported_groups:
        ext.supportedGroups = parseCodes16(b, 'supported_groups');
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
      case X.early_data:
        ext.earlyData = true;
        break;
    }
  });
  r.expectEnd('EncryptedExtensions');
  return { ext };
}

export function writeEncryptedExtensions(w: Writer, ee: EncryptedExtensions): void {
  const msg = startMessage(w, H.encrypted_extensions);
  const block = w.start16();
  const e = ee.ext;
  if (e.supportedGroups) put(w, X.supported_groups, writeCodes16, e.supportedGroups);
  if (e.recordSizeLimit !== undefined) put(w, X.record_size_limit, writeU16, e.recordSizeLimit);
  if (e.serverNameAck) writeFlag(w, X.server_name);
  if (e.earlyData) writeFlag(w, X.early_data);
  if (e.alpn) put(w, X.application_layer_protocol_negotiation, writeProtocolNames, [e.alpn]);
  if (e.maxFragmentLength !== undefined) put(w, X.max_fragment_length, writeMaxFragmentLength, e.maxFragmentLength);
  w.end16(block);
  w.end24(msg);
}

// CertificateRequest (RFC 8446 4.3.2)

export interface CertificateRequest {
  context: Uint8Array;
  ext: {
    signatureAlgorithms?: number[];
    signatureAlgorithmsCert?: number[];
    certificateAuthorities?: Uint8Array[];
    /** An empty status_request: the server wants an OCSP response with our certificate. */
    statusRequest?: boolean;
  };
}

export function parseCertificateRequest(body: Uint8Array): CertificateRequest {
  const r = new Reader(body);
  const context = r.vec8('certificate_request_context');
  const ext: CertificateRequest['ext'] = {};
  walkExtensions(r, Ctx.CR, (type, b) => {
    switch (type) {
      case X.signature_algorithms:
        ext.signatureAlgorithms = parseCodes16(b, 'signature_algorithms');
        break;
      case X.signature_algorithms_cert:
        ext.signatureAlgorithmsCert = parseCodes16(b, 'signature_algorithms_cert');
        break;
      case X.certificate_authorities:
        ext.certificateAuthorities = parseAuthorities(b);
        break;
      case X.status_request:
        ext.statusRequest = true;
        break;
      case X.oid_filters:
        b.skip(b.remaining); // certificate filters are not applied
        break;
    }
  });
  r.expectEnd('CertificateRequest');
  if (!ext.signatureAlgorithms) {
    fail(ErrorCode.MISSING_EXTENSION, Alert.missing_extension, 'CertificateRequest without signature_algorithms');
  }
  return { context, ext };
}

export function writeCertificateRequest(w: Writer, cr: CertificateRequest): void {
  const msg = startMessage(w, H.certificate_request);
  w.vec8(cr.context);
  const block = w.start16();
  const e = cr.ext;
  if (e.signatureAlgorithms) put(w, X.signature_algorithms, writeCodes16, e.signatureAlgorithms);
  if (e.signatureAlgorithmsCert) put(w, X.signature_algorithms_cert, writeCodes16, e.signatureAlgorithmsCert);
  if (e.certificateAuthorities) put(w, X.certificate_authorities, writeAuthorities, e.certificateAuthorities);
  if (e.statusRequest) writeFlag(w, X.status_request);
  w.end16(block);
  w.end24(msg);
}

// Certificate (RFC 8446 4.4.2), X.509 entries only

export interface CertificateEntry {
  /** DER certificate. */
  cert: Uint8Array;
  /** DER OCSPResponse from status_request. */
  ocspResponse?: Uint8Array;
}

export interface Certificate {
  context: Uint8Array;
  entries: CertificateEntry[];
}

/** maxEntries bounds the work a peer can cause; more entries end in bad_certificate. */
export function parseCertificate(body: Uint8Array, maxEntries = 10): Certificate {
  const r = new Reader(body);
  const context = r.vec8('certificate_request_context');
  const list = r.sub24('certificate_list');
  const entries: CertificateEntry[] = [];
  while (list.remaining > 0) {
    if (entries.length === maxEntries) {
      certificateFail(ErrorCode.CERT_CHAIN_TOO_LONG, Alert.bad_certificate, 'more than ' + maxEntries + ' certificates');
    }
    const cert = list.vec24('cert_data');
    if (cert.length === 0) decodeError('empty cert_data');
    const entry: CertificateEntry = { cert };
    walkExtensions(list, Ctx.CT, (_type, b) => {
      entry.ocspResponse = parseOcspResponse(b); // status_request is the only one CT allows
    });
    entries.push(entry);
  }
  r.expectEnd('Certificate');
  return { context, entries };
}

export function writeCertificate(w: Writer, c: Certificate): void {
  const msg = startMessage(w, H.certificate);
  w.vec8(c.context);
  const list = w.start24();
  for (const e of c.entries) {
    w.vec24(e.cert);
    const block = w.start16();
    if (e.ocspResponse) put(w, X.status_request, writeOcspResponse, e.ocspResponse);
    w.end16(block);
  }
  w.end24(list);
  w.end24(msg);
}

// CertificateVerify (RFC 8446 4.4.3)

export interface CertificateVerify {
  scheme: number;
  signature: Uint8Array;
}

export function parseCertificateVerify(body: Uint8Array): CertificateVerify {
  const r = new Reader(body);
  const scheme = r.u16('algorithm');
  const signature = r.vec16('signature');
  r.expectEnd('CertificateVerify');
  return { scheme, signature };
}

export function writeCertificateVerify(w: Writer, cv: CertificateVerify): void {
  const msg = startMessage(w, H.certificate_verify);
  w.u16(cv.scheme);
  w.vec16(cv.signature);
  w.end24(msg);
}

// Finished (RFC 8446 4.4.4)

/** Returns verify_data (the body itself), which must be exactly hashLen bytes. */
export function parseFinished(body: Uint8Array, hashLen: number): Uint8Array {
  if (body.length !== hashLen) decodeError('Finished of ' + body.length + ' bytes, expected ' + hashLen);
  return body;
}

export function writeFinished(w: Writer, verifyData: Uint8Array): void {
  w.u8(H.finished);
  w.vec24(verifyData);
}

// NewSessionTicket (RFC 8446 4.6.1)

export interface NewSessionTicket {
  /** Seconds, at most 604800 (7 days). */
  lifetime: number;
  ageAdd: number;
  nonce: Uint8Array;
  ticket: Uint8Array;
  ext: { maxEarlyData?: number };
}

const MAX_TICKET_LIFETIME = 604800;

export function parseNewSessionTicket(body: Uint8Array): NewSessionTicket {
  const r = new Reader(body);
  const lifetime = r.u32('ticket_lifetime');
  if (lifetime > MAX_TICKET_LIFETIME) illegal('ticket_lifetime ' + lifetime + ' over 7 days');
  const ageAdd = r.u32('ticket_age_add');
  const nonce = r.vec8('ticket_nonce');
  const ticket = r.vec16('ticket');
  if (ticket.length === 0) decodeError('empty ticket');
  const ext: NewSessionTicket['ext'] = {};
  walkExtensions(r, Ctx.NST, (_type, b) => {
    ext.maxEarlyData = b.u32('max_early_data_size'); // early_data is the only one NST allows
  });
  r.expectEnd('NewSessionTicket');
  return { lifetime, ageAdd, nonce, ticket, ext };
}

export function writeNewSessionTicket(w: Writer, t: NewSessionTicket): void {
  const msg = startMessage(w, H.new_session_ticket);
  w.u32(t.lifetime);
  w.u32(t.ageAdd);
  w.vec8(t.nonce);
  w.vec16(t.ticket);
  const block = w.start16();
  if (t.ext.maxEarlyData !== undefined) put(w, X.early_data, writeU32, t.ext.maxEarlyData);
  w.end16(block);
  w.end24(msg);
}

// KeyUpdate (RFC 8446 4.6.3)

export interface KeyUpdate {
  requestUpdate: boolean;
}

export function parseKeyUpdate(body: Uint8Array): KeyUpdate {
  const r = new Reader(body);
  const v = r.u8('request_update');
  r.expectEnd('KeyUpdate');
  if (v > 1) illegal('request_update ' + v);
  return { requestUpdate: v === 1 };
}

export function writeKeyUpdate(w: Writer, ku: KeyUpdate): void {
  w.u8(H.key_update);
  w.u24(1);
  w.u8(ku.requestUpdate ? 1 : 0);
}

// EndOfEarlyData (RFC 8446 4.5): an empty body.

export function parseEndOfEarlyData(body: Uint8Array): void {
  if (body.length !== 0) decodeError('EndOfEarlyData is not empty');
}

export function writeEndOfEarlyData(w: Writer): void {
  w.u8(H.end_of_early_data);
  w.u24(0);
}

/**
 * The synthetic message_hash message that replaces ClientHello1 in the
 * transcript after a HelloRetryRequest (RFC 8446 4.4.1).
 */
export function writeMessageHash(w: Writer, digest: Uint8Array): void {
  w.u8(H.message_hash);
  w.vec24(digest);
}
