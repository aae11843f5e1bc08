import { BadInputError, ForbiddenError } from '../server/errors.ts';
import { builder } from './builder.ts';
import { DeviceRef } from './device.ts';

builder.objectField(DeviceRef, 'owner', (t) =>
  t.string({
    nullable: true,
    description: 'Username of its owner; null while unclaimed.',
    resolve: async (d, _args, ctx) => (d.ownerId === null ? null : ((await ctx.accounts.usernameOf(d.ownerId)) ?? null)),
  }),
);

builder.queryField('unclaimedDevices', (t) =>
  t.field({
    type: [DeviceRef],
    description: 'Devices that connected without credentials and belong to nobody yet (admins only).',
    authScopes: { admin: true },
    resolve: (_root, _args, ctx) =>
      [...ctx.fleet.devices.values()].filter((d) => d.ownerId === null).sort((a, b) => (a.serial < b.serial ? -1 : 1)),
  }),
);

builder.mutationField('assignDevice', (t) =>
  t.field({
    type: DeviceRef,
    description: 'Gives a device to an owner (null: back to unclaimed). Admins only.',
    authScopes: { admin: true },
    args: {
      serial: t.arg.string({ required: true, description: 'The device’s serial.' }),
      owner: t.arg.string({ required: false, description: 'Username of the new owner; null or omitted: unclaimed.' }),
    },
    resolve: async (_root, { serial, owner }, ctx) => {
      let ownerId: number | null = null;
      if (owner) {
        const user = await ctx.accounts.userByName(owner);
        if (!user) throw new ForbiddenError(`no user ${owner}`);
        ownerId = user.id;
      }
      await ctx.deviceAdmin.assign(serial, ownerId);
      const device = ctx.fleet.get(serial);
      if (!device) throw new ForbiddenError(`no device ${serial}`);
      return device;
    },
  }),
);

/** Most serials one assignDevices call takes. */
export const MAX_ASSIGN_SERIALS = 1000;

builder.mutationField('assignDevices', (t) =>
  t.int({
    description: `Gives several devices to one owner at once (null: back to unclaimed), at most ${MAX_ASSIGN_SERIALS} serials. All or nothing: an unknown serial or owner changes none. Answers how many were assigned. Admins only.`,
    authScopes: { admin: true },
    args: {
      serials: t.arg.stringList({ required: true, description: 'The devices’ serials.' }),
      owner: t.arg.string({ required: false, description: 'Username of the new owner; null or omitted: unclaimed.' }),
    },
    resolve: async (_root, { serials, owner }, ctx) => {
      if (serials.length > MAX_ASSIGN_SERIALS) throw new BadInputError(`at most ${MAX_ASSIGN_SERIALS} serials at once`);
      const unknown = serials.filter((s) => !ctx.fleet.get(s));
      if (unknown.length > 0) throw new BadInputError(`no device ${unknown.slice(0, 5).join(', ')}`);
      let ownerId: number | null = null;
      if (owner) {
        const user = await ctx.accounts.userByName(owner);
        if (!user) throw new BadInputError(`no user ${owner}`);
        ownerId = user.id;
      }
      for (const serial of new Set(serials)) await ctx.deviceAdmin.assign(serial, ownerId);
      return new Set(serials).size;
    },
  }),
);

builder.mutationField('rejectDevice', (t) =>
  t.boolean({
    description: 'Removes a device from the fleet and refuses its serial from now on; its history is kept. Admins only.',
    authScopes: { admin: true },
    args: { serial: t.arg.string({ required: true, description: 'The device’s serial.' }) },
    resolve: async (_root, { serial }, ctx) => {
      await ctx.deviceAdmin.reject(serial);
      return true;
    },
  }),
);
