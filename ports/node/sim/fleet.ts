// A device fleet on one superloop: one server and N device clients, each
// device over its own simulated link. A device connects (full handshake,
// ticket resumption or external PSK), sends a few sensor messages that the
// server echoes, closes, and reconnects when asked. Time is virtual (the
// event queue), randomness is seeded, so a seed gives the same traffic and
// the same timings on every run; CPU time spent in the engine is measured
// with the real clock and reported beside it.
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { asciiBytes, asciiString } from '../../../core/bytes/ascii.js';
import type { Connection } from '../../../core/engine/connection.js';
import { Status, alertName } from '../../../core/errors.js';
import { Context } from '../../../core/index.js';
import { DONE, type Loop, type Task } from '../../../core/loop/scheduler.js';
import { wakeOnReady } from '../../../core/loop/transport.js';
import { CipherSuite, NamedGroup, TLS12, TLS13, groupName, suiteName } from '../../../core/registry.js';
import { EventQueue, simLoop } from './events.js';
import { Link, type LinkConfig } from './link.js';
import { Prng } from './prng.js';
import { ALL_GROUPS, ALL_SUITES, ALL_TLS12_SUITES, profile, serverPreference } from './profiles.js';

export type HandshakeKind = 'full' | 'resume' | 'psk';

export interface FleetOptions {
  devices: number;
  serverProfile: string;
  deviceProfile: string;
  link: LinkConfig;
  seed: number;
  /** 'resume': connections after the first resume the previous one's session; 'psk': every one uses an external PSK. */
  kind: HandshakeKind;
  /** The devices' protocol version, 0x0304 (TLS 1.3, the default) or 0x0303 (TLS 1.2); the server takes both. */
  version?: number;
  /** Connections per device (the first, then reconnects). */
  connections: number;
  /** Messages per connection, each echoed by the server. */
  messages: number;
  messageBytes: number;
  /** Device i starts at i * spacingMs (virtual). */
  spacingMs: number;
  /** Pause before a reconnect (virtual ms). */
  pauseMs: number;
  /** A connection not finished this long after it started fails with TIMEOUT (virtual ms). */
  timeoutMs: number;
  /** PKI files' contents: trust anchor, the server profile's chain and key. */
  pki: { ca: Uint8Array | string; serverChain: Uint8Array | string; serverKey: Uint8Array | string };
  /** Called now and then while running: devices finished, virtual time. */
  onProgress?: (devicesDone: number, virtualMs: number) => void;
}

/** One connection of one device. Times are virtual ms; CPU times are real ms spent in the engine. */
export interface ConnResult {
  device: number;
  /** 1 for the first connection, 2 for the first reconnect, ... */
  connection: number;
  ok: boolean;
  /** Error name (and alert), from the device's side or else the server's. */
  error: string | null;
  /** What was negotiated: 'full', 'resumed' or 'psk' (null when the handshake failed). */
  mode: string | null;
  suite: string | null;
  group: string | null;
  startMs: number;
  /** Device: first ClientHello byte sent to connect() done. */
  handshakeMs: number;
  /** Server: connection start to accept() done. */
  serverHandshakeMs: number;
  /** Start to close, messages included. */
  sessionMs: number;
  clientCpuMs: number;
  serverCpuMs: number;
  /** Longest single engine call during the handshake: how long it held the loop. */
  clientMaxStepMs: number;
  serverMaxStepMs: number;
  /** Handshake bytes on the wire: device to server, server to device (records, headers included). */
  bytesUp: number;
  bytesDown: number;
  /** Round trips the device waited for before its handshake was done. */
  roundTrips: number;
  clientArenaBytes: number;
  serverArenaBytes: number;
}

export interface FleetResult {
  connections: ConnResult[];
  /** Virtual time when the last device finished, ms. */
  virtualMs: number;
  events: number;
  /** SHA-256 of all traffic, each link and direction in order: equal for runs with equal traffic. */
  trafficDigest: string;
}

const REPLY_BUFFER = 2048;

