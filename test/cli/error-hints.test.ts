// Failures a new user meets with the CLI, each caused by the real peer that
// causes it (openssl s_server, gnutls-serv, the microtls CLI itself): the
// ERROR line says what happened and a "hint:" line what to try. Also: a
// server started with an expired certificate warns, --timeout ends a wait
// for a reply that never comes (0-RTT to gnutls-serv), and
// --record-size-limit is the RFC 8449 value on the wire.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import { after, test } from 'node:test';
import {
  cleanup, clientHelloExtensions, freePort, GNUTLS_SERV_READY, handshakeMessages, microtlsCli, opensslServer, pki, spawnProc, track, type Proc,
} from '../helpers/peers.js';
import { PSK_HEX, PSK_IDENTITY, opensslPsk, tempPath } from '../helpers/psk.js';

after(cleanup);
const T = { timeout: 30000 };
const CA = ['--ca', pki('ca.crt'), '--servername', 'localhost'];
const PSK = ['--psk-identity', PSK_IDENTITY, '--psk-key', PSK_HEX];

/** Runs a CLI client sending `input`; resolves once it exited with `code`. */
async function cliClient(port: number, args: string[], code = 1, input = ''): Promise<Proc> {
  const c = microtlsCli('client', '--port', String(port), ...args);
  c.write(input);
  c.endInput();
  assert.equal(await c.waitExit(), code, c.output());
  return c;
}

/** A server process started by `args` with its port; ready once `ready` shows in its output. */
async function peer(cmd: string, args: (port: number) => string[], ready: RegExp | string): Promise<{ p: Proc; port: number }> {
  const port = await freePort();
  const p = spawnProc(cmd, args(port));
  await p.waitFor(ready);
  return { p, port };
}

const gnutlsServ = (port: number, ...extra: string[]): string[] =>
  ['-p', String(port), '--x509certfile', pki('server-ecdsa-chain.crt'), '--x509keyfile', pki('server-ecdsa.key'), ...extra];

test('chapter 6.1: client --tls1_3 vs a TLS 1.2-only openssl s_server: protocol_version, and a hint to allow TLS 1.2', T, async () => {
  const { p, port } = await peer('openssl', (port) => ['s_server', '-accept', '127.0.0.1:' + port, '-tls1_2',
    '-cert', pki('server-ecdsa.crt'), '-key', pki('server-ecdsa.key'), '-naccept', '1'], /^ACCEPT$/m);
  const c = await cliClient(port, [...CA, '--tls1_3']);
  assert.match(c.stderr(), /^ERROR: handshake failed: received fatal alert protocol_version/m);
  assert.match(c.stderr(), /^hint: the server refused TLS 1\.3: it may speak TLS 1\.2 only; drop --tls1_3/m);
  await p.stop();
});

test('client --tls1_3 vs a TLS 1.2-only gnutls-serv: handshake_failure, and a hint naming TLS 1.2 and the offer', T, async () => {
  const { p, port } = await peer('gnutls-serv', (port) => gnutlsServ(port, '--priority', 'NORMAL:-VERS-TLS1.3'), GNUTLS_SERV_READY);
  const c = await cliClient(port, [...CA, '--tls1_3']);
  assert.match(c.stderr(), /^ERROR: handshake failed: received fatal alert (handshake_failure|protocol_version)/m);
  assert.match(c.stderr(), /^hint: .*TLS 1\.2 only.*--tls1_3/m);
  await p.stop();
});

for (const [client, server, offered] of [['--tls1_2', '--tls1_3', '1.2'], ['--tls1_3', '--tls1_2', '1.3']]) {
  test(`chapter 6.1: client ${client} vs microtls server ${server}: protocol_version, both sides say what to change`, T, async () => {
    const port = await freePort();
    const s = microtlsCli('server', '--port', String(port), '--cert', pki('server-ecdsa-chain.crt'), '--key', pki('server-ecdsa.key'), server, '--once');
    await s.waitFor('Waiting for a connection...');
    const c = await cliClient(port, [...CA, client]);
    const other = offered === '1.2' ? '1.3' : '1.2';
    assert.match(c.stderr(), /^ERROR: handshake failed: received fatal alert protocol_version/m);
    assert.match(c.stderr(), new RegExp('^hint: the server refused TLS ' + offered.replace('.', '\\.') + ': it may speak TLS ' +
      other.replace('.', '\\.') + ' only; drop ' + client, 'm'));
    assert.equal(await s.waitExit(), 1, s.output());
    assert.match(s.stderr(), new RegExp('^ERROR: handshake failed: version mismatch.*client offers TLS ' + offered.replace('.', '\\.') +
      '.*we TLS ' + other.replace('.', '\\.') + ' only', 'm'));
    assert.match(s.stderr(), new RegExp('^hint: the client does not offer TLS ' + other.replace('.', '\\.') + ': .*drop ' + server, 'm'));
  });
}

test('a wrong PSK key against openssl: a hint that --psk-key may be wrong', T, async () => {
  const srv = await opensslServer({ nocert: true, extra: opensslPsk(false, 'ff'.repeat(32)) });
  const c = await cliClient(srv.port, [...PSK, '--insecure']);
  assert.match(c.stderr(), /^ERROR: handshake failed: received fatal alert (illegal_parameter|decrypt_error)/m);
  assert.match(c.stderr(), new RegExp('^hint: .*--psk-key is the key the server has for identity "' + PSK_IDENTITY + '"$', 'm'));
  await srv.stop();
});

