// bin/microtls.mjs driven as a user would: spawned, lines written to its
// standard input, its output read, against openssl s_server / s_client
// (given the test PKI) and against itself (on its defaults, the demo PKI).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { demoPkiFile } from '../../ports/node/cli/demo-pki.js';
import {
  cleanup, clientHellos, cliTestCa, cliTestServer, freePort, microtlsCli as cli, opensslClient, opensslServer, pki,
} from '../helpers/peers.js';

after(cleanup);
const T = { timeout: 20000 };

const CLOSE_NOTIFY_RECEIVED = /<<< TLS 1\.3, Alert \[length 0002\], warning close_notify/;

test('client vs openssl s_server: seed lines, reply, break, exit 0; no SNI for an IP host', T, async () => {
  const srv = await opensslServer({ msg: true });
  const c = cli('client', '--port', String(srv.port), ...cliTestCa());
  c.write('hello\n');
  await c.waitFor(/^Received: olleh$/m);
  c.write('break\n');
  assert.equal(await c.waitExit(), 0, c.output());
  assert.equal(c.stdout(), 'Send to 127.0.0.1(127.0.0.1)\nProtocol: TLSv1.3\nReceived: olleh\nSending break command\nEnd of TLS Client\n');
  await srv.waitExit();
  assert.match(srv.stdout(), CLOSE_NOTIFY_RECEIVED);
  const [hello] = clientHellos(srv.stdout());
  assert.equal(hello.serverName, null, 'no server_name extension for an IP literal');
});

test('client --host localhost: resolves the name and sends it as SNI', T, async () => {
  const srv = await opensslServer({ msg: true });
  const c = cli('client', '--host', 'localhost', '--port', String(srv.port), ...cliTestCa());
  c.write('abc\n');
  await c.waitFor(/^Received: cba$/m);
  c.endInput();
  assert.equal(await c.waitExit(), 0, c.output());
  assert.match(c.stdout(), /^Send to localhost\((127\.0\.0\.1|::1)\)$/m);
  await srv.waitExit();
  assert.equal(clientHellos(srv.stdout())[0].serverName, 'localhost');
});

test('client: end of input closes with close_notify and exits 0', T, async () => {
  const srv = await opensslServer({ msg: true });
  const c = cli('client', '--port', String(srv.port), ...cliTestCa());
  c.write('one\n');
  await c.waitFor(/^Received: eno$/m);
  c.write('two\n');
  await c.waitFor(/^Received: owt$/m);
  c.endInput();
  assert.equal(await c.waitExit(), 0, c.output());
  assert.match(c.stdout(), /End of TLS Client\n$/);
  await srv.waitExit();
  assert.match(srv.stdout(), CLOSE_NOTIFY_RECEIVED);
});

test('client: an empty line sends an HTTP GET (openssl s_server -www answers it)', T, async () => {
  const srv = await opensslServer({ mode: 'www' });
  const c = cli('client', '--port', String(srv.port), ...cliTestCa());
  c.write('\n');
  await c.waitFor(/^Received: HTTP\/1\.0 200 ok/m);
  c.endInput();
  assert.equal(await c.waitExit(), 0, c.output());
});

test('server --once vs openssl s_client: seed lines, reply, break, close_notify, exit 0', T, async () => {
  const port = await freePort();
  const s = cli('server', '--port', String(port), ...cliTestServer(), '--once');
  await s.waitFor('Waiting for a connection...');
  const cl = opensslClient(port, { msg: true, extra: ['-verify_return_error'] });
  await s.waitFor('Client connected successfully');
  cl.write('hello\n');
  await cl.waitFor(/^I hear ya fa shizzle!$/m);
  cl.write('break\n');
  assert.equal(await s.waitExit(), 0, s.output());
  assert.equal(s.stdout(), 'Waiting for a connection...\nClient connected successfully\nProtocol: TLSv1.3\nReceived: hello\n' +
    'Received: break\nReceived break command\nClosed the connection\n');
  await cl.waitExit();
  assert.match(cl.stdout(), CLOSE_NOTIFY_RECEIVED);
});