export function runFleet(o: FleetOptions): FleetResult {
  const events = new EventQueue();
  const loop = simLoop(events);
  const serverProfile = profile(o.serverProfile);
  const deviceProfile = profile(o.deviceProfile);
  const tls12 = o.version === TLS12;
  let epoch = 0;
  // Whole ms like Date.now() (the engine stores ticket times as integers).
  const now = () => Math.floor(epoch + events.now);
  const pskKey = (device: number): Uint8Array => {
    const k = new Uint8Array(32);
    Prng.derive(o.seed, 0x10000000 + device).fill(k);
    return k;
  };

  const serverRandom = Prng.derive(o.seed, -1);
  const sctx = new Context({
    side: 'server',
    random: (d) => serverRandom.fill(d),
    now,
    cipherSuites: serverPreference(serverProfile.cipherSuites.concat(serverProfile.tls12Suites), ALL_SUITES.concat(ALL_TLS12_SUITES)),
    groups: serverPreference(serverProfile.groups, ALL_GROUPS),
    pskServer: o.kind === 'psk' ? (id) => {
      const m = /^device-(\d+)$/.exec(asciiString(id));
      return m && Number(m[1]) < o.devices ? { identity: id, key: pskKey(Number(m[1])) } : null;
    } : undefined,
  });
  sctx.useCertificateBuffer(o.pki.serverChain);
  sctx.usePrivateKeyBuffer(o.pki.serverKey);
  // Certificate dates are judged on the virtual clock, which starts an hour into the PKI's validity.
  epoch = sctx.leaf!.notBefore + 3600_000;

  const results: ConnResult[] = [];
  const links: Link[] = [];
  const server = new SimServer(loop, sctx, events, o.timeoutMs);
  const devices: SimDevice[] = [];
  for (let i = 0; i < o.devices; i++) {
    const random = Prng.derive(o.seed, i);
    const ctx = new Context({
      side: 'client',
      random: (d) => random.fill(d),
      now,
      serverName: 'localhost',
      cipherSuites: tls12 ? (o.kind === 'psk' ? [CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256] : deviceProfile.tls12Suites) : deviceProfile.cipherSuites,
      minVersion: o.version ?? TLS13,
      maxVersion: o.version ?? TLS13,
      // In TLS 1.2 supported_groups also names the curves of the ECDSA certificates a client verifies (RFC 8422 5.1).
      groups: tls12 ? serverPreference(deviceProfile.groups, [NamedGroup.secp256r1, NamedGroup.secp384r1]) : deviceProfile.groups,
      signatureSchemes: deviceProfile.signatureSchemes,
      pskClient: o.kind === 'psk' ? () => ({ identity: asciiBytes('device-' + i), key: pskKey(i) }) : undefined,
    });
    ctx.loadVerifyBuffer(o.pki.ca);
    const linkSeeds = Prng.derive(o.seed, 0x20000000 + i);
    const d = new SimDevice(i, ctx, o, events, () => {
      const link = new Link(events, o.link, new Prng(linkSeeds.next()));
      links.push(link);
      return link;
    }, server, results);
    devices.push(d);
    d.task = loop.add((t) => d.step(t), 'device' + i);
  }

  let lastProgress = 0;
  while (events.step()) {
    if (o.onProgress && events.processed - lastProgress >= 2048) {
      lastProgress = events.processed;
      o.onProgress(devices.filter((d) => d.task!.done).length, events.now);
    }
  }
  for (const d of devices) d.stalled();
  let virtualMs = 0;
  for (const r of results) virtualMs = Math.max(virtualMs, r.startMs + r.sessionMs);
  return { connections: results, virtualMs, events: events.processed, trafficDigest: trafficDigest(links) };
}

function trafficDigest(links: Link[]): string {
  const h = createHash('sha256');
  for (const l of links) h.update(l.digest(0) + l.digest(1));
  return h.digest('hex');
}

/** Server: one loop task per accepted connection, echoing what it reads. */
class SimServer {
  private readonly buf = new Uint8Array(REPLY_BUFFER);

  constructor(readonly loop: Loop, readonly ctx: Context, readonly events: EventQueue, readonly timeoutMs: number) {}

