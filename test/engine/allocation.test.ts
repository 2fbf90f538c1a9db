// The record path allocates nothing: after the handshake, 10,000
// application records written and read through a connection pair leave the
// V8 heap where it was and trigger no garbage collection. Each case runs in
// a child process (allocation-child.ts, which says how it measures) started
// with HEAP_FLAGS, so the JIT's tier-up does not depend on machine load. Any
// object per record (a subarray view is ~100 bytes, a boxed number 12-16)
// would show up as >= 240 KB over 20,000 records; the bound is 16 KB in all,
// for one-off noise outside the engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { HEAP_FLAGS } from '../../bench/lib/heap.js';
import { TLS12, TLS13 } from '../../core/registry.js';
import { RECORDS, SUITES, type Result } from './allocation-child.js';

const BOUND = 16 * 1024;
const child = fileURLToPath(new URL('./allocation-child.js', import.meta.url));

function allocation(which: string): Result {
  const r = spawnSync(process.execPath, [...HEAP_FLAGS, child, which], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Result;
}

test('the allocation measurement sees one 16-byte array per record', () => {
  const r = allocation('control');
  assert.equal(r.allocated, true);
  assert.ok(r.gcs > 0 || r.bytes >= RECORDS * 2 * 16, JSON.stringify(r));
});

for (const name of Object.keys(SUITES)) {
  test(`sans-IO: ${RECORDS} records each way allocate nothing (${name})`, () => {
    const r = allocation(name);
    assert.equal(r.version, name.startsWith('TLS 1.2') ? TLS12 : TLS13);
    assert.equal(r.gcs, 0, 'a garbage collection ran during the loop');
    assert.ok(r.bytes < BOUND, `heap grew by ${r.bytes} bytes over ${RECORDS * 2} records`);
  });
}

test(`IO callbacks: ${RECORDS} records each way allocate nothing`, () => {
  const r = allocation('io');
  assert.equal(r.gcs, 0, 'a garbage collection ran during the loop');
  assert.ok(r.bytes < BOUND, `heap grew by ${r.bytes} bytes over ${RECORDS * 2} records`);
});
