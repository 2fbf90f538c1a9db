// bench/handshake runs with tiny counts and writes well-formed JSON, Markdown
// and SVG: every configuration has engine times, a crypto floor that
// follows the mode, node:tls and microtls over a duplex pair in one process,
// and loopback TCP rows for microtls and node:tls in each pairing; the
// speed-ups of resumption and psk_ke. No timing is asserted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runHandshake, type HandshakeResult } from '../../bench/handshake.js';
import { chartSeries, checkMachine, providerNames, readJson, readText, scratchDir } from './helpers.js';

test('handshake bench: full and resumption, in memory and over loopback TCP', { timeout: 180_000 }, async () => {
  const out = scratchDir();
  const providers = await providerNames();
  assert.ok(providers.includes('noble'));
  await runHandshake({
    selection: { suites: ['TLS_AES_128_GCM_SHA256'], groups: ['x25519'], certs: ['ecdsa-p256'], modes: ['full', 'resumption'], star: false },
    providers, n: 3, tcpN: 2, warmup: 1, tcp: true, xsN: null, out, log: () => undefined,
  });
  const r = readJson<HandshakeResult>(out, 'handshake');
  assert.equal(r.bench, 'handshake');
  checkMachine(r.machine);
  assert.deepEqual(r.options.providers, providers);
  assert.deepEqual(r.configs.map((c) => c.config.mode), ['full', 'resumption']);

  const pairings = ['node:tls → node:tls', ...providers.flatMap((p) => [
    `microtls/${p} → microtls/${p}`, `microtls/${p} → node:tls`, `node:tls → microtls/${p}`])];
  for (const c of r.configs) {
    for (const p of providers) {
      const e = c.engine[p];
      // The default configuration (full) carries the goals: 30 handshakes in 10 rounds whatever n says.
      assert.equal(e.client.n, c.config.mode === 'full' ? 30 : 3);
      assert.equal(e.rounds, c.config.mode === 'full' ? 10 : 3);
      assert.ok(e.client.median > 0 && e.server.median > 0 && e.clientMs > 0 && e.serverMs > 0, `${c.label} ${p} engine times`);
      assert.ok(e.wire.client.plainHandshake > 0 && e.wire.server.encrypted > 0, 'wire bytes');
      assert.ok(e.arena.client > 0 && e.arena.server > 0);
      assert.ok(e.floor.clientMs > 0 && e.floor.serverMs > 0);
      for (const op of e.floor.ops) assert.ok(op.msEach > 0 && op.count >= 1, op.op);
      // Certificates are checked and signed in a full handshake, not in a resumed one.
      const signatureOps = e.floor.ops.filter((o) => /^(sign|verify) /.test(o.op));
      if (c.config.mode === 'full') {
        assert.ok(signatureOps.some((o) => o.side === 'client' && o.op.startsWith('verify')));
        assert.ok(signatureOps.some((o) => o.side === 'server' && o.op.startsWith('sign')));
      } else {
        assert.equal(signatureOps.length, 0);
      }
      assert.ok(e.overFloor.client! > 0 && e.overFloor.server! > 0);
    }
    assert.deepEqual(Object.keys(c.duplex), ['node:tls', ...providers.map((p) => 'microtls/' + p)]);
    for (const [name, d] of Object.entries(c.duplex)) assert.ok(d.cpuMs > 0 && d.rounds.length === 3, name);
    for (const p of providers) assert.ok(c.duplexRatio[p]! > 0);
    assert.deepEqual(Object.keys(c.tcp).sort(), pairings.slice().sort());
    for (const [name, t] of Object.entries(c.tcp)) {
      assert.deepEqual(t.errors, [], name);
      assert.equal(t.wallMs.n, 2, name);
      assert.equal(t.serverCpuMs.n, 2, name);
      assert.ok(t.wallMs.median > 0 && t.clientCpuMs.median >= 0 && t.serverCpuMs.median >= 0, name);
      assert.equal(t.clientEngineMs !== null, t.client.startsWith('microtls'), name);
      assert.equal(t.serverEngineMs !== null, t.server.startsWith('microtls'), name);
    }
    for (const p of providers) assert.ok(c.ratios[p].wall! > 0 && c.ratios[p].microClientWall! > 0);
  }
  const micro = providers.map((p) => 'microtls/' + p);
  assert.deepEqual(r.speedups.map((x) => `${x.impl} ${x.transport}`),
    [...micro.map((m) => m + ' in memory'), ...['node:tls', ...micro].map((m) => m + ' duplex pair')]);
  for (const x of r.speedups) assert.ok(x.fullMs > 0 && x.resumption! > 0 && x.psk! > 0, x.impl);
  assert.equal(r.xs.status, 'skipped'); // xsN: null (test/bench/xs.test.ts runs XS)

  const md = readText(out, 'handshake.md');
  assert.match(md, /^# Handshake benchmark/);
  for (const c of r.configs) assert.ok(md.includes(c.label), c.label);
  assert.match(md, /\| client → server \| wall \|/);
  assert.match(md, /## One process over a duplex pair/);
  assert.match(md, /\| implementation \| measured \| full \| resumption \| psk_ke \|/);
  assert.deepEqual(chartSeries(out, 'handshake.svg').sort(), pairings.slice().sort());
  const p = providers[0];
  assert.deepEqual(chartSeries(out, 'handshake-cpu.svg'),
    ['client', 'server'].flatMap((side) => [`microtls/${p} ${side}`, `node:tls ${side}`, `${p} crypto floor ${side}`]));
});
