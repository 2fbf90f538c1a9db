// The messages of the certificate checks' error codes (CERT_*, UNKNOWN_CA,
// OCSP and CRL failures...), kept with the X.509 code that raises them so
// that a build without X.509 carries none. Certificate code raises its
// failures with `fail`/`failure` from here (errors.ts's, with these messages).
import { TlsFailure, errorMessage as engineMessage, errorName } from '../errors.js';

/** The message of a certificate check's code; undefined for any other code. */
export function certificateMessage(code: number): string | undefined {
  switch (errorName(code)) {
    case 'CERT_PARSE': return 'certificate parse error';
    case 'CERT_SIGNATURE': return 'certificate signature failure';
    case 'UNKNOWN_CA': return 'certificate issuer unknown (no trust anchor)';
    case 'CERT_EXPIRED': return 'certificate expired';
    case 'CERT_NOT_YET_VALID': return 'certificate not yet valid';
    case 'HOSTNAME_MISMATCH': return 'certificate does not match the server name';
    case 'CERT_NOT_CA': return 'issuer certificate is not a CA';
    case 'CERT_PATH_LEN': return 'certificate path length constraint exceeded';
    case 'CERT_KEY_USAGE': return 'certificate key usage does not allow this use';
    case 'CERT_EXT_KEY_USAGE': return 'certificate extended key usage does not allow this use';
    case 'CERT_CHAIN_TOO_LONG': return 'certificate chain exceeds the verify depth';
    case 'CERT_UNKNOWN_CRITICAL_EXT': return 'certificate has an unknown critical extension';
    case 'CERT_UNSUPPORTED_KEY': return 'certificate key type not supported';
    case 'CERT_REVOKED': return 'certificate revoked';
    case 'BAD_OCSP_RESPONSE': return 'OCSP response invalid';
    case 'OCSP_REQUIRED': return 'OCSP response required but none was stapled';
    case 'CERT_NAME_CONSTRAINTS': return 'certificate name outside the name constraints';
    case 'CERT_WEAK_KEY': return 'certificate key too weak';
    case 'CERT_CA_AS_LEAF': return 'CA certificate used as end-entity';
    case 'CERT_PROFILE': return 'certificate violates the RFC 5280 profile';
    case 'CHAIN_BUDGET_EXCEEDED': return 'signature budget (maxChainSignatures) spent';
    case 'BAD_CRL': return 'CRL invalid or unsupported';
    case 'CRL_NOT_CURRENT': return 'CRL expired or not yet valid';
    case 'CRL_REQUIRED': return 'CRL required but missing';
  }
  return undefined;
}

/** A TlsFailure with the certificate message of its code. */
export function failure(code: number, alert: number, detail?: string): TlsFailure {
  return new TlsFailure(code, alert, detail, false, certificateMessage(code));
}

/** Throws a TlsFailure with the certificate message of its code. Typed `never` so callers can use it in expressions. */
export function fail(code: number, alert: number, detail?: string): never {
  throw failure(code, alert, detail);
}

/** errors.ts's errorMessage with the certificate checks' messages: what the entry points with X.509 export. */
export function errorMessage(code: number): string {
  return certificateMessage(code) ?? engineMessage(code);
}
