// A crypto provider on the Moddable SDK's native crypto (bundled as
// dist/moddable/native.js; the module "microtls/native" makes it over the
// profile's own provider). Native: SHA-256/384 (so HMAC and HKDF, which core
// builds on the hash), AES-128/256-GCM, AES-128-CCM and CCM_8, secp256r1
// key exchange, ECDSA P-256/P-384 verification with SHA-256/384. Everything
// else comes from the fallback provider, in pure JS: X25519 (the SDK has no
// Montgomery curve), ChaCha20-Poly1305 (the SDK's ChaCha has no Poly1305),
// SHA-512, RSA and EdDSA, and signing.
import { CipherSuite, NamedGroup } from '../../../core/registry.js';
import type { Aead, CryptoProvider } from '../../../core/crypto/types.js';
import { nativeAeads } from './aead.js';
import { nativeCurves } from './ec.js';
import { nativeHashes } from './hash.js';
import type { NativeSdk } from './sdk.js';

export type { NativeSdk } from './sdk.js';
// Core's HMAC and HKDF, which run on whatever hash they are given (so on the native ones here).
export { macFor } from '../../../core/crypto/hmac.js';
export { hkdfExpand, hkdfExtract } from '../../../core/crypto/hkdf.js';

export function nativeCrypto(sdk: NativeSdk, fallback: CryptoProvider): CryptoProvider {
  const hashes = nativeHashes(sdk);
  const aeads = nativeAeads(sdk);
  const curves = nativeCurves(sdk, hashes);
  const suites: Record<number, Aead> = {
    [CipherSuite.TLS_AES_128_GCM_SHA256]: aeads.aes128gcm,
    [CipherSuite.TLS_AES_256_GCM_SHA384]: aeads.aes256gcm,
    [CipherSuite.TLS_AES_128_CCM_SHA256]: aeads.aes128ccm,
    [CipherSuite.TLS_AES_128_CCM_8_SHA256]: aeads.aes128ccm8,
  };
  return {
    hash: (name) => (name === 'sha256' ? hashes.sha256 : name === 'sha384' ? hashes.sha384 : fallback.hash(name)),
    aead: (suite) => suites[suite] ?? fallback.aead(suite),
    group: (group) => (group === NamedGroup.secp256r1 ? curves.secp256r1 : fallback.group(group)),
    verify: (alg, key, msg, sig) => curves.verifyEcdsa(alg, key, msg, sig) ?? fallback.verify(alg, key, msg, sig),
    sign: (alg, key, msg, random) => fallback.sign(alg, key, msg, random),
  };
}
