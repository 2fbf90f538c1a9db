// `microtls client`: the seed book's interactive TLS client (1.3 or 1.2). Sends each
// line of standard input and prints the reply; resumes saved sessions with
// 0-RTT early data, and reports what the handshake negotiated.
import { lookup } from 'node:dns/promises';
import { isIP, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import type { Connection } from '../../../core/engine/connection.js';
import { ErrorCode } from '../../../core/errors.js';
import { SocketIo, close, closeSocket, errorFor, handshake, writeAll } from '../socket-io.js';
import { flagCommand, type Values } from './command.js';
import { clientContext } from './contexts.js';
import { explain } from './errors.js';
import { CLIENT_HELP } from './help.js';
import { withDeadline } from './deadline.js';
import { COMMON, PEER, endpointOf, timeoutOf } from './options.js';
import { err, out } from './output.js';
import { READ_SIZE, clientSession, describeNegotiated, printReply, versionLabel } from './seed-protocol.js';
import { saveSession, savedSession } from './session-file.js';
import { connectTcp } from './tcp.js';

const FLAGS = {
  ...COMMON, ...PEER,
  ca: { type: 'string' }, host: { type: 'string' }, port: { type: 'string' },
  cert: { type: 'string' }, key: { type: 'string' }, insecure: { type: 'boolean' },
  'sess-out': { type: 'string' }, 'sess-in': { type: 'string' }, 'early-data': { type: 'string' },
  'max-frag': { type: 'string' }, status: { type: 'boolean' },
} as const;

/**
 * Before the client handshake: the saved session (setSession) and
 * --early-data (writeEarlyData, which sends the ClientHello with the 0-RTT
 * data). Returns the early data (the text and a line end) and how much of
 * it went as 0-RTT.
 */
function prepareClient(conn: Connection, v: Values, session: Uint8Array | null): { early: Uint8Array | null; sent: number } {
  if (session) {
    const r = conn.setSession(session);
    if (r < 0) throw explain('cannot use session ' + v['sess-in'], errorFor(conn, r));
    out('Resuming session');
  }
  const early = v['early-data'];
  if (typeof early !== 'string') return { early: null, sent: 0 };
  out('Early Data: ' + early);
  const data = Buffer.from(early + '\n');
  const sent = conn.writeEarlyData(data);
  if (sent < 0) throw errorFor(conn, sent);
  return { early: data, sent };
}

/**
 * After the client handshake: whether the session was reused, what became
 * of the early data (what the server did not take is sent now as normal
 * data, and its reply read, so nothing is lost), ALPN and OCSP.
 */
async function afterClientHandshake(conn: Connection, io: SocketIo, v: Values, early: Uint8Array | null, sent: number): Promise<boolean> {
  const n = conn.negotiated()!;
  out('Protocol: ' + versionLabel(n));
  if (typeof v['sess-in'] === 'string') out(n.mode === 'resumed' ? 'Session is reused' : 'Session is not reused');
  if (v.alpn !== undefined) out(n.alpn ? 'ALPN protocol: ' + n.alpn : 'No ALPN negotiated');
  // Only a full handshake carries the certificate the response is about (--status requires a good one).
  if (v.status && n.mode === 'full') out('OCSP response: good');
  if (!early) return true;
  const status = conn.earlyDataStatus();
  out('Early Data was ' + (status === 'not_sent' ? 'not sent' : status));
  const rest = status === 'accepted' ? early.subarray(sent) : early;
  if (rest.length > 0) {
    out('Sending the ' + (rest.length < early.length ? 'rest of the ' : '') + 'early data as normal data');
    await writeAll(conn, io, rest);
  }
  return printReply(conn, io, new Uint8Array(READ_SIZE), out, timeoutOf(v));
}

async function runClient(v: Values): Promise<number> {
  const debug = v.verbose ? err : undefined;
  const { host, port } = endpointOf(v);
  // Without --servername the host is the name: SNI for a DNS name, and
  // iPAddress SAN matching for an IP literal (the engine sends no SNI for it).
  const serverName = typeof v.servername === 'string' ? v.servername : host;
  const ctx = clientContext(v, serverName, debug);
  const session = savedSession(v);
  let address: string;
  try {
    address = isIP(host) ? host : (await lookup(host)).address;
  } catch (e) {
    throw explain('cannot resolve ' + host, e, ErrorCode.IO_ERROR);
  }
  out('Send to ' + host + '(' + address + ')');
  let socket: Socket;
  try {
    socket = await connectTcp(address, port);
  } catch (e) {
    throw explain('cannot connect to ' + address + ':' + port, e, ErrorCode.IO_ERROR);
  }
  const io = new SocketIo(socket);
  const conn = ctx.newConnection(io);
  let early: Uint8Array | null;
  let sent: number;
  try {
    ({ early, sent } = prepareClient(conn, v, session));
    await withDeadline(io, timeoutOf(v), 'handshake answer from the server', () => handshake(conn, io));
  } catch (e) {
    await closeSocket(io);
    throw explain('handshake failed', e);
  }
  const n = conn.negotiated();
  if (debug && n) debug('negotiated: ' + describeNegotiated(n));
  const tty = process.stdin.isTTY === true;
  const rl = createInterface({ input: process.stdin, terminal: false });
  // Iterate from now on: lines read while the early data's reply is awaited would otherwise be dropped.
  const lines = rl[Symbol.asyncIterator]();
  try {
    if (await afterClientHandshake(conn, io, v, early, sent)) {
      await clientSession(conn, io, lines, out, () => {
        if (tty) process.stdout.write('Message to send: ');
      }, timeoutOf(v));
    }
    if (typeof v['sess-out'] === 'string') await saveSession(conn, io, v['sess-out']);
    await close(conn, io);
  } catch (e) {
    await closeSocket(io);
    throw explain('connection failed', e);
  } finally {
    rl.close();
  }
  out('End of TLS Client');
  return 0;
}

export const clientCommand = flagCommand({
  name: 'client', summary: 'TLS 1.3/1.2 sample client', help: CLIENT_HELP, flags: FLAGS, run: runClient, hints: 'client',
});
