// What the benches vary: cipher suite, group, server certificate, handshake
// mode and crypto provider, each a table. Adding a mode (resumption, PSK,
// 0-RTT) or a provider is one entry here; the benches pick entries up from
// these tables.
import { constants } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import type tls from 'node:tls';
import type { Connection } from '../../core/engine/connection.js';
import type { ContextOptions, ExternalPsk } from '../../core/engine/types.js';
import { CipherSuite, NamedGroup, nobleProvider, type Context, type CryptoProvider } from '../../core/index.js';
import { typedCurvesProvider } from '../../core/crypto/noble.js';
import { TLS12 } from '../../core/registry.js';
import { microContext } from '../../test/helpers/microtls.js';
import { OPENSSL_GROUP, pki } from '../../test/helpers/peers.js';
import { FULL_MODE, type Mode, type ModeState } from './mode.js';

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

const PSK_IDENTITY = 'microtls-bench';
const PSK_KEY = Buffer.alloc(32, 0x5a);
/** The external PSK, bound to the suite's hash (node:tls's PSK callbacks only do SHA-256). */
const externalPsk = (c: Config): ExternalPsk => c.suite === 'TLS_AES_256_GCM_SHA384'
  ? { identity: Buffer.from(PSK_IDENTITY), key: Buffer.alloc(48, 0x5a), hash: 'sha384' }
  : { identity: Buffer.from(PSK_IDENTITY), key: PSK_KEY };
/** 0-RTT data the client sends with its ClientHello. */
const EARLY = new Uint8Array(64).fill(0x65);

/** Resumption with the newest ticket (each handshake brings new ones: 0-RTT tickets are single-use). */
const resume = {
  microBefore(conn: Connection, state: ModeState): void {
    if (state.session) conn.setSession(state.session as Uint8Array);
  },
  microAfter(conn: Connection, state: ModeState): void {
    state.session = conn.getSession() ?? state.session;
  },
  nodeBefore: (state: ModeState): tls.ConnectionOptions => (state.session ? { session: state.session as Buffer } : {}),
  nodeSocket(socket: tls.TLSSocket, state: ModeState): void {
    socket.on('session', (session: Buffer) => (state.session = session));
  },
};

/** The TLS 1.2 suite with a configuration's AEAD and certificate (ECDHE_ECDSA_* or ECDHE_RSA_*): our code and OpenSSL's name. */
function tls12SuiteOf(c: Config): { code: number; openssl: string } {
  const kx = c.cert === 'rsa-2048' ? 'RSA' : 'ECDSA';
  const aead = {
    TLS_AES_128_GCM_SHA256: ['AES_128_GCM_SHA256', 'AES128-GCM-SHA256'],
    TLS_AES_256_GCM_SHA384: ['AES_256_GCM_SHA384', 'AES256-GCM-SHA384'],
    TLS_CHACHA20_POLY1305_SHA256: ['CHACHA20_POLY1305_SHA256', 'CHACHA20-POLY1305'],
  }[c.suite];
  return { code: CipherSuite[('TLS_ECDHE_' + kx + '_WITH_' + aead[0]) as keyof typeof CipherSuite], openssl: 'ECDHE-' + kx + '-' + aead[1] };
}

/** TLS 1.2 only on both sides, the configuration's suite in its TLS 1.2 form. */
const tls12 = {
  supports: (c: Config) => c.cert !== 'ed25519',
  // (supported_groups also names the curve of the ECDSA certificate the client verifies, RFC 8422 5.1.)
  microOptions: (_side: 'client' | 'server', c: Config): Partial<ContextOptions> => ({
    minVersion: TLS12, maxVersion: TLS12, cipherSuites: [tls12SuiteOf(c).code], groups: tls12Groups(c).map((g) => NamedGroup[g]),
  }),
  nodeClientOptions: (c: Config): tls.ConnectionOptions => nodeTls12(c),
  nodeServerOptions: (c: Config): tls.TlsOptions => nodeTls12(c),
};

/** The configuration's group, then secp256r1 (the curve of the ECDSA certificate). */
function tls12Groups(c: Config): GroupName[] {
  return c.group === 'secp256r1' ? ['secp256r1'] : [c.group, 'secp256r1'];
}

function nodeTls12(c: Config): tls.SecureContextOptions {
  return { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: tls12SuiteOf(c).openssl, ecdhCurve: tls12Groups(c).map((g) => OPENSSL_GROUP[g]).join(':') };
}

