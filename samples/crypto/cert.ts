// Seed book 7.07, certificates: a CA makes its self-signed certificate; a
// device makes a key and a certificate request (PKCS#10) for its name; the
// CA signs the request into a certificate for client authentication; the
// chain is verified with the same X.509 code the TLS engine uses.
//   node build/samples/crypto/cert.js
import { pathToFileURL } from 'node:url';
import {
  certificatePem, createCsr, createSelfSigned, csrPem, generateKey, parseCertificate, signCsr, verifyCertificate,
} from '../../core/profiles/crypto.js';
import { nodeRandom } from '../../ports/node/files.js';

export interface CertResult { caPem: string; csrPem: string; certPem: string; path: string[] }

export function main(print: (line: string) => void, random = nodeRandom, now = Date.now()): CertResult {
  const caKey = generateKey('P-256', { random });
  const ca = createSelfSigned(caKey, '/CN=microtls Sample Device CA/O=microtls', { random, now, days: 3650, pathLen: 0 });
  const deviceKey = generateKey('P-256', { random });
  const csr = createCsr(deviceKey, { subject: '/CN=device-1/O=microtls', san: ['DNS:device-1.local', 'IP:192.168.1.42'], random });
  print(csrPem(csr).trimEnd());
  const cert = signCsr(csr, ca, caKey, { random, now, days: 365, extKeyUsage: ['clientAuth'] });
  print(certificatePem(cert).trimEnd());
  const c = parseCertificate(cert);
  print('subject ' + c.subjectCN + ', issuer ' + c.issuerCN + ', valid until ' + new Date(c.notAfter).toISOString());
  const path = verifyCertificate(cert, ca, { now, purpose: 'clientAuth' }).map((x) => x.subjectCN);
  print('verified: ' + path.join(' <- '));
  return { caPem: certificatePem(ca), csrPem: csrPem(csr), certPem: certificatePem(cert), path };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(console.log);
