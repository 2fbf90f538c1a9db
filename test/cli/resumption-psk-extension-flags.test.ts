// The CLI's session, PSK, KeyUpdate and extension flags driven as a user
// would (bin/microtls.mjs spawned, lines on its standard input): the seed
// book's resumption and early data
// flow (--sess-out, then --sess-in with --early-data) against the microtls
// server and against openssl s_server, external PSKs against openssl, "k" /
// "K" KeyUpdate lines, and the extension flags (--alpn, --servername,
// --ocsp / --status, --max-frag, --record-size-limit, --tickets). Against
// openssl the CLI is given the test PKI (--ca, --cert/--key); CLI against
// CLI runs on its defaults, the demo PKI.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { exchange, microConnect, shutdown } from '../helpers/microtls.js';
import {
  cleanup, clientHellos, cliTestCa, cliTestServer, freePort, handshakeMessages, microtlsCli, opensslClient, opensslServer, pki,
  serverHelloExtensions, type Proc,
} from '../helpers/peers.js';
import { PSK_HEX, PSK_IDENTITY, opensslPsk, tempPath } from '../helpers/psk.js';

after(cleanup);
const T = { timeout: 20000 };

const SEND_TO = 'Send to 127.0.0.1(127.0.0.1)\n';
const TLS13_LINE = 'Protocol: TLSv1.3\n';
const REPLY = 'Received: I hear ya fa shizzle!\n';
const KEY_SHARE = 51;
const MAX_FRAGMENT_LENGTH = 1;
const PSK_FLAGS = ['--psk-identity', PSK_IDENTITY, '--psk-key', PSK_HEX];

/** A microtls CLI server on a free port, once it waits for connections. */
async function cliServer(...args: string[]): Promise<{ s: Proc; port: string }> {
  const port = String(await freePort());
  const s = microtlsCli('server', '--port', port, ...args);
  await s.waitFor('Waiting for a connection...');
  return { s, port };
}

/** Runs a CLI client that sends `lines` one by one, each after the previous reply; resolves with its stdout. */
async function cliClient(port: string | number, args: string[], lines: string[], replies = lines.length): Promise<Proc> {
  const c = microtlsCli('client', '--port', String(port), ...args);
  for (const line of lines) c.write(line + '\n');
  await c.waitFor(new RegExp('(^Received: .*$[\\s\\S]*){' + replies + '}', 'm'));
  c.endInput();
  assert.equal(await c.waitExit(), 0, c.output());
  return c;
}

// --- the seed flow: full session saved, then resumed with early data ---

test('seed flow vs the microtls CLI server: --sess-out, --sess-in --early-data accepted, then a replay rejected', T, async () => {
  const { s, port } = await cliServer('--max-early-data', '1000');
  const file = tempPath('session.bin');
  const c1 = await cliClient(port, ['--sess-out', file], ['hello']);
  assert.equal(c1.stdout(), SEND_TO + TLS13_LINE + REPLY + 'End of TLS Client\n');
  assert.ok(existsSync(file), 'session saved');

  const c2 = await cliClient(port, ['--sess-in', file, '--early-data', 'zero rtt hello'], ['then 1-RTT'], 2);
  assert.equal(c2.stdout(), SEND_TO + 'Resuming session\nEarly Data: zero rtt hello\nProtocol: TLSv1.3\nSession is reused\n' +
    'Early Data was accepted\n' + REPLY + REPLY + 'End of TLS Client\n');
  await s.waitFor(/Early Data Client message: zero rtt hello\nClient connected successfully\nProtocol: TLSv1.3\nReceived: then 1-RTT\n/);

  // The ticket's 0-RTT was used: the server's anti-replay store refuses it, the CLI sends the text again.
  const c3 = await cliClient(port, ['--sess-in', file, '--early-data', 'again'], [], 1);
  assert.equal(c3.stdout(), SEND_TO + 'Resuming session\nEarly Data: again\nProtocol: TLSv1.3\nSession is reused\nEarly Data was rejected\n' +
    'Sending the early data as normal data\n' + REPLY + 'End of TLS Client\n');
  await s.waitFor(/Client connected successfully\nProtocol: TLSv1.3\nReceived: again\nClosed the connection\n/);
  assert.equal(s.stdout().split('\n').filter((l) => /again/.test(l)).length, 1, 'the rejected copy never reached the server');
  await s.stop();
});

