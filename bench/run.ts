// npm run bench -- [handshake] [records] [throughput] [memory] [curves] [options]:
// runs the benches (the first four by default) and writes JSON, Markdown and SVG into
// bench/results/ (or --out), then the summary of whatever results are there.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CERTS, GROUPS, MODES, PROVIDERS, SUITES, type CertName, type GroupName, type Selection, type SuiteName } from './lib/configs.js';
import { defaultResultsDir } from './lib/report.js';
import { runCurves } from './curves.js';
import { runHandshake } from './handshake.js';
import { runMemory } from './memory.js';
import { runRecords } from './records.js';
import { SIZES, runThroughput } from './throughput.js';
import { writeSummary } from './summary.js';

const HELP = `usage: npm run bench -- [handshake] [records] [throughput] [memory] [curves] [options]
  (curves: X25519/P-256 operations, typed arrays vs noble, Node and XS: only when named; no bench named: the other four; results in bench/results/: NAME.json, NAME.md, charts as SVG, summary.md with the goals table)
  --quick          only what the goals table needs, in under 3 minutes on 2 cores: the handshake bench on the default
                   configuration (full, and psk_ke for its crypto floor) in memory and over the duplex pair, the speed-ups,
                   records and memory (the default configuration's handshake heap, every suite's steady state); no loopback
                   TCP, no XS, no throughput unless named; fewer repetitions (same statistics)
  --star           only the first configuration (the first of each list below: by default AES-128-GCM, x25519,
                   ECDSA P-256, full) and those differing from it in one dimension, not every combination
                   (memory always measures this set)
  --suite LIST     cipher suites (${SUITES.join(',')})
  --group LIST     groups (${GROUPS.join(',')})
  --cert LIST      server certificates (${Object.keys(CERTS).join(',')})
  --mode LIST      handshake modes (${MODES.map((m) => m.name).join(',')})
  --provider LIST  microtls crypto providers (${PROVIDERS.map((p) => p.name).join(',')})
  --n N            handshakes per configuration and implementation in memory and over the duplex pair, in up to 10
                   interleaved rounds (default 30, quick 16)
  --tcp-n N        loopback TCP handshakes per configuration and pairing (default 16; --quick: no TCP unless given)
  --warmup N       warm-up handshakes before each measurement (default 4, quick 2)
  --no-tcp         handshake: in memory only, no loopback TCP comparison
  --xs-n N         handshakes on XS, default configuration (default 5; --quick: no XS unless given; xsnap is built on first use)
  --no-xs          leave XS out
  --sizes LIST     throughput message sizes in bytes (default ${SIZES.join(',')})
  --round-trips N  throughput round trips per size (default 100, quick 30)
  --record-rounds N  records: interleaved rounds of record path and raw AEAD (default 15, --quick too: they are cheap)
  --records N      memory: application records per steady-state measurement (default 2000, --quick too: with
                   fewer, a one-off in the first suite's run showed as ~200 B per record)
  --out DIR        where to write the results (default bench/results)`;