  accept(link: Link, rec: ConnResult): void {
    const conn = this.ctx.newConnection(link.b);
    rec.serverArenaBytes = conn.arenaBytes;
    const deadline = this.events.now + this.timeoutMs;
    const buf = this.buf;
    let handshaking = true;
    let echoOff = 0;
    let echoLen = 0;
    const fail = (r: number): number => {
      if (!rec.error) rec.error = 'server: ' + errorLabel(conn, r);
      link.b.close();
      return DONE;
    };
    const wait = (r: number): number => {
      if (r !== Status.WANT_READ && r !== Status.WANT_WRITE) return fail(r);
      return this.events.now >= deadline ? fail(TIMEOUT) : deadline - this.events.now;
    };
    const task = this.loop.add(() => {
      if (handshaking) {
        const t0 = performance.now();
        const r = conn.accept();
        const dt = performance.now() - t0;
        rec.serverCpuMs += dt;
        if (dt > rec.serverMaxStepMs) rec.serverMaxStepMs = dt;
        if (r !== Status.OK) return wait(r);
        handshaking = false;
        rec.serverHandshakeMs = this.events.now - rec.startMs;
        rec.bytesDown = link.stats.bytes[1];
      }
      for (;;) {
        if (echoLen > 0) {
          const w = conn.write(buf, echoOff, echoLen);
          if (w < 0) return wait(w);
          echoOff += w;
          echoLen -= w;
          continue;
        }
        const n = conn.read(buf, 0, buf.length);
        if (n === 0) {
          // The device sent close_notify: answer it and close.
          const s = conn.shutdown();
          if (s < -100) return fail(s);
          link.b.close();
          return DONE;
        }
        if (n < 0) return wait(n);
        echoOff = 0;
        echoLen = n;
      }
    }, 'server');
    wakeOnReady(link.b, task);
  }
}

const TIMEOUT = -1000;

/** A device: connect, send messages and read their echoes, close; again for each connection. */
class SimDevice {
  task: Task | null = null;
  private conn: Connection | null = null;
  private link: Link | null = null;
  private rec: ConnResult | null = null;
  private phase: 'wait' | 'handshake' | 'send' | 'receive' | 'close' = 'wait';
  private index = 0; // connections started
  private nextStart: number;
  private deadline = 0;
  private session: Uint8Array | null = null;
  private sent = 0; // messages sent on this connection
  private off = 0; // bytes of the current message written, then echoed back
  private readonly msg: Uint8Array;
  private readonly reply = new Uint8Array(REPLY_BUFFER);
  private readonly sensor: Prng;

  constructor(
    readonly id: number,
    readonly ctx: Context,
    readonly o: FleetOptions,
    readonly events: EventQueue,
    readonly newLink: () => Link,
    readonly server: SimServer,
    readonly results: ConnResult[],
  ) {
    this.nextStart = id * o.spacingMs;
    this.msg = new Uint8Array(o.messageBytes);
    this.sensor = Prng.derive(o.seed, 0x30000000 + id);
  }

  step(task: Task): number {
    const now = this.events.now;
    for (;;) {
      switch (this.phase) {
        case 'wait':
          if (this.index === this.o.connections) return DONE;
          if (now < this.nextStart) return this.nextStart - now;
          this.open(task);
          this.phase = 'handshake';
          break;
        case 'handshake': {
          const conn = this.conn!;
          const rec = this.rec!;
          const t0 = performance.now();
          const r = conn.connect();
          const dt = performance.now() - t0;
          rec.clientCpuMs += dt;
          if (dt > rec.clientMaxStepMs) rec.clientMaxStepMs = dt;
          if (r !== Status.OK) return this.wait(r);
          const n = conn.negotiated()!;
          rec.handshakeMs = now - rec.startMs;
          rec.roundTrips = this.link!.stats.turns;
          rec.bytesUp = this.link!.stats.bytes[0];
          rec.mode = n.mode;
          rec.suite = suiteName(n.cipherSuite);
          rec.group = n.group === null ? null : groupName(n.group);
          this.phase = 'send';
          break;
        }
        case 'send': {
          if (this.sent === this.o.messages) {
            this.phase = 'close';
            break;
          }
          if (this.off === 0) this.reading();
          const w = this.conn!.write(this.msg, this.off, this.msg.length - this.off);
          if (w < 0) return this.wait(w);
          this.off += w;
          if (this.off === this.msg.length) {
            this.off = 0;
            this.phase = 'receive';
          }
          break;
        }
        case 'receive': {
          const n = this.conn!.read(this.reply, 0, Math.min(this.reply.length, this.msg.length - this.off));
          if (n === 0) return this.finish('closed by the server');
          if (n < 0) return this.wait(n);
          for (let i = 0; i < n; i++) {
            if (this.reply[i] !== this.msg[this.off + i]) return this.finish('echo differs');
          }
          this.off += n;
          if (this.off === this.msg.length) {
            this.off = 0;
            this.sent++;
            this.phase = 'send';
          }
          break;
        }
        case 'close': {
          const s = this.conn!.shutdown();
          if (s === Status.WANT_WRITE) return this.wait(s);
          if (s < 0) return this.wait(s);
          if (this.o.kind === 'resume') this.session = this.conn!.getSession() ?? this.session;
          this.finish(null);
          break;
        }
      }
    }
  }

