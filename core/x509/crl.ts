// Certificate revocation lists (RFC 5280 section 5) loaded from buffers.
// One pass over the DER checks the whole structure and keeps views: the
// signed bytes, the issuer Name, and the revokedCertificates region, which
// is walked again (no copy, no index) when a serial is looked up. Only
// complete, direct CRLs are used: an indirect CRL, a delta CRL, a CRL
// partitioned by distribution point or by reasons, and any unknown critical
// extension are refused when loaded (BAD_CRL), so a CRL that is used always
// covers every certificate of its scope that its issuer signed.
// crlRevocation() is the check chain validation calls for each certificate
// below the anchor (a hook, so a build without CRL support carries none of
// this).
import type { SignatureAlgorithm } from '../crypto/types.js';
import { Alert, ErrorCode } from '../errors.js';
import { fail } from './errors.js';
import { KeyUsage, OID_AUTHORITY_KEY_ID, readName, readSignature } from './certificate.js';
import { label, type Revocation } from './chain.js';
import { Der, Tag, bytesEqual, ctx, oid, oidToString } from './der.js';
import { decodePem, pemText } from './pem.js';

/** CRLReason names (RFC 5280 5.3.1), also used for OCSP. */
export const CRL_REASON = ['unspecified', 'keyCompromise', 'cACompromise', 'affiliationChanged', 'superseded',
  'cessationOfOperation', 'certificateHold', '7', 'removeFromCRL', 'privilegeWithdrawn', 'aACompromise'];

export interface Crl {
  readonly der: Uint8Array;
  /** TBSCertList, the signed bytes. */
  readonly tbs: Uint8Array;
  readonly signatureAlgorithm: SignatureAlgorithm | null;
  readonly signature: Uint8Array;
  /** DER Name of the issuer, compared byte for byte with certificates' issuer. */
  readonly issuer: Uint8Array;
  readonly issuerCN: string;
  /** Milliseconds since the epoch. */
  readonly thisUpdate: number;
  readonly nextUpdate: number;
  readonly authorityKeyId: Uint8Array | null;
  /** issuingDistributionPoint scope: every certificate, only end-entities, or only CAs. */
  readonly scope: 'all' | 'leaf' | 'ca';
  /** Content of revokedCertificates (empty when absent). */
  readonly revoked: Uint8Array;
}

const ENUMERATED = 0x0a;
const OID_CRL_NUMBER = oid('2.5.29.20');
const OID_ISSUING_DP = oid('2.5.29.28');
const OID_REASON_CODE = oid('2.5.29.21');
const OID_INVALIDITY_DATE = oid('2.5.29.24');

function bad(d: Der, detail: string): never {
  return d.fail(detail);
}

/** One Extension: its OID, criticality, and the extnValue content end (d is at the content). */
function extension(d: Der, end: number): { id: Uint8Array; critical: boolean; value: number } {
  const ext = d.sequence(end);
  const id = d.oid(ext);
  const critical = d.peek(ext) === Tag.BOOLEAN ? d.boolean(ext) : false;
  const value = d.header(Tag.OCTET_STRING, ext);
  if (value !== ext) bad(d, 'trailing data in extension');
  return { id, critical, value };
}

/** [n] IMPLICIT BOOLEAN of issuingDistributionPoint, false when absent. */
function implicitFlag(d: Der, n: number, end: number): boolean {
  if (d.peek(end) !== ctx(n, false)) return false;
  const v = d.content(ctx(n, false), end);
  if (v.length !== 1 || (v[0] !== 0 && v[0] !== 0xff)) bad(d, 'malformed BOOLEAN');
  return v[0] !== 0;
}

/** issuingDistributionPoint: only the onlyContainsUserCerts / onlyContainsCACerts scopes are supported. */
function readIssuingDp(d: Der, end: number): 'all' | 'leaf' | 'ca' {
  const s = d.sequence(end);
  if (d.peek(s) === ctx(0, true)) bad(d, 'partitioned CRL (issuingDistributionPoint names a distribution point): load a full CRL');
  const user = implicitFlag(d, 1, s);
  const ca = implicitFlag(d, 2, s);
  if (d.peek(s) === ctx(3, false)) bad(d, 'CRL limited to some revocation reasons: load a full CRL');
  if (implicitFlag(d, 4, s)) bad(d, 'indirect CRLs are not supported');
  if (implicitFlag(d, 5, s)) bad(d, 'attribute certificate CRL');
  d.close(s);
  if (user && ca) bad(d, 'issuingDistributionPoint with both onlyContainsUserCerts and onlyContainsCACerts');
  return user ? 'leaf' : ca ? 'ca' : 'all';
}