test('microtls client <-> microtls server: break, then the server takes the next client', T, async () => {
  const port = String(await freePort());
  const s = cli('server', '--port', port);
  await s.waitFor('Waiting for a connection...');
  const c1 = cli('client', '--port', port);
  c1.write('hi there\n');
  await c1.waitFor(/^Received: I hear ya fa shizzle!$/m);
  c1.write('break\n');
  assert.equal(await c1.waitExit(), 0, c1.output());
  assert.equal(c1.stdout(), 'Send to 127.0.0.1(127.0.0.1)\nProtocol: TLSv1.3\nReceived: I hear ya fa shizzle!\nSending break command\n' +
    'End of TLS Client\n');
  await s.waitFor(/Closed the connection\nWaiting for a connection...\n/);

  const c2 = cli('client', '--port', port);
  c2.write('second\n');
  await c2.waitFor(/^Received: I hear ya fa shizzle!$/m);
  c2.endInput();
  assert.equal(await c2.waitExit(), 0, c2.output());
  await s.waitFor(/Received: second\nClosed the connection\nWaiting for a connection...\n$/);
  assert.equal(s.stdout(), 'Waiting for a connection...\nClient connected successfully\nProtocol: TLSv1.3\nReceived: hi there\n' +
    'Received: break\nReceived break command\nClosed the connection\n' +
    'Waiting for a connection...\nClient connected successfully\nProtocol: TLSv1.3\nReceived: second\nClosed the connection\n' +
    'Waiting for a connection...\n');
  await s.stop();
});

test('microtls client --tls1_2 <-> microtls server: Protocol: TLSv1.2 on both sides, and --sess-out/--sess-in resume it', T, async () => {
  const port = String(await freePort());
  const sess = join(mkdtempSync(join(tmpdir(), 'microtls-')), 'sess.bin');
  const s = cli('server', '--port', port);
  await s.waitFor('Waiting for a connection...');
  const c1 = cli('client', '--port', port, '--tls1_2', '--sess-out', sess);
  c1.write('one\n');
  await c1.waitFor(/^Received: I hear ya fa shizzle!$/m);
  c1.endInput();
  assert.equal(await c1.waitExit(), 0, c1.output());
  assert.equal(c1.stdout(), 'Send to 127.0.0.1(127.0.0.1)\nProtocol: TLSv1.2\nReceived: I hear ya fa shizzle!\nEnd of TLS Client\n');
  const c2 = cli('client', '--port', port, '--tls1_2', '--sess-in', sess);
  c2.write('two\n');
  await c2.waitFor(/^Received: I hear ya fa shizzle!$/m);
  c2.endInput();
  assert.equal(await c2.waitExit(), 0, c2.output());
  assert.match(c2.stdout(), /^Resuming session\nProtocol: TLSv1\.2\nSession is reused$/m);
  await s.waitFor(/Received: two\nClosed the connection\n/);
  assert.equal((s.stdout().match(/^Protocol: TLSv1\.2$/gm) ?? []).length, 2);
  await s.stop();
});

test('server --require-client-cert: a client without a certificate fails, the next one with a certificate gets in', T, async () => {
  const port = await freePort();
  const s = cli('server', '--port', String(port), ...cliTestServer(), ...cliTestCa(), '--require-client-cert');
  await s.waitFor('Waiting for a connection...');
  const bad = opensslClient(port);
  await bad.waitFor(/alert certificate required/);
  await s.waitFor(/^ERROR: handshake failed: .+ \(err -216, CERTIFICATE_REQUIRED\)$/m);
  await s.waitFor(/Waiting for a connection...\nWaiting for a connection...\n$/);
  const good = opensslClient(port, { cert: 'client-ecdsa' });
  await s.waitFor('Client connected successfully');
  good.write('with cert\n');
  await good.waitFor(/^I hear ya fa shizzle!$/m);
  await s.waitFor(/^Received: with cert$/m);
  await s.stop();
});

