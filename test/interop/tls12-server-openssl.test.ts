// microtls server (TLS 1.2 and 1.3 enabled, as by default) against
// `openssl s_client -tls1_2`: every TLS 1.2 suite x ECDSA and RSA
// certificates x x25519 and P-256, client certificates, ticket resumption,
// renegotiation refused, PSK, and the refusals: CBC-only and static-RSA-only
// clients, a tampered transcript and a tampered Finished. Each case checks the lines
// exchanged, what microtls negotiated, and what s_client printed: protocol,
// cipher, "Extended master secret: yes", its master key (equal to the one
// in our key log) and the downgrade sentinel in ServerHello.random.
import assert from 'node:assert/strict';
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { TicketKey } from '../../core/engine/types.js';
import { CipherSuite, NamedGroup, SignatureScheme, TLS12 } from '../../core/registry.js';
import { expectClose, microListen, readLine, send, shutdown, type MicroOptions, type MicroServer } from '../helpers/microtls.js';
import {
  cleanup, handshakeMessages, opensslClient, pki, pkiDer, serverHelloExtensions, type OpensslClientOptions,
} from '../helpers/peers.js';
import { TLS12_SUITES, type Suite } from '../helpers/tls12-suites.js';
import { tamperProxy, type TamperProxy } from '../helpers/proxy.js';

after(cleanup);
const T = { timeout: 20000 };

type Group = 'x25519' | 'secp256r1';

const SUITES = TLS12_SUITES;
// (In TLS 1.2 supported_groups also names the curves of the ECDSA keys a client verifies, RFC 8422 5.1: P-256 always.)
const GROUPS: [Group, string][] = [['x25519', 'X25519:P-256'], ['secp256r1', 'P-256']];
const ALL_SUITES = SUITES.map(([s]) => CipherSuite[s]);
const DOWNGRADE = '444f574e47524401';

/** A microtls server offering every TLS 1.2 suite (and TLS 1.3), logging keys. */
async function server(o: MicroOptions = {}): Promise<{ srv: MicroServer; keys: string[] }> {
  const keys: string[] = [];
  const srv = await microListen({ cipherSuites: [CipherSuite.TLS_AES_128_GCM_SHA256, ...ALL_SUITES], keyLog: (l) => keys.push(l), ...o });
  return { srv, keys };
}

/** One s_client -tls1_2 connection: a line each way, close; returns s_client's output and what microtls negotiated. */
async function run(srv: MicroServer, client: OpensslClientOptions) {
  const cl = opensslClient(srv.port, { version: '1.2', msg: true, ...client });
  const peer = await srv.accept();
  cl.write('hello over TLS 1.2\n');
  assert.equal(await readLine(peer), 'hello over TLS 1.2');
  await send(peer, 'reply over TLS 1.2\n');
  await cl.waitFor(/^reply over TLS 1\.2$/m);
  const n = peer.conn.negotiated();
  assert.ok(n);
  cl.endInput();
  await expectClose(peer);
  await shutdown(peer);
  await cl.waitExit();
  return { out: cl.stdout(), n, log: peer.log };
}

/** What s_client printed about the session: protocol, cipher, EMS, its master key equal to our key log's, the sentinel. */
function checkSession(out: string, keys: string[], cipher: string) {
  assert.match(out, /^ {4}Protocol {2}: TLSv1\.2$/m);
  assert.match(out, new RegExp('^ {4}Cipher {4}: ' + cipher + '$', 'm'));
  assert.match(out, /^ {4}Extended master secret: yes$/m);
  const master = /^ {4}Master-Key: ([0-9A-F]{96})$/m.exec(out);
  assert.ok(master, 's_client prints the master key');
  const sh = handshakeMessages(out).find((m) => m.name === 'ServerHello' && m.dir === 'received');
  assert.ok(sh);
  const random = Buffer.from(sh.bytes.subarray(6, 38)).toString('hex');
  assert.equal(random.slice(48), DOWNGRADE, 'a TLS 1.3-capable server negotiating TLS 1.2 sends the sentinel (RFC 8446 4.1.3)');
  const ch = handshakeMessages(out).find((m) => m.name === 'ClientHello' && m.dir === 'sent');
  assert.ok(ch);
  const clientRandom = Buffer.from(ch.bytes.subarray(6, 38)).toString('hex');
  assert.ok(keys.includes('CLIENT_RANDOM ' + clientRandom + ' ' + master[1].toLowerCase()), 'our key log line: ' + keys.join('\n'));
}

