import type { Scalar } from '../../protocol/values.ts';
import type { DeviceChange, DeviceState, Fleet } from '../state/fleet.ts';
import { ALERT_LIMITS, type AlertStateName, type CompiledRule, clears, holds, PRESENCE, ruleMatches } from './alert-rule.ts';
import { TimerHeap } from './timer-heap.ts';

/** The state of one rule on one device when it is not OK. Times in ms since the epoch. */
export interface AlertEntry {
  ruleId: number;
  serial: string;
  state: Exclude<AlertStateName, 'OK'>;
  since: number;
  /** PENDING: when it fires; FIRING: the next reminder; RESOLVED: when it becomes OK. */
  dueAt: number | null;
  value: Scalar | null;
  firedAt: number | null;
  ackUserId: number | null;
  ackAt: number | null;
  ackComment: string | null;
  /** Times of its recent FIRING and RESOLVED transitions (flapping). */
  flips: number[];
  /** Notifications held back since it started flapping. */
  suppressed: number;
}

export type NotificationKind = 'FIRING' | 'RESOLVED' | 'REMINDER' | 'FLAPPING';

/** What happened to an alert: a transition (stored as an event), an acknowledgement, or a reminder. */
export interface AlertTransition {
  rule: CompiledRule;
  serial: string;
  from: AlertStateName;
  to: AlertStateName | 'ACKNOWLEDGED' | 'REMINDED';
  at: number;
  value: Scalar | null;
  /** The entry after it (null: OK, the row goes). */
  entry: AlertEntry | null;
  /** The notification it sends to the rule's channels, if any. */
  notify: NotificationKind | null;
  /** Flapping: the transitions held back that a summary tells of. */
  held?: number;
  userId?: number | null;
  comment?: string | null;
  /** Not a transition to store as an event (a reminder, a summary). */
  silent?: true;
  /** When the server received the device's latest frame (the one that moved it, for a value). */
  frameAt?: number | null;
}

const keyOf = (ruleId: number, serial: string) => `${ruleId}|${serial}`;

// Arrays, not Sets: read for every value of every frame, changed only when rules do.
interface RuleSlot {
  all: CompiledRule[];
  owner: Map<number | null, CompiledRule[]>;
  serial: Map<string, CompiledRule[]>;
}

/** Rules by the fields they concern, and within a field by the device they name, their owner, or all. */
class RuleIndex {
  private readonly byField = new Map<string, RuleSlot>();

  add(rule: CompiledRule): void {
    for (const field of rule.fields) {
      let slot = this.byField.get(field);
      if (!slot) {
        slot = { all: [], owner: new Map(), serial: new Map() };
        this.byField.set(field, slot);
      }
      this.bucket(slot, rule).push(rule);
    }
  }

  remove(rule: CompiledRule): void {
    for (const field of rule.fields) {
      const slot = this.byField.get(field);
      if (!slot) continue;
      const list = this.bucket(slot, rule);
      const at = list.indexOf(rule);
      if (at >= 0) list.splice(at, 1);
    }
  }

  /** The rules that concern `field`: fleet-wide, by owner, by device (a change looks up its device's and owner's). */
  slot(field: string): RuleSlot | undefined {
    return this.byField.get(field);
  }

  private bucket(slot: RuleSlot, rule: CompiledRule): CompiledRule[] {
    let map: Map<string | number | null, CompiledRule[]> | null = null;
    let key: string | number | null = null;
    if (rule.serial !== null) {
      map = slot.serial as Map<string | number | null, CompiledRule[]>;
      key = rule.serial;
    } else if (!rule.scopeAll) {
      map = slot.owner as Map<string | number | null, CompiledRule[]>;
      key = rule.ownerId;
    }
    if (!map) return slot.all;
    let list = map.get(key);
    if (!list) {
      list = [];
      map.set(key, list);
    }
    return list;
  }
}

