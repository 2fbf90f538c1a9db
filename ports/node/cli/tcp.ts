// TCP plumbing shared by the commands: a listening server, an outgoing
// connection, and accepted sockets handed out one at a time.
import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';

export function listen(host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

export function connectTcp(address: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = tcpConnect({ host: address, port });
    s.once('error', reject);
    s.once('connect', () => {
      s.off('error', reject);
      resolve(s);
    });
  });
}

/** Sockets accepted by a server, handed out one at a time (the seed server serves one client at a time). */
export function acceptQueue(server: Server): () => Promise<Socket> {
  const waiting: Socket[] = [];
  let wake: (() => void) | null = null;
  server.on('connection', (s: Socket) => {
    s.on('error', () => undefined); // a waiting client may reset; SocketIo sees the close
    waiting.push(s);
    if (wake) wake();
  });
  return async () => {
    while (waiting.length === 0) await new Promise<void>((r) => (wake = r));
    wake = null;
    return waiting.shift() as Socket;
  };
}
