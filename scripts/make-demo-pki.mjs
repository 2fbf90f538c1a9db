// Makes the CLI's demo PKI in ports/node/demo-pki/ with the openssl CLI:
// public, insecure demo material that is committed and shipped, so that
// `microtls server`, `client`, `demo` and `simulate` work out of the box
// without the test PKI (build/pki). Run by hand (node scripts/make-demo-pki.mjs)
// only to renew it; the CA and intermediate keys are thrown away.
//
//   microtls Demo CA (ECDSA P-256, root)
//   ├── microtls Demo Intermediate (ECDSA P-256, pathlen 0)
//   │   └── server-ecdsa     (server-ecdsa-chain.crt = leaf + intermediate: the CLI server's default)
//   ├── server-rsa, server-ed25519, server-ecdsa384   (simulate --server-profile)
//   └── client-ecdsa     (for --cert/--key against a server that asks)
// Servers: DNS:localhost, IP:127.0.0.1, IP:::1. Valid 20 years from the day made.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const out = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'ports', 'node', 'demo-pki');
const DAYS = '7300';

const P256 = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
// [name, key, issuer, role in EXTENSIONS]
const CERTS = [
  ['ca', P256, null, 'ca'],
  ['intermediate', P256, 'ca', 'intermediate'],
  ['server-ecdsa', P256, 'intermediate', 'server'],
  ['server-rsa', ['-newkey', 'rsa:2048'], 'ca', 'server'],
  ['server-ed25519', ['-newkey', 'ed25519'], 'ca', 'server'],
  ['server-ecdsa384', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'], 'ca', 'server'],
  ['client-ecdsa', P256, 'ca', 'client'],
];
const CN = { ca: 'microtls Demo CA (public, insecure)', intermediate: 'microtls Demo Intermediate (public, insecure)' };
const SHIPPED = ['ca.crt', 'server-ecdsa-chain.crt', 'server-ecdsa.key'];
for (const [name] of CERTS.slice(3)) SHIPPED.push(name + '.crt', name + '.key');

// Extensions by role, as -addext arguments (the config file only names the subject).
const EXTENSIONS = {
  ca: ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign'],
  intermediate: ['basicConstraints=critical,CA:TRUE,pathlen:0', 'keyUsage=critical,keyCertSign'],
  server: ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=serverAuth',
    'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1'],
  client: ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=clientAuth'],
};
const CONFIG = '[req]\ndistinguished_name = dn\n[dn]\n';

function openssl(dir, args) {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error('make-demo-pki: openssl ' + args.join(' ') + '\n' + r.stderr);
}

const tmp = mkdtempSync(join(tmpdir(), 'microtls-demo-pki-'));
try {
  writeFileSync(join(tmp, 'openssl.cnf'), CONFIG);
  for (const [name, key, issuer, ext] of CERTS) {
    const args = ['req', '-x509', '-config', 'openssl.cnf', ...key, '-noenc', '-keyout', name + '.key', '-out', name + '.crt',
      '-subj', '/O=microtls demo/CN=' + (CN[name] ?? name + ' (public demo key)'), '-days', DAYS,
      ...EXTENSIONS[ext].flatMap((e) => ['-addext', e])];
    if (issuer) args.push('-CA', issuer + '.crt', '-CAkey', issuer + '.key');
    openssl(tmp, args);
  }
  writeFileSync(join(tmp, 'server-ecdsa-chain.crt'),
    readFileSync(join(tmp, 'server-ecdsa.crt'), 'utf8') + readFileSync(join(tmp, 'intermediate.crt'), 'utf8'));
  for (const f of SHIPPED) copyFileSync(join(tmp, f), join(out, f));
  console.log('make-demo-pki: wrote ' + SHIPPED.join(', ') + ' to ' + out);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
