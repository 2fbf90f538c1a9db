// The configuration types, where ports and tests have always imported them
// from (they live in core/config.ts, below the engine).
export type {
  CertificateSupport, ContextLike, ContextOptions, Credentials, ExternalPsk, Io, Negotiated, PskMode,
  Settings, TicketKey, VerifyMode,
} from '../config.js';
