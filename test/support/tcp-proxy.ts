import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy the test controls, in front of a service it must not touch (the machine's PostgreSQL or
 * Redis): `cut()` resets every connection (a crash or a cable pulled), `hold()` stops forwarding bytes
 * but keeps the connections (a partition: packets vanish, nothing is reset), `restore()` ends either.
 */
export class TcpProxy {
  private readonly pairs = new Set<[Socket, Socket]>();
  private held = false;
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
        const forward = (from: Socket, to: Socket) =>
          from.on('data', (chunk) => {
            if (!proxy.held) to.write(chunk);
          });
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
  }

  /** Bytes stop flowing both ways (dropped), connections stay open; new ones connect but hear nothing. */
  hold(): void {
    this.held = true;
  }

  restore(): void {
    this.held = false;
    this.refusing = false;
  }

  close(): Promise<void> {
    this.cut();
    return new Promise((r) => this.server.close(() => r()));
  }
}
