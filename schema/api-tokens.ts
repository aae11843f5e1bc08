import { API_TOKEN_LIMITS, type ApiScope, type ApiTokenInfo } from '../server/auth/api-tokens.ts';
import { BadInputError } from '../server/errors.ts';
import { DAY_MS } from '../server/time.ts';
import { requireViewer } from './access.ts';
import { builder } from './builder.ts';

const ApiScopeEnum = builder.enumType('ApiScope', {
  description: 'What a personal API token may do.',
  values: {
    READ: { value: 'read', description: 'Queries, subscriptions and the export.' },
    WRITE: { value: 'write', description: 'Mutations.' },
  } as const,
});

const ApiTokenRef = builder.objectRef<ApiTokenInfo>('ApiToken').implement({
  description: 'A personal API token: it acts as its user within its scopes. The secret is shown only when it is made.',
  fields: (t) => ({
    id: t.exposeInt('id', { description: 'Stable numeric id (for revokeApiToken).' }),
    label: t.exposeString('label', { description: 'What it is for, as its user named it.' }),
    scopes: t.field({ type: [ApiScopeEnum], description: 'What it may do.', resolve: (k) => k.scopes }),
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
    lastUsedAt: t.field({ type: 'DateTime', nullable: true, description: 'To the minute.', resolve: (k) => k.lastUsedAt }),
  }),
});

const NewApiTokenRef = builder.objectRef<{ secret: string; info: ApiTokenInfo }>('NewApiToken').implement({
  description: 'A token just made: its secret, shown this once, and its details.',
  fields: (t) => ({
    secret: t.exposeString('secret', { description: 'Send it as `Authorization: Bearer <secret>`. Shown once.' }),
    token: t.field({ type: ApiTokenRef, description: 'The token as apiTokens lists it.', resolve: (n) => n.info }),
  }),
});

builder.queryField('apiTokens', (t) =>
  t.field({
    type: [ApiTokenRef],
    description: 'Your personal API tokens, revoked ones included.',
    resolve: (_root, _args, ctx) => ctx.apiTokens.list(requireViewer(ctx).id),
  }),
);

builder.mutationField('createApiToken', (t) =>
  t.field({
    type: NewApiTokenRef,
    description: `A personal API token for scripts (at most ${API_TOKEN_LIMITS.perUser} live per user). Signed-in browsers only: a token cannot make tokens.`,
    authScopes: { session: true },
    args: {
      label: t.arg.string({ required: false, description: `At most ${API_TOKEN_LIMITS.labelChars} characters.` }),
      scopes: t.arg({ type: [ApiScopeEnum], required: true, description: 'What it may do: READ, WRITE or both.' }),
      expiresInDays: t.arg.int({ required: false, description: `1 to ${API_TOKEN_LIMITS.maxDays}; none: it does not expire.` }),
    },
    resolve: (_root, { label, scopes, expiresInDays }, ctx) => {
      const days = expiresInDays ?? null;
      if (days !== null && (days < 1 || days > API_TOKEN_LIMITS.maxDays))
        throw new BadInputError(`expiresInDays is 1 to ${API_TOKEN_LIMITS.maxDays}`);
      return ctx.apiTokens.create(
        requireViewer(ctx),
        label ?? null,
        scopes as ApiScope[],
        days === null ? null : Date.now() + days * DAY_MS,
      );
    },
  }),
);

builder.mutationField('revokeApiToken', (t) =>
  t.boolean({
    description: "Revokes one of your tokens (admins: anyone's); its open subscriptions end.",
    args: { id: t.arg.int({ required: true, description: 'The token’s id (ApiToken.id).' }) },
    resolve: async (_root, { id }, ctx) => {
      await ctx.apiTokens.revoke(id, requireViewer(ctx));
      return true;
    },
  }),
);
