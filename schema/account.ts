import type { UserInfo } from '../server/auth/accounts.ts';
import { deleteUser, updateUser } from '../server/auth/user-admin.ts';
import type { Role } from '../server/auth/viewer.ts';
import { BadInputError, ForbiddenError } from '../server/errors.ts';
import { sessionCookie } from '../server/http/session-cookie.ts';
import { requireViewer } from './access.ts';
import { builder } from './builder.ts';

const RoleEnum = builder.enumType('Role', {
  description: 'admin sees every device and manages accounts; owner sees their own devices.',
  values: {
    ADMIN: { value: 'admin', description: 'Sees and controls every device; manages accounts.' },
    OWNER: { value: 'owner', description: 'Sees and controls their own devices.' },
  } as const,
});

export const UserRef = builder.objectRef<UserInfo>('User').implement({
  description: 'An account: a person who signs in to the dashboard, or whose API tokens scripts use.',
  fields: (t) => ({
    id: t.exposeInt('id', { description: 'Stable numeric id.' }),
    username: t.exposeString('username', { description: '1 to 64 letters, digits or _ . @ -; unique; never changes.' }),
    role: t.field({ type: RoleEnum, description: 'What the account may see and do.', resolve: (u) => u.role }),
    createdAt: t.field({ type: 'DateTime', description: 'When the account was created.', resolve: (u) => u.createdAt }),
    disabled: t.boolean({
      description: 'True while an admin has disabled the account: it cannot sign in and has no API tokens.',
      resolve: (u) => u.disabledAt !== null,
    }),
  }),
});

/** The full account of a signed-in viewer (the session holds only id, name and role). */
const accountOf = async (ctx: { accounts: { user(name: string): Promise<UserInfo | null> } }, username: string) => {
  const user = await ctx.accounts.user(username);
  if (!user) throw new ForbiddenError(`no user ${username}`);
  return user;
};

builder.queryField('me', (t) =>
  t.field({
    type: UserRef,
    nullable: true,
    description: 'Who is signed in; null when nobody is. Anyone may ask.',
    skipTypeScopes: true,
    resolve: (_root, _args, ctx) => (ctx.viewer ? accountOf(ctx, ctx.viewer.username) : null),
  }),
);

builder.queryField('authRequired', (t) =>
  t.boolean({
    description: 'False in lab mode (AUTH=off): everything is open. Anyone may ask.',
    skipTypeScopes: true,
    resolve: (_root, _args, ctx) => !ctx.authOff,
  }),
);

builder.mutationField('signIn', (t) =>
  t.field({
    type: UserRef,
    description: 'Checks the password and sets the session cookie (HTTP only). Failed attempts are limited. Anyone may ask.',
    skipTypeScopes: true,
    args: {
      username: t.arg.string({ required: true, description: 'The account’s username.' }),
      password: t.arg.string({ required: true, description: 'Its password.' }),
    },
    resolve: async (_root, { username, password }, ctx) => {
      if (!ctx.http) throw new ForbiddenError('sign in over HTTP, not over the subscription socket');
      const session = await ctx.accounts.signIn(username, password, ctx.http.address);
      ctx.http.setCookie(sessionCookie(session.token, session.expiresAt, ctx.http.secure));
      return accountOf(ctx, session.viewer.username);
    },
  }),
);

builder.mutationField('signOut', (t) =>
  t.boolean({
    description: 'Ends this session (and its live subscriptions) and clears the cookie. Anyone may ask.',
    skipTypeScopes: true,
    resolve: async (_root, _args, ctx) => {
      if (!ctx.http) throw new ForbiddenError('sign out over HTTP');
      await ctx.accounts.signOut(ctx.http.token);
      ctx.http.setCookie(sessionCookie(null, 0, ctx.http.secure));
      return true;
    },
  }),
);

builder.mutationField('changePassword', (t) =>
  t.boolean({
    description:
      'A new password (at least 10 characters); every other session of this user ends. Signed-in browsers only, not tokens.',
    authScopes: { session: true },
    args: {
      current: t.arg.string({ required: true, description: 'The password now.' }),
      next: t.arg.string({ required: true, description: 'The new one: 10 to 256 characters.' }),
    },
    resolve: async (_root, { current, next }, ctx) => {
      await ctx.accounts.changePassword(requireViewer(ctx), current, next, ctx.http?.token);
      return true;
    },
  }),
);

builder.queryField('users', (t) =>
  t.field({
    type: [UserRef],
    description: 'Every account (admins only).',
    authScopes: { admin: true },
    resolve: (_root, _args, ctx) => ctx.accounts.users(),
  }),
);

builder.mutationField('createUser', (t) =>
  t.field({
    type: UserRef,
    description: 'A new account (admins only).',
    authScopes: { admin: true },
    args: {
      username: t.arg.string({ required: true, description: '1 to 64 letters, digits or _ . @ -.' }),
      password: t.arg.string({ required: true, description: '10 to 256 characters.' }),
      role: t.arg({ type: RoleEnum, required: true, description: 'What the account may do.' }),
    },
    resolve: async (_root, { username, password, role }, ctx) => {
      await ctx.accounts.createUser(username, password, role as Role);
      return accountOf(ctx, username);
    },
  }),
);

builder.mutationField('updateUser', (t) =>
  t.field({
    type: UserRef,
    description:
      'Changes an account’s role or disables/enables it (admins only). A new role or a disable signs the user out everywhere and revokes their API tokens. Nobody may demote or disable themselves.',
    authScopes: { admin: true },
    args: {
      username: t.arg.string({ required: true, description: 'The account to change.' }),
      role: t.arg({ type: RoleEnum, required: false, description: 'The new role; unchanged when omitted.' }),
      disabled: t.arg.boolean({ required: false, description: 'True disables, false enables; unchanged when omitted.' }),
    },
    resolve: (_root, { username, role, disabled }, ctx) => {
      if ((role ?? null) === null && (disabled ?? null) === null) throw new BadInputError('give role or disabled');
      return updateUser(ctx, requireViewer(ctx), username, {
        ...(role ? { role: role as Role } : {}),
        ...(disabled === null || disabled === undefined ? {} : { disabled }),
      });
    },
  }),
);

builder.mutationField('deleteUser', (t) =>
  t.int({
    description:
      'Deletes an account (admins only), with its sessions, API tokens and enrollment keys; its devices go back to the unclaimed list, history kept. Answers how many devices it owned. Not yourself.',
    authScopes: { admin: true },
    args: { username: t.arg.string({ required: true, description: 'The account to delete.' }) },
    resolve: (_root, { username }, ctx) => deleteUser(ctx, requireViewer(ctx), username),
  }),
);
