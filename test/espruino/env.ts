// A model of Espruino for tests: its built-ins (E, require("crypto"),
// require("net"), process.memory) with the semantics of the Espruino 2v29
// sources, and a node:vm sandbox stripped to the language and globals
// Espruino has (RUNTIMES.md, plus the typed-array method list and the 64 KB
// ArrayBuffer limit of src/jswrap_arraybuffer.c). The built-ins are created
// inside whichever realm runs them (espruinoBuiltins is evaluated from its
// source text in the sandbox), so every object the bundle sees is one of
// its own realm; the host side only moves primitives (binary strings).
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { connect as tcpConnect } from 'node:net';
import vm from 'node:vm';

/** The host services the built-ins run on; only primitives cross. */
export interface Host {
  sha(bits: number, data: string): string;
  /** AES as Espruino's jswrap_crypto.c does it; null where it prints an error and returns undefined. */
  aes(mode: string, key: string, iv: string, data: string): string | null;
  random32(): number;
  print(line: string): void;
  connect(host: string, port: number, on: SocketEvents): { write(data: string): void; end(): void };
  heapUsed(): number;
}

export interface SocketEvents {
  connect(): void;
  data(chunk: string): void;
  drain(): void;
  error(code: number, message: string): void;
  close(hadError: boolean): void;
}

/** Espruino's net chunk size: received data arrives in pieces of at most this many bytes. */
const CHUNK = 536;

/** The host side on node:crypto and node:net, printing into `lines`. */
export function nodeHost(lines: string[] = []): Host & { lines: string[] } {
  return {
    lines,
    sha(bits, data) {
      return createHash(bits === 384 ? 'sha384' : 'sha256').update(Buffer.from(data, 'latin1')).digest().toString('latin1');
    },
    aes(mode, key, iv, data) {
      const k = Buffer.from(key, 'latin1');
      const d = Buffer.from(data, 'latin1');
      if (k.length !== 16 && k.length !== 24 && k.length !== 32) return null; // mbedtls_aes_setkey_enc fails
      const alg = 'aes-' + k.length * 8 + '-';
      if (mode === 'ECB') {
        // Whole blocks only; the bytes of a trailing partial block stay zero.
        const out = Buffer.alloc(d.length);
        const whole = d.length & ~15;
        const c = createCipheriv(alg + 'ecb', k, null).setAutoPadding(false);
        Buffer.concat([c.update(d.subarray(0, whole)), c.final()]).copy(out);
        return out.toString('latin1');
      }
      if (mode === 'CBC') {
        if (d.length % 16 !== 0) return null; // MBEDTLS_ERR_AES_INVALID_INPUT_LENGTH
        const c = createCipheriv(alg + 'cbc', k, Buffer.from(iv, 'latin1')).setAutoPadding(false);
        return Buffer.concat([c.update(d), c.final()]).toString('latin1');
      }
      if (mode === 'CTR') {
        // The IV is ignored: the counter always starts at zero.
        const c = createCipheriv(alg + 'ctr', k, Buffer.alloc(16));
        return Buffer.concat([c.update(d), c.final()]).toString('latin1');
      }
      return null; // CFB8 and OFB are not modelled; OFB is unimplemented in Espruino too
    },
    random32() {
      return randomBytes(4).readUInt32LE(0);
    },
    print(line) {
      lines.push(line);
    },
    connect(host, port, on) {
      const s = tcpConnect({ host, port });
      let hadError = false;
      let pending = 0;
      s.on('connect', () => {
        on.connect();
        if (pending === 0) on.drain(); // Espruino drains an empty send buffer right after connecting
      });
      s.on('data', (d: Buffer) => {
        for (let i = 0; i < d.length; i += CHUNK) on.data(d.subarray(i, i + CHUNK).toString('latin1'));
      });
      s.on('error', (e: NodeJS.ErrnoException) => {
        hadError = true;
        on.error(e.code === 'ECONNREFUSED' || e.code === 'ECONNRESET' ? -9 : -10, e.message);
      });
      // Espruino has no half-close: the peer's FIN closes the socket.
      s.on('end', () => s.end());
      s.on('close', () => on.close(hadError));
      return {
        write(data) {
          pending++;
          s.write(Buffer.from(data, 'latin1'), () => {
            if (--pending === 0 && !s.destroyed) on.drain();
          });
        },
        end() {
          s.end();
        },
      };
    },
    heapUsed() {
      return process.memoryUsage().heapUsed;
    },
  };
}

/** What espruinoBuiltins returns: the globals and modules of Espruino. */
export interface Builtins {
  E: { toUint8Array(d: unknown): Uint8Array; toString(d: unknown): string; hwRand(): number };
  modules: { crypto: unknown; net: unknown };
  process: { memory(): { free: number; usage: number; total: number; blocksize: number } };
  print(...args: unknown[]): void;
}

/**
 * Espruino's built-ins on a Host, built from the realm's own constructors.
 * Self-contained (no imports, no outer variables): the sandbox evaluates its
 * source text.
 */