test('seed flow vs openssl s_server -early_data: session saved, resumed, 0-RTT printed by s_server', T, async () => {
  const srv = await opensslServer({ mode: 'plain', naccept: 2, extra: ['-early_data'] });
  const file = tempPath('session.bin');
  const c1 = microtlsCli('client', '--port', String(srv.port), ...cliTestCa(), '--sess-out', file);
  c1.write('hello\n');
  await srv.waitFor(/^hello$/m);
  srv.write('hi there\n');
  await c1.waitFor(/^Received: hi there$/m);
  c1.endInput();
  assert.equal(await c1.waitExit(), 0, c1.output());

  const c2 = microtlsCli('client', '--port', String(srv.port), ...cliTestCa(), '--sess-in', file, '--early-data', 'early bird');
  await srv.waitFor(/early bird/);
  srv.write('welcome\n');
  await c2.waitFor(/^Received: welcome$/m);
  c2.endInput();
  assert.equal(await c2.waitExit(), 0, c2.output());
  assert.equal(c2.stdout(), SEND_TO + 'Resuming session\nEarly Data: early bird\nProtocol: TLSv1.3\nSession is reused\nEarly Data was accepted\n' +
    'Received: welcome\nEnd of TLS Client\n');
  await srv.waitExit();
  assert.match(srv.stdout(), /Early data received:/);
  assert.match(srv.stdout(), /^Reused session-id$/m);
});

test('--early-data to an openssl s_server that cannot open the ticket: not reused, rejected, sent again', T, async () => {
  const issuer = await opensslServer({ mode: 'plain', extra: ['-early_data'] });
  const file = tempPath('session.bin');
  const first = microtlsCli('client', '--port', String(issuer.port), ...cliTestCa(), '--sess-out', file);
  first.write('abc\n');
  await issuer.waitFor(/^abc$/m);
  issuer.write('def\n');
  await first.waitFor(/^Received: def$/m);
  first.endInput();
  assert.equal(await first.waitExit(), 0, first.output());
  await issuer.waitExit();

  const srv = await opensslServer();
  const c = await cliClient(srv.port, [...cliTestCa(), '--sess-in', file, '--early-data', 'not lost'], [], 1);
  assert.equal(c.stdout(), SEND_TO + 'Resuming session\nEarly Data: not lost\nProtocol: TLSv1.3\nSession is not reused\nEarly Data was rejected\n' +
    'Sending the early data as normal data\nReceived: tsol ton\nEnd of TLS Client\n');
});

test('--sess-in with an expired session: Session is not reused, full handshake', T, async () => {
  const srv = await opensslServer({ naccept: 2 });
  // A session received (by this client's clock) more than s_server's 7200 s ticket lifetime ago.
  const past = Date.now() - 7201 * 1000;
  const peer = await microConnect(srv.port, { now: () => past, verify: 'none', ca: null });
  assert.equal(await exchange(peer, 'old'), 'dlo');
  const file = tempPath('session.bin');
  writeFileSync(file, peer.conn.getSession()!);
  await shutdown(peer);

  const c = await cliClient(srv.port, [...cliTestCa(), '--sess-in', file], ['new']);
  assert.equal(c.stdout(), SEND_TO + 'Resuming session\nProtocol: TLSv1.3\nSession is not reused\nReceived: wen\nEnd of TLS Client\n');
});

test('--sess-out with a server that sends no tickets (--tickets 0): says so, writes nothing, exits 0', T, async () => {
  const { s, port } = await cliServer('--tickets', '0');
  const file = tempPath('session.bin');
  const c = await cliClient(port, ['--sess-out', file], ['hi']);
  assert.match(c.stderr(), new RegExp('^No session ticket received: ' + file + ' not written$', 'm'));
  assert.equal(existsSync(file), false);
  await s.stop();
});

// --- external PSK ---

