// Handshake CPU time per side for one configuration, in memory (no sockets),
// plus the connection arena size. Usage:
//   node build/bench/handshake-cpu.js [--n 50] [--suite NAME] [--group NAME] [--cert NAME]
import { randomFillSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Context } from '../core/index.js';
import type { Connection } from '../core/engine/connection.js';
import { CipherSuite, NamedGroup, parseNameList } from '../core/registry.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = args.indexOf('--' + name);
  return i >= 0 ? args[i + 1] : dflt;
};
const n = Number(opt('n', '50'));
const suite = parseNameList(opt('suite', 'TLS_AES_128_GCM_SHA256'), CipherSuite);
const group = parseNameList(opt('group', 'x25519'), NamedGroup);
const certName = opt('cert', 'server-ecdsa');
if (typeof suite === 'string' || typeof group === 'string') throw new Error('unknown name ' + suite + group);

const pki = join(dirname(fileURLToPath(import.meta.url)), '..', 'pki');
const read = (f: string): Buffer => readFileSync(join(pki, f));
const random = (d: Uint8Array): void => void randomFillSync(d);

const cctx = new Context({ side: 'client', random, now: Date.now, serverName: 'localhost', cipherSuites: suite, groups: group });
cctx.loadVerifyBuffer(read('ca.crt'));
const sctx = new Context({ side: 'server', random, now: Date.now, groups: group });
let chain: Buffer;
try {
  chain = read(certName + '-chain.crt');
} catch {
  chain = read(certName + '.crt');
}
sctx.useCertificateBuffer(chain);
sctx.usePrivateKeyBuffer(read(certName + '.key'));

const buf = new Uint8Array(65536);
function move(a: Connection, b: Connection): void {
  for (let k; (k = a.takeOutput(buf)) > 0; ) b.receive(buf, 0, k);
}

function once(): [number, number] {
  const c = cctx.newConnection();
  const s = sctx.newConnection();
  let tc = 0;
  let ts = 0;
  let rc = -2;
  let rs = -2;
  for (let i = 0; i < 10 && (rc !== 0 || rs !== 0); i++) {
    let t = performance.now();
    if (rc !== 0) rc = c.connect();
    tc += performance.now() - t;
    move(c, s);
    t = performance.now();
    if (rs !== 0) rs = s.accept();
    ts += performance.now() - t;
    move(s, c);
  }
  if (rc !== 0 || rs !== 0) throw new Error(`handshake failed: ${rc} ${rs} ${c.lastError()?.message} ${s.lastError()?.message}`);
  return [tc, ts];
}

const median = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
for (let i = 0; i < 5; i++) once(); // warm-up
const client: number[] = [];
const server: number[] = [];
for (let i = 0; i < n; i++) {
  const [tc, ts] = once();
  client.push(tc);
  server.push(ts);
}
const arena = cctx.newConnection().arenaBytes;
const sarena = sctx.newConnection().arenaBytes;
console.log(`handshake ${opt('suite', 'TLS_AES_128_GCM_SHA256')} ${opt('group', 'x25519')} ${certName}, n=${n}`);
console.log(`client CPU median ${median(client).toFixed(2)} ms (min ${Math.min(...client).toFixed(2)})`);
console.log(`server CPU median ${median(server).toFixed(2)} ms (min ${Math.min(...server).toFixed(2)})`);
console.log(`arena bytes: client ${arena}, server ${sarena}`);
