// The scenarios both engines run through tcp-sim.ts, and the driver that
// runs them all (no imports: bundles arrive as arguments).
import type * as Microtls from '../../core/index.js';
import { runScenario, type Bundle, type Scenario } from './tcp-sim.js';

const long = (n: number): string => {
  let s = '';
  for (let i = 0; s.length < n; i++) s += 'line ' + i + ' of a long message\n';
  return s.slice(0, n);
};

export function scenarios(ecdhe: Bundle, psk: Bundle): Scenario[] {
  const key = { identity: new Uint8Array([100, 101, 118, 49]), key: new Uint8Array(32).fill(7) };
  const base = { client: ecdhe, clientOptions: { serverName: 'localhost' }, serverOptions: {}, certificates: true, message: 'hello from XS', lwip: false, closeWithoutNotify: false };
  return [
    { ...base, name: 'client-ecdhe, host socket' },
    { ...base, name: 'client-ecdhe, lwip socket', lwip: true },
    { ...base, name: 'client-ecdhe, 5000-byte message through 1536-byte windows', message: long(5000) },
    { ...base, name: 'client-ecdhe, server drops the connection after answering', closeWithoutNotify: true },
    {
      ...base,
      name: 'client-psk, psk_dhe_ke',
      client: psk,
      certificates: false,
      clientOptions: { pskClient: () => key },
      serverOptions: { pskServer: () => key, pskModes: ['psk_dhe_ke', 'psk_ke'], cipherSuites: [0x1304, 0x1301] },
    },
  ];
}

/** Runs every scenario; one line per event, "DONE" at the end. */
export function runScenarios(server: typeof Microtls, ecdhe: Bundle, psk: Bundle, pki: Record<string, string>, now: number, out: (line: string) => void): void {
  for (const sc of scenarios(ecdhe, psk)) {
    for (const event of runScenario(server, pki, sc, now)) out(sc.name + ': ' + event);
  }
  out('DONE');
}
