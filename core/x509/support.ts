// X.509 as the engine's pluggable certificate support.
import type { CertificateSupport } from '../config.js';
import { parseCertificate } from './certificate.js';
import { verifyChain } from './chain.js';
import { parsePrivateKey } from './keys.js';
import { checkOcspResponse } from './ocsp.js';
import { readCertificates } from './pem.js';

export const x509Support: CertificateSupport = { readCertificates, parseCertificate, parsePrivateKey, verifyChain, checkOcspResponse };
