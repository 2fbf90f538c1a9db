// Authentication messages (RFC 8446 section 4.4): the peer's certificate
// chain, CertificateVerify signatures and Finished values.
import { asciiBytes } from '../bytes/ascii.js';
import { constantTimeEqual } from '../crypto/ct.js';
import { schemeAlgorithm, schemeAllowedInCertificateVerify, schemeMatchesKey } from '../crypto/schemes.js';
import type { PrivateKey, PublicKey } from '../crypto/types.js';
import { Alert, ErrorCode, fail } from '../errors.js';
import { fail as certificateFail } from '../x509/errors.js';
import type { Credentials } from '../config.js';
import { schemeName } from '../registry.js';
import type { Certificate } from '../x509/certificate.js';

const SERVER_CONTEXT = /* @__PURE__ */ asciiBytes('TLS 1.3, server CertificateVerify');
const CLIENT_CONTEXT = /* @__PURE__ */ asciiBytes('TLS 1.3, client CertificateVerify');

/** The signed content: 64 spaces, the context string, a zero byte, the transcript hash (RFC 8446 4.4.3). */
function signedContent(fromServer: boolean, transcriptHash: Uint8Array): Uint8Array {
  const ctx = fromServer ? SERVER_CONTEXT : CLIENT_CONTEXT;
  const out = new Uint8Array(64 + ctx.length + 1 + transcriptHash.length);
  out.fill(0x20, 0, 64);
  out.set(ctx, 64);
  out.set(transcriptHash, 65 + ctx.length);
  return out;
}

/** Our signature schemes usable with our key, in our preference order. */
export function ownSchemes(c: Credentials): number[] {
  const key = c.privateKey;
  return key ? c.settings.signatureSchemes.filter((s) => schemeMatchesKey(s, key)) : [];
}

/** Our CertificateVerify scheme: the first of ours (usable with our key) that the peer offered, or 0. */
export function chooseScheme(ownSchemes: number[], peerSchemes: number[]): number {
  for (const s of ownSchemes) {
    if (schemeAllowedInCertificateVerify(s) && peerSchemes.indexOf(s) >= 0) return s;
  }
  return 0;
}

export function signCertificateVerify(
  context: Credentials, scheme: number, key: PrivateKey, fromServer: boolean, transcriptHash: Uint8Array,
): Uint8Array {
  const alg = schemeAlgorithm(scheme);
  if (!alg) return fail(ErrorCode.INTERNAL, Alert.internal_error, 'no algorithm for ' + schemeName(scheme));
  const s = context.settings;
  return s.crypto.sign(alg, key, signedContent(fromServer, transcriptHash), s.random);
}

/**
 * Checks the peer's CertificateVerify: the scheme must be one we offered,
 * allowed in TLS 1.3 and right for the certificate's key; then the signature.
 */
export function verifyCertificateVerify(
  context: Credentials, offered: number[], scheme: number, key: PublicKey, fromServer: boolean,
  transcriptHash: Uint8Array, signature: Uint8Array,
): void {
  const alg = schemeAlgorithm(scheme);
  if (!alg || offered.indexOf(scheme) < 0 || !schemeAllowedInCertificateVerify(scheme)) {
    fail(ErrorCode.ILLEGAL_PARAMETER, Alert.illegal_parameter, 'signature scheme ' + schemeName(scheme) + ' was not offered');
  }
  if (!schemeMatchesKey(scheme, key)) {
    fail(ErrorCode.ILLEGAL_PARAMETER, Alert.illegal_parameter, schemeName(scheme) + ' does not match the certificate key');
  }
  if (!context.settings.crypto.verify(alg, key, signedContent(fromServer, transcriptHash), signature)) {
    fail(ErrorCode.BAD_CERT_VERIFY, Alert.decrypt_error, schemeName(scheme));
  }
}

/**
 * Parses the peer's chain (leaf first) and, unless verification is off,
 * validates it against the trust anchors: signatures, dates, constraints,
 * purpose and, for a server, the name the client asked for; then the stapled
 * OCSP response when the configuration asks for one.
 */