test('server --crl: a revoked client certificate is refused with certificate_revoked, a good one gets in', T, async () => {
  const port = await freePort();
  const s = cli('server', '--port', String(port), ...cliTestServer(), '--ca', pki('validation/root.crt'),
    '--crl', pki('validation/crl-int.crl'), '--require-client-cert');
  await s.waitFor('Waiting for a connection...');
  const client = (name: string) => opensslClient(port, { cert: 'validation/' + name, chain: 'validation/' + name + '-ints.crt' });
  const bad = client('crl-client-revoked');
  await bad.waitFor(/alert certificate revoked/);
  await s.waitFor(/^ERROR: handshake failed: .+"crl-client-revoked" revoked .+ \(err -315, CERT_REVOKED\)$/m);
  const good = client('crl-client');
  await s.waitFor('Client connected successfully');
  good.write('not revoked\n');
  await s.waitFor(/^Received: not revoked$/m);
  await s.stop();
});

test('client --cert/--key authenticates to s_server -Verify 1; --insecure accepts an untrusted server', T, async () => {
  const srv = await opensslServer({ clientAuth: 'require' });
  const c = cli('client', '--port', String(srv.port), ...cliTestCa(), '--cert', pki('client-ed25519.crt'), '--key', pki('client-ed25519.key'));
  c.write('auth\n');
  await c.waitFor(/^Received: htua$/m);
  c.endInput();
  assert.equal(await c.waitExit(), 0, c.output());
  await srv.waitExit();
  assert.match(srv.output(), /^Peer certificate: O = microtls, CN = client-ed25519$/m);

  const other = await opensslServer({ cert: 'server-otherca' });
  const i = cli('client', '--port', String(other.port), '--insecure');
  i.write('trust me\n');
  await i.waitFor(/^Received: em tsurt$/m);
  i.endInput();
  assert.equal(await i.waitExit(), 0, i.output());
});

test('client with the wrong CA: ERROR line naming UNKNOWN_CA, exit 1, s_server sees unknown_ca', T, async () => {
  const srv = await opensslServer();
  const c = cli('client', '--port', String(srv.port), '--ca', pki('other-ca.crt'));
  c.endInput();
  assert.equal(await c.waitExit(), 1);
  assert.match(c.stderr(), /^ERROR: .+ \(err -303, UNKNOWN_CA\)$/m);
  await srv.waitFor(/alert unknown ca/);
});

test('client --keylog writes NSS lines identical to openssl s_server -keylogfile', T, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'microtls-cli-'));
  const ours = join(dir, 'microtls.keys');
  const theirs = join(dir, 'openssl.keys');
  const srv = await opensslServer({ msg: true, extra: ['-keylogfile', theirs] });
  const c = cli('client', '--port', String(srv.port), ...cliTestCa(), '--keylog', ours);
  c.write('keys\n');
  await c.waitFor(/^Received: syek$/m);
  c.endInput();
  assert.equal(await c.waitExit(), 0, c.output());
  await srv.waitExit();
  const random = clientHellos(srv.stdout())[0].random;
  const lines = readFileSync(ours, 'utf8').trimEnd().split('\n');
  const reference = new Set(readFileSync(theirs, 'utf8').split('\n'));
  const labels = new Set<string>();
  for (const line of lines) {
    assert.match(line, /^[A-Z0-9_]+ [0-9a-f]{64} [0-9a-f]{64}$/);
    assert.equal(line.split(' ')[1], random, 'the client random of this connection');
    assert.ok(reference.has(line), 'openssl logged the same secret: ' + line);
    labels.add(line.split(' ')[0]);
  }
  for (const l of ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET',
    'CLIENT_TRAFFIC_SECRET_0', 'SERVER_TRAFFIC_SECRET_0']) {
    assert.ok(labels.has(l), 'key log has ' + l);
  }
});

test('client -v prints the engine debug log with state names', T, async () => {
  const srv = await opensslServer();
  const c = cli('client', '--port', String(srv.port), ...cliTestCa(), '-v');
  c.write('v\n');
  await c.waitFor(/^Received: v$/m);
  c.endInput();
  assert.equal(await c.waitExit(), 0, c.output());
  assert.match(c.stderr(), /connect state: /);
  assert.doesNotMatch(c.stdout(), /connect state: /, 'the debug log goes to stderr');
});

