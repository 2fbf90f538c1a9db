// The default crypto provider: pure TypeScript on @noble/*, the same code on
// Node, XS and (without BigInt-only parts) Espruino. composeProvider builds a
// provider from chosen pieces, so a profile that names fewer suites, groups or
// signature algorithms bundles only those (core/profiles/).
import { Alert, ErrorCode, fail } from '../errors.js';
import { CipherSuite } from '../registry.js';
import { aes128gcm, aes256gcm } from './aes-gcm.js';
import { chacha20poly1305 } from './chacha20-poly1305.js';
import { aes128ccm, aes128ccm8 } from './aes-ccm.js';
import { secp256r1Group, secp384r1Group, secp521r1Group, x25519Group, x448Group } from './groups.js';
import { sha256, sha384, sha512 } from './hash.js';
import { signMessage, verifySignature } from './signature.js';
import type { Aead, CryptoProvider, Hash, KeyExchange, Signer, Verifier } from './types.js';

export interface ProviderParts {
  hashes: Hash[];
  /** AEADs by TLS 1.3 cipher suite code. */
  aeads: Record<number, Aead>;
  groups: KeyExchange[];
  /** Signature verification; without it every signature is refused. */
  verify?: Verifier['verify'];
  /** Signing with our own key; without it signing fails with BAD_KEY. */
  sign?: Signer['sign'];
}

const refuse: Verifier['verify'] = () => false;
const cannotSign: Signer['sign'] = (alg) =>
  fail(ErrorCode.BAD_KEY, Alert.internal_error, 'no ' + alg.type + ' signing in this crypto provider');

/** A provider answering for exactly the given pieces (undefined for anything else). */
export function composeProvider(parts: ProviderParts): CryptoProvider {
  const hashes = parts.hashes;
  const aeads = parts.aeads;
  const groups = parts.groups;
  return {
    hash: (name) => hashes.find((h) => h.name === name),
    aead: (suite) => aeads[suite],
    group: (code) => groups.find((g) => g.group === code),
    sign: parts.sign ?? cannotSign,
    verify: parts.verify ?? refuse,
  };
}

export const nobleProvider: CryptoProvider = composeProvider({
  hashes: [sha256, sha384, sha512],
  aeads: {
    [CipherSuite.TLS_AES_128_GCM_SHA256]: aes128gcm,
    [CipherSuite.TLS_AES_256_GCM_SHA384]: aes256gcm,
    [CipherSuite.TLS_CHACHA20_POLY1305_SHA256]: chacha20poly1305,
    [CipherSuite.TLS_AES_128_CCM_SHA256]: aes128ccm,
    [CipherSuite.TLS_AES_128_CCM_8_SHA256]: aes128ccm8,
  },
  groups: [x25519Group, secp256r1Group, secp384r1Group, secp521r1Group, x448Group],
  verify: verifySignature,
  sign: signMessage,
});
