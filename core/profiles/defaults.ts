// A profile's defaults: what its Context uses for every option the caller
// leaves out, so that a profile never offers what its crypto cannot do.
import type { CryptoProvider } from '../crypto/types.js';
import type { CertificateSupport, ContextOptions, PskMode, Tls12Support } from '../config.js';

export interface ProfileDefaults {
  crypto: CryptoProvider;
  certificates: CertificateSupport | null;
  /** TLS 1.2 (the full entry point); absent: a TLS 1.3-only profile. */
  tls12?: Tls12Support;
  cipherSuites?: number[];
  groups?: number[];
  signatureSchemes?: number[];
  pskModes?: PskMode[];
}

export function withDefaults(options: ContextOptions, d: ProfileDefaults): ContextOptions {
  const o: ContextOptions = Object.assign({}, options);
  if (!o.crypto) o.crypto = d.crypto;
  if (!o.certificates && d.certificates) o.certificates = d.certificates;
  if (!o.tls12 && d.tls12) o.tls12 = d.tls12;
  if (!o.cipherSuites && d.cipherSuites) o.cipherSuites = d.cipherSuites;
  if (!o.groups && d.groups) o.groups = d.groups;
  if (!o.signatureSchemes && d.signatureSchemes) o.signatureSchemes = d.signatureSchemes;
  if (!o.pskModes && d.pskModes) o.pskModes = d.pskModes;
  return o;
}