for (const only of [false, true]) {
  const mode = only ? 'psk_ke' : 'psk_dhe_ke';
  test(`client --psk-identity/--psk-key${only ? ' --psk-only' : ''} vs s_server -psk -nocert (${mode})`, T, async () => {
    const srv = await opensslServer({ nocert: true, msg: true, extra: opensslPsk(only) });
    const c = await cliClient(srv.port, [...PSK_FLAGS, ...(only ? ['--psk-only'] : [])], ['psk']);
    assert.equal(c.stdout(), SEND_TO + TLS13_LINE + 'Received: ksp\nEnd of TLS Client\n');
    await srv.waitExit();
    assert.equal(serverHelloExtensions(srv.stdout())[0].includes(KEY_SHARE), !only);
  });

  test(`server --psk-identity/--psk-key${only ? ' --psk-only (no certificate)' : ''} vs s_client -psk: prints the identity`, T, async () => {
    const { s, port } = await cliServer(...PSK_FLAGS, ...(only ? ['--psk-only'] : []));
    const cl = opensslClient(Number(port), { msg: true, extra: opensslPsk(only) });
    await s.waitFor(/^Identity: Client_identity\nClient connected successfully$/m);
    cl.write('psk\n');
    await cl.waitFor(/^I hear ya fa shizzle!$/m);
    cl.endInput();
    await cl.waitExit();
    assert.match(cl.stdout(), /^Reused, TLSv1\.3, Cipher is TLS_AES_128_GCM_SHA256$/m);
    assert.equal(serverHelloExtensions(cl.stdout())[0].includes(KEY_SHARE), !only);
    await s.stop();
  });
}

// --- KeyUpdate lines ---

test('client "k" and "K" lines send KeyUpdate to s_server (the second asks for one back); data still flows', T, async () => {
  const srv = await opensslServer({ mode: 'plain', msg: true });
  const c = microtlsCli('client', '--port', String(srv.port), ...cliTestCa());
  c.write('k\nK\ndata\n');
  await srv.waitFor(/^data$/m);
  srv.write('reply\n');
  await c.waitFor(/^Received: reply$/m);
  c.write('more\n');
  await srv.waitFor(/^more$/m);
  srv.write('ok\n');
  await c.waitFor(/^Received: ok$/m);
  c.endInput();
  assert.equal(await c.waitExit(), 0, c.output());
  assert.equal(c.stdout(), SEND_TO + TLS13_LINE + 'Sent KeyUpdate\nSent KeyUpdate (update_requested)\nReceived: reply\nReceived: ok\nEnd of TLS Client\n');
  await srv.waitExit();
  const updates = handshakeMessages(srv.stdout()).filter((m) => m.name === 'KeyUpdate').map((m) => m.dir + ' ' + m.bytes[4]);
  assert.deepEqual(updates, ['received 0', 'received 1', 'sent 0']);
});

// --- extension flags ---

test('--alpn: client vs s_server -alpn, server vs s_client -alpn; the negotiated protocol printed', T, async () => {
  const srv = await opensslServer({ extra: ['-alpn', 'http/1.1'] });
  const c = await cliClient(srv.port, [...cliTestCa(), '--alpn', 'h2,http/1.1'], ['x']);
  assert.equal(c.stdout(), SEND_TO + TLS13_LINE + 'ALPN protocol: http/1.1\nReceived: x\nEnd of TLS Client\n');

  const { s, port } = await cliServer('--alpn', 'h2,http/1.1');
  const cl = opensslClient(Number(port), { extra: ['-alpn', 'http/1.1,h2'] });
  await s.waitFor(/^Client connected successfully\nProtocol: TLSv1.3\nALPN protocol: h2$/m);
  cl.endInput();
  await cl.waitExit();
  assert.match(cl.stdout(), /^ALPN protocol: h2$/m);
  await s.stop();
});

test('server --servername: its own name is served, another gets unrecognized_name', T, async () => {
  const { s, port } = await cliServer('--servername', 'microtls.test');
  const good = opensslClient(Number(port), { servername: 'microtls.test' });
  await s.waitFor('Client connected successfully');
  good.endInput();
  await good.waitExit();
  const bad = opensslClient(Number(port), { servername: 'other.test' });
  await s.waitFor(/^ERROR: handshake failed: .+ \(err -220, UNRECOGNIZED_NAME\)$/m);
  await bad.waitFor(/SSL alert number 112/);
  await s.stop();
});

