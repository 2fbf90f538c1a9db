// OCSP stapling (RFC 6960 responses, stapled in the leaf's CertificateEntry
// per RFC 8446 4.4.2.1): checks a DER OCSPResponse about the leaf against
// the leaf's issuer from the validated path. One pass over the DER keeping
// views; only the SingleResponse whose CertID names the leaf is kept. The
// signer is the issuer itself or a responder certificate carried in the
// response that the issuer signed for id-kp-OCSPSigning (4.2.2.2).
import { sha1, sha256, sha384, sha512 } from '../crypto/sha2.js';
import type { Verifier } from '../crypto/types.js';
import { Alert, ErrorCode, TlsFailure } from '../errors.js';
import { fail } from './errors.js';
import { ExtKeyUsage, KeyUsage, parseCertificate, readSignatureAlgorithm, type Certificate } from './certificate.js';
import { label } from './chain.js';
import { CRL_REASON } from './crl.js';
import { DEFAULT_MIN_RSA_BITS, checkKeyStrength } from './profile.js';
import { Der, Tag, bytesEqual, ctx, oid, oidToString } from './der.js';

export interface OcspOptions {
  verifier: Verifier;
  /** Milliseconds since the epoch; null skips every time check (only for a caller that declared it has no clock). */
  now: number | null;
  /** How old thisUpdate may be when the response has no nextUpdate (default 7 days). */
  maxAgeMs?: number;
  /** Smallest RSA key of a delegated responder (default 2048, as for the path). */
  minRsaBits?: number;
}

/** Clock skew tolerated between the responder and this device. */
const SKEW_MS = 5 * 60 * 1000;
const DEFAULT_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

const ENUMERATED = 0x0a;
const OID_OCSP_BASIC = oid('1.3.6.1.5.5.7.48.1.1');
const OID_OCSP_NONCE = oid('1.3.6.1.5.5.7.48.1.2');

/** CertID hash algorithms: [OID, function] pairs. */
const CERT_ID_HASHES: [Uint8Array, (m: Uint8Array) => Uint8Array][] = [
  [oid('1.3.14.3.2.26'), sha1],
  [oid('2.16.840.1.101.3.4.2.1'), sha256],
  [oid('2.16.840.1.101.3.4.2.2'), sha384],
  [oid('2.16.840.1.101.3.4.2.3'), sha512],
];

const RESPONSE_STATUS = ['successful', 'malformedRequest', 'internalError', 'tryLater', '4', 'sigRequired', 'unauthorized'];

const GOOD = ctx(0, false);
const REVOKED = ctx(1, true);
const UNKNOWN = ctx(2, false);

function bad(detail: string): never {
  return fail(ErrorCode.BAD_OCSP_RESPONSE, Alert.bad_certificate_status_response, detail);
}

/** The SingleResponse about the leaf. */
interface Single {
  status: number;
  thisUpdate: number;
  /** -1 when absent. */
  nextUpdate: number;
  revocationTime: number;
  /** CRLReason, -1 when absent. */
  reason: number;
}

/** OCSP times are GeneralizedTime only. */
function generalizedTime(d: Der, end: number): number {
  if (d.peek(end) !== Tag.GeneralizedTime) d.fail('expected GeneralizedTime');
  return d.time(end);
}

/** Response or single extensions: the nonce is ignored, any other critical one is refused (RFC 6960 4.4). */
function readExtensions(d: Der, end: number): void {
  const seq = d.sequence(end);
  while (d.pos < seq) {
    const ext = d.sequence(seq);
    const id = d.oid(ext);
    const critical = d.peek(ext) === Tag.BOOLEAN ? d.boolean(ext) : false;
    d.octetString(ext);
    d.close(ext);
    if (critical && !bytesEqual(id, OID_OCSP_NONCE)) bad('unknown critical extension ' + oidToString(id));
  }
  d.close(seq);
}

/** Contents of the subjectPublicKey BIT STRING: what CertID's issuerKeyHash and responderID byKey hash. */
function keyBits(c: Certificate): Uint8Array {
  const d = new Der(c.spki, ErrorCode.BAD_OCSP_RESPONSE);
  const seq = d.sequence(c.spki.length);
  d.skip(seq);
  return d.bitString(seq);
}

/** Whether CertID (the cursor is on it) names the leaf as issued by `issuer`. */
function readCertId(d: Der, end: number, leaf: Certificate, issuer: Certificate): boolean {
  const id = d.sequence(end);
  const alg = d.sequence(id);
  const hashOid = d.oid(alg);
  if (d.pos < alg) d.null(alg);
  d.close(alg);
  const nameHash = d.octetString(id);
  const keyHash = d.octetString(id);
  const serial = d.integer(id);
  d.close(id);
  if (!bytesEqual(serial, leaf.serial)) return false;
  for (let i = 0; i < CERT_ID_HASHES.length; i++) {
    if (!bytesEqual(hashOid, CERT_ID_HASHES[i][0])) continue;
    const hash = CERT_ID_HASHES[i][1];
    return bytesEqual(nameHash, hash(issuer.subject)) && bytesEqual(keyHash, hash(keyBits(issuer)));
  }
  return false;
}

