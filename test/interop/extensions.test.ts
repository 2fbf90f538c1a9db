// TLS extensions against real peers: ALPN (OpenSSL and node:tls, both
// roles, and no protocol in common), SNI (s_server picking a certificate by
// name or refusing it, microtls's onServerName doing the same for
// s_client), max_fragment_length (every record on the wire, seen through a
// pass-through proxy, within the limit), record_size_limit (microtls on both
// sides: OpenSSL 3.0 does not implement it, so it must ignore the offer),
// OCSP stapling with responses made by `openssl ocsp`, padding and
// certificate_authorities.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { Alert } from '../../core/errors.js';
import { exchange, microConnect, microContext, microListen, readLine, send, shutdown, failsWith } from '../helpers/microtls.js';
import {
  cleanup, clientHellos, handshakeMessages, nodeTlsClient, nodeTlsServer, opensslClient, opensslServer, pki, pkiDer, within,
} from '../helpers/peers.js';
import { tamperProxy, type RecordSeen } from '../helpers/proxy.js';

after(cleanup);
const T = { timeout: 20000 };

const HEADER = 5;
/** An encrypted record carries the plaintext, its content type byte and a 16-byte tag (microtls and OpenSSL add no padding). */
const OVERHEAD = 1 + 16;
const APPLICATION_DATA = 23;
const PADDING = 21;
const CERTIFICATE_AUTHORITIES = 47;
const RECORD_SIZE_LIMIT = 28;

/** Every record within `limit` bytes of plaintext: encrypted ones limit + OVERHEAD, others limit. */
function assertRecordsWithin(records: RecordSeen[], limit: number, what: string): void {
  assert.ok(records.length > 0, what + ': records seen');
  for (const r of records) {
    const max = r.type === APPLICATION_DATA ? limit + OVERHEAD : limit;
    assert.ok(r.length <= max, what + ': a type ' + r.type + ' record of ' + r.length + ' bytes, limit ' + max);
  }
}

/** The largest record in a direction (to show a limit was reached, not just respected). */
const largest = (records: RecordSeen[]) => Math.max(...records.map((r) => r.length));

// --- ALPN ---

test('ALPN: microtls client (http/1.1,h2) vs s_server -alpn h2,http/1.1: the server preference h2', T, async () => {
  const srv = await opensslServer({ extra: ['-alpn', 'h2,http/1.1'] });
  const peer = await microConnect(srv.port, { alpn: ['http/1.1', 'h2'] });
  assert.equal(peer.conn.negotiated()?.alpn, 'h2');
  assert.equal(await exchange(peer, 'alpn'), 'npla');
  await shutdown(peer);
  await srv.waitExit();
  assert.match(srv.stdout(), /^ALPN protocols advertised by the client: http\/1\.1, h2$/m);
  assert.match(srv.stdout(), /^ALPN protocols selected: h2$/m);
});

test('ALPN: microtls server (h2,http/1.1) vs s_client -alpn http/1.1,h2: the server preference h2', T, async () => {
  const srv = await microListen({ alpn: ['h2', 'http/1.1'] });
  const cl = opensslClient(srv.port, { extra: ['-alpn', 'http/1.1,h2'] });
  const peer = await srv.accept();
  assert.equal(peer.conn.negotiated()?.alpn, 'h2');
  cl.endInput();
  await cl.waitExit();
  assert.match(cl.stdout(), /^ALPN protocol: h2$/m);
  await srv.stop();
});

test('ALPN without a protocol in common: s_server sends no_application_protocol to the microtls client', T, async () => {
  const srv = await opensslServer({ extra: ['-alpn', 'h2'] });
  const e = await failsWith(microConnect(srv.port, { alpn: ['spdy/3'] }), 'FATAL_ALERT_RECEIVED');
  assert.equal(e.alertReceived, Alert.no_application_protocol);
  await srv.waitFor(/no application protocol/);
});

