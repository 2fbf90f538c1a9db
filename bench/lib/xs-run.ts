// Runs on XS inside xsnap (bench/xs.ts writes the module that calls it),
// and on Node for the same figures there: handshakes of one configuration in
// memory with the library given (a dist bundle on XS), timed per side; and
// the heap phases that the report build of xsnap measures at each gc().
// Platform neutral: type imports and inmemory.js only.
import type * as Microtls from '../../core/index.js';
import { engineTimes, handshakeOnce, timer } from './inmemory.js';
import { FULL_MODE } from './mode.js';

type Lib = Pick<typeof Microtls, 'Context'>;
type Connection = Microtls.Connection;

export interface XsConfig {
  suite: number;
  group: number;
  /** Test PKI base name of the server certificate (NAME-chain.crt when it has one, NAME.key). */
  cert: string;
}

/**
 * A random source for the bench (XS has no crypto.getRandomValues): a
 * xorshift generator. Fine for timing handshakes, never for real keys.
 */
function benchRandom(): (dst: Uint8Array) => void {
  let x = 0x9e3779b9;
  return (dst) => {
    for (let i = 0; i < dst.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      dst[i] = x & 0xff;
    }
  };
}

function contexts(lib: Lib, pki: Record<string, string>, c: XsConfig): [Microtls.Context, Microtls.Context] {
  const random = benchRandom();
  const now = (): number => Date.now();
  const common = { random, now, cipherSuites: [c.suite], groups: [c.group] };
  const client = new lib.Context({ side: 'client', serverName: 'localhost', ...common });
  client.loadVerifyBuffer(pki['ca.crt']);
  const server = new lib.Context({ side: 'server', ...common });
  server.useCertificateBuffer(pki[c.cert + '-chain.crt'] ?? pki[c.cert + '.crt']);
  server.usePrivateKeyBuffer(pki[c.cert + '.key']);
  return [client, server];
}

/** Engine time per side (ms) of n full handshakes after `warmup`. */
export function handshakeTimes(lib: Lib, pki: Record<string, string>, c: XsConfig, n: number, warmup: number): { client: number[]; server: number[] } {
  const [client, server] = contexts(lib, pki, c);
  const t = engineTimes(client, server, FULL_MODE, n, warmup);
  return { client: t.client, server: t.server };
}

/**
 * One full handshake in phases, each ended by a line "PHASE name" and a
 * collection (the report build prints the heap figures right after): idle
 * (contexts made, a warm-up handshake done), handshake (its peak; both
 * connections kept), client (the server connection let go), none.
 */
export function memoryPhases(lib: Lib, pki: Record<string, string>, c: XsConfig, print: (line: string) => void, gc: () => void): void {
  const [client, server] = contexts(lib, pki, c);
  handshakeOnce(client, server, FULL_MODE, {}, timer().meter);
  print('PHASE idle');
  gc();
  const pair: { client: Connection | null; server: Connection | null } = handshakeOnce(client, server, FULL_MODE, {}, timer().meter);
  print('PHASE handshake');
  gc();
  pair.server = null;
  print('PHASE client');
  gc();
  if (!pair.client?.handshakeDone) throw new Error('handshake not done');
  pair.client = null;
  print('PHASE none');
  gc();
}
