// The crypto floor of a handshake: the primitive operations one side needs
// at the least, each timed alone with the same provider, added up. Engine
// time / floor says how much the TLS logic itself (parsing, X.509, state
// machine, copies) adds on top of the cryptography.
//
// The model per side (RFC 8446): with (EC)DHE, one key pair and its shared
// secret; with certificates, the signature of each certificate in the peer's
// chain (checked with its issuer's key) and of the peer's CertificateVerify,
// and our own CertificateVerify signature when we have a certificate; the
// transcript hashed once, with 5 running-hash snapshots (+1 with client
// certificates, +1 for a PSK binder); 23 HMACs in the key schedule (3
// HKDF-Extract, 18 HKDF-Expand-Label: 7 Derive-Secret, the resumption
// secret, 8 keys and IVs, 2 finished keys, plus the 2 Finished MACs), +3
// with a PSK (binder key, binder finished key and MAC), +3 with 0-RTT (early
// traffic secret, key, IV), +1 per session ticket (its PSK, on both sides);
// 4 AEAD key setups (+1 with 0-RTT); sealing our encrypted bytes and opening
// the peer's; the server seals each ticket's state and, resuming, opens one.
import { performance } from 'node:perf_hooks';
import { summarize } from '../../ports/node/stats.js';
import type { Certificate } from '../../core/x509/certificate.js';
import { bytesEqual } from '../../core/x509/der.js';
import { Hkdf } from '../../core/crypto/hkdf.js';
import { schemeAlgorithm, schemeAllowedInCertificateVerify } from '../../core/crypto/schemes.js';
import { ownSchemes } from '../../core/handshake/authentication.js';
import type { CryptoProvider, HashName, PrivateKey, PublicKey, SignatureAlgorithm } from '../../core/crypto/types.js';
import { CipherSuite, NamedGroup, schemeName, type Context } from '../../core/index.js';
import type { Config, Mode } from './configs.js';
import type { Flight, Wire } from './inmemory.js';

export interface FloorOp {
  side: 'client' | 'server';
  op: string;
  count: number;
  /** Time of one operation (ms): the median over the rounds of a batch's time per operation. */
  msEach: number;
}

export interface Floor {
  /** Per side: the median over the rounds of the round's sum of count x time of each operation. */
  clientMs: number;
  serverMs: number;
  ops: FloorOp[];
}

/** One round of a floor: each side's sum, and the time of each operation (ms) by name. */
export interface FloorRound {
  client: number;
  server: number;
  each: Record<string, number>;
}

/** A batch of calls that takes at least 1 ms of wall time, so the clock's resolution does not matter. */
function batchSize(fn: () => void): number {
  fn();
  fn();
  let k = 1;
  for (;;) {
    const t = performance.now();
    for (let i = 0; i < k; i++) fn();
    if (performance.now() - t >= 1 || k >= 1 << 16) return k;
    k *= 4;
  }
}

/**
 * The operations of one configuration's floor, each runnable. Each round
 * (round()) times every operation once, as a batch, on the clock it is
 * given; interleaved with the engine's handshakes, rounds see the same
 * machine as the engine does, and the floor is summarised the same way
 * (the median over the rounds).
 */
export class FloorPlan {
  readonly ops: { side: 'client' | 'server'; op: string; count: number }[] = [];
  private readonly runs = new Map<string, { fn: () => void; k: number }>();

  add(side: 'client' | 'server', op: string, count: number, make: () => () => void): void {
    this.ops.push({ side, op, count });
    if (!this.runs.has(op)) {
      const fn = make();
      this.runs.set(op, { fn, k: batchSize(fn) });
    }
  }

  round(clock: () => number): FloorRound {
    const each: Record<string, number> = {};
    for (const [op, { fn, k }] of this.runs) {
      const t = clock();
      for (let i = 0; i < k; i++) fn();
      each[op] = (clock() - t) / k;
    }
    const total = (side: 'client' | 'server'): number =>
      this.ops.filter((o) => o.side === side).reduce((sum, o) => sum + o.count * each[o.op], 0);
    return { client: total('client'), server: total('server'), each };
  }
}

