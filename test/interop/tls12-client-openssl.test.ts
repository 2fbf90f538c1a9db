// microtls client (TLS 1.2 and 1.3 offered, as by default) against
// `openssl s_server -tls1_2`: every TLS 1.2 suite x x25519 and P-256 with
// ECDSA and RSA certificates, client certificates, ticket and session-id
// resumption, PSK (CCM_8 and GCM) with -psk, renegotiation refused, a
// warning unrecognized_name (s_server -servername) passed over, and the
// refusals: a server without extended_master_secret and a tampered
// transcript (the server's Finished then does not verify). Each case checks
// the reversed line, what microtls negotiated, the debug log's states, and
// that openssl's key log holds the master secret of our key log line.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Alert, ErrorCode } from '../../core/errors.js';
import { CipherSuite, NamedGroup, SignatureScheme, TLS12 } from '../../core/registry.js';
import { MicrotlsError, readSome } from '../../ports/node/socket-io.js';
import { exchange, failsWith, microConnect, shutdown, type MicroOptions } from '../helpers/microtls.js';
import { cleanup, handshakeMessages, opensslServer, pki, type OpensslServerOptions } from '../helpers/peers.js';
import { TLS12_SUITES, type Suite } from '../helpers/tls12-suites.js';
import { tamperProxy } from '../helpers/proxy.js';

after(cleanup);
const T = { timeout: 30000 };

type Group = 'x25519' | 'secp256r1';

const SUITES = TLS12_SUITES;
// OpenSSL's groups for each case: in TLS 1.2 its ECDSA certificate's curve must be one it may use too.
const GROUPS: [Group, string, number[]][] = [
  ['x25519', 'X25519:P-256', [NamedGroup.x25519, NamedGroup.secp256r1]],
  ['secp256r1', 'P-256', [NamedGroup.secp256r1]],
];
const ALL_SUITES = [CipherSuite.TLS_AES_128_GCM_SHA256, ...SUITES.map(([s]) => CipherSuite[s])];
const FULL_STATES = ['CLIENT_HELLO_SENT', 'SERVER_HELLO_RECEIVED', 'SERVER_CERTIFICATE_RECEIVED', 'SERVER_KEY_EXCHANGE_RECEIVED',
  'CLIENT_FINISHED_SENT', 'NEW_SESSION_TICKET_RECEIVED', 'CHANGE_CIPHER_SPEC_RECEIVED', 'CONNECTED'];
const KEYS = mkdtempSync(join(tmpdir(), 'microtls-tls12-client-'));
let keyFiles = 0;

/** An OpenSSL configuration that turns extended_master_secret off (s_server 3.0 has no flag for it). */
const NO_EMS = join(KEYS, 'no-ems.cnf');
writeFileSync(NO_EMS, 'openssl_conf = c\n[c]\nssl_conf = s\n[s]\nsystem_default = d\n[d]\nOptions = -ExtendedMasterSecret\n');

/** s_server -tls1_2 writing its key log; the file's path rides along. noEms: without extended_master_secret. */
async function server(o: OpensslServerOptions & { noEms?: boolean }) {
  const keylog = join(KEYS, 'keys' + keyFiles++ + '.txt');
  const conf = process.env.OPENSSL_CONF;
  // The child takes the environment as it is when spawned.
  if (o.noEms) process.env.OPENSSL_CONF = NO_EMS;
  try {
    const srv = await opensslServer({ version: '1.2', msg: true, ...o, extra: ['-keylogfile', keylog, ...(o.extra ?? [])] });
    return Object.assign(srv, { keylog });
  } finally {
    if (conf === undefined) delete process.env.OPENSSL_CONF;
    else process.env.OPENSSL_CONF = conf;
  }
}

/** A microtls client with a key log: one line each way, then close_notify. */
async function run(port: number, o: MicroOptions) {
  const keys: string[] = [];
  const peer = await microConnect(port, { cipherSuites: ALL_SUITES, keyLog: (l) => keys.push(l), ...o });
  assert.equal(await exchange(peer, 'hello over TLS 1.2'), '2.1 SLT revo olleh');
  const n = peer.conn.negotiated();
  assert.ok(n);
  const session = peer.conn.getSession();
  await shutdown(peer);
  const states = peer.log.filter((l) => l.startsWith('connect state: ')).map((l) => l.slice(15));
  return { n, keys, session, states, log: peer.log };
}