for (const [suite, name, cert] of SUITES) {
  for (const [group, opensslGroup] of GROUPS) {
    test(`TLS 1.2 server ${suite} ${group} (${cert}) vs openssl s_client -tls1_2`, T, async () => {
      const { srv, keys } = await server({ cert });
      try {
        const { out, n, log } = await run(srv, { cipher: name, groups: opensslGroup });
        assert.equal(n.version, TLS12);
        assert.equal(n.cipherSuite, CipherSuite[suite]);
        assert.equal(n.group, NamedGroup[group]);
        assert.equal(n.signatureScheme, cert === 'server-rsa' ? SignatureScheme.rsa_pss_rsae_sha256 : SignatureScheme.ecdsa_secp256r1_sha256);
        assert.equal(n.mode, 'full');
        checkSession(out, keys, name);
        assert.match(out, /^ *Verify return code: 0 \(ok\)$/m);
        // The debug log names the states in order.
        const states = log.filter((l) => l.startsWith('accept state: ')).map((l) => l.slice(14));
        assert.deepEqual(states, ['START', 'CLIENT_HELLO_RECEIVED', 'SERVER_HELLO_DONE_SENT', 'CLIENT_KEY_EXCHANGE_RECEIVED',
          'CHANGE_CIPHER_SPEC_RECEIVED', 'CONNECTED']);
      } finally {
        await srv.stop();
      }
    });
  }
}

test('TLS 1.2 server signs with rsa_pkcs1_sha256 for a client that accepts only that', T, async () => {
  const { srv, keys } = await server({ cert: 'server-rsa' });
  try {
    const { out, n } = await run(srv, { cipher: 'ECDHE-RSA-AES128-GCM-SHA256', sigalgs: 'RSA+SHA256' });
    assert.equal(n.signatureScheme, SignatureScheme.rsa_pkcs1_sha256);
    checkSession(out, keys, 'ECDHE-RSA-AES128-GCM-SHA256');
    assert.match(out, /^Peer signature type: RSA$/m);
  } finally {
    await srv.stop();
  }
});

for (const [clientCert, cipher] of [['client-ecdsa', 'ECDHE-ECDSA-AES128-GCM-SHA256'], ['client-rsa', 'ECDHE-ECDSA-AES256-GCM-SHA384']]) {
  test(`TLS 1.2 server requires and verifies ${clientCert} from s_client (CertificateRequest, CertificateVerify)`, T, async () => {
    const { srv, keys } = await server({ verify: 'require' });
    try {
      const { out, n, log } = await run(srv, { cipher, cert: clientCert });
      assert.deepEqual(n.peerCertificates[0], pkiDer(clientCert + '.crt'));
      checkSession(out, keys, cipher);
      assert.ok(log.includes('accept state: CERTIFICATE_VERIFY_RECEIVED'), log.join('\n'));
    } finally {
      await srv.stop();
    }
  });
}

test('TLS 1.2 server with verify: require refuses s_client without a certificate (handshake_failure)', T, async () => {
  const { srv } = await server({ verify: 'require' });
  try {
    const cl = opensslClient(srv.port, { version: '1.2', cipher: 'ECDHE-ECDSA-AES128-GCM-SHA256' });
    await assert.rejects(srv.accept(), /CERTIFICATE_REQUIRED/);
    await cl.waitExit();
    assert.match(cl.output(), /alert handshake failure/);
  } finally {
    await srv.stop();
  }
});

