import type { Scalar } from '../../protocol/values.ts';
import type { Condition } from '../state/query.ts';
import type { Db } from '../storage/database.ts';
import type { AlertOp, RuleRow, Severity } from './alert-rule.ts';
import type { AlertEntry, AlertTransition } from './evaluator.ts';

type RuleRecord = Awaited<ReturnType<Db['alertRule']['findFirstOrThrow']>>;
type StateRecord = Awaited<ReturnType<Db['alertState']['findFirstOrThrow']>>;

const json = (v: unknown): string => JSON.stringify(v ?? null);
const parse = <T>(text: string | null): T => (text === null ? (null as T) : (JSON.parse(text) as T));

export function ruleOf(r: RuleRecord): RuleRow {
  return {
    id: r.id,
    ownerId: r.ownerId,
    scopeAll: r.scopeAll,
    name: r.name,
    where: parse<Condition[]>(r.where),
    parameter: r.parameter,
    op: r.op as AlertOp | null,
    threshold: parse<Scalar>(r.threshold),
    clearThreshold: parse<Scalar>(r.clearThreshold),
    forSeconds: r.forSeconds,
    noDataSeconds: r.noDataSeconds,
    severity: r.severity as Severity,
    enabled: r.enabled,
    reminderSeconds: r.reminderSeconds,
    flapCount: r.flapCount,
    flapSeconds: r.flapSeconds,
    notify: parse<number[]>(r.notify),
  };
}

export function ruleData(row: Omit<RuleRow, 'id'>) {
  return {
    ownerId: row.ownerId,
    scopeAll: row.scopeAll,
    name: row.name,
    where: json(row.where),
    parameter: row.parameter,
    op: row.op,
    threshold: row.threshold === null ? null : json(row.threshold),
    clearThreshold: row.clearThreshold === null ? null : json(row.clearThreshold),
    forSeconds: row.forSeconds,
    noDataSeconds: row.noDataSeconds,
    severity: row.severity,
    enabled: row.enabled,
    reminderSeconds: row.reminderSeconds,
    flapCount: row.flapCount,
    flapSeconds: row.flapSeconds,
    notify: json(row.notify),
  };
}

export function entryOf(r: StateRecord): AlertEntry {
  return {
    ruleId: r.ruleId,
    serial: r.serial,
    state: r.state as AlertEntry['state'],
    since: r.since.getTime(),
    dueAt: r.dueAt?.getTime() ?? null,
    value: parse<Scalar>(r.value),
    firedAt: r.firedAt?.getTime() ?? null,
    ackUserId: r.ackUserId,
    ackAt: r.ackAt?.getTime() ?? null,
    ackComment: r.ackComment,
    flips: parse<number[]>(r.flips),
    suppressed: r.suppressed,
  };
}

const date = (ms: number | null) => (ms === null ? null : new Date(ms));

function stateData(e: AlertEntry) {
  return {
    state: e.state,
    since: new Date(e.since),
    dueAt: date(e.dueAt),
    value: json(e.value),
    firedAt: date(e.firedAt),
    ackUserId: e.ackUserId,
    ackAt: date(e.ackAt),
    ackComment: e.ackComment,
    flips: json(e.flips),
    suppressed: e.suppressed,
  };
}

/** The body of a notification as webhooks receive it (with its `id` added when sent). */
export function notificationBody(t: AlertTransition): Record<string, unknown> {
  const { rule, entry } = t;
  return {
    kind: t.notify,
    rule: {
      id: rule.id,
      name: rule.name,
      severity: rule.severity,
      parameter: rule.parameter,
      op: rule.op,
      threshold: rule.threshold,
    },
    serial: t.serial,
    state: entry?.state ?? 'OK',
    value: t.value,
    at: new Date(t.at).toISOString(),
    firedAt: entry?.firedAt ? new Date(entry.firedAt).toISOString() : null,
    receivedAt: t.frameAt ? new Date(t.frameAt).toISOString() : null,
    ...(t.held !== undefined ? { held: t.held } : {}),
  };
}

/** Rules, alert states, their history and the notification outbox. */
export class AlertStore {
  constructor(private readonly db: Db) {}

  async rules(): Promise<RuleRow[]> {
    return (await this.db.alertRule.findMany({ orderBy: { id: 'asc' } })).map(ruleOf);
  }

  async rule(id: number): Promise<RuleRow | null> {
    const r = await this.db.alertRule.findUnique({ where: { id } });
    return r ? ruleOf(r) : null;
  }

