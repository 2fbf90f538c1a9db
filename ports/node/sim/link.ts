// A simulated network link between two Transports, on a virtual clock.
// Each direction serializes its bytes at the link's bandwidth, cuts them
// into segments of at most the MTU (or random sizes down to 1 byte), and
// delivers each segment one latency after it left. Stream mode is reliable
// and in order, with a TCP-like window (bytes in flight plus bytes unread
// at the receiver) that makes a fast sender see WANT_WRITE. Datagram mode
// (for DTLS later) keeps message boundaries and may lose or reorder.
import { createHash, type Hash } from 'node:crypto';
import { ErrorCode, Status } from '../../../core/errors.js';
import type { Transport } from '../../../core/loop/transport.js';
import { ByteQueue } from '../transports/byte-queue.js';
import type { EventQueue } from './events.js';
import type { Prng } from './prng.js';

export interface LinkConfig {
  /** One-way latency, ms. */
  latencyMs: number;
  /** Bits per second each way (Infinity: no serialization delay). */
  bandwidthBps: number;
  /** Largest segment (stream) or datagram, bytes. */
  mtu: number;
  /** Stream: cut into random segment sizes from 1 byte to the MTU. */
  split: boolean;
  /** Datagram: probability that a datagram is lost. */
  loss: number;
  /** Datagram: probability that a datagram is held back one extra latency (arriving after later ones). */
  reorder: number;
  /** Stream: bytes in flight plus unread at the receiver before the sender gets WANT_WRITE. */
  window: number;
}

export const DEFAULT_LINK: LinkConfig = {
  latencyMs: 50, bandwidthBps: 250_000, mtu: 536, split: false, loss: 0, reorder: 0, window: 65536,
};

const BANDWIDTH_UNITS: Record<string, number> = { bit: 1, kbit: 1e3, mbit: 1e6, gbit: 1e9 };

/**
 * Parses "latency=50ms,bandwidth=250kbit,mtu=536,split=random,loss=1%,reorder=2%,window=64k"
 * over `base`. Throws an Error naming the bad part.
 */
export function parseLink(spec: string, base: LinkConfig = DEFAULT_LINK): LinkConfig {
  const c: LinkConfig = { ...base };
  for (const part of spec.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim().toLowerCase();
    const bad = (): never => {
      throw new Error("bad link setting '" + part + "'");
    };
    if (eq < 0) bad();
    let m: RegExpMatchArray | null;
    switch (key) {
      case 'latency':
        m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(value) ?? bad();
        c.latencyMs = Number(m[1]) * (m[2] === 's' ? 1000 : 1);
        break;
      case 'bandwidth':
        if (value === 'inf' || value === 'unlimited') {
          c.bandwidthBps = Infinity;
          break;
        }
        m = /^(\d+(?:\.\d+)?)(bit|kbit|mbit|gbit)(?:\/s)?$/.exec(value) ?? bad();
        c.bandwidthBps = Number(m[1]) * BANDWIDTH_UNITS[m[2]];
        if (c.bandwidthBps <= 0) bad();
        break;
      case 'mtu':
        c.mtu = /^\d+$/.test(value) && Number(value) >= 1 ? Number(value) : bad();
        break;
      case 'window':
        m = /^(\d+)(k)?$/.exec(value) ?? bad();
        c.window = Number(m[1]) * (m[2] ? 1024 : 1);
        if (c.window < 1) bad();
        break;
      case 'split':
        c.split = value === 'random' ? true : value === 'none' ? false : bad();
        break;
      case 'loss':
      case 'reorder': {
        m = /^(\d+(?:\.\d+)?)(%)?$/.exec(value) ?? bad();
        const p = Number(m[1]) / (m[2] ? 100 : 1);
        if (p > 1) bad();
        c[key] = p;
        break;
      }
      default:
        bad();
    }
  }
  return c;
}

/** "50ms, 250kbit/s, MTU 536" */
export function describeLink(c: LinkConfig): string {
  const bw = c.bandwidthBps === Infinity ? 'unlimited' :
    c.bandwidthBps >= 1e6 ? c.bandwidthBps / 1e6 + 'mbit/s' :
    c.bandwidthBps >= 1e3 ? c.bandwidthBps / 1e3 + 'kbit/s' : c.bandwidthBps + 'bit/s';
  return c.latencyMs + 'ms one way, ' + bw + ', MTU ' + c.mtu + (c.split ? ', random segments' : '') +
    (c.loss ? ', loss ' + c.loss * 100 + '%' : '') + (c.reorder ? ', reorder ' + c.reorder * 100 + '%' : '');
}

export type LinkMode = 'stream' | 'datagram';

/** Counters of one link. Direction 0 is a -> b (client to server), 1 is b -> a. */
export interface LinkStats {
  bytes: [number, number];
  segments: [number, number];
  /** Datagrams lost or dropped (datagram mode). */
  lost: number;
  /** Times the b -> a direction started sending after a -> b had sent: round trips as seen by a. */
  turns: number;
}

