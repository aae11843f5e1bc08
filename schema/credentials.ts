import type { KeyInfo, TokenInfo } from '../server/auth/credentials.ts';
import { BadInputError, ForbiddenError } from '../server/errors.ts';
import { DAY_MS } from '../server/time.ts';
import { requireAdmin, requireScope, requireViewer } from './access.ts';
import { builder } from './builder.ts';
import { DeviceRef } from './device.ts';

const DeviceTokenRef = builder.objectRef<TokenInfo>('DeviceToken').implement({
  description: 'A credential of one device; the secret itself is shown only when it is made.',
  fields: (t) => ({
    id: t.exposeInt('id', { description: 'Stable numeric id (for revokeDeviceToken).' }),
    label: t.exposeString('label', { description: 'What it is for, as its maker named it.' }),
    createdAt: t.field({ type: 'DateTime', description: 'When it was made.', resolve: (k) => k.createdAt }),
    expiresAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When it stops working; null: never.',
      resolve: (k) => k.expiresAt,
    }),
    revokedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When it was revoked; null while live.',
      resolve: (k) => k.revokedAt,
    }),
  }),
});

const NewDeviceTokenRef = builder.objectRef<{ secret: string; info: TokenInfo }>('NewDeviceToken').implement({
  description: 'A device token just made: its secret, shown this once, and its details.',
  fields: (t) => ({
    secret: t.exposeString('secret', { description: 'Give it to the device now: it is never shown again.' }),
    token: t.field({ type: DeviceTokenRef, description: 'The token as Device.tokens lists it.', resolve: (n) => n.info }),
  }),
});

const EnrollmentKeyRef = builder.objectRef<KeyInfo>('EnrollmentKey').implement({
  description: 'A credential of an owner: a device connecting with it and a new serial becomes theirs.',
  fields: (t) => ({
    id: t.exposeInt('id', { description: 'Stable numeric id (for revokeEnrollmentKey).' }),
    label: t.exposeString('label', { description: 'What it is for, as its maker named it.' }),
    owner: t.string({
      nullable: true,
      description: 'Username of the owner its devices go to.',
      resolve: async (k, _a, ctx) => (await ctx.accounts.usernameOf(k.ownerId)) ?? null,
    }),
    createdAt: t.field({ type: 'DateTime', description: 'When it was made.', resolve: (k) => k.createdAt }),
    revokedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When it was revoked; null while live.',
      resolve: (k) => k.revokedAt,
    }),
  }),
});

const NewEnrollmentKeyRef = builder.objectRef<{ secret: string; info: KeyInfo }>('NewEnrollmentKey').implement({
  description: 'An enrollment key just made: its secret, shown this once, and its details.',
  fields: (t) => ({
    secret: t.exposeString('secret', { description: 'Shown once.' }),
    key: t.field({ type: EnrollmentKeyRef, description: 'The key as enrollmentKeys lists it.', resolve: (n) => n.info }),
  }),
});

builder.objectField(DeviceRef, 'tokens', (t) =>
  t.field({
    type: [DeviceTokenRef],
    description: 'Its tokens, revoked ones included (owner or admin).',
    resolve: (d, _args, ctx) => ctx.deviceAdmin.tokens(d.serial, requireScope(ctx)),
  }),
);

builder.mutationField('createDeviceToken', (t) =>
  t.field({
    type: NewDeviceTokenRef,
    description: 'A token for one of your devices. From its first token on, the device must connect with a token of its own.',
    args: {
      serial: t.arg.string({ required: true, description: 'The device’s serial.' }),
      label: t.arg.string({ required: false, description: 'What it is for (at most 100 characters).' }),
      expiresInDays: t.arg.int({ required: false, description: 'None: it does not expire.' }),
    },
    resolve: (_root, { serial, label, expiresInDays }, ctx) => {
      if (expiresInDays !== null && expiresInDays !== undefined && (expiresInDays < 1 || expiresInDays > 3650))
        throw new BadInputError('expiresInDays is 1 to 3650');
      const expiresAt = expiresInDays ? Date.now() + expiresInDays * DAY_MS : null;
      return ctx.deviceAdmin.createToken(serial, requireScope(ctx), label ?? null, expiresAt);
    },
  }),
);

builder.mutationField('revokeDeviceToken', (t) =>
  t.boolean({
    description: 'Revokes a token; a device connected with it is disconnected at once.',
    args: { id: t.arg.int({ required: true, description: 'The token’s id (DeviceToken.id).' }) },
    resolve: async (_root, { id }, ctx) => {
      await ctx.deviceAdmin.revokeToken(id, requireScope(ctx));
      return true;
    },
  }),
);

builder.queryField('enrollmentKeys', (t) =>
  t.field({
    type: [EnrollmentKeyRef],
    description: 'Your enrollment keys (an admin sees everyone’s).',
    resolve: (_root, _args, ctx) => {
      const viewer = requireViewer(ctx);
      return ctx.credentials.keysOf(viewer.role === 'admin' ? null : viewer.id);
    },
  }),
);

builder.mutationField('createEnrollmentKey', (t) =>
  t.field({
    type: NewEnrollmentKeyRef,
    description: 'An enrollment key for yourself, or (admins) for another owner.',
    args: {
      label: t.arg.string({ required: false, description: 'What it is for (at most 100 characters).' }),
      owner: t.arg.string({ required: false, description: 'Username of the owner (admins only); omitted: yourself.' }),
    },
    resolve: async (_root, { label, owner }, ctx) => {
      const viewer = requireViewer(ctx);
      let ownerId = viewer.id;
      if (owner && owner !== viewer.username) {
        requireAdmin(ctx);
        const user = await ctx.accounts.userByName(owner);
        if (!user) throw new ForbiddenError(`no user ${owner}`);
        ownerId = user.id;
      }
      return ctx.credentials.createKey(ownerId, label ?? null);
    },
  }),
);

builder.mutationField('revokeEnrollmentKey', (t) =>
  t.boolean({
    description: 'Revokes an enrollment key; devices registered with it stay registered.',
    args: { id: t.arg.int({ required: true, description: 'The key’s id (EnrollmentKey.id).' }) },
    resolve: async (_root, { id }, ctx) => {
      const viewer = requireViewer(ctx);
      const key = await ctx.credentials.key(id);
      if (!key || (viewer.role !== 'admin' && key.ownerId !== viewer.id)) throw new ForbiddenError(`no key ${id} of yours`);
      await ctx.credentials.revokeKey(id);
      return true;
    },
  }),
);