test('ALPN without a protocol in common: the microtls server sends no_application_protocol to s_client', T, async () => {
  const srv = await microListen({ alpn: ['h2'] });
  const cl = opensslClient(srv.port, { extra: ['-alpn', 'spdy/3'] });
  const e = await failsWith(srv.accept(), 'NO_APPLICATION_PROTOCOL');
  assert.equal(e.alertSent, Alert.no_application_protocol);
  await cl.waitFor(/alert no application protocol/);
  await srv.stop();
});

test('ALPN with node:tls both ways', T, async () => {
  const nsrv = await nodeTlsServer({ ALPNProtocols: ['http/1.1', 'h2'] });
  const peer = await microConnect(nsrv.port, { alpn: ['h2', 'http/1.1'] });
  assert.equal(peer.conn.negotiated()?.alpn, 'http/1.1', "node:tls picks by the server's order");
  assert.equal((await within(nsrv.session, 5000, 'node:tls session')).alpn, 'http/1.1');
  assert.equal(await exchange(peer, 'node alpn'), 'npla edon');
  await shutdown(peer);
  await nsrv.stop();

  const srv = await microListen({ alpn: ['h2', 'http/1.1'] });
  const [c, p] = await Promise.all([nodeTlsClient(srv.port, { ALPNProtocols: ['http/1.1', 'h2'] }), srv.accept()]);
  assert.equal(c.alpn, 'h2');
  assert.equal(p.conn.negotiated()?.alpn, 'h2');
  c.socket.end();
  await srv.stop();
});

// --- SNI ---

const SNI_SERVER = ['-servername', 'microtls.test', '-cert2', 'server-rsa.crt', '-key2', 'server-rsa.key'];
const sniServerArgs = (fatal: boolean) => [
  ...SNI_SERVER.map((a) => (a.endsWith('.crt') || a.endsWith('.key') ? pki(a) : a)), ...(fatal ? ['-servername_fatal'] : []),
];

test('SNI: s_server -servername microtls.test serves its second certificate to a microtls client asking for that name', T, async () => {
  const srv = await opensslServer({ msg: true, extra: sniServerArgs(false) });
  const peer = await microConnect(srv.port, { serverName: 'microtls.test' });
  assert.deepEqual(peer.conn.negotiated()?.peerCertificates[0], pkiDer('server-rsa.crt'));
  assert.equal(await exchange(peer, 'sni'), 'ins');
  await shutdown(peer);
  await srv.waitExit();
  assert.equal(clientHellos(srv.stdout())[0].serverName, 'microtls.test');
  assert.match(srv.stdout(), /^Hostname in TLS extension: "microtls\.test"$/m);
});

test('SNI: s_server -servername_fatal refuses another name: the microtls client gets unrecognized_name', T, async () => {
  const srv = await opensslServer({ extra: sniServerArgs(true) });
  const e = await failsWith(microConnect(srv.port, { serverName: 'localhost' }), 'FATAL_ALERT_RECEIVED');
  assert.equal(e.alertReceived, Alert.unrecognized_name);
});

test('SNI: the microtls server picks a context by name (onServerName) and refuses unknown names', T, async () => {
  const rsa = microContext('server', { cert: 'server-rsa' });
  const names: (string | null)[] = [];
  const srv = await microListen({
    onServerName: (name) => {
      names.push(name);
      return name === 'microtls.test' ? rsa : name === 'localhost' ? null : false;
    },
  });
  const byName = opensslClient(srv.port, { servername: 'microtls.test' });
  const p1 = await srv.accept();
  assert.equal(p1.conn.negotiated()?.serverName, 'microtls.test');
  byName.endInput();
  await byName.waitExit();
  assert.match(byName.stdout(), /^subject=O = microtls, CN = server-rsa$/m);

  const plain = opensslClient(srv.port, { servername: 'localhost' });
  await srv.accept();
  plain.endInput();
  await plain.waitExit();
  assert.match(plain.stdout(), /^subject=O = microtls, CN = server-ecdsa$/m);

  const other = opensslClient(srv.port, { servername: 'unknown.test' });
  const e = await failsWith(srv.accept(), 'UNRECOGNIZED_NAME');
  assert.equal(e.alertSent, Alert.unrecognized_name);
  await other.waitFor(/SSL alert number 112/); // unrecognized_name
  assert.deepEqual(names, ['microtls.test', 'localhost', 'unknown.test']);
  await srv.stop();
});

