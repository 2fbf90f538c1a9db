// bench/records runs with tiny counts and writes JSON and Markdown with a row
// per suite and provider; the summary then has a goals table with a row per
// record-path measurement. No timing is asserted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runRecords, type RecordsResult } from '../../bench/records.js';
import { writeSummary } from '../../bench/summary.js';
import { checkMachine, providerNames, readJson, readText, scratchDir } from './helpers.js';

test('records bench: record path and raw AEAD per suite and provider, and the goals table', async () => {
  const out = scratchDir();
  const providers = await providerNames();
  await runRecords({ suites: ['TLS_AES_128_GCM_SHA256', 'TLS_CHACHA20_POLY1305_SHA256'], providers, rounds: 2, out, log: () => undefined });
  const r = readJson<RecordsResult>(out, 'records');
  assert.equal(r.bench, 'records');
  checkMachine(r.machine);
  assert.deepEqual(r.rows.map((x) => `${x.suite} ${x.provider}`),
    ['TLS_AES_128_GCM_SHA256', 'TLS_CHACHA20_POLY1305_SHA256'].flatMap((s) => providers.map((p) => `${s} ${p}`)));
  for (const x of r.rows) assert.ok(x.recordUs > 0 && x.rawUs > 0 && x.ratio! > 0 && x.rounds === 2, x.suite);
  assert.match(readText(out, 'records.md'), /^# Record path against the raw AEAD/);
  assert.ok(writeSummary(out));
  const summary = readText(out, 'summary.md');
  assert.match(summary, /## Goals/);
  for (const x of r.rows) assert.ok(summary.includes(`16 KB records, ${x.provider} `), x.provider);
  assert.match(summary, /\| goal \| measured \| target \| result \|/);
});
