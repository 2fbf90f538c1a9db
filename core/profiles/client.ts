// The Context of client-only builds (the client profiles, the Espruino
// port): the engine's Context with the client side alone, so a bundle built
// from it holds no server machine, ticket sealing or replay guard. A
// server-side Context is refused with BAD_CONFIG. Without the certificate
// side of the handshake (certs null, the default) it is PSK only.
import type { ContextOptions } from '../config.js';
import { ClientConnection, clientConnections } from '../engine/client-connection.js';
import { Context } from '../engine/context.js';
import type { ClientCertificates } from '../handshake/client-certificates.js';

export class ClientContext extends Context<ClientConnection> {
  constructor(options: ContextOptions, certs: ClientCertificates | null = null) {
    super(options, { client: clientConnections(certs), server: null });
  }
}