/** openssl's key log has our CLIENT_RANDOM line: the same client random and master secret. */
function sameMaster(keylog: string, keys: string[]): void {
  const ours = keys.filter((l) => l.startsWith('CLIENT_RANDOM '));
  assert.equal(ours.length, 1, keys.join('\n'));
  const theirs = readFileSync(keylog, 'utf8').split('\n').map((l) => l.trim().toLowerCase());
  assert.ok(theirs.includes(ours[0].toLowerCase()), 'openssl key log:\n' + theirs.join('\n') + '\nours: ' + ours[0]);
}

for (const [suite, name, cert] of SUITES) {
  for (const [group, opensslGroups, ourGroups] of GROUPS) {
    test(`TLS 1.2 client ${suite} ${group} (${cert}) vs openssl s_server -tls1_2`, T, async () => {
      const srv = await server({ cert, chain: 'intermediate.crt', cipher: name, groups: opensslGroups });
      const { n, keys, states, session } = await run(srv.port, { groups: ourGroups });
      await srv.waitExit();
      assert.equal(n.version, TLS12);
      assert.equal(n.cipherSuite, CipherSuite[suite]);
      assert.equal(n.group, NamedGroup[group]);
      assert.equal(n.signatureScheme, cert === 'server-rsa' ? SignatureScheme.rsa_pss_rsae_sha256 : SignatureScheme.ecdsa_secp256r1_sha256);
      assert.equal(n.mode, 'full');
      assert.equal(n.peerCertificates.length, 2);
      assert.deepEqual(states, FULL_STATES);
      assert.ok(session, 'the ticket is kept as the session');
      sameMaster(srv.keylog, keys);
      // openssl negotiated what we did, and saw our extended_master_secret and empty renegotiation_info.
      assert.match(srv.output(), new RegExp('^Ciphersuite: ' + name + '$', 'm'));
      const ch = handshakeMessages(srv.stdout()).find((m) => m.name === 'ClientHello' && m.dir === 'received');
      assert.ok(ch);
      const hexHello = Buffer.from(ch.bytes).toString('hex');
      assert.ok(hexHello.includes('00170000'), 'extended_master_secret');
      assert.ok(hexHello.includes('ff01000100'), 'renegotiation_info');
    });
  }
}

test('TLS 1.2 client verifies rsa_pkcs1_sha256 from a server that signs only with it', T, async () => {
  const srv = await server({ cert: 'server-rsa', chain: 'intermediate.crt', cipher: 'ECDHE-RSA-AES128-GCM-SHA256', sigalgs: 'RSA+SHA256' });
  const { n, keys } = await run(srv.port, {});
  await srv.waitExit();
  assert.equal(n.signatureScheme, SignatureScheme.rsa_pkcs1_sha256);
  sameMaster(srv.keylog, keys);
});

for (const cert of ['client-ecdsa', 'client-rsa']) {
  test(`TLS 1.2 client authenticates with ${cert} (CertificateRequest, Certificate, CertificateVerify)`, T, async () => {
    const srv = await server({ cert: 'server-ecdsa', chain: 'intermediate.crt', cipher: 'ECDHE-ECDSA-AES128-GCM-SHA256', clientAuth: 'require' });
    const { states } = await run(srv.port, { cert });
    await srv.waitExit();
    assert.ok(states.includes('CERTIFICATE_REQUEST_RECEIVED'), states.join(' '));
    const msgs = handshakeMessages(srv.stdout());
    assert.ok(msgs.some((m) => m.name === 'CertificateVerify' && m.dir === 'received'), 'openssl received our CertificateVerify');
    assert.match(srv.output(), /^Verification: OK$|verify return:1/m);
  });
}

test('TLS 1.2 client without a certificate answers a CertificateRequest with an empty Certificate', T, async () => {
  const srv = await server({ cert: 'server-ecdsa', chain: 'intermediate.crt', cipher: 'ECDHE-ECDSA-AES128-GCM-SHA256', clientAuth: 'verify' });
  const { states } = await run(srv.port, {});
  await srv.waitExit();
  assert.ok(states.includes('CERTIFICATE_REQUEST_RECEIVED'));
  assert.ok(!handshakeMessages(srv.stdout()).some((m) => m.name === 'CertificateVerify'));
});

