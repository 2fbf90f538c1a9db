// The Espruino client profile (ports/espruino) in this process, on the
// modelled built-ins: PSK handshakes in memory against the microtls server
// for each suite and both key exchange modes, then the Espruino TLS socket
// over the modelled net module against a microtls server and
// `openssl s_server -psk` on 127.0.0.1.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, test } from 'node:test';
import type { Connection } from '../../core/engine/connection.js';
import { Status } from '../../core/errors.js';
import { CipherSuite, NamedGroup } from '../../core/registry.js';
import { connect, type TlsError } from '../../ports/espruino/client.js';
import { espruinoContext } from '../../ports/espruino/config.js';
import type { EspruinoCrypto, EspruinoNet } from '../../ports/espruino/espruino.js';
import { handshake, random } from '../engine/pair.js';
import { cleanup, opensslServer, within } from '../helpers/peers.js';
import { espruinoBuiltins, nodeHost } from './env.js';
import { IDENTITY, KEY_HEX, listenPsk, pskServerContext } from './psk-peer.js';

after(cleanup);

const builtins = espruinoBuiltins(nodeHost());
(globalThis as { E?: unknown }).E = builtins.E; // the Espruino global the port's socket code uses
const crypto = builtins.modules.crypto as EspruinoCrypto;
const net = builtins.modules.net as EspruinoNet;

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

interface Run {
  reply: string;
  events: string[];
  error: TlsError | null;
}

/** Connects the Espruino TLS socket, sends one line, collects the reply line, ends. */
function espruinoExchange(port: number, line: string, dhe = false, cipherSuites?: number[]): Promise<Run> {
  const run: Run = { reply: '', events: [], error: null };
  return within(new Promise<Run>((resolve) => {
    const c = connect({ host: '127.0.0.1', port, net, crypto, psk, dhe, cipherSuites }, () => {
      run.events.push('secure');
      c.write(line + '\n');
    });
    c.on('data', (d) => {
      run.reply += d;
      if (run.reply.indexOf('\n') >= 0) c.end();
    });
    c.on('end', () => run.events.push('end'));
    c.on('error', (e) => {
      run.error = e;
      run.events.push('error');
    });
    c.on('close', () => {
      run.events.push('close');
      resolve(run);
    });
  }), 10000, 'Espruino TLS exchange');
}

test('Espruino TLS socket over the modelled net module against a microtls server', { timeout: 20000 }, async () => {
  const srv = await listenPsk();
  const run = await espruinoExchange(srv.port, 'hello from espruino', true);
  assert.equal(run.error, null);
  assert.equal(run.reply, 'microtls heard: hello from espruino\n');
  assert.equal(run.events[0], 'secure');
  assert.equal(run.events[run.events.length - 1], 'close');
  assert.equal(await within(srv.closed, 5000, 'server end'), 0, 'the server read our close_notify');
});

test('Espruino TLS socket against openssl s_server -psk (CCM_8, psk_ke and psk_dhe_ke)', { timeout: 20000 }, async () => {
  for (const dhe of [false, true]) {
    const srv = await opensslServer({
      cert: undefined, chain: undefined, ciphersuites: 'TLS_AES_128_CCM_8_SHA256',
      extra: ['-nocert', '-psk', KEY_HEX, '-psk_identity', IDENTITY, '-allow_no_dhe_kex'],
    });
    const run = await espruinoExchange(srv.port, 'hello openssl', dhe, [CipherSuite.TLS_AES_128_CCM_8_SHA256]);
    assert.equal(run.error, null, JSON.stringify(run.error) + '\n' + srv.output());
    assert.equal(run.reply, 'lssnepo olleh\n');
    await srv.stop();
  }
});
