// Real TLS peers for interop tests: openssl s_server / s_client processes
// and node:tls servers / clients, all on 127.0.0.1. Every wait is bounded,
// and everything started here is tracked so cleanup() can end it even when
// a test timed out half way.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import tls from 'node:tls';
import { packageRoot } from '../../ports/node/files.js';

/** Default bound for any single wait (ms). */
export const WAIT_MS = 8000;

const live = new Set<{ stop(): unknown }>();

/** Ends every process, server and socket still running (use as a file-level after() hook). */
export async function cleanup(): Promise<void> {
  const all = [...live];
  live.clear();
  await Promise.all(all.map((x) => x.stop()));
}

/** Tracks anything with stop() so cleanup() stops it (stopping twice must be harmless). */
export function register<T extends { stop(): unknown }>(x: T): T {
  live.add(x);
  return x;
}

/** Tracks a socket so cleanup() destroys it. */
export function track<T extends Socket>(s: T): T {
  const entry = { stop: () => s.destroy() };
  live.add(entry);
  s.once('close', () => live.delete(entry));
  return s;
}

/** Rejects with `what` after ms, running onTimeout first (e.g. to destroy a socket so the waiter wakes). */
export function within<T>(p: Promise<T>, ms: number, what: string, onTimeout?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout?.();
      reject(new Error('timeout after ' + ms + ' ms: ' + what));
    }, ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

// --- the test PKI ---

let pkiReady = false;

/** A file of the project's test PKI (build/pki/NAME), made by scripts/make-pki.mjs. */
function pkiFile(name: string): string {
  return join(packageRoot(), 'build', 'pki', name);
}

/** Absolute path of a test PKI file (build/pki/NAME); makes the PKI first when it is missing. */
export function pki(name: string): string {
  if (!pkiReady) {
    const script = join(packageRoot(), 'scripts', 'make-pki.mjs');
    if (!existsSync(pkiFile('ca.crt')) || !existsSync(pkiFile('server-expired.crt'))) {
      const r = spawnSync(process.execPath, [script], { stdio: 'inherit' });
      if (r.status !== 0) throw new Error('scripts/make-pki.mjs failed');
    }
    pkiReady = true;
  }
  return pkiFile(name);
}

/** DER bytes of the first certificate in a PKI file (via node:crypto, independent of microtls). */
export function pkiDer(name: string): Uint8Array {
  return new Uint8Array(new X509Certificate(readFileSync(pki(name))).raw);
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

// --- child processes ---

export interface Proc {
  readonly child: ChildProcess;
  /** Standard output so far. */
  stdout(): string;
  /** Standard error so far. */
  stderr(): string;
  /** Both, stdout first. */
  output(): string;
  /** Resolves with the output once `pattern` matches stdout or stderr; rejects on timeout or exit. */
  waitFor(pattern: RegExp | string, ms?: number): Promise<string>;
  /** Resolves with the exit code (or the signal name) once the process ended. */
  readonly exited: Promise<number | string>;
  /** Bounded wait for the exit. */
  waitExit(ms?: number): Promise<number | string>;
  write(s: string): void;
  endInput(): void;
  /** SIGTERM, then SIGKILL after a second. */
  stop(): Promise<void>;
}

/**
 * gnutls-serv is ready once its IPv4 socket listens: it prints "... listening
 * on IPv4 0.0.0.0 port N..." before binding and "done" after, so /listening/
 * alone can let a client connect too early (ECONNREFUSED under load).
 */
export const GNUTLS_SERV_READY = /listening on IPv4[^\n]*done/;

export function spawnProc(cmd: string, args: string[]): Proc {
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let ended = false;
  const listeners = new Set<() => void>();
  const changed = () => { for (const f of [...listeners]) f(); };
  child.stdout!.setEncoding('utf8').on('data', (d: string) => { out += d; changed(); });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { err += d; changed(); });
  child.stdin!.on('error', () => undefined); // the process may exit before reading its input
  const exited = new Promise<number | string>((resolve) => {
    child.once('close', (code, signal) => {
      ended = true;
      resolve(code ?? signal ?? -1);
      changed();
    });
    child.once('error', (e) => {
      err += String(e);
      ended = true;
      resolve(-1);
      changed();
    });
  });
  const describe = () => cmd + ' ' + args.join(' ') + '\n--- stdout:\n' + out + '\n--- stderr:\n' + err;
  const proc: Proc = {
    child,
    stdout: () => out,
    stderr: () => err,
    output: () => out + err,
    exited,
    waitFor(pattern, ms = WAIT_MS) {
      const has = (text: string) => (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text));
      const found = () => has(out) || has(err);
      return new Promise((resolve, reject) => {
        const check = () => {
          if (found()) done(() => resolve(out + err));
          else if (ended) done(() => reject(new Error('exited before ' + String(pattern) + ': ' + describe())));
        };
        const timer = setTimeout(() => done(() => reject(new Error('timeout waiting for ' + String(pattern) + ': ' + describe()))), ms);
        const done = (f: () => void) => { clearTimeout(timer); listeners.delete(check); f(); };
        listeners.add(check);
        check();
      });
    },
    waitExit(ms = WAIT_MS) {
      return within(exited, ms, 'exit of ' + describe());
    },
    write(s) {
      if (child.stdin!.writable) child.stdin!.write(s);
    },
    endInput() {
      child.stdin!.end();
    },
    async stop() {
      live.delete(proc);
      if (ended) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 1000);
      await exited;
      clearTimeout(t);
    },
  };
  live.add(proc);
  return proc;
}

