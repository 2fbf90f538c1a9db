// Makes the chains the path-validation tests need, in build/pki/validation/,
// with the openssl CLI (OpenSSL 3.0). Idempotent like make-pki.mjs: nothing
// happens when the set is complete, otherwise it is rebuilt in a temporary
// directory and renamed into place. Every certificate lives 10 years.
//
// root: "microtls Validation Root" (ECDSA P-256). Unless said otherwise a
// leaf is ECDSA (one shared key, leaf.key, copied to NAME.key), has
// DNS:localhost, and NAME.crt comes with NAME-chain.crt (the leaf then its
// intermediates, as a server sends it) and NAME-ints.crt (the intermediates
// alone). Names below: leaf <- issuer.
//
// Name constraints (intermediates under root):
//   nc-dns      critical permitted DNS:example.com   <- nc-dns-ok (www.example.com), nc-dns-bad (evil.test),
//                                                       nc-dns-cn (no SAN, CN=evil.test)
//   nc-dns-nc   the same, not critical                <- nc-dns-nc-bad (evil.test)
//   nc-dns-ex   critical excluded DNS:evil.example.com <- nc-dns-ex-ok (www.example.com), nc-dns-ex-bad (a.evil.example.com)
//   nc-ip       critical permitted IP:127.0.0.0/8     <- nc-ip-ok (127.0.0.1), nc-ip-bad (10.0.0.1)
//   nc-ip-ex    non-critical excluded IP:127.0.0.1/32 <- nc-ip-ex-bad (127.0.0.1)
//   nc-email    critical permitted email:example.com  <- nc-email-ok (alice@example.com), nc-email-bad (bob@evil.test)
//   nc-dir      critical permitted dirName O=microtls <- nc-dir-sub (CA, subject O=evil: the violation is
//                                                       in the intermediate) <- nc-dir-sub-leaf
//   alt-sub (one key, two certificates from root: alt-sub-nc excludes DNS:localhost, alt-sub is plain)
//               <- alt-leaf; alt-leaf-chain.crt sends [alt-leaf, alt-sub-nc, alt-sub] (a valid path behind a
//                  rejected one), alt-leaf-nc-chain.crt only [alt-leaf, alt-sub-nc]
// Key strength: rsa1024-root, rsa512-root (self-signed CAs) <- rsa1024-root-leaf, rsa512-root-leaf;
//   rsa1024-int, rsa512-int (under root) <- rsa1024-int-leaf, rsa512-int-leaf;
//   rsa1024-leaf, rsa512-leaf, rsa2052-leaf (RSA leaves under root), ec-explicit-leaf (P-256 with
//   explicit parameters), ec-k256-leaf (secp256k1)
// Profile: leaf-ca (cA=TRUE), leaf-certsign (keyCertSign), leaf-underscore (DNS:bad_name.test),
//   leaf-aki-critical, leaf-serial-negative, leaf-serial-zero, leaf-serial-long (21 octets), all under root;
//   int-bc-noncritical, int-empty-subject (under root) <- their -leaf
// Path building: patho-1..30, all "Patho CA" issued by "Patho CA" without key identifiers, patho-j signed
//   by the key of patho-(j+1) and patho-30 by patho-1's; patho-leaf <- patho-1. patho-leaf-chain.crt sends
//   [patho-leaf, patho-30, ..., patho-1]: the issuer each step needs comes last. patho-bridge is a
//   "Patho CA" from root with a key of its own; patho-bridged-chain.crt is the ring and the bridge (so
//   every ring member leads to root by names, though no signature does).
//   cycle-x ("Cycle X", issued by "Cycle Y") and cycle-y (issued by "Cycle X") signed each other's keys;
//   cycle-leaf <- cycle-x, sent as [cycle-leaf, cycle-x, cycle-y]; cycle-bridge is a "Cycle Y" from
//   root with a key of its own and no key identifiers, and cycle-bridged-chain.crt adds it.
// CRLs: crl-int (under root) <- crl-leaf, crl-leaf-revoked, crl-client, crl-client-revoked (clientAuth);
//   crl-int2 (under root) <- crl-int2-leaf.
//   crl-int.crl (by crl-int: the two -revoked ones revoked, keyCompromise; 30 days), crl-int-stale.crl
//   (nextUpdate 2021), root.crl (by root: crl-int2 revoked; 30 days). They are remade when older than a day.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'build', 'pki', 'validation');
const PATHO = 30;
const DONE = 'complete';
const DAY_MS = 24 * 60 * 60 * 1000;