/** A SingleResponse; returns true when it is about the leaf, and then fills `out` if given. */
function readSingle(d: Der, end: number, leaf: Certificate, issuer: Certificate, out: Single | null): boolean {
  const s = d.sequence(end);
  const match = readCertId(d, s, leaf, issuer);
  const status = d.peek(s);
  let revocationTime = 0;
  let reason = -1;
  if (status === GOOD || status === UNKNOWN) {
    if (d.header(status, s) !== d.pos) d.fail('non-empty certStatus'); // [n] IMPLICIT NULL
  } else if (status === REVOKED) {
    const info = d.header(REVOKED, s);
    revocationTime = generalizedTime(d, info);
    const r = d.explicit(0, info);
    if (r >= 0) {
      const v = d.content(ENUMERATED, r);
      if (v.length !== 1 || v[0] >= CRL_REASON.length) d.fail('bad CRLReason');
      reason = v[0];
      d.close(r);
    }
    d.close(info);
  } else {
    d.fail('bad certStatus');
  }
  const thisUpdate = generalizedTime(d, s);
  let nextUpdate = -1;
  const n = d.explicit(0, s);
  if (n >= 0) {
    nextUpdate = generalizedTime(d, n);
    d.close(n);
  }
  const x = d.explicit(1, s);
  if (x >= 0) {
    readExtensions(d, x);
    d.close(x);
  }
  d.close(s);
  if (match && out !== null) {
    out.status = status;
    out.thisUpdate = thisUpdate;
    out.nextUpdate = nextUpdate;
    out.revocationTime = revocationTime;
    out.reason = reason;
  }
  return match;
}

function isResponder(c: Certificate, byName: Uint8Array | null, byKey: Uint8Array | null): boolean {
  return byName !== null ? bytesEqual(byName, c.subject) : byKey !== null && bytesEqual(byKey, sha1(keyBits(c)));
}

/** A delegated responder must be issued by the leaf's issuer for OCSP signing, and be valid now. */
function checkDelegate(r: Certificate, issuer: Certificate, opts: OcspOptions): void {
  const name = 'responder ' + label(r);
  if (!bytesEqual(r.issuer, issuer.subject) || r.signatureAlgorithm === null ||
      !opts.verifier.verify(r.signatureAlgorithm, issuer.publicKey, r.tbs, r.signature)) {
    bad(name + ' is not signed by the issuer ' + label(issuer));
  }
  if (r.extKeyUsage === null || (r.extKeyUsage & ExtKeyUsage.ocspSigning) === 0) bad(name + ' lacks extended key usage OCSPSigning');
  if (r.keyUsage !== null && (r.keyUsage & KeyUsage.digitalSignature) === 0) bad(name + ' does not allow digitalSignature');
  if (r.unknownCriticalExtension !== null) bad(name + ' has unknown critical extension ' + oidToString(r.unknownCriticalExtension));
  checkKeyStrength(r, name, opts.minRsaBits ?? DEFAULT_MIN_RSA_BITS);
  if (opts.now !== null && (opts.now < r.notBefore || opts.now > r.notAfter)) {
    bad(name + ' is valid ' + new Date(r.notBefore).toISOString() + ' .. ' + new Date(r.notAfter).toISOString());
  }
}