test('TLS 1.2 ticket resumption: s_client -sess_out then -sess_in is "Reused", abbreviated handshake on our side', T, async () => {
  const { srv, keys } = await server();
  const sess = join(mkdtempSync(join(tmpdir(), 'microtls-')), 'sess.pem');
  try {
    const first = await run(srv, { cipher: 'ECDHE-ECDSA-AES128-GCM-SHA256', extra: ['-sess_out', sess] });
    assert.equal(first.n.mode, 'full');
    assert.ok(first.log.includes('sent NewSessionTicket'), first.log.join('\n'));
    assert.match(first.out, /TLS session ticket lifetime hint: 7200/);
    const second = await run(srv, { cipher: 'ECDHE-ECDSA-AES128-GCM-SHA256', extra: ['-sess_in', sess] });
    assert.equal(second.n.mode, 'resumed');
    assert.match(second.out, /^Reused, TLSv1\.2, Cipher is ECDHE-ECDSA-AES128-GCM-SHA256$/m);
    checkSession(second.out, keys, 'ECDHE-ECDSA-AES128-GCM-SHA256');
    const states = second.log.filter((l) => l.startsWith('accept state: ')).map((l) => l.slice(14));
    assert.deepEqual(states, ['START', 'CLIENT_HELLO_RECEIVED', 'SERVER_FINISHED_SENT', 'CHANGE_CIPHER_SPEC_RECEIVED', 'CONNECTED']);
  } finally {
    await srv.stop();
  }
});

test('TLS 1.2 ticket key rotation: s_client\'s ticket under the old key resumes and is renewed in the abbreviated handshake (RFC 5077 3.1)', T, async () => {
  const key = (): TicketKey => ({ name: randomBytes(16), key: randomBytes(32) });
  const [a, b] = [key(), key()];
  const sess = join(mkdtempSync(join(tmpdir(), 'microtls-')), 'sess.pem');
  const cipher = 'ECDHE-ECDSA-AES128-GCM-SHA256';
  /** s_client (with -sess_out or -sess_in) against a server with these ticket keys. */
  const connect = async (ticketKeys: TicketKey[], sessFlag: '-sess_out' | '-sess_in') => {
    const { srv } = await server({ ticketKeys });
    try {
      return await run(srv, { cipher, extra: [sessFlag, sess] });
    } finally {
      await srv.stop();
    }
  };
  assert.equal((await connect([a], '-sess_out')).n.mode, 'full');
  const rotated = await connect([b, a], '-sess_in');
  assert.equal(rotated.n.mode, 'resumed');
  assert.match(rotated.out, /^Reused, TLSv1\.2, /m);
  // ServerHello, NewSessionTicket, then ChangeCipherSpec and Finished (RFC 5077 3.1, figure 2); the
  // renewed ticket keeps the session's lifetime: its hint is what is left of 7200 s.
  const received = handshakeMessages(rotated.out).filter((m) => m.dir === 'received').map((m) => m.name);
  assert.deepEqual(received.slice(0, 3), ['ServerHello', 'NewSessionTicket', 'Finished']);
  const hint = /TLS session ticket lifetime hint: (\d+)/.exec(rotated.out);
  assert.ok(hint && +hint[1] > 7000 && +hint[1] <= 7200, rotated.out);
  // (s_client does not save a session it resumed; our own client's renewed ticket resuming under the new key alone is in test/engine/tls12-pair.)
  assert.equal((await connect([b], '-sess_in')).n.mode, 'full', 'the ticket under the dropped key');
});

test('TLS 1.2 renegotiation refused: s_client "R" gets a no_renegotiation warning', T, async () => {
  const { srv } = await server();
  try {
    const cl = opensslClient(srv.port, { version: '1.2', cipher: 'ECDHE-ECDSA-AES128-GCM-SHA256', commands: true });
    const peer = await srv.accept();
    cl.write('R\n');
    await cl.waitFor(/RENEGOTIATING/);
    // Reading drives the engine: the ClientHello is answered with the warning, then s_client ends the connection.
    await assert.rejects(readLine(peer), /FATAL_ALERT_RECEIVED|CONNECTION_CLOSED|IO_ERROR/);
    assert.ok(peer.log.includes('sent warning alert no_renegotiation'), peer.log.join('\n'));
    await cl.waitExit();
    assert.match(cl.output(), /no renegotiation/i);
  } finally {
    await srv.stop();
  }
});

