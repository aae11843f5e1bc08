import { BadInputError } from '../server/errors.ts';
import type { ReleaseInfo } from '../server/releases/release-store.ts';
import { requireScope } from './access.ts';
import { builder } from './builder.ts';

const ReleaseKindEnum = builder.enumType('ReleaseKind', {
  description: 'What a device does with a release.',
  values: {
    SOFTWARE: { value: 'software', description: 'Installed: it replaces the running version.' },
    SCRIPT: { value: 'script', description: 'Downloaded and run once.' },
  } as const,
});

export const ReleaseRef = builder.objectRef<ReleaseInfo>('Release').implement({
  description:
    'A signed release, published with `POST /releases` (npm run release). Devices download its artifact from `artifactPath` with their own credential and verify the signature with their public key before using it.',
  fields: (t) => ({
    id: t.exposeInt('id', { description: 'Stable numeric id.' }),
    name: t.exposeString('name', { description: 'What it is, e.g. `smart-os-agent`.' }),
    version: t.exposeString('version', { description: 'A semantic version; never replaced once published.' }),
    kind: t.field({ type: ReleaseKindEnum, description: 'Installed, or run once.', resolve: (r) => r.kind }),
    notes: t.exposeString('notes', { description: 'What changed, as the publisher wrote it.' }),
    sha256: t.exposeString('sha256', { description: 'The artifact’s SHA-256, computed by the server (lowercase hex).' }),
    signature: t.exposeString('signature', {
      description: 'The publisher’s Ed25519 signature (base64) over kind, name, version and sha256 (docs: signed releases).',
    }),
    size: t.exposeInt('size', { description: 'The artifact’s size in bytes.' }),
    target: t.field({
      type: 'JSON',
      description:
        'Conditions (as in `devices`: a list of {field, op, value}) a device must match to take it; empty: every device. Deployments skip the rest.',
      resolve: (r) => r.target,
    }),
    artifactPath: t.string({
      description: 'Where devices download it (Range and ETag supported).',
      resolve: (r) => `/releases/${r.id}/artifact`,
    }),
    publishedBy: t.string({
      nullable: true,
      description: 'Who published it; null in lab mode or when the account was deleted.',
      resolve: async (r, _a, ctx) => (r.publisherId === null ? null : ((await ctx.accounts.usernameOf(r.publisherId)) ?? null)),
    }),
    createdAt: t.field({ type: 'DateTime', description: 'When it was published.', resolve: (r) => r.createdAt }),
  }),
});

builder.queryField('releases', (t) =>
  t.field({
    type: [ReleaseRef],
    description: 'Releases you published, newest first (admins: everyone’s).',
    resolve: (_root, _args, ctx) => ctx.releases.list(requireScope(ctx)),
  }),
);

builder.queryField('release', (t) =>
  t.field({
    type: ReleaseRef,
    description: 'One release: its publisher or an admin.',
    args: { id: t.arg.int({ required: true, description: 'The release’s id.' }) },
    resolve: (_root, { id }, ctx) => ctx.releases.get(id, requireScope(ctx)),
  }),
);

builder.mutationField('deleteRelease', (t) =>
  t.boolean({
    description:
      'Deletes a release and its artifact: its publisher or an admin; not while an unfinished deployment sends it (finished ones keep their history, with `release` null).',
    args: { id: t.arg.int({ required: true, description: 'The release’s id.' }) },
    resolve: async (_root, { id }, ctx) => {
      const scope = requireScope(ctx);
      await ctx.releases.get(id, scope);
      const running = await ctx.deployments.store.unfinishedWith(id);
      if (running !== null) throw new BadInputError(`deployment ${running} is sending this release: cancel it first`);
      await ctx.releases.remove(id, scope);
      return true;
    },
  }),
);
