// The Espruino bundle run in a node:vm sandbox stripped to what Espruino
// provides (env.ts), driving ports/espruino/example.js against a microtls
// server in this process and against `openssl s_server -psk`. The bundle is
// dist/espruino's when one there carries the Espruino port (defines
// microtls.connect), otherwise one built here from ports/espruino/index.ts.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { buildSync } from 'esbuild';
import { packageRoot } from '../../ports/node/files.js';
import { cleanup, opensslServer, within } from '../helpers/peers.js';
import { espruinoSandbox, nodeHost, type Sandbox } from './env.js';
import { IDENTITY, KEY_HEX, listenPsk } from './psk-peer.js';

after(cleanup);

const root = packageRoot();

function definesConnect(code: string, name: string): boolean {
  try {
    const s = espruinoSandbox();
    s.run(code, name);
    return s.run('typeof microtls === "object" && typeof microtls.connect === "function"', 'probe.js') === true;
  } catch {
    return false;
  }
}

/** The bundle under test and where it came from. */
function espruinoBundle(): { code: string; name: string } {
  const dist = join(root, 'dist', 'espruino');
  if (existsSync(dist)) {
    for (const f of readdirSync(dist).filter((x) => x.endsWith('.js')).sort()) {
      const code = readFileSync(join(dist, f), 'utf8');
      if (definesConnect(code, f)) return { code, name: 'dist/espruino/' + f };
    }
  }
  const out = buildSync({
    entryPoints: [join(root, 'ports', 'espruino', 'index.ts')],
    bundle: true, format: 'iife', target: 'es2015', supported: { 'class-static-field': false }, write: false,
  });
  return { code: out.outputFiles[0].text, name: 'microtls-espruino.js (built from ports/espruino/index.ts)' };
}

const bundle = espruinoBundle();
const example = readFileSync(join(root, 'ports', 'espruino', 'example.js'), 'utf8');

test('the sandbox has what Espruino has, and not more', () => {
  const s = espruinoSandbox();
  const yes = (code: string) => assert.equal(s.run(code, 'probe.js'), true, code);
  for (const g of ['BigInt', 'Map', 'Set', 'WeakMap', 'Symbol', 'Proxy', 'Reflect', 'TextEncoder']) yes('typeof ' + g + ' === "undefined"');
  yes('typeof Math.imul === "undefined" && typeof Math.clz32 === "undefined" && typeof Array.from === "undefined"');
  yes('typeof Number.isInteger === "undefined" && typeof Object.freeze === "undefined" && typeof Uint8Array.of === "undefined"');
  yes('Array.isArray(new Uint8Array([1, 2, 3]).slice(1))'); // slice() gives a plain Array
  yes('typeof new Uint8Array(4).copyWithin === "undefined" && typeof new ArrayBuffer(4).slice === "undefined"');
  yes('var a = new Uint8Array(2); a.set([1, 2, 3]); a[0] === 1 && a[1] === 2'); // set() past the end truncates
  yes('new DataView(new ArrayBuffer(2)).getUint32(0) === 0'); // out-of-range reads give 0
  assert.throws(() => s.run('new Uint8Array(70000)', 'probe.js'), /Invalid length/);
  yes('require("crypto").AES.encrypt(new Uint8Array(20), new Uint8Array(16), { mode: "CBC" }) === undefined');
  yes('new Uint8Array(require("crypto").SHA256("abc")).length === 32');
  yes('E.toString(E.toUint8Array("\\u00ff\\u0001")) === "\\u00ff\\u0001"');
  yes('typeof process.memory().free === "number" && typeof global === "object"');
});

test('the Espruino bundle loads in the sandbox and defines microtls', (t) => {
  const s = espruinoSandbox();
  s.run(bundle.code, bundle.name);
  assert.equal(s.run('typeof microtls.connect + " " + typeof microtls.espruinoProvider', 'probe.js'), 'function function');
  t.diagnostic(bundle.name + ': ' + bundle.code.length + ' bytes');
});

test('the Espruino bundle passes scripts/espruino-check.mjs', async (t) => {
  const check = (await import(join(root, 'scripts', 'espruino-check.mjs'))) as {
    checkSource(code: string, file: string): { line: number; col: number; rule: string; message: string }[];
  };
  const findings = check.checkSource(bundle.code, bundle.name);
  for (const f of findings.slice(0, 20)) t.diagnostic(f.line + ':' + f.col + ' ' + f.rule + ': ' + f.message);
  assert.equal(findings.length, 0);
});

/** Runs example.js after the bundle with the given server, until it prints its last line. */
async function runExample(port: number, message: string): Promise<Sandbox> {
  const s = espruinoSandbox(nodeHost());
  s.run(bundle.code, bundle.name);
  s.run('var EXAMPLE_CONFIG = ' + JSON.stringify({ host: '127.0.0.1', port, identity: IDENTITY, key: KEY_HEX, message, dhe: false }), 'config.js');
  s.run(example, 'example.js');
  await within(new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      if (s.lines.some((l) => l.indexOf('memory after') === 0)) {
        clearInterval(poll);
        resolve();
      }
    }, 10);
  }), 10000, 'example.js to finish:\n' + s.lines.join('\n'));
  return s;
}

function assertExampleOutput(s: Sandbox, reply: string): void {
  const out = s.lines.join('\n');
  assert.doesNotMatch(out, /TLS error|ERROR/, out);
  assert.match(out, /^memory before: \d+ of \d+ blocks used/m);
  assert.match(out, /^TLS 1\.3 PSK handshake done in \d+ ms$/m);
  assert.ok(s.lines.indexOf('reply: ' + reply) >= 0, out);
  assert.match(out, /^memory after: \d+ of \d+ blocks used/m);
}

test('example.js in the sandbox against the microtls server', { timeout: 20000 }, async () => {
  const srv = await listenPsk();
  const s = await runExample(srv.port, 'hello from the sandbox');
  assertExampleOutput(s, 'microtls heard: hello from the sandbox');
  assert.equal(await within(srv.closed, 5000, 'server end'), 0, 'the server read the close_notify');
});

test('example.js in the sandbox against openssl s_server -psk (TLS_AES_128_CCM_8_SHA256)', { timeout: 20000 }, async () => {
  const srv = await opensslServer({
    cert: undefined, chain: undefined, ciphersuites: 'TLS_AES_128_CCM_8_SHA256',
    extra: ['-nocert', '-psk', KEY_HEX, '-psk_identity', IDENTITY, '-allow_no_dhe_kex'],
  });
  const s = await runExample(srv.port, 'hello openssl');
  assertExampleOutput(s, 'lssnepo olleh');
  await srv.stop();
});
