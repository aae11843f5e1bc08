import type { Db } from '../storage/database.ts';

/**
 * A lease one instance holds at a time, in the database (both providers): `acquire` takes it when it is free,
 * expired or already ours, and renews it; `holds` inside a transaction fences writes (a paused instance whose
 * lease another took writes nothing).
 */
export class Lease {
  constructor(
    private readonly db: Db,
    readonly name: string,
    private readonly instance: string,
    readonly ttlMs: number,
  ) {}

  /** Takes or renews the lease; true while this instance holds it. */
  async acquire(now = Date.now()): Promise<boolean> {
    const until = new Date(now + this.ttlMs);
    const renewed = await this.db.lease.updateMany({
      where: { name: this.name, OR: [{ owner: this.instance }, { until: { lt: new Date(now) } }] },
      data: { owner: this.instance, until },
    });
    if (renewed.count === 1) return true;
    try {
      await this.db.lease.create({ data: { name: this.name, owner: this.instance, until } });
      return true;
    } catch {
      return false; // another instance holds it (or just took it)
    }
  }

  async release(): Promise<void> {
    await this.db.lease.deleteMany({ where: { name: this.name, owner: this.instance } }).catch(() => {});
  }
}
