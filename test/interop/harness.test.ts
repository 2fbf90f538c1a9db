// The interop harness itself, checked with two independent implementations
// (openssl and node:tls) and no microtls code: if these fail, the interop
// failures elsewhere say nothing about microtls.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CipherSuite, NamedGroup, SignatureScheme } from '../../core/registry.js';
import {
  certificateVerifyScheme, cleanup, clientHellos, nodeTlsClient, nodeTlsServer, opensslClient, opensslServer, serverHellos,
  within,
} from '../helpers/peers.js';
import { tamperProxy } from '../helpers/proxy.js';

after(cleanup);
const T = { timeout: 20000 };

test('openssl s_server -rev <-> node:tls client: reply, suite and group seen by both', T, async () => {
  const srv = await opensslServer({ ciphersuites: 'TLS_CHACHA20_POLY1305_SHA256', groups: 'P-384', msg: true });
  const c = await nodeTlsClient(srv.port, { ecdhCurve: 'P-384' });
  assert.equal(await c.exchange('hello'), 'olleh');
  assert.equal(c.cipher, 'TLS_CHACHA20_POLY1305_SHA256');
  assert.equal(c.group, 'secp384r1');
  c.socket.end();
  await srv.waitExit();
  assert.match(srv.output(), /^Ciphersuite: TLS_CHACHA20_POLY1305_SHA256$/m);
  const hellos = serverHellos(srv.stdout());
  assert.equal(hellos.length, 1);
  assert.deepEqual(hellos[0], {
    helloRetryRequest: false, cipherSuite: CipherSuite.TLS_CHACHA20_POLY1305_SHA256, group: NamedGroup.secp384r1,
  });
});

test('node:tls server <-> openssl s_client: reply, client certificate, CertificateVerify scheme', T, async () => {
  const srv = await nodeTlsServer({ ciphers: 'TLS_AES_256_GCM_SHA384', requestCert: true, rejectUnauthorized: true });
  const cl = opensslClient(srv.port, { cert: 'client-rsa', sigalgs: 'rsa_pss_rsae_sha256:ecdsa_secp256r1_sha256', msg: true });
  cl.write('hello\n');
  await cl.waitFor(/^olleh$/m);
  const s = await within(srv.session, 5000, 'node:tls session');
  assert.equal(s.cipher, 'TLS_AES_256_GCM_SHA384');
  assert.equal(s.peerCertificate?.subject.CN, 'client-rsa');
  cl.endInput();
  await cl.waitExit();
  assert.match(cl.stdout(), /Cipher is TLS_AES_256_GCM_SHA384/);
  assert.equal(certificateVerifyScheme(cl.stdout(), 'received'), SignatureScheme.ecdsa_secp256r1_sha256);
  assert.equal(certificateVerifyScheme(cl.stdout(), 'sent'), SignatureScheme.rsa_pss_rsae_sha256);
});

test('HelloRetryRequest is visible in openssl -msg output on both sides', T, async () => {
  const srv = await opensslServer({ groups: 'X25519', msg: true });
  const cl = opensslClient(srv.port, { groups: 'P-256:X25519', msg: true });
  cl.write('abc\n');
  await cl.waitFor(/^cba$/m);
  cl.endInput();
  await Promise.all([cl.waitExit(), srv.waitExit()]);
  for (const out of [cl.stdout(), srv.stdout()]) {
    const hellos = serverHellos(out);
    assert.equal(hellos.length, 2);
    assert.equal(hellos[0].helloRetryRequest, true);
    assert.equal(hellos[0].group, NamedGroup.x25519);
    assert.equal(hellos[1].helloRetryRequest, false);
    assert.equal(hellos[1].group, NamedGroup.x25519);
  }
  assert.match(cl.stdout(), /Server Temp Key: X25519/);
});

test('alert names reach the log of the peer that received them (unknown ca)', T, async () => {
  const srv = await opensslServer({ cert: 'server-otherca' });
  const cl = opensslClient(srv.port, { extra: ['-verify_return_error'] });
  cl.endInput();
  await Promise.all([cl.waitExit(), srv.waitExit()]);
  assert.match(srv.output(), /alert unknown ca/);
});

test('tamper proxy: a flipped bit in application data ends in bad_record_mac at both ends', T, async () => {
  const srv = await opensslServer();
  const proxy = await tamperProxy(srv.port);
  const cl = opensslClient(proxy.port);
  await cl.waitFor('Verify return code');
  await srv.waitFor('CONNECTION ESTABLISHED');
  proxy.arm('toServer');
  cl.write('hello\n');
  await srv.waitFor(/bad record mac/);
  await cl.waitFor(/alert bad record mac/);
  assert.equal(proxy.tampered(), 1);
  await proxy.stop();
});

test('ClientHello parsing: random as in the key log, SNI present for a name and absent without one', T, async () => {
  const keylog = join(mkdtempSync(join(tmpdir(), 'microtls-')), 'keys.txt');
  const srv = await opensslServer({ msg: true, extra: ['-keylogfile', keylog] });
  const cl = opensslClient(srv.port, { servername: 'microtls.test' });
  cl.write('x\n');
  await cl.waitFor(/^x$/m);
  cl.endInput();
  await Promise.all([cl.waitExit(), srv.waitExit()]);
  const [hello] = clientHellos(srv.stdout());
  assert.equal(hello.serverName, 'microtls.test');
  assert.match(readFileSync(keylog, 'utf8'), new RegExp('^CLIENT_TRAFFIC_SECRET_0 ' + hello.random + ' ([0-9a-f]{64}|[0-9a-f]{96})$', 'm'));

  const srv2 = await opensslServer({ msg: true });
  const cl2 = opensslClient(srv2.port, { servername: null });
  cl2.endInput();
  await Promise.all([cl2.waitExit(), srv2.waitExit()]);
  const [hello2] = clientHellos(srv2.stdout());
  assert.equal(hello2.serverName, null);
  assert.ok(!hello2.extensions.includes(0));
});