/** crlExtensions: AKI and scope kept, cRLNumber ignored, anything else critical refused (delta CRLs among them). */
function readCrlExtensions(d: Der, end: number, out: { aki: Uint8Array | null; scope: 'all' | 'leaf' | 'ca' }): void {
  const seq = d.sequence(end);
  while (d.pos < seq) {
    const e = extension(d, seq);
    if (bytesEqual(e.id, OID_AUTHORITY_KEY_ID)) {
      const s = d.sequence(e.value);
      if (d.peek(s) === ctx(0, false)) out.aki = d.content(ctx(0, false), s);
      d.pos = s;
    } else if (bytesEqual(e.id, OID_ISSUING_DP)) {
      out.scope = readIssuingDp(d, e.value);
    } else if (e.critical && !bytesEqual(e.id, OID_CRL_NUMBER)) {
      bad(d, 'unsupported critical CRL extension ' + oidToString(e.id));
    } else {
      d.pos = e.value;
    }
    d.close(e.value);
  }
  d.close(seq);
}

/**
 * One revokedCertificates entry: returns its serial, leaves the revocation
 * date and reason in `out` when given. Entry extensions other than
 * reasonCode and invalidityDate may not be critical (certificateIssuer, the
 * mark of an indirect CRL, is).
 */
function readEntry(d: Der, end: number, out: { date: number; reason: number } | null): Uint8Array {
  const s = d.sequence(end);
  const serial = d.integer(s);
  const date = d.time(s);
  let reason = -1;
  if (d.pos < s) {
    const seq = d.sequence(s);
    while (d.pos < seq) {
      const e = extension(d, seq);
      if (bytesEqual(e.id, OID_REASON_CODE)) {
        const v = d.content(ENUMERATED, e.value);
        if (v.length !== 1 || v[0] >= CRL_REASON.length) bad(d, 'bad CRLReason');
        reason = v[0];
      } else if (e.critical && !bytesEqual(e.id, OID_INVALIDITY_DATE)) {
        bad(d, 'unsupported critical CRL entry extension ' + oidToString(e.id));
      } else {
        d.pos = e.value;
      }
      d.close(e.value);
    }
    d.close(seq);
  }
  d.close(s);
  if (out) {
    out.date = date;
    out.reason = reason;
  }
  return serial;
}

/** Parses a DER CertificateList; malformed or unsupported CRLs fail with BAD_CRL. Byte fields are views into `der`. */
export function parseCrl(der: Uint8Array): Crl {
  const d = new Der(der, ErrorCode.BAD_CRL);
  const top = d.sequence(der.length);
  if (top !== der.length) bad(d, 'trailing data after the CRL');
  const tbsStart = d.pos;
  const tbsEnd = d.sequence(top);
  const tbs = der.subarray(tbsStart, tbsEnd);
  if (d.peek(tbsEnd) === Tag.INTEGER && d.smallInt(tbsEnd) !== 1) bad(d, 'unknown CRL version');
  const innerAlg = d.element(Tag.SEQUENCE, tbsEnd);
  const at = d.pos;
  const issuerCN = readName(d, tbsEnd);
  const issuer = der.subarray(at, d.pos);
  const thisUpdate = d.time(tbsEnd);
  const tag = d.peek(tbsEnd);
  // RFC 5280 5.1.2.5: conforming issuers include nextUpdate; without it staleness cannot be judged.
  if (tag !== Tag.UTCTime && tag !== Tag.GeneralizedTime) bad(d, 'CRL without nextUpdate');
  const nextUpdate = d.time(tbsEnd);
  if (nextUpdate < thisUpdate) bad(d, 'nextUpdate before thisUpdate');
  let revoked = der.subarray(0, 0);
  if (d.peek(tbsEnd) === Tag.SEQUENCE) {
    const list = d.sequence(tbsEnd);
    revoked = der.subarray(d.pos, list);
    while (d.pos < list) readEntry(d, list, null);
  }
  const ext = { aki: null as Uint8Array | null, scope: 'all' as 'all' | 'leaf' | 'ca' };
  const x = d.explicit(0, tbsEnd);
  if (x >= 0) {
    readCrlExtensions(d, x, ext);
    d.close(x);
  }
  d.close(tbsEnd);
  const { signatureAlgorithm, signature } = readSignature(d, top, innerAlg);
  return {
    der, tbs, signatureAlgorithm, signature, issuer, issuerCN, thisUpdate, nextUpdate,
    authorityKeyId: ext.aki, scope: ext.scope, revoked,
  };
}