/** bin/microtls.mjs as a child process (its defaults are the demo PKI: tests name test PKI files explicitly). */
export function microtlsCli(...args: string[]): Proc {
  return spawnProc(process.execPath, [join(packageRoot(), 'bin', 'microtls.mjs'), ...args]);
}

/** CLI flags for trust in the test PKI (a client, or a server verifying test PKI client certificates). */
export const cliTestCa = (): string[] => ['--ca', pki('ca.crt')];

/** CLI server flags for the test PKI's server-ecdsa chain and key, the certificate openssl peers verify by default. */
export const cliTestServer = (): string[] => ['--cert', pki('server-ecdsa-chain.crt'), '--key', pki('server-ecdsa.key')];

// --- openssl ---

/** OpenSSL's names for the groups (for -groups). */
export const OPENSSL_GROUP: Record<string, string> = {
  x25519: 'X25519', secp256r1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521', x448: 'X448',
};

export interface OpensslOptions {
  /** PKI name of our certificate (NAME.crt / NAME.key). */
  cert?: string;
  /** Extra chain file (PKI name) sent after the leaf. */
  chain?: string;
  /** PKI name of the trust anchors (default ca.crt). */
  ca?: string;
  ciphersuites?: string;
  /** '1.2': -tls1_2 (default -tls1_3); 'any': neither (TLS 1.2 and 1.3). */
  version?: '1.2' | '1.3' | 'any';
  /** TLS 1.2 cipher list (-cipher), OpenSSL names. */
  cipher?: string;
  /** OpenSSL group names, colon separated. */
  groups?: string;
  sigalgs?: string;
  /** Print protocol messages (-msg), for handshakeMessages(). */
  msg?: boolean;
  extra?: string[];
}

function commonArgs(o: OpensslOptions): string[] {
  const a = o.version === 'any' ? [] : [o.version === '1.2' ? '-tls1_2' : '-tls1_3'];
  if (o.cert) a.push('-cert', pki(o.cert + '.crt'), '-key', pki(o.cert + '.key'));
  if (o.chain) a.push('-cert_chain', pki(o.chain));
  a.push('-CAfile', pki(o.ca ?? 'ca.crt'));
  if (o.ciphersuites) a.push('-ciphersuites', o.ciphersuites);
  if (o.cipher) a.push('-cipher', o.cipher);
  if (o.groups) a.push('-groups', o.groups);
  if (o.sigalgs) a.push('-sigalgs', o.sigalgs);
  if (o.msg) a.push('-msg');
  return a;
}

export interface OpensslServerOptions extends OpensslOptions {
  /** Ask for a client certificate: 'verify' (-verify 1) or 'require' (-Verify 1). */
  clientAuth?: 'verify' | 'require';
  /**
   * 'rev' answers each line reversed (default); 'www' serves a status page on
   * GET /; 'plain' prints what it receives and sends what is written to its
   * standard input, where "k" / "K" lines send KeyUpdate (the mode in which
   * -early_data prints the 0-RTT data).
   */
  mode?: 'rev' | 'www' | 'plain';
  /** Connections to serve before exiting (default 1). */
  naccept?: number;
  /** No certificate (-nocert): PSK only. */
  nocert?: boolean;
}

export type OpensslServer = Proc & { port: number };

