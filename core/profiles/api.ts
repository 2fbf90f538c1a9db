// What every client profile exports besides its Context: connections, status and
// error codes, protocol code tables (the same names as core/index.ts).
export { Connection, type ErrorInfo, type ArenaLayout } from '../engine/connection.js';
export { ClientConnection } from '../engine/client-connection.js';
export type {
  CertificateSupport, ContextOptions, ExternalPsk, Io, Negotiated, PskMode, VerifyMode,
} from '../engine/types.js';
export { Alert, ErrorCode, Status, alertName, errorMessage, errorName } from '../errors.js';
export {
  CipherSuite, NamedGroup, SignatureScheme, Version,
  suiteName, groupName, schemeName, parseNameList,
} from '../registry.js';
export type { CryptoProvider } from '../crypto/types.js';
