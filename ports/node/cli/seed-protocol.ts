// The seed book's line protocol over a connection: the server prints what
// the client sends and answers every message with REPLY; the client sends
// lines and prints the replies. Shared by server, client and demo.
import type { Connection } from '../../../core/engine/connection.js';
import type { Negotiated } from '../../../core/engine/types.js';
import { TLS12, TLS13, groupName, schemeName, suiteName } from '../../../core/registry.js';
import { type SocketIo, close, errorFor, readSome, writeAll } from '../socket-io.js';
import { withDeadline } from './deadline.js';
import type { Print } from './output.js';

export const REPLY = 'I hear ya fa shizzle!\n';
const HTTP_GET = 'GET / HTTP/1.0\r\n\r\n';
export const READ_SIZE = 16384;

const VERSION_NAMES: Record<number, string> = { [TLS13]: 'TLSv1.3', [TLS12]: 'TLSv1.2' };

/** The negotiated version as OpenSSL names it (TLSv1.3). */
export function versionLabel(n: Negotiated): string {
  return VERSION_NAMES[n.version] ?? '0x' + n.version.toString(16);
}

/** One line describing the negotiated parameters. */
export function describeNegotiated(n: Negotiated): string {
  return versionLabel(n) + ' ' + suiteName(n.cipherSuite) +
    ', group ' + (n.group === null ? 'none' : groupName(n.group)) +
    ', signature ' + (n.signatureScheme === null ? 'none' : schemeName(n.signatureScheme));
}

function text(buf: Uint8Array, n: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset, n).toString('utf8');
}

/** Drops one trailing line ending, as printf("Received: %s") of a line would show it. */
export function chomp(s: string): string {
  return s.replace(/\r?\n$/, '');
}

/**
 * The seed server's session: print what the client sends and answer it,
 * until "break" or close_notify from the client; then close.
 */
export async function serveConnection(conn: Connection, io: SocketIo, print: Print): Promise<void> {
  const buf = new Uint8Array(READ_SIZE);
  for (;;) {
    const n = await readSome(conn, io, buf);
    if (n === 0) break;
    const msg = text(buf, n);
    print('Received: ' + chomp(msg));
    if (msg.startsWith('break')) {
      print('Received break command');
      break;
    }
    await writeAll(conn, io, Buffer.from(REPLY));
  }
  await close(conn, io);
  print('Closed the connection');
}

/** Reads the server's answer and prints it; false when the server closed instead. */
export async function printReply(conn: Connection, io: SocketIo, buf: Uint8Array, print: Print, ms = 0): Promise<boolean> {
  const n = await withDeadline(io, ms, 'reply from the server', () => readSome(conn, io, buf));
  if (n === 0) {
    print('Server closed the connection');
    return false;
  }
  print('Received: ' + chomp(text(buf, n)));
  return true;
}

/**
 * The seed client's session: send each line, print the reply; an empty
 * line sends an HTTP GET, "break" ends it, "k" / "K" send a KeyUpdate
 * (K with update_requested) instead of data. The caller closes.
 */
export async function clientSession(conn: Connection, io: SocketIo, lines: AsyncIterable<string> | Iterable<string>,
  print: Print, prompt: () => void, ms = 0): Promise<void> {
  const buf = new Uint8Array(READ_SIZE);
  prompt();
  for await (const line of lines) {
    if (line === 'k' || line === 'K') {
      const r = conn.keyUpdate(line === 'K');
      if (r < 0) throw errorFor(conn, r);
      print(line === 'K' ? 'Sent KeyUpdate (update_requested)' : 'Sent KeyUpdate');
      prompt();
      continue;
    }
    await writeAll(conn, io, Buffer.from(line === '' ? HTTP_GET : line + '\n'));
    if (line === 'break') {
      print('Sending break command');
      break;
    }
    if (!(await printReply(conn, io, buf, print, ms))) break;
    prompt();
  }
}