/** The floor over rounds: the median of each operation and of each side's sum. */
export function summarizeFloor(plan: FloorPlan, rounds: FloorRound[]): Floor {
  const med = (xs: number[]): number => summarize(xs).median;
  return {
    clientMs: med(rounds.map((r) => r.client)),
    serverMs: med(rounds.map((r) => r.server)),
    ops: plan.ops.map((o) => ({ ...o, msEach: med(rounds.map((r) => r.each[o.op])) })),
  };
}

/** About the size of a ticket's sealed state (format, suite, PSK, age_add, times, limits). */
const TICKET_STATE = 72;

const hashOf = (suite: string): HashName => (suite === 'TLS_AES_256_GCM_SHA384' ? 'sha384' : 'sha256');

function keyName(k: PublicKey | PrivateKey): string {
  return k.kind === 'ec' ? k.curve : k.kind === 'rsa' ? 'RSA-' + k.bits : k.kind;
}

const algName = (a: SignatureAlgorithm): string => a.type + (a.hash ? '-' + a.hash : '');

/** The signature checks of a chain (leaf first): each certificate with its issuer's key, the last one with a trust anchor's. */
function chainChecks(chain: Certificate[], anchors: Certificate[]): { alg: SignatureAlgorithm; key: PublicKey; cert: Certificate }[] {
  return chain.map((cert, i) => {
    const issuer = chain[i + 1] ?? anchors.find((a) => bytesEqual(a.subject, cert.issuer));
    if (!issuer || !cert.signatureAlgorithm) throw new Error('floor: no issuer for ' + cert.subjectCN);
    return { alg: cert.signatureAlgorithm, key: issuer.publicKey, cert };
  });
}

/**
 * The floor plan of one configuration. `serverScheme` is the scheme of the
 * server's CertificateVerify as negotiated (null without certificates); the
 * client's, with a client certificate, is its first own scheme allowed there.
 */