const CA = 'basicConstraints = critical, CA:TRUE\nkeyUsage = critical, keyCertSign, cRLSign\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n';
const LEAF = 'keyUsage = critical, digitalSignature\nextendedKeyUsage = serverAuth\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n';
const EE = 'basicConstraints = critical, CA:FALSE\n' + LEAF;

const SECTIONS = {
  root: 'basicConstraints = critical, CA:TRUE\nkeyUsage = critical, keyCertSign, cRLSign\nsubjectKeyIdentifier = hash\n',
  ca: CA,
  leaf: EE + 'subjectAltName = DNS:localhost\n',
  client: 'basicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature\nextendedKeyUsage = clientAuth\n' +
    'subjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n',
  nc_dns: CA + 'nameConstraints = critical, permitted;DNS:example.com\n',
  nc_dns_nc: CA + 'nameConstraints = permitted;DNS:example.com\n',
  nc_dns_ex: CA + 'nameConstraints = critical, excluded;DNS:evil.example.com\n',
  nc_ip: CA + 'nameConstraints = critical, permitted;IP:127.0.0.0/255.0.0.0\n',
  nc_ip_ex: CA + 'nameConstraints = excluded;IP:127.0.0.1/255.255.255.255\n',
  nc_email: CA + 'nameConstraints = critical, permitted;email:example.com\n',
  nc_dir: CA + 'nameConstraints = critical, permitted;dirName:dir_microtls\n',
  alt_nc: CA + 'nameConstraints = critical, excluded;DNS:localhost\n',
  dir_microtls: 'O = microtls\n',
  san_www: EE + 'subjectAltName = DNS:www.example.com\n',
  san_evil: EE + 'subjectAltName = DNS:evil.test\n',
  san_none: EE,
  san_evil_sub: EE + 'subjectAltName = DNS:a.evil.example.com\n',
  san_ip: EE + 'subjectAltName = IP:127.0.0.1\n',
  san_ip10: EE + 'subjectAltName = IP:10.0.0.1\n',
  san_mail_ok: EE + 'subjectAltName = DNS:localhost, email:alice@example.com\n',
  san_mail_bad: EE + 'subjectAltName = DNS:localhost, email:bob@evil.test\n',
  leaf_ca: 'basicConstraints = critical, CA:TRUE\n' + 'keyUsage = critical, digitalSignature\nextendedKeyUsage = serverAuth\nsubjectAltName = DNS:localhost\n',
  leaf_certsign: 'keyUsage = critical, digitalSignature, keyCertSign\nextendedKeyUsage = serverAuth\nsubjectAltName = DNS:localhost\n',
  leaf_underscore: EE + 'subjectAltName = DNS:localhost, DNS:bad_name.test\n',
  leaf_aki_critical: 'basicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature\nsubjectAltName = DNS:localhost\n' +
    'authorityKeyIdentifier = critical, keyid\n',
  int_bc_noncritical: 'basicConstraints = CA:TRUE\nkeyUsage = critical, keyCertSign\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n',
  patho: 'basicConstraints = critical, CA:TRUE\nkeyUsage = critical, keyCertSign\nsubjectKeyIdentifier = none\nauthorityKeyIdentifier = none\n',
  patho_leaf: 'basicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature\nsubjectAltName = DNS:localhost\n' +
    'subjectKeyIdentifier = none\nauthorityKeyIdentifier = none\n',
};

