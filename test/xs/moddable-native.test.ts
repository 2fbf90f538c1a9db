// The crypto provider on the Moddable SDK's native crypto (manifest_native.json,
// module "microtls/native") on the real Moddable tools: the check app
// (moddable-native-app/main.js) built with `mcconfig -m -p lin`, microtls
// (client-ecdhe) and the provider preloaded, XS in the ESP32 targets' fixed
// heap, run under Xvfb:
// - every native primitive and the pure-JS provider give the published
//   results on the same vectors (test/xs/moddable-native.ts lists them);
// - full handshakes on the native provider (the full profile's bundle) against openssl s_server -tls1_3
//   on 127.0.0.1 (P-256 ECDHE, the ECDSA P-256 chain with an intermediate
//   verified, AES-128-GCM), 4 KB each way echoed, closed cleanly;
// - sealing and opening records with the native AEADs allocates nothing;
// - psk_ke handshakes with AES-128-CCM, the same.
// Needs MICROTLS_MODDABLE (a writable copy of the SDK, set by .ci/run from
// ../shared/tools/moddable) and xvfb-run; skipped with the reason otherwise.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { opensslServer } from '../helpers/peers.js';
import { opensslPsk } from '../helpers/psk.js';
import { missing, runApp } from './moddable-sdk.js';
import { ESP32_CREATION, buildNativeApp, figures, vectorMismatches } from './moddable-native.js';
import { distReady } from './xs.js';

const RUNS = 2;

test('native crypto provider on the -p lin build: vectors, certificate and PSK handshakes with openssl in the ESP32 heap', { skip: missing ?? false, timeout: 900_000 }, async (t) => {
  await distReady();
  const cert = await opensslServer({ naccept: RUNS + 1, ciphersuites: 'TLS_AES_128_GCM_SHA256', groups: 'P-256' });
  const psk = await opensslServer({ naccept: RUNS + 1, nocert: true, ciphersuites: 'TLS_AES_128_CCM_SHA256', extra: opensslPsk(true) });
  let out: string;
  try {
    const app = buildNativeApp('native-check', {
      providers: ['native'], runs: RUNS, bytes: 4096, port: cert.port, pskPort: psk.port, groups: ['secp256r1'],
    }, ESP32_CREATION, false);
    out = await runApp(app, /^(DONE|FAIL)/m, 120_000);
  } finally {
    await cert.stop();
    await psk.stop();
  }
  assert.deepEqual(vectorMismatches(out, ['native', 'js']), []);
  assert.doesNotMatch(out, /XS abort|^FAIL/m, out);
  // The native provider answers with its own objects where the SDK has the primitive, and falls back where it has not.
  assert.match(out, /^@ covers sha256=native aes128gcm=native aes128ccm=native secp256r1=native x25519=js chacha20=js$/m);
  // The native AEADs' record path allocates nothing: 20 records sealed and opened in place, no heap growth.
  for (const aead of ['aes128gcm', 'aes256gcm', 'aes128ccm', 'aes128ccm8']) assert.match(out, new RegExp(`^@ alloc ${aead} chunks=0 slots=0 opened=20$`, 'm'), out);
  // RUNS timed connections and a measured one of each kind.
  for (const kind of ['secp256r1', 'psk']) {
    assert.equal(out.match(new RegExp(`^@ echo ${kind} native ok 4096$`, 'gm'))?.length, RUNS + 1, out);
    assert.equal(out.match(new RegExp(`^@ closed ${kind} native$`, 'gm'))?.length, RUNS + 1, out);
  }
  assert.match(out, /^DONE$/m);
  t.diagnostic(figures(out).map((f) => `${f.kind} ${f.provider}: ${f.cpu.join(', ')} ms CPU, peak ${f.peakChunks} B / ${f.peakSlots} slots`).join('; '));
});
