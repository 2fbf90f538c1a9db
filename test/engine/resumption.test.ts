// PSK, tickets, resumption, 0-RTT, extensions and post-handshake messages,
// client <-> server in memory through the public API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Alert, ErrorCode, Status } from '../../core/errors.js';
import { CipherSuite, NamedGroup, TLS12 } from '../../core/registry.js';
import type { ContextOptions } from '../../core/engine/types.js';
import { Context } from '../../core/index.js';
import { clientContext, exchange, handshake, postHandshakeAuth, random, serverContext, transfer } from './pair.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
const identity = enc('device-42');
const key = new Uint8Array(32).fill(7);


/** A PSK-only server: no certificate at all. */
function pskServer(opts: Partial<ContextOptions> = {}): Context {
  return new Context({
    side: 'server', random, now: Date.now,
    pskServer: (id) => (Buffer.from(id).equals(identity) ? { identity: id, key } : null),
    ...opts,
  });
}

function pskClient(opts: Partial<ContextOptions> = {}): Context {
  return new Context({ side: 'client', random, now: Date.now, verify: 'none', pskClient: () => ({ identity, key }), ...opts });
}

for (const mode of ['psk_dhe_ke', 'psk_ke'] as const) {
  for (const suite of [CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_AES_128_CCM_SHA256, CipherSuite.TLS_AES_128_CCM_8_SHA256]) {
    test(`external PSK ${mode} with suite 0x${suite.toString(16)}`, () => {
      const client = pskClient({ pskModes: [mode], cipherSuites: [suite] }).newConnection();
      const server = pskServer({ pskModes: [mode], cipherSuites: [suite] }).newConnection();
      assert.deepEqual(handshake(client, server), [0, 0]);
      const n = client.negotiated()!;
      assert.equal(n.mode, 'psk');
      assert.equal(n.pskMode, mode);
      assert.equal(n.group, mode === 'psk_ke' ? null : NamedGroup.x25519);
      assert.equal(n.peerCertificates.length, 0);
      assert.equal(server.negotiated()!.pskMode, mode);
      assert.equal(exchange(client, server, 'psk data'), 'psk data');
    });
  }
}

test('a PSK bound to SHA-384 selects TLS_AES_256_GCM_SHA384', () => {
  const k = new Uint8Array(48).fill(3);
  const client = pskClient({ pskClient: () => ({ identity, key: k, hash: 'sha384' }) }).newConnection();
  const server = pskServer({ pskServer: () => ({ identity, key: k, hash: 'sha384' }) }).newConnection();
  assert.deepEqual(handshake(client, server), [0, 0]);
  assert.equal(client.negotiated()!.cipherSuite, CipherSuite.TLS_AES_256_GCM_SHA384);
});

test('wrong PSK key: the binder fails, decrypt_error', () => {
  const client = pskClient({ pskClient: () => ({ identity, key: new Uint8Array(32).fill(8) }) }).newConnection();
  const server = pskServer().newConnection();
  const [c, s] = handshake(client, server);
  assert.equal(s, ErrorCode.BAD_BINDER);
  assert.equal(server.lastError()!.alertSent, Alert.decrypt_error);
  assert.equal(c, ErrorCode.FATAL_ALERT_RECEIVED);
  assert.equal(client.lastError()!.alertReceived, Alert.decrypt_error);
});

test('unknown identity: unknown_psk_identity without a certificate, full handshake with one', () => {
  const other = () => ({ identity: enc('stranger'), key });
  let client = pskClient({ pskClient: other }).newConnection();
  let server = pskServer().newConnection();
  const [, s] = handshake(client, server);
  assert.equal(s, ErrorCode.UNKNOWN_PSK_IDENTITY);
  assert.equal(server.lastError()!.alertSent, Alert.unknown_psk_identity);

  client = clientContext({ pskClient: other }).newConnection();
  server = serverContext({ pskServer: () => null }).newConnection();
  assert.deepEqual(handshake(client, server), [0, 0]);
  assert.equal(client.negotiated()!.mode, 'full');
});

test('PSK after a HelloRetryRequest: binders are recomputed', () => {
  const client = pskClient({ groups: [NamedGroup.x25519, NamedGroup.secp256r1] }).newConnection();
  const server = pskServer({ groups: [NamedGroup.secp256r1] }).newConnection();
  assert.deepEqual(handshake(client, server), [0, 0]);
  assert.equal(client.negotiated()!.mode, 'psk');
  assert.equal(client.negotiated()!.group, NamedGroup.secp256r1);
});

/** A full handshake that leaves a session ticket with the client; returns the session bytes. */
function fullThenSession(cctx: Context, sctx: Context): Uint8Array {
  const client = cctx.newConnection();
  const server = sctx.newConnection();
  assert.deepEqual(handshake(client, server), [0, 0]);
  // Tickets come after the server saw the client Finished.
  transfer(server, client);
  assert.equal(client.read(new Uint8Array(16)), Status.WANT_READ);
  const session = client.getSession();
  assert.ok(session, 'no session after the tickets');
  return session;
}

