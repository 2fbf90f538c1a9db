// Certificate path building and validation (RFC 5280 section 6, reduced to
// what TLS needs, with rustls-webpki's profile rules). The path is searched
// depth-first from the leaf upwards, then the leaf's own rules and its name
// are checked. The candidate issuers of the certificate on top of the path
// are the trust anchors, then the received certificates, whose subject is
// its issuer name (and whose subjectKeyIdentifier matches its
// authorityKeyIdentifier when both are there: those come first). A
// candidate is checked before its signature is verified (dates, CA rights,
// key strength, pathLen and name constraints over the path below it), so a
// rejected one costs nothing, and a received certificate from which no
// trust anchor can be reached by names is never tried; one whose checks or
// signature fail is skipped, and the search backtracks to the next. A
// certificate never appears twice on one path, and all signature
// verifications of one validation, CRL signatures included, are capped by a
// budget (maxSignatures): as every step down a path costs one, a peer
// cannot make a handshake cost more. Names are compared as DER bytes (as
// BearSSL does), not with RFC 5280's normalization.
import type { SignatureAlgorithm, Verifier } from '../crypto/types.js';
import { Alert, ErrorCode, TlsFailure } from '../errors.js';
import { fail, failure } from './errors.js';
import { ExtKeyUsage, KeyUsage, type Certificate } from './certificate.js';
import { checkNameConstraints } from './constraints.js';
import { bytesEqual, oidToString } from './der.js';
import { matchesHostname } from './name.js';
import { DEFAULT_MIN_RSA_BITS, checkKeyStrength, checkNotCa, checkReceived, checkReceivedCa } from './profile.js';

/** Signature verifications one validation may spend without configuration (as rustls-webpki). */
export const DEFAULT_MAX_SIGNATURES = 100;

export interface ChainOptions {
  verifier: Verifier;
  /** Milliseconds since the epoch; null skips validity dates (only for a caller that declared it has no clock). */
  now: number | null;
  /** Maximum number of certificates in the path below the trust anchor (1: the leaf's issuer must be an anchor). */
  depth: number;
  purpose: 'serverAuth' | 'clientAuth';
  /** Server name to check against the leaf (clients). */
  hostname?: string;
  /** Smallest RSA modulus accepted anywhere on the path (default 2048). */
  minRsaBits?: number;
  /** Signature verifications allowed for this validation (default 100); then CHAIN_BUDGET_EXCEEDED. */
  maxSignatures?: number;
  /** Revocation check of each certificate below the anchor by its issuer (CRLs: core/x509/crl.ts crlRevocation). */
  revocation?: Revocation;
  /** Counts the signature verifications spent (for tests and the debug log). */
  stats?: { signatures: number };
}

/** Verifies a signature by `by`'s key, spending from the validation's budget. */
export type SignatureCheck = (alg: SignatureAlgorithm | null, tbs: Uint8Array, signature: Uint8Array, by: Certificate) => boolean;

/** Throws when `c`, issued by `issuer` (whose signature on it verified), is revoked or its status cannot be told. */
export type Revocation = (c: Certificate, issuer: Certificate, verify: SignatureCheck) => void;

/** How a certificate is named in messages. */
export function label(c: Certificate): string {
  if (c.subjectCN) return '"' + c.subjectCN + '"';
  let hex = '';
  for (let i = 0; i < c.serial.length; i++) hex += (c.serial[i] < 16 ? '0' : '') + c.serial[i].toString(16);
  return 'certificate with serial ' + hex;
}

/** 2: name and key identifier match, 1: name matches and a key identifier is missing, 0: not an issuer. */
function issuerRank(c: Certificate, issuer: Certificate): number {
  if (!bytesEqual(c.issuer, issuer.subject)) return 0;
  if (c.authorityKeyId === null || issuer.subjectKeyId === null) return 1;
  return bytesEqual(c.authorityKeyId, issuer.subjectKeyId) ? 2 : 0;
}

