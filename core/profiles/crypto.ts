// Entry microtls/crypto: the crypto toolkit (the seed book's chapter 7) and
// on-device provisioning (keys, CSRs and certificates from buffers), without
// the TLS engine. Every function is its own export, so a bundle keeps only
// what it calls; each takes an optional provider (core's code by default,
// ports/node/node-toolkit.ts for node:crypto).
export { createHash, createHmac, digest, hashByName, hkdf, hkdfExpand, hkdfExtract, hmac, Digest } from '../toolkit/digest.js';
export { aeadOpen, aeadSeal, cbcDecrypt, cbcEncrypt } from '../toolkit/cipher.js';
export { deriveSharedSecret, generateKey, randomBytes, type GenerateOptions, type KeyType } from '../toolkit/generate.js';
export {
  encodePrivateKey, encodePublicKey, importPrivateKey, importPublicKey, privateKeyPem, publicKeyPem, publicKeyOf,
  type AnyPrivateKey, type AnyPublicKey, type PrivateFormat, type PublicFormat, type X25519PrivateKey, type X25519PublicKey,
} from '../toolkit/keys.js';
export { rsaDecrypt, rsaEncrypt, sign, signatureAlgorithm, verify, type RsaEncryptOptions, type SignOptions } from '../toolkit/pkey.js';
export { createCsr, csrPem, parseCsr, verifyCsr, type CertificationRequest, type CsrOptions } from '../toolkit/csr.js';
export {
  certificatePem, createSelfSigned, keyIdentifier, signCsr, verifyCertificate, type CertificateOptions, type VerifyOptions,
} from '../toolkit/issue.js';
export { parseSubject, type NameEntries, type Purpose } from '../toolkit/x509-fields.js';
export { nobleToolkit } from '../toolkit/noble.js';
export type { AeadName, Random, ToolkitProvider } from '../toolkit/provider.js';
export type { HashName, PrivateKey, PublicKey, SignatureAlgorithm } from '../crypto/types.js';
export { parseCertificate, KeyUsage, ExtKeyUsage, type Certificate } from '../x509/certificate.js';
export { decodePem, encodePem } from '../x509/pem.js';
export { ErrorCode, TlsFailure, errorName } from '../errors.js';