test('client --ciphers / --groups with unknown names: ERROR naming them, exit 1', T, async () => {
  const a = cli('client', '--ciphers', 'TLS_AES_128_GCM_SHA256:TLS_NOPE_SHA256');
  assert.equal(await a.waitExit(), 1);
  assert.match(a.stderr(), /^ERROR: unknown cipher suite 'TLS_NOPE_SHA256' \(err -401, BAD_CONFIG\)$/m);
  const b = cli('server', '--groups', 'x25519,curve9999');
  assert.equal(await b.waitExit(), 1);
  assert.match(b.stderr(), /^ERROR: unknown group 'curve9999' \(err -401, BAD_CONFIG\)$/m);
});

test('client --ciphers and --groups choose what s_server negotiates', T, async () => {
  const srv = await opensslServer({ msg: true });
  const c = cli('client', '--port', String(srv.port), ...cliTestCa(), '--ciphers', 'TLS_CHACHA20_POLY1305_SHA256',
    '--groups', 'secp384r1', '--sigalgs', 'ecdsa_secp256r1_sha256');
  c.endInput();
  assert.equal(await c.waitExit(), 0, c.output());
  await srv.waitExit();
  assert.match(srv.output(), /^Ciphersuite: TLS_CHACHA20_POLY1305_SHA256$/m);
  assert.match(srv.output(), /^Supported groups: secp384r1$/m);
  assert.match(srv.output(), /^Signature Algorithms: ECDSA\+SHA256$/m);
});

test('--help for each command, exit 0', T, async () => {
  for (const cmd of ['server', 'client', 'demo']) {
    const h = cli(cmd, '--help');
    assert.equal(await h.waitExit(), 0, h.output());
    assert.match(h.stdout(), new RegExp('^usage: microtls ' + cmd));
  }
});

test('demo: handshake and one exchange in one process, negotiated parameters printed', T, async () => {
  const d = cli('demo');
  assert.equal(await d.waitExit(), 0, d.output());
  const out = d.stdout();
  for (const line of ['[server] Waiting for a connection...', '[server] Client connected successfully',
    '[server] Received: hello microtls', '[client] Received: I hear ya fa shizzle!', '[client] Sending break command',
    '[server] Received break command', '[server] Closed the connection', '[client] End of TLS Client']) {
    assert.ok(out.includes(line + '\n'), 'demo prints ' + line + '\n' + out);
  }
  assert.match(out, /^Negotiated: TLSv1\.3 TLS_[A-Z0-9_]+, group [a-z0-9]+, signature ecdsa_secp256r1_sha256$/m);
  assert.match(out, /^Handshake time: \d+\.\d ms$/m);
});

test('the defaults are the shipped demo PKI, not the test PKI: s_client verifies the server with demo-pki/ca.crt, the client refuses a test PKI server', T, async () => {
  const port = await freePort();
  const s = cli('server', '--port', String(port), '--once');
  await s.waitFor('Waiting for a connection...');
  const cl = opensslClient(port, { extra: ['-CAfile', demoPkiFile('ca.crt'), '-verify_return_error'] });
  await s.waitFor('Client connected successfully');
  cl.endInput();
  assert.equal(await s.waitExit(), 0, s.output());
  await cl.waitExit();
  assert.match(cl.output(), /^depth=1 O = microtls demo, CN = .*microtls Demo Intermediate/m);
  assert.match(cl.stdout(), /Verify return code: 0 \(ok\)/);
  assert.match(s.stderr(), /^Note: using the public demo PKI in .+demo-pki.* \(insecure: its keys are published/m);

  const srv = await opensslServer();
  const c = cli('client', '--port', String(srv.port));
  c.endInput();
  assert.equal(await c.waitExit(), 1);
  assert.match(c.stderr(), /^ERROR: .+ \(err -303, UNKNOWN_CA\)$/m);
  await srv.waitFor(/alert unknown ca/);
});