/**
 * Evaluates the rules incrementally on the committed change stream (on the instance holding the alerts
 * lease): a frame costs the rules that concern its parameters (their own device's, their owner's, the
 * fleet-wide ones), not every rule. Timers (pending, reminders, no data, flapping, resolved expiry) live in
 * one heap; their due times are stored with the alert, so a restart fires them when they would have.
 */
export class AlertEvaluator {
  private readonly rules = new Map<number, CompiledRule>();
  private readonly index = new RuleIndex();
  private readonly noDataRules = new Set<CompiledRule>();
  /** Alerts that are not OK: rule id → serial → entry (no key strings built per frame). */
  private readonly alerts = new Map<number, Map<string, AlertEntry>>();
  /** No-data rules: when each device last sent the parameter (or when watching it began). */
  private readonly lastValue = new Map<string, number>();
  /** Presence as last evaluated, to evaluate presence rules only when it flips. */
  private readonly online = new Map<string, boolean>();
  private readonly timers: TimerHeap;
  private out: AlertTransition[] = [];

  constructor(
    private readonly fleet: Fleet,
    private readonly emit: (transitions: AlertTransition[]) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.timers = new TimerHeap((key, at) => this.onTimer(key, at));
  }

  /**
   * Starts from stored states: their timers as stored, except that presence and no-data timers that fell due
   * while no instance evaluated wait `graceMs` more (devices reconnect after a server restart: not news).
   */
  load(rules: CompiledRule[], entries: AlertEntry[], startedAt: number, graceMs: number): void {
    for (const e of entries) this.put(e);
    const byOwner = new Map<number | null, DeviceState[]>();
    for (const d of this.fleet.devices.values()) {
      this.online.set(d.serial, d.online);
      const list = byOwner.get(d.ownerId);
      if (list) list.push(d);
      else byOwner.set(d.ownerId, [d]);
    }
    // Each rule reads only its device, or its owner's devices, not the whole fleet once per rule.
    this.byOwner = byOwner;
    for (const rule of rules) this.addRule(rule, startedAt, graceMs);
    this.byOwner = null;
    this.flush();
  }

  private byOwner: Map<number | null, DeviceState[]> | null = null;

  /** Starts evaluating a rule (its timers from its stored alerts). */
  addRule(rule: CompiledRule, now = this.now(), graceMs = 0): void {
    this.removeRule(rule.id, false);
    if (!rule.enabled) return;
    this.rules.set(rule.id, rule);
    this.index.add(rule);
    if (rule.noDataSeconds !== null) this.noDataRules.add(rule);
    for (const e of this.alerts.get(rule.id)?.values() ?? []) {
      const key = keyOf(e.ruleId, e.serial);
      if (e.dueAt !== null) {
        const slow = rule.parameter === PRESENCE && e.state === 'PENDING';
        this.timers.set(`d|${key}`, slow ? Math.max(e.dueAt, now + graceMs) : e.dueAt);
      }
      if (e.flips.length > 0) this.timers.set(`s|${key}`, (e.flips.at(-1) as number) + rule.flapSeconds * 1000);
    }
    for (const device of this.devicesOf(rule)) this.evaluate(rule, device, now, now + graceMs);
    this.flush();
  }

  /** Takes a rule out (deleted, disabled): its alerts go back to OK without notifications. */
  removeRule(id: number, record = true): void {
    const rule = this.rules.get(id);
    if (!rule) return;
    this.rules.delete(id);
    this.index.remove(rule);
    this.noDataRules.delete(rule);
    const own = this.alerts.get(id);
    if (own && record) for (const e of [...own.values()]) this.toOk(rule, e, this.now(), null);
    else this.alerts.delete(id);
    for (const key of [...this.lastValue.keys()]) if (key.startsWith(`${id}|`)) this.lastValue.delete(key);
    this.flush();
  }

