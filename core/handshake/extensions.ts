// TLS 1.3 extensions (RFC 8446 4.2, RFC 6066, RFC 7301, RFC 8449): where
// each may appear (as a table), one walker for every extension block, and
// the codec of each extension body. Parsers take a Reader over
// extension_data and return views into the message; writers write the body
// between startExtension() and Writer.end16().
import { Reader } from '../bytes/reader.js';
import type { Writer } from '../bytes/writer.js';
import { Alert, ErrorCode, decodeError, fail } from '../errors.js';
import { ExtensionType as X, extensionName } from '../registry.js';

/** The messages that carry extension blocks, as bit flags (RFC 8446 4.2 table columns). */
export const Ctx = { CH: 1, SH: 2, HRR: 4, EE: 8, CT: 16, CR: 32, NST: 64 } as const;
const { CH, SH, HRR, EE, CT, CR, NST } = Ctx;

const ctxNames: Record<number, string> = {
  [CH]: 'ClientHello',
  [SH]: 'ServerHello',
  [HRR]: 'HelloRetryRequest',
  [EE]: 'EncryptedExtensions',
  [CT]: 'Certificate',
  [CR]: 'CertificateRequest',
  [NST]: 'NewSessionTicket',
};

/**
 * RFC 8446 4.2 table (plus RFC 8449 record_size_limit): the messages each
 * extension this stack recognizes may appear in. A recognized extension
 * anywhere else is illegal_parameter.
 */
export const extensionContexts: Readonly<Record<number, number>> = {
  [X.server_name]: CH | EE,
  [X.max_fragment_length]: CH | EE,
  [X.status_request]: CH | CR | CT,
  [X.supported_groups]: CH | EE,
  [X.signature_algorithms]: CH | CR,
  [X.application_layer_protocol_negotiation]: CH | EE,
  [X.padding]: CH,
  [X.record_size_limit]: CH | EE,
  [X.pre_shared_key]: CH | SH,
  [X.early_data]: CH | EE | NST,
  [X.supported_versions]: CH | SH | HRR,
  [X.cookie]: CH | HRR,
  [X.psk_key_exchange_modes]: CH,
  [X.certificate_authorities]: CH | CR,
  [X.oid_filters]: CR,
  [X.post_handshake_auth]: CH,
  [X.signature_algorithms_cert]: CH | CR,
  [X.key_share]: CH | SH | HRR,
  // TLS 1.2 only (a TLS 1.2 ServerHello is parsed in tls12/messages.ts).
  [X.ec_point_formats]: CH,
  [X.extended_master_secret]: CH,
  [X.session_ticket]: CH,
  [X.renegotiation_info]: CH,
};

/**
 * Messages whose unknown extensions are ignored (RFC 8446 4.1.2, 4.3.2,
 * 4.6.1). In the others the peer only answers what we offered, so an
 * extension we do not even know is unsupported_extension.
 */
export const IGNORES_UNKNOWN = CH | CR | NST;

export interface KeyShareEntry {
  group: number;
  keyExchange: Uint8Array;
}

export interface PskIdentity {
  identity: Uint8Array;
  obfuscatedTicketAge: number;
}

export interface OfferedPsks {
  identities: PskIdentity[];
  /** One HMAC per identity, same order. */
  binders: Uint8Array[];
}

function illegal(detail: string): never {
  return fail(ErrorCode.ILLEGAL_PARAMETER, Alert.illegal_parameter, detail);
}

function nonEmpty(v: Uint8Array, what: string): Uint8Array {
  if (v.length === 0) decodeError('empty ' + what);
  return v;
}

// an explicit comparator: engines differ on the default order of typed-array sort
const ascending = (a: number, b: number): number => a - b;

/** Sorts codes[0, n) in place and returns a value that occurs twice, or -1. */
export function findDuplicate(codes: Uint16Array, n: number): number {
  const s = codes.subarray(0, n).sort(ascending);
  for (let i = 1; i < n; i++) if (s[i] === s[i - 1]) return s[i];
  return -1;
}

/** Gets each extension with its type and a Reader over its extension_data. */
export type ExtensionVisitor = (type: number, body: Reader) => void;