const { values: v, positionals, tokens } = parseArgs({
  allowPositionals: true,
  tokens: true,
  options: {
    quick: { type: 'boolean' },
    star: { type: 'boolean' },
    suite: { type: 'string' },
    group: { type: 'string' },
    cert: { type: 'string' },
    mode: { type: 'string' },
    provider: { type: 'string' },
    n: { type: 'string' },
    'tcp-n': { type: 'string' },
    warmup: { type: 'string' },
    'no-tcp': { type: 'boolean' },
    'xs-n': { type: 'string' },
    'no-xs': { type: 'boolean' },
    sizes: { type: 'string' },
    'round-trips': { type: 'string' },
    'record-rounds': { type: 'string' },
    records: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (v.help) {
  console.log(HELP);
  process.exit(0);
}

const quick = v.quick === true;
const BENCHES = ['handshake', 'records', 'throughput', 'memory'];
/** Run only when named. */
const EXTRA = ['curves'];
for (const p of positionals) if (!BENCHES.includes(p) && !EXTRA.includes(p)) throw new Error(`unknown bench "${p}" (${BENCHES.concat(EXTRA).join(', ')})\n${HELP}`);
/** --quick: the benches the goals table reads. */
const benches = positionals.length > 0 ? positionals : quick ? BENCHES.filter((b) => b !== 'throughput') : BENCHES;

/** A comma-separated list checked against the allowed names (all of them when absent). */
function list<T extends string>(value: string | undefined, allowed: readonly T[], what: string): T[] {
  if (value === undefined) return allowed.slice();
  const names = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const n of names) if (!allowed.includes(n as T)) throw new Error(`unknown ${what} "${n}" (${allowed.join(', ')})`);
  return names as T[];
}

function count(value: string | undefined, dflt: number, what: string): number {
  if (value === undefined) return dflt;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${what} needs a positive integer`);
  return n;
}

const selection: Selection = {
  suites: list<SuiteName>(v.suite, SUITES, 'suite'),
  groups: list<GroupName>(v.group, GROUPS, 'group'),
  certs: list<CertName>(v.cert, Object.keys(CERTS) as CertName[], 'cert'),
  modes: list(v.mode, MODES.map((m) => m.name), 'mode'),
  star: quick || v.star === true,
};
/**
 * --quick: the configurations the goals use (unless listed): the default one,
 * full and psk_ke (whose crypto floor bounds the psk_ke speed-up).
 */
const first = <T>(xs: readonly T[], given: string | undefined): readonly T[] => (quick && given === undefined ? xs.slice(0, 1) : xs);
const handshakeSelection: Selection = quick
  ? { suites: first(selection.suites, v.suite), groups: first(selection.groups, v.group), certs: first(selection.certs, v.cert),
      modes: v.mode === undefined ? ['full', 'psk'] : selection.modes, star: true }
  : selection;
/** Memory: the handshake heap of the default configuration only (--quick), the steady state of every suite. */
const memorySelection: Selection = quick
  ? { ...handshakeSelection, modes: v.mode === undefined ? ['full'] : selection.modes }
  : { ...selection, star: true };
const providers = list(v.provider, PROVIDERS.map((p) => p.name), 'provider');
/** The record and throughput benches: providers with a record path of their own. */
const recordProviders = providers.filter((name) => !PROVIDERS.some((p) => p.name === name && p.recordsAs));
const out = v.out ?? defaultResultsDir();
const warmup = count(v.warmup, quick ? 2 : 4, 'warmup');
const log = (line: string): void => console.log(line);
const started = Date.now();

/**
 * Several benches: each in a process of its own, so one bench's heap (the
 * handshakes' garbage, noble's tables) does not slow the next one's
 * collections: after the handshake bench, node-crypto's 16 KB records (2 KB
 * of garbage each) ran ~2x slower in the same process, and unevenly.
 */
const optionArgs = process.argv.slice(2).filter((_, i) => !tokens.some((t) => t.kind === 'positional' && t.index === i));
const alone = benches.length === 1;
for (const bench of alone ? [] : benches) {
  const r = spawnSync(process.execPath, [process.argv[1], bench, ...optionArgs], {
    stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, MICROTLS_BENCH_PART: '1' },
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (alone && benches.includes('handshake')) {
  await runHandshake({
    selection: handshakeSelection, providers, out, log, warmup,
    n: count(v.n, quick ? 16 : 30, 'n'),
    tcpN: count(v['tcp-n'], 16, 'tcp-n'),
    tcp: v['no-tcp'] !== true && (!quick || v['tcp-n'] !== undefined),
    xsN: v['no-xs'] || (quick && v['xs-n'] === undefined) ? null : count(v['xs-n'], 5, 'xs-n'),
  });
}
if (alone && benches.includes('records')) {
  await runRecords({ suites: selection.suites, providers: recordProviders, out, log, rounds: count(v['record-rounds'], 15, 'record-rounds') });
}
if (alone && benches.includes('throughput')) {
  await runThroughput({
    suites: selection.suites, providers: recordProviders, out, log,
    sizes: v.sizes === undefined ? SIZES : v.sizes.split(',').map((s) => count(s, 1, 'sizes')),
    roundTrips: count(v['round-trips'], quick ? 30 : 100, 'round-trips'),
  });
}
if (alone && benches.includes('memory')) {
  await runMemory({
    selection: memorySelection, suites: selection.suites, providers, out, log,
    records: count(v.records, 2000, 'records'), xs: v['no-xs'] !== true && (!quick || v['xs-n'] !== undefined),
  });
}
if (alone && benches.includes('curves')) {
  await runCurves({
    out, log, rounds: quick ? 5 : 11, batch: quick ? 4 : 10,
    xsReps: v['no-xs'] ? null : count(v['xs-n'], quick ? 2 : 5, 'xs-n'),
  });
}
// A part of a larger run leaves the summary to the run.
if (process.env.MICROTLS_BENCH_PART === '1') process.exit(0);
const written = writeSummary(out);
// The goals table on the console too (the section of summary.md up to the next heading).
const goalsTable = written ? /^## Goals\n[\s\S]*?(?=^## )/m.exec(readFileSync(join(out, 'summary.md'), 'utf8')) : null;
if (goalsTable) console.log('\n' + goalsTable[0].trimEnd() + '\n');
console.log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s; results in ${out}${written ? ' (summary.md)' : ''}`);
