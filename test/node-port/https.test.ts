// node:https fetching pages through microtls: the stream (ports/node/stream.ts)
// is handed to https.get as its connection, against a node:https server and
// against `openssl s_server -www`.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { after, test } from 'node:test';
import { CipherSuite } from '../../core/registry.js';
import { connect, type TLSStream } from '../../ports/node/stream.js';
import { cleanup, opensslServer, pki, register, within } from '../helpers/peers.js';

after(cleanup);
const T = { timeout: 20000 };

/** GET path over a microtls stream to 127.0.0.1:port; resolves with status, body and the stream used. */
function get(port: number, path: string, tls: Parameters<typeof connect>[0] = {}) {
  let stream: TLSStream | null = null;
  const result = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = https.get({
      host: '127.0.0.1',
      port,
      path,
      createConnection: () => (stream = connect({
        host: '127.0.0.1', port, servername: 'localhost', ca: readFileSync(pki('ca.crt')), ...tls,
      })),
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
  return within(result, 10000, 'https GET ' + path, () => stream?.destroy()).then((r) => ({ ...r, stream: stream! }));
}

test('node:https GET through the microtls stream from a node:https server', T, async () => {
  const server = https.createServer({
    cert: readFileSync(pki('server-rsa.crt')), key: readFileSync(pki('server-rsa.key')), minVersion: 'TLSv1.3',
  }, (req, res) => {
    res.setHeader('content-type', 'text/plain');
    res.end('hello from node:https, you asked for ' + req.url + ' over ' + (req.socket as TLSSocket).getProtocol());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  register({ stop: () => { server.closeAllConnections(); return new Promise<void>((r) => server.close(() => r())); } });
  const port = (server.address() as { port: number }).port;
  const r = await get(port, '/page?x=1', { cipherSuites: 'TLS_AES_128_GCM_SHA256' });
  assert.equal(r.status, 200);
  assert.equal(r.body, 'hello from node:https, you asked for /page?x=1 over TLSv1.3');
  assert.equal(r.stream.getNegotiated()?.cipherSuite, CipherSuite.TLS_AES_128_GCM_SHA256);
});

test('node:https GET through the microtls stream from openssl s_server -www', T, async () => {
  const srv = await opensslServer({ mode: 'www', ciphersuites: 'TLS_CHACHA20_POLY1305_SHA256' });
  const r = await get(srv.port, '/');
  assert.equal(r.status, 200);
  // The status page describes the session openssl negotiated with us.
  assert.match(r.body, /s_server/);
  assert.match(r.body, /TLSv1\.3/);
  assert.match(r.body, /TLS_CHACHA20_POLY1305_SHA256/);
  await srv.stop();
});
