// bench/memory runs with tiny counts and writes well-formed JSON and
// Markdown: arena sizes, heap allocated and kept per handshake side, and
// allocation per record in steady state. No amount is asserted except what
// must hold whatever the machine: the connections keep at least their arenas.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runMemory, type MemoryResult } from '../../bench/memory.js';
import { checkMachine, providerNames, readJson, readText, scratchDir } from './helpers.js';

test('memory bench: arena, handshake heap and steady-state allocation', { timeout: 120_000 }, async () => {
  const out = scratchDir();
  const providers = await providerNames();
  await runMemory({
    selection: { suites: ['TLS_AES_128_GCM_SHA256'], groups: ['x25519'], certs: ['ed25519'], modes: ['full'], star: false },
    providers, records: 50, xs: false, out, log: () => undefined,
  });
  const r = readJson<MemoryResult>(out, 'memory');
  assert.equal(r.bench, 'memory');
  checkMachine(r.machine);
  assert.equal(r.configs.length, 1);
  for (const p of providers) {
    const h = r.configs[0].providers[p];
    for (const side of ['client', 'server'] as const) {
      const a = h.arena[side];
      assert.equal(a.inBuf + a.outBuf + a.handshakeIn + a.handshakeOut, a.total);
      assert.ok(a.inBuf > 16384, 'an input buffer holds a whole record');
      assert.ok(h.allocated[side] > 0, `${p} ${side}: a handshake allocates`);
      // The arena is an ArrayBuffer the connection keeps: external memory counts.
      assert.ok(h.retained[side] >= a.total, `${p} ${side}: kept ${h.retained[side]} < arena ${a.total}`);
    }
  }
  assert.deepEqual(r.steadyState.map((s) => s.provider), providers);
  for (const s of r.steadyState) {
    for (const dir of [s.write, s.read]) {
      assert.equal(dir.records, 50);
      assert.equal(dir.runs.length, 5);
      assert.ok(Number.isFinite(dir.bytesPerRecord));
    }
    // node:crypto's own API allocates per record (a Cipher and its output): measured beside the provider.
    if (s.provider === 'node-crypto') assert.ok(s.apiFloor!.write > 0 && s.apiFloor!.read > 0);
    else assert.equal(s.apiFloor, null);
  }
  const md = readText(out, 'memory.md');
  assert.match(md, /^# Memory benchmark/);
  assert.match(md, /## Steady state/);
  assert.ok(md.includes(r.configs[0].label));
});
