// Provisioning subcommands (openssl req / x509 habits): a CSR or a
// self-signed certificate from a key, a CA signing a CSR, and chain
// verification with core/x509.
import { ExtKeyUsage, KeyUsage, parseCertificate } from '../../../core/x509/certificate.js';
import { readCertificates } from '../../../core/x509/pem.js';
import { createCsr, csrPem } from '../../../core/toolkit/csr.js';
import { certificatePem, createSelfSigned, signCsr, verifyCertificate, type CertificateOptions } from '../../../core/toolkit/issue.js';
import { importPrivateKey } from '../../../core/toolkit/keys.js';
import type { Purpose } from '../../../core/toolkit/x509-fields.js';
import { parseOptions, provider, random, readInput, required, str, usage, writeOutput, type Parsed, type Tool } from './toolkit-args.js';

/** -san DNS:a,IP:b (repeatable as one comma-separated list). */
function sanList(p: Parsed): string[] | undefined {
  const v = str(p, 'san');
  return v === undefined ? undefined : v.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

function intOpt(p: Parsed, name: string, min: number, max: number): number | undefined {
  const v = str(p, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) usage('-' + name + ' must be an integer from ' + min + ' to ' + max);
  return n;
}

const USAGE_NAMES: Record<string, number> = KeyUsage;

function certOptions(p: Parsed): CertificateOptions {
  const o: CertificateOptions = { random, now: Date.now(), days: intOpt(p, 'days', 1, 36500) ?? 365, provider: provider(p) };
  if (p.opts.ca) o.ca = true;
  o.pathLen = intOpt(p, 'pathlen', 0, 10);
  const eku = str(p, 'eku');
  if (eku !== undefined) o.extKeyUsage = eku.split(',').filter((s) => s) as Purpose[];
  const ku = str(p, 'keyusage');
  if (ku !== undefined) {
    o.keyUsage = 0;
    for (const name of ku.split(',')) {
      if (!(name in USAGE_NAMES)) usage('unknown key usage ' + JSON.stringify(name) + ' (' + Object.keys(KeyUsage).join(', ') + ')');
      o.keyUsage |= USAGE_NAMES[name];
    }
  }
  o.san = sanList(p);
  if (str(p, 'a') !== undefined) o.hash = str(p, 'a') as CertificateOptions['hash'];
  if (p.opts.pss) o.padding = 'pss';
  return o;
}

const ISSUE_HELP = `  -days N                validity from now (default 365)
  -ca [-pathlen N]       a CA certificate (basicConstraints cA, keyCertSign)
  -keyusage LIST         e.g. digitalSignature,keyEncipherment
  -eku LIST              serverAuth,clientAuth (default both for a non-CA)
  -san DNS:name,IP:addr  subjectAltName (x509 -req: default the request's)
  -a HASH, -pss          signature hash, RSA-PSS
  -provider noble|node   core's crypto (default) or node:crypto
`;

const req: Tool = {
  name: 'req',
  summary: 'a PKCS#10 request (or with -x509 a self-signed certificate) from a key',
  help: `usage: microtls req -key KEY -subj /CN=device-1[/O=org] [-san DNS:name,IP:addr] [-out csr.pem] [-outform der]
       microtls req -x509 -key KEY -subj /CN=Root CA [-days N] [-ca] ... -out ca.pem
` + ISSUE_HELP,
  run(args) {
    const p = parseOptions('req', args, {
      key: true, subj: true, san: true, out: true, outform: true, x509: false, days: true, ca: false, pathlen: true,
      keyusage: true, eku: true, a: true, pss: false, provider: true,
    });
    const key = importPrivateKey(readInput(required(p, 'key')));
    const subject = required(p, 'subj');
    let der: Uint8Array;
    let pem: (d: Uint8Array) => string;
    if (p.opts.x509) {
      const o = certOptions(p);
      if (o.ca === undefined && o.extKeyUsage === undefined) o.ca = true; // openssl req -x509 makes a CA too
      der = createSelfSigned(key, subject, o);
      pem = certificatePem;
    } else {
      der = createCsr(key, { subject, san: sanList(p), random, hash: str(p, 'a') as CertificateOptions['hash'], padding: p.opts.pss ? 'pss' : undefined, provider: provider(p) });
      pem = csrPem;
    }
    writeOutput(str(p, 'out'), str(p, 'outform') === 'der' ? der : pem(der));
    return 0;
  },
};

const x509: Tool = {
  name: 'x509',
  summary: 'sign a request as a CA (-req), or verify a certificate (-verify)',
  help: `usage: microtls x509 -req -in csr.pem -CA ca.pem -CAkey ca.key [-days N] [...] [-out cert.pem] [-outform der]
       microtls x509 -verify -CAfile ca.pem [-untrusted chain.pem] [-purpose serverAuth|clientAuth] [-host NAME] cert.pem
` + ISSUE_HELP,
  run(args) {
    const p = parseOptions('x509', args, {
      req: false, in: true, CA: true, CAkey: true, out: true, outform: true, days: true, ca: false, pathlen: true,
      keyusage: true, eku: true, san: true, a: true, pss: false, provider: true,
      verify: false, CAfile: true, untrusted: true, purpose: true, host: true,
    });
    if (p.opts.verify) return verifyCommand(p);
    if (!p.opts.req) usage('x509 needs -req (sign a request) or -verify');
    const cert = signCsr(readInput(required(p, 'in')), readInput(required(p, 'CA')), importPrivateKey(readInput(required(p, 'CAkey'))), certOptions(p));
    writeOutput(str(p, 'out'), str(p, 'outform') === 'der' ? cert : certificatePem(cert));
    return 0;
  },
};

function verifyCommand(p: Parsed): number {
  if (p.rest.length !== 1) usage('x509 -verify needs one certificate file');
  const purpose = str(p, 'purpose') ?? 'serverAuth';
  if (purpose !== 'serverAuth' && purpose !== 'clientAuth') usage('-purpose is serverAuth or clientAuth');
  const chain = readCertificates(readInput(p.rest[0]));
  const untrusted = str(p, 'untrusted');
  if (untrusted) chain.push(...readCertificates(readInput(untrusted)));
  const pem = chain.map(certificatePem).join('');
  const path = verifyCertificate(pem, readInput(required(p, 'CAfile')), { now: Date.now(), purpose, hostname: str(p, 'host') });
  const leaf = parseCertificate(chain[0]);
  const eku = leaf.extKeyUsage === null ? 'any' : Object.keys(ExtKeyUsage).filter((k) => (leaf.extKeyUsage as number) & ExtKeyUsage[k as keyof typeof ExtKeyUsage]).join(',');
  process.stdout.write(p.rest[0] + ': OK (' + path.map((c) => c.subjectCN || '?').join(' <- ') + '; extendedKeyUsage ' + eku + ')\n');
  return 0;
}

export const x509Tools: Tool[] = [req, x509];
