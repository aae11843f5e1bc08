import { BadInputError, ForbiddenError } from '../server/errors.ts';
import {
  checkGroup,
  checkGroups,
  checkKey,
  checkLabels,
  checkName,
  checkValue,
  type DeviceMeta,
  META_LIMITS,
} from '../server/state/device-meta.ts';
import { isVisible, matchingDevices, requireScope } from './access.ts';
import { builder } from './builder.ts';
import { ConditionInput } from './conditions.ts';
import { DeviceRef } from './device.ts';

// Who: a device's owner (and admins, and everyone in lab mode) names, labels and groups it; bulk edits touch
// only the devices the caller sees. Mutations need the `write` scope (roots.ts).

const LabelRef = builder.objectRef<{ key: string; value: string }>('Label').implement({
  description: 'A free label of a device, e.g. site=vienna.',
  fields: (t) => ({
    key: t.exposeString('key', { description: 'Its key: in conditions and sorting as `label:<key>`.' }),
    value: t.exposeString('value', { description: 'Its value.' }),
  }),
});

export const LabelInput = builder.inputType('LabelInput', {
  description: `A label to set. Keys: 1 to ${META_LIMITS.keyLength} of A-Z a-z 0-9 . _ -; values up to ${META_LIMITS.valueLength} characters.`,
  fields: (t) => ({
    key: t.string({ required: true, description: 'The key.' }),
    value: t.string({ required: true, description: 'The value (may be empty).' }),
  }),
});

const labelsOf = (meta: DeviceMeta | undefined) =>
  meta
    ? Object.entries(meta.labels)
        .map(([key, value]) => ({ key, value }))
        .sort((a, b) => (a.key < b.key ? -1 : 1))
    : [];

export const DeviceMetadataRef = builder.objectRef<DeviceMeta>('DeviceMetadata').implement({
  description: 'A device’s name, labels and groups, as a deviceUpdates batch carries them.',
  fields: (t) => ({
    name: t.string({ nullable: true, description: 'Its display name; null: none.', resolve: (m) => m.name }),
    labels: t.field({ type: [LabelRef], description: 'Its labels, by key.', resolve: (m) => labelsOf(m) }),
    groups: t.exposeStringList('groups', { description: 'Its groups, sorted.' }),
  }),
});

builder.objectFields(DeviceRef, (t) => ({
  name: t.string({
    nullable: true,
    description: 'The display name its owner gave it (`meta:name` in conditions and sorting); null: none.',
    resolve: (d) => d.meta?.name ?? null,
  }),
  labels: t.field({
    type: [LabelRef],
    description: 'Its free labels, by key (`label:<key>` in conditions and sorting).',
    resolve: (d) => labelsOf(d.meta),
  }),
  label: t.string({
    nullable: true,
    description: 'The value of one label; null when it has none.',
    args: { key: t.arg.string({ required: true, description: 'The label’s key.' }) },
    resolve: (d, { key }) => d.meta?.labels[key] ?? null,
  }),
  groups: t.stringList({
    description: 'The groups it is in, sorted (`meta:group` in conditions: EQUALS matches a device in that group).',
    resolve: (d) => d.meta?.groups ?? [],
  }),
}));

builder.mutationField('updateDevice', (t) =>
  t.field({
    type: DeviceRef,
    description: `Names, labels or groups one device; each argument given replaces what it had (omitted: unchanged). Its owner, admins. At most ${META_LIMITS.labelsPerDevice} labels and ${META_LIMITS.groupsPerDevice} groups; names up to ${META_LIMITS.nameLength} characters.`,
    args: {
      serial: t.arg.string({ required: true, description: 'The device.' }),
      name: t.arg.string({ required: false, description: 'Its display name; empty or null: none.' }),
      labels: t.arg({ type: [LabelInput], required: false, description: 'All its labels.' }),
      groups: t.arg.stringList({
        required: false,
        description: `All its groups (each up to ${META_LIMITS.groupLength} characters).`,
      }),
    },
    resolve: async (_root, args, ctx) => {
      requireScope(ctx);
      const device = ctx.fleet.get(args.serial);
      if (!device || !isVisible(ctx, device)) throw new ForbiddenError(`no device ${args.serial} of yours`);
      const next: Partial<DeviceMeta> = {};
      if (args.name !== undefined) next.name = checkName(args.name ?? null);
      if (args.labels != null) next.labels = checkLabels(args.labels);
      if (args.groups != null) next.groups = checkGroups(args.groups);
      return ctx.metadata.set(device, next);
    },
  }),
);

builder.mutationField('labelDevices', (t) =>
  t.int({
    description:
      'Labels and groups every device you see that matches where (all of them when omitted), at once; all or nothing when one would exceed a bound. Answers how many devices changed.',
    args: {
      where: t.arg({ type: [ConditionInput], required: false, description: 'As in `devices`.' }),
      legacyQuery: t.arg.stringList({ required: false, description: 'As in `devices`; and-ed with where.' }),
      setLabels: t.arg({
        type: [LabelInput],
        required: false,
        description: 'Labels to set (replacing a value under the same key).',
      }),
      removeLabels: t.arg.stringList({ required: false, description: 'Label keys to remove.' }),
      addGroups: t.arg.stringList({ required: false, description: 'Groups to put them in.' }),
      removeGroups: t.arg.stringList({ required: false, description: 'Groups to take them out of.' }),
    },
    resolve: async (_root, args, ctx) => {
      const devices = matchingDevices(ctx, args.where, args.legacyQuery);
      const lists = [args.removeLabels, args.addGroups, args.removeGroups];
      if (lists.some((l) => (l?.length ?? 0) > META_LIMITS.labelsPerDevice))
        throw new BadInputError(`at most ${META_LIMITS.labelsPerDevice} keys or groups to add or remove at once`);
      const edit = {
        setLabels: checkLabels(args.setLabels ?? []),
        removeLabels: (args.removeLabels ?? []).map(checkKey),
        addGroups: (args.addGroups ?? []).map(checkGroup),
        removeGroups: (args.removeGroups ?? []).map((g) => checkValue(g)),
      };
      return ctx.metadata.edit(devices, edit);
    },
  }),
);
