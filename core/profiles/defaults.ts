// A profile's defaults: the crypto provider and certificate support its
// Context uses when the options name none.
import type { CryptoProvider } from '../crypto/types.js';
import type { CertificateSupport, ContextOptions } from '../engine/types.js';

export function withDefaults(
  options: ContextOptions, crypto: CryptoProvider, certificates: CertificateSupport | null,
): ContextOptions {
  const o: ContextOptions = Object.assign({}, options);
  if (!o.crypto) o.crypto = crypto;
  if (!o.certificates && certificates) o.certificates = certificates;
  return o;
}
