// The public API of the engine.
export { Context } from './engine/context.js';
export { Connection, arenaLayout, type ErrorInfo, type ArenaLayout } from './engine/connection.js';
export type { ContextOptions, Io, Negotiated, VerifyMode } from './engine/types.js';
export { Alert, ErrorCode, Status, alertName, errorMessage, errorName } from './errors.js';
export {
  CipherSuite, NamedGroup, SignatureScheme,
  suiteName, groupName, schemeName, parseNameList,
} from './registry.js';
export type { CryptoProvider } from './crypto/types.js';
export { nobleProvider } from './crypto/noble.js';
