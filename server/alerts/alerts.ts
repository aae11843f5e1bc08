import { randomBytes } from 'node:crypto';
import type { Scalar } from '../../protocol/values.ts';
import type { Viewer } from '../auth/viewer.ts';
import type { Config } from '../config.ts';
import { BadInputError, ForbiddenError } from '../errors.ts';
import type { AlertNews, ChangeBus } from '../live/bus.ts';
import type { Changes } from '../live/changes.ts';
import type { Logger } from '../logger.ts';
import type { Fleet } from '../state/fleet.ts';
import type { Db } from '../storage/database.ts';
import type { WriterClient } from '../storage/writer-client.ts';
import {
  ALERT_LIMITS,
  type AlertStateName,
  checkRule,
  compileRule,
  type RuleInput,
  type RuleRow,
  type Severity,
} from './alert-rule.ts';
import { AlertStore, ruleData } from './alert-store.ts';
import { AlertEvaluator, type AlertTransition } from './evaluator.ts';
import { Lease } from './lease.ts';
import { Notifier } from './notifier.ts';

/** The lease of the instance that evaluates every rule and sends every notification (one at a time). */
export const ALERTS_LEASE = 'alerts';
/** Transitions wait at most this long to be stored together (and notified): one commit per burst, not one each. */
const WRITE_EVERY_MS = 50;

/** What a subscriber of alertChanged hears (from whichever instance evaluates). */
export interface AlertChange {
  ruleId: number;
  ruleOwnerId: number | null;
  serial: string;
  severity: Severity;
  from: AlertStateName;
  to: AlertStateName | 'ACKNOWLEDGED';
  state: AlertStateName;
  at: number;
  value: Scalar | null;
}

export interface AlertOptions {
  instance: string;
  /** The only instance (in-process bus): it holds the lease without writing it. */
  alone: boolean;
  /** How long the evaluating instance holds the lease unrenewed (LEASE_SECONDS). */
  leaseMs: number;
  graceMs: number;
  smtpUrl: string | undefined;
  smtpFrom: string;
  notifyAttempts: number;
  maxRulesPerUser: number;
  maxChannelsPerUser: number;
}

export function alertOptions(
  config: Pick<
    Config,
    | 'smtpUrl'
    | 'smtpFrom'
    | 'alertRestartGraceSeconds'
    | 'alertNotifyAttempts'
    | 'maxAlertRulesPerUser'
    | 'maxChannelsPerUser'
    | 'leaseSeconds'
  >,
  instance: string,
  alone: boolean,
): AlertOptions {
  return {
    instance,
    alone,
    graceMs: config.alertRestartGraceSeconds * 1000,
    leaseMs: config.leaseSeconds * 1000,
    smtpUrl: config.smtpUrl,
    smtpFrom: config.smtpFrom,
    notifyAttempts: config.alertNotifyAttempts,
    maxRulesPerUser: config.maxAlertRulesPerUser,
    maxChannelsPerUser: config.maxChannelsPerUser,
  };
}

/** Who asks: a user, or nobody in lab mode (every rule and device). */
export type AlertViewer = Viewer | null;

export function seesRule(viewer: AlertViewer, rule: { ownerId: number | null }): boolean {
  return viewer === null || viewer.role === 'admin' || rule.ownerId === viewer.id;
}

/**
 * Alerts on this instance: rules and channels (any instance), and, on the instance holding the `alerts`
 * lease, the evaluator on the change stream, the store of its transitions and the notifier. Another instance
 * takes the lease over once the holder stops renewing it (15 s) and starts from the stored states.
 */
export class Alerts {
  readonly store: AlertStore;
  readonly notifier: Notifier;
  private evaluator: AlertEvaluator | null = null;
  private readonly lease: Lease;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private queue: AlertTransition[] = [];
  private writing = false;
  private readonly listeners = new Set<(c: AlertChange) => void>();

  constructor(
    private readonly db: Db,
    private readonly fleet: Fleet,
    changes: Changes,
    private readonly bus: ChangeBus,
    writer: Pick<WriterClient, 'writeAlerts'>,
    private readonly options: AlertOptions,
    private readonly log: Logger,
  ) {
    this.store = new AlertStore(db, writer);
    this.lease = new Lease(db, ALERTS_LEASE, options.instance, options.leaseMs);
    this.notifier = new Notifier(
      db,
      { smtpUrl: options.smtpUrl, smtpFrom: options.smtpFrom, maxAttempts: options.notifyAttempts },
      log,
      () => this.leading,
    );
    changes.onApplied((applied) => this.evaluator?.onApplied(applied));
    bus.onAlerts((news) => this.hear(news));
  }

