// Every output of the crypto toolkit checked by OpenSSL 3, through the CLI
// (which calls the toolkit API) on both providers, and OpenSSL's outputs
// read by us: digests, CBC both ways, keys in every format, RSA encryption
// and signatures both ways, CSRs, certificates (fields, chain), and our
// CA-issued client certificate in a mutual-TLS handshake with openssl s_server.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../ports/node/files.js';
import { cleanup, microtlsCli, opensslServer, pki } from '../helpers/peers.js';

const dir = mkdtempSync(join(tmpdir(), 'microtls-toolkit-'));
after(async () => {
  await cleanup();
  rmSync(dir, { recursive: true, force: true });
});
const f = (name: string): string => join(dir, name);
const PROVIDERS = ['noble', 'node'];

interface Run { status: number | null; stdout: string; stderr: string }

function run(cmd: string, args: string[], input?: string): Run {
  const r = spawnSync(cmd, args, { cwd: dir, input, encoding: 'utf8', timeout: 60000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** microtls CLI; fails the test with its output when it does not exit 0. */
function mt(...args: string[]): string {
  const r = run(process.execPath, [join(packageRoot(), 'bin', 'microtls.mjs'), ...args]);
  assert.equal(r.status, 0, 'microtls ' + args.join(' ') + '\n' + r.stdout + r.stderr);
  return r.stdout;
}

function ossl(...args: string[]): string {
  const r = run('openssl', args);
  assert.equal(r.status, 0, 'openssl ' + args.join(' ') + '\n' + r.stdout + r.stderr);
  return r.stdout + r.stderr;
}

writeFileSync(f('data.bin'), randomBytes(1000));
writeFileSync(f('secret.bin'), randomBytes(32));

test('hash and hmac agree with openssl dgst', () => {
  for (const p of PROVIDERS) {
    for (const a of ['sha256', 'sha384', 'sha512']) {
      const ours = /= ([0-9a-f]+)$/m.exec(mt('hash', '-a', a, '-provider', p, f('data.bin')))![1];
      assert.equal(ours, /= ([0-9a-f]+)$/m.exec(ossl('dgst', '-' + a, f('data.bin')))![1], a);
      const mac = /= ([0-9a-f]+)$/m.exec(mt('hmac', '-a', a, '-k', '000102030405', '-provider', p, f('data.bin')))![1];
      assert.equal(mac, /= ([0-9a-f]+)$/m.exec(ossl('dgst', '-' + a, '-mac', 'HMAC', '-macopt', 'hexkey:000102030405', f('data.bin')))![1]);
    }
  }
});

test('enc -aes-128/256-cbc: openssl enc -d reads ours, we read openssl enc\'s', () => {
  for (const p of PROVIDERS) {
    for (const bits of [128, 256]) {
      const key = randomBytes(bits / 8).toString('hex');
      const iv = randomBytes(16).toString('hex');
      const c = 'aes-' + bits + '-cbc';
      mt('enc', '-' + c, '-k', key, '-iv', iv, '-provider', p, f('data.bin'), f('ours.enc'));
      ossl('enc', '-d', '-' + c, '-K', key, '-iv', iv, '-in', f('ours.enc'), '-out', f('ours.dec'));
      assert.deepEqual(readFileSync(f('ours.dec')), readFileSync(f('data.bin')));
      ossl('enc', '-' + c, '-K', key, '-iv', iv, '-in', f('data.bin'), '-out', f('theirs.enc'));
      assert.deepEqual(readFileSync(f('theirs.enc')), readFileSync(f('ours.enc')), 'same ciphertext');
      mt('enc', '-' + c, '-d', '-k', key, '-iv', iv, '-provider', p, f('theirs.enc'), f('theirs.dec'));
      assert.deepEqual(readFileSync(f('theirs.dec')), readFileSync(f('data.bin')));
    }
  }
});

test('enc -aes-128-gcm / -chacha20-poly1305 round trip on both providers with the same bytes (openssl enc has no AEADs)', () => {
  const key = randomBytes(16).toString('hex');
  const key32 = randomBytes(32).toString('hex');
  const nonce = randomBytes(12).toString('hex');
  for (const [c, k] of [['aes-128-gcm', key], ['chacha20-poly1305', key32]]) {
    mt('enc', '-' + c, '-k', k, '-iv', nonce, '-aad', 'cafe', f('data.bin'), f('noble.aead'));
    mt('enc', '-' + c, '-k', k, '-iv', nonce, '-aad', 'cafe', '-provider', 'node', f('data.bin'), f('node.aead'));
    assert.deepEqual(readFileSync(f('noble.aead')), readFileSync(f('node.aead')));
    mt('enc', '-' + c, '-d', '-k', k, '-iv', nonce, '-aad', 'cafe', f('node.aead'), f('aead.dec'));
    assert.deepEqual(readFileSync(f('aead.dec')), readFileSync(f('data.bin')));
  }
});

const KEYS: [string, string[], string][] = [
  ['ec', [], 'EC'], ['P-384', [], 'EC'], ['ed25519', [], 'ED25519'], ['x25519', [], 'X25519'], ['rsa', ['-bits', '2048'], 'RSA'],
];

test('genkey: openssl pkey -check accepts every key in every format; we read openssl genpkey\'s', () => {
  for (const [type, extra, osslType] of KEYS) {
    mt('genkey', type, ...extra, '-out', f(type + '.pem'), '-pubout', f(type + '.pub.pem'));
    const text = ossl('pkey', '-in', f(type + '.pem'), '-noout', '-text', ...(osslType === 'X25519' ? [] : ['-check']));
    if (osslType === 'EC') assert.match(text, type === 'ec' ? /NIST CURVE: P-256/ : /NIST CURVE: P-384/);
    // openssl's public key of our private key is our public key file.
    assert.equal(ossl('pkey', '-in', f(type + '.pem'), '-pubout'), readFileSync(f(type + '.pub.pem'), 'latin1'));
    // DER out, and the traditional formats.
    mt('pkey', '-in', f(type + '.pem'), '-outform', 'der', '-out', f(type + '.der'));
    ossl('pkey', '-inform', 'DER', '-in', f(type + '.der'), '-noout');
    if (osslType === 'EC') {
      mt('pkey', '-in', f(type + '.pem'), '-format', 'sec1', '-out', f(type + '.sec1'));
      assert.match(readFileSync(f(type + '.sec1'), 'latin1'), /BEGIN EC PRIVATE KEY/);
      ossl('ec', '-in', f(type + '.sec1'), '-check', '-noout');
    }
    if (osslType === 'RSA') {
      mt('pkey', '-in', f(type + '.pem'), '-format', 'pkcs1', '-out', f(type + '.pkcs1'));
      ossl('rsa', '-in', f(type + '.pkcs1'), '-check', '-noout');
      mt('pkey', '-in', f(type + '.pem'), '-pubout', '-format', 'pkcs1', '-out', f(type + '.pub1'));
      ossl('rsa', '-RSAPublicKey_in', '-in', f(type + '.pub1'), '-noout');
    }
  }
  // openssl's keys in (PKCS#8 and the traditional forms) come back out byte for byte.
  ossl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', f('o-ec.pem'));
  ossl('genpkey', '-algorithm', 'ED25519', '-out', f('o-ed.pem'));
  ossl('genpkey', '-algorithm', 'X25519', '-out', f('o-x.pem'));
  ossl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', f('o-rsa.pem'));
  for (const k of ['o-ec', 'o-ed', 'o-x', 'o-rsa']) assert.equal(mt('pkey', '-in', f(k + '.pem')), readFileSync(f(k + '.pem'), 'latin1'), k);
  ossl('ec', '-in', f('o-ec.pem'), '-out', f('o-ec.sec1'));
  assert.equal(mt('pkey', '-in', f('o-ec.sec1'), '-format', 'sec1'), readFileSync(f('o-ec.sec1'), 'latin1'));
  ossl('rsa', '-in', f('o-rsa.pem'), '-traditional', '-out', f('o-rsa.pkcs1'));
  assert.equal(mt('pkey', '-in', f('o-rsa.pkcs1'), '-format', 'pkcs1'), readFileSync(f('o-rsa.pkcs1'), 'latin1'));
});

test('rsa-encrypt/-decrypt (OAEP, PKCS#1 v1.5) against openssl pkeyutl both ways', () => {
  mt('genkey', 'rsa', '-provider', 'node', '-out', f('r.pem'), '-pubout', f('r.pub'));
  const modes: [string[], string[]][] = [
    [[], ['-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', 'rsa_oaep_md:sha256', '-pkeyopt', 'rsa_mgf1_md:sha256']],
    [['-pkcs1'], ['-pkeyopt', 'rsa_padding_mode:pkcs1']],
  ];
  for (const p of PROVIDERS) {
    for (const [ours, theirs] of modes) {
      mt('rsa-encrypt', '-pubin', f('r.pub'), '-in', f('secret.bin'), '-out', f('ct.bin'), '-provider', p, ...ours);
      ossl('pkeyutl', '-decrypt', '-inkey', f('r.pem'), '-in', f('ct.bin'), '-out', f('pt.bin'), ...theirs);
      assert.deepEqual(readFileSync(f('pt.bin')), readFileSync(f('secret.bin')));
      ossl('pkeyutl', '-encrypt', '-pubin', '-inkey', f('r.pub'), '-in', f('secret.bin'), '-out', f('oct.bin'), ...theirs);
      mt('rsa-decrypt', '-key', f('r.pem'), '-in', f('oct.bin'), '-out', f('opt.bin'), '-provider', p, ...ours);
      assert.deepEqual(readFileSync(f('opt.bin')), readFileSync(f('secret.bin')));
    }
  }
  // A PKCS#1 v1.5 ciphertext decrypted as OAEP: the one uniform error.
  const r = run(process.execPath, [join(packageRoot(), 'bin', 'microtls.mjs'), 'rsa-decrypt', '-key', f('r.pem'), '-in', f('oct.bin'), '-out', f('x.bin')]);
  assert.equal(r.status, 1);
  assert.equal(r.stderr, 'ERROR: RSA decryption failed (err -406, CRYPTO_ERROR)\n');
});

test('sign/verify (ECDSA, Ed25519, RSA PKCS#1 v1.5 and PSS) against openssl pkeyutl both ways', () => {
  const cases: [string, string[], string[]][] = [
    ['ec', [], ['-digest', 'sha256']],
    ['P-384', [], ['-digest', 'sha384']],
    ['ed25519', [], []],
    ['rsa', [], ['-digest', 'sha256', '-pkeyopt', 'rsa_padding_mode:pkcs1']],
    ['rsa', ['-pss'], ['-digest', 'sha256', '-pkeyopt', 'rsa_padding_mode:pss', '-pkeyopt', 'rsa_pss_saltlen:digest']],
  ];
  for (const p of PROVIDERS) {
    for (const [type, ours, theirs] of cases) {
      const key = f(type + '.pem');
      const pub = f(type + '.pub.pem');
      mt('sign', '-key', key, '-in', f('data.bin'), '-out', f('sig.bin'), '-provider', p, ...ours);
      ossl('pkeyutl', '-verify', '-rawin', '-pubin', '-inkey', pub, '-in', f('data.bin'), '-sigfile', f('sig.bin'), ...theirs);
      ossl('pkeyutl', '-sign', '-rawin', '-inkey', key, '-in', f('data.bin'), '-out', f('osig.bin'), ...theirs);
      assert.match(mt('verify', '-pubin', pub, '-sig', f('osig.bin'), '-in', f('data.bin'), '-provider', p, ...ours), /Verified Successfully/);
      // Another message: both say no.
      const r = run(process.execPath, [join(packageRoot(), 'bin', 'microtls.mjs'), 'verify', '-pubin', pub, '-sig', f('osig.bin'), '-in', f('secret.bin'), ...ours]);
      assert.equal(r.status, 1, type);
      assert.match(r.stdout, /Verification Failure/);
    }
  }
});

test('req and x509: openssl req -verify, x509 -text shows the fields, openssl verify -CAfile accepts the chain', () => {
  for (const p of PROVIDERS) {
    mt('genkey', 'ec', '-out', f('ca.key'));
    mt('req', '-x509', '-key', f('ca.key'), '-subj', '/CN=Provisioning CA/O=microtls', '-days', '30', '-out', f('ca.pem'), '-provider', p);
    for (const [type, extra] of [['ec', ['-a', 'sha256']], ['ed25519', []], ['rsa', ['-pss']]] as [string, string[]][]) {
      mt('req', '-key', f(type + '.pem'), '-subj', '/CN=device-1/O=Acme', '-san', 'DNS:device-1.example,IP:192.0.2.7,IP:2001:db8::1', '-out', f('dev.csr'), '-provider', p, ...extra);
      assert.match(ossl('req', '-verify', '-in', f('dev.csr'), '-noout'), /verify OK/);
      const csrText = ossl('req', '-in', f('dev.csr'), '-noout', '-text');
      assert.match(csrText, /Subject: CN = device-1, O = Acme/);
      assert.match(csrText, /DNS:device-1.example, IP Address:192.0.2.7, IP Address:2001:DB8:0:0:0:0:0:1/);
      mt('x509', '-req', '-in', f('dev.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-days', '7', '-eku', 'clientAuth', '-out', f('dev.pem'), '-provider', p);
      assert.match(ossl('verify', '-CAfile', f('ca.pem'), '-purpose', 'sslclient', f('dev.pem')), /dev.pem: OK/);
      const text = ossl('x509', '-in', f('dev.pem'), '-noout', '-text', '-dates');
      assert.match(text, /Issuer: CN = Provisioning CA, O = microtls/);
      assert.match(text, /Subject: CN = device-1, O = Acme/);
      assert.match(text, /X509v3 Basic Constraints: critical\n\s+CA:FALSE/);
      assert.match(text, /X509v3 Key Usage: critical\n\s+Digital Signature/);
      assert.match(text, /X509v3 Extended Key Usage: \n\s+TLS Web Client Authentication\n/);
      assert.match(text, /X509v3 Subject Alternative Name: \n\s+DNS:device-1.example, IP Address:192.0.2.7, IP Address:2001:DB8:0:0:0:0:0:1/);
      assert.match(text, /X509v3 Subject Key Identifier: \n\s+[0-9A-F:]{59}\n/);
      assert.match(text, /X509v3 Authority Key Identifier: \n\s+[0-9A-F:]{59}\n/);
      const notBefore = Date.parse(/notBefore=(.*)/.exec(text)![1]);
      const notAfter = Date.parse(/notAfter=(.*)/.exec(text)![1]);
      assert.ok(Math.abs(notBefore - Date.now()) < 120000);
      assert.equal(notAfter - notBefore, 7 * 86400000);
      // SKI of the CA = AKI of the leaf, as openssl computes them.
      const caText = ossl('x509', '-in', f('ca.pem'), '-noout', '-text');
      assert.match(caText, /X509v3 Basic Constraints: critical\n\s+CA:TRUE/);
      assert.match(caText, /Certificate Sign, CRL Sign/);
      const ski = /Subject Key Identifier: \n\s+(\S+)/.exec(caText)![1];
      assert.equal(/Authority Key Identifier: \n\s+(\S+)/.exec(text)![1], ski);
      // And our own verification.
      assert.match(mt('x509', '-verify', '-CAfile', f('ca.pem'), '-purpose', 'clientAuth', f('dev.pem')), /OK \(device-1 <- Provisioning CA/);
    }
  }
  // We sign openssl's CSR, openssl verifies the result; openssl's CA signs ours.
  ossl('req', '-new', '-key', f('o-ec.pem'), '-subj', '/CN=from-openssl', '-addext', 'subjectAltName=DNS:o.example', '-out', f('o.csr'));
  mt('x509', '-req', '-in', f('o.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-out', f('o.pem'));
  assert.match(ossl('verify', '-CAfile', f('ca.pem'), f('o.pem')), /OK/);
  assert.match(ossl('x509', '-in', f('o.pem'), '-noout', '-ext', 'subjectAltName'), /DNS:o.example/);
  ossl('req', '-x509', '-new', '-key', f('o-rsa.pem'), '-subj', '/CN=openssl CA', '-days', '2', '-out', f('oca.pem'));
  ossl('x509', '-req', '-in', f('dev.csr'), '-CA', f('oca.pem'), '-CAkey', f('o-rsa.pem'), '-days', '2', '-out', f('odev.pem'));
  assert.match(mt('x509', '-verify', '-CAfile', f('oca.pem'), f('odev.pem')), /OK/);
  // A certificate from another CA is refused with the reason.
  const r = run(process.execPath, [join(packageRoot(), 'bin', 'microtls.mjs'), 'x509', '-verify', '-CAfile', f('ca.pem'), f('odev.pem')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^ERROR: .*\(err -303, UNKNOWN_CA\)\n$/);
});

test('our CA-issued client certificate authenticates to openssl s_server -Verify 1 (mutual TLS)', { timeout: 60000 }, async () => {
  mt('genkey', 'ec', '-out', f('mca.key'));
  mt('req', '-x509', '-key', f('mca.key'), '-subj', '/CN=Device CA', '-out', f('mca.pem'));
  mt('genkey', 'ec', '-out', f('device.key'));
  mt('req', '-key', f('device.key'), '-subj', '/CN=device-42', '-out', f('device.csr'));
  mt('x509', '-req', '-in', f('device.csr'), '-CA', f('mca.pem'), '-CAkey', f('mca.key'), '-days', '1', '-eku', 'clientAuth', '-out', f('device.pem'));
  const srv = await opensslServer({ clientAuth: 'require', extra: ['-CAfile', f('mca.pem'), '-verify_return_error'] });
  const cli = microtlsCli('client', '--port', String(srv.port), '--servername', 'localhost', '--ca', pki('ca.crt'), '--cert', f('device.pem'), '--key', f('device.key'));
  cli.write('hello\n');
  await cli.waitFor(/Received: olleh/);
  cli.write('break\n');
  await srv.waitFor(/Peer certificate: CN = device-42/);
  assert.match(srv.output(), /Verification: OK|verify return:1/);
  cli.endInput();
  await cli.stop();
  await srv.stop();
});