test('server --ocsp staples to s_client -status; client --status checks s_server -status_file', T, async () => {
  const { s, port } = await cliServer(...cliTestServer(), '--ocsp', pki('ocsp-good.der'));
  const cl = opensslClient(Number(port), { extra: ['-status'] });
  await s.waitFor('Client connected successfully');
  cl.endInput();
  await cl.waitExit();
  assert.match(cl.stdout(), /Cert Status: good/);
  await s.stop();

  const srv = await opensslServer({ extra: ['-status_file', pki('ocsp-good.der')] });
  const c = await cliClient(srv.port, [...cliTestCa(), '--status'], ['ocsp']);
  assert.equal(c.stdout(), SEND_TO + TLS13_LINE + 'OCSP response: good\nReceived: psco\nEnd of TLS Client\n');

  const revoked = await opensslServer({ cert: 'server-revoked', chain: 'intermediate.crt', extra: ['-status_file', pki('ocsp-revoked.der')] });
  const r = microtlsCli('client', '--port', String(revoked.port), ...cliTestCa(), '--status');
  r.endInput();
  assert.equal(await r.waitExit(), 1);
  assert.match(r.stderr(), /^ERROR: handshake failed: .+ \(err -315, CERT_REVOKED\)$/m);
});

// (The seed protocol reads one record per message, so these keep their lines shorter than the limits;
// test/interop/extensions.test.ts checks the record sizes on the wire.)
test('--max-frag 512 asks s_server for 512-byte records', T, async () => {
  const srv = await opensslServer({ msg: true });
  const c = await cliClient(srv.port, [...cliTestCa(), '--max-frag', '512'], ['fragment']);
  assert.equal(c.stdout(), SEND_TO + TLS13_LINE + 'Received: tnemgarf\nEnd of TLS Client\n');
  await srv.waitExit();
  assert.ok(clientHellos(srv.stdout())[0].extensions.includes(MAX_FRAGMENT_LENGTH));
  const ee = handshakeMessages(srv.stdout()).find((m) => m.name === 'EncryptedExtensions');
  assert.deepEqual([...ee!.bytes.subarray(6)], [0, MAX_FRAGMENT_LENGTH, 0, 1, 1], 's_server granted 512 (code 1)');
});

test('--record-size-limit on both CLI sides', T, async () => {
  const { s, port } = await cliServer('--record-size-limit', '2048');
  const c = await cliClient(port, ['--record-size-limit', '1024'], ['limited']);
  assert.equal(c.stdout(), SEND_TO + TLS13_LINE + REPLY + 'End of TLS Client\n');
  await s.waitFor('Received: limited');
  await s.stop();
});

test('bad values of the session, PSK and extension flags: ERROR naming them (BAD_CONFIG), exit 1', T, async () => {
  const cases: [string[], RegExp][] = [
    [['client', '--max-frag', '100'], /bad --max-frag '100'/],
    [['client', '--psk-identity', 'a', '--psk-key', 'xyz'], /--psk-key must be hex digits/],
    [['client', '--psk-key', '00'], /--psk-identity and --psk-key go together/],
    [['server', '--psk-only'], /--psk-only needs --psk-identity and --psk-key/],
    [['server', '--max-early-data', '-1'], /bad --max-early-data '-1'|--max-early-data/],
    [['client', '--record-size-limit', '20'], /bad --record-size-limit '20' \(65\.\.16385\)/],
    [['client', '--sess-in', '/nonexistent/session.bin'], /cannot read session \/nonexistent\/session\.bin/],
  ];
  for (const [args, message] of cases) {
    const p = microtlsCli(...args);
    p.endInput();
    assert.equal(await p.waitExit(), 1, args.join(' '));
    assert.match(p.stderr(), message, args.join(' '));
    assert.match(p.stderr(), /\(err -401, BAD_CONFIG\)$/m, args.join(' '));
  }
});

test('--sess-in with a file that is not a session: ERROR BAD_SESSION, exit 1', T, async () => {
  const srv = await opensslServer();
  const file = tempPath('garbage.bin');
  writeFileSync(file, 'not a session');
  const c = microtlsCli('client', '--port', String(srv.port), '--sess-in', file);
  c.endInput();
  assert.equal(await c.waitExit(), 1);
  assert.match(c.stderr(), /^ERROR: .*cannot use session .+ \(err -\d+, BAD_SESSION\)$/m);
  assert.equal(readFileSync(file, 'utf8'), 'not a session');
  await srv.stop();
});