const CONFIG = '[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = unused\n' +
  Object.entries(SECTIONS).map(([k, v]) => '[' + k + ']\n' + v).join('') +
  '[crl_ca]\ndatabase = index.txt\ndefault_md = sha256\ndefault_crl_days = 30\n';

// Constrained CAs under root: [name, extensions section, its leaves as [name, SAN section]].
const CONSTRAINED = [
  ['nc-dns', 'nc_dns', [['nc-dns-ok', 'san_www'], ['nc-dns-bad', 'san_evil']]],
  ['nc-dns-nc', 'nc_dns_nc', [['nc-dns-nc-bad', 'san_evil']]],
  ['nc-dns-ex', 'nc_dns_ex', [['nc-dns-ex-ok', 'san_www'], ['nc-dns-ex-bad', 'san_evil_sub']]],
  ['nc-ip', 'nc_ip', [['nc-ip-ok', 'san_ip'], ['nc-ip-bad', 'san_ip10']]],
  ['nc-ip-ex', 'nc_ip_ex', [['nc-ip-ex-bad', 'san_ip']]],
  ['nc-email', 'nc_email', [['nc-email-ok', 'san_mail_ok'], ['nc-email-bad', 'san_mail_bad']]],
];

const KEYS = {
  ec: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  rsa512: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:512'],
  rsa1024: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024'],
  rsa2052: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2052'],
  explicit: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-pkeyopt', 'ec_param_enc:explicit'],
  k256: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:secp256k1'],
};

function openssl(dir, args) {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error('make-validation-pki: openssl ' + args.join(' ') + '\n' + r.stderr);
}

let serialCounter = 0x1000;
/** The key file stem of each certificate made: issuers sign with it. */
const keyOf = {};

/**
 * NAME.crt with the key in KEY.key (made from KEYS[type] when missing),
 * subject `subj`, extensions section `ext`, issued by `issuer` (self-signed
 * without one). `serial` overrides the serial number.
 */
function cert(dir, name, { key = name, type = 'ec', subj, ext, issuer, serial }) {
  if (!existsSync(join(dir, key + '.key'))) openssl(dir, ['genpkey', ...KEYS[type], '-out', key + '.key']);
  const args = ['req', '-x509', '-new', '-config', 'openssl.cnf', '-key', key + '.key', '-subj', subj,
    '-days', '3650', '-set_serial', serial ?? String(serialCounter++), '-extensions', ext, '-out', name + '.crt'];
  if (issuer) args.push('-CA', issuer + '.crt', '-CAkey', keyOf[issuer] + '.key');
  openssl(dir, args);
  keyOf[name] = key;
  // NAME.key beside NAME.crt, for s_server -cert / -key.
  if (key !== name) copyFileSync(join(dir, key + '.key'), join(dir, name + '.key'));
}

const text = (dir, f) => readFileSync(join(dir, f), 'utf8');

/** NAME-chain.crt: the listed certificates in order; NAME-ints.crt: all but the first (for s_server -cert_chain). */
function chainFile(dir, name, certs) {
  const pems = certs.map((c) => text(dir, c + '.crt'));
  writeFileSync(join(dir, name + '-chain.crt'), pems.join(''));
  writeFileSync(join(dir, name + '-ints.crt'), pems.slice(1).join(''));
}

/** A leaf with the shared key under `issuer`, sent with `intermediates`. */
function leaf(dir, name, issuer, ext = 'leaf', intermediates = [issuer], cn = name) {
  cert(dir, name, { key: 'leaf', subj: '/O=microtls/CN=' + cn, ext, issuer });
  chainFile(dir, name, [name, ...intermediates]);
}

function ca(dir, name, ext, issuer = 'root', subj = '/O=microtls/CN=' + name, type = 'ec') {
  cert(dir, name, { subj, ext, issuer, type });
}

