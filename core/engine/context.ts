// Context: configuration shared by many connections (like SSL_CTX).
// SKELETON: the signatures are the contract; bodies are being written.
import { Connection } from './connection.js';
import type { ContextOptions, Io } from './types.js';

export class Context {
  constructor(readonly options: ContextOptions) {}
  /** Adds trust anchors (one or more PEM certificates, or one DER certificate). */
  loadVerifyBuffer(_data: Uint8Array | string): void { throw new Error('todo'); }
  /** Sets our certificate chain (PEM with one or more certificates leaf first, or one DER). */
  useCertificateBuffer(_data: Uint8Array | string): void { throw new Error('todo'); }
  /** Sets our private key (PEM or DER: PKCS#8, SEC1 EC, PKCS#1 RSA). */
  usePrivateKeyBuffer(_data: Uint8Array | string): void { throw new Error('todo'); }
  /** A new connection; with `io` it drives the transport itself, without it use receive()/takeOutput(). */
  newConnection(io?: Io): Connection { return new Connection(this, io ?? null); }
}
