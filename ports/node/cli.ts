// The seed book's sample programs (chapter 6.1) on microtls: a TLS 1.3
// echo-style server and an interactive client, plus a one-process demo.
// Output lines follow the book ("Waiting for a connection...", "Received:
// ...") so its walkthroughs can be followed with this CLI.
import { lookup } from 'node:dns/promises';
import { createServer, connect as tcpConnect, isIP, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Connection } from '../../core/engine/connection.js';
import { Context } from '../../core/index.js';
import type { ContextOptions, Negotiated, VerifyMode } from '../../core/engine/types.js';
import { ErrorCode, TlsFailure, errorName } from '../../core/errors.js';
import {
  CipherSuite, NamedGroup, SignatureScheme, TLS12, TLS13, groupName, parseNameList, schemeName, suiteName,
} from '../../core/registry.js';
import { keyLogFile, loadVerifyFile, nodeRandom, pkiFile, useCertificateFile, usePrivateKeyFile } from './files.js';
import { MicrotlsError, SocketIo, close, closeSocket, handshake, readSome, writeAll } from './socket-io.js';

const DEFAULT_PORT = 11111;
const DEFAULT_HOST = '127.0.0.1';
const REPLY = 'I hear ya fa shizzle!\n';
const HTTP_GET = 'GET / HTTP/1.0\r\n\r\n';
const READ_SIZE = 16384;

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
  --keylog FILE           append NSS key log lines (for Wireshark) to FILE
  -v, --verbose           print the engine debug log to stderr
  -h, --help              this help
Each line read from standard input is sent; an empty line sends an HTTP GET
request, "break" ends the session.
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

const OPTIONS = {
  server: {
    ...COMMON,
    cert: { type: 'string' }, key: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' },
    ca: { type: 'string' }, 'verify-client': { type: 'boolean' }, 'require-client-cert': { type: 'boolean' },
    once: { type: 'boolean' },
  },
  client: {
    ...COMMON,
    ca: { type: 'string' }, host: { type: 'string' }, port: { type: 'string' }, servername: { type: 'string' },
    cert: { type: 'string' }, key: { type: 'string' }, insecure: { type: 'boolean' },
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

function report(e: unknown): number {
  const x = e instanceof MicrotlsError ? e : explain('failed', e);
  err('ERROR: ' + x.message + ' (err ' + x.code + ', ' + x.name + ')');
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

function portOf(v: Values): number {
  const s = v.port;
  if (typeof s !== 'string') return DEFAULT_PORT;
  const n = Number(s);
  if (!/^\d+$/.test(s) || n > 65535) throw cliError(ErrorCode.BAD_CONFIG, "bad port '" + s + "'");
  return n;
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

function serverContext(v: Values, debug: Print | undefined): Context {
  const verify: VerifyMode = v['require-client-cert'] ? 'require' : v['verify-client'] ? 'optional' : 'none';
  const ctx = newContext({ ...baseOptions('server', v, debug), verify });
  const cert = typeof v.cert === 'string' ? v.cert : pkiFile('server-ecdsa-chain.crt');
  const key = typeof v.key === 'string' ? v.key : pkiFile('server-ecdsa.key');
  load('cannot load certificate ' + cert, () => useCertificateFile(ctx, cert));
  load('cannot load private key ' + key, () => usePrivateKeyFile(ctx, key));
  if (verify !== 'none' || typeof v.ca === 'string') {
    const ca = typeof v.ca === 'string' ? v.ca : pkiFile('ca.crt');
    load('cannot load CA ' + ca, () => loadVerifyFile(ctx, ca));
  }
  return ctx;
}

function clientContext(v: Values, serverName: string, debug: Print | undefined): Context {
  const verify: VerifyMode = v.insecure ? 'none' : 'require';
  const ctx = newContext({ ...baseOptions('client', v, debug), verify, serverName });
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

/**
 * The seed client's session: send each line, print the reply; an empty
 * line sends an HTTP GET, "break" ends it. Closes with close_notify.
 */
async function clientSession(conn: Connection, io: SocketIo, lines: AsyncIterable<string> | Iterable<string>,
  print: Print, prompt: () => void): Promise<void> {
  const buf = new Uint8Array(READ_SIZE);
  prompt();
  for await (const line of lines) {
    await writeAll(conn, io, Buffer.from(line === '' ? HTTP_GET : line + '\n'));
    if (line === 'break') {
      print('Sending break command');
      break;
    }
    const n = await readSome(conn, io, buf);
    if (n === 0) {
      print('Server closed the connection');
      break;
    }
    print('Received: ' + chomp(text(buf, n)));
    prompt();
  }
  await close(conn, io);
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
  const ctx = serverContext(v, debug);
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
      try {
        await handshake(conn, io);
        connected = true;
        out('Client connected successfully');
        const n = conn.negotiated();
        if (debug && n) debug('negotiated: ' + describeNegotiated(n));
        await serveConnection(conn, io, out);
      } catch (e) {
        ok = false;
        await closeSocket(io);
        report(explain(connected ? 'connection failed' : 'handshake failed', e));
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
  try {
    await handshake(conn, io);
  } catch (e) {
    await closeSocket(io);
    throw explain('handshake failed', e);
  }
  const n = conn.negotiated();
  if (debug && n) debug('negotiated: ' + describeNegotiated(n));
  const tty = process.stdin.isTTY === true;
  const rl = createInterface({ input: process.stdin, terminal: false });
  try {
    await clientSession(conn, io, rl, out, () => {
      if (tty) process.stdout.write('Message to send: ');
    });
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
        clientSession(cconn, cio, ['hello microtls', 'break'], cout, () => undefined),
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
  let [command, ...args] = argv.slice(2);
  if (command === 'selftest') command = 'demo'; // the name `npm start` uses
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return command === undefined ? 1 : 0;
  }
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
    return report(e);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv).then((code) => process.exit(code));
}
