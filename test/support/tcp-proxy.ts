import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy the test controls, in front of a service it must not touch (the machine's PostgreSQL or
 * Redis): `cut()` resets every connection (a crash or a cable pulled), `hold()` stops moving bytes but
 * keeps the connections (a partition: nothing arrives, nothing is reset; like TCP, what was sent arrives
 * once it heals), `restore()` ends either.
 */
export class TcpProxy {
  private readonly pairs = new Set<[Socket, Socket]>();
  private held = false;
  /** What each direction kept while held, sent on restore. */
  private readonly flushers = new Set<() => void>();
  private refusing = false;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static start(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
    return new Promise((resolve) => {
      let proxy: TcpProxy;
      const server = createServer((client) => {
        if (proxy.refusing) {
          client.destroy();
          return;
        }
        const upstream = connect(targetPort, targetHost);
        const pair: [Socket, Socket] = [client, upstream];
        proxy.pairs.add(pair);
        const forward = (from: Socket, to: Socket) => {
          const queue: Buffer[] = [];
          proxy.flushers.add(() => {
            for (const chunk of queue.splice(0)) to.write(chunk);
          });
          from.on('data', (chunk: Buffer) => {
            if (proxy.held) queue.push(chunk);
            else to.write(chunk);
          });
        };
        forward(client, upstream);
        forward(upstream, client);
        const end = () => {
          proxy.pairs.delete(pair);
          client.destroy();
          upstream.destroy();
        };
        client.on('error', end).on('close', end);
        upstream.on('error', end).on('close', end);
      });
      server.listen(0, '127.0.0.1', () => {
        proxy = new TcpProxy(server, (server.address() as { port: number }).port);
        resolve(proxy);
      });
    });
  }

  /** Resets every connection; new ones are refused until restore(). */
  cut(): void {
    this.refusing = true;
    for (const [a, b] of this.pairs) {
      a.resetAndDestroy();
      b.resetAndDestroy();
    }
    this.pairs.clear();
    this.flushers.clear();
  }

  /** Bytes stop flowing both ways (kept, not dropped), connections stay open; new ones connect but hear nothing. */
  hold(): void {
    this.held = true;
  }

  restore(): void {
    this.held = false;
    this.refusing = false;
    for (const flush of this.flushers) flush();
  }

  close(): Promise<void> {
    this.cut();
    return new Promise((r) => this.server.close(() => r()));
  }
}