/** The revocation entry for `serial` (INTEGER content bytes), or null when the CRL does not list it. */
export function findRevoked(crl: Crl, serial: Uint8Array): { date: number; reason: number } | null {
  const d = new Der(crl.revoked, ErrorCode.BAD_CRL);
  const out = { date: 0, reason: -1 };
  while (d.pos < crl.revoked.length) {
    if (bytesEqual(readEntry(d, crl.revoked.length, out), serial)) return out;
  }
  return null;
}

/** CRLs from PEM ("X509 CRL" blocks) or one DER CRL. */
export function readCrls(input: Uint8Array | string): Crl[] {
  const text = pemText(input);
  if (text === null) return [parseCrl(input as Uint8Array)];
  const ders = decodePem(text, 'X509 CRL', ErrorCode.BAD_CRL);
  if (ders.length === 0) fail(ErrorCode.BAD_CRL, Alert.internal_error, 'no X509 CRL block in PEM input');
  return ders.map(parseCrl);
}

/**
 * The revocation check of chain validation over these CRLs: the newest CRL
 * of a certificate's issuer that verifies with the issuer's key decides
 * (thisUpdate..nextUpdate against `now`, null: not checked). A CRL that
 * names the issuer but verifies with none of its keys is an error (the
 * configuration is wrong); with `required`, so is an issuer without a CRL.
 */
export function crlRevocation(crls: Crl[], now: number | null, required: boolean): Revocation {
  return (c, issuer, verify) => {
    let best: Crl | null = null;
    let named = 0;
    for (let i = 0; i < crls.length; i++) {
      const crl = crls[i];
      if (!bytesEqual(crl.issuer, c.issuer) || (crl.scope === 'leaf' && c.ca === true) || (crl.scope === 'ca' && c.ca !== true)) continue;
      if (crl.authorityKeyId !== null && issuer.subjectKeyId !== null && !bytesEqual(crl.authorityKeyId, issuer.subjectKeyId)) continue;
      named++;
      if ((best === null || crl.thisUpdate > best.thisUpdate) && verify(crl.signatureAlgorithm, crl.tbs, crl.signature, issuer)) best = crl;
    }
    const who = label(issuer);
    if (best === null) {
      if (named > 0) fail(ErrorCode.BAD_CRL, Alert.bad_certificate, 'the CRL of ' + who + ' does not verify with its key');
      if (required) fail(ErrorCode.CRL_REQUIRED, Alert.bad_certificate, 'no CRL from ' + who + ' for ' + label(c));
      return;
    }
    if (issuer.keyUsage !== null && (issuer.keyUsage & KeyUsage.cRLSign) === 0) fail(ErrorCode.BAD_CRL, Alert.bad_certificate, who + ' may not sign CRLs');
    if (now !== null && (now < best.thisUpdate || now > best.nextUpdate)) {
      fail(ErrorCode.CRL_NOT_CURRENT, Alert.bad_certificate, 'the CRL of ' + who + ' is valid ' +
        new Date(best.thisUpdate).toISOString() + ' .. ' + new Date(best.nextUpdate).toISOString());
    }
    const entry = findRevoked(best, c.serial);
    if (entry) {
      fail(ErrorCode.CERT_REVOKED, Alert.certificate_revoked, label(c) + ' revoked ' + new Date(entry.date).toISOString() +
        (entry.reason >= 0 ? ' (' + CRL_REASON[entry.reason] + ')' : '') + ' by the CRL of ' + who);
    }
  };
}
