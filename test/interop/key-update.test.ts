// KeyUpdate (RFC 8446 4.6.3) in both directions against OpenSSL: s_server
// and s_client send KeyUpdate when "k" (update_not_requested) or "K"
// (update_requested) is typed on their standard input; microtls sends it
// with keyUpdate(requestUpdate). Each case checks the KeyUpdate messages
// openssl sent and received (-msg, with the request_update byte), that the
// peer answered update_requested, and that data flows both ways under the
// new keys afterwards.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { microConnect, microListen, readLine, send, shutdown, type MicroPeer } from '../helpers/microtls.js';
import { cleanup, handshakeMessages, opensslClient, opensslServer, type Proc } from '../helpers/peers.js';

after(cleanup);
const T = { timeout: 20000 };

/** The KeyUpdate messages in openssl -msg output: 'sent'/'received' by openssl, 'requested' when update_requested. */
function keyUpdates(stdout: string): string[] {
  return handshakeMessages(stdout).filter((m) => m.name === 'KeyUpdate').map((m) => m.dir + (m.bytes[4] === 1 ? ' requested' : ''));
}

/** Lines microtls logged about KeyUpdate. */
function microKeyUpdates(peer: MicroPeer): string[] {
  return peer.log.filter((l) => /KeyUpdate/.test(l));
}

/** openssl (in its interactive mode) sends a line, microtls reads it; then the reverse. */
async function bothWays(openssl: Proc, peer: MicroPeer, line: string): Promise<void> {
  openssl.write(line + '\n');
  assert.equal(await readLine(peer), line);
  await send(peer, line + ' back\n');
  await openssl.waitFor(new RegExp('^' + line + ' back$', 'm'));
}

/**
 * microtls sends a line first, then openssl answers: after microtls's own
 * KeyUpdate, openssl has read it (and sent its answer) before it prints the line.
 */
async function microFirst(openssl: Proc, peer: MicroPeer, line: string): Promise<void> {
  await send(peer, line + '\n');
  await openssl.waitFor(new RegExp('^' + line + '$', 'm'));
  openssl.write(line + ' back\n');
  assert.equal(await readLine(peer), line + ' back');
}

/** Types "k" or "K" into s_server and waits until its -msg output shows the n-th KeyUpdate it sent. */
async function serverKey(srv: Proc, cmd: 'k' | 'K', n: number): Promise<void> {
  srv.write(cmd + '\n');
  await srv.waitFor(new RegExp('(^>>> TLS 1\\.3, Handshake \\[length 0005\\], KeyUpdate$[\\s\\S]*){' + n + '}', 'm'));
}

test('microtls client vs openssl s_server: s_server sends KeyUpdate ("k", then "K"); microtls answers the request', T, async () => {
  const srv = await opensslServer({ mode: 'plain', msg: true });
  const peer = await microConnect(srv.port);
  await bothWays(srv, peer, 'before');
  await serverKey(srv, 'k', 1);
  await bothWays(srv, peer, 'after not requested');
  await serverKey(srv, 'K', 2);
  await bothWays(srv, peer, 'after requested');
  await shutdown(peer);
  await srv.waitExit();
  assert.deepEqual(keyUpdates(srv.stdout()), ['sent', 'sent requested', 'received']);
  assert.deepEqual(microKeyUpdates(peer), ['received KeyUpdate', 'received KeyUpdate (update_requested)', 'sent KeyUpdate']);
});

test('microtls client keyUpdate(false) and keyUpdate(true) to openssl s_server: s_server answers the request only', T, async () => {
  const srv = await opensslServer({ mode: 'plain', msg: true });
  const peer = await microConnect(srv.port);
  await bothWays(srv, peer, 'before');
  assert.equal(peer.conn.keyUpdate(false), 0);
  await microFirst(srv, peer, 'after not requested');
  assert.equal(peer.conn.keyUpdate(true), 0);
  await microFirst(srv, peer, 'after requested');
  await shutdown(peer);
  await srv.waitExit();
  assert.deepEqual(keyUpdates(srv.stdout()), ['received', 'received requested', 'sent']);
  assert.deepEqual(microKeyUpdates(peer), ['sent KeyUpdate', 'sent KeyUpdate (update_requested)', 'received KeyUpdate']);
});

test('microtls server vs openssl s_client: s_client sends KeyUpdate ("K", then "k"); microtls answers the request', T, async () => {
  const srv = await microListen();
  const cl = opensslClient(srv.port, { msg: true, commands: true });
  const peer = await srv.accept();
  await bothWays(cl, peer, 'before');
  cl.write('K\n');
  await cl.waitFor(/KEYUPDATE/);
  // s_client's next line goes under its new key, and microtls's answer arrives before the reply.
  await bothWays(cl, peer, 'after requested');
  cl.write('k\n');
  await cl.waitFor(/(KEYUPDATE[\s\S]*){2}/);
  await bothWays(cl, peer, 'after not requested');
  await shutdown(peer);
  await cl.waitExit();
  assert.deepEqual(keyUpdates(cl.stdout()), ['sent requested', 'received', 'sent']);
  assert.deepEqual(microKeyUpdates(peer), ['received KeyUpdate (update_requested)', 'sent KeyUpdate', 'received KeyUpdate']);
  await srv.stop();
});

test('microtls server keyUpdate(true) to openssl s_client: s_client answers; data flows both ways', T, async () => {
  const srv = await microListen();
  const cl = opensslClient(srv.port, { msg: true });
  const peer = await srv.accept();
  await bothWays(cl, peer, 'before');
  assert.equal(peer.conn.keyUpdate(true), 0);
  await microFirst(cl, peer, 'after requested');
  await shutdown(peer);
  await cl.waitExit();
  assert.deepEqual(keyUpdates(cl.stdout()), ['received requested', 'sent']);
  assert.deepEqual(microKeyUpdates(peer), ['sent KeyUpdate (update_requested)', 'received KeyUpdate']);
  await srv.stop();
});
