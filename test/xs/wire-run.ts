// One program run on two engines: XS (xsnap, on the dist/moddable bundle)
// and Node (on the same bundle), both sides in one process, sans-IO. Every
// random byte comes from a seeded generator and the clock is fixed, so the
// engine must put identical bytes on the wire in both runs; each case prints
// one line (negotiated parameters, wire and plaintext checksums) and the two
// transcripts are compared line for line. No imports: the library arrives
// as an argument, so the same file runs on XS and Node.
import type * as Microtls from '../../core/index.js';

type Lib = typeof Microtls;
type Connection = Microtls.Connection;
type ContextOptions = Microtls.ContextOptions;

/** PEM files of the test PKI by name (build/pki). */
export type Pki = Record<string, string>;

export interface RunOptions {
  /** Fixed clock (ms since the epoch) inside the PKI's validity. */
  now: number;
  /** Application records sent each way per suite. */
  records: number;
  /** Bytes per application record. */
  recordSize: number;
}

/** 32-bit xorshift, seeded per side and case: the same bytes on every engine. */
export function seeded(seed: number): (dst: Uint8Array) => void {
  let x = (seed * 2654435761) >>> 0 || 1;
  return (dst) => {
    for (let i = 0; i < dst.length; i++) {
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      dst[i] = x & 0xff;
    }
  };
}

/** Two FNV-1a variants over a byte stream, with its length: "len:hash". */
class Digest {
  private a = 0x811c9dc5;
  private b = 0x01000193;
  length = 0;

  add(buf: Uint8Array, off: number, len: number): void {
    let a = this.a;
    let b = this.b;
    for (let i = off; i < off + len; i++) {
      a = Math.imul(a ^ buf[i], 0x01000193);
      b = Math.imul(b ^ buf[i], 0x0100019b) + 0x9e3779b9;
    }
    this.a = a;
    this.b = b;
    this.length += len;
  }

  toString(): string {
    const hex = (v: number) => ('0000000' + (v >>> 0).toString(16)).slice(-8);
    return this.length + ':' + hex(this.a) + hex(this.b);
  }
}

const scratch = new Uint8Array(32 * 1024);

/** Moves a's pending output to b, adding it to the wire digest. */
function transfer(a: Connection, b: Connection, wire: Digest): void {
  for (;;) {
    const n = a.takeOutput(scratch);
    if (n === 0) return;
    wire.add(scratch, 0, n);
    for (let off = 0; off < n; ) {
      const took = b.receive(scratch, off, n - off);
      if (took === 0) throw new Error('receiver full');
      off += took;
    }
  }
}

interface Pair {
  client: Connection;
  server: Connection;
  up: Digest;
  down: Digest;
}

/** Drives both handshakes; returns [client status, server status] (0 = done, < -100 error). */
function handshake(lib: Lib, p: Pair): [number, number] {
  let c: number = lib.Status.WANT_READ;
  let s: number = lib.Status.WANT_READ;
  for (let i = 0; i < 50 && !((c === 0 || c < -100) && (s === 0 || s < -100)); i++) {
    if (c !== 0 && c > -100) c = p.client.connect();
    transfer(p.client, p.server, p.up);
    if (s !== 0 && s > -100) s = p.server.accept();
    transfer(p.server, p.client, p.down);
  }
  return [c, s];
}

/** Sends `count` records of `size` bytes from a to b and reads them back; digests of what was sent and read. */
function stream(a: Connection, b: Connection, wire: Digest, back: Digest, count: number, size: number, seed: number): string {
  const data = new Uint8Array(size);
  const got = new Uint8Array(size);
  const fill = seeded(seed);
  const sent = new Digest();
  const read = new Digest();
  for (let r = 0; r < count; r++) {
    fill(data);
    sent.add(data, 0, size);
    if (a.write(data) !== size) throw new Error('write ' + r + ': ' + JSON.stringify(a.lastError()));
    transfer(a, b, wire);
    let have = 0;
    while (have < size) {
      const n = b.read(got, have, size - have);
      if (n <= 0) throw new Error('read ' + r + ': ' + n + ' ' + JSON.stringify(b.lastError()));
      have += n;
    }
    read.add(got, 0, size);
    transfer(b, a, back); // anything b owes a (tickets, KeyUpdate answers)
  }
  if (sent.toString() !== read.toString()) throw new Error('plaintext differs after ' + count + ' records');
  return read.toString();
}

function describe(lib: Lib, p: Pair, st: [number, number]): string {
  const n = p.client.negotiated();
  const s = p.server.negotiated();
  const parts = ['c=' + st[0], 's=' + st[1]];
  if (n && s) {
    parts.push(
      'suite=' + lib.suiteName(n.cipherSuite),
      'group=' + (n.group === null ? '-' : lib.groupName(n.group)),
      'scheme=' + (n.signatureScheme === null ? '-' : lib.schemeName(n.signatureScheme)),
      'mode=' + n.mode + (n.pskMode ? '/' + n.pskMode : ''),
      'server-agrees=' + (s.cipherSuite === n.cipherSuite && s.group === n.group && s.mode === n.mode),
    );
  } else {
    const e = p.client.lastError() ?? p.server.lastError();
    parts.push('error=' + (e ? e.name : '?'));
  }
  parts.push('up=' + p.up, 'down=' + p.down);
  return parts.join(' ');
}