  /** Whether this instance evaluates the rules now. */
  get leading(): boolean {
    return this.evaluator !== null;
  }

  start(): void {
    const beat = () => {
      this.timer = null;
      this.claim()
        .catch((err: Error) => this.log.warn({ err: err.message }, 'alerts lease check failed'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(beat, this.options.alone ? 60_000 : this.options.leaseMs / 3);
          this.timer?.unref();
        });
    };
    beat();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.abdicate();
    if (this.writeTimer) {
      clearTimeout(this.writeTimer);
      this.writeTimer = null;
      if (this.queue.length > 0) await this.write();
    }
    while (this.writing) await new Promise((r) => setTimeout(r, 20));
    if (!this.options.alone) await this.lease.release();
  }

  /** Hears of alert changes (here or on the evaluating instance). */
  listen(listener: (c: AlertChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Firing alerts per severity, from the database (for /metrics on any instance). */
  async firingBySeverity(): Promise<Record<string, number>> {
    const groups = await this.db.alertState.groupBy({ by: ['ruleId'], where: { state: 'FIRING' }, _count: { _all: true } });
    if (groups.length === 0) return {};
    const rules = await this.db.alertRule.findMany({
      where: { id: { in: groups.map((g) => g.ruleId) } },
      select: { id: true, severity: true },
    });
    const severity = new Map(rules.map((r) => [r.id, r.severity]));
    const out: Record<string, number> = {};
    for (const g of groups) {
      const s = severity.get(g.ruleId);
      if (s) out[s] = (out[s] ?? 0) + g._count._all;
    }
    return out;
  }

  // Rules.

  async createRule(viewer: AlertViewer, input: RuleInput): Promise<RuleRow> {
    const checked = checkRule(input);
    await this.checkChannels(viewer, checked.notify);
    const ownerId = viewer?.id ?? null;
    if ((await this.db.alertRule.count({ where: { ownerId } })) >= this.options.maxRulesPerUser)
      throw new BadInputError(`at most ${this.options.maxRulesPerUser} alert rules per user (MAX_ALERT_RULES_PER_USER)`);
    const now = new Date();
    const row = { ...checked, ownerId, scopeAll: viewer === null || viewer.role === 'admin', enabled: true };
    const created = await this.db.alertRule.create({ data: { ...ruleData(row), createdAt: now, updatedAt: now } });
    await this.ruleChanged(created.id);
    return { ...row, id: created.id };
  }

  async updateRule(viewer: AlertViewer, id: number, input: RuleInput): Promise<RuleRow> {
    const rule = await this.ruleFor(viewer, id);
    const checked = checkRule(input);
    await this.checkChannels(viewer, checked.notify);
    const row = { ...rule, ...checked };
    await this.db.alertRule.update({ where: { id }, data: { ...ruleData(row), updatedAt: new Date() } });
    // A changed rule starts afresh: its alerts go back to OK, then the new rule decides.
    await this.ruleChanged(id, true);
    return row;
  }

  async setEnabled(viewer: AlertViewer, id: number, enabled: boolean): Promise<RuleRow> {
    const rule = await this.ruleFor(viewer, id);
    await this.db.alertRule.update({ where: { id }, data: { enabled, updatedAt: new Date() } });
    await this.ruleChanged(id, true);
    return { ...rule, enabled };
  }

  async deleteRule(viewer: AlertViewer, id: number): Promise<void> {
    await this.ruleFor(viewer, id);
    await this.db.alertRule.delete({ where: { id } });
    await this.ruleChanged(id, true);
  }

  async rules(viewer: AlertViewer): Promise<RuleRow[]> {
    return (await this.store.rules()).filter((r) => seesRule(viewer, r));
  }

  /** A rule the viewer may see and change, or ForbiddenError (also for one that does not exist). */
  async ruleFor(viewer: AlertViewer, id: number): Promise<RuleRow> {
    const rule = await this.store.rule(id);
    if (!rule || !seesRule(viewer, rule)) throw new ForbiddenError(`no alert rule ${id} of yours`);
    return rule;
  }

  // Alerts.

  /** Acknowledges a firing alert (who, when, why); the evaluating instance records it. */
  async acknowledge(viewer: AlertViewer, ruleId: number, serial: string, comment: string | null): Promise<void> {
    await this.ruleFor(viewer, ruleId);
    if (comment !== null && comment.length > ALERT_LIMITS.commentChars)
      throw new BadInputError(`comment of at most ${ALERT_LIMITS.commentChars} characters`);
    const state = await this.db.alertState.findUnique({ where: { ruleId_serial: { ruleId, serial } } });
    if (state?.state !== 'FIRING') throw new BadInputError('only a firing alert can be acknowledged');
    if (state.ackAt) return;
    const ack = { ruleId, serial, userId: viewer?.id ?? null, comment };
    const done = this.waitFor((c) => c.ruleId === ruleId && c.serial === serial && c.to === 'ACKNOWLEDGED', 10_000);
    if (this.evaluator) this.applyAck(ack);
    else this.bus.publishAlerts({ ack });
    if (!(await done)) throw new Error('the instance evaluating alerts did not record the acknowledgement in time');
  }

  // Channels.

  async createChannel(viewer: AlertViewer, name: string, kind: 'WEBHOOK' | 'EMAIL', target: string) {
    if (name.trim().length === 0 || name.length > 100) throw new BadInputError('name must be 1 to 100 characters');
    if (kind === 'WEBHOOK') {
      let url: URL;
      try {
        url = new URL(target);
      } catch {
        throw new BadInputError('a webhook needs an http:// or https:// URL');
      }
      if ((url.protocol !== 'http:' && url.protocol !== 'https:') || target.length > 2000)
        throw new BadInputError('a webhook needs an http:// or https:// URL of at most 2000 characters');
    } else {
      if (!/^[^\s@<>]{1,64}@[^\s@<>]{1,255}$/.test(target)) throw new BadInputError('an e-mail channel needs one address');
      if (!this.options.smtpUrl) throw new BadInputError('e-mail needs an SMTP server: set SMTP_URL');
    }
    const ownerId = viewer?.id ?? null;
    if ((await this.db.notificationChannel.count({ where: { ownerId } })) >= this.options.maxChannelsPerUser)
      throw new BadInputError(`at most ${this.options.maxChannelsPerUser} channels per user (MAX_CHANNELS_PER_USER)`);
    // The webhook's signing key: shown once; the server keeps it to sign (it cannot be a hash).
    const secret = kind === 'WEBHOOK' ? `sos_w_${randomBytes(24).toString('base64url')}` : null;
    const channel = await this.db.notificationChannel.create({
      data: { ownerId, name: name.trim(), kind, target, secret, createdAt: new Date() },
    });
    return { channel, secret };
  }

  async deleteChannel(viewer: AlertViewer, id: number): Promise<void> {
    const channel = await this.db.notificationChannel.findUnique({ where: { id } });
    if (!channel || !seesRule(viewer, channel)) throw new ForbiddenError(`no channel ${id} of yours`);
    await this.db.notificationChannel.delete({ where: { id } });
  }

  async channels(viewer: AlertViewer) {
    const all = await this.db.notificationChannel.findMany({ orderBy: { id: 'asc' } });
    return all.filter((c) => seesRule(viewer, c));
  }

  /** Sends a dead notification again (its attempts start over). */
  async retry(viewer: AlertViewer, id: number): Promise<void> {
    const n = await this.db.notification.findUnique({ where: { id } });
    if (!n) throw new ForbiddenError(`no notification ${id} of yours`);
    await this.ruleFor(viewer, n.ruleId).catch(() => {
      throw new ForbiddenError(`no notification ${id} of yours`);
    });
    await this.db.notification.update({
      where: { id },
      data: { state: 'PENDING', attempts: 0, nextAt: new Date(), lastError: null },
    });
    if (this.evaluator) this.notifier.kick();
    else this.bus.publishAlerts({ rules: [] });
  }

  // The evaluating instance.

  private async claim(): Promise<void> {
    const held = this.options.alone || (await this.lease.acquire());
    if (held && !this.evaluator && !this.stopped) await this.lead();
    else if (!held && this.evaluator) {
      this.log.warn('alerts lease lost: another instance evaluates now');
      this.abdicate();
    }
    if (this.evaluator) this.notifier.kick();
  }

  private async lead(): Promise<void> {
    const [rules, states] = await Promise.all([this.store.rules(), this.store.states()]);
    const evaluator = new AlertEvaluator(this.fleet, (t) => this.enqueue(t));
    this.evaluator = evaluator;
    evaluator.load(rules.map(compileRule), states, Date.now(), this.options.graceMs);
    this.log.info({ rules: rules.length, alerts: states.length }, 'evaluating alert rules here');
  }

  private abdicate(): void {
    this.evaluator?.stop();
    this.evaluator = null;
    this.notifier.stop();
  }

  /**
   * Transitions are stored at most once per WRITE_EVERY_MS, in one transaction of the writer thread between
   * group commits of device frames: a burst of crossings costs one commit, not one each.
   */
  private enqueue(transitions: AlertTransition[]): void {
    this.queue.push(...transitions);
    if (this.writing || this.writeTimer) return;
    const wait = Math.max(0, this.lastWrite + WRITE_EVERY_MS - performance.now());
    this.writeTimer = setTimeout(() => {
      this.writeTimer = null;
      void this.write();
    }, wait);
  }

  private writeTimer: NodeJS.Timeout | null = null;
  private lastWrite = Number.NEGATIVE_INFINITY;

  /** Stores transitions in order, one transaction per batch; then tells subscribers and sends notifications. */
  private async write(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        this.lastWrite = performance.now();
        const batch = this.queue.splice(0, 2000);
        let ok: boolean;
        try {
          ok = await this.store.write(
            batch,
            this.options.alone ? null : { lease: ALERTS_LEASE, instance: this.options.instance, ttlMs: this.options.leaseMs },
          );
        } catch (err) {
          this.log.error({ err: (err as Error).message }, 'storing alert transitions failed; trying again');
          this.queue.unshift(...batch);
          await new Promise((r) => setTimeout(r, 1000));
          if (!this.evaluator) return;
          continue;
        }
        if (!ok) {
          this.log.warn('alerts lease lost while storing: this instance stops evaluating');
          this.queue = [];
          this.abdicate();
          return;
        }
        const changed = batch.filter((t) => t.to !== 'REMINDED' && !(t.silent && t.to === t.from)).map(changeOf);
        if (changed.length > 0) {
          this.tell(changed);
          this.bus.publishAlerts({ changed });
        }
        if (batch.some((t) => t.notify)) this.notifier.kick();
      }
    } finally {
      this.writing = false;
    }
  }

