// The full entry point: the engine with every feature, the noble crypto
// provider and X.509 as defaults. (Smaller profiles build a Context from
// core/engine/context.ts with the pieces they need.)
import { nobleProvider } from './crypto/noble.js';
import { Context as EngineContext } from './engine/context.js';
import type { ContextOptions } from './engine/types.js';
import { withDefaults } from './profiles/defaults.js';
import { x509Support } from './x509/support.js';

/** A Context whose crypto provider and certificate support default to noble and core/x509. */
export class Context extends EngineContext {
  constructor(options: ContextOptions) {
    super(withDefaults(options, { crypto: nobleProvider, certificates: x509Support, curveTables: true }));
  }
}

export { Connection, arenaLayout, type ErrorInfo, type ArenaLayout } from './engine/connection.js';
export type { CertificateSupport, ContextOptions, Io, Negotiated, VerifyMode } from './engine/types.js';
export { Alert, ErrorCode, Status, alertName, errorMessage, errorName } from './errors.js';
export {
  CipherSuite, NamedGroup, SignatureScheme,
  suiteName, groupName, schemeName, parseNameList,
} from './registry.js';
export type { CryptoProvider } from './crypto/types.js';
export { Loop, Task, DONE, YIELD, WAIT, type LoopHost, type LoopOptions, type StepFn } from './loop/scheduler.js';
export { wakeOnReady, type Transport } from './loop/transport.js';
export { nobleProvider, x509Support };
