/** What the heartbeat needs of a socket: whether it showed life since its last ping, and its slice. */
export interface Beating {
  alive: boolean;
  /** Set by the heartbeat; -1 when not in it. */
  slice: number;
}

/** The heartbeat visits one slice of the sockets at a time, so pings never come in one burst. */
const SLICES = 32;

/**
 * Pings every socket once per interval, a slice at a time; one that showed no life (a frame or a pong) since
 * its previous ping is dropped. Used where the sockets are held: the device server, or each gateway.
 */
export class Heartbeat<T extends Beating> {
  private readonly slices = Array.from({ length: SLICES }, () => new Set<T>());
  private next = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly ping: (socket: T) => void,
    private readonly dead: (socket: T) => void,
  ) {}

  add(socket: T): void {
    socket.slice = this.next;
    this.next = (this.next + 1) % SLICES;
    this.slices[socket.slice]?.add(socket);
  }

  delete(socket: T): void {
    this.slices[socket.slice]?.delete(socket);
  }

  start(intervalMs: number): void {
    let slice = 0;
    this.timer = setInterval(() => {
      for (const socket of this.slices[slice] as Set<T>) {
        if (!socket.alive) {
          this.dead(socket);
          continue;
        }
        socket.alive = false;
        this.ping(socket);
      }
      slice = (slice + 1) % SLICES;
    }, intervalMs / SLICES);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
