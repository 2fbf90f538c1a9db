// Conformance probes against a microtls server: malformed and edge-case
// ClientHellos and records, built byte by byte (test/helpers/hello.ts), each
// class with the alert RFC 8446 names for it. A probe either gets a
// ServerHello (the server went on) or a fatal alert.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { alertName } from '../../core/errors.js';
import type { ContextOptions } from '../../core/engine/types.js';
import type { Connection } from '../../core/engine/connection.js';
import { Context } from '../../core/index.js';
import { random, serverContext } from '../engine/pair.js';
import { WAIT_MS, cleanup, freePort, microtlsCli, track } from '../helpers/peers.js';
import {
  CT, PSK_DHE_KE, PSK_KE, SECP256R1, bindHello, ext, fragments, padding, pskModes, preSharedKey, TLS_AES_128_GCM_SHA256, X25519, X25519_BASE,
  build, bytes, clientHandshakeKey, clientHelloParts, clientHelloRecord, cookie, defaultExtensions, earlyData, fill,
  handshakeMessage, keyShare, record, records, sealRecord, serverHelloExtension, signatureAlgorithms, supportedGroups,
  supportedVersions, u16, v16, withLength, x25519Key, SCHEMES, TLS13, type HelloSpec, type Part,
} from '../helpers/hello.js';

/** A server connection fed raw bytes. */
class Probe {
  readonly conn: Connection;
  status = 0;
  constructor(opts: Partial<ContextOptions> = {}, withCertificate = true, cert?: string) {
    const ctx = withCertificate ? serverContext(opts, cert) : new Context({ side: 'server', random, now: Date.now, ...opts });
    this.conn = ctx.newConnection();
  }

  /** Delivers b, runs accept() and returns what the server sent. */
  send(b: Uint8Array): Uint8Array {
    for (let off = 0; off < b.length; ) {
      const n = this.conn.receive(b, off);
      off += n;
      this.status = this.conn.accept();
      if (n === 0 && this.status !== -2) break;
    }
    const out = new Uint8Array(this.conn.outputLength());
    this.conn.takeOutput(out);
    return out;
  }

  /** The alert sent, by name, or 'none'. */
  get alert(): string {
    const e = this.conn.lastError();
    return e && e.alertSent >= 0 ? alertName(e.alertSent) : 'none';
  }
}

/** 'ServerHello' when the server answered with one, else the alert it sent. */
function outcome(p: Probe, out: Uint8Array): string {
  if (p.alert !== 'none') return p.alert;
  const first = records(out)[0];
  return first && first.type === CT.handshake && first.payload[0] === 2 ? 'ServerHello' : 'no answer (status ' + p.status + ')';
}

function hello(spec: HelloSpec, opts: Partial<ContextOptions> = {}, cert?: string): string {
  const p = new Probe(opts, true, cert);
  return outcome(p, p.send(clientHelloRecord(spec)));
}

const withGroups = (groups: number[], shares: [number, number[]][]): HelloSpec => ({
  extensions: [supportedVersions(TLS13), supportedGroups(...groups), keyShare(...shares), signatureAlgorithms(...SCHEMES)],
});

test('sanity: the default generated ClientHello gets a ServerHello', () => {
  assert.equal(hello({}), 'ServerHello');
});

test('legacy_version 0x0300 or lower with supported_versions offering TLS 1.3 -> protocol_version (RFC 8446 D.5)', () => {
  for (const v of [0x0300, 0x0200, 0x0002, 0x0000]) assert.equal(hello({ legacyVersion: v }), 'protocol_version', v.toString(16));
  // Higher values are ignored in favour of supported_versions (4.1.2, 4.2.1).
  for (const v of [0x0301, 0x0302, 0x0303, 0x0304, 0x0404]) assert.equal(hello({ legacyVersion: v }), 'ServerHello', v.toString(16));
});

test('legacy_compression_methods other than [null] -> illegal_parameter (RFC 8446 4.1.2)', () => {
  for (const c of [[1], [0, 1], [1, 0], [0, 0]]) assert.equal(hello({ compression: c }), 'illegal_parameter', String(c));
});

