// The fleet simulation: same seed, same traffic and virtual timings; the
// link's latency and bandwidth show in the handshake time as the model
// says; resumption and PSK are negotiated; failures and timeouts named.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Status } from '../../core/errors.js';
import { runFleet, type ConnResult, type FleetOptions } from '../../ports/node/sim/fleet.js';
import { DEFAULT_LINK, parseLink } from '../../ports/node/sim/link.js';
import { PROFILES } from '../../ports/node/sim/profiles.js';
import { clientContext, pki, serverContext } from '../engine/pair.js';

function options(o: Partial<FleetOptions> = {}): FleetOptions {
  return {
    devices: 1, serverProfile: 'default', deviceProfile: 'default', link: DEFAULT_LINK, seed: 1, kind: 'full',
    connections: 1, messages: 1, messageBytes: 32, spacingMs: 10, pauseMs: 100, timeoutMs: 30_000,
    pki: { ca: pki('ca.crt'), serverChain: pki('server-ecdsa-chain.crt'), serverKey: pki('server-ecdsa.key') },
    ...o,
  };
}

/** A result without the real-time CPU figures, which differ from run to run. */
function virtual(r: ConnResult): Partial<ConnResult> {
  const v: Partial<ConnResult> = { ...r };
  delete v.clientCpuMs;
  delete v.serverCpuMs;
  delete v.clientMaxStepMs;
  delete v.serverMaxStepMs;
  return v;
}

test('the same seed gives identical traffic and virtual-time results; another seed different traffic', () => {
  const o = options({ devices: 4, kind: 'resume', connections: 2, messages: 2, link: parseLink('split=random,mtu=200') });
  const a = runFleet(o);
  const b = runFleet(o);
  assert.equal(a.connections.length, 8);
  assert.ok(a.connections.every((c) => c.ok));
  assert.equal(a.trafficDigest, b.trafficDigest);
  assert.deepEqual(a.connections.map(virtual), b.connections.map(virtual));
  assert.equal(a.virtualMs, b.virtualMs);
  assert.equal(a.events, b.events);
  const c = runFleet({ ...o, seed: 2 });
  assert.notEqual(c.trafficDigest, a.trafficDigest);
});

test('latency: the handshake takes round trips x 2 x one-way latency on an unlimited link; more latency adds exactly that', () => {
  const at = (ms: number): ConnResult => runFleet(options({ link: parseLink('bandwidth=inf,latency=' + ms + 'ms') })).connections[0];
  const a = at(50);
  const b = at(100);
  assert.equal(a.roundTrips, 1);
  assert.equal(a.handshakeMs, 100);
  assert.equal(b.handshakeMs - a.handshakeMs, a.roundTrips * 2 * 50);
  // The server is done when the device's Finished arrives: half a round trip later.
  assert.equal(a.serverHandshakeMs, 150);
});

/** ClientHello plus the server's flight up to its Finished, measured in memory with the default profile. */
function criticalBytes(): number {
  const p = PROFILES.default;
  const c = clientContext({ cipherSuites: p.cipherSuites, groups: p.groups, signatureSchemes: p.signatureSchemes }).newConnection();
  const s = serverContext().newConnection();
  c.connect();
  const buf = new Uint8Array(16384);
  const hello = c.takeOutput(buf);
  s.receive(buf, 0, hello);
  assert.equal(s.accept(), Status.WANT_READ);
  return hello + s.takeOutput(buf);
}

test('bandwidth: serializing the ClientHello and the server flight adds their bytes / bandwidth', () => {
  const at = (kbit: number, ms: number): number =>
    runFleet(options({ link: parseLink('bandwidth=' + kbit + 'kbit,latency=' + ms + 'ms,mtu=536') })).connections[0].handshakeMs;
  const t250 = at(250, 0);
  const t125 = at(125, 0);
  assert.ok(Math.abs(t125 - 2 * t250) < 1e-6); // half the bandwidth, twice the time
  // Independently: the bytes of a handshake like it, within a few bytes (ECDSA signatures vary in length).
  const bytes = (t250 * 250_000) / 8000;
  assert.ok(Math.abs(bytes - criticalBytes()) <= 4, bytes + ' bytes on the wire vs ' + criticalBytes());
  // Latency and bandwidth add up.
  assert.ok(Math.abs(at(250, 50) - (t250 + 100)) < 1e-6);
});

test('resumption and external PSK are negotiated on reconnects, with fewer bytes than a full handshake', () => {
  const resumed = runFleet(options({ devices: 2, kind: 'resume', connections: 3 })).connections;
  assert.deepEqual(resumed.map((c) => c.mode), ['full', 'full', 'resumed', 'resumed', 'resumed', 'resumed']);
  assert.ok(resumed.every((c) => c.ok));
  assert.ok(resumed[2].bytesDown < resumed[0].bytesDown / 2);
  assert.ok(resumed[2].handshakeMs < resumed[0].handshakeMs);
  const psk = runFleet(options({ devices: 2, kind: 'psk' })).connections;
  assert.deepEqual(psk.map((c) => [c.mode, c.ok]), [['psk', true], ['psk', true]]);
});

test('failures carry the error name: a device that accepts only RSA signatures against an ECDSA server', () => {
  const r = runFleet(options({ devices: 2, deviceProfile: 'rsa' })).connections;
  for (const c of r) {
    assert.equal(c.ok, false);
    assert.equal(c.mode, null);
    assert.match(c.error ?? '', /handshake_failure/);
  }
});

test('a connection that cannot finish in time fails with TIMEOUT on the virtual clock', () => {
  const r = runFleet(options({ link: parseLink('latency=20s'), timeoutMs: 30_000 })).connections[0];
  assert.equal(r.ok, false);
  assert.equal(r.error, 'TIMEOUT');
  assert.equal(r.sessionMs, 30_000);
});
