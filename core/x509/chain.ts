// Certificate path building and validation (RFC 5280 section 6, reduced to
// what TLS needs). The path is built greedily from the leaf upwards: at each
// step the issuer is looked up by name (and key identifier) first among the
// trust anchors, then among the received certificates, and the first
// candidate whose key verifies the signature is taken. Each step is bounded
// by the number of candidates and the number of steps by `depth`, so there
// is no backtracking and no exponential search. Names are compared as DER
// bytes (as BearSSL does), not with RFC 5280's normalization.
import type { Verifier } from '../crypto/types.js';
import { Alert, ErrorCode, fail } from '../errors.js';
import { ExtKeyUsage, KeyUsage, type Certificate } from './certificate.js';
import { bytesEqual, oidToString } from './der.js';
import { matchesHostname } from './name.js';

export interface ChainOptions {
  verifier: Verifier;
  /** Milliseconds since the epoch; null skips validity dates (only for a caller that declared it has no clock). */
  now: number | null;
  /** Maximum number of certificates in the path below the trust anchor (1: the leaf's issuer must be an anchor). */
  depth: number;
  purpose: 'serverAuth' | 'clientAuth';
  /** Server name to check against the leaf (clients). */
  hostname?: string;
}

/** How a certificate is named in messages. */
export function label(c: Certificate): string {
  if (c.subjectCN) return '"' + c.subjectCN + '"';
  let hex = '';
  for (let i = 0; i < c.serial.length; i++) hex += (c.serial[i] < 16 ? '0' : '') + c.serial[i].toString(16);
  return 'certificate with serial ' + hex;
}

function issuedBy(c: Certificate, issuer: Certificate): boolean {
  return bytesEqual(c.issuer, issuer.subject) &&
    (c.authorityKeyId === null || issuer.subjectKeyId === null || bytesEqual(c.authorityKeyId, issuer.subjectKeyId));
}

function isAnchor(c: Certificate, anchors: Certificate[]): boolean {
  for (let i = 0; i < anchors.length; i++) if (anchors[i] === c || bytesEqual(anchors[i].der, c.der)) return true;
  return false;
}

/**
 * The first candidate that issued `c` and whose key verifies its signature;
 * null when none does. state.named counts the name matches, so the caller
 * can tell "unknown issuer" from "bad signature".
 */
function findIssuer(c: Certificate, candidates: Certificate[], verifier: Verifier, state: { named: number }): Certificate | null {
  for (let i = 0; i < candidates.length; i++) {
    const cand = candidates[i];
    if (cand === c || !issuedBy(c, cand)) continue;
    state.named++;
    if (c.signatureAlgorithm && verifier.verify(c.signatureAlgorithm, cand.publicKey, c.tbs, c.signature)) return cand;
  }
  return null;
}

/** Checks that apply to every certificate in the path, anchor included. */
function checkCommon(c: Certificate, opts: ChainOptions): void {
  if (opts.now !== null) {
    if (opts.now < c.notBefore) fail(ErrorCode.CERT_NOT_YET_VALID, Alert.certificate_expired, label(c) + ' is valid from ' + new Date(c.notBefore).toISOString());
    if (opts.now > c.notAfter) fail(ErrorCode.CERT_EXPIRED, Alert.certificate_expired, label(c) + ' expired ' + new Date(c.notAfter).toISOString());
  }
  if (c.unknownCriticalExtension) {
    fail(ErrorCode.CERT_UNKNOWN_CRITICAL_EXT, Alert.unsupported_certificate, label(c) + ': extension ' + oidToString(c.unknownCriticalExtension));
  }
}

/** extendedKeyUsage, when present, must allow the purpose (checked on CAs too, as browsers do). */
function checkPurpose(c: Certificate, opts: ChainOptions): void {
  const want = opts.purpose === 'serverAuth' ? ExtKeyUsage.serverAuth : ExtKeyUsage.clientAuth;
  if (c.extKeyUsage !== null && (c.extKeyUsage & (want | ExtKeyUsage.any)) === 0) {
    fail(ErrorCode.CERT_EXT_KEY_USAGE, Alert.unsupported_certificate, label(c) + ' not for ' + opts.purpose);
  }
}

