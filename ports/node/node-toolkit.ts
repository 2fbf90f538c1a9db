// The crypto toolkit's provider on node:crypto (OpenSSL): hashes, AEADs and
// signatures from node-crypto.ts, AES-CBC and raw RSA from OpenSSL, RSA key
// generation by OpenSSL. The padding code (OAEP, PKCS#1 v1.5, PKCS#7) stays
// core's on both providers, so both decode alike: node refuses PKCS#1 v1.5
// decryption since CVE-2023-46809, and raw RSA is what OpenSSL is asked for.
import {
  constants, createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, generateKeyPairSync, privateDecrypt, publicEncrypt,
  type KeyObject,
} from 'node:crypto';
import type { CbcCipher } from '../../core/crypto/aes-cbc.js';
import type { RsaPublicKey } from '../../core/crypto/rsa.js';
import type { RsaPrivateKey } from '../../core/crypto/rsa-encryption.js';
import type { Aead, Hash, HashName } from '../../core/crypto/types.js';
import { Alert, ErrorCode, fail } from '../../core/errors.js';
import { CipherSuite } from '../../core/registry.js';
import { encodePrivateKey, encodePublicKey } from '../../core/toolkit/keys.js';
import type { AeadName, ToolkitProvider } from '../../core/toolkit/provider.js';
import { parsePrivateKey } from '../../core/x509/keys.js';
import { nodeCryptoProvider } from './node-crypto.js';

const SUITES: Record<AeadName, number> = {
  'aes-128-gcm': CipherSuite.TLS_AES_128_GCM_SHA256,
  'aes-256-gcm': CipherSuite.TLS_AES_256_GCM_SHA384,
  'chacha20-poly1305': CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
};

function cbc(decrypt: boolean): CbcCipher['encrypt'] {
  return (key, iv, data) => {
    if (iv.length !== 16) fail(ErrorCode.BAD_CONFIG, Alert.internal_error, 'AES-CBC IV must be 16 bytes, not ' + iv.length);
    const name = 'aes-' + key.length * 8 + '-cbc';
    const c = decrypt ? createDecipheriv(name, key, iv) : createCipheriv(name, key, iv);
    c.setAutoPadding(false); // padding is the toolkit's (cipher.ts), as with core's AES
    return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
  };
}

const nodeCbc: CbcCipher = { encrypt: cbc(false), decrypt: cbc(true) };

function rsaPublicObject(key: RsaPublicKey): KeyObject {
  return createPublicKey({ key: Buffer.from(encodePublicKey({ kind: 'rsa', n: key.n, e: key.e, bits: 0, pssOnly: false })), format: 'der', type: 'spki' });
}

function rsaPrivateObject(key: RsaPrivateKey): KeyObject {
  return createPrivateKey({ key: Buffer.from(encodePrivateKey(key, 'pkcs1')), format: 'der', type: 'pkcs1' });
}

export const nodeToolkit: ToolkitProvider = {
  hash: (name: HashName) => nodeCryptoProvider.hash(name) as Hash,
  aead: (name: AeadName) => nodeCryptoProvider.aead(SUITES[name]) as Aead,
  cbc: nodeCbc,
  rsa: {
    publicRaw: (key, em) => new Uint8Array(publicEncrypt({ key: rsaPublicObject(key), padding: constants.RSA_NO_PADDING }, em)),
    // OpenSSL blinds RSA private operations itself.
    privateRaw: (key, c) => new Uint8Array(privateDecrypt({ key: rsaPrivateObject(key), padding: constants.RSA_NO_PADDING }, c)),
  },
  sign: nodeCryptoProvider.sign,
  verify: nodeCryptoProvider.verify,
  generateRsa(bits) {
    if (bits !== 2048 && bits !== 3072 && bits !== 4096) fail(ErrorCode.BAD_CONFIG, Alert.internal_error, 'RSA key size must be 2048, 3072 or 4096, not ' + bits);
    // OpenSSL draws from its own DRBG, not from `random`.
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: bits, publicExponent: 65537 });
    const key = parsePrivateKey(new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs1' })));
    if (key.kind !== 'rsa') return fail(ErrorCode.INTERNAL, Alert.internal_error, 'OpenSSL made no RSA key');
    return key;
  },
};
