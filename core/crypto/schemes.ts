// TLS 1.3 SignatureScheme codes (RFC 8446 4.2.3) as algorithms, and which
// keys each may be used with. Tables only: no signature code, so a bundle
// that never checks a signature does not carry one.
import { SignatureScheme as S } from '../registry.js';
import type { PrivateKey, PublicKey, SignatureAlgorithm } from './types.js';

type Curve = 'P-256' | 'P-384' | 'P-521';

/** What a scheme needs of a key: an EC curve, an rsaEncryption key ('rsae'), an RSASSA-PSS key ('pss'), or EdDSA. */
type KeyClass = Curve | 'rsae' | 'pss' | 'ed25519' | 'ed448';

interface SchemeInfo {
  alg: SignatureAlgorithm;
  key: KeyClass;
  /** RSASSA-PKCS1-v1_5 is for certificates only in TLS 1.3 (RFC 8446 4.2.3). */
  certificateVerify: boolean;
}

function scheme(type: SignatureAlgorithm['type'], hash: SignatureAlgorithm['hash'], key: KeyClass): SchemeInfo {
  return { alg: { type, hash }, key, certificateVerify: type !== 'rsa-pkcs1' };
}

/**
 * What a scheme code means, or undefined. A switch rather than a table: on a
 * device running its code from flash it takes no memory until it runs.
 */
function schemeInfo(code: number): SchemeInfo | undefined {
  switch (code) {
    case S.rsa_pkcs1_sha256: return scheme('rsa-pkcs1', 'sha256', 'rsae');
    case S.rsa_pkcs1_sha384: return scheme('rsa-pkcs1', 'sha384', 'rsae');
    case S.rsa_pkcs1_sha512: return scheme('rsa-pkcs1', 'sha512', 'rsae');
    case S.ecdsa_secp256r1_sha256: return scheme('ecdsa', 'sha256', 'P-256');
    case S.ecdsa_secp384r1_sha384: return scheme('ecdsa', 'sha384', 'P-384');
    case S.ecdsa_secp521r1_sha512: return scheme('ecdsa', 'sha512', 'P-521');
    case S.rsa_pss_rsae_sha256: return scheme('rsa-pss', 'sha256', 'rsae');
    case S.rsa_pss_rsae_sha384: return scheme('rsa-pss', 'sha384', 'rsae');
    case S.rsa_pss_rsae_sha512: return scheme('rsa-pss', 'sha512', 'rsae');
    case S.ed25519: return scheme('ed25519', null, 'ed25519');
    case S.ed448: return scheme('ed448', null, 'ed448');
    case S.rsa_pss_pss_sha256: return scheme('rsa-pss', 'sha256', 'pss');
    case S.rsa_pss_pss_sha384: return scheme('rsa-pss', 'sha384', 'pss');
    case S.rsa_pss_pss_sha512: return scheme('rsa-pss', 'sha512', 'pss');
  }
  return undefined;
}

/** The algorithm of a TLS SignatureScheme code, or null for one this stack does not know. */
export function schemeAlgorithm(code: number): SignatureAlgorithm | null {
  const info = schemeInfo(code);
  return info ? info.alg : null;
}

/**
 * Whether a scheme can be used with a key under TLS 1.3 rules: ECDSA schemes
 * name their curve, rsa_pss_rsae_* and rsa_pkcs1_* need an rsaEncryption key,
 * rsa_pss_pss_* an RSASSA-PSS (pssOnly) key.
 */
export function schemeMatchesKey(code: number, key: PublicKey | PrivateKey): boolean {
  const info = schemeInfo(code);
  if (!info) return false;
  switch (key.kind) {
    case 'ec':
      return info.key === key.curve;
    case 'rsa':
      return info.key === (key.pssOnly ? 'pss' : 'rsae');
    default:
      return info.key === key.kind;
  }
}

/** Whether a known scheme may sign a TLS 1.3 CertificateVerify (every one but rsa_pkcs1_*). */
export function schemeAllowedInCertificateVerify(code: number): boolean {
  const info = schemeInfo(code);
  return info !== undefined && info.certificateVerify;
}