  /** Called with every applied batch of changes. */
  onApplied(applied: ReadonlyArray<readonly [DeviceState, DeviceChange]>): void {
    if (this.rules.size === 0) return;
    const now = this.now();
    for (const [device, change] of applied) {
      if (change.removed) {
        this.dropDevice(device.serial, now);
        continue;
      }
      if (change.owner !== undefined || change.createdAt !== undefined) {
        // Rare: who may see it changed, or it is new: every rule that may concern it.
        for (const rule of this.rules.values()) this.evaluate(rule, device, now, now);
        this.online.set(device.serial, device.online);
        continue;
      }
      if (this.online.get(device.serial) !== device.online) {
        this.online.set(device.serial, device.online);
        this.evaluateField(PRESENCE, device, now);
      }
      const values = change.values;
      if (!values) continue;
      for (const name in values) this.evaluateField(name, device, now);
    }
    this.flush();
  }

  /** A user acknowledges a firing alert; false when it is not firing (or already acknowledged). */
  acknowledge(ruleId: number, serial: string, userId: number | null, comment: string | null): AlertEntry | null {
    const rule = this.rules.get(ruleId);
    const e = this.entry(ruleId, serial);
    if (!rule || !e || e.state !== 'FIRING' || e.ackAt !== null) return null;
    const now = this.now();
    e.ackUserId = userId;
    e.ackAt = now;
    e.ackComment = comment;
    // Acknowledged: no more reminders.
    e.dueAt = null;
    this.timers.cancel(`d|${keyOf(ruleId, serial)}`);
    this.out.push({
      rule,
      serial,
      from: 'FIRING',
      to: 'ACKNOWLEDGED',
      at: now,
      value: e.value,
      entry: { ...e },
      notify: null,
      userId,
      comment,
    });
    this.flush();
    return e;
  }

  stop(): void {
    this.timers.stop();
  }

  private *devicesOf(rule: CompiledRule): Iterable<DeviceState> {
    if (rule.serial !== null) {
      const d = this.fleet.get(rule.serial);
      if (d) yield d;
      return;
    }
    if (!rule.scopeAll && this.byOwner) yield* this.byOwner.get(rule.ownerId) ?? [];
    else yield* this.fleet.devices.values();
  }

  private dropDevice(serial: string, now: number): void {
    for (const rule of this.rules.values()) {
      const key = keyOf(rule.id, serial);
      const e = this.entry(rule.id, serial);
      if (e) this.toOk(rule, e, now, null);
      this.lastValue.delete(key);
      this.timers.cancel(`n|${key}`);
    }
    this.online.delete(serial);
  }

  /** One rule on one device, now. `noDataFrom`: when a no-data clock that starts now starts (a restart's grace). */
  private evaluate(rule: CompiledRule, device: DeviceState, now: number, noDataFrom: number, arrived = false): void {
    const e = this.entry(rule.id, device.serial);
    if (!ruleMatches(rule, device)) {
      if (e) this.toOk(rule, e, now, null);
      if (rule.noDataSeconds !== null) {
        const key = keyOf(rule.id, device.serial);
        this.lastValue.delete(key);
        this.timers.cancel(`n|${key}`);
      }
      return;
    }
    if (rule.noDataSeconds !== null) {
      const key = keyOf(rule.id, device.serial);
      if (arrived) this.lastValue.set(key, now);
      else if (!this.lastValue.has(key)) this.lastValue.set(key, noDataFrom);
      // A value came: a no-data alert resolves; the clock runs from it.
      if (arrived && e?.state === 'FIRING') this.resolve(rule, e, now, device.params[rule.parameter] ?? null);
      if (!this.timers.has(`n|${key}`) && e?.state !== 'FIRING')
        this.timers.set(`n|${key}`, (this.lastValue.get(key) as number) + rule.noDataSeconds * 1000);
      return;
    }
    const value = rule.parameter === PRESENCE ? device.online : device.params[rule.parameter];
    const state = e?.state ?? 'OK';
    if (state === 'OK' || state === 'RESOLVED') {
      if (!holds(rule, value)) return;
      if (rule.forSeconds > 0)
        this.move(rule, device.serial, e ?? null, 'PENDING', now, value ?? null, now + rule.forSeconds * 1000);
      else this.fire(rule, device.serial, e ?? null, now, value ?? null);
    } else if (state === 'PENDING') {
      if (!holds(rule, value)) this.toOk(rule, e as AlertEntry, now, value ?? null);
    } else if (clears(rule, value)) {
      this.resolve(rule, e as AlertEntry, now, value ?? null);
    }
  }