  private applyAck(ack: NonNullable<AlertNews['ack']>): void {
    this.evaluator?.acknowledge(ack.ruleId, ack.serial, ack.userId, ack.comment);
  }

  private async ruleChanged(id: number, reset = false): Promise<void> {
    if (this.evaluator) await this.reload(id, reset);
    this.bus.publishAlerts({ rules: [id] });
  }

  private async reload(id: number, reset: boolean): Promise<void> {
    const evaluator = this.evaluator;
    if (!evaluator) return;
    if (reset) evaluator.removeRule(id);
    const rule = await this.store.rule(id);
    if (rule) evaluator.addRule(compileRule(rule));
  }

  private hear(news: AlertNews): void {
    if (news.changed) this.tell(news.changed as AlertChange[]);
    if (!this.evaluator) return;
    for (const id of news.rules ?? []) void this.reload(id, true);
    if (news.rules) this.notifier.kick();
    if (news.ack) this.applyAck(news.ack);
  }

  private tell(changes: AlertChange[]): void {
    for (const c of changes) for (const l of this.listeners) l(c);
  }

  private waitFor(test: (c: AlertChange) => boolean, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        off();
        resolve(false);
      }, timeoutMs);
      const off = this.listen((c) => {
        if (!test(c)) return;
        clearTimeout(timer);
        off();
        resolve(true);
      });
    });
  }

  private async checkChannels(viewer: AlertViewer, ids: number[]): Promise<void> {
    if (ids.length === 0) return;
    const found = await this.db.notificationChannel.findMany({ where: { id: { in: ids } } });
    const mine = found.filter((c) => seesRule(viewer, c));
    if (mine.length !== ids.length) throw new ForbiddenError('notify names a channel that is not yours');
  }
}

function changeOf(t: AlertTransition): AlertChange {
  return {
    ruleId: t.rule.id,
    ruleOwnerId: t.rule.ownerId,
    serial: t.serial,
    severity: t.rule.severity,
    from: t.from,
    to: t.to as AlertChange['to'],
    state: t.entry?.state ?? 'OK',
    at: t.at,
    value: t.value,
  };
}
