// A TCP proxy between a TLS client and server that forwards whole records,
// noting each record's outer type and length per direction, and, once
// armed, flips one bit in the next encrypted record (outer content type
// application_data) going one way: the receiver must fail with
// bad_record_mac. editFirst() changes or replaces the first record going one
// way (a ClientHello, say), or the first one it picks; onRecord() sees (and
// may replace) every record.
import { connect as tcpConnect, createServer, type Socket } from 'node:net';
import { register } from './peers.js';

export type Direction = 'toServer' | 'toClient';

export interface TamperProxy {
  port: number;
  /** Flip a bit in the next application_data record sent in this direction. */
  arm(dir: Direction): void;
  /**
   * Lets edit change the next record (header included, in place) sent in
   * this direction, or return the bytes to send instead; an edit that
   * returns false passes the record on untouched and waits for the next one.
   */
  editFirst(dir: Direction, edit: Edit): void;
  /** Passes every record from now on through f (as editFirst does one). */
  onRecord(f: (dir: Direction, record: Buffer) => Buffer | void): void;
  /** Records tampered with so far. */
  tampered(): number;
  /** The records forwarded in this direction so far (all connections). */
  records(dir: Direction): RecordSeen[];
  stop(): Promise<void>;
}

export interface RecordSeen {
  /** Outer content type. */
  type: number;
  /** Length field: the bytes after the 5-byte header. */
  length: number;
}

type Edit = (record: Buffer) => Buffer | false | void;

const APPLICATION_DATA = 23;

/** Proxy on 127.0.0.1 to 127.0.0.1:targetPort (one or more connections). */
export async function tamperProxy(targetPort: number): Promise<TamperProxy> {
  const armed: Record<Direction, boolean> = { toServer: false, toClient: false };
  const edits: Record<Direction, Edit | null> = { toServer: null, toClient: null };
  let watch: ((dir: Direction, record: Buffer) => Buffer | void) | null = null;
  let count = 0;
  const seen: Record<Direction, RecordSeen[]> = { toServer: [], toClient: [] };
  const sockets = new Set<Socket>();
  const own = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    return s;
  };

  const relay = (from: Socket, to: Socket, dir: Direction) => {
    let buf: Buffer = Buffer.alloc(0);
    from.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]); // a fresh copy: safe to modify
      while (buf.length >= 5 && buf.length >= 5 + buf.readUInt16BE(3)) {
        const len = buf.readUInt16BE(3);
        let rec: Buffer = buf.subarray(0, 5 + len);
        buf = buf.subarray(5 + len);
        seen[dir].push({ type: rec[0], length: len });
        const edit = edits[dir];
        const edited = edit ? edit(rec) : false;
        if (edited !== false) {
          edits[dir] = null;
          rec = edited ?? rec;
          count++;
        }
        if (watch) rec = watch(dir, rec) ?? rec;
        if (armed[dir] && rec[0] === APPLICATION_DATA && len > 0) {
          rec[5] ^= 0x01;
          armed[dir] = false;
          count++;
        }
        to.write(rec);
      }
    });
    from.on('end', () => to.end());
    from.on('close', () => to.destroy());
  };

  const server = createServer({ pauseOnConnect: true }, (client: Socket) => {
    own(client);
    const target = own(tcpConnect({ host: '127.0.0.1', port: targetPort }));
    target.once('connect', () => {
      relay(client, target, 'toServer');
      relay(target, client, 'toClient');
      client.resume();
    });
    target.once('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return register<TamperProxy>({
    port: (server.address() as { port: number }).port,
    arm: (dir) => { armed[dir] = true; },
    editFirst: (dir, edit) => { edits[dir] = edit; },
    onRecord: (f) => { watch = f; },
    tampered: () => count,
    records: (dir) => seen[dir].slice(),
    stop: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