  private onTimer(key: string, at: number): void {
    const kind = key.slice(0, 1);
    const entryKey = key.slice(2);
    const bar = entryKey.indexOf('|');
    const rule = this.rules.get(Number(entryKey.slice(0, bar)));
    const serial = entryKey.slice(bar + 1);
    if (!rule) return;
    const now = Math.max(at, this.now());
    const e = this.entry(rule.id, serial);
    if (kind === 'n') {
      const last = this.lastValue.get(entryKey);
      const device = this.fleet.get(serial);
      if (last === undefined || !device) return;
      const due = last + (rule.noDataSeconds as number) * 1000;
      if (due > now) this.timers.set(key, due);
      else if (e?.state !== 'FIRING') this.fire(rule, serial, e ?? null, now, null);
    } else if (kind === 's') {
      if (e) this.settle(rule, e, now);
    } else if (e?.state === 'PENDING') {
      const device = this.fleet.get(serial);
      const value = device && (rule.parameter === PRESENCE ? device.online : device.params[rule.parameter]);
      if (device && holds(rule, value)) this.fire(rule, serial, e, now, value ?? null);
      else this.toOk(rule, e, now, value ?? null);
    } else if (e?.state === 'FIRING' && e.ackAt === null && rule.reminderSeconds !== null) {
      e.dueAt = now + rule.reminderSeconds * 1000;
      this.timers.set(`d|${entryKey}`, e.dueAt);
      this.out.push({
        rule,
        serial,
        from: 'FIRING',
        to: 'REMINDED',
        at: now,
        value: e.value,
        entry: { ...e },
        notify: 'REMINDER',
        silent: true,
      });
    } else if (e?.state === 'RESOLVED') {
      this.toOk(rule, e, now, e.value);
    }
    this.flush();
  }

  private fire(rule: CompiledRule, serial: string, e: AlertEntry | null, now: number, value: Scalar | null): void {
    const due = rule.reminderSeconds !== null ? now + rule.reminderSeconds * 1000 : null;
    const next = this.move(rule, serial, e, 'FIRING', now, value, due);
    next.firedAt = now;
    next.ackUserId = null;
    next.ackAt = null;
    next.ackComment = null;
    this.timers.cancel(`n|${keyOf(rule.id, serial)}`);
  }

  private resolve(rule: CompiledRule, e: AlertEntry, now: number, value: Scalar | null): void {
    this.move(rule, e.serial, e, 'RESOLVED', now, value, now + ALERT_LIMITS.resolvedKeepMs);
    if (rule.noDataSeconds !== null) {
      const key = keyOf(rule.id, e.serial);
      this.timers.set(`n|${key}`, (this.lastValue.get(key) ?? now) + rule.noDataSeconds * 1000);
    }
  }

  /**
   * Back to OK (the row goes), stored but not notified: a PENDING condition that did not last, a RESOLVED
   * alert kept long enough, a device that left the rule, a rule that went.
   */
  private toOk(rule: CompiledRule, e: AlertEntry, now: number, value: Scalar | null): void {
    const key = keyOf(rule.id, e.serial);
    this.drop(rule.id, e.serial);
    this.timers.cancel(`d|${key}`);
    this.timers.cancel(`s|${key}`);
    this.out.push({ rule, serial: e.serial, from: e.state, to: 'OK', at: now, value, entry: null, notify: null });
  }

