import type { Scalar } from '../../protocol/values.ts';
import type { Condition } from '../state/query.ts';
import type { AlertStateRow, AlertWrite } from '../storage/alert-rows.ts';
import type { Db } from '../storage/database.ts';
import type { WriterClient } from '../storage/writer-client.ts';
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
  constructor(
    private readonly db: Db,
    private readonly writer: Pick<WriterClient, 'writeAlerts'>,
  ) {}

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
   * nothing is written by an instance that no longer holds it. Returns false when fenced out. The writer
   * thread runs it (see storage/alert-rows.ts for why not Prisma).
   */
  write(
    transitions: readonly AlertTransition[],
    fence: { lease: string; instance: string; ttlMs: number } | null,
  ): Promise<boolean> {
    return this.writer.writeAlerts(alertWrite(transitions, fence, Date.now()));
  }
}

/** The rows a batch of transitions writes (the last word on each alert is what its row holds). */
export function alertWrite(
  transitions: readonly AlertTransition[],
  fence: { lease: string; instance: string; ttlMs: number } | null,
  now: number,
): AlertWrite {
  const last = new Map<string, AlertTransition>();
  for (const t of transitions) last.set(`${t.rule.id}|${t.serial}`, t);
  const deletes: AlertWrite['deletes'] = [];
  const upserts: AlertStateRow[] = [];
  for (const t of last.values()) {
    const e = t.entry;
    if (e === null) deletes.push([t.rule.id, t.serial]);
    else
      upserts.push({
        ruleId: t.rule.id,
        serial: t.serial,
        state: e.state,
        since: e.since,
        dueAt: e.dueAt,
        value: json(e.value),
        firedAt: e.firedAt,
        ackUserId: e.ackUserId,
        ackAt: e.ackAt,
        ackComment: e.ackComment,
        flips: json(e.flips),
        suppressed: e.suppressed,
      });
  }
  return {
    deletes,
    upserts,
    events: transitions
      .filter((t) => !t.silent)
      .map((t) => ({
        ruleId: t.rule.id,
        serial: t.serial,
        from: t.from,
        to: t.to,
        at: t.at,
        value: json(t.value),
        userId: t.userId ?? null,
        comment: t.comment ?? null,
      })),
    notifications: transitions
      .filter((t) => t.notify && t.rule.notify.length > 0)
      .flatMap((t) => {
        const body = JSON.stringify(notificationBody(t));
        return t.rule.notify.map((channelId) => ({
          channelId,
          ruleId: t.rule.id,
          serial: t.serial,
          kind: t.notify as string,
          body,
          at: now,
        }));
      }),
    fence: fence && { lease: fence.lease, instance: fence.instance, now, until: now + fence.ttlMs },
  };
}
