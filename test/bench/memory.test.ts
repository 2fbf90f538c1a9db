// bench/memory runs with tiny counts and writes well-formed JSON and
// Markdown: arena sizes, heap allocated and kept per handshake side, and
// allocation per record in steady state. No heap amount is asserted except
// what must hold whatever the machine: the connections keep at least their
// arenas. The arena sizes reported are checked against figures from outside
// the layout code: the buffers of a live connection and RFC 8446's record size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runMemory, type MemoryResult } from '../../bench/memory.js';
import { loadProviders, microContextFor } from '../../bench/lib/configs.js';
import type { Connection } from '../../core/engine/connection.js';
import { checkMachine, providerNames, readJson, readText, scratchDir } from './helpers.js';

/** RFC 8446 5.2: a protected record is a 5-byte header and at most 2^14 + 256 bytes. */
const LARGEST_RECORD = 5 + 2 ** 14 + 256;

/**
 * The arena of a live connection, measured on its buffers: the record input
 * and output buffers are views of one ArrayBuffer, in that order, with
 * nothing left over; handshake messages are written into the output buffer.
 */
function liveArena(conn: Connection): { inBuf: number; outBuf: number; total: number } {
  const { inBuf, outBuf } = conn.records;
  assert.ok(outBuf.buffer === inBuf.buffer && conn.out.buf === outBuf, 'one arena, messages written in the output buffer');
  assert.deepEqual([inBuf.byteOffset, outBuf.byteOffset, outBuf.byteOffset + outBuf.byteLength],
    [0, inBuf.byteLength, inBuf.buffer.byteLength], 'the views tile the arena');
  return { inBuf: inBuf.byteLength, outBuf: outBuf.byteLength, total: inBuf.buffer.byteLength };
}

test('memory bench: arena, handshake heap and steady-state allocation', { timeout: 120_000 }, async () => {
  const out = scratchDir();
  const providers = await providerNames();
  await runMemory({
    selection: { suites: ['TLS_AES_128_GCM_SHA256'], groups: ['x25519'], certs: ['ed25519'], modes: ['full'], star: false },
    suites: ['TLS_AES_128_GCM_SHA256'], providers, records: 50, xs: false, out, log: () => undefined,
  });
  const r = readJson<MemoryResult>(out, 'memory');
  assert.equal(r.bench, 'memory');
  checkMachine(r.machine);
  assert.equal(r.configs.length, 1);
  const crypto = await loadProviders(providers);
  for (const p of providers) {
    const h = r.configs[0].providers[p];
    for (const side of ['client', 'server'] as const) {
      const a = h.arena[side];
      const conn = microContextFor(side, r.configs[0].config, crypto.get(p)!).newConnection();
      assert.deepEqual({ inBuf: a.inBuf, outBuf: a.outBuf, total: a.total }, liveArena(conn), `${p} ${side}: the arena reported is the one a connection of this configuration holds`);
      // No max_fragment_length in this configuration: both sides take and build whole records.
      assert.equal(a.inBuf, LARGEST_RECORD, `${p} ${side}: the input buffer holds the largest record`);
      assert.ok(a.outBuf >= LARGEST_RECORD, `${p} ${side}: the output buffer holds the largest record`);
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