function indexOf(c: Certificate, list: Certificate[]): number {
  for (let i = 0; i < list.length; i++) if (list[i] === c || bytesEqual(list[i].der, c.der)) return i;
  return -1;
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
  checkKeyStrength(c, label(c), opts.minRsaBits ?? DEFAULT_MIN_RSA_BITS);
}

/** extendedKeyUsage, when present, must allow the purpose (checked on CAs too, as browsers do). */
function checkPurpose(c: Certificate, opts: ChainOptions): void {
  const want = opts.purpose === 'serverAuth' ? ExtKeyUsage.serverAuth : ExtKeyUsage.clientAuth;
  if (c.extKeyUsage !== null && (c.extKeyUsage & (want | ExtKeyUsage.any)) === 0) {
    fail(ErrorCode.CERT_EXT_KEY_USAGE, Alert.unsupported_certificate, label(c) + ' not for ' + opts.purpose);
  }
}

/** The end-entity's own checks (but the name). */
function checkLeaf(leaf: Certificate, pinned: boolean, opts: ChainOptions): void {
  checkCommon(leaf, opts);
  // A pinned certificate is trusted as it is (self-signed ones often say cA=TRUE).
  if (!pinned) {
    checkReceived(leaf, label(leaf));
    checkNotCa(leaf, label(leaf));
  }
  if (leaf.keyUsage !== null && (leaf.keyUsage & KeyUsage.digitalSignature) === 0) {
    fail(ErrorCode.CERT_KEY_USAGE, Alert.unsupported_certificate, label(leaf) + ' does not allow digitalSignature');
  }
  checkPurpose(leaf, opts);
}

/** Last: a name constraint violation is reported as such, not as a mismatch (a CN-only leaf matches nothing). */
function checkHostname(leaf: Certificate, opts: ChainOptions): void {
  if (opts.hostname !== undefined && !matchesHostname(leaf, opts.hostname)) {
    fail(ErrorCode.HOSTNAME_MISMATCH, Alert.bad_certificate, '"' + opts.hostname + '" is not a name of ' + label(leaf));
  }
}

/** Non-self-issued intermediates in path[1..] (RFC 5280 6.1.4 (l)): what the next issuer's pathLen must allow. */
function countIntermediates(path: Certificate[]): number {
  let n = 0;
  for (let k = 1; k < path.length; k++) if (!bytesEqual(path[k].issuer, path[k].subject)) n++;
  return n;
}

/**
 * Whether `c` may issue the top of `path`: a CA (an anchor without
 * basicConstraints, a v1 root, is accepted as an anchor only) that may sign
 * certificates, whose pathLenConstraint allows the intermediates below and
 * whose name constraints hold every certificate below (self-issued
 * intermediates aside, RFC 5280 6.1.3 (b)).
 */
function checkIssuer(c: Certificate, anchor: boolean, path: Certificate[], opts: ChainOptions): void {
  checkCommon(c, opts);
  const name = label(c);
  if (c.ca === false || (c.ca === null && !anchor)) fail(ErrorCode.CERT_NOT_CA, Alert.bad_certificate, name + ' is not a CA');
  if (c.keyUsage !== null && (c.keyUsage & KeyUsage.keyCertSign) === 0) {
    fail(ErrorCode.CERT_KEY_USAGE, Alert.unsupported_certificate, name + ' may not sign certificates');
  }
  const below = countIntermediates(path);
  if (c.pathLen !== null && below > c.pathLen) {
    fail(ErrorCode.CERT_PATH_LEN, Alert.bad_certificate, name + ' allows ' + c.pathLen + ' intermediate(s) below it');
  }
  if (!anchor) {
    checkReceived(c, name);
    checkReceivedCa(c, name);
    checkPurpose(c, opts);
  }
  for (let k = 0; c.nameConstraints && k < path.length; k++) {
    if (k === 0 || !bytesEqual(path[k].issuer, path[k].subject)) checkNameConstraints(c, name, path[k], label(path[k]), k === 0);
  }
}

