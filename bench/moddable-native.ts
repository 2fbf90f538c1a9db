// npm run bench:moddable-native: the crypto provider on the Moddable SDK's
// native crypto (manifest_native.json) against the pure-JS provider, in the
// same XS build: the check app of test/xs/moddable-native.ts built with the
// real Moddable tools (`mcconfig -m -p lin -i`, an instrumented build so XS
// tracks its stack peak), microtls (full profile) and the provider preloaded,
// XS created with the ESP32 targets' fixed heap, against openssl s_server on
// 127.0.0.1. Per provider and kind of connection (certificates with
// secp256r1 or x25519 key exchange, AES-128-GCM, ECDSA P-256 chain with an
// intermediate; psk_ke with AES-128-CCM; max_fragment_length 1024):
//   - handshake CPU time: the XS thread's CPU time from the start of the
//     connection to the handshake's end (the host socket's polling waits
//     cost none), median of RUNS connections;
//   - the garbage collections those handshakes caused (allocation volume);
//   - memory of one more connection: the live heap after a collection at
//     every socket event of the handshake (peak) and once data went each way
//     (kept), above the heap before the connection, in chunk bytes and
//     slots; the deepest stack in slots.
// Written to bench/results/moddable-native.{json,md}.
// MICROTLS_MODDABLE names a writable Moddable SDK (.ci/run unpacks ../shared/tools/moddable).
import { runApp, missing } from '../test/xs/moddable-sdk.js';
import { ESP32_CREATION, buildNativeApp, figures, vectorMismatches, type Figures } from '../test/xs/moddable-native.js';
import { distReady } from '../test/xs/xs.js';
import { cleanup, opensslServer } from '../test/helpers/peers.js';
import { opensslPsk } from '../test/helpers/psk.js';
import { summarize } from '../ports/node/stats.js';
import { defaultResultsDir, num, table, times, writeResults } from './lib/report.js';
import { machineInfo, machineLine } from './lib/machine.js';

const RUNS = 9;
const PROVIDERS = ['js', 'native'];
const KINDS: { kind: string; label: string }[] = [
  { kind: 'secp256r1', label: 'certificate, secp256r1' },
  { kind: 'x25519', label: 'certificate, x25519' },
  { kind: 'psk', label: 'psk_ke, AES-128-CCM' },
];

function median(f: Figures | undefined): number {
  return f && f.cpu.length > 0 ? summarize(f.cpu).median : NaN;
}

function report(out: string, all: Figures[]): void {
  const get = (kind: string, provider: string) => all.find((f) => f.kind === kind && f.provider === provider);
  const rows = KINDS.flatMap(({ kind, label }) => PROVIDERS.map((p) => {
    const f = get(kind, p);
    return [label, p === 'js' ? 'pure JS' : 'native', num(median(f)), p === 'native' ? times(median(get(kind, 'js')) / median(f)) : '',
      f && f.gc.length > 0 ? num(summarize(f.gc).median) : '–', String(f?.peakChunks ?? '–'), String(f?.peakSlots ?? '–'), String(f?.keptChunks ?? '–'), String(f?.keptSlots ?? '–'), String(f?.stack ?? '–')];
  }));
  const md = `# Moddable: native crypto provider vs pure JS (same XS build)

${machineLine(machineInfo())}

\`npm run bench:moddable-native\`: Moddable SDK 8.2.3 \`-p lin -i\` build, microtls full profile and
\`microtls/native\` preloaded, XS heap fixed at the ESP32 targets' values (78,848 chunk bytes,
4,928 slots, 512-slot stack), openssl s_server on 127.0.0.1, \`maxFragmentLength: 1024\`.
Handshake CPU: the XS thread's CPU time, median of ${RUNS} connections; collections: the garbage
collections XS ran during those handshakes (median; in the fixed heap each one means about the
heap's free space was allocated). Memory: one more connection, the live heap after a collection at
each socket event of the handshake and at its end (peak) and once 1 KB went each way (kept), above
the heap before it; allocations inside one step (curve arithmetic, hashing) are gone by then and
show in the collections instead. Stack: deepest point, in slots. Slots are 32 bytes on this 64-bit host
(16 on ESP32); chunk bytes run somewhat higher than on ESP32.

${table(['connection', 'provider', 'handshake CPU ms', 'speed-up', 'collections', 'peak chunks B', 'peak slots', 'kept chunks B', 'kept slots', 'stack slots'], rows)}
Native here: SHA-256/384 (and so HMAC/HKDF), AES-GCM, AES-CCM, secp256r1, ECDSA P-256/P-384
verification. x25519 stays pure JS in both columns (the SDK has no Montgomery curve).
`;
  const written = writeResults(out, 'moddable-native', { machine: machineInfo(), runs: RUNS, figures: all }, md);
  console.log(md);
  console.log('wrote ' + written.join(', '));
}

async function main(): Promise<void> {
  if (missing) {
    console.log('bench:moddable-native skipped: ' + missing);
    return;
  }
  await distReady();
  const each = PROVIDERS.length * (RUNS + 1);
  const cert = await opensslServer({ naccept: 2 * each, ciphersuites: 'TLS_AES_128_GCM_SHA256', groups: 'X25519:P-256' });
  const psk = await opensslServer({ naccept: each, nocert: true, ciphersuites: 'TLS_AES_128_CCM_SHA256', extra: opensslPsk(true) });
  try {
    const app = buildNativeApp('native-bench', {
      providers: PROVIDERS, runs: RUNS, bytes: 1024, port: cert.port, pskPort: psk.port, groups: ['secp256r1', 'x25519'],
    }, ESP32_CREATION, true);
    const out = await runApp(app, /^(DONE|FAIL)/m, 600_000);
    if (!/^DONE$/m.test(out) || /XS abort|^FAIL/m.test(out)) throw new Error('the check app failed:\n' + out.slice(-3000));
    const bad = vectorMismatches(out, PROVIDERS);
    if (bad.length > 0) throw new Error('vectors: ' + bad.join('\n'));
    report(process.argv[2] ?? defaultResultsDir(), figures(out));
  } finally {
    await cert.stop();
    await psk.stop();
    await cleanup();
  }
}

await main();