test('resumption with a ticket: psk_dhe_ke and psk_ke, and the session survives as bytes', () => {
  for (const mode of ['psk_dhe_ke', 'psk_ke'] as const) {
    const sctx = serverContext({ pskModes: [mode] });
    const cctx = clientContext({ pskModes: [mode] });
    const session = fullThenSession(cctx, sctx);
    const client = cctx.newConnection();
    assert.equal(client.setSession(Uint8Array.from(session)), 0);
    const server = sctx.newConnection();
    assert.deepEqual(handshake(client, server), [0, 0]);
    assert.equal(client.negotiated()!.mode, 'resumed');
    assert.equal(server.negotiated()!.mode, 'resumed');
    assert.equal(client.negotiated()!.pskMode, mode);
    assert.equal(client.negotiated()!.peerCertificates.length, 0);
    assert.equal(exchange(client, server, 'resumed'), 'resumed');
  }
});

test('NewSessionTickets: `tickets` after a full or external-PSK handshake, one after a ticket resumption (as OpenSSL), none with 0', () => {
  /** Runs a handshake and the post-handshake flight; returns how many tickets the client read, and its session. */
  const run = (cctx: Context, sctx: Context, log: string[], session?: Uint8Array): { tickets: number; mode: string; session: Uint8Array | null } => {
    log.length = 0;
    const client = cctx.newConnection();
    if (session) client.setSession(session);
    const server = sctx.newConnection();
    assert.deepEqual(handshake(client, server), [0, 0]);
    transfer(server, client);
    assert.equal(client.read(new Uint8Array(16)), Status.WANT_READ);
    return { tickets: log.filter((l) => l.startsWith('received NewSessionTicket')).length, mode: client.negotiated()!.mode, session: client.getSession() };
  };
  for (const tickets of [undefined, 1, 3, 0]) {
    const log: string[] = [];
    const sctx = serverContext(tickets === undefined ? {} : { tickets });
    const cctx = clientContext({ debug: (l) => log.push(l) });
    const full = run(cctx, sctx, log);
    assert.deepEqual([full.mode, full.tickets], ['full', tickets ?? 2]);
    if (!full.session) continue;
    const resumed = run(cctx, sctx, log, full.session);
    assert.deepEqual([resumed.mode, resumed.tickets], ['resumed', 1]);
    // The ticket that replaced the used one resumes in turn.
    assert.ok(resumed.session);
    assert.equal(run(cctx, sctx, log, resumed.session).mode, 'resumed');
  }
  const log: string[] = [];
  const psk = run(pskClient({ debug: (l) => log.push(l) }), pskServer(), log);
  assert.deepEqual([psk.mode, psk.tickets], ['psk', 2]);
});

test('a ticket from another server key is not accepted: full handshake', () => {
  const session = fullThenSession(clientContext(), serverContext());
  const client = clientContext().newConnection();
  client.setSession(session);
  const server = serverContext().newConnection();
  assert.deepEqual(handshake(client, server), [0, 0]);
  assert.equal(client.negotiated()!.mode, 'full');
});

test('an expired session is not offered', () => {
  const sctx = serverContext({ ticketLifetime: 60 });
  const session = fullThenSession(clientContext(), sctx);
  const later = Date.now() + 120_000;
  const logs: string[] = [];
  const client = clientContext({ now: () => later, debug: (l) => logs.push(l) }).newConnection();
  client.setSession(session);
  assert.deepEqual(handshake(client, sctx.newConnection()), [0, 0]);
  assert.equal(client.negotiated()!.mode, 'full');
  assert.ok(logs.some((l) => l.includes('not usable')));
});

test('setSession rejects garbage with BAD_SESSION', () => {
  const client = clientContext().newConnection();
  assert.equal(client.setSession(enc('not a session')), ErrorCode.BAD_SESSION);
});

test('0-RTT accepted: early data arrives before the handshake ends', () => {
  const sctx = serverContext({ maxEarlyData: 1024 });
  const cctx = clientContext();
  const session = fullThenSession(cctx, sctx);
  const client = cctx.newConnection();
  client.setSession(session);
  assert.equal(client.writeEarlyData(enc('early hello')), 11);
  const server = sctx.newConnection();
  transfer(client, server);
  assert.equal(server.accept(), Status.EARLY_DATA);
  const buf = new Uint8Array(64);
  const n = server.readEarlyData(buf);
  assert.equal(dec(buf.subarray(0, n)), 'early hello');
  assert.deepEqual(handshake(client, server), [0, 0]);
  assert.equal(client.earlyDataStatus(), 'accepted');
  assert.equal(server.earlyDataStatus(), 'accepted');
  assert.equal(exchange(client, server, 'after 0-RTT'), 'after 0-RTT');
});