function generate(dir) {
  writeFileSync(join(dir, 'openssl.cnf'), CONFIG);
  cert(dir, 'root', { subj: '/O=microtls/CN=microtls Validation Root', ext: 'root' });

  for (const [name, section, leaves] of CONSTRAINED) {
    ca(dir, name, section);
    for (const [leafName, san] of leaves) leaf(dir, leafName, name, san);
  }
  leaf(dir, 'nc-dns-cn', 'nc-dns', 'san_none', ['nc-dns'], 'evil.test');
  ca(dir, 'nc-dir', 'nc_dir');
  ca(dir, 'nc-dir-sub', 'ca', 'nc-dir', '/O=evil/CN=nc-dir-sub');
  leaf(dir, 'nc-dir-sub-leaf', 'nc-dir-sub', 'leaf', ['nc-dir-sub', 'nc-dir']);
  ca(dir, 'alt-sub-nc', 'alt_nc', 'root', '/O=microtls/CN=alt-sub');
  cert(dir, 'alt-sub', { key: 'alt-sub-nc', subj: '/O=microtls/CN=alt-sub', ext: 'ca', issuer: 'root' });
  leaf(dir, 'alt-leaf', 'alt-sub-nc', 'leaf', ['alt-sub-nc', 'alt-sub']);
  chainFile(dir, 'alt-leaf-nc', ['alt-leaf', 'alt-sub-nc']);

  for (const bits of ['1024', '512']) {
    cert(dir, 'rsa' + bits + '-root', { type: 'rsa' + bits, subj: '/O=microtls/CN=rsa' + bits + '-root', ext: 'root' });
    leaf(dir, 'rsa' + bits + '-root-leaf', 'rsa' + bits + '-root', 'leaf', []);
    ca(dir, 'rsa' + bits + '-int', 'ca', 'root', undefined, 'rsa' + bits);
    leaf(dir, 'rsa' + bits + '-int-leaf', 'rsa' + bits + '-int');
  }
  for (const [name, type] of [['rsa1024-leaf', 'rsa1024'], ['rsa512-leaf', 'rsa512'], ['rsa2052-leaf', 'rsa2052'],
    ['ec-explicit-leaf', 'explicit'], ['ec-k256-leaf', 'k256']]) {
    cert(dir, name, { type, subj: '/O=microtls/CN=' + name, ext: 'leaf', issuer: 'root' });
    chainFile(dir, name, [name]);
  }

  leaf(dir, 'leaf-ca', 'root', 'leaf_ca', []);
  leaf(dir, 'leaf-certsign', 'root', 'leaf_certsign', []);
  leaf(dir, 'leaf-underscore', 'root', 'leaf_underscore', []);
  leaf(dir, 'leaf-aki-critical', 'root', 'leaf_aki_critical', []);
  for (const [name, serial] of [['leaf-serial-negative', '-5'], ['leaf-serial-zero', '0'], ['leaf-serial-long', '0x7f' + 'ab'.repeat(20)]]) {
    cert(dir, name, { key: 'leaf', subj: '/O=microtls/CN=' + name, ext: 'leaf', issuer: 'root', serial });
    chainFile(dir, name, [name]);
  }
  ca(dir, 'int-bc-noncritical', 'int_bc_noncritical');
  leaf(dir, 'int-bc-noncritical-leaf', 'int-bc-noncritical');
  ca(dir, 'int-empty-subject', 'ca', 'root', '/');
  leaf(dir, 'int-empty-subject-leaf', 'int-empty-subject');

  // patho-j is signed by patho-(j+1)'s key; a throw-away self-signed "Patho CA" with patho-1's key starts the ring.
  cert(dir, 'patho-boot', { key: 'patho-1', subj: '/CN=Patho CA', ext: 'patho' });
  for (let j = PATHO; j >= 1; j--) {
    cert(dir, 'patho-' + j, { subj: '/CN=Patho CA', ext: 'patho', issuer: j === PATHO ? 'patho-boot' : 'patho-' + (j + 1) });
  }
  cert(dir, 'patho-leaf', { key: 'leaf', subj: '/CN=patho-leaf', ext: 'patho_leaf', issuer: 'patho-1' });
  const ring = [];
  for (let j = PATHO; j >= 1; j--) ring.push('patho-' + j);
  chainFile(dir, 'patho-leaf', ['patho-leaf', ...ring]);
  // A "Patho CA" from root with a key of its own: now every ring member leads to root by names.
  cert(dir, 'patho-bridge', { subj: '/CN=Patho CA', ext: 'patho', issuer: 'root' });
  chainFile(dir, 'patho-bridged', ['patho-leaf', ...ring, 'patho-bridge']);

  cert(dir, 'cycle-x0', { key: 'cycle-x', subj: '/CN=Cycle X', ext: 'ca' });
  cert(dir, 'cycle-y', { subj: '/CN=Cycle Y', ext: 'ca', issuer: 'cycle-x0' });
  cert(dir, 'cycle-x', { subj: '/CN=Cycle X', ext: 'ca', issuer: 'cycle-y' });
  leaf(dir, 'cycle-leaf', 'cycle-x', 'leaf', ['cycle-x', 'cycle-y']);
  cert(dir, 'cycle-bridge', { subj: '/CN=Cycle Y', ext: 'patho', issuer: 'root' }); // no key ids: a candidate for any "Cycle Y"
  chainFile(dir, 'cycle-bridged', ['cycle-leaf', 'cycle-x', 'cycle-y', 'cycle-bridge']);

  ca(dir, 'crl-int', 'ca');
  leaf(dir, 'crl-leaf', 'crl-int');
  leaf(dir, 'crl-leaf-revoked', 'crl-int');
  leaf(dir, 'crl-client', 'crl-int', 'client');
  leaf(dir, 'crl-client-revoked', 'crl-int', 'client');
  ca(dir, 'crl-int2', 'ca');
  leaf(dir, 'crl-int2-leaf', 'crl-int2');
  crls(dir, dir);

  for (const f of ['openssl.cnf', 'patho-boot.crt', 'cycle-x0.crt']) rmSync(join(dir, f), { force: true });
  writeFileSync(join(dir, DONE), '');
}

