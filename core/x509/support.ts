// X.509 as the engine's pluggable certificate support.
import type { CertificateSupport } from '../config.js';
import { parseCertificate } from './certificate.js';
import { verifyChain } from './chain.js';
import { crlRevocation, readCrls } from './crl.js';
import { parsePrivateKey } from './keys.js';
import { checkOcspResponse } from './ocsp.js';
import { readCertificates } from './pem.js';

/** Everything: chains to verify, CRLs, and our own certificate's private key. */
export const x509Support: CertificateSupport = { readCertificates, parseCertificate, parsePrivateKey, verifyChain, readCrls, crlRevocation, checkOcspResponse };

/** Chain verification alone (no private keys, so no Ed448 key derivation; no OCSP, no CRLs): a client that verifies servers. */
export const x509Verification: CertificateSupport = { readCertificates, parseCertificate, verifyChain };
