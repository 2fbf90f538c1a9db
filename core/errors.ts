// Error codes and alerts. Codes are negative, stable, and each has a name
// and a message people can act on. Internally a failure is thrown as a
// TlsFailure (a plain class: Espruino cannot subclass Error) and caught at
// the engine boundary, which turns it into a status code and an alert.

/** Alert descriptions, RFC 8446 section 6 (plus the RFC 6066/8449 ones TLS 1.3 uses). */
export const Alert = {
  close_notify: 0,
  unexpected_message: 10,
  bad_record_mac: 20,
  record_overflow: 22,
  handshake_failure: 40,
  bad_certificate: 42,
  unsupported_certificate: 43,
  certificate_revoked: 44,
  certificate_expired: 45,
  certificate_unknown: 46,
  illegal_parameter: 47,
  unknown_ca: 48,
  access_denied: 49,
  decode_error: 50,
  decrypt_error: 51,
  protocol_version: 70,
  insufficient_security: 71,
  internal_error: 80,
  inappropriate_fallback: 86,
  user_canceled: 90,
  no_renegotiation: 100, // TLS 1.2 (RFC 5246 7.2.2)
  missing_extension: 109,
  unsupported_extension: 110,
  unrecognized_name: 112,
  bad_certificate_status_response: 113,
  unknown_psk_identity: 115,
  certificate_required: 116,
  no_application_protocol: 120,
} as const;
export type AlertName = keyof typeof Alert;

/**
 * The key of a value in a table, found by a scan (error paths only: a
 * device keeps no reverse tables in memory for them), or undefined.
 */
function keyOf(table: Readonly<Record<string, number>>, value: number): string | undefined {
  for (const k in table) if (table[k] === value) return k;
  return undefined;
}

/** Name of an alert description, or "alert(N)" for one this stack does not know. */
export function alertName(desc: number): string {
  return keyOf(Alert, desc) ?? 'alert(' + desc + ')';
}

/** Status codes returned by non-blocking calls; negative values below -100 are errors. */
export const Status = {
  OK: 0,
  WANT_READ: -2,
  WANT_WRITE: -3,
  CLOSED: -4, // peer sent close_notify: no more application data
  EARLY_DATA: -5, // server: 0-RTT data is waiting, take it with readEarlyData()
} as const;

/**
 * Error codes: [code, name, message]. Names are stable API; messages are for people.
 * Grouped by layer: 1xx record, 2xx handshake, 3xx certificates, 4xx API/config, 5xx peer alerts.
 */
