// Makes the project's test PKI in build/pki/ with the openssl CLI.
// Idempotent: does nothing when every file is there, otherwise rebuilds the
// whole set in a temporary directory and renames it into place, so test
// files running in parallel never see a half-written PKI.
//
//   microtls Test CA (ECDSA P-256, root)
//   ├── microtls Test Intermediate (ECDSA P-256, pathlen 0)
//   │   └── server-ecdsa                      (NAME-chain.crt = leaf + intermediate)
//   ├── server-rsa, server-ed25519, server-ecdsa384, server-rsapss, server-ed448
//   ├── client-ecdsa, client-rsa, client-ed25519   (EKU clientAuth)
//   └── server-expired                        (valid 2020-01-01 .. 2021-01-01)
//   microtls Other CA (RSA-2048, untrusted; signs with sha256WithRSAEncryption)
//   └── server-otherca
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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
];

const FILES = ['ca.crt', 'ca.key', 'intermediate.crt', 'intermediate.key', 'other-ca.crt', 'other-ca.key',
  'server-ecdsa-chain.crt', 'server-expired.crt', 'server-expired.key'];
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

  writeFileSync(join(dir, 'server-ecdsa-chain.crt'),
    readFileSync(join(dir, 'server-ecdsa.crt'), 'utf8') + readFileSync(join(dir, 'intermediate.crt'), 'utf8'));
  for (const f of ['openssl.cnf', 'index.txt', 'index.txt.attr', 'index.txt.old', 'server-expired.csr', 'newcerts']) {
    rmSync(join(dir, f), { recursive: true, force: true });
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
}