export class Link {
  readonly a: LinkEnd;
  readonly b: LinkEnd;
  readonly stats: LinkStats = { bytes: [0, 0], segments: [0, 0], lost: 0, turns: 0 };
  private lastDir = -1;
  private readonly hashes: [Hash, Hash] = [createHash('sha256'), createHash('sha256')];

  constructor(
    readonly events: EventQueue,
    readonly config: LinkConfig,
    readonly prng: Prng,
    readonly mode: LinkMode = 'stream',
  ) {
    this.a = new LinkEnd(this, 0);
    this.b = new LinkEnd(this, 1);
    this.a.peer = this.b;
    this.b.peer = this.a;
  }

  /** SHA-256 (hex) of every byte sent so far in direction dir: equal digests mean identical traffic. */
  digest(dir: 0 | 1): string {
    return this.hashes[dir].copy().digest('hex');
  }

  /** Virtual ms to serialize n bytes. */
  serialization(n: number): number {
    return (n * 8 * 1000) / this.config.bandwidthBps;
  }

  /** Accounts bytes leaving in direction dir. */
  counted(dir: 0 | 1, data: Uint8Array): void {
    this.stats.bytes[dir] += data.length;
    this.stats.segments[dir]++;
    this.hashes[dir].update(data);
    if (dir === 1 && this.lastDir === 0) this.stats.turns++;
    this.lastDir = dir;
  }
}

export class LinkEnd implements Transport {
  onReady: (() => void) | null = null;
  peer!: LinkEnd;
  /** We closed our sending side. */
  closed = false;
  /** The peer's close has arrived. */
  private eof = false;
  private readonly inbox: ByteQueue;
  private readonly datagrams: Uint8Array[] = [];
  private busyUntil = 0; // our transmitter is free from this time on
  private inflight = 0; // bytes sent, not yet delivered to the peer
  private blocked = false;

  constructor(readonly link: Link, readonly dir: 0 | 1) {
    this.inbox = new ByteQueue(link.mode === 'stream' ? link.config.window : 0);
  }

  recv(buf: Uint8Array, off: number, len: number): number {
    let n: number;
    if (this.link.mode === 'datagram') {
      const d = this.datagrams.shift();
      if (!d) return this.eof ? 0 : Status.WANT_READ;
      n = Math.min(len, d.length); // like UDP: the rest of a datagram that does not fit is lost
      buf.set(d.subarray(0, n), off);
      return n;
    }
    n = this.inbox.shift(buf, off, len);
    if (n === 0) return this.eof ? 0 : Status.WANT_READ;
    const p = this.peer;
    if (p.blocked) {
      p.blocked = false;
      p.ready();
    }
    return n;
  }

  send(buf: Uint8Array, off: number, len: number): number {
    if (this.closed) return ErrorCode.IO_ERROR;
    return this.link.mode === 'datagram' ? this.sendDatagram(buf, off, len) : this.sendStream(buf, off, len);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    const events = this.link.events;
    // The FIN follows the last segment.
    events.at(Math.max(events.now, this.busyUntil) + this.link.config.latencyMs, () => {
      this.peer.eof = true;
      this.peer.ready();
    });
  }

  private sendStream(buf: Uint8Array, off: number, len: number): number {
    const link = this.link;
    const c = link.config;
    const room = c.window - this.inflight - this.peer.inbox.length;
    if (room <= 0) {
      this.blocked = true;
      return Status.WANT_WRITE;
    }
    const n = Math.min(len, room);
    for (let done = 0; done < n; ) {
      const size = Math.min(n - done, c.split ? link.prng.int(1, c.mtu) : c.mtu);
      const seg = buf.slice(off + done, off + done + size);
      done += size;
      this.inflight += size;
      this.transmit(seg, 0, () => {
        this.inflight -= size;
        this.peer.inbox.push(seg, 0, size);
        this.peer.ready();
      });
    }
    return n;
  }

  private sendDatagram(buf: Uint8Array, off: number, len: number): number {
    const link = this.link;
    const c = link.config;
    if (len > c.mtu) {
      link.stats.lost++; // too large for the link: dropped before it is sent
      return len;
    }
    const d = buf.slice(off, off + len);
    const lost = link.prng.float() < c.loss;
    const extra = link.prng.float() < c.reorder ? Math.max(c.latencyMs, 1) : 0;
    if (lost) link.stats.lost++;
    this.transmit(d, extra, () => {
      const peer = this.peer;
      if (lost) return;
      if (peer.queuedDatagramBytes() + d.length > c.window) {
        link.stats.lost++; // the receive buffer is full
        return;
      }
      peer.datagrams.push(d);
      peer.ready();
    });
    return len;
  }

  /** Serializes data after what is already on the wire, and runs deliver when it arrives. */
  private transmit(data: Uint8Array, extraDelay: number, deliver: () => void): void {
    const link = this.link;
    const events = link.events;
    link.counted(this.dir, data);
    this.busyUntil = Math.max(events.now, this.busyUntil) + link.serialization(data.length);
    events.at(this.busyUntil + link.config.latencyMs + extraDelay, deliver);
  }

  private queuedDatagramBytes(): number {
    let n = 0;
    for (const d of this.datagrams) n += d.length;
    return n;
  }

  private ready(): void {
    if (this.onReady) this.onReady();
  }
}