export const ErrorCode = {
  // record layer
  RECORD_VERSION: -101,
  RECORD_OVERFLOW: -102,
  BAD_RECORD_MAC: -103,
  BAD_RECORD_TYPE: -104,
  UNEXPECTED_CCS: -105,
  SEQUENCE_OVERFLOW: -106,
  EMPTY_RECORD: -107,
  // handshake
  UNEXPECTED_MESSAGE: -201,
  DECODE_ERROR: -202,
  VERSION_MISMATCH: -203,
  NO_SHARED_CIPHER: -204,
  NO_SHARED_GROUP: -205,
  NO_SHARED_SIGALG: -206,
  ILLEGAL_PARAMETER: -207,
  BAD_FINISHED: -208,
  BAD_CERT_VERIFY: -209,
  MISSING_EXTENSION: -210,
  UNSUPPORTED_EXTENSION: -211,
  HANDSHAKE_TOO_LARGE: -212,
  BAD_KEY_SHARE: -213,
  DOWNGRADE_DETECTED: -214,
  HRR_NOT_ACCEPTABLE: -215,
  CERTIFICATE_REQUIRED: -216,
  BAD_BINDER: -217,
  UNKNOWN_PSK_IDENTITY: -218,
  NO_APPLICATION_PROTOCOL: -219,
  UNRECOGNIZED_NAME: -220,
  EARLY_DATA_LIMIT: -221,
  KEY_UPDATE_FLOOD: -222,
  BAD_SESSION: -223,
  NO_CREDENTIALS: -224,
  RECORD_LIMIT_REFUSED: -225,
  EXTENDED_MASTER_SECRET_REQUIRED: -226,
  BAD_RENEGOTIATION_INFO: -227,
  WRONG_VERSION_ON_EARLY_DATA: -228,
  // certificates
  CERT_PARSE: -301,
  CERT_SIGNATURE: -302,
  UNKNOWN_CA: -303,
  CERT_EXPIRED: -304,
  CERT_NOT_YET_VALID: -305,
  HOSTNAME_MISMATCH: -306,
  CERT_NOT_CA: -307,
  CERT_PATH_LEN: -308,
  CERT_KEY_USAGE: -309,
  CERT_EXT_KEY_USAGE: -310,
  CERT_CHAIN_TOO_LONG: -311,
  CERT_UNKNOWN_CRITICAL_EXT: -312,
  CERT_UNSUPPORTED_KEY: -313,
  NO_CLOCK: -314,
  CERT_REVOKED: -315,
  BAD_OCSP_RESPONSE: -316,
  OCSP_REQUIRED: -317,
  CERT_NAME_CONSTRAINTS: -318,
  CERT_WEAK_KEY: -319,
  CERT_CA_AS_LEAF: -320,
  CERT_PROFILE: -321,
  CHAIN_BUDGET_EXCEEDED: -322,
  BAD_CRL: -323,
  CRL_NOT_CURRENT: -324,
  CRL_REQUIRED: -325,
  // API and configuration
  BAD_CONFIG: -401,
  BAD_KEY: -402,
  BAD_STATE: -403,
  BUFFER_TOO_SMALL: -404,
  IO_ERROR: -405,
  CRYPTO_ERROR: -406,
  INTERNAL: -407,
  // the peer sent a fatal alert (the alert is in TlsFailure.alert)
  FATAL_ALERT_RECEIVED: -501,
  CONNECTION_CLOSED: -502,
} as const;
export type ErrorName = keyof typeof ErrorCode;

/**
 * The message of an error name. A switch rather than a table: on a device
 * running its code from flash (Espruino) it takes no memory until it runs.
 * The certificate checks' messages (3xx but NO_CLOCK, which a Context
 * raises) are core/x509/errors.ts's, kept with the X.509 code that raises
 * them: a build without X.509 carries none (undefined here).
 */