test('every corrupted length field inside the ClientHello -> decode_error, never a value alert (RFC 8446 6.2)', () => {
  const { bytes: b, lengths } = build(...record(CT.handshake, ...clientHelloParts()));
  // The record and handshake lengths frame the message (a longer one waits for bytes): depth >= 2 is the body.
  const fields = lengths.filter((f) => f.depth >= 2);
  assert.ok(fields.length >= 12, fields.length + ' length fields');
  const wrong: string[] = [];
  for (const f of fields) {
    for (const delta of [-1, 1, 2, 0x100]) {
      if (delta === 0x100 && f.size === 1) continue;
      const p = new Probe();
      const got = outcome(p, p.send(withLength(b, f, delta)));
      if (got !== 'decode_error') wrong.push('field at ' + f.at + ' (' + f.size + ' bytes) ' + (delta > 0 ? '+' : '') + delta + ': ' + got);
    }
  }
  assert.deepEqual(wrong, []);
});

test('a Finished longer than its hash, by a little or beyond the buffer -> decode_error (RFC 8446 4.4.4)', () => {
  for (const pad of [1, 16, 20000]) {
    const p = new Probe({ cipherSuites: [TLS_AES_128_GCM_SHA256] });
    const k = x25519Key();
    const ch = bytes(...clientHelloParts({ extensions: defaultExtensions(k.pub) }));
    const out = records(p.send(bytes(...record(CT.handshake, ch))));
    const sh = out[0].payload;
    assert.equal(sh[0], 2);
    const keys = clientHandshakeKey(k, [ch, sh], serverHelloExtension(sh, 51)!.subarray(4));
    // Finished header announcing 32 + pad bytes; at most one record's worth follows.
    const body = 32 + pad;
    const finished = bytes([20, body >> 16, (body >> 8) & 0xff, body & 0xff], fill(Math.min(body, 1000), 0));
    p.send(sealRecord(keys, 0, CT.handshake, finished));
    assert.equal(p.alert, 'decode_error', 'pad ' + pad);
  }
});

test('an empty alert or handshake record -> unexpected_message (RFC 8446 5.1)', () => {
  for (const type of [CT.alert, CT.handshake]) {
    const first = new Probe();
    assert.equal(outcome(first, first.send(bytes(...record(type)))), 'unexpected_message', 'type ' + type);
    const later = new Probe();
    assert.equal(outcome(later, later.send(clientHelloRecord())), 'ServerHello');
    later.send(bytes(...record(type)));
    assert.equal(later.alert, 'unexpected_message', 'type ' + type + ' after the ClientHello');
  }
});

test('one ChangeCipherSpec is dropped, a second one -> unexpected_message (RFC 8446 5)', () => {
  const p = new Probe();
  assert.equal(outcome(p, p.send(clientHelloRecord())), 'ServerHello');
  p.send(bytes(...record(CT.change_cipher_spec, [1])));
  assert.equal(p.alert, 'none');
  p.send(bytes(...record(CT.change_cipher_spec, [1])));
  assert.equal(p.alert, 'unexpected_message');
});

test('obsolete groups (RFC 8446 4.2.7 obsolete_RESERVED) in supported_groups or key_share -> illegal_parameter', () => {
  for (const g of [0x0001, 0x0013, 0x0016, 0x001a, 0x001c, 0xff01, 0xff02]) {
    const share = fill(32, 0xab);
    assert.equal(hello(withGroups([g], [[g, share]])), 'illegal_parameter', 'alone ' + g);
    assert.equal(hello(withGroups([g], [])), 'illegal_parameter', 'advertised, no share ' + g);
    assert.equal(hello(withGroups([g, X25519], [[X25519, X25519_BASE]])), 'illegal_parameter', 'next to x25519 ' + g);
    assert.equal(hello(withGroups([X25519, g], [[X25519, X25519_BASE], [g, share]])), 'illegal_parameter', 'shared after x25519 ' + g);
  }
});

test('unknown group code points next to supported ones are ignored (RFC 8446 4.2.7)', () => {
  for (const g of [0x0a0a, 0x1234, 0x0200, 0xfe00]) {
    assert.equal(hello(withGroups([g, X25519], [[g, fill(32, 0xab)], [X25519, X25519_BASE]])), 'ServerHello', g.toString(16));
  }
});

test('a key share for a group not in supported_groups -> illegal_parameter (RFC 8446 4.2.8)', () => {
  assert.equal(hello(withGroups([X25519], [[SECP256R1, [4, ...fill(64, 1)]], [X25519, X25519_BASE]])), 'illegal_parameter');
});

test('a key share that is not a valid point of its group -> illegal_parameter (RFC 8446 4.2.8.2, 7.4.2)', () => {
  const share = (group: number, key: number[]): HelloSpec => withGroups([group], [[group, key]]);
  assert.equal(hello(share(X25519, fill(31, 9))), 'illegal_parameter', 'x25519 of 31 bytes');
  assert.equal(hello(share(X25519, fill(32, 0))), 'illegal_parameter', 'x25519 low-order point (all-zero secret)');
  assert.equal(hello(share(SECP256R1, [4, ...fill(64, 1)])), 'illegal_parameter', 'secp256r1 point not on the curve');
  assert.equal(hello(share(SECP256R1, [2, ...fill(32, 1)])), 'illegal_parameter', 'secp256r1 compressed point');
});

