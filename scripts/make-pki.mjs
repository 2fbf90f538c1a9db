// Makes the project's test PKI in build/pki/ with the openssl CLI, then the
// path-validation chains in build/pki/validation/ (make-validation-pki.mjs).
// Idempotent: does nothing when every file is there, otherwise rebuilds the
// whole set in a temporary directory and renames it into place, so test
// files running in parallel never see a half-written PKI.
//
//   microtls Test CA (ECDSA P-256, root)
//   ├── microtls Test Intermediate (ECDSA P-256, pathlen 0)
//   │   ├── server-ecdsa                      (NAME-chain.crt = leaf + intermediate)
//   │   ├── server-revoked                    (same SANs; revoked in ocsp-index.txt)
//   │   └── ocsp-responder                    (EKU OCSPSigning: delegated OCSP responder)
//   ├── server-rsa, server-ed25519, server-ecdsa384, server-rsapss, server-ed448
//   ├── client-ecdsa, client-rsa, client-ed25519   (EKU clientAuth)
//   └── server-expired                        (valid 2020-01-01 .. 2021-01-01)
//   microtls Other CA (RSA-2048, untrusted; signs with sha256WithRSAEncryption)
//   └── server-otherca
//
// OCSP (the intermediate is the issuer whose status is served): ocsp-index.txt
// is its `openssl ca` database (server-ecdsa valid, server-revoked revoked,
// keyCompromise), and three responses made from it, valid 7 days:
//   ocsp-good.der       server-ecdsa good, signed by the intermediate
//   ocsp-delegated.der  server-ecdsa good, signed by ocsp-responder (included in certs)
//   ocsp-revoked.der    server-revoked revoked, signed by the intermediate
// They are remade when older than a day, so a long-lived build/ always has
// fresh ones. Tests make other responses the same way, in build/pki:
//   openssl ocsp -issuer intermediate.crt -cert LEAF.crt -no_nonce -reqout REQ
//   openssl ocsp -index ocsp-index.txt -CA intermediate.crt -rsigner ocsp-responder.crt \
//     -rkey ocsp-responder.key -reqin REQ -respout RESP -ndays 7
// (-rsigner/-rkey intermediate.* for issuer-signed, -sha256 before -cert for a
// SHA-256 CertID, -resp_key_id for a byKey responderID, no -ndays: no nextUpdate.)
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'build', 'pki');

const KEYS = {
  ecdsa: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  ecdsa384: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'],
  rsa: ['-newkey', 'rsa:2048'],
  rsapss: ['-newkey', 'rsa-pss', '-pkeyopt', 'rsa_keygen_bits:2048'],
  ed25519: ['-newkey', 'ed25519'],
  ed448: ['-newkey', 'ed448'],
};

// [name, key type, issuer, extensions section]
const LEAVES = [
  ['server-ecdsa', 'ecdsa', 'intermediate', 'server'],
  ['server-rsa', 'rsa', 'ca', 'server'],
  ['server-ed25519', 'ed25519', 'ca', 'server'],
  ['server-ecdsa384', 'ecdsa384', 'ca', 'server'],
  ['server-rsapss', 'rsapss', 'ca', 'server'],
  ['server-ed448', 'ed448', 'ca', 'server'],
  ['client-ecdsa', 'ecdsa', 'ca', 'client'],
  ['client-rsa', 'rsa', 'ca', 'client'],
  ['client-ed25519', 'ed25519', 'ca', 'client'],
  ['server-otherca', 'ecdsa', 'other-ca', 'server'],
  ['server-revoked', 'ecdsa', 'intermediate', 'server'],
  ['ocsp-responder', 'ecdsa', 'intermediate', 'ocsp_responder'],
];

const OCSP_RESPONSES = ['ocsp-good.der', 'ocsp-delegated.der', 'ocsp-revoked.der'];
const DAY_MS = 24 * 60 * 60 * 1000;

const FILES = ['ca.crt', 'ca.key', 'intermediate.crt', 'intermediate.key', 'other-ca.crt', 'other-ca.key',
  'server-ecdsa-chain.crt', 'server-expired.crt', 'server-expired.key', 'server-revoked-chain.crt', 'ocsp-index.txt',
  ...OCSP_RESPONSES];
for (const [name] of LEAVES) FILES.push(name + '.crt', name + '.key');

const CONFIG = `
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[intermediate_ext]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, DNS:microtls.test, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ocsp_responder]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = OCSPSigning
noCheck = ignored
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ca]
default_ca = expired_ca
[expired_ca]
database = index.txt
new_certs_dir = newcerts
rand_serial = yes
default_md = sha256
policy = any
unique_subject = no
[ocsp_ca]
database = ocsp-index.txt
default_md = sha256
[any]
organizationName = optional
commonName = supplied
`;

function complete() {
  return FILES.every((f) => existsSync(join(out, f)));
}

function openssl(dir, args) {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error('make-pki: openssl ' + args.join(' ') + '\n' + r.stderr);
}

/** A positive 16-byte serial (top bit clear so DER needs no leading zero). */
function serial() {
  const b = randomBytes(16);
  b[0] = (b[0] & 0x7f) | 0x40;
  return '0x' + b.toString('hex');
}