/** The CRL files, from the CAs in `pki`, written to `to` (an `openssl ca` database per issuer, in a scratch dir). */
function crls(pki, to) {
  const make = (file, issuer, revoked, extra = []) => {
    const scratch = join(to, file + '.d');
    mkdirSync(scratch, { recursive: true });
    writeFileSync(join(scratch, 'openssl.cnf'), CONFIG);
    writeFileSync(join(scratch, 'index.txt'), '');
    const base = ['ca', '-config', 'openssl.cnf', '-name', 'crl_ca', '-cert', join(pki, issuer + '.crt'), '-keyfile', join(pki, issuer + '.key')];
    for (const r of revoked) openssl(scratch, [...base, '-revoke', join(pki, r + '.crt'), '-crl_reason', 'keyCompromise']);
    openssl(scratch, [...base, '-gencrl', '-out', join(to, file), ...extra]);
    rmSync(scratch, { recursive: true, force: true });
  };
  make('crl-int.crl', 'crl-int', ['crl-leaf-revoked', 'crl-client-revoked']);
  make('crl-int-stale.crl', 'crl-int', ['crl-leaf-revoked'], ['-crl_lastupdate', '20200101000000Z', '-crl_nextupdate', '20210101000000Z']);
  make('root.crl', 'root', ['crl-int2']);
}

const CRLS = ['crl-int.crl', 'crl-int-stale.crl', 'root.crl'];

if (!existsSync(join(out, DONE))) {
  const tmp = out + '.tmp-' + process.pid;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    generate(tmp);
    if (!existsSync(join(out, DONE))) {
      rmSync(out, { recursive: true, force: true });
      try {
        renameSync(tmp, out);
      } catch (e) {
        if (!existsSync(join(out, DONE))) throw e;
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
} else if (CRLS.some((f) => statSync(join(out, f)).mtimeMs < Date.now() - DAY_MS)) {
  const tmp = out + '.crl-' + process.pid;
  mkdirSync(tmp, { recursive: true });
  try {
    crls(out, tmp);
    for (const f of CRLS) renameSync(join(tmp, f), join(out, f));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