// --- max_fragment_length and record_size_limit ---

test('max_fragment_length: s_client -maxfraglen 512 vs the microtls server, every record on the wire within 512', T, async () => {
  const srv = await microListen();
  const proxy = await tamperProxy(srv.port);
  const cl = opensslClient(proxy.port, { extra: ['-maxfraglen', '512'] });
  const peer = await srv.accept();
  assert.equal(peer.conn.negotiated()?.maxFragment, 512);
  const big = 'x'.repeat(3000);
  await send(peer, big + '\n');
  await cl.waitFor(new RegExp('^' + big + '$', 'm'));
  cl.write('y'.repeat(2000) + '\n');
  assert.equal(await readLine(peer), 'y'.repeat(2000));
  await shutdown(peer);
  await cl.waitExit();
  const down = proxy.records('toClient');
  assertRecordsWithin(down, 512, 'microtls server');
  assert.equal(largest(down), 512 + OVERHEAD, 'full-size records were sent');
  assertRecordsWithin(proxy.records('toServer'), 512, 's_client');
  await srv.stop();
});

test('max_fragment_length: microtls client 1024 vs s_server, records within 1024 both ways, receive buffer sized for 1024', T, async () => {
  const srv = await opensslServer();
  const proxy = await tamperProxy(srv.port);
  const peer = await microConnect(proxy.port, { maxFragmentLength: 1024 });
  assert.equal(peer.conn.negotiated()?.maxFragment, 1024);
  assert.equal(peer.conn.records.inBuf.length, HEADER + 1024 + 256, 'the record buffer is sized from the limit');
  const big = 'abcdefghij'.repeat(500);
  assert.equal(await exchange(peer, big), [...big].reverse().join(''));
  await shutdown(peer);
  await srv.waitExit();
  assertRecordsWithin(proxy.records('toServer'), 1024, 'microtls client');
  const down = proxy.records('toClient');
  assertRecordsWithin(down, 1024, 's_server');
  assert.equal(largest(down), 1024 + OVERHEAD, 's_server sent full-size records');
});

test('record_size_limit: microtls client 1024 <-> microtls server 2048, each sends within the other\'s limit', T, async () => {
  const srv = await microListen({ recordSizeLimit: 2048 });
  const proxy = await tamperProxy(srv.port);
  const [client, server] = await Promise.all([microConnect(proxy.port, { recordSizeLimit: 1024 }), srv.accept()]);
  assert.equal(client.conn.negotiated()?.maxFragment, 2048);
  assert.equal(server.conn.negotiated()?.maxFragment, 1024);
  // record_size_limit binds only once negotiated, so it cannot size the buffer at creation (max_fragment_length does).
  assert.equal(client.conn.records.inBuf.length, HEADER + 16384 + 256);
  const big = 'r'.repeat(6000);
  await send(client, big + '\n');
  assert.equal(await readLine(server), big);
  await send(server, big + '\n');
  assert.equal(await readLine(client), big);
  const up = proxy.records('toServer');
  const down = proxy.records('toClient');
  assertRecordsWithin(up, 2048, 'client');
  assertRecordsWithin(down, 1024, 'server');
  assert.equal(largest(up), 2048 + OVERHEAD);
  assert.equal(largest(down), 1024 + OVERHEAD);
  await shutdown(client);
  await srv.stop();
});

test('record_size_limit offered to OpenSSL 3.0 (which does not implement it): ignored, full-size records', T, async () => {
  const srv = await opensslServer({ msg: true });
  const peer = await microConnect(srv.port, { recordSizeLimit: 1024 });
  assert.equal(peer.conn.negotiated()?.maxFragment, 16384);
  assert.equal(await exchange(peer, 'rsl'), 'lsr');
  await shutdown(peer);
  await srv.waitExit();
  assert.ok(clientHellos(srv.stdout())[0].extensions.includes(RECORD_SIZE_LIMIT), 'offered');
});

