// The Context of the PSK-only client builds (client-psk, the Espruino port):
// the engine's Context with the client side alone and no certificates, so a
// bundle built from it holds no server machine, ticket sealing, replay guard
// or X.509 code. A server-side Context is refused with BAD_CONFIG.
import type { ContextOptions } from '../config.js';
import { ClientConnection, clientConnections } from '../engine/client-connection.js';
import { Context } from '../engine/context.js';

export class ClientContext extends Context<ClientConnection> {
  constructor(options: ContextOptions) {
    super(options, { client: clientConnections(null), server: null });
  }
}
