// The toolkit on core's own code (@noble/* and core/crypto): the default of
// every toolkit function, gathered in one object for callers who pass a
// provider explicitly (and for tests comparing providers).
import { aesCbc } from '../crypto/aes-cbc.js';
import { bigintRsa } from '../crypto/rsa-encryption.js';
import { generateRsaKey } from '../crypto/rsa-keygen.js';
import { signMessage, verifySignature } from '../crypto/signature.js';
import { NOBLE_AEADS } from './cipher.js';
import { NOBLE_HASHES } from './digest.js';
import type { ToolkitProvider } from './provider.js';

export const nobleToolkit: ToolkitProvider = {
  hash: (name) => NOBLE_HASHES[name],
  aead: (name) => NOBLE_AEADS[name],
  cbc: aesCbc,
  rsa: bigintRsa,
  sign: signMessage,
  verify: verifySignature,
  generateRsa: generateRsaKey,
};
