// Espruino locks an object about twice for each method frame it is `this`
// of, in a 4-bit count: an object that is `this` of more than ~6 nested
// method frames stays locked for good, and everything it reaches is never
// freed (a ClientHandshake in 7 frames cost ~1,600 blocks per connection on
// espruino-12k). Here, in this process, every method of every class a
// connection of the Espruino port uses is counted per object while a
// TlsClient connects, sends, reads and closes (and while one fails with a
// listener that calls end()), and no object may be `this` of more than
// MAX_DEPTH frames at once. What a connection leaves on the real interpreter
// is measured in real-engine.test.ts and by npm run bench:espruino.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Connection } from '../../core/engine/connection.js';
import { Status } from '../../core/errors.js';
import { TlsClient, type TlsError } from '../../ports/espruino/client.js';
import { espruinoContext } from '../../ports/espruino/config.js';
import type { EspruinoCrypto, EspruinoSocket } from '../../ports/espruino/espruino.js';
import { random } from '../engine/pair.js';
import { espruinoBuiltins, nodeHost } from './env.js';
import { IDENTITY, KEY_HEX, pskServerContext } from './psk-peer.js';

/** Five frames leave room for the transient locks of the deepest one (seven frames lock for good). */
const MAX_DEPTH = 5;

const builtins = espruinoBuiltins(nodeHost());
(globalThis as { E?: unknown }).E = builtins.E;
const crypto = builtins.modules.crypto as EspruinoCrypto;

const latin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

/** An Espruino socket joined to a microtls server connection in memory; events come from the event loop, as on the board. */
class LoopbackSocket implements EspruinoSocket {
  private readonly handlers: { [event: string]: ((arg?: unknown) => void)[] } = {};
  private closed = false;
  private readonly scratch = new Uint8Array(4096);

  constructor(private readonly server: Connection) {}

  on(event: string, f: (arg: never) => void): void {
    (this.handlers[event] ??= []).push(f as (arg?: unknown) => void);
  }

  private later(event: string, arg?: unknown): void {
    setImmediate(() => {
      for (const f of this.handlers[event] ?? []) f(arg);
    });
  }

  write(data: string): boolean {
    if (this.closed) return false;
    this.server.receive(new Uint8Array(Buffer.from(data, 'latin1')));
    this.serve();
    this.later('drain');
    return false;
  }

  end(): void {
    if (this.closed) return;
    this.closed = true;
    this.later('close');
  }

  /** The server's side: handshake, echo each read, answer close_notify; its output goes back as one 'data' event. */
  private serve(): void {
    const s = this.server;
    if (!s.handshakeDone && s.accept() !== Status.OK) {
      this.flush();
      return;
    }
    for (;;) {
      const n = s.read(this.scratch);
      if (n > 0) s.write(this.scratch, 0, n);
      else {
        if (n === 0) s.shutdown();
        break;
      }
    }
    this.flush();
  }

  private flush(): void {
    const n = this.server.takeOutput(this.scratch);
    if (n > 0) this.later('data', latin1(this.scratch.subarray(0, n)));
    if (this.server.lastError()) this.end();
  }
}

/** Everything reachable from root (typed arrays' contents aside). */
function reachable(root: unknown, seen = new Set<object>()): Set<object> {
  if (root === null || typeof root !== 'object' || seen.has(root) || ArrayBuffer.isView(root)) return seen;
  seen.add(root);
  for (const k of Object.keys(root)) reachable((root as Record<string, unknown>)[k], seen);
  return seen;
}

/** Counts, per object, the method frames it is `this` of, and the deepest chain. */
class DepthMeter {
  private readonly depth = new Map<object, number>();
  readonly deepest = new Map<object, { depth: number; chain: string }>();
  private readonly stack: string[] = [];
  private readonly wrapped = new Set<object>();

  /** Wraps every method and accessor of every class of the objects given. */
  instrument(objects: Set<object>): void {
    for (const o of objects) {
      for (let p = Object.getPrototypeOf(o); p && p !== Object.prototype && p !== Array.prototype; p = Object.getPrototypeOf(p)) this.wrap(p);
    }
  }