function check(response: Uint8Array, leaf: Certificate, issuer: Certificate, opts: OcspOptions): void {
  const d = new Der(response, ErrorCode.BAD_OCSP_RESPONSE);
  const top = d.sequence(response.length);
  if (top !== response.length) bad('trailing data after the response');
  const status = d.content(ENUMERATED, top);
  if (status.length !== 1 || status[0] !== 0) {
    bad('responseStatus ' + (status.length === 1 && status[0] < RESPONSE_STATUS.length ? RESPONSE_STATUS[status[0]] : '?'));
  }
  const rb = d.explicit(0, top);
  if (rb < 0) bad('no responseBytes');
  const rbSeq = d.sequence(rb);
  if (!bytesEqual(d.oid(rbSeq), OID_OCSP_BASIC)) bad('responseType is not id-pkix-ocsp-basic');
  const octets = d.header(Tag.OCTET_STRING, rbSeq);

  // BasicOCSPResponse
  const basic = d.sequence(octets);
  const tbsStart = d.pos;
  const tbsEnd = d.sequence(basic);
  const tbs = response.subarray(tbsStart, tbsEnd);
  const v = d.explicit(0, tbsEnd);
  if (v >= 0) {
    if (d.smallInt(v) !== 0) bad('unknown version');
    d.close(v);
  }
  let byName: Uint8Array | null = null;
  let byKey: Uint8Array | null = null;
  const rid = d.peek(tbsEnd);
  if (rid !== ctx(1, true) && rid !== ctx(2, true)) bad('bad responderID');
  const ridEnd = d.header(rid, tbsEnd);
  if (rid === ctx(1, true)) byName = d.element(Tag.SEQUENCE, ridEnd);
  else byKey = d.octetString(ridEnd);
  d.close(ridEnd);
  generalizedTime(d, tbsEnd); // producedAt: thisUpdate is what is checked
  const list = d.sequence(tbsEnd);
  const single: Single = { status: 0, thisUpdate: 0, nextUpdate: -1, revocationTime: 0, reason: -1 };
  let found = false;
  while (d.pos < list) if (readSingle(d, list, leaf, issuer, found ? null : single)) found = true;
  d.close(list);
  const x = d.explicit(1, tbsEnd);
  if (x >= 0) {
    readExtensions(d, x);
    d.close(x);
  }
  d.close(tbsEnd);
  const alg = readSignatureAlgorithm(d, basic);
  const signature = d.bitString(basic);
  // certs: only delimited here; parsed below, after the CertID matched.
  let certsAt = -1;
  let certsEnd = -1;
  const certs = d.explicit(0, basic);
  if (certs >= 0) {
    certsEnd = d.sequence(certs);
    certsAt = d.pos;
    while (d.pos < certsEnd) d.element(Tag.SEQUENCE, certsEnd);
    d.close(certs);
  }
  d.close(basic);
  d.close(octets);
  d.close(rbSeq);
  d.close(rb);
  d.close(top);
  if (!found) bad('no response for ' + label(leaf) + ' issued by ' + label(issuer));

  let signer: Certificate | null = isResponder(issuer, byName, byKey) ? issuer : null;
  d.pos = certsAt;
  while (signer === null && d.pos < certsEnd) {
    const c = parseCertificate(d.element(Tag.SEQUENCE, certsEnd));
    if (!isResponder(c, byName, byKey)) continue;
    checkDelegate(c, issuer, opts);
    signer = c;
  }
  if (signer === null) bad('responder is neither the issuer ' + label(issuer) + ' nor a certificate in the response');
  if (alg === null) bad('unsupported signature algorithm');
  if (!opts.verifier.verify(alg, signer.publicKey, tbs, signature)) bad('bad signature by ' + label(signer));

  // A revocation stays true however old the response is, so it is reported before the freshness checks.
  if (single.status === REVOKED) {
    fail(ErrorCode.CERT_REVOKED, Alert.certificate_revoked, label(leaf) + ' revoked ' + new Date(single.revocationTime).toISOString() +
      (single.reason >= 0 ? ' (' + CRL_REASON[single.reason] + ')' : ''));
  }
  const now = opts.now;
  if (now !== null) {
    if (single.thisUpdate > now + SKEW_MS) bad('thisUpdate ' + new Date(single.thisUpdate).toISOString() + ' is in the future');
    if (single.nextUpdate >= 0) {
      if (single.nextUpdate < single.thisUpdate) bad('nextUpdate before thisUpdate');
      if (single.nextUpdate < now - SKEW_MS) bad('expired: nextUpdate ' + new Date(single.nextUpdate).toISOString());
    } else if (now - single.thisUpdate > (opts.maxAgeMs ?? DEFAULT_MAX_AGE_MS)) {
      bad('stale: thisUpdate ' + new Date(single.thisUpdate).toISOString() + ' and no nextUpdate');
    }
  }
  if (single.status === UNKNOWN) bad('status of ' + label(leaf) + ' is unknown to the responder');
}

/**
 * Checks a stapled OCSP response for `leaf`, issued by `issuer` (the next
 * certificate of the validated path). Returns when the status is good;
 * throws TlsFailure CERT_REVOKED / certificate_revoked when revoked, and
 * BAD_OCSP_RESPONSE / bad_certificate_status_response for anything else
 * (malformed, not about the leaf, wrong signer or signature, stale, unknown).
 */
export function checkOcspResponse(response: Uint8Array, leaf: Certificate, issuer: Certificate, opts: OcspOptions): void {
  try {
    check(response, leaf, issuer, opts);
  } catch (e) {
    // The DER reader and the certificate parser report with their own codes or alert.
    if (!(e instanceof TlsFailure) || e.alert === Alert.bad_certificate_status_response || e.code === ErrorCode.CERT_REVOKED) throw e;
    bad(e.code === ErrorCode.BAD_OCSP_RESPONSE ? e.detail : e.message);
  }
}