/**
 * Walks the block `Extension extensions<0..2^16-1>` at r for the message
 * ctx (one Ctx flag) and visits each recognized extension; bytes the
 * visitor leaves unread are decode_error. The framing of the whole block is
 * decoded before any value is judged, so a corrupted length is decode_error
 * and never a value error on misaligned bytes. Then RFC 8446 4.2: no
 * duplicates, the table above, pre_shared_key last in a ClientHello,
 * unknown extensions per IGNORES_UNKNOWN. With ctx 0 only framing and
 * duplicates are checked and every extension is visited as is (a TLS 1.2
 * ServerHello).
 */
export function walkExtensions(r: Reader, ctx: number, visit: ExtensionVisitor): void {
  const block = r.sub16('extensions');
  const types = new Uint16Array(block.remaining >> 2);
  const start = block.offset;
  let n = 0;
  while (block.remaining > 0) {
    types[n++] = block.u16('extension type');
    block.skip(block.u16('extension_data length'), 'extension_data');
  }
  const dup = findDuplicate(types, n);
  if (dup >= 0) illegal('duplicate extension ' + extensionName(dup));
  const walk = new Reader(block.buf, start, block.end);
  let unknown = -1;
  while (walk.remaining > 0) {
    const type = walk.u16();
    const body = walk.sub16();
    if (ctx === 0) {
      visit(type, body);
      continue;
    }
    const allowed = extensionContexts[type];
    if (allowed === undefined) {
      if (unknown < 0) unknown = type;
      continue;
    }
    if ((allowed & ctx) === 0) illegal(extensionName(type) + ' not allowed in ' + ctxNames[ctx]);
    if (type === X.pre_shared_key && ctx === CH && walk.remaining !== 0) illegal('pre_shared_key is not the last extension');
    visit(type, body);
    if (body.remaining !== 0) decodeError('trailing bytes in ' + extensionName(type));
  }
  if (unknown >= 0 && (ctx & IGNORES_UNKNOWN) === 0) {
    fail(ErrorCode.UNSUPPORTED_EXTENSION, Alert.unsupported_extension, extensionName(unknown) + ' in ' + ctxNames[ctx]);
  }
}

/** Writes extension_type and reserves the extension_data length; close with w.end16(mark). */
export function startExtension(w: Writer, type: number): number {
  w.u16(type);
  return w.start16();
}

// Lists of u16 code points (versions, groups, signature schemes): <2..2^N-2>.

function readCodes(list: Reader, what: string): number[] {
  if (list.remaining === 0 || (list.remaining & 1) !== 0) decodeError('bad length of ' + what);
  const out: number[] = [];
  while (list.remaining > 0) out.push(list.u16());
  return out;
}

/** A u8-length list of u16 codes <2..254> (ClientHello supported_versions). */
export function parseCodes8(r: Reader, what: string): number[] {
  return readCodes(r.sub8(what), what);
}

/** A u16-length list of u16 codes <2..2^16-2> (cipher_suites, supported_groups, signature_algorithms(_cert)). */
export function parseCodes16(r: Reader, what: string): number[] {
  return readCodes(r.sub16(what), what);
}

export function writeCodes8(w: Writer, codes: readonly number[]): void {
  const m = w.start8();
  for (const c of codes) w.u16(c);
  w.end8(m);
}

export function writeCodes16(w: Writer, codes: readonly number[]): void {
  const m = w.start16();
  for (const c of codes) w.u16(c);
  w.end16(m);
}

// server_name (RFC 6066 3): only host_name(0) is defined.

function readHostName(list: Reader): Uint8Array {
  if (list.u8('server name type') !== 0) decodeError('unknown server name type');
  return nonEmpty(list.vec16('host_name'), 'host_name');
}

/** ServerNameList in a ClientHello: exactly one non-empty host_name. */
export function parseServerName(r: Reader): Uint8Array {
  const list = r.sub16('server_name_list');
  const host = readHostName(list);
  if (list.remaining > 0) {
    readHostName(list);
    illegal('several host_names');
  }
  return host;
}

export function writeServerName(w: Writer, host: Uint8Array): void {
  const m = w.start16();
  w.u8(0);
  w.vec16(host);
  w.end16(m);
}

// key_share (RFC 8446 4.2.8)