export function cryptoFloor(
  p: CryptoProvider, c: Config, mode: Mode, cctx: Context, sctx: Context, wire: Wire, serverScheme: number | null,
): FloorPlan {
  const plan = new FloorPlan();
  // The contexts' own random source, as the engine uses it for key pairs and signatures.
  const random = cctx.settings.random;
  const add = (side: 'client' | 'server', op: string, count: number, make: () => () => void): void => plan.add(side, op, count, make);
  const both = (op: string, count: number, make: () => () => void): void => {
    add('client', op, count, make);
    add('server', op, count, make);
  };

  if (mode.dhe) {
    const kx = p.group(NamedGroup[c.group])!;
    const peer = kx.generate(random);
    // Each shared secret from a new key pair, as in a handshake: a provider may keep a pair's own objects until its secret (node:crypto's KeyObjects).
    both(`${c.group} key pair and shared secret`, 1, () => () => kx.shared(kx.generate(random).priv, peer.pub));
  }

  // Signatures: the server's chain and CertificateVerify, and the client's with a client certificate.
  const x509 = sctx.x509();
  const content = new Uint8Array(64 + 33 + 1 + 48).fill(0x20);
  const cvSign = (side: 'client' | 'server', ctx: Context, scheme: number): void => {
    const alg = schemeAlgorithm(scheme)!;
    const key = ctx.privateKey!;
    add(side, `sign ${schemeName(scheme)}`, 1, () => () => p.sign(alg, key, content, random));
  };
  const cvVerify = (side: 'client' | 'server', ctx: Context, scheme: number): void => {
    const alg = schemeAlgorithm(scheme)!;
    const sig = p.sign(alg, ctx.privateKey!, content, random);
    const key = ctx.leaf!.publicKey;
    add(side, `verify ${schemeName(scheme)}`, 1, () => () => {
      if (!p.verify(alg, key, content, sig)) throw new Error('floor: CertificateVerify signature does not verify');
    });
  };
  const chainVerify = (side: 'client' | 'server', ctx: Context, anchors: Certificate[]): void => {
    for (const { alg, key, cert } of chainChecks(ctx.chain.map((d) => x509.parseCertificate(d)), anchors)) {
      add(side, `verify ${algName(alg)} ${keyName(key)} (certificate)`, 1, () => () => {
        if (!p.verify(alg, key, cert.tbs, cert.signature)) throw new Error('floor: certificate signature does not verify');
      });
    }
  };
  if (mode.certificates && serverScheme !== null) {
    chainVerify('client', sctx, cctx.anchors);
    cvVerify('client', sctx, serverScheme);
    cvSign('server', sctx, serverScheme);
    if (mode.clientCert) {
      const clientScheme = ownSchemes(cctx).find(schemeAllowedInCertificateVerify)!;
      chainVerify('server', cctx, sctx.anchors);
      cvVerify('server', cctx, clientScheme);
      cvSign('client', cctx, clientScheme);
    }
  }

  // Transcript and key schedule.
  const hash = p.hash(hashOf(c.suite))!;
  const inner = (f: Flight): number => f.plainHandshake + f.encrypted - f.encryptedRecords;
  const transcript = new Uint8Array(inner(wire.client) + inner(wire.server)).fill(1);
  const out = new Uint8Array(hash.outputLen);
  both(`${hash.name} over the ${transcript.length}-byte transcript`, 1, () => () => hash.create().update(transcript).digestInto(out));
  const running = hash.create().update(transcript);
  both(`${hash.name} transcript snapshot`, 5 + (mode.clientCert ? 1 : 0) + (mode.psk ? 1 : 0), () => () => running.clone().digestInto(out));
  // Each step under another key than the step before, as a key schedule's mostly are (an HMAC keyed again with its last key skips the keying).
  const prks = [new Uint8Array(hash.outputLen).fill(7), new Uint8Array(hash.outputLen).fill(8)];
  let step = 0;
  const info = new Uint8Array(2 + 1 + 6 + 12 + 1 + hash.outputLen);
  const hkdf = new Hkdf(hash);
  // Both sides derive the resumption secret, and a ticket's PSK per NewSessionTicket (the server to seal it, the client on receipt).
  const tickets = sctx.settings.tickets;
  both(`HMAC-${hash.name} (HKDF step)`, 23 + tickets + (mode.psk ? 3 : 0) + (mode.earlyData ? 3 : 0), () => () => hkdf.expand(prks[(step ^= 1)], info, hash.outputLen, out));

  // The server seals each ticket's state (AES-256-GCM, session/ticket.ts) and, resuming, opens the one offered.
  const ticketAead = p.aead(CipherSuite.TLS_AES_256_GCM_SHA384)!.create(new Uint8Array(32).fill(9));
  const ticket = new Uint8Array(TICKET_STATE + 16);
  const ticketNonce = new Uint8Array(12);
  const ticketName = new Uint8Array(16);
  if (tickets > 0) add('server', `ticket seal (AES-256-GCM, ${TICKET_STATE} bytes)`, tickets, () => () => ticketAead.seal(ticketNonce, ticketName, ticket, 0, TICKET_STATE));
  if (mode.psk && mode.negotiated === 'resumed') {
    const sealed = new Uint8Array(ticket.length);
    ticketAead.seal(ticketNonce, ticketName, sealed, 0, TICKET_STATE);
    const work = new Uint8Array(sealed.length);
    add('server', `ticket open (AES-256-GCM, ${TICKET_STATE} bytes)`, 1, () => () => {
      work.set(sealed);
      if (!ticketAead.open(ticketNonce, ticketName, work, 0, TICKET_STATE)) throw new Error('floor: ticket open failed');
    });
  }

  // Record protection of the encrypted part of the handshake.
  const aead = p.aead(CipherSuite[c.suite])!;
  const key = new Uint8Array(aead.keyLen).fill(3);
  const nonce = new Uint8Array(12);
  const aad = new Uint8Array(5);
  both(`${c.suite} key setup`, mode.earlyData ? 5 : 4, () => () => aead.create(key));
  const state = aead.create(key);
  const protect = (side: 'client' | 'server', sealed: Flight, opened: Flight): void => {
    const buf = new Uint8Array(sealed.encrypted + aead.tagLen);
    add(side, `${c.suite} seal ${sealed.encrypted} bytes`, 1, () => () => state.seal(nonce, aad, buf, 0, sealed.encrypted));
    const sealedCopy = new Uint8Array(opened.encrypted + aead.tagLen);
    state.seal(nonce, aad, sealedCopy, 0, opened.encrypted);
    const work = new Uint8Array(sealedCopy.length);
    add(side, `${c.suite} open ${opened.encrypted} bytes`, 1, () => () => {
      work.set(sealedCopy);
      if (!state.open(nonce, aad, work, 0, opened.encrypted)) throw new Error('floor: AEAD open failed');
    });
  };
  protect('client', wire.client, wire.server);
  protect('server', wire.server, wire.client);
  return plan;
}