test('0-RTT replayed: the second use of the ticket is rejected, the handshake still succeeds', () => {
  const sctx = serverContext({ maxEarlyData: 1024 });
  const session = fullThenSession(clientContext(), sctx);
  const first = (() => {
    const client = clientContext().newConnection();
    client.setSession(session);
    client.writeEarlyData(enc('once'));
    const wire = new Uint8Array(client.outputLength());
    client.takeOutput(wire);
    return wire;
  })();
  for (const expected of ['accepted', 'rejected']) {
    const server = sctx.newConnection();
    server.receive(first);
    const st = server.accept();
    assert.equal(st, expected === 'accepted' ? Status.EARLY_DATA : Status.WANT_READ);
    assert.equal(server.earlyDataStatus(), expected);
  }
});

test('0-RTT rejected by a server that cannot open the ticket: reported, the connection goes on', () => {
  const sctx = serverContext({ maxEarlyData: 1024 });
  const session = fullThenSession(clientContext(), sctx);
  const client = clientContext().newConnection();
  client.setSession(session);
  assert.equal(client.writeEarlyData(enc('maybe')), 5);
  assert.equal(client.earlyDataStatus(), 'pending');
  const server = serverContext({ maxEarlyData: 1024 }).newConnection(); // another ticket key: full handshake
  assert.deepEqual(handshake(client, server), [0, 0]);
  assert.equal(client.earlyDataStatus(), 'rejected');
  assert.equal(client.negotiated()!.mode, 'full');
  assert.equal(exchange(client, server, 'resent'), 'resent');
});

test('0-RTT to a server that now negotiates TLS 1.2: WRONG_VERSION_ON_EARLY_DATA (protocol_version) at its ServerHello, status rejected; without 0-RTT a full TLS 1.2 handshake', () => {
  const session = fullThenSession(clientContext(), serverContext({ maxEarlyData: 1024 }));
  const tls12 = serverContext({ maxVersion: TLS12 });
  const client = clientContext().newConnection();
  client.setSession(session);
  assert.equal(client.writeEarlyData(enc('early')), 5);
  const server = tls12.newConnection();
  const [c, s] = handshake(client, server);
  assert.equal(c, ErrorCode.WRONG_VERSION_ON_EARLY_DATA);
  assert.equal(client.lastError()!.alertSent, Alert.protocol_version);
  assert.equal(client.earlyDataStatus(), 'rejected', 'the server took none of it: send it again');
  assert.equal(client.writeEarlyData(enc('more')), ErrorCode.WRONG_VERSION_ON_EARLY_DATA);
  // The server met our compatibility ChangeCipherSpec where ClientKeyExchange belongs.
  assert.equal(s, ErrorCode.UNEXPECTED_CCS);

  const again = clientContext().newConnection();
  again.setSession(session);
  const server2 = tls12.newConnection();
  assert.deepEqual(handshake(again, server2), [0, 0]);
  assert.equal(again.negotiated()!.version, TLS12);
  assert.equal(again.negotiated()!.mode, 'full');
  assert.equal(exchange(again, server2, 'early'), 'early');
});

test('ALPN: server preference wins; no overlap is no_application_protocol', () => {
  let client = clientContext({ alpn: ['http/1.1', 'h2'] }).newConnection();
  let server = serverContext({ alpn: ['h2', 'http/1.1'] }).newConnection();
  assert.deepEqual(handshake(client, server), [0, 0]);
  assert.equal(client.negotiated()!.alpn, 'h2');
  assert.equal(server.negotiated()!.alpn, 'h2');

  client = clientContext({ alpn: ['mqtt'] }).newConnection();
  server = serverContext({ alpn: ['h2'] }).newConnection();
  const [c, s] = handshake(client, server);
  assert.equal(s, ErrorCode.NO_APPLICATION_PROTOCOL);
  assert.equal(c, ErrorCode.FATAL_ALERT_RECEIVED);
  assert.equal(client.lastError()!.alertReceived, Alert.no_application_protocol);
});

test('SNI: the server callback picks a context or refuses the name', () => {
  const rsa = serverContext({}, 'server-rsa');
  const sctx = serverContext({ onServerName: (name) => (name === 'localhost' ? rsa : name === 'microtls.test' ? null : false) });
  let client = clientContext().newConnection();
  let server = sctx.newConnection();
  assert.deepEqual(handshake(client, server), [0, 0]);
  assert.equal(server.negotiated()!.serverName, 'localhost');
  assert.equal(client.negotiated()!.signatureScheme, 0x0804); // RSA-PSS: the RSA context served it

  client = clientContext({ serverName: 'unknown.test', verify: 'none' }).newConnection();
  server = sctx.newConnection();
  const [c, s] = handshake(client, server);
  assert.equal(s, ErrorCode.UNRECOGNIZED_NAME);
  assert.equal(c, ErrorCode.FATAL_ALERT_RECEIVED);
  assert.equal(client.lastError()!.alertReceived, Alert.unrecognized_name);
});

