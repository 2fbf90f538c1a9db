// The client's session files: --sess-in (a session to resume) and
// --sess-out (the session from the server's newest ticket, written at the end).
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Connection } from '../../../core/engine/connection.js';
import { Status } from '../../../core/errors.js';
import type { SocketIo } from '../socket-io.js';
import type { Values } from './command.js';
import { load } from './errors.js';
import { err } from './output.js';
import { READ_SIZE } from './seed-protocol.js';

/** How long a client with --sess-out that has read nothing yet waits for the server's ticket. */
const TICKET_WAIT_MS = 1000;

/** The session saved in the --sess-in file, or null without the option. */
export function savedSession(v: Values): Uint8Array | null {
  const file = v['sess-in'];
  if (typeof file !== 'string') return null;
  let bytes = new Uint8Array(0);
  load('cannot read session ' + file, () => (bytes = readFileSync(file)));
  return bytes;
}

/** Reads (dropping any data) until the server's ticket came, the stream ended or ms passed; the session or null. */
async function waitForTicket(conn: Connection, io: SocketIo, ms: number): Promise<Uint8Array | null> {
  const buf = new Uint8Array(READ_SIZE);
  const deadline = performance.now() + ms;
  for (;;) {
    const session = conn.getSession();
    if (session) return session;
    const r = conn.read(buf);
    if (r > 0) continue;
    const left = deadline - performance.now();
    if (r !== Status.WANT_READ || io.eof || left <= 0) return null;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([io.waitEvent(), new Promise((resolve) => (timer = setTimeout(resolve, left)))]);
    clearTimeout(timer);
  }
}

/** --sess-out: writes the session from the server's newest ticket to file (waiting a little if none came yet). */
export async function saveSession(conn: Connection, io: SocketIo, file: string): Promise<void> {
  const session = conn.getSession() ?? (await waitForTicket(conn, io, TICKET_WAIT_MS));
  if (!session) {
    err('No session ticket received: ' + file + ' not written');
    return;
  }
  load('cannot write session ' + file, () => writeFileSync(file, session));
}