/**
 * A certificate that issued `below` certificates of the path: it must be a
 * CA (an anchor without basicConstraints, a v1 root, is accepted), may sign
 * certificates, and its pathLenConstraint must allow the intermediates below.
 */
function checkIssuer(c: Certificate, anchor: boolean, intermediatesBelow: number): void {
  if (c.ca === false || (c.ca === null && !anchor)) fail(ErrorCode.CERT_NOT_CA, Alert.bad_certificate, label(c) + ' is not a CA');
  if (c.keyUsage !== null && (c.keyUsage & KeyUsage.keyCertSign) === 0) {
    fail(ErrorCode.CERT_KEY_USAGE, Alert.unsupported_certificate, label(c) + ' may not sign certificates');
  }
  if (c.pathLen !== null && intermediatesBelow > c.pathLen) {
    fail(ErrorCode.CERT_PATH_LEN, Alert.bad_certificate, label(c) + ' allows ' + c.pathLen + ' intermediate(s) below it');
  }
}

/** Non-self-issued intermediates below path[i], path[0] being the leaf (RFC 5280 6.1.4 (l)). */
function countIntermediates(path: Certificate[], i: number): number {
  let n = 0;
  for (let k = 1; k < i; k++) if (!bytesEqual(path[k].issuer, path[k].subject)) n++;
  return n;
}

/**
 * Validates a received chain (leaf first, as received; extra certificates
 * are ignored) against the trust anchors. Throws TlsFailure on any failure.
 * Returns the validated path: the leaf, the intermediates, then the anchor
 * (just [leaf] when the leaf is itself an anchor), so path[1] is the
 * leaf's issuer (the OCSP check needs it).
 */
export function verifyChain(chain: Certificate[], anchors: Certificate[], opts: ChainOptions): Certificate[] {
  if (chain.length === 0) fail(ErrorCode.CERTIFICATE_REQUIRED, Alert.certificate_required, 'empty certificate chain');
  const leaf = chain[0];
  // path[0] is the leaf, then the intermediates; the anchor is kept apart until the end.
  const path: Certificate[] = [leaf];
  let anchor: Certificate | null = isAnchor(leaf, anchors) ? leaf : null;
  const state = { named: 0 };
  while (anchor === null) {
    const c = path[path.length - 1];
    if (path.length > opts.depth) fail(ErrorCode.CERT_CHAIN_TOO_LONG, Alert.bad_certificate, 'more than ' + opts.depth + ' certificate(s) below the trust anchor');
    state.named = 0;
    anchor = findIssuer(c, anchors, opts.verifier, state);
    if (anchor) break;
    // A received copy of an anchor never gets here: the anchors were searched first.
    const next = findIssuer(c, chain, opts.verifier, state);
    if (next) {
      path.push(next);
      continue;
    }
    if (state.named === 0) fail(ErrorCode.UNKNOWN_CA, Alert.unknown_ca, 'issuer "' + c.issuerCN + '" of ' + label(c) + ' not found');
    fail(ErrorCode.CERT_SIGNATURE, Alert.bad_certificate,
      (c.signatureAlgorithm ? 'bad signature on ' : 'unsupported signature algorithm on ') + label(c));
  }

  if (anchor !== leaf) {
    checkCommon(anchor, opts);
    checkIssuer(anchor, true, countIntermediates(path, path.length));
  }
  for (let i = path.length - 1; i >= 1; i--) {
    const c = path[i];
    checkCommon(c, opts);
    checkIssuer(c, false, countIntermediates(path, i));
    checkPurpose(c, opts);
  }
  checkCommon(leaf, opts);
  if (leaf.keyUsage !== null && (leaf.keyUsage & KeyUsage.digitalSignature) === 0) {
    fail(ErrorCode.CERT_KEY_USAGE, Alert.unsupported_certificate, label(leaf) + ' does not allow digitalSignature');
  }
  checkPurpose(leaf, opts);
  if (opts.hostname !== undefined && !matchesHostname(leaf, opts.hostname)) {
    fail(ErrorCode.HOSTNAME_MISMATCH, Alert.bad_certificate, '"' + opts.hostname + '" is not a name of ' + label(leaf));
  }
  if (anchor !== leaf) path.push(anchor);
  return path;
}