function messageOf(name: ErrorName): string | undefined {
  switch (name) {
    case 'RECORD_VERSION': return 'record version error';
    case 'RECORD_OVERFLOW': return 'record too large';
    case 'BAD_RECORD_MAC': return 'record authentication failed (bad_record_mac)';
    case 'BAD_RECORD_TYPE': return 'unknown record content type';
    case 'UNEXPECTED_CCS': return 'unexpected change_cipher_spec record';
    case 'SEQUENCE_OVERFLOW': return 'record sequence number exhausted';
    case 'EMPTY_RECORD': return 'empty record not allowed here';
    case 'UNEXPECTED_MESSAGE': return 'unexpected handshake message';
    case 'DECODE_ERROR': return 'malformed message';
    case 'VERSION_MISMATCH': return 'version mismatch: no protocol version in common';
    case 'NO_SHARED_CIPHER': return 'no cipher suite in common';
    case 'NO_SHARED_GROUP': return 'no key exchange group in common';
    case 'NO_SHARED_SIGALG': return 'no signature scheme in common';
    case 'ILLEGAL_PARAMETER': return 'illegal parameter in handshake message';
    case 'BAD_FINISHED': return 'Finished verify_data mismatch';
    case 'BAD_CERT_VERIFY': return 'CertificateVerify signature failure';
    case 'MISSING_EXTENSION': return 'required extension missing';
    case 'UNSUPPORTED_EXTENSION': return 'extension not allowed in this message';
    case 'HANDSHAKE_TOO_LARGE': return 'handshake message exceeds the configured limit';
    case 'BAD_KEY_SHARE': return 'invalid key share';
    case 'DOWNGRADE_DETECTED': return 'downgrade detected: TLS 1.2 ServerHello random carries the TLS 1.3 sentinel';
    case 'HRR_NOT_ACCEPTABLE': return 'HelloRetryRequest does not change anything or repeats';
    case 'CERTIFICATE_REQUIRED': return 'peer certificate required but none was sent';
    case 'BAD_BINDER': return 'PSK binder does not verify';
    case 'UNKNOWN_PSK_IDENTITY': return 'no PSK for the offered identity';
    case 'NO_APPLICATION_PROTOCOL': return 'no application protocol (ALPN) in common';
    case 'UNRECOGNIZED_NAME': return 'server name not recognized';
    case 'EARLY_DATA_LIMIT': return 'early data exceeds max_early_data_size';
    case 'KEY_UPDATE_FLOOD': return 'too many KeyUpdate messages';
    case 'BAD_SESSION': return 'saved session is malformed, expired or unusable';
    case 'NO_CREDENTIALS': return 'no usable PSK and no certificate to authenticate with';
    case 'EXTENDED_MASTER_SECRET_REQUIRED': return 'peer did not negotiate extended_master_secret (RFC 7627)';
    case 'BAD_RENEGOTIATION_INFO': return 'renegotiation_info is not that of an initial handshake (RFC 5746)';
    case 'WRONG_VERSION_ON_EARLY_DATA': return 'server chose TLS 1.2 after our 0-RTT data (RFC 8446 D.3): connect again without it';
    case 'RECORD_LIMIT_REFUSED': return 'peer accepted neither max_fragment_length nor record_size_limit, and our record buffer is smaller than 2^14';
    case 'NO_CLOCK': return 'no clock: set now() or declare noClock to skip validity dates';
    case 'BAD_CONFIG': return 'invalid configuration';
    case 'BAD_KEY': return 'invalid or unsupported key';
    case 'BAD_STATE': return 'call not valid in this connection state';
    case 'BUFFER_TOO_SMALL': return 'buffer too small';
    case 'IO_ERROR': return 'transport error';
    case 'CRYPTO_ERROR': return 'cryptographic operation failed';
    case 'INTERNAL': return 'internal error';
    case 'FATAL_ALERT_RECEIVED': return 'received fatal alert';
    case 'CONNECTION_CLOSED': return 'connection closed';
  }
}

/** Stable name of an error code ("UNKNOWN_CA"), or "" when the code is not an error. */
export function errorName(code: number): string {
  return keyOf(ErrorCode, code) ?? '';
}

/** The message of a name, or for a certificate check whose message this build lacks, one naming it. */
function describe(name: ErrorName): string {
  return messageOf(name) ?? 'certificate check failed (' + name + ')';
}

/**
 * Human message of an error code. (The entry points with X.509 export
 * core/x509/errors.ts's, which knows the certificate checks' messages too.)
 */
export function errorMessage(code: number): string {
  const n = keyOf(ErrorCode, code) as ErrorName | undefined;
  return n ? describe(n) : 'unknown error ' + code;
}

/**
 * A failure inside the engine: the error code, the alert to send (or the
 * alert received, when `received` is true), and detail for the log; `text`
 * is the code's message when the raiser knows it better (core/x509/errors.ts).
 */
export class TlsFailure {
  readonly name: ErrorName;
  readonly message: string;
  constructor(
    readonly code: number,
    readonly alert: number,
    readonly detail = '',
    readonly received = false,
    text?: string,
  ) {
    this.name = (keyOf(ErrorCode, code) ?? 'INTERNAL') as ErrorName;
    this.message = received
      ? describe('FATAL_ALERT_RECEIVED') + ' ' + alertName(alert) + (detail ? ': ' + detail : '')
      : (text ?? describe(this.name)) + (detail ? ': ' + detail : '');
  }
  toString(): string {
    return this.message + ' (err ' + this.code + ', ' + this.name + ')';
  }
}

/** Throws a TlsFailure. Typed `never` so callers can use it in expressions. */
export function fail(code: number, alert: number, detail?: string): never {
  throw new TlsFailure(code, alert, detail);
}

/** Shorthand for the most common failure: a malformed message. */
export function decodeError(detail?: string): never {
  throw new TlsFailure(ErrorCode.DECODE_ERROR, Alert.decode_error, detail);
}