for (const [how, extra] of [['ticket', []], ['session id', ['-no_ticket']]] as [string, string[]][]) {
  test(`TLS 1.2 client resumes by ${how} (abbreviated handshake, the same master secret)`, T, async () => {
    const srv = await server({ cert: 'server-ecdsa', chain: 'intermediate.crt', cipher: 'ECDHE-ECDSA-AES256-GCM-SHA384', naccept: 2, extra });
    const first = await run(srv.port, {});
    assert.ok(first.session, 'a session to resume');
    const second = await run(srv.port, { session: first.session });
    await srv.waitExit();
    assert.equal(second.n.mode, 'resumed');
    assert.equal(second.n.cipherSuite, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384);
    assert.deepEqual(second.states.filter((s) => s.includes('CERTIFICATE') || s.includes('KEY_EXCHANGE')), [], 'no certificate, no key exchange');
    assert.ok(second.log.includes('offering TLS 1.2 session (' + (how === 'ticket' ? 'ticket' : 'session id') + ')'), second.log.join('\n'));
    // The resumed session keeps its master secret: both CLIENT_RANDOM lines are in openssl's key log.
    sameMaster(srv.keylog, second.keys);
    assert.equal(second.keys[0].split(' ')[2], first.keys[0].split(' ')[2]);
    assert.match(srv.output(), /1 session cache hits|Reused session-id/);
  });
}

const PSK = '0123456789abcdef0123456789abcdef';
for (const [suite, name] of [['TLS_PSK_WITH_AES_128_CCM_8', 'PSK-AES128-CCM8'], ['TLS_PSK_WITH_AES_128_GCM_SHA256', 'PSK-AES128-GCM-SHA256']] as [Suite, string][]) {
  test(`TLS 1.2 client ${suite} with openssl s_server -psk (no certificates)`, T, async () => {
    const srv = await server({ nocert: true, cipher: name, extra: ['-psk', PSK, '-psk_identity', 'device-7', '-psk_hint', 'hint'] });
    const { n, keys, states } = await run(srv.port, {
      cipherSuites: [CipherSuite[suite]],
      pskClient: () => ({ identity: Buffer.from('device-7'), key: Buffer.from(PSK, 'hex') }),
    });
    await srv.waitExit();
    assert.equal(n.version, TLS12);
    assert.equal(n.cipherSuite, CipherSuite[suite]);
    assert.equal(n.mode, 'psk');
    assert.deepEqual(n.peerCertificates, []);
    assert.ok(states.includes('SERVER_KEY_EXCHANGE_RECEIVED'), 'the identity hint');
    sameMaster(srv.keylog, keys);
  });
}

test('TLS 1.2 client refuses a server without extended_master_secret (OpenSSL Options = -ExtendedMasterSecret) with handshake_failure', T, async () => {
  const srv = await server({ cert: 'server-ecdsa', chain: 'intermediate.crt', noEms: true });
  const e = await failsWith(microConnect(srv.port, {}), 'EXTENDED_MASTER_SECRET_REQUIRED');
  assert.equal(e.code, ErrorCode.EXTENDED_MASTER_SECRET_REQUIRED);
  await srv.waitExit();
  assert.match(srv.output(), /handshake failure/i, 'openssl received our handshake_failure alert');
});

test('TLS 1.2 client with requireExtendedMasterSecret: false accepts it, and keeps no session', T, async () => {
  const srv = await server({ cert: 'server-ecdsa', chain: 'intermediate.crt', noEms: true });
  const { n, keys, session, log } = await run(srv.port, { requireExtendedMasterSecret: false });
  await srv.waitExit();
  assert.equal(n.version, TLS12);
  assert.equal(session, null);
  assert.ok(log.some((l) => l.includes('WITHOUT extended master secret')));
  sameMaster(srv.keylog, keys);
});

test('TLS 1.2 client refuses a tampered transcript: the server\'s Finished does not verify (decrypt_error)', T, async () => {
  const srv = await server({ cert: 'server-ecdsa', chain: 'intermediate.crt' });
  const proxy = await tamperProxy(srv.port);
  // One byte of the ticket in the NewSessionTicket (sent in the clear, after our Finished): the keys
  // stay right, so the server's Finished decrypts, but it covers a transcript other than ours.
  proxy.editFirst('toClient', (rec) => {
    if (rec[0] !== 22 || rec[5] !== 4) return false;
    rec[rec.length - 1] ^= 0x01;
  });
  const e = await failsWith(microConnect(proxy.port, {}), 'BAD_FINISHED');
  assert.equal(e.alertSent, Alert.decrypt_error);
  assert.equal(proxy.tampered(), 1);
  await srv.waitExit();
});

