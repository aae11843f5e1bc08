import { MAX_PREFERENCE_CHARS, type PreferenceKey } from '../server/metadata/preferences.ts';
import { requireViewer } from './access.ts';
import { builder } from './builder.ts';

// Who: the signed-in user, for themself only (no user id is ever an argument). Lab mode has no user: the
// dashboard keeps its settings in the browser then.

const PreferenceKeyEnum = builder.enumType('PreferenceKey', {
  description: 'What a remembered setting is for.',
  values: { overview: { description: 'The overview page: its tiles and charts.' } } satisfies Record<
    PreferenceKey,
    { description: string }
  >,
});

builder.queryField('preference', (t) =>
  t.field({
    type: 'JSON',
    nullable: true,
    description: 'A setting you saved (null: none yet).',
    args: { key: t.arg({ type: PreferenceKeyEnum, required: true, description: 'Which.' }) },
    resolve: (_root, { key }, ctx) => ctx.preferences.get(requireViewer(ctx).id, key as PreferenceKey),
  }),
);

builder.mutationField('setPreference', (t) =>
  t.boolean({
    description: `Remembers a setting for you (any JSON up to ${MAX_PREFERENCE_CHARS} characters; null forgets it).`,
    args: {
      key: t.arg({ type: PreferenceKeyEnum, required: true, description: 'Which.' }),
      value: t.arg({ type: 'JSON', required: false, description: 'The setting.' }),
    },
    resolve: async (_root, { key, value }, ctx) => {
      await ctx.preferences.set(requireViewer(ctx).id, key as PreferenceKey, value ?? null);
      return true;
    },
  }),
);
