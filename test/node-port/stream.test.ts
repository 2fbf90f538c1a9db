// The node:tls-style Duplex stream (ports/node/stream.ts) against node:tls in
// both roles, against itself with a large piped transfer (backpressure), and
// its errors: each case checks what the peer really received.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { after, test } from 'node:test';
import { ErrorCode } from '../../core/errors.js';
import { CipherSuite, NamedGroup, TLS13 } from '../../core/registry.js';
import type { MicrotlsError } from '../../ports/node/socket-io.js';
import { connect, createServer, type TLSServer, type TLSStream } from '../../ports/node/stream.js';
import { cleanup, nodeTlsClient, nodeTlsServer, pki, register, within } from '../helpers/peers.js';

after(cleanup);
const T = { timeout: 20000 };
const ca = () => readFileSync(pki('ca.crt'));

/** Resolves with the next line the stream delivers. */
function nextLine(s: TLSStream): Promise<string> {
  let text = '';
  return within(new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer) => {
      text += d.toString('utf8');
      const i = text.indexOf('\n');
      if (i < 0) return;
      s.off('data', onData);
      s.off('error', reject);
      resolve(text.slice(0, i));
    };
    s.on('data', onData);
    s.once('error', reject);
  }), 8000, 'a line from the stream', () => s.destroy());
}

/** A microtls stream server on 127.0.0.1 (stopped by cleanup()). */
async function listen(server: TLSServer): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  register({ stop: () => new Promise<void>((resolve) => server.close(() => resolve())) });
  return (server.address() as { port: number }).port;
}

test('stream client vs node:tls server: secureConnect, ALPN, data, close_notify both ways', T, async () => {
  const srv = await nodeTlsServer({ ciphers: 'TLS_CHACHA20_POLY1305_SHA256', ALPNProtocols: ['h2', 'http/1.1'] });
  const s = connect({
    host: '127.0.0.1', port: srv.port, servername: 'localhost', ca: ca(), groups: 'secp256r1', alpn: ['http/1.1'],
  });
  await within(once(s, 'secureConnect'), 8000, 'secureConnect');
  const n = s.getNegotiated();
  assert.ok(n);
  assert.equal(n.version, TLS13);
  assert.equal(n.cipherSuite, CipherSuite.TLS_CHACHA20_POLY1305_SHA256);
  assert.equal(n.group, NamedGroup.secp256r1);
  assert.equal(n.alpn, 'http/1.1');
  const reply = nextLine(s);
  s.write('hello stream\n');
  assert.equal(await reply, 'maerts olleh');
  const session = await srv.session;
  assert.equal(session.cipher, 'TLS_CHACHA20_POLY1305_SHA256');
  assert.equal(session.socket.alpnProtocol, 'http/1.1');
  // end() sends close_notify: node's socket ends, answers with its own, and our side ends and closes.
  const serverEnded = once(session.socket, 'end');
  const ended = once(s, 'end');
  s.resume();
  s.end();
  await within(serverEnded, 8000, 'node:tls end');
  await within(ended, 8000, 'stream end');
  await within(once(s, 'close'), 8000, 'stream close');
  await srv.stop();
});

test('node:tls client vs stream server: secureConnection, echo, end', T, async () => {
  const server = createServer({ cert: readFileSync(pki('server-ecdsa-chain.crt')), key: readFileSync(pki('server-ecdsa.key')) });
  const connection = new Promise<TLSStream>((resolve) => server.once('secureConnection', resolve));
  server.on('secureConnection', (s: TLSStream) => {
    s.on('data', (d: Buffer) => s.write(Buffer.from(d.toString('utf8').trim().split('').reverse().join('') + '\n')));
  });
  const port = await listen(server);
  const c = await nodeTlsClient(port, { ciphers: 'TLS_AES_256_GCM_SHA384' });
  assert.equal(c.cipher, 'TLS_AES_256_GCM_SHA384');
  assert.equal(await c.exchange('ping stream'), 'maerts gnip');
  const s = await connection;
  assert.equal(s.getNegotiated()?.cipherSuite, CipherSuite.TLS_AES_256_GCM_SHA384);
  // The client's close_notify ends the stream, which answers with its own (allowHalfOpen is off).
  const streamEnded = once(s, 'end');
  const clientEnded = once(c.socket, 'end');
  c.socket.end();
  await within(streamEnded, 8000, 'stream end');
  await within(clientEnded, 8000, 'node:tls client end');
});

