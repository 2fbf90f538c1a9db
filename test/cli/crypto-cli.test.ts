// The crypto subcommands on bad input: one "ERROR: ... (err CODE, NAME)"
// line and exit code 1, never a stack trace; -help for each command.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../ports/node/files.js';

const dir = mkdtempSync(join(tmpdir(), 'microtls-cli-crypto-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const f = (name: string): string => join(dir, name);

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(packageRoot(), 'bin', 'microtls.mjs'), ...args], { cwd: dir, encoding: 'utf8', timeout: 60000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function fails(args: string[], message: RegExp, name: string): void {
  const r = cli(...args);
  assert.equal(r.status, 1, args.join(' ') + '\n' + r.stdout + r.stderr);
  assert.match(r.stderr, /^ERROR: [^\n]+ \(err -\d+, [A-Z_]+\)\n$/, 'one line: ' + r.stderr);
  assert.match(r.stderr, message);
  assert.match(r.stderr, new RegExp(', ' + name + '\\)'));
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}

writeFileSync(f('msg.txt'), 'hello\n');
assert.equal(cli('genkey', 'ec', '-out', f('ec.pem')).status, 0);
assert.equal(cli('genkey', 'ed25519', '-out', f('ed.pem')).status, 0);
const pem = readFileSync(f('ec.pem'), 'latin1');
writeFileSync(f('truncated.pem'), pem.slice(0, pem.length - 30));
writeFileSync(f('garbage.pem'), '-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n');

test('bad input gives one clear error line and exit code 1', () => {
  fails(['sign', '-key', f('truncated.pem'), '-in', f('msg.txt'), '-out', f('s')], /missing "-----END PRIVATE KEY-----"/, 'BAD_KEY');
  fails(['sign', '-key', f('garbage.pem'), '-in', f('msg.txt'), '-out', f('s')], /invalid base64/, 'BAD_KEY');
  fails(['sign', '-key', f('msg.txt'), '-in', f('msg.txt'), '-out', f('s')], /no private key in PEM input/, 'BAD_KEY');
  fails(['rsa-encrypt', '-pubin', f('ec.pem'), '-in', f('msg.txt'), '-out', f('c')], /RSA encryption needs an RSA key, not ec/, 'BAD_KEY');
  fails(['req', '-key', f('ec.pem'), '-subj', 'CN=x', '-out', f('r')], /subject must look like \/CN=name/, 'BAD_CONFIG');
  fails(['req', '-key', f('ec.pem'), '-subj', '/CN=x', '-san', 'DNS:bad_name!', '-out', f('r')], /invalid DNS name/, 'BAD_CONFIG');
  fails(['req', '-key', f('ec.pem'), '-subj', '/CN=x', '-san', 'IP:300.1.1.1', '-out', f('r')], /invalid IP address/, 'BAD_CONFIG');
  fails(['enc', '-aes-128-cbc', '-k', 'zz', '-iv', '00', f('msg.txt'), f('o')], /-k must be hex/, 'BAD_CONFIG');
  fails(['enc', '-aes-128-cbc', '-k', '00'.repeat(16), '-iv', '00'.repeat(8), f('msg.txt'), f('o')], /IV must be 16 bytes/, 'BAD_CONFIG');
  fails(['enc', '-k', '00', f('msg.txt'), f('o')], /name one cipher/, 'BAD_CONFIG');
  fails(['hash', '-a', 'md5', f('msg.txt')], /unknown hash "md5"/, 'BAD_CONFIG');
  fails(['hash', f('missing.txt')], /cannot read .*missing.txt: ENOENT/, 'IO_ERROR');
  fails(['genkey', 'dsa'], /unknown key type "dsa"/, 'BAD_CONFIG');
  fails(['genkey', 'rsa', '-bits', '1024'], /RSA key size must be 2048, 3072 or 4096/, 'BAD_CONFIG');
  fails(['x509', '-req', '-in', f('msg.txt'), '-CA', f('msg.txt'), '-CAkey', f('ec.pem')], /no CERTIFICATE REQUEST block/, 'CERT_PARSE');
  fails(['hmac', '-z'], /unknown option -z for hmac/, 'BAD_CONFIG');
  // Bad padding: a CBC ciphertext under another key.
  assert.equal(cli('enc', '-aes-128-cbc', '-k', '11'.repeat(16), '-iv', '00'.repeat(16), f('msg.txt'), f('msg.enc')).status, 0);
  fails(['enc', '-aes-128-cbc', '-d', '-k', '22'.repeat(16), '-iv', '00'.repeat(16), f('msg.enc'), f('o')], /bad decrypt/, 'CRYPTO_ERROR');
  fails(['enc', '-aes-128-gcm', '-d', '-k', '22'.repeat(16), '-iv', '00'.repeat(12), f('msg.enc'), f('o')], /authentication failed/, 'CRYPTO_ERROR');
  // A CA key that is not the CA certificate's.
  assert.equal(cli('req', '-x509', '-key', f('ec.pem'), '-subj', '/CN=CA', '-out', f('ca.pem')).status, 0);
  assert.equal(cli('req', '-key', f('ed.pem'), '-subj', '/CN=dev', '-out', f('dev.csr')).status, 0);
  fails(['x509', '-req', '-in', f('dev.csr'), '-CA', f('ca.pem'), '-CAkey', f('ed.pem')], /CA key does not belong to the CA certificate/, 'BAD_KEY');
  // A request whose signature does not match its key.
  const csr = readFileSync(f('dev.csr'), 'latin1').split('\n');
  const body = Buffer.from(csr.slice(1, -2).join(''), 'base64');
  body[body.length - 5] ^= 1;
  writeFileSync(f('bad.csr'), '-----BEGIN CERTIFICATE REQUEST-----\n' + body.toString('base64') + '\n-----END CERTIFICATE REQUEST-----\n');
  fails(['x509', '-req', '-in', f('bad.csr'), '-CA', f('ca.pem'), '-CAkey', f('ec.pem')], /not signed by its own key/, 'CERT_SIGNATURE');
});

test('every crypto subcommand has -help, and the command list names them', () => {
  const list = cli('--help').stdout;
  for (const c of ['hash', 'hmac', 'enc', 'genkey', 'pkey', 'rsa-encrypt', 'rsa-decrypt', 'sign', 'verify', 'req', 'x509']) {
    assert.match(list, new RegExp('^  ' + c + ' ', 'm'));
    const r = cli(c, '-help');
    assert.equal(r.status, 0);
    assert.match(r.stdout, new RegExp('^usage: microtls ' + c + ' '));
  }
});
