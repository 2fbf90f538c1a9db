// Captures the ClientHello that `openssl s_client -tls1_3` sends to a plain
// TCP listener and parses it: the fields must be the ones asked for on the
// command line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { asciiString } from '../../core/bytes/ascii.js';
import { Reader } from '../../core/bytes/reader.js';
import { parseClientHello, readHandshake } from '../../core/handshake/messages.js';
import { ContentType, HandshakeType } from '../../core/registry.js';

/** Runs s_client against a local listener and returns the first TLS record it sends. */
async function captureFirstRecord(args: string[]): Promise<Uint8Array> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const child = spawn('openssl', ['s_client', '-connect', '127.0.0.1:' + port, ...args], { stdio: ['ignore', 'ignore', 'ignore'] });
  try {
    return await new Promise<Uint8Array>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no ClientHello within 10 s')), 10000);
      child.on('error', reject);
      server.on('connection', (sock) => {
        let got = Buffer.alloc(0);
        sock.on('data', (d: Buffer) => {
          got = Buffer.concat([got, d]);
          if (got.length >= 5 && got.length >= 5 + got.readUInt16BE(3)) {
            clearTimeout(timer);
            resolve(new Uint8Array(got.subarray(0, 5 + got.readUInt16BE(3))));
            sock.destroy();
          }
        });
        sock.on('error', () => {});
      });
    });
  } finally {
    child.kill();
    server.close();
  }
}

function helloFromRecord(record: Uint8Array) {
  const r = new Reader(record);
  assert.equal(r.u8(), ContentType.handshake);
  r.u16(); // legacy_record_version
  const fragment = r.sub16();
  const msg = readHandshake(fragment);
  fragment.expectEnd();
  assert.equal(msg.type, HandshakeType.client_hello);
  return parseClientHello(msg.body);
}

test('parses the ClientHello of openssl s_client -tls1_3', async () => {
  const ch = helloFromRecord(await captureFirstRecord(['-tls1_3', '-groups', 'X25519:P-256', '-servername', 'example.test']));
  assert.equal(ch.legacyVersion, 0x0303);
  assert.equal(ch.random.length, 32);
  assert.equal(ch.sessionId.length, 32); // middlebox compatibility mode
  for (const suite of [0x1301, 0x1302, 0x1303]) assert.ok(ch.cipherSuites.includes(suite), 'suite ' + suite.toString(16));
  const e = ch.ext;
  assert.deepEqual(e.supportedVersions, [0x0304]);
  assert.deepEqual(e.supportedGroups, [0x1d, 0x17]);
  assert.equal(asciiString(e.serverName!), 'example.test');
  assert.equal(e.keyShares!.length, 1);
  assert.equal(e.keyShares![0].group, 0x1d);
  assert.equal(e.keyShares![0].keyExchange.length, 32);
  assert.deepEqual(e.pskModes, [1]);
  assert.ok(e.signatureAlgorithms!.includes(0x0804) && e.signatureAlgorithms!.includes(0x0403));
  assert.equal(ch.bindersOffset, -1);
});

test('parses ALPN and status_request from openssl s_client', async () => {
  const ch = helloFromRecord(
    await captureFirstRecord(['-tls1_3', '-groups', 'P-256', '-servername', 'example.test', '-alpn', 'h2,http/1.1', '-status']),
  );
  assert.deepEqual(ch.ext.alpn!.map(asciiString), ['h2', 'http/1.1']);
  assert.equal(ch.ext.statusRequest, true);
  assert.deepEqual(ch.ext.supportedGroups, [0x17]);
  assert.equal(ch.ext.keyShares![0].group, 0x17);
  assert.equal(ch.ext.keyShares![0].keyExchange.length, 65);
});