  /** The deepest chain of each class, over the objects not excluded. */
  byClass(excluded: Set<object>): Map<string, { depth: number; chain: string }> {
    const out = new Map<string, { depth: number; chain: string }>();
    for (const [o, d] of this.deepest) {
      const cls = o.constructor.name;
      if (!excluded.has(o) && (out.get(cls)?.depth ?? 0) < d.depth) out.set(cls, d);
    }
    return out;
  }

  private wrap(proto: object): void {
    if (this.wrapped.has(proto)) return;
    this.wrapped.add(proto);
    const meter = this;
    for (const key of Object.getOwnPropertyNames(proto)) {
      if (key === 'constructor') continue;
      const d = Object.getOwnPropertyDescriptor(proto, key)!;
      const counted = (f: (...a: unknown[]) => unknown, label: string) => function (this: object, ...args: unknown[]): unknown {
        const n = (meter.depth.get(this) ?? 0) + 1;
        const cls = this.constructor.name;
        meter.depth.set(this, n);
        meter.stack.push(cls + '.' + label);
        const best = meter.deepest.get(this);
        if (!best || n > best.depth) meter.deepest.set(this, { depth: n, chain: meter.stack.filter((s) => s.startsWith(cls + '.')).join(' > ') });
        try {
          return f.apply(this, args);
        } finally {
          meter.stack.pop();
          meter.depth.set(this, n - 1);
        }
      };
      if (typeof d.value === 'function') Object.defineProperty(proto, key, { ...d, value: counted(d.value, key) });
      else if (d.get) Object.defineProperty(proto, key, { ...d, get: counted(d.get, 'get ' + key) });
    }
  }
}

/** The server connections of the loopback sockets (node's, not the port's: not measured). */
const servers: Connection[] = [];

/** One TlsClient connection to the in-memory server; resolves with its events once it closes. */
function connection(key: string, made?: (c: TlsClient) => void): Promise<string[]> {
  const context = espruinoContext(crypto, { psk: { identity: IDENTITY, key }, random });
  const server = pskServerContext().newConnection();
  servers.push(server);
  const c = new TlsClient(context, new LoopbackSocket(server));
  const events: string[] = [];
  return new Promise((resolve) => {
    c.on('secure', () => {
      events.push('secure');
      c.write('x'.repeat(3000) + '\n');
    });
    let reply = '';
    c.on('data', (d) => {
      reply += d;
      if (reply.length === 3001) c.end();
    });
    c.on('end', () => events.push('end'));
    c.on('error', (e: TlsError) => {
      events.push('error ' + e.name);
      c.end(); // a listener calling back into the client from the deepest event
    });
    c.on('close', () => {
      events.push('close');
      if (made) made(c);
      resolve(events);
    });
  });
}

test(`no object of an Espruino connection is \`this\` of more than ${MAX_DEPTH} nested method frames`, async () => {
  const meter = new DepthMeter();
  // A first connection makes every object a connection uses; their classes are instrumented for the next ones.
  await connection(KEY_HEX, (c) => meter.instrument(reachable(c)));
  assert.deepEqual(await connection(KEY_HEX), ['secure', 'end', 'close']);
  const wrongKey = KEY_HEX.replace(/^./, (c) => (c === '0' ? '1' : '0'));
  assert.deepEqual(await connection(wrongKey), ['error FATAL_ALERT_RECEIVED', 'close']);
  const server = new Set<object>();
  for (const s of servers) reachable(s, server);
  const deepest = meter.byClass(server);
  for (const cls of ['TlsClient', 'NetIo', 'ClientConnection', 'ClientHandshake', 'KeySchedule', 'RecordLayer', 'NativeCcm']) {
    assert.ok(deepest.has(cls), cls + ' was measured');
  }
  const tooDeep = [...deepest].filter(([, d]) => d.depth > MAX_DEPTH).map(([cls, d]) => cls + ' ' + d.depth + ': ' + d.chain);
  assert.deepEqual(tooDeep, []);
});