export function espruinoBuiltins(host: Host): Builtins {
  // The realm's own constructors, taken before stripToEspruino limits or removes them.
  const U8 = Uint8Array;
  const AB = ArrayBuffer;
  const isView = ArrayBuffer.isView;
  /** Bytes of any data Espruino's natives accept, as a binary string (typed-array views respected). */
  function bin(d: unknown): string {
    if (typeof d === 'string') return d;
    let u: Uint8Array;
    if (d instanceof AB) u = new U8(d);
    else if (isView(d)) u = new U8(d.buffer, d.byteOffset, d.byteLength);
    else if (Array.isArray(d)) u = new U8(d);
    else return String(d); // Espruino converts anything else with toString()
    let s = '';
    for (let i = 0; i < u.length; i++) s += String.fromCharCode(u[i]);
    return s;
  }
  function bytes(s: string): Uint8Array {
    const u = new U8(s.length);
    for (let i = 0; i < s.length; i++) u[i] = s.charCodeAt(i) & 0xff;
    return u;
  }
  function print(...args: unknown[]): void {
    host.print(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
  }
  const crypto = {
    SHA256: (d: unknown) => bytes(host.sha(256, bin(d))).buffer,
    SHA384: (d: unknown) => bytes(host.sha(384, bin(d))).buffer,
    AES: {
      encrypt(d: unknown, key: unknown, options?: { iv?: unknown; mode?: string }) {
        const mode = (options && options.mode) || 'CBC';
        if (['CBC', 'CFB', 'CTR', 'OFB', 'ECB'].indexOf(mode) < 0) throw new Error('Unknown Crypto mode ' + mode);
        // jsvIterateCallbackToBytes: at most 16 bytes of the IV, the rest zero.
        const iv = (bin(options && options.iv !== undefined ? options.iv : '') + '\0'.repeat(16)).substring(0, 16);
        const r = host.aes(mode, bin(key), iv, bin(d));
        if (r === null) {
          print('ERROR: Invalid input length'); // Espruino prints the error and returns undefined
          return undefined;
        }
        return bytes(r).buffer;
      },
    },
  };
  type Listener = (...a: unknown[]) => void;
  const net = {
    connect(options: { host: string; port: number }, callback?: (s: unknown) => void) {
      const listeners: { [k: string]: Listener[] } = {};
      const emit = (name: string, ...a: unknown[]) => { for (const f of listeners[name] || []) f(...a); };
      const socket = {
        on(name: string, f: Listener) {
          (listeners[name] = listeners[name] || []).push(f);
        },
        // Anything but a string is sent as its toString(), as Espruino's write() does.
        write(data: unknown) {
          handle.write(typeof data === 'string' ? data : String(data));
          return false;
        },
        end(data?: unknown) {
          if (data !== undefined) socket.write(data);
          handle.end();
        },
      };
      const handle = host.connect(options.host, options.port, {
        connect: () => { if (callback) callback(socket); emit('connect', socket); },
        data: (chunk) => emit('data', chunk),
        drain: () => emit('drain'),
        error: (code, message) => emit('error', { code, message }),
        close: (hadError) => { emit('end'); emit('close', hadError); },
      });
      return socket;
    },
  };
  const start = host.heapUsed();
  return {
    E: {
      toUint8Array: (d) => bytes(bin(d)),
      toString: (d) => bin(d),
      hwRand: () => host.random32() | 0,
    },
    modules: { crypto, net },
    // V8 heap growth since the sandbox was made, in 16-byte blocks of a 16 MB store: an
    // estimate that moves with what the script allocates, not Espruino's own figure.
    process: {
      memory() {
        const total = 1 << 20;
        const usage = Math.min(total, Math.max(0, Math.ceil((host.heapUsed() - start) / 16)));
        return { free: total - usage, usage, total, blocksize: 16 };
      },
    },
    print,
  };
}

/** Globals Espruino 2v29 does not have (RUNTIMES.md, and what depends on BigInt or Symbol). */
export const MISSING_GLOBALS = [
  'BigInt', 'BigInt64Array', 'BigUint64Array', 'Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef',
  'FinalizationRegistry', 'Symbol', 'Proxy', 'Reflect', 'TextEncoder', 'TextDecoder',
];

/**
 * Strips a realm to Espruino's language surface. Self-contained like
 * espruinoBuiltins (evaluated from its source text in the sandbox).
 */
export function stripToEspruino(g: typeof globalThis, missing: string[]): void {
  const limit = 65535; // jswrap_arraybuffer_constructor: "Invalid length for ArrayBuffer"
  const P = g.Proxy;
  const construct = g.Reflect.construct;
  const TA = Object.getPrototypeOf(g.Uint8Array) as { prototype: object; from?: unknown; of?: unknown };
  // ArrayBufferView methods of src/jswrap_arraybuffer.c; everything else is absent.
  const keep = ['constructor', 'buffer', 'byteLength', 'byteOffset', 'length', 'set', 'map', 'subarray', 'indexOf',
    'includes', 'join', 'sort', 'forEach', 'reduce', 'fill', 'filter', 'find', 'findIndex', 'reverse', 'slice'];
  const proto = TA.prototype as Record<string, unknown>;
  for (const k of Object.getOwnPropertyNames(proto)) if (keep.indexOf(k) < 0) delete proto[k];
  const arraySlice = g.Array.prototype.slice;
  const nativeSet = proto.set as (this: Uint8Array, src: ArrayLike<number>, off?: number) => void;
  // slice() returns a plain Array; set() past the end copies what fits and says nothing.
  proto.slice = function (this: Uint8Array, a?: number, b?: number) { return arraySlice.call(this, a, b); };
  proto.set = function (this: Uint8Array, src: ArrayLike<number>, off?: number) {
    const o = off || 0;
    const n = Math.min(src.length, this.length - o);
    nativeSet.call(this, n < src.length ? arraySlice.call(src, 0, n) : src, o);
  };
  delete TA.from;
  delete TA.of;
  const limited = (C: new (...a: never[]) => object, bytesOf: (a: unknown[]) => number) =>
    new P(C, {
      construct(target, args, newTarget) {
        if (bytesOf(args) > limit) throw new g.Error('Invalid length for ArrayBuffer');
        return construct(target, args, newTarget);
      },
    });
  const views = ['Uint8Array', 'Uint8ClampedArray', 'Int8Array', 'Uint16Array', 'Int16Array', 'Uint32Array',
    'Int32Array', 'Float32Array', 'Float64Array'];
  for (const name of views) {
    const C = (g as unknown as Record<string, { BYTES_PER_ELEMENT: number } & (new (...a: never[]) => object)>)[name];
    (g as unknown as Record<string, unknown>)[name] = limited(C, (a) => (typeof a[0] === 'number' ? a[0] * C.BYTES_PER_ELEMENT : 0));
  }
  g.ArrayBuffer = limited(g.ArrayBuffer, (a) => Number(a[0]) || 0) as ArrayBufferConstructor;
  delete (g.ArrayBuffer.prototype as { slice?: unknown }).slice;
  delete (g.ArrayBuffer as { isView?: unknown }).isView;
  const dv = g.DataView.prototype as unknown as Record<string, unknown>;
  for (const k of ['getBigInt64', 'getBigUint64', 'setBigInt64', 'setBigUint64']) delete dv[k];
  // DataView reads out of range give 0 instead of throwing.
  for (const k of Object.getOwnPropertyNames(dv)) {
    const f = Object.getOwnPropertyDescriptor(dv, k)!.value; // undefined for the accessors (buffer, byteLength)
    if (k.indexOf('get') === 0 && typeof f === 'function') {
      dv[k] = function (this: DataView, ...a: unknown[]) {
        try { return (f as (...x: unknown[]) => number).apply(this, a); } catch (e) { return 0; }
      };
    }
  }
  const M = g.Math as unknown as Record<string, unknown>;
  delete M.imul;
  delete M.clz32;
  delete (g.Array as { from?: unknown }).from;
  delete (g.Number as { isInteger?: unknown }).isInteger;
  delete (g.Object as { freeze?: unknown }).freeze;
  for (const name of missing) delete (g as unknown as Record<string, unknown>)[name];
}

export interface Sandbox {
  context: vm.Context;
  /** Lines printed by the sandbox (print, console.log, native errors). */
  lines: string[];
  run(code: string, filename: string): unknown;
}

/** A node:vm context that looks like Espruino: stripped globals, E, require("crypto"/"net"), process, global. */
export function espruinoSandbox(host: Host & { lines: string[] } = nodeHost()): Sandbox {
  const context = vm.createContext({});
  const run = (code: string, filename: string) => vm.runInContext(code, context, { filename });
  const install = run(
    '(function (host, missing) {\n' +
    '  var builtins = (' + espruinoBuiltins.toString() + ')(host);\n' +
    '  var g = globalThis;\n' +
    '  g.global = g;\n' +
    '  g.E = builtins.E;\n' +
    '  g.process = builtins.process;\n' +
    '  g.print = builtins.print;\n' +
    '  g.console = { log: builtins.print };\n' +
    '  g.require = function (name) {\n' +
    '    var m = builtins.modules[name];\n' +
    '    if (!m) throw new Error("Module " + name + " not found");\n' +
    '    return m;\n' +
    '  };\n' +
    '  g.setTimeout = host.setTimeout; g.clearTimeout = host.clearTimeout;\n' +
    '  g.setInterval = host.setInterval; g.clearInterval = host.clearInterval;\n' +
    '  (' + stripToEspruino.toString() + ')(g, missing);\n' +
    '})', 'espruino-env.js') as (host: object, missing: string[]) => void;
  install({
    ...host,
    setTimeout: (f: () => void, ms: number) => setTimeout(f, ms),
    clearTimeout: (t: NodeJS.Timeout) => clearTimeout(t),
    setInterval: (f: () => void, ms: number) => setInterval(f, ms),
    clearInterval: (t: NodeJS.Timeout) => clearInterval(t),
  }, MISSING_GLOBALS);
  return { context, lines: host.lines, run };
}
