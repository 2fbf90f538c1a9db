// The handshake mode interface (the table is in configs.ts) and the full
// handshake, with no runtime imports: this file also runs on XS.
import type tls from 'node:tls';
import type { Connection } from '../../core/engine/connection.js';
import type { ContextOptions } from '../../core/engine/types.js';
import type { Config } from './configs.js';

/** What a mode may keep between the handshakes of one endpoint (e.g. the session to resume). */
export type ModeState = Record<string, unknown>;

/**
 * A handshake mode. Hooks are optional: resumption, for example, saves
 * conn.getSession() in microAfter and offers it with setSession() in
 * microBefore (the warm-up handshakes prime it), and does the same with
 * node:tls 'session' events (nodeSocket) and the `session` option
 * (nodeBefore). Over TCP, microAfter runs once the connection is closed and
 * everything before the server's close_notify (tickets) was processed.
 */
export interface Mode {
  name: string;
  label: string;
  /** PKI name of the client certificate, when the server asks for one. */
  clientCert: string | null;
  /**
   * What the handshake does: an (EC)DHE exchange, certificate authentication,
   * a PSK (external or resumed), 0-RTT data. The crypto floor follows these,
   * and a dimension the mode does not use (the group without (EC)DHE, the
   * server certificate without certificate authentication) is not varied.
   */
  dhe: boolean;
  certificates: boolean;
  psk: boolean;
  earlyData: boolean;
  /** What negotiated().mode must say once primed (checked, so a silent fallback to a full handshake is no result). */
  negotiated: 'full' | 'psk' | 'resumed';
  /** Whether node:tls can run the mode in this configuration (else its side-by-side rows are left out). */
  node(c: Config): boolean;
  /** Whether microtls can run the mode in this configuration (default: always; TLS 1.2 has no EdDSA suites). */
  supports?(c: Config): boolean;
  /** Extra microtls context options for one side. */
  microOptions?(side: 'client' | 'server', c: Config): Partial<ContextOptions>;
  /** microtls client: before each handshake on a new connection, and after it. */
  microBefore?(conn: Connection, state: ModeState): void;
  microAfter?(conn: Connection, state: ModeState): void;
  /** node:tls: extra client (context and connection) and server options. */
  nodeClientOptions?(c: Config): tls.ConnectionOptions;
  nodeServerOptions?(c: Config): tls.TlsOptions;
  /** node:tls client: options for each new connection (e.g. the session to resume), and each new socket. */
  nodeBefore?(state: ModeState): tls.ConnectionOptions;
  nodeSocket?(socket: tls.TLSSocket, state: ModeState): void;
}

export const FULL_MODE: Mode = {
  name: 'full', label: 'full', clientCert: null, dhe: true, certificates: true, psk: false, earlyData: false, negotiated: 'full', node: () => true,
};