/** KeyShareEntry: the ServerHello body, and each entry of client_shares. */
export function parseKeyShareEntry(r: Reader): KeyShareEntry {
  const group = r.u16('key_share group');
  return { group, keyExchange: nonEmpty(r.vec16('key_exchange'), 'key_exchange') };
}

export function writeKeyShareEntry(w: Writer, e: KeyShareEntry): void {
  w.u16(e.group);
  w.vec16(e.keyExchange);
}

/** RFC 8446 4.2.7 obsolete_RESERVED: 0x0001-0x0016, 0x001A-0x001C, 0xFF01-0xFF02 (TLS 1.2 and older curves). */
export function isObsoleteGroup(g: number): boolean {
  return (g >= 0x0001 && g <= 0x0016) || (g >= 0x001a && g <= 0x001c) || g === 0xff01 || g === 0xff02;
}

/** KeyShareClientHello: KeyShareEntry client_shares<0..2^16-1>, one per group at most. */
export function parseClientShares(r: Reader): KeyShareEntry[] {
  const list = r.sub16('client_shares');
  const out: KeyShareEntry[] = [];
  while (list.remaining > 0) out.push(parseKeyShareEntry(list));
  const groups = new Uint16Array(out.length);
  for (let i = 0; i < out.length; i++) groups[i] = out[i].group;
  if (findDuplicate(groups, out.length) >= 0) illegal('two key_share entries for one group');
  return out;
}

export function writeClientShares(w: Writer, shares: readonly KeyShareEntry[]): void {
  const m = w.start16();
  for (const e of shares) writeKeyShareEntry(w, e);
  w.end16(m);
}

/** cookie (RFC 8446 4.2.2): opaque cookie<1..2^16-1>. */
export function parseCookie(r: Reader): Uint8Array {
  return nonEmpty(r.vec16('cookie'), 'cookie');
}

export function writeCookie(w: Writer, cookie: Uint8Array): void {
  w.vec16(cookie);
}

/** padding (RFC 7685): zeros, so a ClientHello reaches a chosen size. */
export function writePadding(w: Writer, n: number): void {
  w.zeros(n);
}

/** psk_key_exchange_modes (RFC 8446 4.2.9): PskKeyExchangeMode ke_modes<1..255>. */
export function parsePskModes(r: Reader): number[] {
  const list = nonEmpty(r.vec8('psk_key_exchange_modes'), 'psk_key_exchange_modes');
  const out: number[] = [];
  for (let i = 0; i < list.length; i++) out.push(list[i]);
  return out;
}

export function writePskModes(w: Writer, modes: readonly number[]): void {
  const m = w.start8();
  for (const v of modes) w.u8(v);
  w.end8(m);
}

// pre_shared_key (RFC 8446 4.2.11)

/**
 * OfferedPsks in a ClientHello. bindersOffset is the index in r.buf of the
 * binders list (its u16 length), where the truncated ClientHello ends. A
 * binder count that differs from the identity count is inconsistent with
 * the other field: illegal_parameter.
 */
export function parseOfferedPsks(r: Reader): OfferedPsks & { bindersOffset: number } {
  const ids = r.sub16('identities');
  if (ids.remaining === 0) decodeError('empty identities');
  const identities: PskIdentity[] = [];
  while (ids.remaining > 0) {
    const identity = nonEmpty(ids.vec16('identity'), 'identity');
    identities.push({ identity, obfuscatedTicketAge: ids.u32('obfuscated_ticket_age') });
  }
  const bindersOffset = r.offset;
  const list = r.sub16('binders');
  if (list.remaining === 0) decodeError('empty binders');
  const binders: Uint8Array[] = [];
  while (list.remaining > 0) {
    const b = list.vec8('binder');
    if (b.length < 32) decodeError('binder shorter than 32 bytes');
    binders.push(b);
  }
  if (binders.length !== identities.length) illegal('binder count differs from identity count');
  return { identities, binders, bindersOffset };
}

/** PskBinderEntry binders<33..2^16-1>. */
export function writeBinders(w: Writer, binders: readonly Uint8Array[]): void {
  const m = w.start16();
  for (const b of binders) w.vec8(b);
  w.end16(m);
}

