// What the benches vary: cipher suite, group, server certificate, handshake
// mode and crypto provider, each a table. Adding a mode (resumption, PSK,
// 0-RTT) or a provider is one entry here; the benches pick entries up from
// these tables.
import { readFileSync, existsSync } from 'node:fs';
import type tls from 'node:tls';
import type { Connection } from '../../core/engine/connection.js';
import type { ContextOptions } from '../../core/engine/types.js';
import { CipherSuite, NamedGroup, nobleProvider, type Context, type CryptoProvider } from '../../core/index.js';
import { microContext } from '../../test/helpers/microtls.js';
import { OPENSSL_GROUP, pki } from '../../test/helpers/peers.js';

export const SUITES = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'] as const;
export type SuiteName = (typeof SUITES)[number];
export const SUITE_LABEL: Record<SuiteName, string> = {
  TLS_AES_128_GCM_SHA256: 'AES-128-GCM',
  TLS_AES_256_GCM_SHA384: 'AES-256-GCM',
  TLS_CHACHA20_POLY1305_SHA256: 'ChaCha20-Poly1305',
};

export const GROUPS = ['x25519', 'secp256r1', 'secp384r1'] as const;
export type GroupName = (typeof GROUPS)[number];

/** Server certificates: the test PKI's base name (NAME-chain.crt when it has an intermediate, NAME.key). */
export const CERTS = {
  'ecdsa-p256': { pki: 'server-ecdsa', label: 'ECDSA P-256' },
  'rsa-2048': { pki: 'server-rsa', label: 'RSA-2048' },
  ed25519: { pki: 'server-ed25519', label: 'Ed25519' },
} as const;
export type CertName = keyof typeof CERTS;

/** What a mode may keep between the handshakes of one endpoint (e.g. the session to resume). */
export type ModeState = Record<string, unknown>;

/**
 * A handshake mode. Hooks are optional: a resumption mode, for example,
 * saves conn.getSession() in microAfter and offers it with setSession() in
 * microBefore (the warm-up handshakes prime it), and does the same with the
 * 'session' event and the `session` option for node:tls.
 */
export interface Mode {
  name: string;
  label: string;
  /** PKI name of the client certificate, when the server asks for one. */
  clientCert: string | null;
  /** False when this build of the engine lacks what the mode needs: it is then left out. */
  available(): boolean;
  /** False when node:tls cannot run the mode (its side-by-side rows are then left out). */
  node: boolean;
  /** Extra microtls context options for one side. */
  microOptions?(side: 'client' | 'server'): Partial<ContextOptions>;
  /** microtls client: before each handshake on a new connection, and after it completed. */
  microBefore?(conn: Connection, state: ModeState): void;
  microAfter?(conn: Connection, state: ModeState): void;
  /** node:tls: extra options for one side, and the client socket after each handshake. */
  nodeOptions?(side: 'client' | 'server', state: ModeState): tls.ConnectionOptions & tls.TlsOptions;
  nodeAfter?(socket: tls.TLSSocket, state: ModeState): void;
}

export const MODES: Mode[] = [
  { name: 'full', label: 'full', clientCert: null, available: () => true, node: true },
  { name: 'client-cert', label: 'full + client cert', clientCert: 'client-ecdsa', available: () => true, node: true },
];

export interface Provider {
  name: string;
  /** The provider, or null when this build does not have it. */
  load(): Promise<CryptoProvider | null>;
}

/** A module export that may not exist in this build (a port still being written). */
async function optionalExport(spec: string, name: string): Promise<CryptoProvider | null> {
  const url = new URL(spec, import.meta.url);
  if (!existsSync(url)) return null;
  const m = (await import(url.href)) as Record<string, CryptoProvider | undefined>;
  return m[name] ?? null;
}

export const PROVIDERS: Provider[] = [
  { name: 'noble', load: async () => nobleProvider },
  { name: 'node-crypto', load: () => optionalExport('../../ports/node/node-crypto.js', 'nodeCryptoProvider') },
];

