// bench/throughput runs with tiny counts and writes well-formed JSON,
// Markdown and SVG: one row per variant (TCP, node:tls, microtls per
// provider) with every message size. No timing is asserted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runThroughput, type ThroughputResult } from '../../bench/throughput.js';
import { chartSeries, checkMachine, providerNames, readJson, readText, scratchDir } from './helpers.js';

test('throughput bench: round trips per size for TCP, node:tls and microtls', { timeout: 120_000 }, async () => {
  const out = scratchDir();
  const providers = await providerNames();
  const sizes = [16, 4096];
  await runThroughput({ suites: ['TLS_CHACHA20_POLY1305_SHA256'], providers, sizes, roundTrips: 4, out, log: () => undefined });
  const r = readJson<ThroughputResult>(out, 'throughput');
  assert.equal(r.bench, 'throughput');
  checkMachine(r.machine);
  assert.deepEqual(r.options.sizes, sizes);
  const names = r.variants.map((v) => v.name);
  for (const n of ['TCP', 'node:tls ChaCha20-Poly1305', ...providers.map((p) => `microtls/${p} ChaCha20-Poly1305`)]) {
    assert.ok(names.includes(n), n);
  }
  for (const v of r.variants) {
    assert.deepEqual(v.sizes.map((s) => s.size), sizes, v.name);
    for (const s of v.sizes) {
      assert.equal(s.us.n, 4);
      assert.ok(s.us.median > 0 && s.mbPerS > 0, v.name);
      // MB/s is the message size over the mean round trip in µs.
      assert.ok(Math.abs(s.mbPerS - s.size / s.us.mean) < 1e-9 * s.mbPerS);
    }
  }
  const md = readText(out, 'throughput.md');
  assert.match(md, /^# Throughput benchmark/);
  for (const n of names) assert.ok(md.includes(n), n);
  assert.deepEqual(chartSeries(out, 'throughput.svg'), names);
});
