// The Espruino client profile (ports/espruino) in this process, on the
// modelled built-ins: PSK handshakes in memory against the microtls server
// for each suite and both key exchange modes, with data of several records
// both ways, and the arena's size. Over the network, the same profile runs
// bundled on the real interpreter (real-engine.test.ts).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import type { Connection } from '../../core/engine/connection.js';
import { Status } from '../../core/errors.js';
import { CipherSuite, NamedGroup } from '../../core/registry.js';
import { espruinoContext } from '../../ports/espruino/config.js';
import type { EspruinoCrypto } from '../../ports/espruino/espruino.js';
import { handshake, random } from '../engine/pair.js';
import { espruinoBuiltins, nodeHost } from './env.js';
import { IDENTITY, KEY_HEX, pskServerContext } from './psk-peer.js';

const builtins = espruinoBuiltins(nodeHost());
(globalThis as { E?: unknown }).E = builtins.E; // the Espruino global the port's socket code uses
const crypto = builtins.modules.crypto as EspruinoCrypto;

const psk = { identity: IDENTITY, key: KEY_HEX };

/**
 * Sends `data` from one side to the other in memory and reads it all,
 * moving only as many bytes as the receiver's record buffer takes (it holds
 * about one 1024-byte record).
 */
function send(from: Connection, to: Connection, data: Uint8Array): Uint8Array {
  const got = new Uint8Array(data.length);
  const scratch = new Uint8Array(8192);
  let wire = new Uint8Array(0);
  let written = 0;
  let read = 0;
  for (let round = 0; read < data.length; round++) {
    assert.ok(round < 10000, 'no progress after ' + read + ' bytes');
    if (written < data.length) {
      const n = from.write(data, written);
      if (n > 0) written += n;
      else assert.equal(n, Status.WANT_WRITE);
    }
    const k = from.takeOutput(scratch);
    if (k > 0) wire = Buffer.concat([wire, scratch.subarray(0, k)]);
    wire = wire.subarray(to.receive(wire));
    for (;;) {
      const n = to.read(got, read);
      if (n <= 0) {
        assert.equal(n, Status.WANT_READ, JSON.stringify(to.lastError()));
        break;
      }
      read += n;
    }
  }
  return got;
}

const SUITES = [CipherSuite.TLS_AES_128_CCM_8_SHA256, CipherSuite.TLS_AES_128_CCM_SHA256, CipherSuite.TLS_AES_128_GCM_SHA256];

for (const suite of SUITES) {
  for (const dhe of [false, true]) {
    test(`in memory: suite 0x${suite.toString(16)}, ${dhe ? 'psk_dhe_ke' : 'psk_ke'}`, () => {
      const client = espruinoContext(crypto, { psk, dhe, cipherSuites: [suite], random }).newConnection();
      const server = pskServerContext().newConnection();
      assert.deepEqual(handshake(client, server), [0, 0], JSON.stringify([client.lastError(), server.lastError()]));
      const n = client.negotiated()!;
      assert.equal(n.mode, 'psk');
      assert.equal(n.pskMode, dhe ? 'psk_dhe_ke' : 'psk_ke');
      assert.equal(n.cipherSuite, suite);
      assert.equal(n.group, dhe ? NamedGroup.x25519 : null);
      assert.equal(n.maxFragment, 1024, 'max_fragment_length 1024 negotiated');
      assert.equal(server.negotiated()!.maxFragment, 1024);
      const up = new Uint8Array(randomBytes(3000));
      assert.deepEqual(send(client, server, up), up);
      const down = new Uint8Array(randomBytes(2500));
      assert.deepEqual(send(server, client, down), down);
    });
  }
}

test('in memory: a wrong key or an unknown identity fails with the right alert', () => {
  const wrongKey = espruinoContext(crypto, { psk: { identity: IDENTITY, key: randomBytes(32).toString('hex') }, random }).newConnection();
  const s1 = pskServerContext().newConnection();
  const [c1] = handshake(wrongKey, s1);
  assert.ok(c1 < -100);
  assert.equal(wrongKey.lastError()!.alertReceived, 51, 'decrypt_error (bad binder)');
  const unknown = espruinoContext(crypto, { psk: { identity: 'nobody', key: KEY_HEX }, random }).newConnection();
  const s2 = pskServerContext().newConnection();
  const [c2] = handshake(unknown, s2);
  assert.ok(c2 < -100);
  assert.equal(unknown.lastError()!.alertReceived, 115, 'unknown_psk_identity');
});

test('the arena follows max_fragment_length: smaller fragments, smaller arena', () => {
  const at = (mfl: 512 | 1024 | 4096) => espruinoContext(crypto, { psk, maxFragmentLength: mfl, random }).newConnection().arenaBytes;
  assert.ok(at(512) < at(1024) && at(1024) < at(4096));
  assert.ok(at(1024) < 16384, 'arena of ' + at(1024) + ' bytes');
});
