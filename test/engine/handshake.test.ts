// In-memory client <-> server handshakes through the public engine API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Alert, ErrorCode, Status } from '../../core/errors.js';
import { CipherSuite, NamedGroup, SignatureScheme } from '../../core/registry.js';
import type { Connection } from '../../core/engine/connection.js';
import { clientContext, exchange, handshake, ioPair, serverContext, transfer } from './pair.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);


const suites = [
  CipherSuite.TLS_AES_128_GCM_SHA256,
  CipherSuite.TLS_AES_256_GCM_SHA384,
  CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
];
const groups = [NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.secp384r1, NamedGroup.secp521r1, NamedGroup.x448];

for (const suite of suites) {
  for (const group of groups) {
    test(`handshake suite 0x${suite.toString(16)} group 0x${group.toString(16)}`, () => {
      const client = clientContext({ cipherSuites: [suite], groups: [group] }).newConnection();
      const server = serverContext({ groups: [group] }).newConnection();
      assert.deepEqual(handshake(client, server), [0, 0]);
      const n = client.negotiated()!;
      assert.equal(n.cipherSuite, suite);
      assert.equal(n.group, group);
      assert.equal(server.negotiated()!.cipherSuite, suite);
      assert.equal(exchange(client, server, 'hello server'), 'hello server');
      assert.equal(exchange(server, client, 'hello client'), 'hello client');
    });
  }
}

const certs: [string, number][] = [
  ['server-ecdsa', SignatureScheme.ecdsa_secp256r1_sha256],
  ['server-ecdsa384', SignatureScheme.ecdsa_secp384r1_sha384],
  ['server-rsa', SignatureScheme.rsa_pss_rsae_sha256],
  ['server-rsapss', SignatureScheme.rsa_pss_pss_sha256],
  ['server-ed25519', SignatureScheme.ed25519],
  ['server-ed448', SignatureScheme.ed448],
];
for (const [name, scheme] of certs) {
  test(`server certificate ${name} signs with its scheme`, () => {
    const client = clientContext().newConnection();
    const server = serverContext({}, name).newConnection();
    assert.deepEqual(handshake(client, server), [0, 0]);
    assert.equal(client.negotiated()!.signatureScheme, scheme);
    assert.ok(client.negotiated()!.peerCertificates.length >= 1);
  });
}

test('HelloRetryRequest when the client shares a group the server does not take', () => {
  const logs: string[] = [];
  const client = clientContext({ groups: [NamedGroup.x25519, NamedGroup.secp256r1] }).newConnection();
  const server = serverContext({ groups: [NamedGroup.secp256r1], debug: (l) => logs.push(l) }).newConnection();
  assert.deepEqual(handshake(client, server), [0, 0]);
  assert.equal(client.negotiated()!.group, NamedGroup.secp256r1);
  assert.ok(logs.some((l) => l.includes('HELLO_RETRY_REQUEST_SENT')));
  assert.equal(exchange(client, server, 'after retry'), 'after retry');
});

test('no common group fails with handshake_failure at the client', () => {
  const client = clientContext({ groups: [NamedGroup.x25519] }).newConnection();
  const server = serverContext({ groups: [NamedGroup.secp384r1] }).newConnection();
  const [c, s] = handshake(client, server);
  assert.equal(s, ErrorCode.NO_SHARED_GROUP);
  assert.equal(c, ErrorCode.FATAL_ALERT_RECEIVED);
  assert.equal(client.lastError()!.alertReceived, Alert.handshake_failure);
});

for (const clientCert of ['client-ecdsa', 'client-rsa', 'client-ed25519']) {
  test(`mutual authentication with ${clientCert}`, () => {
    const client = clientContext({}, clientCert).newConnection();
    const server = serverContext({ verify: 'require' }).newConnection();
    assert.deepEqual(handshake(client, server), [0, 0]);
    assert.equal(server.negotiated()!.peerCertificates.length, 1);
    assert.equal(exchange(client, server, 'authenticated'), 'authenticated');
  });
}

test('client without certificate: required -> certificate_required; optional -> accepted', () => {
  let client = clientContext().newConnection();
  let server = serverContext({ verify: 'require' }).newConnection();
  const [c, s] = handshake(client, server);
  assert.equal(s, ErrorCode.CERTIFICATE_REQUIRED);
  assert.equal(c, ErrorCode.FATAL_ALERT_RECEIVED);
  assert.equal(client.lastError()!.alertReceived, Alert.certificate_required);

  client = clientContext().newConnection();
  server = serverContext({ verify: 'optional' }).newConnection();
  assert.deepEqual(handshake(client, server), [0, 0]);
  assert.equal(server.negotiated()!.peerCertificates.length, 0);
});

test('hostname mismatch and unknown CA are refused by the client', () => {
  let client = clientContext({ serverName: 'wrong.test' }).newConnection();
  let [c] = handshake(client, serverContext().newConnection());
  assert.equal(c, ErrorCode.HOSTNAME_MISMATCH);
  assert.equal(client.lastError()!.alertSent, Alert.bad_certificate);

  client = clientContext().newConnection();
  [c] = handshake(client, serverContext({}, 'server-otherca').newConnection());
  assert.equal(c, ErrorCode.UNKNOWN_CA);
  assert.equal(client.lastError()!.alertSent, Alert.unknown_ca);
});

