// The seed book's sample programs (chapters 6.1-6.5) on microtls: a TLS 1.3
// echo-style server and an interactive client, with external PSKs, session
// resumption (session files), 0-RTT early data, KeyUpdate and the TLS
// extensions, plus a one-process demo. Output lines follow the book
// ("Waiting for a connection...", "Received: ...", "Session is reused")
// so its walkthroughs can be followed with this CLI.
import { lookup } from 'node:dns/promises';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, connect as tcpConnect, isIP, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { constantTimeEqual } from '../../core/crypto/ct.js';
import type { Connection } from '../../core/engine/connection.js';
import { Context } from '../../core/index.js';
import type { ContextOptions, ExternalPsk, Negotiated, VerifyMode } from '../../core/engine/types.js';
import { ErrorCode, Status, TlsFailure, errorName } from '../../core/errors.js';
import {
  CipherSuite, NamedGroup, SignatureScheme, TLS12, TLS13, groupName, parseNameList, schemeName, suiteName,
} from '../../core/registry.js';
import { keyLogFile, loadVerifyFile, nodeRandom, pkiFile, useCertificateFile, usePrivateKeyFile } from './files.js';
import { MicrotlsError, SocketIo, close, closeSocket, errorFor, handshake, readSome, writeAll } from './socket-io.js';
import { simulate } from './simulate.js';
import { DEFAULT_TIMEOUT_S, withDeadline } from './cli/deadline.js';
import { certificateWarning, hintFor, type HintContext } from './cli/hints.js';

const DEFAULT_PORT = 11111;
const DEFAULT_HOST = '127.0.0.1';
const REPLY = 'I hear ya fa shizzle!\n';
const HTTP_GET = 'GET / HTTP/1.0\r\n\r\n';
const READ_SIZE = 16384;
/** How long a client with --sess-out that has read nothing yet waits for the server's ticket. */
const TICKET_WAIT_MS = 1000;

const HELP: Record<string, string> = {
  server: `usage: microtls server [options]
  --cert FILE             certificate chain, PEM leaf first (default: test PKI server-ecdsa-chain.crt)
  --key FILE              private key (default: test PKI server-ecdsa.key)
  --port N                port to listen on (default ${DEFAULT_PORT})
  --host ADDR             address to listen on (default ${DEFAULT_HOST})
  --ca FILE               trust anchors for client certificates (default: test PKI ca.crt)
  --verify-client         ask for a client certificate and verify it when sent
  --require-client-cert   ask for a client certificate and fail without one
  --ciphers LIST          cipher suites, e.g. TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256
  --groups LIST           key exchange groups, e.g. x25519:secp256r1
  --sigalgs LIST          signature schemes, e.g. ecdsa_secp256r1_sha256:rsa_pss_rsae_sha256
  --once                  exit after the first connection
  --psk-identity ID --psk-key HEX
                          accept this external PSK (prints "Identity: ID" when used)
  --psk-only              PSK without (EC)DHE (psk_ke); no certificate needed
  --tickets N             NewSessionTicket messages per connection (default 2, 0: none)
  --max-early-data N      accept up to N bytes of 0-RTT data (and say so in tickets)
  --alpn LIST             ALPN protocols in preference order, e.g. h2,http/1.1
  --servername NAME       refuse other SNI names (unrecognized_name)
  --record-size-limit N   record_size_limit to send, as RFC 8449 counts it (65..16385:
                          in TLS 1.3 the largest record plaintext we accept plus 1)
  --timeout S             seconds to wait for a client's handshake (default ${DEFAULT_TIMEOUT_S}, 0: no limit)
  --ocsp FILE             DER OCSP response to staple for our certificate
  --keylog FILE           append NSS key log lines (for Wireshark) to FILE
  -v, --verbose           print the engine debug log to stderr
  -h, --help              this help
`,
  client: `usage: microtls client [options]
  --ca FILE               trust anchors (default: test PKI ca.crt)
  --host HOST             server to connect to (default ${DEFAULT_HOST})
  --port N                server port (default ${DEFAULT_PORT})
  --servername NAME       name for SNI and certificate verification (default: the host)
  --cert FILE --key FILE  client certificate chain and private key
  --ciphers LIST          cipher suites, e.g. TLS_AES_256_GCM_SHA384
  --groups LIST           key exchange groups; a key share is sent for the first
  --sigalgs LIST          signature schemes
  --insecure              do not verify the server certificate
  --psk-identity ID --psk-key HEX
                          offer this external PSK
  --psk-only              PSK without (EC)DHE (psk_ke)
  --sess-out FILE         save the session (the server's ticket) to FILE at the end
  --sess-in FILE          resume the session saved in FILE
  --early-data TEXT       with --sess-in: send TEXT as 0-RTT data (sent again after
                          the handshake when the server did not take it)
  --alpn LIST             ALPN protocols to offer, e.g. h2,http/1.1
  --max-frag N            max_fragment_length: 512, 1024, 2048 or 4096
  --record-size-limit N   record_size_limit to send, as RFC 8449 counts it (65..16385:
                          in TLS 1.3 the largest record plaintext we accept plus 1)
  --timeout S             seconds to wait for the server: handshake, each reply, 0-RTT
                          reply (default ${DEFAULT_TIMEOUT_S}, 0: no limit)
  --status                ask for the server's stapled OCSP response and require a good one
  --keylog FILE           append NSS key log lines (for Wireshark) to FILE
  -v, --verbose           print the engine debug log to stderr
  -h, --help              this help
Each line read from standard input is sent; an empty line sends an HTTP GET
request, "break" ends the session, "k" sends a KeyUpdate and "K" one that
asks the server to update its keys too.
`,
  demo: `usage: microtls demo [options]
Runs a server and a client in one process on 127.0.0.1, does one handshake
and one message exchange, and prints the negotiated parameters.
  --ciphers LIST --groups LIST --sigalgs LIST   as for server and client
  --keylog FILE           append NSS key log lines to FILE
  -v, --verbose           print both engines' debug logs to stderr
  -h, --help              this help
`,
};

