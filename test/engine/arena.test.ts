// The arena is laid out from the configuration: the trust anchors' names a
// ClientHello or CertificateRequest carries (certificate_authorities), our
// chain, PSK and ticket bounds; a configuration that cannot be sent is
// refused when it is made, with BAD_CONFIG naming the option.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Context, ErrorCode, x509Support } from '../../core/index.js';
import { Context as PskContext } from '../../core/profiles/client-psk.js';
import { TlsFailure } from '../../core/errors.js';
import { clientContext, exchange, handshake, pki, random, serverContext, transfer } from './pair.js';

const ca = x509Support.readCertificates(pki('ca.crt'))[0];
const CN = new TextEncoder().encode('Test CA');

/** n certificates that differ from the test CA in the subject (and issuer) name: extra trust anchors. */
function otherAnchors(n: number): Uint8Array[] {
  const at: number[] = [];
  for (let i = 0; i + CN.length <= ca.length; i++) if (CN.every((b, j) => ca[i + j] === b)) at.push(i);
  assert.ok(at.length >= 1);
  const out: Uint8Array[] = [];
  for (let k = 0; k < n; k++) {
    const der = Uint8Array.from(ca);
    const tag = new TextEncoder().encode(String(10000 + k).slice(1)); // 4 digits over "Test"
    for (const i of at) der.set(tag, i);
    out.push(der);
  }
  return out;
}

/** A client trusting the test CA and n other anchors, sending their names. */
function clientWithAnchors(n: number): Context {
  const ctx = clientContext({ certificateAuthorities: true });
  for (const der of otherAnchors(n)) ctx.loadVerifyBuffer(der);
  return ctx;
}

for (const n of [41, 200]) {
  test(`a client with ${n + 1} trust anchors sends all their names and completes the handshake`, () => {
    const cctx = clientWithAnchors(n);
    const client = cctx.newConnection();
    const server = serverContext().newConnection();
    let names = 0;
    for (const a of cctx.anchors) names += 2 + a.subject.length;
    assert.ok(client.arenaLayout.flight > names, 'the ClientHello bound holds the names');
    client.connect();
    const hello = client.outputLength();
    assert.ok(hello > names, 'ClientHello of ' + hello + ' bytes carries ' + names + ' bytes of names');
    assert.deepEqual(handshake(client, server), [0, 0]);
    assert.equal(exchange(client, server, 'up'), 'up');
    assert.equal(exchange(server, client, 'down'), 'down');
  });
}

test('a server with 201 trust anchors sends their names in its CertificateRequest', () => {
  const sctx = serverContext({ verify: 'require', certificateAuthorities: true });
  for (const der of otherAnchors(200)) sctx.loadVerifyBuffer(der);
  const client = clientContext({}, 'client-ecdsa').newConnection();
  const server = sctx.newConnection();
  assert.deepEqual(handshake(client, server), [0, 0]);
  assert.equal(server.negotiated()!.peerCertificates.length > 0, true);
  assert.equal(exchange(client, server, 'authenticated'), 'authenticated');
});

test('trust anchors whose names cannot fit a ClientHello are refused with BAD_CONFIG naming certificateAuthorities', () => {
  const cctx = clientContext({ certificateAuthorities: true });
  // About 1300 names of 52 bytes: more than the extension's 16-bit length.
  const many = otherAnchors(1300);
  let pem = '';
  for (const der of many) pem += '-----BEGIN CERTIFICATE-----\n' + Buffer.from(der).toString('base64') + '\n-----END CERTIFICATE-----\n';
  assert.throws(() => cctx.loadVerifyBuffer(pem), (e: unknown) => {
    assert.ok(e instanceof TlsFailure);
    assert.equal(e.code, ErrorCode.BAD_CONFIG);
    assert.match(e.message, /certificateAuthorities/);
    return true;
  });
  // Nothing was added: the context still works.
  assert.equal(cctx.anchors.length, 1);
  const client = cctx.newConnection();
  assert.deepEqual(handshake(client, serverContext().newConnection()), [0, 0]);
  // Without certificate_authorities the same anchors are fine.
  const quiet = clientContext();
  quiet.loadVerifyBuffer(pem);
  assert.equal(quiet.anchors.length, 1301);
  assert.ok(quiet.arenaLayout().flight < 4096);
});

test('the layout follows the configuration: our chain, the trust anchors\' names, tickets', () => {
  const plain = clientContext().arenaLayout();
  const withNames = clientWithAnchors(41).arenaLayout();
  let names = 0;
  for (const a of clientWithAnchors(41).anchors) names += 2 + a.subject.length;
  assert.ok(withNames.flight - plain.flight >= names);
  const server = serverContext({ tickets: 0 });
  let chain = 0;
  for (const c of server.chain) chain += c.length;
  const noTickets = server.arenaLayout();
  assert.ok(noTickets.flight > chain + 64 + 4 + 48, 'the server flight holds its chain, a signature and Finished');
  const tickets = serverContext({ tickets: 8 }).arenaLayout();
  assert.ok(tickets.flight > noTickets.flight, '8 NewSessionTickets take more room than none');
});

test('a PSK-only client reserves nothing for certificates and still resumes and carries data', () => {
  const psk = { identity: new TextEncoder().encode('device-1'), key: new Uint8Array(32).fill(7) };
  const cctx = new PskContext({ side: 'client', random, now: Date.now, pskClient: () => psk });
  const layout = cctx.arenaLayout();
  const full = clientContext().arenaLayout();
  assert.ok(layout.message < 4096, 'largest message taken ' + layout.message);
  assert.ok(full.message > 16384, 'a certificate client takes a 16 KB Certificate message');
  // The arena is the record buffers only, for both: nothing set aside for certificates or their messages.
  assert.equal(layout.total, layout.inBuf + layout.outBuf);
  assert.equal(full.total - layout.total, full.flight - layout.flight);
  const sctx = new Context({ side: 'server', random, now: Date.now, pskServer: () => psk, pskModes: ['psk_dhe_ke', 'psk_ke'],
    cipherSuites: [0x1304, 0x1301] });
  const client = cctx.newConnection();
  const server = sctx.newConnection();
  assert.equal(client.arenaBytes, layout.total);
  assert.deepEqual(handshake(client, server), [0, 0]);
  assert.equal(exchange(server, client, 'tickets follow'), 'tickets follow');
  transfer(server, client);
  const session = client.getSession();
  assert.ok(session, 'the ticket fits the PSK-only client');
  const again = cctx.newConnection();
  assert.equal(again.setSession(session), 0);
  assert.deepEqual(handshake(again, sctx.newConnection()), [0, 0]);
  assert.equal(again.negotiated()!.mode, 'resumed');
});

test('a client-only build refuses a server Context', () => {
  assert.throws(() => new PskContext({ side: 'server', random }), (e: unknown) => e instanceof TlsFailure && e.code === ErrorCode.BAD_CONFIG && /side/.test(e.message));
});