/** One validation's search state. */
class PathSearch {
  readonly path: Certificate[];
  private spent = 0;
  /**
   * Why the longest rejected path was rejected (the first such reason for
   * that length): the most telling error when no path is found.
   */
  error: TlsFailure | null = null;
  private errorDepth = 0;

  /**
   * Whether a trust anchor can be reached from each received certificate by
   * names alone (ignoring signatures, depth and repeats: an over-estimate).
   * The others are never tried, so a chain of certificates that lead
   * nowhere, however tangled, costs no signature at all.
   */
  private readonly leads: boolean[] = [];
  /** verify() for the revocation check (CRL signatures spend from the same budget). */
  private readonly check: SignatureCheck = (alg, tbs, signature, by) => this.verify(alg, tbs, signature, by);

  constructor(leaf: Certificate, private readonly chain: Certificate[], private readonly anchors: Certificate[], private readonly opts: ChainOptions) {
    this.path = [leaf];
    const leads = this.leads;
    for (let i = 0; i < chain.length; i++) {
      let named = false;
      for (let a = 0; !named && a < anchors.length; a++) named = issuerRank(chain[i], anchors[a]) > 0;
      leads.push(named);
    }
    for (let changed = true; changed;) {
      changed = false;
      for (let i = 0; i < chain.length; i++) {
        for (let j = 0; !leads[i] && j < chain.length; j++) {
          if (j !== i && leads[j] && issuerRank(chain[i], chain[j]) > 0) leads[i] = changed = true;
        }
      }
    }
  }

  private note(e: TlsFailure): void {
    if (this.path.length > this.errorDepth) {
      this.error = e;
      this.errorDepth = this.path.length;
    }
  }

  /**
   * Verifies a signature within the budget. Results are not remembered: a
   * step down the path always costs a verification, so the budget bounds
   * the steps too (the work between two steps is bounded by the number of
   * candidates).
   */
  private verify(alg: SignatureAlgorithm | null, tbs: Uint8Array, signature: Uint8Array, by: Certificate): boolean {
    if (alg === null) return false;
    const max = this.opts.maxSignatures ?? DEFAULT_MAX_SIGNATURES;
    if (this.spent >= max) {
      fail(ErrorCode.CHAIN_BUDGET_EXCEEDED, Alert.bad_certificate, max + ' signature verifications spent on ' + label(this.path[0]) +
        ' without finding a valid path' + (this.error ? '; deepest rejection: ' + this.error.message : ''));
    }
    this.spent++;
    if (this.opts.stats) this.opts.stats.signatures++;
    return this.opts.verifier.verify(alg, by.publicKey, tbs, signature);
  }

  /** Whether `cand` may issue the top of the path: the checks and the signature (rejections are noted). */
  private accepts(cand: Certificate, anchor: boolean): boolean {
    const path = this.path;
    const c = path[path.length - 1];
    try {
      if (!anchor && path.length >= this.opts.depth) {
        fail(ErrorCode.CERT_CHAIN_TOO_LONG, Alert.bad_certificate, 'more than ' + this.opts.depth + ' certificate(s) below the trust anchor');
      }
      checkIssuer(cand, anchor, path, this.opts);
      if (!this.verify(c.signatureAlgorithm, c.tbs, c.signature, cand)) {
        fail(ErrorCode.CERT_SIGNATURE, Alert.bad_certificate, (c.signatureAlgorithm ? 'bad signature on ' : 'unsupported signature algorithm on ') +
          label(c) + ' by ' + label(cand));
      }
      if (this.opts.revocation) this.opts.revocation(c, cand, this.check);
      return true;
    } catch (e) {
      if (!(e instanceof TlsFailure) || e.code === ErrorCode.CHAIN_BUDGET_EXCEEDED) throw e;
      this.note(e);
      return false;
    }
  }