/** openssl s_server for one connection on 127.0.0.1; resolves once it prints ACCEPT. */
export async function opensslServer(o: OpensslServerOptions = {}): Promise<OpensslServer> {
  const args = o.nocert ? [...commonArgs(o), '-nocert']
    : commonArgs({ cert: 'server-ecdsa', chain: o.cert ? undefined : 'intermediate.crt', ...o });
  args.push('-naccept', String(o.naccept ?? 1));
  if (o.mode !== 'plain') args.push(o.mode === 'www' ? '-www' : '-rev');
  if (o.clientAuth) args.push(o.clientAuth === 'require' ? '-Verify' : '-verify', '1');
  args.push(...(o.extra ?? []));
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const p = spawnProc('openssl', ['s_server', '-accept', '127.0.0.1:' + port, ...args]);
    try {
      await p.waitFor(/^ACCEPT$/m);
      return Object.assign(p, { port });
    } catch (e) {
      await p.stop();
      // Someone may have taken the port between freePort() and the bind: try another.
      if (attempt === 2 || !/bind|in use/i.test(p.output())) throw e;
    }
  }
}

export interface OpensslClientOptions extends OpensslOptions {
  /** SNI (default 'localhost'); null sends none. */
  servername?: string | null;
  /** Let "k" / "K" lines on standard input send KeyUpdate (default: -nocommands, every line is data). */
  commands?: boolean;
}

/** openssl s_client connecting to 127.0.0.1:port, stdin piped (each line written is sent). */
export function opensslClient(port: number, o: OpensslClientOptions = {}): Proc {
  const args = ['s_client', '-connect', '127.0.0.1:' + port, ...commonArgs(o)];
  if (!o.commands) args.push('-nocommands');
  if (o.servername === null) args.push('-noservername');
  else args.push('-servername', o.servername ?? 'localhost');
  args.push(...(o.extra ?? []));
  return spawnProc('openssl', args);
}

/** A handshake message as openssl -msg printed it. */
export interface MsgRecord {
  /** 'sent' ('>>>') or 'received' ('<<<') by the openssl process. */
  dir: 'sent' | 'received';
  name: string;
  bytes: Uint8Array;
}

/** The handshake messages (and alerts) in openssl -msg output, with their bytes. */
export function handshakeMessages(stdout: string): MsgRecord[] {
  const out: MsgRecord[] = [];
  let cur: { dir: 'sent' | 'received'; name: string; hex: string[] } | null = null;
  const flush = () => {
    if (cur) out.push({ dir: cur.dir, name: cur.name, bytes: Uint8Array.from(cur.hex.map((h) => parseInt(h, 16))) });
    cur = null;
  };
  for (const line of stdout.split('\n')) {
    const head = /^(<<<|>>>) TLS 1\.\d, (Handshake|Alert) \[length [0-9a-f]+\], (.*)$/.exec(line);
    if (head) {
      flush();
      cur = { dir: head[1] === '>>>' ? 'sent' : 'received', name: head[3].trim(), hex: [] };
    } else if (cur && /^ {4}[0-9a-f]{2}( [0-9a-f]{2})*\s*$/.test(line)) {
      cur.hex.push(...line.trim().split(/\s+/));
    } else {
      flush();
    }
  }
  flush();
  return out;
}

const HRR_RANDOM = 'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c';

export interface Extension {
  type: number;
  /** Offset of the extension data in the message. */
  at: number;
  length: number;
}

/** The extensions of a hello message whose extensions length field is at p. */
function extensionsAt(m: Uint8Array, p: number): Extension[] {
  const end = p + 2 + ((m[p] << 8) | m[p + 1]);
  const out: Extension[] = [];
  for (p += 2; p + 4 <= end; p += 4 + out[out.length - 1].length) {
    out.push({ type: (m[p] << 8) | m[p + 1], at: p + 4, length: (m[p + 2] << 8) | m[p + 3] });
  }
  return out;
}

/** Offset of the extensions length field of a ServerHello message. */
function serverHelloExtensionsAt(m: Uint8Array): number {
  return 38 + 1 + m[38] + 3; // header, version, random; legacy_session_id_echo; cipher suite, compression
}

export interface ServerHelloInfo {
  helloRetryRequest: boolean;
  cipherSuite: number;
  /** key_share group (selected_group in a HelloRetryRequest), -1 without key_share. */
  group: number;
}

/** Parses a ServerHello (or HelloRetryRequest) handshake message. */
export function parseServerHello(m: Uint8Array): ServerHelloInfo {
  const hex = Buffer.from(m.subarray(6, 38)).toString('hex');
  const p = serverHelloExtensionsAt(m);
  const cipherSuite = (m[p - 3] << 8) | m[p - 2];
  const share = extensionsAt(m, p).find((e) => e.type === 51);
  const group = share ? (m[share.at] << 8) | m[share.at + 1] : -1;
  return { helloRetryRequest: hex === HRR_RANDOM, cipherSuite, group };
}

