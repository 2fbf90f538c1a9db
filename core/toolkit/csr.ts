// PKCS#10 certification requests (RFC 2986): made from a key and a subject
// (with subjectAltName in an extensionRequest attribute), and read back with
// their signature checked, for a CA to sign (issue.ts).
import { verifySignature } from '../crypto/signature.js';
import type { PublicKey, SignatureAlgorithm, Verifier } from '../crypto/types.js';
import { Alert, ErrorCode } from '../errors.js';
import { fail } from '../x509/errors.js';
import { OID_SUBJECT_ALT_NAME, readSignatureAlgorithm } from '../x509/certificate.js';
import { Der, Tag, bytesEqual, ctx, oid } from '../x509/der.js';
import { bitString, integer, oidElement, sequence, set, tlv } from '../x509/der-writer.js';
import { readPublicKey } from '../x509/keys.js';
import { decodePem, encodePem, pemText } from '../x509/pem.js';
import { encodePublicKey, publicKeyOf, type AnyPrivateKey } from './keys.js';
import { sign, signatureAlgorithm, type SignOptions } from './pkey.js';
import type { Random, ToolkitProvider } from './provider.js';
import { encodeName, parseSubject, signatureAlgorithmId, subjectAltName, type NameEntries } from './x509-fields.js';

const OID_EXTENSION_REQUEST = oid('1.2.840.113549.1.9.14');

export interface CsrOptions extends SignOptions {
  /** "/CN=device-1/O=Acme" or [['CN', 'device-1'], ['O', 'Acme']]. */
  subject: string | NameEntries;
  /** subjectAltName entries: "DNS:device-1.example", "IP:192.0.2.7". */
  san?: string[];
  random: Random;
  provider?: Pick<ToolkitProvider, 'sign'>;
}

/** A PKCS#10 request signed with `key` (DER). */
export function createCsr(key: AnyPrivateKey, o: CsrOptions): Uint8Array {
  const subject = encodeName(typeof o.subject === 'string' ? parseSubject(o.subject) : o.subject);
  const attrs = o.san && o.san.length > 0
    ? sequence(oidElement(OID_EXTENSION_REQUEST), set(sequence(subjectAltName(o.san))))
    : new Uint8Array(0);
  const info = sequence(integer(0), subject, encodePublicKey(publicKeyOf(key)), tlv(ctx(0, true), attrs));
  const alg = signatureAlgorithm(key, o);
  return sequence(info, signatureAlgorithmId(alg), bitString(sign(key, info, o.random, o, o.provider)));
}

export const csrPem = (der: Uint8Array): string => encodePem(der, 'CERTIFICATE REQUEST');

export interface CertificationRequest {
  der: Uint8Array;
  /** CertificationRequestInfo, the signed bytes. */
  info: Uint8Array;
  /** The subject Name (DER). */
  subject: Uint8Array;
  spki: Uint8Array;
  publicKey: PublicKey;
  /** The requested subjectAltName extension (whole Extension DER), or null. */
  subjectAltName: Uint8Array | null;
  /** null when the algorithm is not one this stack verifies. */
  signatureAlgorithm: SignatureAlgorithm | null;
  signature: Uint8Array;
}

/** Reads a request from PEM ("CERTIFICATE REQUEST") or DER; failures are CERT_PARSE. */
export function parseCsr(input: Uint8Array | string): CertificationRequest {
  const text = pemText(input);
  let der = input as Uint8Array;
  if (text !== null) {
    const blocks = decodePem(text, 'CERTIFICATE REQUEST').concat(decodePem(text, 'NEW CERTIFICATE REQUEST'));
    if (blocks.length === 0) fail(ErrorCode.CERT_PARSE, Alert.bad_certificate, 'no CERTIFICATE REQUEST block in PEM input');
    der = blocks[0];
  }
  const d = new Der(der);
  const end = d.sequence(der.length);
  if (end !== der.length) d.fail('trailing data after the request');
  const infoStart = d.pos;
  const infoEnd = d.sequence(end);
  if (d.smallInt(infoEnd) !== 0) d.fail('unknown CSR version');
  const subject = d.element(Tag.SEQUENCE, infoEnd);
  const at = d.pos;
  const publicKey = readPublicKey(d, infoEnd);
  const spki = der.subarray(at, d.pos);
  let san: Uint8Array | null = null;
  const attrs = d.header(ctx(0, true), infoEnd);
  while (d.pos < attrs) {
    const attr = d.sequence(attrs);
    const isExtReq = bytesEqual(d.oid(attr), OID_EXTENSION_REQUEST);
    const values = d.header(Tag.SET, attr);
    if (!isExtReq) d.pos = values;
    while (d.pos < values) {
      const exts = d.sequence(values);
      while (d.pos < exts) {
        const extStart = d.pos;
        const ext = d.sequence(exts);
        if (bytesEqual(d.oid(ext), OID_SUBJECT_ALT_NAME)) san = der.subarray(extStart, ext);
        d.pos = ext;
      }
    }
    d.close(values);
    d.close(attr);
  }
  d.close(infoEnd);
  const info = der.subarray(infoStart, infoEnd);
  const signatureAlgorithm = readSignatureAlgorithm(d, end);
  const signature = d.bitString(end);
  d.close(end);
  return { der, info, subject, spki, publicKey, subjectAltName: san, signatureAlgorithm, signature };
}

/** Whether the request is signed by the key it carries (proof of possession). */
export function verifyCsr(csr: CertificationRequest, verifier: Verifier['verify'] = verifySignature): boolean {
  return csr.signatureAlgorithm !== null && verifier(csr.signatureAlgorithm, csr.publicKey, csr.info, csr.signature);
}
