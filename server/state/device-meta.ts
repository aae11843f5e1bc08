import { BadInputError } from '../errors.ts';

/** What an owner says about a device: a display name, free labels, groups. Absolute, never a delta. */
export interface DeviceMeta {
  name: string | null;
  /** key → value, no prototype. */
  labels: Record<string, string>;
  /** Sorted, without duplicates. */
  groups: string[];
}

/** Bounds (docs/metadata.md). */
export const META_LIMITS = {
  nameLength: 100,
  labelsPerDevice: 20,
  keyLength: 40,
  valueLength: 100,
  groupsPerDevice: 20,
  groupLength: 40,
} as const;

/** Label keys: like parameter names, so `label:<key>` is one token in conditions and URLs. */
const KEY = /^[A-Za-z0-9._-]+$/;
// Control characters make names unprintable and exports unreadable.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

/** The condition and sort fields of metadata: `:` never occurs in a parameter name, so these never collide. */
export const NAME_FIELD = 'meta:name';
export const GROUP_FIELD = 'meta:group';
export const LABEL_PREFIX = 'label:';

export const emptyMeta = (): DeviceMeta => ({ name: null, labels: Object.create(null), groups: [] });

function text(what: string, value: string, max: number): string {
  const trimmed = value.trim();
  if (trimmed.length > max) throw new BadInputError(`${what} is longer than ${max} characters`);
  if (CONTROL.test(trimmed)) throw new BadInputError(`${what} holds a control character`);
  return trimmed;
}

/** A display name as stored: trimmed; empty means none. */
export function checkName(name: string | null): string | null {
  if (name === null) return null;
  const t = text('name', name, META_LIMITS.nameLength);
  return t === '' ? null : t;
}

export function checkKey(key: string): string {
  const k = key.trim();
  if (k.length === 0 || k.length > META_LIMITS.keyLength || !KEY.test(k))
    throw new BadInputError(`label key "${key}" must be 1 to ${META_LIMITS.keyLength} of A-Z a-z 0-9 . _ -`);
  return k;
}

export function checkValue(value: string): string {
  return text('label value', value, META_LIMITS.valueLength);
}

export function checkGroup(group: string): string {
  const g = text('group', group, META_LIMITS.groupLength);
  if (g === '') throw new BadInputError('a group name must not be empty');
  return g;
}

export function checkLabels(labels: ReadonlyArray<{ key: string; value: string }>): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  for (const l of labels) out[checkKey(l.key)] = checkValue(l.value);
  if (Object.keys(out).length > META_LIMITS.labelsPerDevice)
    throw new BadInputError(`at most ${META_LIMITS.labelsPerDevice} labels per device`);
  return out;
}

export function checkGroups(groups: readonly string[]): string[] {
  const out = [...new Set(groups.map(checkGroup))].sort();
  if (out.length > META_LIMITS.groupsPerDevice)
    throw new BadInputError(`at most ${META_LIMITS.groupsPerDevice} groups per device`);
  return out;
}

/** A change to many devices' labels and groups (a bulk edit of a filtered set). */
export interface MetaEdit {
  setLabels: Record<string, string>;
  removeLabels: string[];
  addGroups: string[];
  removeGroups: string[];
}

/** The metadata after an edit; throws when the result exceeds a bound. */
export function editMeta(meta: DeviceMeta, edit: MetaEdit): DeviceMeta {
  const labels = Object.assign(Object.create(null), meta.labels) as Record<string, string>;
  for (const k of edit.removeLabels) delete labels[k];
  Object.assign(labels, edit.setLabels);
  if (Object.keys(labels).length > META_LIMITS.labelsPerDevice)
    throw new BadInputError(`at most ${META_LIMITS.labelsPerDevice} labels per device`);
  const removed = new Set(edit.removeGroups);
  const groups = [...new Set([...meta.groups.filter((g) => !removed.has(g)), ...edit.addGroups])].sort();
  if (groups.length > META_LIMITS.groupsPerDevice)
    throw new BadInputError(`at most ${META_LIMITS.groupsPerDevice} groups per device`);
  return { name: meta.name, labels, groups };
}

export function sameMeta(a: DeviceMeta, b: DeviceMeta): boolean {
  if (a.name !== b.name || a.groups.length !== b.groups.length) return false;
  for (let i = 0; i < a.groups.length; i++) if (a.groups[i] !== b.groups[i]) return false;
  const ka = Object.keys(a.labels);
  if (ka.length !== Object.keys(b.labels).length) return false;
  for (const k of ka) if (a.labels[k] !== b.labels[k]) return false;
  return true;
}