test('after a HelloRetryRequest, early data is skipped until the second ClientHello; then a record that does not open -> bad_record_mac (RFC 8446 4.2.10)', () => {
  const p = new Probe({ cipherSuites: [TLS_AES_128_GCM_SHA256] });
  const ch1: HelloSpec = { extensions: [supportedVersions(TLS13), supportedGroups(X25519), keyShare(), signatureAlgorithms(...SCHEMES), earlyData()] };
  const hrr = records(p.send(clientHelloRecord(ch1)))[0].payload;
  const c = serverHelloExtension(hrr, 44);
  assert.ok(c, 'HelloRetryRequest with a cookie');
  const garbage = bytes(...record(CT.application_data, fill(40, 0x5a)));
  p.send(garbage);
  assert.equal(p.alert, 'none', '0-RTT records before the second ClientHello are skipped');
  const ch2 = clientHelloRecord({ extensions: [...defaultExtensions(x25519Key().pub), cookie(c.subarray(2))] });
  assert.equal(outcome(p, p.send(ch2)), 'ServerHello');
  p.send(garbage);
  assert.equal(p.alert, 'bad_record_mac');
});

// --- signature_algorithms (RFC 8446 4.2.3) ---

const withSchemes = (...body: Part[]): HelloSpec => ({
  extensions: [supportedVersions(TLS13), supportedGroups(X25519), keyShare([X25519, X25519_BASE]), ext(13, ...body)],
});

test('signature_algorithms: only RSASSA-PKCS1-v1_5 or only undefined schemes -> handshake_failure; malformed -> decode_error', () => {
  const codes = (...c: number[]): Part => v16(...c.map(u16));
  // PKCS#1 v1.5 is for certificates only in TLS 1.3 (4.2.3): the RSA server has nothing to sign with.
  assert.equal(hello(withSchemes(codes(0x0201, 0x0601)), {}, 'server-rsa'), 'handshake_failure');
  assert.equal(hello(withSchemes(codes(0x0418, 0x1801, 0x0a0a, 0x0918, 0xffff))), 'handshake_failure');
  // Unknown and duplicated schemes next to a usable one are ignored.
  assert.equal(hello(withSchemes(codes(0x0a01, 0x0202, 0x0202, 0x0201, 0x0403))), 'ServerHello');
  for (const bad of [[0, 0], [0, 1, 2], [0, 5, 8, 4, 8, 9, 2], [0, 4, 8, 4, 8, 9, 4, 3]]) {
    assert.equal(hello(withSchemes(bad)), 'decode_error', String(bad));
  }
});

// --- large ClientHellos (RFC 8446 4.1.2: extensions<8..2^16-1>) and the server's limit ---

test('a valid ClientHello with 2^16-1 bytes of extensions (up to 32717 signature schemes) gets a ServerHello', () => {
  for (const n of [215, 8132, 23754, 32717]) {
    const schemes = [...new Array<number>(n - 2).fill(0x0202), 0x0804, 0x0403];
    const msg = bytes(...clientHelloParts(withSchemes(v16(...schemes.map(u16)))));
    const p = new Probe();
    assert.equal(outcome(p, p.send(fragments(msg))), 'ServerHello', n + ' schemes, ' + msg.length + ' bytes');
  }
});

test('maxClientHello defaults: 66120 bytes, or maxHandshakeMessage when a configuration bounds that (a device keeps its arena)', () => {
  assert.equal(serverContext().settings.maxClientHello, 66120);
  assert.equal(serverContext({ maxHandshakeMessage: 4096 }).settings.maxClientHello, 4096);
  assert.equal(serverContext({ maxHandshakeMessage: 4096, maxClientHello: 8192 }).settings.maxClientHello, 8192);
  assert.ok(serverContext({ maxHandshakeMessage: 4096 }).arenaLayout().message < 4200);
  assert.throws(() => serverContext({ maxClientHello: 200000 }), /maxClientHello must be 256\.\.131396/);
});

