// The parent side of endpoint.ts: forks endpoint processes and sends them
// commands. Every command is bounded in time; a process that overruns is
// killed so a bench (or its test) never hangs.
import { fork, type ChildProcess } from 'node:child_process';
import type { ClientSample, EndpointSpec, ServerSample } from './endpoint.js';

export class Endpoint {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private exited = false;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (m: { id: number; result?: unknown; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.error !== undefined) p.reject(new Error('endpoint: ' + m.error));
      else p.resolve(m.result);
    });
    child.on('exit', (code, signal) => {
      this.exited = true;
      for (const p of this.pending.values()) p.reject(new Error(`endpoint process exited (${code ?? signal})`));
      this.pending.clear();
    });
  }

  static start(): Endpoint {
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT; // under node --test, the child is no test file
    return new Endpoint(fork(new URL('./endpoint.js', import.meta.url), [], { execArgv: [], env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  }

  private call<T>(msg: Record<string, unknown>, timeoutMs: number): Promise<T> {
    if (this.exited) return Promise.reject(new Error('endpoint process has exited'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.child.kill('SIGKILL');
        reject(new Error(`endpoint command ${String(msg.cmd)} took over ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.child.send({ id, ...msg });
    });
  }

  listen(spec: EndpointSpec): Promise<number> {
    return this.call({ cmd: 'listen', spec }, 30_000);
  }

  /** The server's samples since the last call, and any connection errors it saw. */
  samples(port: number): Promise<{ samples: ServerSample[]; errors: string[] }> {
    return this.call({ cmd: 'samples', port }, 10_000);
  }

  unlisten(port: number): Promise<void> {
    return this.call({ cmd: 'unlisten', port }, 10_000);
  }

  /** Client: drops what it kept for the server on this port (contexts, sessions): the port may be reused by another server. */
  forget(port: number): Promise<void> {
    return this.call({ cmd: 'forget', port }, 10_000);
  }

  handshakes(spec: EndpointSpec, port: number, n: number): Promise<ClientSample[]> {
    return this.call({ cmd: 'handshakes', spec, port, n }, 30_000 + n * 2_000);
  }

  roundTrips(spec: EndpointSpec, port: number, size: number, count: number, warmup: number): Promise<number[]> {
    return this.call({ cmd: 'roundTrips', spec, port, size, count, warmup }, 30_000 + (count + warmup) * 500);
  }

  stop(): void {
    if (!this.exited) this.child.disconnect();
  }
}