  /** Stored alerts (not OK) of these rules. */
  stateRows(filter: { ruleIds: number[]; state: string | null; serial: string | null }): Promise<StateRecord[]> {
    return this.db.alertState.findMany({
      where: {
        ruleId: { in: filter.ruleIds },
        ...(filter.state ? { state: filter.state } : {}),
        ...(filter.serial ? { serial: filter.serial } : {}),
      },
    });
  }

  /** The outbox of these rules, newest first. */
  notifications(ruleIds: number[], state: string | null, offset: number, limit: number) {
    return this.db.notification.findMany({
      where: { ruleId: { in: ruleIds }, ...(state ? { state } : {}) },
      orderBy: { id: 'desc' },
      skip: offset,
      take: limit,
    });
  }

  /** A device's alert history on these rules, newest first. */
  async events(serial: string, rules: readonly RuleRow[], since: Date | null, limit: number) {
    const byId = new Map(rules.map((r) => [r.id, r]));
    const rows = await this.db.alertEvent.findMany({
      where: { serial, ruleId: { in: [...byId.keys()] }, ...(since ? { at: { gte: since } } : {}) },
      orderBy: { id: 'desc' },
      take: limit,
    });
    return rows.map((e) => ({
      ...e,
      ruleName: byId.get(e.ruleId)?.name ?? '',
      severity: byId.get(e.ruleId)?.severity ?? 'WARNING',
      parameter: byId.get(e.ruleId)?.parameter ?? '',
    }));
  }

  async states(): Promise<AlertEntry[]> {
    return (await this.db.alertState.findMany()).map(entryOf);
  }

  /**
   * Stores transitions with their notifications (the outbox) in one transaction, fenced by the lease:
   * nothing is written by an instance that no longer holds it. Returns false when fenced out.
   */
  async write(
    transitions: readonly AlertTransition[],
    fence: { lease: string; instance: string; ttlMs: number } | null,
  ): Promise<boolean> {
    const now = new Date();
    // The last word on each alert is what its row holds (a batch may move one alert several times).
    const last = new Map<string, AlertTransition>();
    for (const t of transitions) last.set(`${t.rule.id}|${t.serial}`, t);
    const gone = [...last.values()].filter((t) => t.entry === null);
    const kept = [...last.values()].filter((t) => t.entry !== null);
    const events = transitions.filter((t) => !t.silent);
    const notifications = transitions.filter((t) => t.notify && t.rule.notify.length > 0);
    // One batch the database runs back to back (no round trip to this process between statements), so the
    // write lock is held briefly and device frames' commits are not kept waiting.
    const ops = [
      ...(gone.length > 0
        ? [this.db.alertState.deleteMany({ where: { OR: gone.map((t) => ({ ruleId: t.rule.id, serial: t.serial })) } })]
        : []),
      ...kept.map((t) => {
        const data = stateData(t.entry as AlertEntry);
        return this.db.alertState.upsert({
          where: { ruleId_serial: { ruleId: t.rule.id, serial: t.serial } },
          create: { ruleId: t.rule.id, serial: t.serial, ...data },
          update: data,
        });
      }),
      ...(events.length > 0
        ? [
            this.db.alertEvent.createMany({
              data: events.map((t) => ({
                ruleId: t.rule.id,
                serial: t.serial,
                from: t.from,
                to: t.to,
                at: new Date(t.at),
                value: json(t.value),
                userId: t.userId ?? null,
                comment: t.comment ?? null,
              })),
            }),
          ]
        : []),
      ...(notifications.length > 0
        ? [
            this.db.notification.createMany({
              data: notifications.flatMap((t) => {
                const body = JSON.stringify(notificationBody(t));
                return t.rule.notify.map((channelId) => ({
                  channelId,
                  ruleId: t.rule.id,
                  serial: t.serial,
                  kind: t.notify as string,
                  body,
                  state: 'PENDING',
                  nextAt: now,
                  createdAt: now,
                }));
              }),
            }),
          ]
        : []),
    ];
    if (!fence) {
      await this.db.$transaction(ops);
      return true;
    }
    // The fence: renewing a lease this instance no longer holds finds no row, and the whole batch rolls back.
    const renew = this.db.lease.update({
      where: { name: fence.lease, owner: fence.instance, until: { gt: now } },
      data: { until: new Date(now.getTime() + fence.ttlMs) },
    });
    try {
      await this.db.$transaction([renew, ...ops]);
      return true;
    } catch (err) {
      if ((err as { code?: string }).code === 'P2025') return false;
      throw err;
    }
  }
}
