// A TCP proxy between a TLS client and server that forwards whole records,
// noting each record's outer type and length per direction, and, once
// armed, flips one bit in the next encrypted record (outer content type
// application_data) going one way: the receiver must fail with
// bad_record_mac. editFirst() changes the first record going one way (a
// ClientHello, say), or the first one it picks, with a function of the test's.
import { connect as tcpConnect, createServer, type Socket } from 'node:net';
import { register } from './peers.js';

export type Direction = 'toServer' | 'toClient';

export interface TamperProxy {
  port: number;
  /** Flip a bit in the next application_data record sent in this direction. */
  arm(dir: Direction): void;
  /**
   * Let edit change the first record (header included, in place) sent in this
   * direction by the next connection; an edit that returns false passes the
   * record on untouched and waits for the next one.
   */
  editFirst(dir: Direction, edit: (record: Buffer) => boolean | void): void;
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

const APPLICATION_DATA = 23;

/** Proxy on 127.0.0.1 to 127.0.0.1:targetPort (one or more connections). */
export async function tamperProxy(targetPort: number): Promise<TamperProxy> {
  const armed: Record<Direction, boolean> = { toServer: false, toClient: false };
  const edits: Record<Direction, ((record: Buffer) => boolean | void) | null> = { toServer: null, toClient: null };
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
    let buf = Buffer.alloc(0);
    from.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]); // a fresh copy: safe to modify
      let p = 0;
      while (buf.length - p >= 5) {
        const len = buf.readUInt16BE(p + 3);
        if (buf.length - p < 5 + len) break;
        seen[dir].push({ type: buf[p], length: len });
        const edit = edits[dir];
        if (edit && edit(buf.subarray(p, p + 5 + len)) !== false) {
          edits[dir] = null;
          count++;
        }
        if (armed[dir] && buf[p] === APPLICATION_DATA && len > 0) {
          buf[p + 5] ^= 0x01;
          armed[dir] = false;
          count++;
        }
        p += 5 + len;
      }
      if (p > 0) {
        to.write(buf.subarray(0, p));
        buf = buf.subarray(p);
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
    tampered: () => count,
    records: (dir) => seen[dir].slice(),
    stop: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
