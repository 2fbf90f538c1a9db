// PEM (RFC 7468) with a hand-written base64 codec: core has no atob/Buffer.
// Configuration input (certificates, keys) may be PEM text, PEM text in
// bytes, or raw DER; pemText() tells them apart.
import { asciiString } from '../bytes/ascii.js';
import { Alert, ErrorCode } from '../errors.js';
import { fail } from './errors.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) VALUE[ALPHABET.charCodeAt(i)] = i;

export interface PemBlock {
  label: string;
  der: Uint8Array;
}

function parseError(code: number, detail: string): never {
  return fail(code, code === ErrorCode.BAD_KEY ? Alert.internal_error : Alert.bad_certificate, detail);
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** Decodes base64 in text[start, end), ignoring whitespace; padding is required, anything else is an error. */
function base64Decode(text: string, start: number, end: number, code: number): Uint8Array {
  let chars = 0;
  let pad = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) continue;
    if (c === 0x3d /* = */) pad++;
    else if (pad > 0 || c >= 128 || VALUE[c] < 0) parseError(code, 'invalid base64');
    chars++;
  }
  if (chars % 4 !== 0 || pad > 2) parseError(code, 'invalid base64 length or padding');
  const out = new Uint8Array((chars / 4) * 3 - pad);
  let acc = 0;
  let n = 0;
  let o = 0;
  for (let i = start; i < end && o < out.length; i++) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) continue;
    acc = (acc << 6) | (c === 0x3d ? 0 : VALUE[c]);
    if (++n < 4) continue;
    out[o++] = acc >>> 16;
    if (o < out.length) out[o++] = (acc >>> 8) & 0xff;
    else if ((acc & 0xffff) !== 0) parseError(code, 'non-canonical base64'); // stray bits before "=="
    if (o < out.length) out[o++] = acc & 0xff;
    else if ((acc & 0xff) !== 0) parseError(code, 'non-canonical base64'); // before "="
    acc = 0;
    n = 0;
  }
  return out;
}

/** Every PEM block in text, in order. Text outside the blocks is ignored. */
export function pemBlocks(text: string, code: number = ErrorCode.CERT_PARSE): PemBlock[] {
  const blocks: PemBlock[] = [];
  let at = 0;
  for (;;) {
    const begin = text.indexOf('-----BEGIN ', at);
    if (begin < 0) return blocks;
    const labelEnd = text.indexOf('-----', begin + 11);
    if (labelEnd < 0) parseError(code, 'unterminated PEM header');
    const label = text.substring(begin + 11, labelEnd);
    const endLine = '-----END ' + label + '-----';
    const body = labelEnd + 5;
    const end = text.indexOf(endLine, body);
    if (end < 0) parseError(code, 'missing "' + endLine + '"');
    // Pre-encapsulation headers (encrypted legacy keys) fail here as invalid base64.
    blocks.push({ label, der: base64Decode(text, body, end, code) });
    at = end + endLine.length;
  }
}

/** DER contents of all PEM blocks labelled `label` (all blocks without a label). */
export function decodePem(text: string, label?: string, code: number = ErrorCode.CERT_PARSE): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const b of pemBlocks(text, code)) if (label === undefined || b.label === label) out.push(b.der);
  return out;
}

/** PEM text of one DER value: base64 in 64-character lines. */
export function encodePem(der: Uint8Array, label: string): string {
  let s = '-----BEGIN ' + label + '-----\n';
  let line = '';
  for (let i = 0; i < der.length; i += 3) {
    const n = der.length - i;
    const v = (der[i] << 16) | (n > 1 ? der[i + 1] << 8 : 0) | (n > 2 ? der[i + 2] : 0);
    line += ALPHABET[v >>> 18] + ALPHABET[(v >>> 12) & 63] + (n > 1 ? ALPHABET[(v >>> 6) & 63] : '=') + (n > 2 ? ALPHABET[v & 63] : '=');
    if (line.length === 64) {
      s += line + '\n';
      line = '';
    }
  }
  if (line) s += line + '\n';
  return s + '-----END ' + label + '-----\n';
}

/**
 * The PEM text of configuration input, or null when it is DER. A buffer is
 * DER when it starts with a SEQUENCE tag (every certificate and key does);
 * anything else is read as ASCII text, so PEM files with leading comments
 * work too.
 */
export function pemText(input: Uint8Array | string): string | null {
  if (typeof input === 'string') return input;
  return input.length > 0 && input[0] === 0x30 ? null : asciiString(input);
}

/** Certificates (DER) from PEM with one or more CERTIFICATE blocks, or from one DER certificate (not copied). */
export function readCertificates(input: Uint8Array | string): Uint8Array[] {
  const text = pemText(input);
  if (text === null) return [input as Uint8Array];
  const certs = decodePem(text, 'CERTIFICATE');
  if (certs.length === 0) fail(ErrorCode.CERT_PARSE, Alert.bad_certificate, 'no CERTIFICATE block in PEM input');
  return certs;
}
