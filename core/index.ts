// The full entry point: the engine with every feature and both sides, the
// noble crypto provider and X.509 as defaults. (The client profiles build a
// client-only Context with the pieces they need.)
import type { ContextOptions } from './config.js';
import { nobleProvider } from './crypto/noble.js';
import { ClientConnection, clientConnections } from './engine/client-connection.js';
import type { Connection } from './engine/connection.js';
import { Context as EngineContext } from './engine/context.js';
import { ServerConnection, serverConnections } from './engine/server-connection.js';
import { withDefaults } from './profiles/defaults.js';
import { x509Support } from './x509/support.js';

export type Side = 'client' | 'server';

/** The class newConnection() answers: ClientConnection or ServerConnection, Connection when the side is not known when compiling. */
export type ConnectionFor<S extends Side> = [S] extends ['client'] ? ClientConnection : [S] extends ['server'] ? ServerConnection : Connection;

/**
 * A Context for either side whose crypto provider and certificate support
 * default to noble and core/x509; `new Context({ side: 'client', ... })
 * .newConnection()` is a ClientConnection.
 */
export class Context<S extends Side = Side> extends EngineContext<ConnectionFor<S>> {
  constructor(options: ContextOptions & { side: S }) {
    super(withDefaults(options, { crypto: nobleProvider, certificates: x509Support }), { client: clientConnections, server: serverConnections });
  }
}

export { Connection, type ErrorInfo, type ArenaLayout } from './engine/connection.js';
export { ClientConnection, ServerConnection };
export type { CertificateSupport, ContextOptions, Io, Negotiated, VerifyMode } from './config.js';
export { Alert, ErrorCode, Status, alertName, errorMessage, errorName } from './errors.js';
export {
  CipherSuite, NamedGroup, SignatureScheme,
  suiteName, groupName, schemeName, parseNameList,
} from './registry.js';
export type { CryptoProvider } from './crypto/types.js';
export { Loop, Task, DONE, YIELD, WAIT, type LoopHost, type LoopOptions, type StepFn } from './loop/scheduler.js';
export { wakeOnReady, type Transport } from './loop/transport.js';
export { nobleProvider, x509Support };
