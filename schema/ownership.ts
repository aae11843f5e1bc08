import { ForbiddenError } from '../server/errors.ts';
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
    args: { serial: t.arg.string({ required: true }), owner: t.arg.string({ required: false }) },
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

builder.mutationField('rejectDevice', (t) =>
  t.boolean({
    description: 'Removes a device from the fleet and refuses its serial from now on; its history is kept. Admins only.',
    authScopes: { admin: true },
    args: { serial: t.arg.string({ required: true }) },
    resolve: async (_root, { serial }, ctx) => {
      await ctx.deviceAdmin.reject(serial);
      return true;
    },
  }),
);
