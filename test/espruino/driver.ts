// The script that drives the Espruino bundle on the real interpreter
// (after the bundle, see engine.ts): PSK connections one after the other,
// each sending one line and reading the reply, then closing, with a
// report per connection. Plain ES5 text: it runs on Espruino as written.
import type { EngineRun } from './engine.js';

/** One connection of a driver run. */
export interface DriverConnection {
  port: number;
  psk: { identity: string; key: string };
  /** psk_dhe_ke (X25519) instead of psk_ke. */
  dhe?: boolean;
  /** Cipher suite codes offered (default: the profile's). */
  suites?: number[];
  /** Length of the line sent, newline excluded (line(size) below). */
  size: number;
  /** Who sends close_notify first: the client (end()), or the server (asked with the line "CLOSE"). */
  close: 'client' | 'server';
  /** Built-ins the connection is configured without: 'crypto.AES', 'crypto.SHA256', 'E.hwRand', ... */
  hide?: string[];
}

/** What the driver reports for each connection. */
export interface DriverReport {
  i: number;
  /** 'secure', 'end' (the server's close_notify), 'error', 'close', in the order they came. */
  events: string[];
  reply: string;
  error: { code: number; name: string; message: string; alert: string } | null;
  /** An exception from microtls.connect() (configuration errors). */
  thrown: { code: number; name: string; message: string } | null;
  /** process.memory().usage: before connecting, when secure, at the most during the handshake, after close. */
  before: number;
  secure: number;
  peak: number;
  after: number;
  /** The connection's arena (Connection.arenaBytes). */
  arena: number;
}

const PATTERN = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** The line a connection of `size` sends (the driver builds the same). */
export function line(size: number): string {
  let s = '';
  while (s.length < size) s += PATTERN;
  return s.substring(0, size);
}

/**
 * The driver for `connections`. With `sample`, memory is read (after a
 * garbage collection) at every engine state change, for the peak figure.
 * With `shared`, one context (the first connection's PSK, suites and mode)
 * is made before the first connection and serves them all, as an
 * application keeps it; its cost is reported as { context: blocks in use }.
 *
 * The figure before each connection and after each close is read in the
 * same state: by next(), a top-level function run from a timer, with
 * nothing of the driver's connections alive (the record of the last one is
 * reported, then dropped, before the figure after it is read). The figure
 * before the first connection is the starting figure: the bundle loaded and
 * the context made. Each connection is reported at its close ({ i, ... });
 * each figure between two connections as { between: n, usage } (before
 * connection n, after connection n - 1), with `sample` also with the blocks
 * under each entry of the root scope (`roots`: what a connection left
 * behind shows there by name). driverReports() joins them.
 */
export function driver(connections: DriverConnection[], sample = false, shared = false): string {
  return `
var RUNS = ${JSON.stringify(connections)};
var SAMPLE = ${sample};
var CTX = null;
var OUT = null;
var NEXT = 0;
function mem() { return process.memory().usage; }
function sampled() { var u = mem(); if (OUT && u > OUT.peak) OUT.peak = u; }
function line(size) {
  var s = '';
  while (s.length < size) s += ${JSON.stringify(PATTERN)};
  return s.substring(0, size);
}
// A module with some members hidden (built-in members are not enumerable: they are named here).
function without(obj, prefix, names, hide) {
  var copy = {};
  var hid = false;
  for (var n = 0; n < names.length; n++) {
    if (hide.indexOf(prefix + names[n]) < 0) copy[names[n]] = obj[names[n]];
    else hid = true;
  }
  return hid ? copy : obj;
}
// Blocks under each entry of the root scope, the hidden one ("\\xFF": timers, modules, the net library's
// state) included under a name JSON keeps (it leaves out names starting with that character).
function roots() {
  var out = {};
  var a = E.getSizeOf(global, 1);
  for (var i = 0; i < a.length; i++) {
    var n = a[i].name;
    out[n.charCodeAt(0) === 255 ? '\\\\xFF' + n.substring(1) : n] = a[i].size;
  }
  return out;
}
function next() {
  var usage = mem();
  report({ between: NEXT, usage: usage, roots: SAMPLE ? roots() : null });
  if (NEXT >= RUNS.length) {
    report({ done: true, usage: usage });
    return;
  }
  run(NEXT++, usage);
}
function run(i, before) {
  var r = RUNS[i];
  var hide = r.hide || [];
  var out = { i: i, events: [], reply: '', error: null, thrown: null, before: before, secure: 0, peak: before, after: 0, arena: 0 };
  OUT = out;
  var saved = {};
  for (var h = 0; h < hide.length; h++) {
    if (hide[h].indexOf('E.') === 0) { saved[hide[h]] = E[hide[h].substring(2)]; E[hide[h].substring(2)] = undefined; }
  }
  var c = null;
  var asked = false;
  try {
    c = microtls.connect(CTX ? { host: '127.0.0.1', port: r.port, net: require('net'), context: CTX } : {
      host: '127.0.0.1', port: r.port, psk: r.psk, dhe: r.dhe, cipherSuites: r.suites,
      net: without(require('net'), 'net.', ['connect'], hide),
      crypto: without(require('crypto'), 'crypto.', ['SHA256', 'SHA384', 'AES'], hide),
      debug: SAMPLE ? sampled : undefined
    }, function () {
      out.events.push('secure');
      out.secure = mem();
      out.arena = c.conn.arenaBytes;
      c.write(line(r.size) + '\\n');
    });
  } catch (e) {
    out.thrown = { code: e.code, name: e.name, message: e.message };
  }
  for (var k in saved) E[k.substring(2)] = saved[k];
  if (!c) {
    report(out);
    OUT = null;
    setTimeout(next, 1);
    return;
  }
  c.on('data', function (d) {
    out.reply += d;
    if (!asked && out.reply.indexOf('\\n') >= 0) {
      asked = true;
      if (r.close === 'client') c.end(); else c.write('CLOSE\\n');
    }
  });
  c.on('end', function () { out.events.push('end'); });
  c.on('error', function (e) { out.events.push('error'); out.error = e; });
  c.on('close', function () {
    out.events.push('close');
    report(out);
    OUT = null;
    c = null;
    // The figure after it is read once the close has returned: nothing of the connection on the stack.
    setTimeout(next, 1);
  });
}
report({ loaded: mem() });
if (${shared}) {
  CTX = microtls.espruinoContext(require('crypto'), { psk: RUNS[0].psk, dhe: RUNS[0].dhe, cipherSuites: RUNS[0].suites, debug: SAMPLE ? sampled : undefined });
  report({ context: mem() });
}
setTimeout(next, 1);
`;
}

/** A figure between two connections of a driver run (before connection `between`). */
export interface Between {
  between: number;
  usage: number;
  /** With `sample`: blocks under each entry of the root scope. */
  roots: Record<string, number> | null;
}

/** The connections' reports of a driver run, each with the figure after its close joined in. */
export function driverReports(run: EngineRun): DriverReport[] {
  const out: DriverReport[] = [];
  for (const r of run.reports) if (typeof r.i === 'number') out[r.i] = r as unknown as DriverReport;
  for (const b of betweens(run)) if (b.between > 0 && out[b.between - 1]) out[b.between - 1].after = b.usage;
  return out.filter((r) => r !== undefined);
}

/** The figures between connections, in order. */
export function betweens(run: EngineRun): Between[] {
  return run.reports.filter((r) => typeof r.between === 'number') as unknown as Between[];
}
