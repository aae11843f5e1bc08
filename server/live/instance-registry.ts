import type { Redis } from 'ioredis';

/**
 * Which server instances of a fleet are alive: each keeps a key in Redis with an expiry it refreshes.
 * An instance that died without stopping (SIGKILL, lost machine) lets its key lapse, and the others
 * take its devices offline. Redis being unreachable is not news about any instance: `alive` throws then.
 */
export class InstanceRegistry {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly fleetId: string,
    private readonly instance: string,
    private readonly intervalMs: number,
  ) {}

  /** How long a key lives without a refresh: three beats. */
  get ttlMs(): number {
    return this.intervalMs * 3;
  }

  private key(id: string): string {
    return `smartos:${this.fleetId}:instance:${id}`;
  }

  /** Refreshes this instance's key now (also after Redis comes back empty). Failures wait for the next beat. */
  beat(): void {
    this.redis.set(this.key(this.instance), String(Date.now()), 'PX', this.ttlMs).catch(() => {});
  }

  start(): void {
    this.beat();
    this.timer = setInterval(() => this.beat(), this.intervalMs);
    this.timer.unref();
  }

  /** The instances among `ids` whose key is there; throws when Redis cannot say (that is "unknown", not "dead"). */
  async alive(ids: readonly string[]): Promise<Set<string>> {
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.exists(this.key(id));
    const results = await pipeline.exec();
    if (!results) throw new Error('redis gave no answer');
    const failed = results.find(([err]) => err);
    if (failed?.[0]) throw failed[0];
    return new Set(ids.filter((_, i) => results[i]?.[1] === 1));
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.redis.del(this.key(this.instance)).catch(() => {});
  }
}
