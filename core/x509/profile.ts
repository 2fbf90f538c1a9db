// Certificate profile rules that rustls-webpki applies for TLS, and the key
// strength floor. Trust anchors are configuration, not peer input: only the
// key floor applies to them (an anchor without basicConstraints, a v1 root,
// is accepted as an anchor and nowhere else).
import { asciiString } from '../bytes/ascii.js';
import { Alert, ErrorCode } from '../errors.js';
import { fail } from './errors.js';
import { KeyUsage, type Certificate } from './certificate.js';
import { isDnsName } from './name.js';

/** RSA floor without configuration, and the lowest floor a configuration may set. */
export const DEFAULT_MIN_RSA_BITS = 2048;
export const LOWEST_MIN_RSA_BITS = 1024;

/**
 * RSA keys below minRsaBits, or whose modulus is not a whole number of
 * bytes, are refused. EC keys are only ever parsed on the named curves
 * P-256/384/521 (explicit parameters fail parsing: CERT_UNSUPPORTED_KEY).
 */
export function checkKeyStrength(c: Certificate, label: string, minRsaBits: number): void {
  const k = c.publicKey;
  if (k.kind !== 'rsa') return;
  if (k.bits < minRsaBits) {
    fail(ErrorCode.CERT_WEAK_KEY, Alert.insufficient_security,
      label + ' has a ' + k.bits + '-bit RSA key; at least ' + minRsaBits + ' bits required' +
      (minRsaBits > LOWEST_MIN_RSA_BITS && k.bits >= LOWEST_MIN_RSA_BITS ? ' (minRsaBits: ' + LOWEST_MIN_RSA_BITS + ' allows it)' : ''));
  }
  if (k.bits % 8 !== 0) fail(ErrorCode.CERT_WEAK_KEY, Alert.insufficient_security, label + ' has an RSA modulus of ' + k.bits + ' bits, not a multiple of 8');
}

function profile(label: string, detail: string): never {
  return fail(ErrorCode.CERT_PROFILE, Alert.bad_certificate, label + ' ' + detail);
}

/**
 * Rules for every received certificate on the path: a positive serial of
 * at most 20 octets (RFC 5280 4.1.2.2), a non-critical authorityKeyIdentifier
 * (4.2.1.1), and subjectAltName dNSNames in preferred name syntax (4.2.1.6).
 */
export function checkReceived(c: Certificate, label: string): void {
  const s = c.serial;
  if (s[0] >= 0x80) profile(label, 'has a negative serial number');
  if (s.length === 1 && s[0] === 0) profile(label, 'has serial number 0');
  if (s.length > 21 || (s.length === 21 && s[0] !== 0)) profile(label, 'has a serial number longer than 20 octets');
  if (c.authorityKeyIdCritical) profile(label, 'has a critical authorityKeyIdentifier');
  for (let i = 0; i < c.dnsNames.length; i++) {
    if (!isDnsName(c.dnsNames[i], true)) profile(label, 'has an invalid dNSName "' + asciiString(c.dnsNames[i]) + '"');
  }
}

/** Rules for a received CA certificate: basicConstraints critical (4.2.1.9) and a subject (4.1.2.6). */
export function checkReceivedCa(c: Certificate, label: string): void {
  if (c.ca === true && !c.basicConstraintsCritical) profile(label, 'is a CA whose basicConstraints is not critical');
  if (c.subject.length <= 2) profile(label, 'is a CA with an empty subject');
}

/** The end-entity must not be a CA: cA=TRUE or keyCertSign make it one. */
export function checkNotCa(c: Certificate, label: string): void {
  if (c.ca === true) fail(ErrorCode.CERT_CA_AS_LEAF, Alert.bad_certificate, label + ' has basicConstraints cA=TRUE');
  if (c.keyUsage !== null && (c.keyUsage & KeyUsage.keyCertSign) !== 0) {
    fail(ErrorCode.CERT_CA_AS_LEAF, Alert.bad_certificate, label + ' has keyUsage keyCertSign');
  }
}
