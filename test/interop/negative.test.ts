// Failures against real peers: each must end in the right local error code
// and the right alert, as the peer itself reports it (openssl's error lines,
// node:tls error codes).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { Alert } from '../../core/errors.js';
import { exchange, microConnect, microListen, readLine, failsWith } from '../helpers/microtls.js';
import { cleanup, nodeTlsServer, opensslClient, opensslServer, pki, within } from '../helpers/peers.js';
import { tamperProxy } from '../helpers/proxy.js';

after(cleanup);
const T = { timeout: 20000 };

test('server certificate from an unknown CA: UNKNOWN_CA, s_server sees unknown_ca', T, async () => {
  const srv = await opensslServer({ cert: 'server-otherca' });
  const e = await failsWith(microConnect(srv.port), 'UNKNOWN_CA');
  assert.equal(e.alertSent, Alert.unknown_ca);
  await srv.waitFor(/alert unknown ca/);
});

test('expired server certificate: CERT_EXPIRED, s_server sees certificate_expired', T, async () => {
  const srv = await opensslServer({ cert: 'server-expired' });
  const e = await failsWith(microConnect(srv.port), 'CERT_EXPIRED');
  assert.equal(e.alertSent, Alert.certificate_expired);
  await srv.waitFor(/alert certificate expired/);
});

test('server name not in the certificate: HOSTNAME_MISMATCH, s_server sees bad_certificate', T, async () => {
  const srv = await opensslServer();
  const e = await failsWith(microConnect(srv.port, { serverName: 'wrong.test' }), 'HOSTNAME_MISMATCH');
  assert.equal(e.alertSent, Alert.bad_certificate);
  await srv.waitFor(/alert bad certificate/);
});

test('unknown CA against node:tls: the node server reports the unknown_ca alert', T, async () => {
  const srv = await nodeTlsServer({ cert: readFileSync(pki('server-otherca.crt')), key: readFileSync(pki('server-otherca.key')) });
  await failsWith(microConnect(srv.port), 'UNKNOWN_CA');
  const err = await within(srv.clientError, 5000, 'tlsClientError');
  assert.equal(err.code, 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA');
  await srv.stop();
});

test('microtls server requires a client certificate, s_client sends none: CERTIFICATE_REQUIRED both ways', T, async () => {
  const srv = await microListen({ verify: 'require' });
  const cl = opensslClient(srv.port);
  const e = await failsWith(srv.accept(), 'CERTIFICATE_REQUIRED');
  assert.equal(e.alertSent, Alert.certificate_required);
  await cl.waitFor(/alert certificate required/);
  await srv.stop();
});

test('s_server -Verify 1, microtls client without a certificate: the certificate_required alert arrives', T, async () => {
  const srv = await opensslServer({ clientAuth: 'require' });
  // The client finishes its side of the handshake before the server checks
  // the (empty) Certificate, so the alert may arrive during the first read.
  const e = await failsWith(microConnect(srv.port).then((peer) => exchange(peer, 'hello')), 'FATAL_ALERT_RECEIVED');
  assert.equal(e.alertReceived, Alert.certificate_required);
  await srv.waitFor(/peer did not return a certificate/);
});

test('tampered record from s_server: BAD_RECORD_MAC at the microtls client, s_server sees bad_record_mac', T, async () => {
  const srv = await opensslServer({ msg: true }); // -rev mode prints a received alert only with -msg
  const proxy = await tamperProxy(srv.port);
  const peer = await microConnect(proxy.port);
  proxy.arm('toClient');
  const e = await failsWith(exchange(peer, 'hello'), 'BAD_RECORD_MAC');
  assert.equal(e.alertSent, Alert.bad_record_mac);
  assert.equal(proxy.tampered(), 1);
  await srv.waitFor(/^<<< TLS 1\.3, Alert \[length 0002\], fatal bad_record_mac$/m);
  await proxy.stop();
});

test('tampered record from s_client: BAD_RECORD_MAC at the microtls server, s_client sees bad_record_mac', T, async () => {
  const srv = await microListen();
  const proxy = await tamperProxy(srv.port);
  const cl = opensslClient(proxy.port);
  const peer = await srv.accept();
  proxy.arm('toServer');
  cl.write('hello\n');
  const e = await failsWith(readLine(peer), 'BAD_RECORD_MAC');
  assert.equal(e.alertSent, Alert.bad_record_mac);
  assert.equal(proxy.tampered(), 1);
  await cl.waitFor(/alert bad record mac/);
  await proxy.stop();
  await srv.stop();
});