test('openssl s_server -Verify 1 without our certificate: certificate_required, and a hint naming --cert/--key', T, async () => {
  const srv = await opensslServer({ clientAuth: 'require' });
  // The alert comes after our Finished: a line to send makes the client read it.
  const c = await cliClient(srv.port, CA, 1, 'hi\n');
  assert.match(c.stderr(), /received fatal alert certificate_required/);
  assert.match(c.stderr(), /^hint: the server requires a client certificate: give one with --cert FILE --key FILE$/m);
  await srv.stop();
});

test('a self-signed server certificate that is not a trust anchor: the hint says so', T, async () => {
  const dir = tempPath('selfsigned');
  execFileSync('mkdir', ['-p', dir]);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
    '-keyout', dir + '/k.pem', '-out', dir + '/c.pem', '-subj', '/CN=lonely', '-addext', 'subjectAltName=DNS:localhost'], { stdio: 'ignore' });
  const { p, port } = await peer('openssl', (port) => ['s_server', '-accept', '127.0.0.1:' + port, '-tls1_3',
    '-cert', dir + '/c.pem', '-key', dir + '/k.pem', '-naccept', '1'], /^ACCEPT$/m);
  const c = await cliClient(port, CA);
  assert.match(c.stderr(), /UNKNOWN_CA/);
  assert.match(c.stderr(), /^hint: the server's certificate "lonely" is self-signed and not a trust anchor: trust it with --ca FILE/m);
  await p.stop();
});

test('--psk-only server vs a psk_dhe_ke-only client: both sides hint at the key exchange modes', T, async () => {
  const port = await freePort();
  const s = microtlsCli('server', '--port', String(port), '--once', '--psk-only', ...PSK);
  await s.waitFor('Waiting for a connection...');
  const c = await cliClient(port, [...PSK, '--insecure']);
  assert.match(c.stderr(), /^hint: .*same key exchange mode \(--psk-only on both for psk_ke, on neither for psk_dhe_ke\)/m);
  assert.equal(await s.waitExit(), 1);
  assert.match(s.stderr(), /no certificate, and the client allows PSKs only in psk_dhe_ke, we in psk_ke .*NO_CREDENTIALS/);
  assert.match(s.stderr(), /^hint: --psk-only takes a PSK only in psk_ke mode .*run the client with --psk-only too, or this server without --psk-only$/m);
});

test('a server started with an expired certificate warns at start', T, async () => {
  const port = await freePort();
  const s = microtlsCli('server', '--port', String(port), '--cert', pki('server-expired.crt'), '--key', pki('server-expired.key'));
  await s.waitFor(/WARNING: certificate .*server-expired\.crt expired on \d{4}-\d\d-\d\dT.*certificate_expired/);
  await s.stop();
  const fresh = microtlsCli('server', '--port', String(await freePort()));
  await fresh.waitFor('Waiting for a connection...');
  await fresh.stop();
  assert.doesNotMatch(fresh.stderr(), /WARNING/);
});

test('--early-data accepted by gnutls-serv, which never answers it: --timeout ends the wait with a message', T, async () => {
  const { p, port } = await peer('gnutls-serv', (port) => gnutlsServ(port, '--earlydata'), GNUTLS_SERV_READY);
  const file = tempPath('session.bin');
  await cliClient(port, [...CA, '--sess-out', file], 0);
  const t0 = Date.now();
  const c = await cliClient(port, [...CA, '--sess-in', file, '--early-data', 'hello', '--timeout', '1']);
  assert.ok(Date.now() - t0 < 10000, 'ended after ' + (Date.now() - t0) + ' ms');
  assert.match(c.stdout(), /Early Data was accepted/);
  assert.match(c.stderr(), /^ERROR: connection failed: no reply from the server within 1 s \(--timeout\)/m);
  await p.stop();
});

test('server --timeout: a client that never sends its hello is dropped with a message, and the next one is served', T, async () => {
  const port = await freePort();
  const s = microtlsCli('server', '--port', String(port), '--timeout', '1');
  await s.waitFor('Waiting for a connection...');
  const silent = track(connect({ host: '127.0.0.1', port }));
  silent.on('error', () => undefined);
  await s.waitFor(/^ERROR: handshake failed: no handshake from the client within 1 s \(--timeout\)/m);
  await s.waitFor(/(Waiting for a connection\.\.\.\n[\s\S]*){2}/);
  silent.destroy();
  await s.stop();
});

test('--record-size-limit N sends N, the RFC 8449 value, on the wire', T, async () => {
  const srv = await opensslServer({ msg: true });
  const c = microtlsCli('client', '--port', String(srv.port), ...CA, '--record-size-limit', '512');
  c.write('x\n');
  await c.waitFor('Received:');
  c.endInput();
  assert.equal(await c.waitExit(), 0, c.output());
  await srv.waitExit();
  const ch = handshakeMessages(srv.stdout()).find((m) => m.name === 'ClientHello')!.bytes;
  const rsl = clientHelloExtensions(ch).find((e) => e.type === 28)!;
  assert.equal((ch[rsl.at] << 8) | ch[rsl.at + 1], 512);
});