test('TLS 1.2 extensions with s_client: SNI acknowledged, ALPN, max_fragment_length 1024, a stapled OCSP response (CertificateStatus)', T, async () => {
  const { srv, keys } = await server({
    alpn: ['h2', 'http/1.1'], ocspResponse: readFileSync(pki('ocsp-good.der')), onServerName: (name) => (name === 'localhost' ? null : false),
  });
  try {
    const { out, n, log } = await run(srv, { cipher: 'ECDHE-ECDSA-AES128-GCM-SHA256', extra: ['-alpn', 'http/1.1,h2', '-maxfraglen', '1024', '-status'] });
    assert.equal(n.alpn, 'h2');
    assert.equal(n.serverName, 'localhost');
    assert.equal(n.maxFragment, 1024);
    assert.match(out, /^ALPN protocol: h2$/m);
    // server_name, max_fragment_length, status_request, ec_point_formats, ALPN, extended_master_secret, session_ticket, renegotiation_info
    assert.deepEqual(serverHelloExtensions(out)[0].sort((a, b) => a - b), [0, 1, 5, 11, 16, 23, 35, 0xff01]);
    assert.match(out, /OCSP Response Status: successful \(0x0\)/);
    assert.match(out, /Cert Status: good/);
    assert.ok(handshakeMessages(out).some((m) => m.name === 'CertificateStatus' && m.dir === 'received'));
    assert.ok(log.some((l) => l.startsWith('send certificate_status')), log.join('\n'));
    checkSession(out, keys, 'ECDHE-ECDSA-AES128-GCM-SHA256');
  } finally {
    await srv.stop();
  }
});

const PSK_KEY = '000102030405060708090a0b0c0d0e0f';
for (const [suite, name] of [['TLS_PSK_WITH_AES_128_CCM_8', 'PSK-AES128-CCM8'], ['TLS_PSK_WITH_AES_128_GCM_SHA256', 'PSK-AES128-GCM-SHA256']] as [Suite, string][]) {
  test(`TLS 1.2 ${suite} with s_client -psk (external PSK callback)`, T, async () => {
    const { srv, keys } = await server({
      cipherSuites: [CipherSuite[suite]],
      pskServer: (id) => (Buffer.from(id).toString() === 'device-1' ? { identity: id, key: Buffer.from(PSK_KEY, 'hex') } : null),
    });
    try {
      const { out, n } = await run(srv, { cipher: name, extra: ['-psk', PSK_KEY, '-psk_identity', 'device-1'] });
      assert.equal(n.version, TLS12);
      assert.equal(n.cipherSuite, CipherSuite[suite]);
      assert.equal(n.mode, 'psk');
      assert.equal(n.group, null);
      assert.deepEqual(n.peerCertificates, []);
      checkSession(out, keys, name);
    } finally {
      await srv.stop();
    }
  });
}

test('TLS 1.2 PSK: an unknown identity gets unknown_psk_identity', T, async () => {
  const { srv } = await server({ cipherSuites: [CipherSuite.TLS_PSK_WITH_AES_128_CCM_8], pskServer: () => null });
  try {
    const cl = opensslClient(srv.port, { version: '1.2', cipher: 'PSK-AES128-CCM8', extra: ['-psk', PSK_KEY, '-psk_identity', 'nobody'] });
    await assert.rejects(srv.accept(), /UNKNOWN_PSK_IDENTITY/);
    await cl.waitExit();
    assert.match(cl.output(), /unknown psk identity/i);
  } finally {
    await srv.stop();
  }
});

for (const [what, cipher] of [['CBC-only', 'AES128-SHA:ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES256-SHA384'], ['static-RSA-only', 'AES128-GCM-SHA256:AES256-GCM-SHA384']]) {
  test(`TLS 1.2 server refuses a ${what} client with handshake_failure`, T, async () => {
    const { srv } = await server();
    try {
      const cl = opensslClient(srv.port, { version: '1.2', cipher });
      await assert.rejects(srv.accept(), /NO_SHARED_CIPHER.*the client offers only suites we do not have|the client offers only suites we do not have.*NO_SHARED_CIPHER/);
      await cl.waitExit();
      assert.match(cl.output(), /alert handshake failure/);
    } finally {
      await srv.stop();
    }
  });
}

