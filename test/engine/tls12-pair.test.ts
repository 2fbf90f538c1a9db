// A microtls TLS 1.2 client and server in memory: the server's states in
// the debug log for a mutual-authentication handshake, and the record limits
// (max_fragment_length; record_size_limit, which in TLS 1.2 counts the
// plaintext alone, RFC 8449 4: our client sends TLS 1.3's value, one more)
// holding for the server's records.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Connection } from '../../core/engine/connection.js';
import { TLS12 } from '../../core/registry.js';
import { clientContext, exchange, handshake, serverContext, transfer } from './pair.js';

const TLS12_ONLY = { minVersion: TLS12, maxVersion: TLS12 };

test('TLS 1.2 mutual authentication in memory: the server\'s states in order, and data both ways', () => {
  const log: string[] = [];
  const debug = (line: string): void => void log.push(line);
  const client = clientContext({ ...TLS12_ONLY }, 'client-ecdsa').newConnection();
  const server = serverContext({ debug, verify: 'require' }).newConnection();
  assert.deepEqual(handshake(client, server), [0, 0]);
  assert.equal(server.negotiated()?.version, TLS12);
  assert.equal(server.negotiated()?.peerCertificates.length, 1);
  assert.deepEqual(log.filter((l) => l.startsWith('accept state: ')).map((l) => l.slice(14)), [
    'START', 'CLIENT_HELLO_RECEIVED', 'SERVER_HELLO_DONE_SENT', 'CLIENT_CERTIFICATE_RECEIVED', 'CLIENT_KEY_EXCHANGE_RECEIVED',
    'CERTIFICATE_VERIFY_RECEIVED', 'CHANGE_CIPHER_SPEC_RECEIVED', 'CONNECTED',
  ]);
  assert.equal(exchange(client, server, 'up'), 'up');
  assert.equal(exchange(server, client, 'down'), 'down');
});

/** Largest record payload (ciphertext after the header) the server sent for 3000 bytes of data. */
function largestRecord(client: Connection, server: Connection): number {
  const data = new Uint8Array(3000).fill(0x41);
  assert.equal(server.write(data), 3000);
  const out = new Uint8Array(server.outputLength());
  server.takeOutput(out);
  let max = 0;
  for (let p = 0; p + 5 <= out.length; p += 5 + ((out[p + 3] << 8) | out[p + 4])) max = Math.max(max, (out[p + 3] << 8) | out[p + 4]);
  // The client's record buffer takes one record at a time: hand it over as it reads.
  const buf = new Uint8Array(4096);
  let got = 0;
  for (let off = 0, rounds = 0; got < 3000 && rounds < 100; rounds++) {
    off += client.receive(out, off);
    for (let n; (n = client.read(buf)) > 0; ) got += n;
  }
  assert.equal(got, 3000);
  return max;
}

for (const [what, opts, limit] of [
  ['max_fragment_length 1024', { maxFragmentLength: 1024 }, 1024],
  ['record_size_limit 1000', { recordSizeLimit: 1000 }, 1001],
] as const) {
  test(`TLS 1.2 ${what}: the server's records keep to it`, () => {
    const client = clientContext({ ...TLS12_ONLY, ...opts }).newConnection();
    const server = serverContext().newConnection();
    assert.deepEqual(handshake(client, server), [0, 0]);
    transfer(server, client);
    assert.equal(server.negotiated()?.maxFragment, limit);
    // AES-128-GCM in TLS 1.2: 8 bytes of explicit nonce and 16 of tag around the plaintext.
    assert.equal(largestRecord(client, server), limit + 8 + 16);
  });
}
