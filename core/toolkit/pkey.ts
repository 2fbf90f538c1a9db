// Public-key operations with openssl pkeyutl's choices: signatures (ECDSA,
// Ed25519, RSA PKCS#1 v1.5 or PSS) and RSA encryption (OAEP or PKCS#1 v1.5),
// on core/crypto's code or a provider's.
import { bigintRsa, rsaOaepDecrypt, rsaOaepEncrypt, rsaPkcs1Decrypt, rsaPkcs1Encrypt } from '../crypto/rsa-encryption.js';
import { signMessage, verifySignature } from '../crypto/signature.js';
import type { HashName, PrivateKey, PublicKey, SignatureAlgorithm } from '../crypto/types.js';
import { Alert, ErrorCode, fail } from '../errors.js';
import type { AnyPrivateKey, AnyPublicKey } from './keys.js';
import type { Random, ToolkitProvider } from './provider.js';

export interface SignOptions {
  /** ECDSA and RSA: the hash (default SHA-256; SHA-384 for P-384 keys). EdDSA hashes inside. */
  hash?: HashName;
  /** RSA: 'pkcs1' (default, as openssl) or 'pss' (salt as long as the hash). */
  padding?: 'pkcs1' | 'pss';
}

function badKey(what: string): never {
  return fail(ErrorCode.BAD_KEY, Alert.internal_error, what);
}

/** The signature algorithm for a key and the options. */
export function signatureAlgorithm(key: AnyPrivateKey | AnyPublicKey, o: SignOptions = {}): SignatureAlgorithm {
  switch (key.kind) {
    case 'ec': return { type: 'ecdsa', hash: o.hash ?? (key.curve === 'P-256' ? 'sha256' : key.curve === 'P-384' ? 'sha384' : 'sha512') };
    case 'rsa': return { type: key.pssOnly || o.padding === 'pss' ? 'rsa-pss' : 'rsa-pkcs1', hash: o.hash ?? 'sha256' };
    case 'ed25519': return { type: 'ed25519', hash: null };
    case 'ed448': return { type: 'ed448', hash: null };
    case 'x25519': return badKey('an X25519 key cannot sign (use Ed25519)');
  }
}

/** Signs msg (hashed inside): ECDSA signatures are DER, as openssl writes them. */
export function sign(
  key: AnyPrivateKey, msg: Uint8Array, random: Random, options: SignOptions = {}, provider?: Pick<ToolkitProvider, 'sign'>,
): Uint8Array {
  const alg = signatureAlgorithm(key, options);
  return (provider ? provider.sign : signMessage)(alg, key as PrivateKey, msg, random);
}

/** Whether sig is a valid signature of msg; false for any mismatch, malformed signature or key of another type. */
export function verify(
  key: AnyPublicKey, msg: Uint8Array, sig: Uint8Array, options: SignOptions = {}, provider?: Pick<ToolkitProvider, 'verify'>,
): boolean {
  if (key.kind === 'x25519') return false;
  return (provider ? provider.verify : verifySignature)(signatureAlgorithm(key, options), key as PublicKey, msg, sig);
}

export interface RsaEncryptOptions {
  /** 'oaep' (default) or 'pkcs1' (RSAES-PKCS1-v1_5, for old peers only). */
  padding?: 'oaep' | 'pkcs1';
  /** OAEP hash, also MGF1's (default SHA-256). */
  hash?: HashName;
  /** OAEP label (default empty). */
  label?: Uint8Array;
}

function rsaKey<K extends AnyPublicKey | AnyPrivateKey>(key: K): Extract<K, { kind: 'rsa' }> {
  if (key.kind !== 'rsa') badKey('RSA encryption needs an RSA key, not ' + key.kind);
  return key as Extract<K, { kind: 'rsa' }>;
}

/** RSA encryption of a short message (at most k - 2*hLen - 2 bytes with OAEP, k - 11 with PKCS#1 v1.5). */
export function rsaEncrypt(
  key: AnyPublicKey, msg: Uint8Array, random: Random, o: RsaEncryptOptions = {}, provider?: Pick<ToolkitProvider, 'rsa'>,
): Uint8Array {
  const ops = provider ? provider.rsa : bigintRsa;
  const k = rsaKey(key);
  return o.padding === 'pkcs1' ? rsaPkcs1Encrypt(k, msg, random, ops) : rsaOaepEncrypt(k, o.hash ?? 'sha256', msg, random, o.label, ops);
}

/**
 * RSA decryption; null for every kind of failure alike (see
 * core/crypto/rsa-encryption.ts on padding oracles). `random` blinds the
 * private operation.
 */
export function rsaDecrypt(
  key: AnyPrivateKey, ct: Uint8Array, random: Random, o: RsaEncryptOptions = {}, provider?: Pick<ToolkitProvider, 'rsa'>,
): Uint8Array | null {
  const ops = provider ? provider.rsa : bigintRsa;
  const k = rsaKey(key);
  return o.padding === 'pkcs1' ? rsaPkcs1Decrypt(k, ct, random, undefined, ops) : rsaOaepDecrypt(k, o.hash ?? 'sha256', ct, random, o.label, ops);
}
