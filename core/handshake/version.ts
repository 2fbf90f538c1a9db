// Version negotiation on the server (RFC 8446 4.1.2, 4.1.3, 4.2.1, appendix
// D): the highest version both sides support, and the downgrade sentinel a
// TLS 1.3-capable server puts in ServerHello.random when it negotiates
// TLS 1.2.
import { Alert, ErrorCode, fail } from '../errors.js';
import { TLS12 } from '../registry.js';

/** The last 8 bytes of ServerHello.random of a TLS 1.3-capable server negotiating TLS 1.2 (RFC 8446 4.1.3). */
export const DOWNGRADE_TLS12 = new Uint8Array([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01]);

/** "TLS 1.2", "TLS 1.3", or the code in hex. */
export function versionName(v: number): string {
  return v >= 0x0301 && v <= 0x0304 ? 'TLS 1.' + (v - 0x0301) : '0x' + v.toString(16).padStart(4, '0');
}

/**
 * The version a server negotiates with a ClientHello, within min..max.
 * With supported_versions only that list counts (RFC 8446 4.2.1), and
 * legacy_version must not be below TLS 1.0 (D.5: parseClientHello checks);
 * without it, legacy_version is the client's highest version (RFC 5246
 * E.1), so 0x0303 or above means TLS 1.2. Nothing in common: protocol_version.
 */
export function selectVersion(legacyVersion: number, supportedVersions: number[] | undefined, min: number, max: number): number {
  if (supportedVersions) {
    for (let v = max; v >= min; v--) if (supportedVersions.indexOf(v) >= 0) return v;
    return fail(ErrorCode.VERSION_MISMATCH, Alert.protocol_version,
      'client offers ' + supportedVersions.map(versionName).join(',') + ', we ' + rangeName(min, max));
  }
  if (legacyVersion >= TLS12 && min <= TLS12 && max >= TLS12) return TLS12;
  return fail(ErrorCode.VERSION_MISMATCH, Alert.protocol_version,
    'client offers ' + versionName(legacyVersion) + ' (no supported_versions), we ' + rangeName(min, max));
}

function rangeName(min: number, max: number): string {
  return min === max ? versionName(min) + ' only' : versionName(min) + '..' + versionName(max);
}

/** Our ServerHello.random when we negotiate `version` though we support up to `max`: random, with the sentinel below TLS 1.3. */
export function serverRandom(random: (dst: Uint8Array) => void, dst: Uint8Array, version: number, max: number): Uint8Array {
  random(dst);
  if (version === TLS12 && max > TLS12) dst.set(DOWNGRADE_TLS12, dst.length - 8);
  return dst;
}
