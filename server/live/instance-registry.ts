import type { Redis } from 'ioredis';

/**
 * Which server instances of a fleet are alive: each keeps a key in Redis with an expiry it refreshes.
 * An instance that died without stopping (SIGKILL, lost machine) lets its key lapse, and the others
 * take its devices offline.
 */
export class InstanceRegistry {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly fleetId: string,
    private readonly instance: string,
    private readonly intervalMs: number,
  ) {}

  private key(id: string): string {
    return `smartos:${this.fleetId}:instance:${id}`;
  }

  async start(): Promise<void> {
    const beat = () => this.redis.set(this.key(this.instance), String(Date.now()), 'PX', this.intervalMs * 3);
    await beat();
    this.timer = setInterval(() => void beat().catch(() => {}), this.intervalMs);
    this.timer.unref();
  }

  /** The instances among `ids` whose key is still there. */
  async alive(ids: readonly string[]): Promise<Set<string>> {
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.exists(this.key(id));
    const results = (await pipeline.exec()) ?? [];
    return new Set(ids.filter((_, i) => results[i]?.[1] === 1));
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.redis.del(this.key(this.instance)).catch(() => {});
  }
}