/** The providers of this build, by name. */
export async function loadProviders(names?: string[]): Promise<Map<string, CryptoProvider>> {
  const out = new Map<string, CryptoProvider>();
  for (const p of PROVIDERS) {
    if (names && !names.includes(p.name)) continue;
    const provider = await p.load();
    if (provider) out.set(p.name, provider);
  }
  return out;
}

export interface Config {
  suite: SuiteName;
  group: GroupName;
  cert: CertName;
  mode: string;
}

export const DEFAULT_CONFIG: Config = { suite: 'TLS_AES_128_GCM_SHA256', group: 'x25519', cert: 'ecdsa-p256', mode: 'full' };

export function modeOf(name: string): Mode {
  const m = MODES.find((x) => x.name === name);
  if (!m) throw new Error('unknown mode ' + name);
  return m;
}

export const configLabel = (c: Config): string =>
  `${SUITE_LABEL[c.suite]} ${c.group} ${CERTS[c.cert].label} ${modeOf(c.mode).label}`;

export interface Selection {
  suites: readonly SuiteName[];
  groups: readonly GroupName[];
  certs: readonly CertName[];
  modes: readonly string[];
  /** Only the default configuration and those differing from it in one dimension (instead of every combination). */
  star: boolean;
}

/** The configurations to measure: every combination of the selection, or its star around the default. */
export function configurations(sel: Selection): Config[] {
  const modes = sel.modes.filter((m) => modeOf(m).available());
  const out: Config[] = [];
  for (const suite of sel.suites) {
    for (const group of sel.groups) {
      for (const cert of sel.certs) {
        for (const mode of modes) {
          const c: Config = { suite, group, cert, mode };
          const differs = (['suite', 'group', 'cert', 'mode'] as const).filter((k) => c[k] !== DEFAULT_CONFIG[k]).length;
          if (!sel.star || differs <= 1) out.push(c);
        }
      }
    }
  }
  return out;
}

/** A microtls context for one side of a configuration, with extra options (e.g. maxFragmentLength). */
export function microContextFor(side: 'client' | 'server', c: Config, crypto: CryptoProvider, extra: Partial<ContextOptions> = {}): Context {
  const mode = modeOf(c.mode);
  const common = { crypto, cipherSuites: [CipherSuite[c.suite]], groups: [NamedGroup[c.group]], ...mode.microOptions?.(side), ...extra };
  return side === 'client'
    ? microContext('client', { serverName: 'localhost', cert: mode.clientCert ?? undefined, ...common })
    : microContext('server', { cert: CERTS[c.cert].pki, verify: mode.clientCert ? 'require' : 'none', ...common });
}

/** node:tls options for one side of a configuration (TLS 1.3 only, the same PKI files). */
export function nodeOptionsFor(side: 'client' | 'server', c: Config, state: ModeState): tls.ConnectionOptions & tls.TlsOptions {
  const mode = modeOf(c.mode);
  const read = (name: string): Buffer => readFileSync(pki(name));
  const base = {
    minVersion: 'TLSv1.3' as const,
    ciphers: c.suite,
    ecdhCurve: OPENSSL_GROUP[c.group],
    ca: read('ca.crt'),
  };
  if (side === 'client') {
    const own = mode.clientCert ? { cert: read(mode.clientCert + '.crt'), key: read(mode.clientCert + '.key') } : {};
    return { ...base, servername: 'localhost', ...own, ...mode.nodeOptions?.(side, state) };
  }
  const name = CERTS[c.cert].pki;
  const chain = existsSync(pki(name + '-chain.crt')) ? name + '-chain.crt' : name + '.crt';
  return {
    ...base, cert: read(chain), key: read(name + '.key'),
    requestCert: mode.clientCert !== null, rejectUnauthorized: true,
    ...mode.nodeOptions?.(side, state),
  };
}
