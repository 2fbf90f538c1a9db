// The default crypto provider: pure TypeScript on @noble/*, the same code on
// Node, XS and (without BigInt-only parts) Espruino. Every suite, group and
// signature algorithm this stack has; profiles compose smaller ones
// (compose.ts, core/profiles/).
import { CipherSuite } from '../registry.js';
import { aes128gcm, aes256gcm } from './aes-gcm.js';
import { chacha20poly1305 } from './chacha20-poly1305.js';
import { aes128ccm, aes128ccm8 } from './aes-ccm.js';
import { composeProvider } from './compose.js';
import { secp256r1Group, secp384r1Group, secp521r1Group, x25519Group, x448Group } from './groups.js';
import { sha256, sha384, sha512 } from './hash.js';
import { P256, p256KeyExchange, secp256r1FixedGroup } from './p256.js';
import {
  precomputeSigning, signMessage, signMessageFixed, signatureVerifierFixed, signerFixed, verifySignature, verifySignatureFixed,
} from './signature.js';
import type { Aead, CryptoProvider, KeyExchange, PrivateKey, Signer, Verifier } from './types.js';
import { X25519, x25519FixedGroup, x25519KeyExchange } from './x25519.js';
import { square } from './limbs.js';

const aeads: Record<number, Aead> = {
  [CipherSuite.TLS_AES_128_GCM_SHA256]: aes128gcm,
  [CipherSuite.TLS_AES_256_GCM_SHA384]: aes256gcm,
  [CipherSuite.TLS_CHACHA20_POLY1305_SHA256]: chacha20poly1305,
  [CipherSuite.TLS_AES_128_CCM_SHA256]: aes128ccm,
  [CipherSuite.TLS_AES_128_CCM_8_SHA256]: aes128ccm8,
};

/** Every curve on noble's BigInt arithmetic (with its precomputed tables where a Context asks for them: curveTables). */
export const nobleProvider: CryptoProvider = composeProvider({
  hashes: [sha256, sha384, sha512],
  aeads,
  groups: [x25519Group, secp256r1Group, secp384r1Group, secp521r1Group, x448Group],
  verify: verifySignature,
  sign: signMessage,
  precomputeSigning,
});

function typedCurves(
  x25519: KeyExchange, secp256r1: KeyExchange, verify: Verifier['verify'], sign: Signer['sign'], instance?: () => CryptoProvider,
): CryptoProvider {
  return composeProvider({
    hashes: [sha256, sha384, sha512],
    aeads,
    groups: [x25519, secp256r1, secp384r1Group, secp521r1Group, x448Group],
    verify,
    sign,
    // P-256 signs on typed arrays, without tables; the other curves of our own key on noble's.
    precomputeSigning: (key: PrivateKey, built: object[]) => key.kind === 'ec' && key.curve === 'P-256' || precomputeSigning(key, built),
    instance,
  });
}

/**
 * The typed-array curves of typedCurvesProvider on one X25519 (2 KB) and one
 * P256 (16-22 KB) for one Context, each made when the Context first uses it.
 */
function typedCurvesInstance(): CryptoProvider {
  let ladder: X25519 | null = null;
  let p256: P256 | null = null;
  const curve = (): P256 => p256 || (p256 = new P256());
  const x25519 = x25519KeyExchange(() => ladder || (ladder = new X25519(square)));
  return typedCurves(x25519, p256KeyExchange(curve), signatureVerifierFixed(curve), signerFixed(curve));
}

/**
 * The same with X25519 and P-256 (key exchange, ECDSA) on typed arrays
 * (x25519.ts, p256.ts): no BigInt garbage and no tables for those; X448,
 * P-384, P-521, EdDSA and RSA stay on noble. Each Context gets its own
 * working memory (instance()); used without one, an operation makes its own.
 */
export const typedCurvesProvider: CryptoProvider = /* @__PURE__ */ typedCurves(
  x25519FixedGroup, secp256r1FixedGroup, verifySignatureFixed, signMessageFixed, typedCurvesInstance,
);
