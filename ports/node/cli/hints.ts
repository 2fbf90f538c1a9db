// What a CLI user can do about a failure: one place for the advice printed
// under an "ERROR:" line ("hint: ..."), chosen from the error code, the
// alert sent or received, which side we are and the flags given. The
// engine's messages say what happened; these say what to try.
import { Alert, ErrorCode } from '../../../core/errors.js';
import type { Context } from '../../../core/index.js';

/** What a hint is chosen from: the failure and the command it happened in. */
export interface HintInput {
  code: number;
  message: string;
  alertSent: number;
  alertReceived: number;
}

export interface HintContext {
  side: 'client' | 'server';
  flags: Readonly<Record<string, string | boolean | undefined>>;
}

/** What --tls1_2/--tls1_3/--min-version/--max-version left of TLS 1.2..1.3: '1.2' or '1.3' alone, or null (both). */
function onlyVersion(f: HintContext['flags']): '1.2' | '1.3' | null {
  const ver = (k: string): string | undefined => (typeof f[k] === 'string' ? String(f[k]).replace(/^TLSv/i, '') : undefined);
  if (f.tls1_2 || ver('max-version') === '1.2') return '1.2';
  if (f.tls1_3 || ver('min-version') === '1.3') return '1.3';
  return null;
}

/**
 * The chapter 6.1 experiment: no version in common ("the server refused",
 * "the client does not offer" ...); what to change.
 */
function versionHint(what: string, f: HintContext['flags']): string {
  const only = onlyVersion(f);
  if (only === '1.2') return what + ' TLS 1.2: it may speak TLS 1.3 only; drop --tls1_2 / --max-version 1.2 to allow TLS 1.3';
  if (only === '1.3') return what + ' TLS 1.3: it may speak TLS 1.2 only; drop --tls1_3 / --min-version 1.3 to allow TLS 1.2';
  return what + ' TLS 1.2 and 1.3: it may speak only TLS 1.1 or older, which microtls does not';
}

/** Advice for a failure, or null when the message says all there is. */
export function hintFor(e: HintInput, c: HintContext): string | null {
  return c.side === 'client' ? clientHint(e, c.flags) : serverHint(e, c.flags);
}

function clientHint(e: HintInput, f: HintContext['flags']): string | null {
  const psk = typeof f['psk-identity'] === 'string';
  switch (e.alertReceived) {
    case Alert.protocol_version:
      return versionHint('the server refused', f);
    case Alert.handshake_failure:
      if (psk) {
        return 'the server found no way to use our PSK: check --psk-identity, and that both sides use the same key exchange mode ' +
          '(--psk-only on both for psk_ke, on neither for psk_dhe_ke)';
      }
      return 'the server found nothing in common with our offer: none of our cipher suites, groups or signature schemes ' +
        '(try --ciphers, --groups, --sigalgs); a TLS 1.2 server may offer only CBC or static RSA suites, which microtls does not' +
        (onlyVersion(f) ? '; or ' + versionHint('it does not take', f) : '');
    case Alert.illegal_parameter:
    case Alert.decrypt_error:
      if (psk) return 'the server may have refused our PSK binder: check that --psk-key is the key the server has for identity "' + f['psk-identity'] + '"';
      return null;
    case Alert.unknown_psk_identity:
      return 'the server does not know PSK identity "' + f['psk-identity'] + '": check --psk-identity';
    case Alert.certificate_required:
      return 'the server requires a client certificate: give one with --cert FILE --key FILE';
    case Alert.unknown_ca:
    case Alert.bad_certificate:
    case Alert.certificate_unknown:
      if (typeof f.cert === 'string') return 'the server did not accept our certificate (--cert): it may not trust the CA that issued it';
      return null;
  }
  switch (e.code) {
    case ErrorCode.UNKNOWN_CA: {
      const self = /issuer "([^"]*)" of "\1" not found/.exec(e.message);
      if (self) {
        return 'the server\'s certificate "' + self[1] + '" is self-signed and not a trust anchor: trust it with --ca FILE ' +
          '(that certificate), or skip verification with --insecure (for tests only)';
      }
      return 'the server\'s chain does not lead to a trust anchor: give the CA that issued it with --ca FILE';
    }
    case ErrorCode.HOSTNAME_MISMATCH:
      return 'give the name the certificate was issued for with --servername NAME';
    case ErrorCode.CERT_EXPIRED:
    case ErrorCode.CERT_NOT_YET_VALID:
      return 'check the server\'s certificate dates and this machine\'s clock';
    case ErrorCode.VERSION_MISMATCH:
      return versionHint('the server chose a version outside ours: it does not take', f);
    case ErrorCode.WRONG_VERSION_ON_EARLY_DATA:
      return 'the server now speaks TLS 1.2, which has no 0-RTT: run again without --early-data (the same --sess-in gets a full TLS 1.2 handshake)';
  }
  return null;
}

function serverHint(e: HintInput, f: HintContext['flags']): string | null {
  if (e.code === ErrorCode.NO_CREDENTIALS && f['psk-only']) {
    return '--psk-only takes a PSK only in psk_ke mode (no (EC)DHE): the client offered no PSK, another identity, or only psk_dhe_ke; ' +
      'run the client with --psk-only too, or this server without --psk-only';
  }
  if (e.code === ErrorCode.VERSION_MISMATCH) return versionHint('the client does not offer', f);
  if (e.code === ErrorCode.UNKNOWN_PSK_IDENTITY) return 'the client offered a PSK identity other than --psk-identity';
  if (e.code === ErrorCode.BAD_BINDER) return 'the client\'s PSK binder does not verify: its key differs from --psk-key';
  if (e.code === ErrorCode.CERTIFICATE_REQUIRED) return 'the client sent no certificate (--require-client-cert); use --verify-client to make it optional';
  switch (e.alertReceived) {
    case Alert.certificate_expired:
      return 'the client refused our certificate as expired: renew --cert';
    case Alert.unknown_ca:
    case Alert.bad_certificate:
    case Alert.certificate_unknown:
      return 'the client does not trust our certificate (--cert): give it the CA that issued it';
    case Alert.protocol_version:
      return versionHint('the client refused', f);
  }
  return null;
}

/** A warning for a server whose own certificate is expired or not yet valid at `now` (ms), or null. */
export function certificateWarning(ctx: Context, file: string, now: number): string | null {
  const leaf = ctx.leaf;
  if (!leaf) return null;
  if (now > leaf.notAfter) {
    return 'WARNING: certificate ' + file + ' expired on ' + new Date(leaf.notAfter).toISOString() +
      ': clients that verify it will refuse the handshake (certificate_expired)';
  }
  if (now < leaf.notBefore) {
    return 'WARNING: certificate ' + file + ' is not valid before ' + new Date(leaf.notBefore).toISOString() +
      ': clients that verify it will refuse the handshake';
  }
  return null;
}