  /** A transition to PENDING, FIRING or RESOLVED; notifies on FIRING and RESOLVED unless flapping. */
  private move(
    rule: CompiledRule,
    serial: string,
    e: AlertEntry | null,
    to: 'PENDING' | 'FIRING' | 'RESOLVED',
    now: number,
    value: Scalar | null,
    dueAt: number | null,
  ): AlertEntry {
    const key = keyOf(rule.id, serial);
    const from: AlertStateName = e?.state ?? 'OK';
    const next: AlertEntry = e ?? {
      ruleId: rule.id,
      serial,
      state: to,
      since: now,
      dueAt: null,
      value,
      firedAt: null,
      ackUserId: null,
      ackAt: null,
      ackComment: null,
      flips: [],
      suppressed: 0,
    };
    next.state = to;
    next.since = now;
    next.value = value;
    next.dueAt = dueAt;
    this.put(next);
    if (dueAt === null) this.timers.cancel(`d|${key}`);
    else this.timers.set(`d|${key}`, dueAt);
    let notify: NotificationKind | null = null;
    if (to === 'FIRING' || (to === 'RESOLVED' && from === 'FIRING')) {
      const window = rule.flapSeconds * 1000;
      next.flips = next.flips.filter((t) => t > now - window);
      next.flips.push(now);
      if (next.flips.length > rule.flapCount) {
        // Flapping: held back; one summary once it settles (no change for the window).
        next.suppressed++;
        this.timers.set(`s|${key}`, now + window);
      } else notify = to;
    }
    const frameAt = this.fleet.get(serial)?.lastSeen ?? null;
    this.out.push({ rule, serial, from, to, at: now, value, entry: { ...next, flips: [...next.flips] }, notify, frameAt });
    return next;
  }

  /** The flapping window passed: one summary of what was held back, with the state now. */
  private settle(rule: CompiledRule, e: AlertEntry, now: number): void {
    const window = rule.flapSeconds * 1000;
    const last = e.flips.at(-1) ?? 0;
    if (last + window > now) {
      this.timers.set(`s|${keyOf(rule.id, e.serial)}`, last + window);
      return;
    }
    const held = e.suppressed;
    e.flips = [];
    e.suppressed = 0;
    if (held > 0)
      this.out.push({
        rule,
        serial: e.serial,
        from: e.state,
        to: e.state,
        at: now,
        value: e.value,
        entry: { ...e },
        notify: 'FLAPPING',
        held,
        silent: true,
      });
  }

  /** A value of `field` changed on `device` (or its presence): the rules that concern it, by index. */
  private evaluateField(field: string, device: DeviceState, now: number): void {
    const slot = this.index.slot(field);
    if (!slot) return;
    this.evaluateAll(slot.all, field, device, now);
    const own = slot.owner.size > 0 ? slot.owner.get(device.ownerId) : undefined;
    if (own) this.evaluateAll(own, field, device, now);
    const named = slot.serial.size > 0 ? slot.serial.get(device.serial) : undefined;
    if (named) this.evaluateAll(named, field, device, now);
  }

  private evaluateAll(rules: readonly CompiledRule[], field: string, device: DeviceState, now: number): void {
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i] as CompiledRule;
      this.evaluate(rule, device, now, now, rule.noDataSeconds !== null && field === rule.parameter);
    }
  }

  private entry(ruleId: number, serial: string): AlertEntry | undefined {
    return this.alerts.get(ruleId)?.get(serial);
  }

  private put(e: AlertEntry): void {
    let own = this.alerts.get(e.ruleId);
    if (!own) {
      own = new Map();
      this.alerts.set(e.ruleId, own);
    }
    own.set(e.serial, e);
  }

  private drop(ruleId: number, serial: string): void {
    const own = this.alerts.get(ruleId);
    if (!own) return;
    own.delete(serial);
    if (own.size === 0) this.alerts.delete(ruleId);
  }

  private flush(): void {
    if (this.out.length === 0) return;
    const batch = this.out;
    this.out = [];
    this.emit(batch);
  }
}