const USAGE = `usage: microtls <command> [options]
commands:
  server   TLS 1.3 sample server (seed book chapter 6.1)
  client   TLS 1.3 sample client
  demo     server and client in one process
  simulate a device fleet and a server on simulated links
Run "microtls <command> --help" for the options of a command.
`;

const COMMON = {
  ciphers: { type: 'string' },
  groups: { type: 'string' },
  sigalgs: { type: 'string' },
  keylog: { type: 'string' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Options of both server and client (issue 3: PSK and extensions). */
const PEER = {
  'psk-identity': { type: 'string' }, 'psk-key': { type: 'string' }, 'psk-only': { type: 'boolean' },
  alpn: { type: 'string' }, servername: { type: 'string' }, 'record-size-limit': { type: 'string' },
  timeout: { type: 'string' },
} as const;

const OPTIONS = {
  server: {
    ...COMMON, ...PEER,
    cert: { type: 'string' }, key: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' },
    ca: { type: 'string' }, 'verify-client': { type: 'boolean' }, 'require-client-cert': { type: 'boolean' },
    once: { type: 'boolean' }, tickets: { type: 'string' }, 'max-early-data': { type: 'string' }, ocsp: { type: 'string' },
  },
  client: {
    ...COMMON, ...PEER,
    ca: { type: 'string' }, host: { type: 'string' }, port: { type: 'string' },
    cert: { type: 'string' }, key: { type: 'string' }, insecure: { type: 'boolean' },
    'sess-out': { type: 'string' }, 'sess-in': { type: 'string' }, 'early-data': { type: 'string' },
    'max-frag': { type: 'string' }, status: { type: 'boolean' },
  },
  demo: COMMON,
} as const;

type Values = Record<string, string | boolean | undefined>;
type Print = (line: string) => void;

const out: Print = (line) => process.stdout.write(line + '\n');
const err: Print = (line) => process.stderr.write(line + '\n');

/** A CLI failure with an engine error code, printed as "ERROR: what (err code, NAME)". */
function cliError(code: number, what: string): MicrotlsError {
  return new MicrotlsError(code, errorName(code), what);
}

/** Wraps any thrown value as a MicrotlsError whose message starts with `what`; `code` for foreign errors. */
function explain(what: string, e: unknown, code: number = ErrorCode.INTERNAL): MicrotlsError {
  if (e instanceof MicrotlsError) return new MicrotlsError(e.code, e.name, what + ': ' + e.message, e.alertSent, e.alertReceived);
  if (e instanceof TlsFailure) return new MicrotlsError(e.code, e.name, what + ': ' + e.message);
  return cliError(code, what + ': ' + (e instanceof Error ? e.message : String(e)));
}

/** Prints the ERROR line, and what to try when the hints know (the command's side and flags). */
function report(e: unknown, hint?: HintContext): number {
  const x = e instanceof MicrotlsError ? e : explain('failed', e);
  err('ERROR: ' + x.message + ' (err ' + x.code + ', ' + x.name + ')');
  const h = hint && hintFor(x, hint);
  if (h) err('hint: ' + h);
  return 1;
}

function nameList(v: Values, key: string, table: Readonly<Record<string, number>>, what: string): number[] | undefined {
  const list = v[key];
  if (typeof list !== 'string') return undefined;
  const r = parseNameList(list, table);
  if (typeof r === 'string') throw cliError(ErrorCode.BAD_CONFIG, 'unknown ' + what + " '" + r + "'");
  if (r.length === 0) throw cliError(ErrorCode.BAD_CONFIG, 'empty ' + what + ' list');
  return r;
}

/** The integer value of --key within [min, max], or undefined when not given. */
function intOption(v: Values, key: string, min: number, max: number): number | undefined {
  const s = v[key];
  if (typeof s !== 'string') return undefined;
  const n = Number(s);
  if (!/^\d+$/.test(s) || n < min || n > max) throw cliError(ErrorCode.BAD_CONFIG, 'bad --' + key + " '" + s + "' (" + min + '..' + max + ')');
  return n;
}

/** --timeout in milliseconds (0: no bound). */
function timeoutOf(v: Values): number {
  return (intOption(v, 'timeout', 0, 86400) ?? DEFAULT_TIMEOUT_S) * 1000;
}

function portOf(v: Values): number {
  return intOption(v, 'port', 0, 65535) ?? DEFAULT_PORT;
}

/** --psk-identity and --psk-key as an external PSK, or null. */
function pskOf(v: Values): ExternalPsk | null {
  const id = v['psk-identity'];
  const hex = v['psk-key'];
  if (id === undefined && hex === undefined) {
    if (v['psk-only']) throw cliError(ErrorCode.BAD_CONFIG, '--psk-only needs --psk-identity and --psk-key');
    return null;
  }
  if (typeof id !== 'string' || typeof hex !== 'string') throw cliError(ErrorCode.BAD_CONFIG, '--psk-identity and --psk-key go together');
  if (!/^([0-9a-fA-F]{2})+$/.test(hex)) throw cliError(ErrorCode.BAD_CONFIG, '--psk-key must be hex digits');
  return { identity: Buffer.from(id, 'utf8'), key: Buffer.from(hex, 'hex') };
}

/** --alpn LIST as protocol names. */
function alpnOf(v: Values): string[] | undefined {
  const list = v.alpn;
  if (typeof list !== 'string') return undefined;
  const names = list.split(',');
  if (names.some((n) => n.length === 0 || n.length > 255)) throw cliError(ErrorCode.BAD_CONFIG, "bad --alpn list '" + list + "'");
  return names;
}

function maxFragOf(v: Values): 512 | 1024 | 2048 | 4096 | undefined {
  const s = v['max-frag'];
  if (s === undefined) return undefined;
  if (s !== '512' && s !== '1024' && s !== '2048' && s !== '4096') throw cliError(ErrorCode.BAD_CONFIG, "bad --max-frag '" + s + "' (512, 1024, 2048 or 4096)");
  return Number(s) as 512 | 1024 | 2048 | 4096;
}

/** --record-size-limit N (RFC 8449 value, 65..16385) as the engine's plaintext limit. */
function recordSizeLimitOf(v: Values): number | undefined {
  const n = intOption(v, 'record-size-limit', 65, 16385);
  return n === undefined ? undefined : n - 1;
}

/** Context options shared by every command: names, debug log, key log. */
function baseOptions(side: 'client' | 'server', v: Values, debug: Print | undefined): ContextOptions {
  return {
    side,
    random: nodeRandom,
    now: Date.now,
    cipherSuites: nameList(v, 'ciphers', CipherSuite, 'cipher suite'),
    groups: nameList(v, 'groups', NamedGroup, 'group'),
    signatureSchemes: nameList(v, 'sigalgs', SignatureScheme, 'signature scheme'),
    debug,
    keyLog: typeof v.keylog === 'string' ? keyLogFile(v.keylog) : undefined,
    pskModes: v['psk-only'] ? ['psk_ke'] : undefined,
    alpn: alpnOf(v),
    // The flag is the RFC 8449 value on the wire; the engine counts plaintext (one byte less in TLS 1.3).
    recordSizeLimit: recordSizeLimitOf(v),
  };
}

/** Runs a Context setup step, turning file and parse errors into CLI errors. */
function load(what: string, step: () => void): void {
  try {
    step();
  } catch (e) {
    throw explain(what, e, ErrorCode.BAD_CONFIG);
  }
}

function newContext(options: ContextOptions): Context {
  try {
    return new Context(options);
  } catch (e) {
    throw explain('bad configuration', e);
  }
}

/** The identity of the external PSK a server connection used (set by the server's PSK callback). */
interface PskUse {
  identity: string | null;
}

function serverContext(v: Values, debug: Print | undefined, pskUse: PskUse = { identity: null }): Context {
  const verify: VerifyMode = v['require-client-cert'] ? 'require' : v['verify-client'] ? 'optional' : 'none';
  const psk = pskOf(v);
  const name = v.servername;
  let ocspResponse: Uint8Array | undefined;
  if (typeof v.ocsp === 'string') {
    const file = v.ocsp;
    load('cannot read OCSP response ' + file, () => (ocspResponse = readFileSync(file)));
  }
  const ctx = newContext({
    ...baseOptions('server', v, debug),
    verify,
    pskServer: psk ? (id) => {
      if (!constantTimeEqual(id, psk.identity)) return null;
      pskUse.identity = Buffer.from(id).toString('utf8');
      return psk;
    } : undefined,
    // No SNI is not another name: only a different name is refused.
    onServerName: typeof name === 'string' ? (n) => (n === null || n === name ? null : false) : undefined,
    tickets: intOption(v, 'tickets', 0, 255),
    maxEarlyData: intOption(v, 'max-early-data', 0, 0xffffffff),
    ocspResponse,
  });
  // A PSK-only server needs no certificate, unless one is given.
  if (!v['psk-only'] || typeof v.cert === 'string' || typeof v.key === 'string') {
    const cert = typeof v.cert === 'string' ? v.cert : pkiFile('server-ecdsa-chain.crt');
    const key = typeof v.key === 'string' ? v.key : pkiFile('server-ecdsa.key');
    load('cannot load certificate ' + cert, () => useCertificateFile(ctx, cert));
    load('cannot load private key ' + key, () => usePrivateKeyFile(ctx, key));
  }
  if (verify !== 'none' || typeof v.ca === 'string') {
    const ca = typeof v.ca === 'string' ? v.ca : pkiFile('ca.crt');
    load('cannot load CA ' + ca, () => loadVerifyFile(ctx, ca));
  }
  return ctx;
}

function clientContext(v: Values, serverName: string, debug: Print | undefined): Context {
  const verify: VerifyMode = v.insecure ? 'none' : 'require';
  const psk = pskOf(v);
  const ctx = newContext({
    ...baseOptions('client', v, debug),
    verify,
    serverName,
    pskClient: psk ? () => psk : undefined,
    maxFragmentLength: maxFragOf(v),
    ocsp: v.status ? 'require' : undefined,
  });
  if (verify !== 'none') {
    const ca = typeof v.ca === 'string' ? v.ca : pkiFile('ca.crt');
    load('cannot load CA ' + ca, () => loadVerifyFile(ctx, ca));
  }
  if (typeof v.cert === 'string' || typeof v.key === 'string') {
    if (typeof v.cert !== 'string' || typeof v.key !== 'string') {
      throw cliError(ErrorCode.BAD_CONFIG, '--cert and --key go together');
    }
    const cert = v.cert;
    const key = v.key;
    load('cannot load certificate ' + cert, () => useCertificateFile(ctx, cert));
    load('cannot load private key ' + key, () => usePrivateKeyFile(ctx, key));
  }
  return ctx;
}

const VERSION_NAMES: Record<number, string> = { [TLS13]: 'TLSv1.3', [TLS12]: 'TLSv1.2' };

/** One line describing the negotiated parameters. */
export function describeNegotiated(n: Negotiated): string {
  return (VERSION_NAMES[n.version] ?? '0x' + n.version.toString(16)) + ' ' + suiteName(n.cipherSuite) +
    ', group ' + (n.group === null ? 'none' : groupName(n.group)) +
    ', signature ' + (n.signatureScheme === null ? 'none' : schemeName(n.signatureScheme));
}

function text(buf: Uint8Array, n: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset, n).toString('utf8');
}

/** Drops one trailing line ending, as printf("Received: %s") of a line would show it. */
function chomp(s: string): string {
  return s.replace(/\r?\n$/, '');
}

/**
 * The seed server's session: print what the client sends and answer it,
 * until "break" or close_notify from the client; then close.
 */
async function serveConnection(conn: Connection, io: SocketIo, print: Print): Promise<void> {
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
async function printReply(conn: Connection, io: SocketIo, buf: Uint8Array, print: Print, ms = 0): Promise<boolean> {
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
async function clientSession(conn: Connection, io: SocketIo, lines: AsyncIterable<string> | Iterable<string>,
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

/** The session saved in the --sess-in file, or null without the option. */
function savedSession(v: Values): Uint8Array | null {
  const file = v['sess-in'];
  if (typeof file !== 'string') return null;
  let bytes = new Uint8Array(0);
  load('cannot read session ' + file, () => (bytes = readFileSync(file)));
  return bytes;
}

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
async function saveSession(conn: Connection, io: SocketIo, file: string): Promise<void> {
  const session = conn.getSession() ?? (await waitForTicket(conn, io, TICKET_WAIT_MS));
  if (!session) {
    err('No session ticket received: ' + file + ' not written');
    return;
  }
  load('cannot write session ' + file, () => writeFileSync(file, session));
}

function listen(host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

function connectTcp(address: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = tcpConnect({ host: address, port });
    s.once('error', reject);
    s.once('connect', () => {
      s.off('error', reject);
      resolve(s);
    });
  });
}

/** Sockets accepted by a server, handed out one at a time (the seed server serves one client at a time). */
function acceptQueue(server: Server): () => Promise<Socket> {
  const waiting: Socket[] = [];
  let wake: (() => void) | null = null;
  server.on('connection', (s: Socket) => {
    s.on('error', () => undefined); // a waiting client may reset; SocketIo sees the close
    waiting.push(s);
    if (wake) wake();
  });
  return async () => {
    while (waiting.length === 0) await new Promise<void>((r) => (wake = r));
    wake = null;
    return waiting.shift() as Socket;
  };
}

async function runServer(v: Values): Promise<number> {
  const debug = v.verbose ? err : undefined;
  const pskUse: PskUse = { identity: null };
  const ctx = serverContext(v, debug, pskUse);
  const warning = certificateWarning(ctx, typeof v.cert === 'string' ? v.cert : 'server-ecdsa-chain.crt', Date.now());
  if (warning) err(warning);
  const ms = timeoutOf(v);
  const host = typeof v.host === 'string' ? v.host : DEFAULT_HOST;
  const port = portOf(v);
  let server: Server;
  try {
    server = await listen(host, port);
  } catch (e) {
    throw explain('cannot listen on ' + host + ':' + port, e, ErrorCode.IO_ERROR);
  }
  const next = acceptQueue(server);
  try {
    for (;;) {
      out('Waiting for a connection...');
      const socket = await next();
      const io = new SocketIo(socket);
      const conn = ctx.newConnection(io);
      let ok = true;
      let connected = false;
      pskUse.identity = null;
      try {
        const early: Uint8Array[] = [];
        await withDeadline(io, ms, 'handshake from the client', () => handshake(conn, io, (d) => early.push(d)));
        connected = true;
        const n = conn.negotiated()!;
        if (n.mode === 'psk' && pskUse.identity !== null) out('Identity: ' + pskUse.identity);
        if (early.length > 0) out('Early Data Client message: ' + chomp(Buffer.concat(early).toString('utf8')));
        out('Client connected successfully');
        if (v.alpn !== undefined) out(n.alpn ? 'ALPN protocol: ' + n.alpn : 'No ALPN negotiated');
        if (debug) debug('negotiated: ' + describeNegotiated(n));
        // 0-RTT data is the client's first message: it gets the answer every message gets.
        if (early.length > 0) await writeAll(conn, io, Buffer.from(REPLY));
        await serveConnection(conn, io, out);
      } catch (e) {
        ok = false;
        await closeSocket(io);
        report(explain(connected ? 'connection failed' : 'handshake failed', e), { side: 'server', flags: v });
      }
      if (v.once) return ok ? 0 : 1;
    }
  } finally {
    server.close();
  }
}

async function runClient(v: Values): Promise<number> {
  const debug = v.verbose ? err : undefined;
  const host = typeof v.host === 'string' ? v.host : DEFAULT_HOST;
  const port = portOf(v);
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

/**
 * Waits for both sides; when one fails, runs onFail (closing the sockets
 * wakes the other side) and rethrows the first failure once both settled.
 */
async function together(sides: Promise<unknown>[], onFail: () => Promise<unknown>): Promise<void> {
  let failure: { e: unknown } | null = null;
  await Promise.all(sides.map((p) => p.catch(async (e: unknown) => {
    if (failure) return;
    failure = { e };
    await onFail();
  })));
  if (failure) throw (failure as { e: unknown }).e;
}

async function runDemo(v: Values): Promise<number> {
  const verbose = v.verbose === true;
  const sctx = serverContext(v, verbose ? (l) => err('[server] ' + l) : undefined);
  const cctx = clientContext(v, 'localhost', verbose ? (l) => err('[client] ' + l) : undefined);
  const server = await listen('127.0.0.1', 0);
  const port = (server.address() as { port: number }).port;
  const next = acceptQueue(server);
  const sout: Print = (l) => out('[server] ' + l);
  const cout: Print = (l) => out('[client] ' + l);
  try {
    sout('Waiting for a connection...');
    cout('Send to localhost(127.0.0.1)');
    const t0 = performance.now();
    const csock = await connectTcp('127.0.0.1', port);
    const cio = new SocketIo(csock);
    const cconn = cctx.newConnection(cio);
    const ssock = await next();
    const sio = new SocketIo(ssock);
    const sconn = sctx.newConnection(sio);
    const closeBoth = () => Promise.all([closeSocket(cio), closeSocket(sio)]);
    try {
      await together([
        handshake(sconn, sio).then(() => sout('Client connected successfully')),
        handshake(cconn, cio),
      ], closeBoth);
    } catch (e) {
      throw explain('handshake failed', e);
    }
    const ms = performance.now() - t0;
    const neg = cconn.negotiated();
    if (neg) out('Negotiated: ' + describeNegotiated(neg));
    out('Handshake time: ' + ms.toFixed(1) + ' ms');
    try {
      await together([
        serveConnection(sconn, sio, sout),
        clientSession(cconn, cio, ['hello microtls', 'break'], cout, () => undefined).then(() => close(cconn, cio)),
      ], closeBoth);
    } catch (e) {
      throw explain('connection failed', e);
    }
    cout('End of TLS Client');
    return 0;
  } finally {
    server.close();
  }
}

const RUN: Record<string, (v: Values) => Promise<number>> = {
  server: runServer,
  client: runClient,
  demo: runDemo,
};

/** Runs the CLI with process.argv-style arguments; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv.slice(2);
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return command === undefined ? 1 : 0;
  }
  if (command === 'simulate') return simulate(args);
  const run = RUN[command];
  if (!run) {
    err('ERROR: unknown command ' + JSON.stringify(command) + ' (err ' + ErrorCode.BAD_CONFIG + ', BAD_CONFIG)');
    process.stderr.write(USAGE);
    return 1;
  }
  let values: Values;
  try {
    values = parseArgs({ args, options: OPTIONS[command as keyof typeof OPTIONS], strict: true }).values as Values;
  } catch (e) {
    const m = e instanceof Error ? e.message : String(e);
    return report(cliError(ErrorCode.BAD_CONFIG, m + ' (see microtls ' + command + ' --help)'));
  }
  if (values.help) {
    process.stdout.write(HELP[command]);
    return 0;
  }
  try {
    return await run(values);
  } catch (e) {
    return report(e, command === 'client' || command === 'server' ? { side: command, flags: values } : undefined);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv).then((code) => process.exit(code));
}