export function checkPeerChain(
  context: Credentials, certs: Uint8Array[], purpose: 'serverAuth' | 'clientAuth', hostname: string | null,
  ocspResponse: Uint8Array | null = null,
): Certificate {
  const x509 = context.x509();
  const chain = certs.map((c) => x509.parseCertificate(c));
  const s = context.settings;
  if (s.verify === 'none') return chain[0];
  const now = s.now ? s.now() : null;
  const stats = { signatures: 0 };
  const crlRevocation = x509.crlRevocation;
  let path: Certificate[];
  try {
    path = x509.verifyChain(chain, context.anchors, {
      verifier: s.crypto,
      now,
      depth: s.verifyDepth,
      purpose,
      hostname: hostname ?? undefined,
      minRsaBits: s.minRsaBits ?? undefined,
      maxSignatures: s.maxChainSignatures ?? undefined,
      revocation: crlRevocation && (context.crls.length > 0 || s.crlRequired) ? crlRevocation(context.crls, now, s.crlRequired) : undefined,
      stats,
    });
  } finally {
    s.debug?.('chain: ' + stats.signatures + ' signature verification(s)');
  }
  // (A Context with `ocsp` on has OCSP support: checked when it is made.)
  const checkOcsp = x509.checkOcspResponse;
  if (purpose === 'serverAuth' && s.ocsp !== 'off' && checkOcsp) {
    if (ocspResponse) checkOcsp(ocspResponse, path[0], path[1] ?? path[0], { verifier: s.crypto, now, minRsaBits: s.minRsaBits ?? undefined });
    else if (s.ocsp === 'require') certificateFail(ErrorCode.OCSP_REQUIRED, Alert.bad_certificate_status_response);
  }
  return chain[0];
}

/** Wire size of a signature our key may make: an RSA modulus, else at most an ECDSA P-521 DER signature. */
function signatureBound(key: PrivateKey | null): number {
  if (!key) return 0;
  return key.kind === 'rsa' ? Math.ceil(key.bits / 8) : 141;
}

/** Bytes of our Certificate and CertificateVerify messages, with a stapled OCSP response of `staple` bytes. */
export function certificateFlightBound(c: Credentials, staple = 0): number {
  let n = 4 + 1 + 3 + (staple ? 4 + 1 + 3 + staple : 0);
  for (const cert of c.chain) n += 3 + cert.length + 2;
  return n + 4 + 2 + 2 + signatureBound(c.privateKey);
}

/**
 * Bytes of the certificate_authorities extension (RFC 8446 4.2.4) with our
 * trust anchors' names, 0 when it is off; refuses (BAD_CONFIG) names that
 * do not fit in its 16-bit length.
 */
export function authoritiesBound(c: Credentials, message: string): number {
  if (!c.settings.certificateAuthorities || c.anchors.length === 0) return 0;
  let names = 0;
  for (const a of c.anchors) names += 2 + a.subject.length;
  if (names > 0xffff) {
    fail(ErrorCode.BAD_CONFIG, Alert.internal_error, 'certificateAuthorities: the names of ' + c.anchors.length +
      ' trust anchors take ' + names + ' bytes, more than a ' + message + ' can carry (65535)');
  }
  return 4 + 2 + names;
}

/** The trust anchors' names for certificate_authorities, or undefined when it is off. */
export function authorities(c: Credentials): Uint8Array[] | undefined {
  return c.settings.certificateAuthorities && c.anchors.length > 0 ? c.anchors.map((a) => a.subject) : undefined;
}

/** Compares a received Finished verify_data with the expected value in constant time. */
export function checkFinished(expected: Uint8Array, received: Uint8Array): void {
  if (received.length !== expected.length || !constantTimeEqual(expected, received)) {
    fail(ErrorCode.BAD_FINISHED, Alert.decrypt_error);
  }
}
