import type { ParameterKind } from '../state/fleet.ts';
import { historyColumns, type NewDevice, type NewParameter, planBatch, type WriteItem } from './batch.ts';
import type { Dialect } from './dialect.ts';
import { type CompactionOptions, DEFAULT_COMPACTION, DEFAULT_RETENTION, Maintenance, type Retention } from './maintenance.ts';

interface CachedParam {
  id: number;
  kind: string | null;
}

/**
 * Writes group commits through a dialect. Keeps serial → id and name → id in memory so a batch of
 * known devices costs only the bulk writes; ids learnt in a batch that rolls back are forgotten.
 */
export class BatchWriter {
  private readonly deviceIds = new Map<string, number>();
  private readonly params = new Map<string, CachedParam>();
  private readonly maintenance: Maintenance;

  constructor(
    private readonly dialect: Dialect,
    private readonly instance: string,
    compaction: CompactionOptions = DEFAULT_COMPACTION,
    retention: Retention = DEFAULT_RETENTION,
  ) {
    this.maintenance = new Maintenance(dialect, compaction, retention);
  }

  async open(): Promise<void> {
    const { devices, params } = await this.dialect.loadIds();
    for (const [serial, id] of devices) this.deviceIds.set(serial, id);
    for (const [name, id, kind] of params) this.params.set(name, { id, kind });
    await this.maintenance.open();
  }

  /** One step of moving the history log, when due (see Maintenance); whether more steps are pending. */
  compactStep(force = false): Promise<boolean> {
    return this.maintenance.compactStep(force);
  }

  /** Moves everything logged so far into history (tests, and tools). */
  compactAll(): Promise<void> {
    return this.maintenance.compactAll();
  }

  /** One step of pruning past retention, when due; whether more steps are pending. */
  pruneStep(now = Date.now(), force = false): Promise<boolean> {
    return this.maintenance.pruneStep(now, force);
  }

  /** Background work between group commits. */
  maintain(): Promise<void> {
    return this.maintenance.maintain();
  }

  async write(items: readonly WriteItem[]): Promise<void> {
    const plan = planBatch(items);
    const learnt: string[] = [];
    const learntParams: string[] = [];
    const kindsSet: string[] = [];
    try {
      await this.dialect.transaction(async () => {
        const newDevices: NewDevice[] = [];
        for (const [serial, t] of plan.firstFrame) {
          if (!this.deviceIds.has(serial))
            newDevices.push({ serial, createdAt: t, lastSeen: t, owner: plan.owners.get(serial) ?? null });
        }
        if (newDevices.length > 0) {
          for (const [serial, id] of await this.dialect.insertDevices(newDevices, this.instance)) {
            this.deviceIds.set(serial, id);
            learnt.push(serial);
          }
        }
        const newParams: NewParameter[] = [];
        const kindIds: number[] = [];
        const kinds: ParameterKind[] = [];
        for (const p of plan.names.values()) {
          const cached = this.params.get(p.name);
          if (!cached) newParams.push(p);
          else if (cached.kind === null && p.kind !== null) {
            kindIds.push(cached.id);
            kinds.push(p.kind);
            cached.kind = p.kind;
            kindsSet.push(p.name);
          }
        }
        if (newParams.length > 0) {
          for (const [name, id, kind] of await this.dialect.insertParameters(newParams)) {
            this.params.set(name, { id, kind });
            learntParams.push(name);
          }
        }
        if (kindIds.length > 0) await this.dialect.setKinds(kindIds, kinds);

        const seenIds: number[] = [];
        const seenAt: number[] = [];
        for (const [serial, t] of plan.seen) {
          seenIds.push(this.id(serial));
          seenAt.push(t);
        }
        if (seenIds.length > 0) await this.dialect.touch(seenIds, seenAt, this.instance);
        if (plan.claims.size > 0) await this.dialect.claim([...plan.claims].map((s) => this.id(s)));
        const offIds = plan.offline.flatMap((s) => {
          const id = this.deviceIds.get(s);
          return id === undefined ? [] : [id];
        });
        if (offIds.length > 0) await this.dialect.setOffline(offIds, this.instance);

        const vDevice: number[] = [];
        const vParam: number[] = [];
        const vValue: string[] = [];
        for (const [serial, values] of plan.latest) {
          const deviceId = this.id(serial);
          for (const [name, value] of values) {
            vDevice.push(deviceId);
            vParam.push(this.paramId(name));
            vValue.push(JSON.stringify(value));
          }
        }
        if (vDevice.length > 0) await this.dialect.upsertValues(vDevice, vParam, vValue);

        const n = plan.history.length;
        if (n > 0) {
          const hDevice = new Array<number>(n);
          const hParam = new Array<number>(n);
          const hT = new Array<number>(n);
          const hNum = new Array<number | null>(n);
          const hText = new Array<string | null>(n);
          for (let i = 0; i < n; i++) {
            const row = plan.history[i] as (typeof plan.history)[number];
            hDevice[i] = this.id(row.serial);
            hParam[i] = this.paramId(row.name);
            hT[i] = row.t;
            [hNum[i], hText[i]] = historyColumns(row.value);
          }
          await this.dialect.appendHistory(hDevice, hParam, hT, hNum, hText);
          this.maintenance.appended(n);
        }
      });
    } catch (err) {
      for (const serial of learnt) this.deviceIds.delete(serial);
      for (const name of learntParams) this.params.delete(name);
      for (const name of kindsSet) {
        const cached = this.params.get(name);
        if (cached) cached.kind = null;
      }
      throw err;
    }
  }

  close(): Promise<void> {
    return this.dialect.close();
  }

  private id(serial: string): number {
    const id = this.deviceIds.get(serial);
    if (id === undefined) throw new Error(`device ${serial} has no id after registration`);
    return id;
  }

  private paramId(name: string): number {
    const p = this.params.get(name);
    if (!p) throw new Error(`parameter ${name} has no id after registration`);
    return p.id;
  }
}
