// Assembles a CryptoProvider from chosen pieces, so that a profile naming
// fewer suites, groups or signature algorithms bundles only those (the noble
// provider is the assembly of all of them: noble.ts).
import { Alert, ErrorCode, fail } from '../errors.js';
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
  /** Precomputed tables for our own key's curve (Context option curveTables). */
  precomputeSigning?: Signer['precomputeSigning'];
  /** CryptoProvider.instance: the provider with working memory of its own. */
  instance?: () => CryptoProvider;
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
    precomputeSigning: parts.precomputeSigning,
    verify: parts.verify ?? refuse,
    instance: parts.instance,
  };
}