export interface ClientHelloInfo {
  /** client_random, hex. */
  random: string;
  /** Extension types in order. */
  extensions: number[];
  /** host_name from server_name, or null without the extension. */
  serverName: string | null;
}

/** The extensions of a ClientHello handshake message, with where their data is. */
export function clientHelloExtensions(m: Uint8Array): Extension[] {
  let p = 38; // header, legacy_version, random
  p += 1 + m[p]; // legacy_session_id
  p += 2 + ((m[p] << 8) | m[p + 1]); // cipher_suites
  p += 1 + m[p]; // legacy_compression_methods
  return extensionsAt(m, p);
}

/** Parses a ClientHello handshake message. */
export function parseClientHello(m: Uint8Array): ClientHelloInfo {
  const random = Buffer.from(m.subarray(6, 38)).toString('hex');
  const ext = clientHelloExtensions(m);
  const sni = ext.find((e) => e.type === 0);
  // server_name_list: list length (2), name_type (1), host_name length (2), host_name
  const serverName = sni ? Buffer.from(m.subarray(sni.at + 5, sni.at + sni.length)).toString('latin1') : null;
  return { random, extensions: ext.map((e) => e.type), serverName };
}

/** The ClientHello messages in openssl -msg output. */
export function clientHellos(stdout: string): ClientHelloInfo[] {
  return handshakeMessages(stdout).filter((m) => m.name === 'ClientHello').map((m) => parseClientHello(m.bytes));
}

/** The ServerHello messages (HelloRetryRequest first if there was one) in openssl -msg output. */
export function serverHellos(stdout: string): ServerHelloInfo[] {
  return handshakeMessages(stdout).filter((m) => m.name === 'ServerHello').map((m) => parseServerHello(m.bytes));
}

/** The extension types of each ServerHello (HelloRetryRequest first if there was one) in openssl -msg output. */
export function serverHelloExtensions(stdout: string): number[][] {
  return handshakeMessages(stdout).filter((m) => m.name === 'ServerHello')
    .map((m) => extensionsAt(m.bytes, serverHelloExtensionsAt(m.bytes)).map((e) => e.type));
}

/** The DER certificates of the Certificate message the openssl process sent or received (leaf first). */
export function certificateList(stdout: string, dir: 'sent' | 'received'): Uint8Array[] {
  const m = handshakeMessages(stdout).find((x) => x.name === 'Certificate' && x.dir === dir);
  if (!m) return [];
  const b = m.bytes;
  const u24 = (i: number) => (b[i] << 16) | (b[i + 1] << 8) | b[i + 2];
  let p = 4 + 1 + b[4]; // header, certificate_request_context
  const end = p + 3 + u24(p);
  p += 3;
  const out: Uint8Array[] = [];
  while (p < end) {
    const len = u24(p);
    out.push(b.slice(p + 3, p + 3 + len));
    p += 3 + len;
    p += 2 + ((b[p] << 8) | b[p + 1]); // extensions
  }
  return out;
}

/** SignatureScheme of the CertificateVerify that the openssl process sent or received, or -1. */
export function certificateVerifyScheme(stdout: string, dir: 'sent' | 'received'): number {
  const m = handshakeMessages(stdout).find((x) => x.name === 'CertificateVerify' && x.dir === dir);
  return m ? (m.bytes[4] << 8) | m.bytes[5] : -1;
}

// --- node:tls ---

export interface NodeServerSession {
  socket: tls.TLSSocket;
  cipher: string;
  protocol: string | null;
  peerCertificate: tls.PeerCertificate | null;
  /** The handshake resumed a session (a ticket). */
  reused: boolean;
  /** ALPN protocol selected, or false / null without one. */
  alpn: string | false | null;
}

export interface NodeServer {
  port: number;
  /** The first connection that completed its handshake. */
  session: Promise<NodeServerSession>;
  /** The i-th connection (from 0) that completed its handshake. */
  nth(i: number): Promise<NodeServerSession>;
  /** The first handshake failure (tlsClientError). */
  clientError: Promise<Error & { code?: string }>;
  stop(): Promise<void>;
}