test('maxClientHello: a hello of exactly the limit is parsed, one byte more is decode_error from its header', () => {
  const sized = (body: number): Uint8Array => {
    const base = bytes(...clientHelloParts({ extensions: [...defaultExtensions(), padding(0)] })).length - 4;
    return bytes(...clientHelloParts({ extensions: [...defaultExtensions(), padding(body - base)] }));
  };
  for (const limit of [512, 4096, 20000]) {
    const at = new Probe({ maxClientHello: limit });
    assert.equal(outcome(at, at.send(fragments(sized(limit)))), 'ServerHello', 'limit ' + limit);
    const over = new Probe({ maxClientHello: limit });
    // The first record, with the message header, is enough to refuse it.
    const big = sized(limit + 1);
    assert.equal(outcome(over, over.send(fragments(big).subarray(0, 5 + Math.min(big.length, 16384)))), 'decode_error', 'limit ' + limit + ' + 1');
    assert.match(over.conn.lastError()!.message, new RegExp('client_hello of ' + (limit + 1) + ' bytes, limit ' + limit + ' \\(maxClientHello\\)'));
  }
});

// --- pre_shared_key (RFC 8446 4.2.9, 4.2.11) ---

const PSK = Uint8Array.from(fill(32, 0x42));
const IDENTITY = [...Buffer.from('probe')];
const pskServer = (modes: ('psk_ke' | 'psk_dhe_ke')[]): Partial<ContextOptions> => ({
  cipherSuites: [TLS_AES_128_GCM_SHA256], pskModes: modes,
  pskServer: (id) => (Buffer.from(id).equals(Buffer.from(IDENTITY)) ? { identity: id, key: PSK } : null),
});

/** Sends a ClientHello ending in pre_shared_key, its binders computed with `key`; the outcome and the ServerHello. */
function pskHello(opts: Partial<ContextOptions>, modes: number[], ids: [number[], number][], key = PSK, binders = ids.length,
  withShare = true): [string, Uint8Array | null, string] {
  const exts = [supportedVersions(TLS13), pskModes(...modes)];
  if (withShare) exts.push(supportedGroups(X25519), keyShare([X25519, X25519_BASE]));
  exts.push(preSharedKey(ids, binders));
  const msg = bindHello(bytes(...clientHelloParts({ suites: [TLS_AES_128_GCM_SHA256], extensions: exts })), key, binders);
  const p = new Probe(opts, false);
  const out = p.send(bytes(...record(CT.handshake, msg)));
  const got = outcome(p, out);
  return [got, got === 'ServerHello' ? records(out)[0].payload : null, p.conn.lastError()?.message ?? ''];
}

test('external PSK: psk_dhe_ke and psk_ke, with or without a key share, and an obfuscated age the server ignores', () => {
  const [dhe, sh1] = pskHello(pskServer(['psk_dhe_ke']), [PSK_DHE_KE], [[IDENTITY, 0]]);
  assert.equal(dhe, 'ServerHello');
  assert.ok(serverHelloExtension(sh1!, 51), 'psk_dhe_ke: a key_share');
  // psk_ke with a key_share offered: the server must not use it (4.2.9).
  const [ke, sh2] = pskHello(pskServer(['psk_ke']), [PSK_KE], [[IDENTITY, 0]]);
  assert.equal(ke, 'ServerHello');
  assert.equal(serverHelloExtension(sh2!, 51), null, 'psk_ke: no key_share');
  assert.equal(pskHello(pskServer(['psk_ke']), [PSK_KE], [[IDENTITY, 0]], PSK, 1, false)[0], 'ServerHello');
  // For an external PSK the age is meaningless (4.2.11): any value is accepted.
  assert.equal(pskHello(pskServer(['psk_dhe_ke']), [PSK_DHE_KE], [[IDENTITY, 0xdeadbeef]])[0], 'ServerHello');
  // Both modes offered, the server's preference is used; the PSK is the second identity.
  const [second, sh3] = pskHello(pskServer(['psk_dhe_ke', 'psk_ke']), [PSK_KE, PSK_DHE_KE], [[[1, 2, 3], 7], [IDENTITY, 0]]);
  assert.equal(second, 'ServerHello');
  assert.deepEqual([...serverHelloExtension(sh3!, 41)!], [0, 1], 'selected_identity 1');
});

test('external PSK: a binder that does not verify -> decrypt_error; binder and identity counts differ -> illegal_parameter', () => {
  assert.equal(pskHello(pskServer(['psk_dhe_ke']), [PSK_DHE_KE], [[IDENTITY, 0]], Uint8Array.from(fill(32, 1)))[0], 'decrypt_error');
  assert.equal(pskHello(pskServer(['psk_dhe_ke']), [PSK_DHE_KE], [[IDENTITY, 0]], PSK, 2)[0], 'illegal_parameter');
  assert.equal(pskHello(pskServer(['psk_dhe_ke']), [PSK_DHE_KE], [[IDENTITY, 0], [[9], 0]], PSK, 1)[0], 'illegal_parameter');
});

