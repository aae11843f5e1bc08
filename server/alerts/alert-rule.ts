import type { Scalar } from '../../protocol/values.ts';
import { nameProblem, RESERVED_NAMES } from '../../protocol/values.ts';
import { BadInputError } from '../errors.ts';
import type { DeviceState } from '../state/fleet.ts';
import { type Condition, compileWhere, MAX_CONDITIONS, type Predicate } from '../state/query.ts';

export const ALERT_OPS = ['GT', 'LT', 'GTE', 'LTE', 'EQUALS', 'NOT_EQUALS'] as const;
export type AlertOp = (typeof ALERT_OPS)[number];
export const SEVERITIES = ['INFO', 'WARNING', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const ALERT_STATES = ['OK', 'PENDING', 'FIRING', 'RESOLVED'] as const;
export type AlertStateName = (typeof ALERT_STATES)[number];

/** Bounds of a rule (docs/alerts.md). */
export const ALERT_LIMITS = {
  nameChars: 100,
  maxForSeconds: 7 * 86_400,
  minNoDataSeconds: 1,
  maxNoDataSeconds: 30 * 86_400,
  maxReminderSeconds: 7 * 86_400,
  maxFlapCount: 1000,
  maxFlapSeconds: 86_400,
  maxChannels: 10,
  commentChars: 1000,
  /** A RESOLVED alert shows as such this long, then it is OK (its row goes). */
  resolvedKeepMs: 3_600_000,
} as const;

/** The parameter that stands for presence: `online EQUALS false` for 900 s is "offline for 15 minutes". */
export const PRESENCE = 'online';

/** A rule as stored, read back. */
export interface RuleRow {
  id: number;
  ownerId: number | null;
  scopeAll: boolean;
  name: string;
  where: Condition[];
  parameter: string;
  op: AlertOp | null;
  threshold: Scalar;
  clearThreshold: Scalar;
  forSeconds: number;
  noDataSeconds: number | null;
  severity: Severity;
  enabled: boolean;
  reminderSeconds: number | null;
  flapCount: number;
  flapSeconds: number;
  notify: number[];
}

/** A rule ready to evaluate. */
export interface CompiledRule extends RuleRow {
  match: Predicate;
  /** The threshold a FIRING alert resolves past (hysteresis): clearThreshold, or the threshold. */
  clear: Scalar;
  /** A serial its `where` names with EQUALS (it concerns that device only), else null. */
  serial: string | null;
  /** Parameters whose change can change its outcome: its parameter and its conditions' fields. */
  fields: string[];
}

function compare(value: Scalar | undefined, op: AlertOp, threshold: Scalar): boolean | null {
  if (value === undefined || value === null) return null;
  if (op === 'EQUALS' || op === 'NOT_EQUALS') {
    const equal = typeof threshold === 'number' && typeof value !== 'number' ? false : String(value) === String(threshold);
    return op === 'EQUALS' ? equal : !equal;
  }
  if (typeof value !== 'number' || typeof threshold !== 'number') return null;
  switch (op) {
    case 'GT':
      return value > threshold;
    case 'LT':
      return value < threshold;
    case 'GTE':
      return value >= threshold;
    default:
      return value <= threshold;
  }
}

export function compileRule(row: RuleRow): CompiledRule {
  const serial = row.where.find((c) => c.field === 'serial' && c.op === 'EQUALS')?.value ?? null;
  return {
    ...row,
    match: compileWhere(row.where),
    clear: row.clearThreshold ?? row.threshold,
    serial,
    fields: [...new Set([row.parameter, ...row.where.map((c) => c.field)])],
  };
}

// Plain functions over the rule's fields rather than closures per rule: evaluated for every frame, and with
// thousands of rules each closure and its context is memory the frame would have to touch.

/** The condition that makes it fire (PENDING, then FIRING). No data: the timers decide, values only clear it. */
export function holds(rule: CompiledRule, value: Scalar | undefined): boolean {
  return rule.op !== null && compare(value, rule.op, rule.threshold) === true;
}

/** While FIRING: the value is past the clear threshold (hysteresis). A value that cannot be compared leaves it. */
export function clears(rule: CompiledRule, value: Scalar | undefined): boolean {
  return rule.op !== null && compare(value, rule.op, rule.clear) === false;
}

/** Whether a rule concerns a device: its scope and its conditions. */
export function ruleMatches(rule: CompiledRule, device: DeviceState): boolean {
  return ruleSees(rule, device) && rule.match(device);
}

/** What createAlertRule and updateAlertRule take. */
export interface RuleInput {
  name: string;
  where: Condition[];
  parameter: string;
  op?: AlertOp | null;
  threshold?: Scalar;
  clearThreshold?: Scalar;
  forSeconds?: number | null;
  noDataSeconds?: number | null;
  severity?: Severity | null;
  reminderSeconds?: number | null;
  flapCount?: number | null;
  flapSeconds?: number | null;
  notify?: number[] | null;
}

const intIn = (label: string, v: number, min: number, max: number) => {
  if (!Number.isInteger(v) || v < min || v > max)
    throw new BadInputError(`${label} must be a whole number from ${min} to ${max}`);
  return v;
};

/** Checks a rule's input; the stored fields, or a BadInputError that says what is wrong. */
export function checkRule(input: RuleInput): Omit<RuleRow, 'id' | 'ownerId' | 'scopeAll' | 'enabled'> {
  const name = input.name.trim();
  if (name.length === 0 || name.length > ALERT_LIMITS.nameChars)
    throw new BadInputError(`name must be 1 to ${ALERT_LIMITS.nameChars} characters`);
  if (input.where.length > MAX_CONDITIONS) throw new BadInputError(`at most ${MAX_CONDITIONS} conditions`);
  compileWhere(input.where);
  const parameter = input.parameter;
  if (parameter !== PRESENCE && (nameProblem(parameter) !== null || RESERVED_NAMES.has(parameter)))
    throw new BadInputError(`parameter must be a parameter name or "${PRESENCE}"`);
  const op = input.op ?? null;
  const noDataSeconds =
    input.noDataSeconds == null
      ? null
      : intIn('noDataSeconds', input.noDataSeconds, ALERT_LIMITS.minNoDataSeconds, ALERT_LIMITS.maxNoDataSeconds);
  const forSeconds = intIn('forSeconds', input.forSeconds ?? 0, 0, ALERT_LIMITS.maxForSeconds);
  let threshold: Scalar = input.threshold ?? null;
  let clearThreshold: Scalar = input.clearThreshold ?? null;
  if (noDataSeconds !== null) {
    if (op !== null || threshold !== null) throw new BadInputError('a no-data rule has noDataSeconds and no op or threshold');
    if (parameter === PRESENCE) throw new BadInputError(`no data of "${PRESENCE}": use ${PRESENCE} EQUALS false with forSeconds`);
  } else {
    if (op === null || threshold === null) throw new BadInputError('a rule needs op and threshold (or noDataSeconds)');
    if (parameter === PRESENCE) {
      if (op !== 'EQUALS' && op !== 'NOT_EQUALS') throw new BadInputError(`${PRESENCE} compares with EQUALS or NOT_EQUALS`);
      if (threshold !== true && threshold !== false) throw new BadInputError(`${PRESENCE} compares with true or false`);
      clearThreshold = null;
    } else if (op !== 'EQUALS' && op !== 'NOT_EQUALS') {
      if (typeof threshold !== 'number' || !Number.isFinite(threshold)) throw new BadInputError(`${op} needs a number threshold`);
      if (clearThreshold !== null) {
        if (typeof clearThreshold !== 'number' || !Number.isFinite(clearThreshold))
          throw new BadInputError('clearThreshold must be a number');
        const wrongSide = op === 'GT' || op === 'GTE' ? clearThreshold > threshold : clearThreshold < threshold;
        if (wrongSide)
          throw new BadInputError(
            `clearThreshold must be on the clear side of the threshold (${op === 'GT' || op === 'GTE' ? 'at most' : 'at least'} ${threshold})`,
          );
      }
    }
    if (typeof threshold === 'string' && threshold.length > 1024) throw new BadInputError('threshold of at most 1024 characters');
    threshold = threshold as Scalar;
  }
  const flapCount = intIn('flapCount', input.flapCount ?? 5, 1, ALERT_LIMITS.maxFlapCount);
  const flapSeconds = intIn('flapSeconds', input.flapSeconds ?? 600, 1, ALERT_LIMITS.maxFlapSeconds);
  const reminderSeconds =
    input.reminderSeconds == null ? null : intIn('reminderSeconds', input.reminderSeconds, 1, ALERT_LIMITS.maxReminderSeconds);
  const notify = [...new Set(input.notify ?? [])];
  if (notify.length > ALERT_LIMITS.maxChannels) throw new BadInputError(`at most ${ALERT_LIMITS.maxChannels} channels`);
  return {
    name,
    where: input.where,
    parameter,
    op,
    threshold,
    clearThreshold,
    forSeconds,
    noDataSeconds,
    severity: input.severity ?? 'WARNING',
    reminderSeconds,
    flapCount,
    flapSeconds,
    notify,
  };
}

/** Whether a rule's scope holds a device. */
export function ruleSees(rule: Pick<RuleRow, 'scopeAll' | 'ownerId'>, device: DeviceState): boolean {
  return rule.scopeAll || (rule.ownerId !== null && device.ownerId === rule.ownerId);
}
