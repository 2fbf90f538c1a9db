// The curve operations of a handshake, per implementation, for bench/curves:
// the typed-array arithmetic (core/crypto/x25519.ts, p256.ts, one instance
// reused, as a Context does), noble without its precomputed tables (the
// device profiles) and noble with them (the full profile builds them when a
// Context is made). No Node imports: the same module runs bundled on XS.
import { buildTables } from '../../core/crypto/curve-tables.js';
import { p256 } from '../../core/crypto/curves.js';
import { secp256r1Group, x25519Group } from '../../core/crypto/groups.js';
import { sha256 } from '../../core/crypto/hash.js';
import { P256 } from '../../core/crypto/p256.js';
import { X25519 } from '../../core/crypto/x25519.js';
import { square } from '../../core/crypto/limbs.js';

export const IMPLEMENTATIONS = ['typed', 'noble', 'noble-tables'] as const;
export type Implementation = (typeof IMPLEMENTATIONS)[number];

export const IMPLEMENTATION_LABEL: Record<Implementation, string> = {
  typed: 'typed arrays',
  noble: 'noble, no tables',
  'noble-tables': 'noble, tables',
};

export const OPS = ['x25519 key pair', 'x25519 shared', 'P-256 key pair', 'P-256 shared', 'P-256 verify', 'P-256 sign'] as const;
export type Op = (typeof OPS)[number];

/** Deterministic bytes (the inputs are the same on every engine). */
function bytes(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

/**
 * The operations of one implementation. For noble-tables, call it after the
 * other two: it builds noble's tables, which stay for the process.
 */
export function curveOps(impl: Implementation): Record<Op, () => void> {
  const random = (d: Uint8Array): void => d.set(bytes(d.length, 7));
  const x25519Peer = x25519Group.generate((d) => d.set(bytes(32, 11))).pub;
  const peer = secp256r1Group.generate((d) => d.set(bytes(d.length, 13)));
  const own = secp256r1Group.generate((d) => d.set(bytes(d.length, 17)));
  const hash = bytes(32, 19);
  const rs = p256.sign(hash, own.priv, { prehash: false, format: 'compact' });
  const entropy = bytes(32, 23);
  const k = bytes(32, 29);
  if (impl === 'typed') {
    const ladder = new X25519(square);
    const curve = new P256();
    const base = new Uint8Array(32);
    base[0] = 9;
    const out = new Uint8Array(65);
    const sig = new Uint8Array(64);
    return {
      'x25519 key pair': () => ladder.scalarMult(out, k, base),
      'x25519 shared': () => ladder.scalarMult(out, k, x25519Peer),
      'P-256 key pair': () => curve.publicKey(out, own.priv),
      'P-256 shared': () => curve.sharedSecret(out, own.priv, peer.pub),
      'P-256 verify': () => check(curve.verify(rs, hash, own.pub)),
      'P-256 sign': () => check(curve.sign(sig, hash, own.priv, sha256, entropy)),
    };
  }
  if (impl === 'noble-tables') {
    const built: object[] = [];
    buildTables(p256.Point.BASE, built);
    x25519Group.precompute?.(built);
  }
  return {
    'x25519 key pair': () => x25519Group.generate(random),
    'x25519 shared': () => x25519Group.shared(k, x25519Peer),
    'P-256 key pair': () => secp256r1Group.generate(random),
    'P-256 shared': () => secp256r1Group.shared(own.priv, peer.pub),
    'P-256 verify': () => check(p256.verify(rs, hash, own.pub, { prehash: false, lowS: false, format: 'compact' })),
    'P-256 sign': () => p256.sign(hash, own.priv, { prehash: false, format: 'compact', extraEntropy: entropy }),
  };
}

function check(ok: boolean): void {
  if (!ok) throw new Error('curve bench: an operation failed');
}

/** Per implementation and operation, the median milliseconds of `reps` runs after one warm-up run (XS: its own clock). */
export function timeOps(reps: number, now: () => number): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const impl of IMPLEMENTATIONS) {
    const ops = curveOps(impl);
    const row: Record<string, number> = {};
    for (const op of OPS) {
      ops[op]();
      const t: number[] = [];
      for (let i = 0; i < reps; i++) {
        const start = now();
        ops[op]();
        t.push(now() - start);
      }
      t.sort((a, b) => a - b);
      row[op] = t[t.length >> 1];
    }
    out[impl] = row;
  }
  return out;
}

/**
 * For the report build of xsnap: per implementation and operation, the
 * lines "PHASE impl|op|before" and "PHASE impl|op" each followed by a
 * collection, so the first gives the live heap before and the second the
 * peak during the operation. `gc(true)` collects before every allocation
 * (the peak is then the largest live size, not garbage awaiting a
 * collection), `gc(false)` stops that.
 */
export function heapPhases(print: (line: string) => void, gc: (stress?: boolean) => void): void {
  for (const impl of IMPLEMENTATIONS) {
    const ops = curveOps(impl);
    for (const op of OPS) {
      ops[op](); // first use: whatever is made once (noble's lazy constants, compiled code) is not counted
      print('PHASE ' + impl + '|' + op + '|before');
      gc(true);
      ops[op]();
      print('PHASE ' + impl + '|' + op);
      gc(false);
    }
  }
}