test('record_size_limit on a microtls server: s_client, which does not offer it, may still send full-size records', T, async () => {
  // RFC 8449 4: the limit binds a peer only once both sent the extension; until then 2^14 applies.
  const srv = await microListen({ recordSizeLimit: 1024 });
  const cl = opensslClient(srv.port);
  const peer = await srv.accept();
  assert.equal(peer.conn.negotiated()?.maxFragment, 16384, 'no limit negotiated');
  const big = 'b'.repeat(3000);
  cl.write(big + '\n');
  assert.equal(await readLine(peer), big);
  await shutdown(peer);
  await srv.stop();
});

// --- OCSP stapling ---

test('OCSP: the microtls server staples ocsp-good.der to s_client -status', T, async () => {
  const srv = await microListen({ ocspResponse: readFileSync(pki('ocsp-good.der')) });
  const cl = opensslClient(srv.port, { extra: ['-status'] });
  await srv.accept();
  cl.endInput();
  await cl.waitExit();
  assert.match(cl.stdout(), /OCSP Response Status: successful \(0x0\)/);
  assert.match(cl.stdout(), /Cert Status: good/);
  await srv.stop();
});

test('OCSP: microtls client (ocsp require) accepts s_server -status_file with the issuer\'s and the delegated responder\'s response', T, async () => {
  for (const file of ['ocsp-good.der', 'ocsp-delegated.der']) {
    const srv = await opensslServer({ extra: ['-status_file', pki(file)] });
    const peer = await microConnect(srv.port, { ocsp: 'require' });
    assert.equal(await exchange(peer, 'stapled'), 'delpats', file);
    await shutdown(peer);
    await srv.waitExit();
  }
});

test('OCSP: a revoked server certificate: CERT_REVOKED, s_server sees certificate_revoked', T, async () => {
  const srv = await opensslServer({ cert: 'server-revoked', chain: 'intermediate.crt', extra: ['-status_file', pki('ocsp-revoked.der')] });
  const e = await failsWith(microConnect(srv.port, { ocsp: 'request' }), 'CERT_REVOKED');
  assert.equal(e.alertSent, Alert.certificate_revoked);
  await srv.waitFor(/alert certificate revoked/);
});

test('OCSP: nothing stapled: ocsp require fails with OCSP_REQUIRED, ocsp request goes on', T, async () => {
  const srv = await opensslServer();
  const e = await failsWith(microConnect(srv.port, { ocsp: 'require' }), 'OCSP_REQUIRED');
  assert.equal(e.alertSent, Alert.bad_certificate_status_response);
  await srv.waitFor(/bad certificate status response/);

  const again = await opensslServer();
  const peer = await microConnect(again.port, { ocsp: 'request' });
  assert.equal(await exchange(peer, 'no staple'), 'elpats on');
  await shutdown(peer);
});

// --- padding, certificate_authorities ---

test('padding and certificate_authorities: s_server gets a 512-byte ClientHello with the CA names', T, async () => {
  const srv = await opensslServer({ msg: true });
  const peer = await microConnect(srv.port, { clientHelloPadding: 512, certificateAuthorities: true });
  assert.equal(await exchange(peer, 'pad'), 'dap');
  await shutdown(peer);
  await srv.waitExit();
  const hello = handshakeMessages(srv.stdout()).find((m) => m.name === 'ClientHello' && m.dir === 'received');
  assert.equal(hello?.bytes.length, 512);
  const ext = clientHellos(srv.stdout())[0].extensions;
  assert.ok(ext.includes(PADDING) && ext.includes(CERTIFICATE_AUTHORITIES), 'extensions ' + ext.join(','));
});

test('certificate_authorities in the microtls server\'s CertificateRequest: s_client lists the CA', T, async () => {
  const srv = await microListen({ verify: 'optional', certificateAuthorities: true });
  const cl = opensslClient(srv.port);
  await srv.accept();
  cl.endInput();
  await cl.waitExit();
  assert.match(cl.stdout(), /^Acceptable client certificate CA names\nO = microtls, CN = microtls Test CA$/m);
  await srv.stop();
});
