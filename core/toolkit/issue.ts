// X.509 v3 certificates (RFC 5280): self-signed, or issued by a CA from a
// PKCS#10 request, with the validity, basicConstraints, keyUsage,
// extendedKeyUsage, subjectAltName and key identifiers asked for. Checking
// them is core/x509's job (verifyCertificate below is its chain validation).
import { verifySignature } from '../crypto/signature.js';
import type { Verifier } from '../crypto/types.js';
import { Alert, ErrorCode } from '../errors.js';
import { fail } from '../x509/errors.js';
import { KeyUsage, parseCertificate, type Certificate } from '../x509/certificate.js';
import { verifyChain } from '../x509/chain.js';
import { Der, bytesEqual } from '../x509/der.js';
import { bitString, explicit, integer, sequence, time, unsignedInteger } from '../x509/der-writer.js';
import { encodePem, readCertificates } from '../x509/pem.js';
import { digest } from './digest.js';
import { encodePublicKey, publicKeyOf, type AnyPrivateKey, type AnyPublicKey } from './keys.js';
import { parseCsr, verifyCsr } from './csr.js';
import { sign, signatureAlgorithm, type SignOptions } from './pkey.js';
import type { Random, ToolkitProvider } from './provider.js';
import {
  authorityKeyIdentifier, basicConstraints, encodeName, extKeyUsage, keyUsage, parseSubject, signatureAlgorithmId,
  subjectAltName, subjectKeyIdentifier, type NameEntries, type Purpose,
} from './x509-fields.js';

const DAY = 86400000;

export interface CertificateOptions extends SignOptions {
  random: Random;
  /** Milliseconds since the epoch: notBefore (core has no clock of its own). */
  now: number;
  /** Validity in days from `now` (default 365). */
  days?: number;
  /** Serial number bytes (default: 16 random bytes, positive). */
  serial?: Uint8Array;
  /** basicConstraints cA (default: true for self-signed, false for issued), and pathLenConstraint. */
  ca?: boolean;
  pathLen?: number;
  /** KeyUsage bits (core/x509 KeyUsage); default keyCertSign|cRLSign|digitalSignature for a CA, digitalSignature (+ keyEncipherment for RSA) otherwise. */
  keyUsage?: number;
  /** extendedKeyUsage; default none for a CA, serverAuth and clientAuth otherwise. */
  extKeyUsage?: Purpose[];
  /** subjectAltName entries ("DNS:...", "IP:..."); issued certificates default to the request's. */
  san?: string[];
  provider?: Pick<ToolkitProvider, 'sign'>;
}

/** The key identifier of a public key: SHA-256 of the subjectPublicKey bits, first 160 bits (RFC 7093 method 1). */
export function keyIdentifier(key: AnyPublicKey): Uint8Array {
  const spki = encodePublicKey(key);
  const d = new Der(spki);
  const seq = d.sequence(spki.length);
  d.skip(seq);
  return digest('sha256', d.bitString(seq)).subarray(0, 20);
}

interface Subject {
  name: Uint8Array;
  key: AnyPublicKey;
  /** The requested subjectAltName extension, copied when the options name none. */
  san: Uint8Array | null;
}

interface Issuer {
  name: Uint8Array;
  key: AnyPrivateKey;
  keyId: Uint8Array;
}