  /**
   * The next issuer candidate for the top of the path, advancing `at`:
   * anchors first (the shortest paths), each group by key identifier match
   * first; null when none is left. The candidate is an anchor when at.pass < 2.
   */
  private next(at: Cursor): Certificate | null {
    const c = this.path[this.path.length - 1];
    for (; at.pass < 4; at.pass++, at.i = 0) {
      const anchor = at.pass < 2;
      const list = anchor ? this.anchors : this.chain;
      while (at.i < list.length) {
        const i = at.i++;
        const cand = list[i];
        if (issuerRank(c, cand) !== 2 - (at.pass & 1)) continue;
        // A received copy of an anchor was tried as the anchor.
        if (!anchor && indexOf(cand, this.anchors) >= 0) continue;
        if (!anchor && !this.leads[i]) at.why = ' (no certificate with that name leads to a trust anchor)';
        else if (indexOf(cand, this.path) >= 0) at.why = ' (only certificates already on the path have that name)';
        else return cand;
      }
    }
    return null;
  }

  /**
   * Depth-first search with backtracking from the leaf; true when the path
   * reached a trust anchor. Iterative, one cursor per certificate on the
   * path, so the stack a device needs does not grow with the path (XS's
   * stack is 512 slots on an ESP32).
   */
  extend(): boolean {
    const path = this.path;
    const cursors: Cursor[] = [{ pass: 0, i: 0, tried: 0, why: '' }];
    while (cursors.length > 0) {
      const at = cursors[cursors.length - 1];
      const cand = this.next(at);
      if (cand === null) {
        const c = path[path.length - 1];
        if (at.tried === 0) this.note(failure(ErrorCode.UNKNOWN_CA, Alert.unknown_ca, 'issuer "' + c.issuerCN + '" of ' + label(c) + ' not found' + at.why));
        cursors.pop();
        if (cursors.length > 0) path.pop(); // no issuer for c: back to the certificate below it
        continue;
      }
      at.tried++;
      const anchor = at.pass < 2;
      if (!this.accepts(cand, anchor)) continue;
      path.push(cand);
      if (anchor) return true;
      cursors.push({ pass: 0, i: 0, tried: 0, why: '' });
    }
    return false;
  }
}

/** Where the search for one certificate's issuer stands. */
interface Cursor {
  /** 0-1: anchors, 2-3: received certificates; even: key identifiers match, odd: names only. */
  pass: number;
  /** Next index in the pass's list. */
  i: number;
  /** Candidates tried (checked and verified). */
  tried: number;
  /** Why the last candidate passed over was skipped (for UNKNOWN_CA). */
  why: string;
}

/**
 * Validates a received chain (leaf first, as received; extra certificates
 * are ignored) against the trust anchors. Throws TlsFailure on any failure:
 * the rejection of the longest path tried when none validates, CHAIN_BUDGET_EXCEEDED
 * when the signature budget runs out. Returns the validated path: the leaf,
 * the intermediates, then the anchor (just [leaf] when the leaf is itself
 * an anchor), so path[1] is the leaf's issuer (the OCSP check needs it).
 */
export function verifyChain(chain: Certificate[], anchors: Certificate[], opts: ChainOptions): Certificate[] {
  if (chain.length === 0) fail(ErrorCode.CERTIFICATE_REQUIRED, Alert.certificate_required, 'empty certificate chain');
  const leaf = chain[0];
  const pinned = indexOf(leaf, anchors) >= 0;
  let path = [leaf];
  if (!pinned) {
    if (opts.depth < 1) fail(ErrorCode.CERT_CHAIN_TOO_LONG, Alert.bad_certificate, 'more than ' + opts.depth + ' certificate(s) below the trust anchor');
    const search = new PathSearch(leaf, chain, anchors, opts);
    if (!search.extend()) throw search.error!;
    path = search.path;
  }
  // The leaf's own rules come after the path (as they always did): a self-signed server
  // certificate that is not trusted is UNKNOWN_CA, whatever else is wrong with it.
  checkLeaf(leaf, pinned, opts);
  checkHostname(leaf, opts);
  return path;
}
