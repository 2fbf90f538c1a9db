// Every state a handshake machine enters is listed in its file header, and
// the debug log names the states as the header does ("connect state: X",
// "accept state: X").
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { clientContext, handshake, serverContext, transfer } from '../engine/pair.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The client machine's certificate states are entered in client-certificates.ts (CertificateClientHandshake). */
const subclasses: Record<string, string> = { 'client.ts': 'client-certificates.ts' };

/** The states in a machine's header comment, and those its code (and its subclass's) enters. */
function states(file: string): { listed: Set<string>; entered: Set<string> } {
  const read = (f: string): string => readFileSync(join(root, 'core', 'handshake', f), 'utf8');
  const own = read(file);
  const header = own.slice(0, own.indexOf('\nimport'));
  const text = subclasses[file] ? own + '\n' + read(subclasses[file]) : own;
  const listed = new Set([...header.matchAll(/^\/\/ {3}([A-Z_]+) /gm)].map((m) => m[1]));
  // The names an enter(...) or go({ name: ... }) argument can yield: a literal, or the branches of a conditional.
  const entered = new Set<string>();
  for (const line of text.split('\n')) {
    const call = line.match(/this\.enter\((.*)\);/) ?? line.match(/this\.go\(\{ name: (.*?)(?:, [a-zA-Z]\w*(?:[,:].*)?)? \}\);/);
    if (!call) continue;
    for (const m of call[1].matchAll(/'([A-Z_]+)'(?=\s*(?::|$))/g)) entered.add(m[1]);
  }
  return { listed, entered };
}

for (const file of ['client.ts', 'server.ts', 'tls12/server.ts']) {
  test(`${file}: the header lists every state the code enters`, () => {
    const { listed, entered } = states(file);
    assert.ok(entered.size >= 6, [...entered].join(','));
    for (const s of entered) assert.ok(listed.has(s), s + ' is entered but not listed');
    assert.ok(listed.has('START') && listed.has('CONNECTED'));
  });
}

test('the debug log names the states of the headers, in order, for a mutual-authentication handshake', () => {
  const log: string[] = [];
  const debug = (line: string): void => {
    log.push(line);
  };
  const client = clientContext({ debug }, 'client-ecdsa').newConnection();
  const server = serverContext({ debug, verify: 'require' }).newConnection();
  assert.deepEqual(handshake(client, server), [0, 0]);
  transfer(server, client);
  const seen = (prefix: string): string[] => log.filter((l) => l.startsWith(prefix + ' state: ')).map((l) => l.slice(prefix.length + 8));
  assert.deepEqual(seen('connect'), [
    'CLIENT_HELLO_SENT', 'SERVER_HELLO_RECEIVED', 'ENCRYPTED_EXTENSIONS_RECEIVED', 'CERTIFICATE_REQUEST_RECEIVED',
    'SERVER_CERTIFICATE_RECEIVED', 'SERVER_CERTIFICATE_VERIFY_RECEIVED', 'SERVER_FINISHED_RECEIVED', 'CONNECTED',
  ]);
  assert.deepEqual(seen('accept'), [
    'START', 'CLIENT_HELLO_RECEIVED', 'SERVER_FINISHED_SENT', 'CLIENT_CERTIFICATE_RECEIVED',
    'CLIENT_CERTIFICATE_VERIFY_RECEIVED', 'CONNECTED',
  ]);
  const listed = new Set([...states('client.ts').listed, ...states('server.ts').listed]);
  for (const s of [...seen('connect'), ...seen('accept')]) assert.ok(listed.has(s), s);
});