test('TLS 1.2 tampered transcript: a changed byte in the ClientHello changes the extended master secret: bad_record_mac', T, async () => {
  const { srv } = await server();
  const proxy = await tamperProxy(srv.port);
  try {
    // AES128-SHA (0x002f, a CBC suite we ignore) in s_client's offer becomes 0x002e on the way: the session
    // hash (RFC 7627) differs, so do the keys, and the client's Finished does not open.
    proxy.editFirst('toServer', (rec) => {
      const suitesAt = 5 + 4 + 2 + 32 + 1 + rec[5 + 4 + 2 + 32];
      const end = suitesAt + 2 + rec.readUInt16BE(suitesAt);
      for (let p = suitesAt + 2; p < end; p += 2) if (rec.readUInt16BE(p) === 0x002f) rec[p + 1] = 0x2e;
    });
    const cl = opensslClient(proxy.port, { version: '1.2', cipher: 'ECDHE-ECDSA-AES128-GCM-SHA256:AES128-SHA' });
    await assert.rejects(srv.accept(), /BAD_RECORD_MAC/);
    await cl.waitExit();
    assert.match(cl.output(), /alert bad record mac/);
  } finally {
    await proxy.stop();
    await srv.stop();
  }
});

/** TLS 1.2 PRF with SHA-256 (RFC 5246 5), on node:crypto: independent of the code under test. */
function prf256(secret: Buffer, label: string, seed: Buffer, n: number): Buffer {
  const ls = Buffer.concat([Buffer.from(label), seed]);
  let a = ls;
  const out: Buffer[] = [];
  for (let len = 0; len < n; len += 32) {
    a = createHmac('sha256', secret).update(a).digest();
    out.push(createHmac('sha256', secret).update(Buffer.concat([a, ls])).digest());
  }
  return Buffer.concat(out).subarray(0, n);
}

/**
 * Re-seals the client's Finished (AES-128-GCM, RFC 5288) going through the
 * proxy with one bit of verify_data flipped, using the master secret
 * s_client logs: the record opens, and only the Finished check can catch it.
 */
function tamperFinished(proxy: TamperProxy, keylog: string): void {
  let clientRandom: Buffer | null = null;
  let serverRandom: Buffer | null = null;
  let ccs = false;
  proxy.onRecord((dir, rec) => {
    if (rec[0] === 22 && rec[5] === 1 && dir === 'toServer') clientRandom = Buffer.from(rec.subarray(11, 43));
    if (rec[0] === 22 && rec[5] === 2 && dir === 'toClient') serverRandom = Buffer.from(rec.subarray(11, 43));
    if (rec[0] === 20 && dir === 'toServer') ccs = true;
    if (rec[0] !== 22 || !ccs || dir !== 'toServer' || !clientRandom || !serverRandom) return;
    ccs = false;
    const line = readFileSync(keylog, 'utf8').split('\n').find((l) => l.startsWith('CLIENT_RANDOM ' + clientRandom!.toString('hex')));
    const master = Buffer.from(line!.split(' ')[2], 'hex');
    const block = prf256(master, 'key expansion', Buffer.concat([serverRandom, clientRandom]), 40);
    const nonce = Buffer.concat([block.subarray(32, 36), rec.subarray(5, 13)]);
    const body = rec.subarray(13, rec.length - 16);
    const aad = Buffer.concat([Buffer.alloc(8), Buffer.from([22, 3, 3, body.length >> 8, body.length & 0xff])]);
    const d = createDecipheriv('aes-128-gcm', block.subarray(0, 16), nonce).setAAD(aad).setAuthTag(rec.subarray(rec.length - 16));
    const plain = Buffer.concat([d.update(body), d.final()]);
    plain[4] ^= 0x01; // the first byte of verify_data
    const c = createCipheriv('aes-128-gcm', block.subarray(0, 16), nonce).setAAD(aad);
    Buffer.concat([c.update(plain), c.final()]).copy(rec, 13);
    c.getAuthTag().copy(rec, rec.length - 16);
  });
}

test('TLS 1.2 tampered Finished: a client Finished re-sealed with one bit of verify_data changed gets decrypt_error', T, async () => {
  const { srv } = await server();
  const keylog = join(mkdtempSync(join(tmpdir(), 'microtls-')), 'keys.txt');
  const proxy = await tamperProxy(srv.port);
  try {
    tamperFinished(proxy, keylog);
    const cl = opensslClient(proxy.port, { version: '1.2', cipher: 'ECDHE-ECDSA-AES128-GCM-SHA256', extra: ['-keylogfile', keylog] });
    await assert.rejects(srv.accept(), /BAD_FINISHED/);
    await cl.waitExit();
    assert.match(cl.output(), /alert decrypt error/);
  } finally {
    await proxy.stop();
    await srv.stop();
  }
});