test('external PSK: no common mode, or an unknown identity, on a server without a certificate -> handshake_failure / unknown_psk_identity', () => {
  const [noMode, , why] = pskHello(pskServer(['psk_dhe_ke']), [PSK_KE], [[IDENTITY, 0]], PSK, 1, false);
  assert.equal(noMode, 'handshake_failure');
  assert.match(why, /no certificate, and the client allows PSKs only in psk_ke, we in psk_dhe_ke/);
  assert.equal(pskHello(pskServer(['psk_ke']), [PSK_DHE_KE], [[IDENTITY, 0]])[0], 'handshake_failure');
  assert.equal(pskHello(pskServer(['psk_dhe_ke']), [PSK_DHE_KE], [[[7, 7], 0]])[0], 'unknown_psk_identity');
});

// --- the same probes against `microtls server` over TCP ---

after(cleanup);

/** Sends bytes to 127.0.0.1:port and collects what comes back until the server closes. */
function tcpProbe(port: number, b: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const s = track(connect({ host: '127.0.0.1', port }, () => s.write(b)));
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error('no close within ' + WAIT_MS + ' ms, got ' + Buffer.concat(chunks).toString('hex')));
    }, WAIT_MS);
    s.on('data', (d: Buffer) => {
      chunks.push(d);
      // A ServerHello is all a sanity probe waits for.
      if (records(Buffer.concat(chunks))[0]?.type === CT.handshake) s.end();
    });
    s.on('error', () => undefined);
    s.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
  });
}

/** 'ServerHello', the name of the plaintext fatal alert received, or what came. */
function tcpOutcome(b: Uint8Array): string {
  const first = records(b)[0];
  if (!first) return 'nothing';
  if (first.type === CT.handshake && first.payload[0] === 2) return 'ServerHello';
  if (first.type === CT.alert && first.payload.length === 2 && first.payload[0] === 2) return alertName(first.payload[1]);
  return 'record type ' + first.type;
}

test('microtls server over TCP: each probe class gets its alert, and the server keeps serving', { timeout: 60000 }, async () => {
  const port = await freePort();
  const server = microtlsCli('server', '--port', String(port));
  await server.waitFor('Waiting for a connection...');
  const { bytes: ch, lengths } = build(...record(CT.handshake, ...clientHelloParts()));
  // The body's one-byte length fields: legacy_session_id, then legacy_compression_methods.
  const compression = lengths.filter((f) => f.depth === 2 && f.size === 1)[1];
  const probes: [string, Uint8Array, string][] = [
    ['sanity', ch, 'ServerHello'],
    ['legacy_version 0x0300', clientHelloRecord({ legacyVersion: 0x0300 }), 'protocol_version'],
    ['compression methods length + 1', withLength(ch, compression, 1), 'decode_error'],
    ['compression [1]', clientHelloRecord({ compression: [1] }), 'illegal_parameter'],
    ['empty alert record', bytes(...record(CT.alert)), 'unexpected_message'],
    ['obsolete group', clientHelloRecord(withGroups([0x0013, X25519], [[X25519, X25519_BASE]])), 'illegal_parameter'],
    ['share outside supported_groups', clientHelloRecord(withGroups([X25519], [[SECP256R1, [4, ...fill(64, 1)]]])), 'illegal_parameter'],
    ['32717 signature schemes (2^16-1 bytes of extensions)', fragments(bytes(...clientHelloParts(withSchemes(
      v16(...[...new Array<number>(32715).fill(0x0202), 0x0804, 0x0403].map(u16)))))), 'ServerHello'],
    ['sanity again', ch, 'ServerHello'],
  ];
  for (const [name, b, expected] of probes) assert.equal(tcpOutcome(await tcpProbe(port, b)), expected, name);
  await server.stop();
});

// Keep the generator honest: its vectors are what the RFC's syntax says.
test('generator: v16 of two bytes and a nested v8 frames them', () => {
  const { bytes: b, lengths } = build(v16([1, 2], { size: 1, parts: [[3]] }));
  assert.deepEqual([...b], [0, 4, 1, 2, 1, 3]);
  assert.deepEqual(lengths.map((f) => f.at), [0, 4]);
  assert.deepEqual([...withLength(b, lengths[0], -5)], [0xff, 0xff, 1, 2, 1, 3]);
  assert.deepEqual([...bytes(...handshakeMessage(20, [7]))], [20, 0, 0, 1, 7]);
});