test('SNI: a context whose chain does not fit the listening context\'s arena is refused clearly, not at send time', () => {
  // An Ed25519 certificate alone, then an ECDSA one with its intermediate CA.
  const chain = serverContext({}, 'server-ecdsa');
  const sctx = serverContext({ onServerName: () => chain }, 'server-ed25519');
  assert.ok(chain.arenaLayout().flight > sctx.arenaLayout().flight);
  const client = clientContext().newConnection();
  const server = sctx.newConnection();
  const [c, s] = handshake(client, server);
  assert.equal(s, ErrorCode.BAD_CONFIG);
  const e = server.lastError()!;
  assert.match(e.message, /onServerName: the Context for localhost needs a handshake flight of \d+ bytes/);
  assert.equal(e.alertSent, Alert.internal_error);
  assert.equal(c, ErrorCode.FATAL_ALERT_RECEIVED);
  assert.equal(client.lastError()!.alertReceived, Alert.internal_error);
});

for (const mfl of [512, 1024] as const) {
  test(`max_fragment_length ${mfl}: smaller buffers, and no record above the limit either way`, () => {
    const cctx = clientContext({ maxFragmentLength: mfl });
    const client = cctx.newConnection();
    const server = serverContext().newConnection();
    // Both record buffers shrink by the difference (the output less a few more records' overhead).
    const full = clientContext().arenaLayout();
    assert.equal(full.inBuf - client.arenaLayout.inBuf, 16384 - mfl);
    assert.ok(full.outBuf - client.arenaLayout.outBuf > 16384 - mfl - 256);
    assert.deepEqual(handshake(client, server), [0, 0]);
    assert.equal(client.negotiated()!.maxFragment, mfl);
    assert.equal(server.negotiated()!.maxFragment, mfl);
    const big = new Uint8Array(5000).fill(0x41);
    const wire = new Uint8Array(8192);
    for (const [from, to] of [[client, server], [server, client]] as const) {
      let sent = 0;
      let got = 0;
      for (let rounds = 0; got < big.length && rounds < 100; rounds++) {
        if (sent < big.length) {
          const n = from.write(big, sent);
          if (n > 0) sent += n;
        }
        const len = from.takeOutput(wire);
        for (let off = 0; off < len; ) {
          const rec = (wire[off + 3] << 8) | wire[off + 4];
          assert.ok(rec <= mfl + 17, 'record of ' + rec + ' bytes over the limit');
          off += 5 + rec;
        }
        for (let off = 0; off < len; ) {
          off += to.receive(wire, off, len - off);
          for (let n; (n = to.read(new Uint8Array(6000))) > 0; ) got += n;
        }
      }
      assert.equal(got, big.length);
    }
  });
}

test('record_size_limit both ways', () => {
  const client = clientContext({ recordSizeLimit: 256 }).newConnection();
  const server = serverContext({ recordSizeLimit: 2048 }).newConnection();
  assert.deepEqual(handshake(client, server), [0, 0]);
  assert.equal(client.negotiated()!.maxFragment, 2048);
  assert.equal(server.negotiated()!.maxFragment, 256);
  assert.equal(exchange(server, client, 'x'.repeat(200)), 'x'.repeat(200));
});

test('post-handshake client authentication', () => {
  const client = clientContext({ postHandshakeAuth: true }, 'client-ecdsa').newConnection();
  const logs: string[] = [];
  const server = serverContext({ debug: (l) => logs.push(l) }).newConnection();
  assert.deepEqual(handshake(client, server), [0, 0]);
  assert.equal(server.negotiated()!.peerCertificates.length, 0);
  postHandshakeAuth(server, client);
  assert.ok(logs.some((l) => l.includes('post-handshake client authentication done')));
  assert.equal(exchange(client, server, 'authenticated later'), 'authenticated later');
});

test('KeyUpdate flood is refused; automatic KeyUpdate after N records', () => {
  const client = clientContext({ keyUpdateAfter: 3 }).newConnection();
  const server = serverContext().newConnection();
  assert.deepEqual(handshake(client, server), [0, 0]);
  for (let i = 0; i < 10; i++) assert.equal(exchange(client, server, 'r' + i), 'r' + i);

  for (let i = 0; i < 40; i++) server.keyUpdate(false);
  transfer(server, client);
  assert.equal(client.read(new Uint8Array(8)), ErrorCode.KEY_UPDATE_FLOOD);
  assert.equal(client.lastError()!.alertSent, Alert.unexpected_message);
});