/** Reverses each line and sends it back, like openssl s_server -rev. */
function reverseLines(socket: tls.TLSSocket): void {
  let pending = '';
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => {
    pending += d;
    let i;
    while ((i = pending.indexOf('\n')) >= 0) {
      socket.write([...pending.slice(0, i)].reverse().join('') + '\n');
      pending = pending.slice(i + 1);
    }
  });
  socket.on('error', () => undefined);
  socket.on('end', () => socket.end());
}

/** node:tls server (TLS 1.3 only) on 127.0.0.1 with the PKI's server-ecdsa chain unless told otherwise; answers lines reversed. */
export async function nodeTlsServer(o: tls.TlsOptions = {}): Promise<NodeServer> {
  const server = tls.createServer({
    minVersion: 'TLSv1.3',
    cert: readFileSync(pki('server-ecdsa-chain.crt')),
    key: readFileSync(pki('server-ecdsa.key')),
    ca: readFileSync(pki('ca.crt')),
    ...o,
  });
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  const done: NodeServerSession[] = [];
  const waiting: { i: number; resolve: (s: NodeServerSession) => void }[] = [];
  server.on('secureConnection', (socket: tls.TLSSocket) => {
    reverseLines(socket);
    const c = socket.getPeerCertificate();
    done.push({
      socket,
      cipher: socket.getCipher().standardName,
      protocol: socket.getProtocol(),
      peerCertificate: c && c.raw ? c : null,
      reused: socket.isSessionReused(),
      alpn: socket.alpnProtocol,
    });
    for (const w of waiting.filter((x) => x.i < done.length)) w.resolve(done[w.i]);
  });
  const nth = (i: number) => new Promise<NodeServerSession>((resolve) => {
    if (i < done.length) resolve(done[i]);
    else waiting.push({ i, resolve });
  });
  const session = nth(0);
  const clientError = new Promise<Error>((resolve) => server.once('tlsClientError', resolve));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const entry = {
    port: (server.address() as { port: number }).port,
    session,
    nth,
    clientError,
    stop: () => {
      live.delete(entry);
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  live.add(entry);
  return entry;
}

export interface NodeClient {
  socket: tls.TLSSocket;
  cipher: string;
  /** Negotiated group as node reports it ("X25519", "prime256v1", ...). */
  group: string | null;
  /** The handshake resumed the session given in the options. */
  reused: boolean;
  /** ALPN protocol selected, or false / null without one. */
  alpn: string | false | null;
  /** Sessions from the server's tickets ('session' events) so far, for the `session` option of a later connection. */
  sessions: Buffer[];
  /** Sends a line and resolves with the next line received. */
  exchange(line: string, ms?: number): Promise<string>;
}

/** OpenSSL's curve names as node:tls getEphemeralKeyInfo() reports them. */
export const NODE_GROUP: Record<string, string> = {
  x25519: 'X25519', secp256r1: 'prime256v1', secp384r1: 'secp384r1', secp521r1: 'secp521r1', x448: 'X448',
};

/** node:tls client (TLS 1.3 only) to 127.0.0.1:port, trusting the PKI's ca.crt unless told otherwise. */
export function nodeTlsClient(port: number, o: tls.ConnectionOptions = {}, ms = WAIT_MS): Promise<NodeClient> {
  const socket = track(tls.connect({
    host: '127.0.0.1',
    port,
    servername: 'localhost',
    minVersion: 'TLSv1.3',
    ca: readFileSync(pki('ca.crt')),
    ...o,
  }));
  let received = '';
  const sessions: Buffer[] = [];
  socket.on('session', (s: Buffer) => sessions.push(s));
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => { received += d; });
  socket.on('error', () => undefined); // reported through the handshake promise or the closed socket
  const exchange = (line: string, wait = WAIT_MS) => {
    socket.write(line + '\n');
    return within(new Promise<string>((resolve, reject) => {
      const check = () => {
        const i = received.indexOf('\n');
        if (i < 0) return;
        socket.off('data', check);
        socket.off('close', closed);
        resolve(received.slice(0, i));
        received = received.slice(i + 1);
      };
      const closed = () => reject(new Error('node:tls client: connection closed before a reply'));
      socket.on('data', check);
      socket.once('close', closed);
      check();
    }), wait, 'reply to ' + line, () => socket.destroy());
  };
  return within(new Promise<NodeClient>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('secureConnect', () => {
      const k = socket.getEphemeralKeyInfo() as { name?: string } | null;
      resolve({
        socket, cipher: socket.getCipher().standardName, group: k?.name ?? null, exchange,
        reused: socket.isSessionReused(), alpn: socket.alpnProtocol, sessions,
      });
    });
  }), ms, 'node:tls handshake', () => socket.destroy());
}