/** Writes OfferedPsks; returns the index in w.buf where the binders list starts. */
export function writeOfferedPsks(w: Writer, psks: OfferedPsks): number {
  const m = w.start16();
  for (const id of psks.identities) {
    w.vec16(id.identity);
    w.u32(id.obfuscatedTicketAge);
  }
  w.end16(m);
  const at = w.offset;
  writeBinders(w, psks.binders);
  return at;
}

/**
 * application_layer_protocol_negotiation (RFC 7301 3.1):
 * ProtocolName protocol_name_list<2..2^16-1>, each name <1..2^8-1>.
 */
export function parseProtocolNames(r: Reader): Uint8Array[] {
  const list = r.sub16('protocol_name_list');
  if (list.remaining === 0) decodeError('empty protocol_name_list');
  const out: Uint8Array[] = [];
  while (list.remaining > 0) out.push(nonEmpty(list.vec8('protocol name'), 'protocol name'));
  return out;
}

/** The server's ALPN answer: a protocol_name_list of exactly one name. */
export function parseSelectedProtocol(r: Reader): Uint8Array {
  const names = parseProtocolNames(r);
  if (names.length !== 1) decodeError('ALPN answer names ' + names.length + ' protocols');
  return names[0];
}

export function writeProtocolNames(w: Writer, names: readonly Uint8Array[]): void {
  const m = w.start16();
  for (const n of names) w.vec8(n);
  w.end16(m);
}

// max_fragment_length (RFC 6066 4): codes 1..4 stand for 2^9..2^12 bytes.

/** Returns the fragment length in bytes. */
export function parseMaxFragmentLength(r: Reader): number {
  const code = r.u8('max_fragment_length');
  if (code < 1 || code > 4) illegal('max_fragment_length code ' + code);
  return 256 << code;
}

export function writeMaxFragmentLength(w: Writer, bytes: number): void {
  const code = bytes === 512 ? 1 : bytes === 1024 ? 2 : bytes === 2048 ? 3 : bytes === 4096 ? 4 : 0;
  if (code === 0) fail(ErrorCode.BAD_CONFIG, Alert.internal_error, 'max_fragment_length ' + bytes);
  w.u8(code);
}

/** record_size_limit (RFC 8449 4): uint16 >= 64; no upper bound is enforced on receipt. */
export function parseRecordSizeLimit(r: Reader): number {
  const limit = r.u16('record_size_limit');
  if (limit < 64) illegal('record_size_limit ' + limit);
  return limit;
}

// status_request (RFC 6066 8, RFC 8446 4.4.2.1)

const OCSP = 1;

/**
 * CertificateStatusRequest in a ClientHello: true for an OCSP request;
 * another status_type is skipped (false) since its layout is unknown.
 */
export function parseStatusRequest(r: Reader): boolean {
  if (r.u8('status_type') !== OCSP) {
    r.skip(r.remaining);
    return false;
  }
  r.vec16('responder_id_list');
  r.vec16('request_extensions');
  return true;
}

/** An OCSP request with no responder ids and no request extensions. */
export function writeStatusRequest(w: Writer): void {
  w.u8(OCSP);
  w.u16(0);
  w.u16(0);
}

/** CertificateStatus in a CertificateEntry: the DER OCSPResponse <1..2^24-1>. */
export function parseOcspResponse(r: Reader): Uint8Array {
  if (r.u8('status_type') !== OCSP) decodeError('status_type is not ocsp');
  return nonEmpty(r.vec24('OCSPResponse'), 'OCSPResponse');
}

export function writeOcspResponse(w: Writer, response: Uint8Array): void {
  w.u8(OCSP);
  w.vec24(response);
}

/** certificate_authorities (RFC 8446 4.2.4): DistinguishedName authorities<3..2^16-1>, each <1..2^16-1>. */
export function parseAuthorities(r: Reader): Uint8Array[] {
  const list = r.sub16('authorities');
  if (list.remaining === 0) decodeError('empty authorities');
  const out: Uint8Array[] = [];
  while (list.remaining > 0) out.push(nonEmpty(list.vec16('DistinguishedName'), 'DistinguishedName'));
  return out;
}

export function writeAuthorities(w: Writer, names: readonly Uint8Array[]): void {
  const m = w.start16();
  for (const n of names) w.vec16(n);
  w.end16(m);
}