  /** Called after the run: a device still connecting when the events ran out is reported as stalled. */
  stalled(): void {
    if (this.rec && this.phase !== 'wait') this.finish('STALLED');
  }

  private open(task: Task): void {
    this.index++;
    const link = this.newLink();
    const conn = this.ctx.newConnection(link.a);
    if (this.session) conn.setSession(this.session);
    const now = this.events.now;
    const rec: ConnResult = {
      device: this.id, connection: this.index, ok: false, error: null, mode: null, suite: null, group: null,
      startMs: now, handshakeMs: 0, serverHandshakeMs: 0, sessionMs: 0,
      clientCpuMs: 0, serverCpuMs: 0, clientMaxStepMs: 0, serverMaxStepMs: 0,
      bytesUp: 0, bytesDown: 0, roundTrips: 0, clientArenaBytes: conn.arenaBytes, serverArenaBytes: 0,
    };
    this.results.push(rec);
    this.conn = conn;
    this.link = link;
    this.rec = rec;
    this.sent = 0;
    this.off = 0;
    this.deadline = now + this.o.timeoutMs;
    wakeOnReady(link.a, task);
    this.server.accept(link, rec);
  }

  /** A sensor reading as text, padded with spaces to the message size. */
  private reading(): void {
    const s = this.sensor;
    const text = 'device ' + this.id + ' seq ' + (this.sent + 1) + ' temp ' + (15 + s.int(0, 150) / 10).toFixed(1) +
      ' humidity ' + s.int(20, 80) + '%\n';
    this.msg.fill(0x20);
    for (let i = 0; i < text.length && i < this.msg.length; i++) this.msg[i] = text.charCodeAt(i);
  }

  /** WANT_READ / WANT_WRITE: wait for the link or the deadline; anything else ends the connection. */
  private wait(r: number): number {
    if (r !== Status.WANT_READ && r !== Status.WANT_WRITE) return this.finish(errorLabel(this.conn!, r));
    const now = this.events.now;
    if (now >= this.deadline) return this.finish('TIMEOUT');
    return this.deadline - now;
  }

  /** Ends the current connection (error null: it went well) and schedules the next one. */
  private finish(error: string | null): number {
    const rec = this.rec!;
    rec.ok = error === null && rec.error === null;
    if (error !== null) rec.error = error;
    rec.sessionMs = this.events.now - rec.startMs;
    this.link!.a.close();
    this.conn = null;
    this.link = null;
    this.rec = null;
    this.phase = 'wait';
    this.nextStart = this.events.now + this.o.pauseMs;
    return 0;
  }
}

/** "NO_SHARED_SIGALG" or "FATAL_ALERT_RECEIVED (handshake_failure)". */
function errorLabel(conn: Connection, code: number): string {
  if (code === TIMEOUT) return 'TIMEOUT';
  const e = conn.lastError();
  if (!e) return 'error ' + code;
  if (e.alertReceived >= 0) return e.name + ' (' + alertName(e.alertReceived) + ')';
  return e.name;
}
