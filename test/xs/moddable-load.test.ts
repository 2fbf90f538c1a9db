// Preloaded microtls on the real Moddable tools (moddable-load-app/main.js,
// built by moddable-load.ts with `mcconfig -m -p lin`, XS in the ESP32
// targets' fixed heap, run under Xvfb), per device profile:
// - importing the preloaded bundle costs less than 1 KB of chunks and 300
//   slots of RAM (issue 11: its code and module state stay in flash);
// - neither the import nor creating a Context writes to any preloaded
//   object or closure (XS would copy it into RAM: module state mutated at
//   run time; moddable-device.test.ts checks whole connections the same way);
// - a Context with the profile's defaults works; one asking for curveTables is
//   refused with BAD_CONFIG naming the option where the profile has curves
//   with tables (no table can be built in a preloaded module).
// Needs MICROTLS_MODDABLE (a writable copy of the SDK, set by .ci/run from
// ../shared/tools/moddable) and xvfb-run; skipped with the reason otherwise.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { missing, runApp } from './moddable-sdk.js';
import { PROFILES, buildLoadApp, loads } from './moddable-load.js';
import { distReady } from './xs.js';

test('preloaded profiles on the -p lin build: import under 1 KB of chunks and 300 slots, no module state written, curveTables refused clearly', { skip: missing ?? false, timeout: 900_000 }, async (t) => {
  await distReady();
  const out = await runApp(buildLoadApp('load-check'), /^(DONE|FAIL)/m, 60_000);
  assert.doesNotMatch(out, /XS abort|^FAIL/m, out);
  assert.match(out, /^DONE$/m, out);
  const all = loads(out);
  for (const p of PROFILES) {
    const l = all.get(p);
    assert.ok(l, p + ': no load figures\n' + out);
    assert.ok(l.chunks < 1024, `${p}: import costs ${l.chunks} chunk bytes`);
    assert.ok(l.slots < 300, `${p}: import costs ${l.slots} slots`);
    assert.equal(l.aliases, 0, p + ': the import wrote to preloaded objects or closures');
    assert.match(out, new RegExp(`^@ context ${p} ok aliases=0$`, 'm'), out);
  }
  assert.match(out, /^@ context client-psk curveTables ok aliases=0$/m, out); // X25519 on its ladder: no table to build
  for (const p of ['client-ecdhe', 'full']) {
    assert.match(out, new RegExp(`^@ context ${p} curveTables error BAD_CONFIG: .*curveTables: no curve tables can be built in a preloaded module \\(set curveTables: false\\)$`, 'm'), out);
  }
  t.diagnostic(PROFILES.map((p) => `${p}: ${all.get(p)!.chunks} B / ${all.get(p)!.slots} slots`).join('; ') + ` (an import itself: ${all.get('control')?.chunks} B / ${all.get('control')?.slots} slots)`);
});
