// Symmetric encryption with explicit keys and nonces: AES-GCM and
// ChaCha20-Poly1305 (core's in-place AEADs, or a provider's) and AES-CBC
// with PKCS#7 padding.
import { aesCbc, pkcs7Pad, pkcs7Unpad } from '../crypto/aes-cbc.js';
import { aes128gcm, aes256gcm } from '../crypto/aes-gcm.js';
import { chacha20poly1305 } from '../crypto/chacha20-poly1305.js';
import type { Aead } from '../crypto/types.js';
import { Alert, ErrorCode, fail } from '../errors.js';
import type { AeadName, ToolkitProvider } from './provider.js';

export const NOBLE_AEADS: Record<AeadName, Aead> = {
  'aes-128-gcm': aes128gcm, 'aes-256-gcm': aes256gcm, 'chacha20-poly1305': chacha20poly1305,
};

const EMPTY = new Uint8Array(0);

function aeadFor(name: AeadName, key: Uint8Array, nonce: Uint8Array, provider?: Pick<ToolkitProvider, 'aead'>): Aead {
  const a = provider ? provider.aead(name) : NOBLE_AEADS[name];
  if (!a) fail(ErrorCode.BAD_CONFIG, Alert.internal_error, 'unknown AEAD ' + JSON.stringify(name));
  if (key.length !== a.keyLen) fail(ErrorCode.BAD_KEY, Alert.internal_error, name + ' key must be ' + a.keyLen + ' bytes, not ' + key.length);
  if (nonce.length !== 12) fail(ErrorCode.BAD_CONFIG, Alert.internal_error, name + ' nonce must be 12 bytes, not ' + nonce.length);
  return a;
}

/** Encrypts and authenticates: ciphertext || 16-byte tag. Never use a nonce twice with one key. */
export function aeadSeal(
  name: AeadName, key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array = EMPTY,
  provider?: Pick<ToolkitProvider, 'aead'>,
): Uint8Array {
  const a = aeadFor(name, key, nonce, provider);
  const buf = new Uint8Array(plaintext.length + a.tagLen);
  buf.set(plaintext);
  a.create(key).seal(nonce, aad, buf, 0, plaintext.length);
  return buf;
}

/** The plaintext of ciphertext || tag, or null when the tag (key, nonce, aad, data) does not match. */
export function aeadOpen(
  name: AeadName, key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array = EMPTY,
  provider?: Pick<ToolkitProvider, 'aead'>,
): Uint8Array | null {
  const a = aeadFor(name, key, nonce, provider);
  if (sealed.length < a.tagLen) return null;
  const buf = sealed.slice();
  const len = buf.length - a.tagLen;
  return a.create(key).open(nonce, aad, buf, 0, len) ? buf.subarray(0, len) : null;
}

function checkKey(key: Uint8Array): void {
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) fail(ErrorCode.BAD_KEY, Alert.internal_error, 'AES key must be 16, 24 or 32 bytes, not ' + key.length);
}

/** AES-CBC with PKCS#7 padding (the key size picks AES-128/192/256). */
export function cbcEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, provider?: Pick<ToolkitProvider, 'cbc'>): Uint8Array {
  checkKey(key);
  return (provider ? provider.cbc : aesCbc).encrypt(key, iv, pkcs7Pad(plaintext));
}

/**
 * AES-CBC decryption and PKCS#7 unpadding; null when the length or padding
 * is wrong (one answer for both). CBC is not authenticated: a wrong key
 * usually, but not always, shows as bad padding.
 */
export function cbcDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array, provider?: Pick<ToolkitProvider, 'cbc'>): Uint8Array | null {
  checkKey(key);
  if (ciphertext.length === 0 || ciphertext.length % 16 !== 0) return null;
  return pkcs7Unpad((provider ? provider.cbc : aesCbc).decrypt(key, iv, ciphertext));
}