export const MODES: Mode[] = [
  FULL_MODE,
  { name: 'client-cert', label: 'full + client cert', clientCert: 'client-ecdsa', dhe: true, certificates: true, psk: false, earlyData: false, negotiated: 'full', node: () => true },
  { name: 'resumption', label: 'resumption psk_dhe_ke', clientCert: null, dhe: true, certificates: false, psk: true, earlyData: false, negotiated: 'resumed', node: () => true, ...resume },
  {
    name: 'psk', label: 'external PSK psk_ke', clientCert: null, dhe: false, certificates: false, psk: true, earlyData: false, negotiated: 'psk',
    node: (c) => c.suite !== 'TLS_AES_256_GCM_SHA384',
    microOptions: (side, c) => (side === 'client'
      ? { pskClient: () => externalPsk(c), pskModes: ['psk_ke'] }
      : { pskServer: (id) => (Buffer.from(id).toString() === PSK_IDENTITY ? externalPsk(c) : null), pskModes: ['psk_ke'] }),
    nodeClientOptions: () => ({ pskCallback: () => ({ identity: PSK_IDENTITY, psk: PSK_KEY }), secureOptions: constants.SSL_OP_ALLOW_NO_DHE_KEX }),
    nodeServerOptions: () => ({ pskCallback: (_socket, id) => (id === PSK_IDENTITY ? PSK_KEY : null), secureOptions: constants.SSL_OP_ALLOW_NO_DHE_KEX }),
  },
  {
    name: '0-rtt', label: '0-RTT (resumption + 64 B early data)', clientCert: null, dhe: true, certificates: false, psk: true, earlyData: true, negotiated: 'resumed',
    node: () => false, // node:tls has no early data API
    microOptions: (side) => (side === 'server' ? { maxEarlyData: 16384 } : {}),
    microBefore(conn, state) {
      resume.microBefore(conn, state);
      if (state.session) conn.writeEarlyData(EARLY);
    },
    microAfter: resume.microAfter,
  },
  { name: 'tls12', label: 'TLS 1.2 full', clientCert: null, dhe: true, certificates: true, psk: false, earlyData: false, negotiated: 'full', node: () => true, ...tls12 },
  {
    name: 'tls12-resumption', label: 'TLS 1.2 resumption (ticket)', clientCert: null, dhe: false, certificates: false, psk: true, earlyData: false,
    negotiated: 'resumed', node: () => true, ...tls12, ...resume,
  },
];

export interface Provider {
  name: string;
  /** The provider, or null when this build does not have it. */
  load(): Promise<CryptoProvider | null>;
  /** Its record path (AEADs) is another provider's: left out of the record and throughput benches. */
  recordsAs?: string;
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
  // The full profile's default: X25519 and P-256 on typed arrays, the rest (AEADs included) noble's.
  { name: 'typed-curves', load: async () => typedCurvesProvider, recordsAs: 'noble' },
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

export type { Mode, ModeState };

export interface Config {
  suite: SuiteName;
  group: GroupName;
  cert: CertName;
  mode: string;
}

export const DEFAULT_CONFIG: Config = { suite: 'TLS_AES_128_GCM_SHA256', group: 'x25519', cert: 'ecdsa-p256', mode: 'full' };

/** The dimensions in which configuration c differs from `from`. */
export function changed(c: Config, from: Config): (keyof Config)[] {
  return (['suite', 'group', 'cert', 'mode'] as const).filter((k) => c[k] !== from[k]);
}

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
  /** Only the first configuration (the first of each list) and those differing from it in one dimension, instead of every combination. */
  star: boolean;
}

/**
 * The configurations to measure: every combination of the selection, or its
 * star around the first one. A mode without (EC)DHE or certificates is
 * measured with the first selected group or certificate only.
 */
export function configurations(sel: Selection): Config[] {
  const center: Config = { suite: sel.suites[0], group: sel.groups[0], cert: sel.certs[0], mode: sel.modes[0] };
  const out: Config[] = [];
  for (const suite of sel.suites) {
    for (const group of sel.groups) {
      for (const cert of sel.certs) {
        for (const mode of sel.modes) {
          const m = modeOf(mode);
          if ((!m.dhe && group !== sel.groups[0]) || (!m.certificates && cert !== sel.certs[0])) continue;
          const c: Config = { suite, group, cert, mode };
          if (m.supports && !m.supports(c)) continue;
          if (!sel.star || changed(c, center).length <= 1) out.push(c);
        }
      }
    }
  }
  return out;
}

/** A microtls context for one side of a configuration, with extra options (e.g. maxFragmentLength). */
export function microContextFor(side: 'client' | 'server', c: Config, crypto: CryptoProvider, extra: Partial<ContextOptions> = {}): Context {
  const mode = modeOf(c.mode);
  const common = { crypto, cipherSuites: [CipherSuite[c.suite]], groups: [NamedGroup[c.group]], ...mode.microOptions?.(side, c), ...extra };
  return side === 'client'
    ? microContext('client', { serverName: 'localhost', cert: mode.clientCert ?? undefined, ...common })
    : microContext('server', { cert: CERTS[c.cert].pki, verify: mode.clientCert ? 'require' : 'none', ...common });
}

/** node:tls options shared by both sides: TLS 1.3 only, the suite and group, the same trust anchor. */
function nodeBase(c: Config): tls.SecureContextOptions {
  return { minVersion: 'TLSv1.3', ciphers: c.suite, ecdhCurve: OPENSSL_GROUP[c.group], ca: readFileSync(pki('ca.crt')) };
}

/** node:tls client options (context and connection) for a configuration. */
export function nodeClientOptions(c: Config): tls.ConnectionOptions {
  const mode = modeOf(c.mode);
  const own = mode.clientCert ? { cert: readFileSync(pki(mode.clientCert + '.crt')), key: readFileSync(pki(mode.clientCert + '.key')) } : {};
  return { ...nodeBase(c), servername: 'localhost', ...own, ...mode.nodeClientOptions?.(c) };
}

/** node:tls server options for a configuration: the same certificate files as microtls. */
export function nodeServerOptions(c: Config): tls.TlsOptions {
  const mode = modeOf(c.mode);
  const name = CERTS[c.cert].pki;
  const chain = existsSync(pki(name + '-chain.crt')) ? name + '-chain.crt' : name + '.crt';
  return {
    ...nodeBase(c), cert: readFileSync(pki(chain)), key: readFileSync(pki(name + '.key')),
    requestCert: mode.clientCert !== null, rejectUnauthorized: true,
    ...mode.nodeServerOptions?.(c),
  };
}