test('tampered application record ends in bad_record_mac on both sides', () => {
  const client = clientContext().newConnection();
  const server = serverContext().newConnection();
  assert.deepEqual(handshake(client, server), [0, 0]);
  client.write(enc('tamper with me'));
  const wire = new Uint8Array(client.outputLength());
  client.takeOutput(wire);
  wire[wire.length - 3] ^= 1;
  server.receive(wire);
  const buf = new Uint8Array(64);
  assert.equal(server.read(buf), ErrorCode.BAD_RECORD_MAC);
  assert.equal(server.lastError()!.alertSent, Alert.bad_record_mac);
  transfer(server, client);
  assert.equal(client.read(buf), ErrorCode.FATAL_ALERT_RECEIVED);
  assert.equal(client.lastError()!.alertReceived, Alert.bad_record_mac);
});

test('close_notify in both directions', () => {
  const client = clientContext().newConnection();
  const server = serverContext().newConnection();
  assert.deepEqual(handshake(client, server), [0, 0]);
  assert.equal(client.shutdown(), 0);
  transfer(client, server);
  const buf = new Uint8Array(16);
  assert.equal(server.read(buf), 0);
  assert.equal(server.shutdown(), 0);
  transfer(server, client);
  assert.equal(client.read(buf), 0);
});

test('KeyUpdate with update_requested: both directions move to new keys', () => {
  const client = clientContext().newConnection();
  const server = serverContext().newConnection();
  assert.deepEqual(handshake(client, server), [0, 0]);
  client.keyUpdate(true);
  transfer(client, server);
  assert.equal(exchange(client, server, 'after client update'), 'after client update');
  // The server answered update_requested with its own KeyUpdate.
  assert.equal(exchange(server, client, 'after server update'), 'after server update');
  server.keyUpdate(false);
  assert.equal(exchange(server, client, 'second server update'), 'second server update');
});

test('large writes are split into records and read back intact', () => {
  const client = clientContext().newConnection();
  const server = serverContext().newConnection();
  assert.deepEqual(handshake(client, server), [0, 0]);
  const data = new Uint8Array(100_000).map((_, i) => (i * 31) & 0xff);
  const got = new Uint8Array(data.length);
  const wire = new Uint8Array(40_000);
  let wireLen = 0;
  let sent = 0;
  let recv = 0;
  for (let rounds = 0; recv < data.length && rounds < 1000; rounds++) {
    if (sent < data.length) {
      const n = client.write(data, sent, data.length - sent);
      if (n > 0) sent += n;
    }
    wireLen += client.takeOutput(wire, wireLen);
    // The server takes what fits; the rest waits on the wire until it reads.
    const took = server.receive(wire, 0, wireLen);
    wire.copyWithin(0, took, wireLen);
    wireLen -= took;
    for (;;) {
      const n = server.read(got, recv, got.length - recv);
      if (n <= 0) break;
      recv += n;
    }
  }
  assert.equal(recv, data.length);
  assert.deepEqual(got, data);
});

test('sans-IO and IO callbacks produce the same bytes for the same randomness', () => {
  // A deterministic random source makes both runs comparable byte for byte.
  const seeded = (seed: string) => {
    let counter = 0;
    return (dst: Uint8Array) => {
      for (let off = 0; off < dst.length; off += 32) {
        const block = createHash('sha256').update(seed + ':' + counter++).digest();
        dst.set(block.subarray(0, Math.min(32, dst.length - off)), off);
      }
    };
  };
  const t0 = Date.now();
  const now = () => t0;
  // Returns everything each side sent: [client bytes, server bytes] as hex.
  const run = (mode: 'sans' | 'io'): [string, string] => {
    const sent = { c: '', s: '' };
    const cctx = clientContext({ random: seeded('c'), now });
    const sctx = serverContext({ random: seeded('s'), now });
    if (mode === 'sans') {
      const client = cctx.newConnection();
      const server = sctx.newConnection();
      const take = (c: Connection): Buffer => {
        const b = new Uint8Array(c.outputLength());
        c.takeOutput(b);
        return Buffer.from(b);
      };
      for (let i = 0; i < 10; i++) {
        client.connect();
        const c2s = take(client);
        sent.c += c2s.toString('hex');
        server.receive(c2s);
        server.accept();
        const s2c = take(server);
        sent.s += s2c.toString('hex');
        client.receive(s2c);
      }
      client.write(enc('ping'));
      sent.c += take(client).toString('hex');
      return [sent.c, sent.s];
    }
    // IO mode over a transport that moves at most 7 bytes per call.
    const [cio, sio] = ioPair(7);
    const tap = (side: 'c' | 's', io: typeof cio) => ({
      recv: io.recv,
      send(buf: Uint8Array, off: number, len: number) {
        const n = io.send(buf, off, len);
        sent[side] += Buffer.from(buf.subarray(off, off + n)).toString('hex');
        return n;
      },
    });
    const client = cctx.newConnection(tap('c', cio));
    const server = sctx.newConnection(tap('s', sio));
    let c: number = Status.WANT_READ;
    let s: number = Status.WANT_READ;
    for (let i = 0; i < 200 && (c !== 0 || s !== 0); i++) {
      if (c !== 0) c = client.connect();
      if (s !== 0) s = server.accept();
    }
    assert.deepEqual([c, s], [0, 0]);
    assert.equal(client.write(enc('ping')), 4);
    return [sent.c, sent.s];
  };
  const io = run('io');
  const sans = run('sans');
  assert.ok(io[0].length > 200 && io[1].length > 1000);
  assert.deepEqual(io, sans);
});
