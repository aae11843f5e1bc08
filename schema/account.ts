import type { Role, Viewer } from '../server/auth/viewer.ts';
import { ForbiddenError } from '../server/errors.ts';
import { sessionCookie } from '../server/http/session-cookie.ts';
import { requireViewer } from './access.ts';
import { builder } from './builder.ts';

const RoleEnum = builder.enumType('Role', {
  description: 'admin sees every device and manages accounts; owner sees their own devices.',
  values: { ADMIN: { value: 'admin' }, OWNER: { value: 'owner' } } as const,
});

export const UserRef = builder.objectRef<Viewer>('User').implement({
  fields: (t) => ({
    id: t.exposeInt('id'),
    username: t.exposeString('username'),
    role: t.field({ type: RoleEnum, resolve: (u) => u.role }),
  }),
});

builder.queryField('me', (t) =>
  t.field({
    type: UserRef,
    nullable: true,
    description: 'Who is signed in; null when nobody is. Anyone may ask.',
    skipTypeScopes: true,
    resolve: (_root, _args, ctx) => ctx.viewer,
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
    args: { username: t.arg.string({ required: true }), password: t.arg.string({ required: true }) },
    resolve: async (_root, { username, password }, ctx) => {
      if (!ctx.http) throw new ForbiddenError('sign in over HTTP, not over the subscription socket');
      const session = await ctx.accounts.signIn(username, password, ctx.http.address);
      ctx.http.setCookie(sessionCookie(session.token, session.expiresAt, ctx.http.secure));
      return session.viewer;
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
    args: { current: t.arg.string({ required: true }), next: t.arg.string({ required: true }) },
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
      username: t.arg.string({ required: true }),
      password: t.arg.string({ required: true }),
      role: t.arg({ type: RoleEnum, required: true }),
    },
    resolve: (_root, { username, password, role }, ctx) => ctx.accounts.createUser(username, password, role as Role),
  }),
);