test('TLS 1.2 client answers HelloRequest with a no_renegotiation warning (openssl, which asked, then ends with handshake_failure)', T, async () => {
  const srv = await server({ cert: 'server-ecdsa', chain: 'intermediate.crt', mode: 'plain' });
  const peer = await microConnect(srv.port, {});
  const reading = readSome(peer.conn, peer.io, new Uint8Array(1024)).then(() => null, (e: unknown) => e);
  srv.write('r\n'); // s_server: send HelloRequest
  await srv.waitFor(/<<< TLS 1\.2, Alert \[length 0002\], warning no_renegotiation/);
  assert.ok(peer.log.includes('received HelloRequest: renegotiation refused'), peer.log.join('\n'));
  // RFC 5246 7.2.2: the server decides what follows; OpenSSL gives up with a fatal handshake_failure.
  const e = await reading;
  assert.ok(e instanceof MicrotlsError, String(e));
  assert.equal(e.name, 'FATAL_ALERT_RECEIVED');
  assert.equal(e.alertReceived, Alert.handshake_failure);
  await srv.waitExit();
});

test('s_server -servername another name: its warning unrecognized_name before the ServerHello goes by (RFC 5246 7.2); five warnings end the handshake', T, async () => {
  // s_server answers an SNI it does not serve with a warning (a fatal one with -servername_fatal) and goes on.
  const sni = ['-servername', 'other.example', '-cert2', pki('server-rsa.crt'), '-key2', pki('server-rsa.key')];
  const srv = await server({ cert: 'server-ecdsa', chain: 'intermediate.crt', naccept: 2, extra: sni });
  const peer = await microConnect(srv.port, {});
  assert.equal(peer.conn.negotiated()?.version, TLS12);
  assert.ok(peer.log.includes('received alert unrecognized_name'), peer.log.join('\n'));
  assert.equal(await exchange(peer, 'named'), 'deman');
  await shutdown(peer);
  await srv.waitFor(/>>> TLS 1\.2, Alert \[length 0002\], warning unrecognized_name/);

  // The same warning five times (a proxy repeats it): a peer cannot keep us reading warnings.
  const proxy = await tamperProxy(srv.port);
  proxy.editFirst('toClient', (rec) => (rec[0] === 21 ? Buffer.concat([rec, rec, rec, rec, rec]) : false));
  const e = await failsWith(microConnect(proxy.port, {}), 'UNEXPECTED_MESSAGE');
  assert.match(e.message, /more than 4 warning alerts/);
  assert.equal(e.alertSent, Alert.unexpected_message);
  await srv.waitExit();
  await proxy.stop();
});

test('TLS 1.2 client checks the OCSP response s_server staples in CertificateStatus (status_request)', T, async () => {
  const srv = await server({ cert: 'server-ecdsa', chain: 'intermediate.crt', extra: ['-status_file', pki('ocsp-good.der')] });
  const { states } = await run(srv.port, { ocsp: 'require' });
  await srv.waitExit();
  assert.ok(states.includes('CERTIFICATE_STATUS_RECEIVED'), states.join(' '));

  const revoked = await server({ cert: 'server-revoked', chain: 'intermediate.crt', extra: ['-status_file', pki('ocsp-revoked.der')] });
  const e = await failsWith(microConnect(revoked.port, { ocsp: 'request' }), 'CERT_REVOKED');
  assert.equal(e.alertSent, Alert.certificate_revoked);
  await revoked.waitFor(/alert certificate revoked/);

  const none = await server({ cert: 'server-ecdsa', chain: 'intermediate.crt' });
  const missing = await failsWith(microConnect(none.port, { ocsp: 'require' }), 'OCSP_REQUIRED');
  assert.equal(missing.alertSent, Alert.bad_certificate_status_response);
});

test('TLS 1.2 client with max_fragment_length 1024: s_server agrees, records within 1024 both ways', T, async () => {
  const srv = await server({ cert: 'server-ecdsa', chain: 'intermediate.crt' });
  const proxy = await tamperProxy(srv.port);
  const peer = await microConnect(proxy.port, { maxFragmentLength: 1024 });
  const n = peer.conn.negotiated()!;
  assert.equal(n.version, TLS12);
  assert.equal(n.maxFragment, 1024);
  const big = 'abcdefghij'.repeat(500);
  assert.equal(await exchange(peer, big), [...big].reverse().join(''));
  await shutdown(peer);
  await srv.waitExit();
  // Plaintext within 1024: an explicit nonce (8) and a tag (16) on top.
  for (const dir of ['toServer', 'toClient'] as const) {
    const records = proxy.records(dir);
    assert.ok(records.every((r) => r.length <= 1024 + 24), dir + ': ' + records.map((r) => r.length).join(','));
    assert.ok(records.some((r) => r.length === 1024 + 24), dir + ' sent full-size records');
  }
});