function build(subject: Subject, issuer: Issuer, o: CertificateOptions, selfSigned: boolean): Uint8Array {
  const ca = o.ca ?? selfSigned;
  const serial = o.serial ?? randomSerial(o.random);
  const notAfter = o.now + (o.days ?? 365) * DAY;
  if (!(notAfter > o.now)) fail(ErrorCode.BAD_CONFIG, Alert.internal_error, 'validity must be at least one day');
  const usage = o.keyUsage ?? (ca
    ? KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature
    : KeyUsage.digitalSignature | (subject.key.kind === 'rsa' ? KeyUsage.keyEncipherment : 0));
  const exts = [basicConstraints(ca, ca ? o.pathLen : undefined), keyUsage(usage)];
  const eku = o.extKeyUsage ?? (ca ? [] : ['serverAuth', 'clientAuth'] as Purpose[]);
  if (eku.length > 0) exts.push(extKeyUsage(eku));
  if (o.san && o.san.length > 0) exts.push(subjectAltName(o.san));
  else if (subject.san) exts.push(subject.san);
  exts.push(subjectKeyIdentifier(keyIdentifier(subject.key)));
  if (!selfSigned) exts.push(authorityKeyIdentifier(issuer.keyId));
  const alg = signatureAlgorithmId(signatureAlgorithm(issuer.key, o));
  const tbs = sequence(
    explicit(0, integer(2)), unsignedInteger(serial), alg, issuer.name,
    sequence(time(o.now), time(notAfter)), subject.name, encodePublicKey(subject.key), explicit(3, sequence(...exts)),
  );
  const cert = sequence(tbs, alg, bitString(sign(issuer.key, tbs, o.random, o, o.provider)));
  parseCertificate(cert); // what we wrote must read back (a malformed SAN from a request fails here)
  return cert;
}

/** 16 random bytes with the top bit clear (a positive INTEGER, RFC 5280 4.1.2.2: at most 20 bytes). */
function randomSerial(random: Random): Uint8Array {
  const s = new Uint8Array(16);
  random(s);
  s[0] = (s[0] & 0x7f) | 0x01; // non-zero leading byte: always 16 bytes
  return s;
}

/** A self-signed certificate (a root CA by default). */
export function createSelfSigned(key: AnyPrivateKey, subject: string | NameEntries, o: CertificateOptions): Uint8Array {
  const name = encodeName(typeof subject === 'string' ? parseSubject(subject) : subject);
  const pub = publicKeyOf(key);
  return build({ name, key: pub, san: null }, { name, key, keyId: keyIdentifier(pub) }, o, true);
}

/**
 * A CA signs a PKCS#10 request: the request's signature is checked, its
 * subject and key (and subjectAltName unless o.san is given) are certified.
 * caKey must be the key of caCert.
 */
export function signCsr(csr: Uint8Array | string, caCert: Uint8Array | string, caKey: AnyPrivateKey, o: CertificateOptions): Uint8Array {
  const req = parseCsr(csr);
  if (!verifyCsr(req)) fail(ErrorCode.CERT_SIGNATURE, Alert.bad_certificate, 'the request is not signed by its own key');
  const ca = parseCertificate(readCertificates(caCert)[0]);
  if (!bytesEqual(ca.spki, encodePublicKey(publicKeyOf(caKey)))) fail(ErrorCode.BAD_KEY, Alert.internal_error, 'the CA key does not belong to the CA certificate');
  if (ca.ca === false) fail(ErrorCode.CERT_NOT_CA, Alert.bad_certificate, 'the CA certificate is not a CA (basicConstraints cA is false)');
  const keyId = ca.subjectKeyId ?? keyIdentifier(ca.publicKey);
  return build({ name: req.subject, key: req.publicKey, san: req.subjectAltName }, { name: ca.subject, key: caKey, keyId }, o, false);
}

export const certificatePem = (der: Uint8Array): string => encodePem(der, 'CERTIFICATE');

export interface VerifyOptions {
  /** Milliseconds since the epoch; null only on a device without a clock. */
  now: number | null;
  purpose?: 'serverAuth' | 'clientAuth';
  hostname?: string;
  depth?: number;
  verifier?: Verifier['verify'];
}

/**
 * Validates a certificate chain (PEM or DER, leaf first) against trust
 * anchors with core/x509's path validation; returns the path, throws a
 * TlsFailure with the reason (UNKNOWN_CA, CERT_EXPIRED, ...) otherwise.
 */
export function verifyCertificate(chain: Uint8Array | string, anchors: Uint8Array | string, o: VerifyOptions): Certificate[] {
  const certs = readCertificates(chain).map(parseCertificate);
  const roots = readCertificates(anchors).map(parseCertificate);
  return verifyChain(certs, roots, {
    verifier: { verify: o.verifier ?? verifySignature },
    now: o.now,
    depth: o.depth ?? 9,
    purpose: o.purpose ?? 'serverAuth',
    hostname: o.hostname,
  });
}