function cert(dir, name, cn, key, ext, issuer) {
  const args = ['req', '-x509', '-config', 'openssl.cnf', ...KEYS[key], '-noenc', '-keyout', name + '.key',
    '-out', name + '.crt', '-subj', '/O=microtls/CN=' + cn, '-days', '3650', '-set_serial', serial(),
    '-extensions', ext];
  if (issuer) args.push('-CA', issuer + '.crt', '-CAkey', issuer + '.key');
  openssl(dir, args);
}

function generate(dir) {
  writeFileSync(join(dir, 'openssl.cnf'), CONFIG);
  cert(dir, 'ca', 'microtls Test CA', 'ecdsa', 'ca_ext');
  cert(dir, 'intermediate', 'microtls Test Intermediate', 'ecdsa', 'intermediate_ext', 'ca');
  cert(dir, 'other-ca', 'microtls Other CA', 'rsa', 'ca_ext');
  for (const [name, key, issuer, ext] of LEAVES) cert(dir, name, name, key, ext, issuer);

  // OpenSSL 3.0's req/x509 cannot set a start date in the past; `openssl ca` can.
  writeFileSync(join(dir, 'index.txt'), '');
  mkdirSync(join(dir, 'newcerts'));
  openssl(dir, ['req', '-new', '-config', 'openssl.cnf', ...KEYS.ecdsa, '-noenc', '-keyout', 'server-expired.key',
    '-out', 'server-expired.csr', '-subj', '/O=microtls/CN=server-expired']);
  openssl(dir, ['ca', '-batch', '-config', 'openssl.cnf', '-in', 'server-expired.csr', '-out', 'server-expired.crt',
    '-cert', 'ca.crt', '-keyfile', 'ca.key', '-notext', '-extfile', 'openssl.cnf', '-extensions', 'server',
    '-startdate', '20200101000000Z', '-enddate', '20210101000000Z']);

  for (const leaf of ['server-ecdsa', 'server-revoked']) {
    writeFileSync(join(dir, leaf + '-chain.crt'),
      readFileSync(join(dir, leaf + '.crt'), 'utf8') + readFileSync(join(dir, 'intermediate.crt'), 'utf8'));
  }

  writeFileSync(join(dir, 'ocsp-index.txt'), '');
  const ca = ['ca', '-config', 'openssl.cnf', '-name', 'ocsp_ca', '-cert', 'intermediate.crt', '-keyfile', 'intermediate.key'];
  openssl(dir, [...ca, '-valid', 'server-ecdsa.crt']);
  openssl(dir, [...ca, '-valid', 'server-revoked.crt']);
  openssl(dir, [...ca, '-revoke', 'server-revoked.crt', '-crl_reason', 'keyCompromise']);
  ocspResponses(dir, dir);

  for (const f of ['openssl.cnf', 'index.txt', 'index.txt.attr', 'index.txt.old', 'server-expired.csr', 'newcerts',
    'ocsp-index.txt.attr', 'ocsp-index.txt.attr.old', 'ocsp-index.txt.old']) {
    rmSync(join(dir, f), { recursive: true, force: true });
  }
}

/** Writes OCSP_RESPONSES into `to`, answered from the PKI in `pki` (see the header comment). */
function ocspResponses(pki, to) {
  const respond = (leaf, signer, file) => {
    const req = join(to, file + '.req');
    openssl(pki, ['ocsp', '-issuer', 'intermediate.crt', '-cert', leaf + '.crt', '-no_nonce', '-reqout', req]);
    openssl(pki, ['ocsp', '-index', 'ocsp-index.txt', '-CA', 'intermediate.crt', '-rsigner', signer + '.crt',
      '-rkey', signer + '.key', '-reqin', req, '-respout', join(to, file), '-ndays', '7']);
    rmSync(req);
  };
  respond('server-ecdsa', 'intermediate', 'ocsp-good.der');
  respond('server-ecdsa', 'ocsp-responder', 'ocsp-delegated.der');
  respond('server-revoked', 'intermediate', 'ocsp-revoked.der');
}

/** Responses older than a day are replaced, file by file (a rename is atomic; each file stands alone). */
function refreshOcsp() {
  if (OCSP_RESPONSES.every((f) => statSync(join(out, f)).mtimeMs > Date.now() - DAY_MS)) return;
  const tmp = mkdtempSync(out + '.ocsp-');
  try {
    ocspResponses(out, tmp);
    for (const f of OCSP_RESPONSES) renameSync(join(tmp, f), join(out, f));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (!complete()) {
  const tmp = out + '.tmp-' + process.pid;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    generate(tmp);
    // Another process may have finished first: a complete set is never replaced
    // (renaming onto a non-empty directory fails), an incomplete one is.
    if (!complete()) {
      rmSync(out, { recursive: true, force: true });
      try {
        renameSync(tmp, out);
        console.log('make-pki: generated test PKI in ' + out);
      } catch (e) {
        if (!complete()) throw e;
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
} else {
  refreshOcsp();
}

// The path-validation chains (build/pki/validation), after the PKI they live in.
await import('./make-validation-pki.mjs');
