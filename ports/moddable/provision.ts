// On-device provisioning with the crypto toolkit: the device key is made on
// first boot from the hardware RNG and kept as bytes (PKCS#8 DER) in a
// key-value store (Moddable's Preference, or flash); every boot gives the
// PKCS#10 request as PEM for the operator's CA; the signed certificate comes
// back as bytes, is checked against the key (and the CA, when the device
// has it) and stored. The TLS Context then takes both buffers for mutual TLS
// (useCertificateBuffer / usePrivateKeyBuffer). No filesystem, no clock
// needed (validity is checked when `now` is known).
import { createCsr, csrPem } from '../../core/toolkit/csr.js';
import { generateKey, type KeyType } from '../../core/toolkit/generate.js';
import { encodePrivateKey, encodePublicKey, importPrivateKey, publicKeyOf } from '../../core/toolkit/keys.js';
import type { Random } from '../../core/toolkit/provider.js';
import { certificatePem, verifyCertificate } from '../../core/toolkit/issue.js';
import { parseCertificate } from '../../core/x509/certificate.js';
import { bytesEqual } from '../../core/x509/der.js';
import { readCertificates } from '../../core/x509/pem.js';
import { Alert, ErrorCode, fail } from '../../core/errors.js';

/** Byte storage that survives reboots: Preference.get/set(domain, name) on Moddable. */
export interface ByteStore {
  get(name: string): ArrayBuffer | undefined;
  set(name: string, value: ArrayBuffer): void;
}

/** Names in the store (ESP32 NVS keys are at most 15 characters). */
export const KEY_NAME = 'key';
export const CERT_NAME = 'cert';

export interface DeviceIdentity {
  /** The private key, PKCS#8 DER (what Context.usePrivateKeyBuffer takes). */
  key: Uint8Array;
  /** Whether the key was made during this call (first boot). */
  created: boolean;
  /** The certificate request for the CA, PEM. */
  csr: string;
  /** The stored certificate (DER), or null until one is installed. */
  certificate: Uint8Array | null;
}

export interface ProvisionOptions {
  /** "/CN=device-1/O=Acme" */
  subject: string;
  /** subjectAltName entries for the request ("DNS:...", "IP:..."). */
  san?: string[];
  /** The device's secure random source (microtls/random on ESP32). */
  random: Random;
  /** P-256 (default), P-384 or ed25519. */
  keyType?: KeyType;
}

function copy(buf: ArrayBuffer): Uint8Array {
  return new Uint8Array(buf.slice(0));
}

/** Loads the device identity, creating and storing the key on first boot. */
export function provision(store: ByteStore, o: ProvisionOptions): DeviceIdentity {
  const stored = store.get(KEY_NAME);
  let der: Uint8Array;
  const created = stored === undefined;
  if (stored === undefined) {
    der = encodePrivateKey(generateKey(o.keyType ?? 'P-256', { random: o.random }));
    store.set(KEY_NAME, der.slice().buffer);
  } else {
    der = copy(stored);
  }
  const key = importPrivateKey(der);
  const csr = csrPem(createCsr(key, { subject: o.subject, san: o.san, random: o.random }));
  const cert = store.get(CERT_NAME);
  return { key: der, created, csr, certificate: cert === undefined ? null : copy(cert) };
}

export interface InstallOptions {
  /** Trust anchors (PEM or DER) to check the certificate against before keeping it. */
  ca?: Uint8Array | string;
  /** Milliseconds since the epoch, or null on a device whose clock is not set. */
  now?: number | null;
}

/**
 * Checks that a signed certificate (PEM or DER) certifies the stored key
 * (and chains to `ca` when given, for client authentication), then stores
 * its DER. Returns the DER; throws a TlsFailure with the reason otherwise.
 */
export function installCertificate(store: ByteStore, certificate: Uint8Array | string, o: InstallOptions = {}): Uint8Array {
  const stored = store.get(KEY_NAME);
  if (stored === undefined) return fail(ErrorCode.NO_CREDENTIALS, Alert.internal_error, 'no device key: call provision() first');
  const der = readCertificates(certificate)[0];
  const cert = parseCertificate(der);
  if (!bytesEqual(cert.spki, encodePublicKey(publicKeyOf(importPrivateKey(copy(stored)))))) {
    fail(ErrorCode.BAD_KEY, Alert.internal_error, 'the certificate is not for this device\'s key');
  }
  if (o.ca !== undefined) verifyCertificate(certificatePem(der), o.ca, { now: o.now ?? null, purpose: 'clientAuth' });
  const own = der.slice();
  store.set(CERT_NAME, own.buffer);
  return own;
}