/** Runs every case; `out` gets one line per case and "DONE" at the end. */
export function runWire(lib: Lib, pki: Pki, o: RunOptions, out: (line: string) => void): void {
  const S = lib.CipherSuite;
  const G = lib.NamedGroup;
  let seed = 1;

  function pair(client: Partial<ContextOptions>, server: Partial<ContextOptions>, serverCert = 'server-ecdsa', clientCert?: string): Pair {
    const sc = new lib.Context(Object.assign({ side: 'server', random: seeded(seed++), now: () => o.now } as ContextOptions, server));
    sc.useCertificateBuffer(pki[serverCert + '-chain.crt'] ?? pki[serverCert + '.crt']);
    sc.usePrivateKeyBuffer(pki[serverCert + '.key']);
    sc.loadVerifyBuffer(pki['ca.crt']);
    const cc = new lib.Context(Object.assign(
      { side: 'client', random: seeded(seed++), now: () => o.now, serverName: 'localhost' } as ContextOptions, client));
    cc.loadVerifyBuffer(pki['ca.crt']);
    if (clientCert) {
      cc.useCertificateBuffer(pki[clientCert + '.crt']);
      cc.usePrivateKeyBuffer(pki[clientCert + '.key']);
    }
    return connect(cc, sc);
  }

  function connect(cc: Microtls.Context, sc: Microtls.Context): Pair {
    return { client: cc.newConnection(), server: sc.newConnection(), up: new Digest(), down: new Digest() };
  }

  function run(name: string, p: Pair): Pair {
    const st = handshake(lib, p);
    out(name + ': ' + describe(lib, p, st));
    return p;
  }

  const suites = [S.TLS_AES_128_GCM_SHA256, S.TLS_AES_256_GCM_SHA384, S.TLS_CHACHA20_POLY1305_SHA256, S.TLS_AES_128_CCM_SHA256, S.TLS_AES_128_CCM_8_SHA256];
  const groups = [G.x25519, G.secp256r1, G.secp384r1, G.secp521r1, G.x448];
  for (const suite of suites) {
    for (const group of groups) {
      const cfg = { cipherSuites: [suite], groups: [group] };
      run('full ' + lib.suiteName(suite) + ' ' + lib.groupName(group), pair(cfg, cfg));
    }
  }

  // Each server key type, mutual authentication, and a HelloRetryRequest.
  for (const cert of ['server-rsa', 'server-rsapss', 'server-ed25519', 'server-ecdsa384', 'server-ed448']) {
    run('cert ' + cert, pair({}, {}, cert));
  }
  run('mutual client-ecdsa', pair({}, { verify: 'require' }, 'server-ecdsa', 'client-ecdsa'));
  run('mutual client-rsa', pair({}, { verify: 'require' }, 'server-ecdsa', 'client-rsa'));
  run('hrr', pair({ groups: [G.x25519, G.secp256r1] }, { groups: [G.secp256r1] }));

  // External PSK in both key exchange modes, then resumption from a ticket.
  const identity = new Uint8Array([0x64, 0x65, 0x76, 0x31]); // "dev1"
  const key = new Uint8Array(32);
  seeded(77)(key);
  const psk = { identity, key };
  for (const mode of ['psk_ke', 'psk_dhe_ke'] as const) {
    run('psk ' + mode, pair(
      { pskClient: () => psk, pskModes: [mode], verify: 'none', cipherSuites: [S.TLS_AES_128_CCM_SHA256] },
      { pskServer: () => psk, pskModes: [mode], cipherSuites: [S.TLS_AES_128_CCM_SHA256] },
    ));
  }
  const first = run('ticket issue', pair({}, {}));
  stream(first.server, first.client, first.down, first.up, 1, 16, seed++); // the client reads the tickets
  const session = first.client.getSession();
  const again = connect(first.client.context as Microtls.Context, first.server.context as Microtls.Context);
  if (!session || again.client.setSession(session) !== 0) out('resume: no session');
  else run('resume', again);

  // Application records each way, per suite.
  for (const suite of suites) {
    const cfg = { cipherSuites: [suite], groups: [G.x25519] };
    const p = pair(cfg, cfg);
    if (handshake(lib, p).join() !== '0,0') {
      out('records ' + lib.suiteName(suite) + ': handshake failed');
      continue;
    }
    const up = stream(p.client, p.server, p.up, p.down, o.records, o.recordSize, seed++);
    const down = stream(p.server, p.client, p.down, p.up, o.records, o.recordSize, seed++);
    out('records ' + lib.suiteName(suite) + ': up=' + up + ' down=' + down + ' wire=' + p.up + '/' + p.down);
  }
  out('DONE');
}