test('stream to stream: 4 MB piped through an echo server with backpressure, over an existing socket', T, async () => {
  const serverErrors: Error[] = [];
  const server = createServer({
    cert: readFileSync(pki('server-ed25519.crt')), key: readFileSync(pki('server-ed25519.key')),
  }, (s) => {
    s.on('error', (e) => serverErrors.push(e));
    s.pipe(s);
  });
  const port = await listen(server);
  const tcp = tcpConnect({ host: '127.0.0.1', port, allowHalfOpen: true });
  await within(once(tcp, 'connect'), 8000, 'TCP connect');
  const s = connect({ socket: tcp, servername: 'localhost', ca: ca(), cipherSuites: 'TLS_AES_128_GCM_SHA256' });
  await within(once(s, 'secureConnect'), 8000, 'secureConnect');
  const data = randomBytes(4 * 1024 * 1024);
  const received = createHash('sha256');
  let got = 0;
  const done = new Promise<void>((resolve, reject) => {
    s.on('data', (d: Buffer) => {
      received.update(d);
      got += d.length;
    });
    s.once('end', resolve);
    s.once('error', reject);
  });
  let refused = 0;
  for (let off = 0; off < data.length; off += 65536) {
    if (!s.write(data.subarray(off, off + 65536))) {
      refused++;
      await within(once(s, 'drain'), 8000, 'drain');
    }
  }
  s.end();
  // The echo server ends its side when our close_notify arrives: everything comes back first.
  await within(done, 15000, 'echo of 4 MB');
  assert.equal(got, data.length);
  assert.equal(received.digest('hex'), createHash('sha256').update(data).digest('hex'));
  assert.ok(refused > 0, 'write() never signalled backpressure');
  assert.deepEqual(serverErrors, []);
});

test('stream client error: unknown CA carries code, name and alert', T, async () => {
  const srv = await nodeTlsServer({ cert: readFileSync(pki('server-otherca.crt')), key: readFileSync(pki('server-otherca.key')) });
  const s = connect({ host: '127.0.0.1', port: srv.port, servername: 'localhost', ca: ca() });
  const [e] = (await within(once(s, 'error'), 8000, 'error event')) as [MicrotlsError];
  assert.equal(e.code, ErrorCode.UNKNOWN_CA);
  assert.equal(e.name, 'UNKNOWN_CA');
  assert.equal(e.alert, 'unknown_ca');
  const clientError = await within(srv.clientError, 8000, 'node:tls tlsClientError');
  assert.match(String(clientError.message), /unknown ca/i);
  await srv.stop();
});

test('stream server error: a required client certificate is missing', T, async () => {
  const server = createServer({
    cert: readFileSync(pki('server-ecdsa-chain.crt')), key: readFileSync(pki('server-ecdsa.key')),
    ca: ca(), verify: 'require',
  });
  const failed = once(server, 'tlsClientError');
  const port = await listen(server);
  await assert.rejects(nodeTlsClient(port).then((c) => c.exchange('x')), /certificate required|closed|ECONNRESET/i);
  const [e] = (await within(failed, 8000, 'tlsClientError')) as [MicrotlsError];
  assert.equal(e.code, ErrorCode.CERTIFICATE_REQUIRED);
  assert.equal(e.alert, 'certificate_required');
});

test('bad option names are refused before connecting', () => {
  assert.throws(() => connect({ host: '127.0.0.1', port: 1, cipherSuites: 'TLS_NOPE' }), /unknown cipher suite "TLS_NOPE"/);
});
