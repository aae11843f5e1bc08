import { BadInputError } from '../server/errors.ts';
import type { ParameterInfo } from '../server/state/fleet.ts';
import { effectiveMeta, PARAMETER_META_LIMITS, type Quantity } from '../server/state/parameter-meta.ts';
import { requireScope, visibleDevices } from './access.ts';
import { builder } from './builder.ts';

const ParameterKind = builder.enumType('ParameterKind', {
  description: 'The type of a parameter’s values.',
  values: {
    NUMBER: { value: 'number', description: 'Numbers: plotted as trends, with averages in buckets.' },
    STRING: { value: 'string', description: 'Text: shown as its changes.' },
    BOOLEAN: { value: 'boolean', description: 'true/false: shown as its changes.' },
  } as const,
});

export const QuantityEnum = builder.enumType('Quantity', {
  description: 'What a parameter’s values mean, for charts and fleet aggregates.',
  values: {
    MEASUREMENT: { value: 'MEASUREMENT', description: 'A reading to plot (power, level): a device’s bucket is its mean.' },
    COUNTER: { value: 'COUNTER', description: 'A growing total (energy): a device’s bucket is its last value.' },
    IDENTIFIER: { value: 'IDENTIFIER', description: 'Names rather than measures (postcode, version): never plotted as a trend.' },
  } as const,
});

const ParameterRef = builder.objectRef<ParameterInfo>('Parameter').implement({
  description: 'A parameter name some device has reported: the columns of the fleet table, with how to show them.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'As devices report it (one leading underscore stripped).' }),
    kind: t.field({
      type: ParameterKind,
      nullable: true,
      description: 'From the first non-null value; null while only nulls were seen.',
      resolve: (p) => p.kind,
    }),
    firstSeen: t.field({ type: 'DateTime', description: 'When a device first reported it.', resolve: (p) => p.firstSeen }),
    label: t.string({
      description: 'Its display label (an admin’s, the SolMate’s, or from its name).',
      resolve: (p) => effectiveMeta(p).label,
    }),
    unit: t.string({
      nullable: true,
      description: 'The unit of its shown value; null: none.',
      resolve: (p) => effectiveMeta(p).unit,
    }),
    quantity: t.field({ type: QuantityEnum, description: 'What its values mean.', resolve: (p) => effectiveMeta(p).quantity }),
    precision: t.int({
      nullable: true,
      description: 'Decimals shown; null: as the value has them (at most 2).',
      resolve: (p) => effectiveMeta(p).precision,
    }),
    scale: t.float({ description: 'Shown value = stored value × scale (1 unless set).', resolve: (p) => effectiveMeta(p).scale }),
    customized: t.boolean({ description: 'An admin set some of its metadata.', resolve: (p) => p.overrides !== undefined }),
  }),
});

builder.queryField('parameters', (t) =>
  t.field({
    type: [ParameterRef],
    description: 'The catalogue of parameters, by name: for an owner, the parameters of their devices.',
    resolve: (_root, _args, ctx) => {
      let infos = [...ctx.fleet.parameters.values()];
      if (requireScope(ctx).kind === 'owner') {
        const names = new Set<string>();
        for (const d of visibleDevices(ctx)) for (const n in d.params) names.add(n);
        infos = infos.filter((p) => names.has(p.name));
      }
      return infos.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },
  }),
);

builder.mutationField('updateParameter', (t) =>
  t.field({
    type: ParameterRef,
    description: `Sets how a parameter is shown, for everyone; each argument null or omitted takes the default. Admins only. Labels up to ${PARAMETER_META_LIMITS.labelLength} characters, units up to ${PARAMETER_META_LIMITS.unitLength}, precision 0 to ${PARAMETER_META_LIMITS.maxPrecision}.`,
    authScopes: { admin: true },
    args: {
      name: t.arg.string({ required: true, description: 'The parameter.' }),
      label: t.arg.string({ required: false, description: 'Its display label.' }),
      unit: t.arg.string({ required: false, description: 'Its unit.' }),
      quantity: t.arg({ type: QuantityEnum, required: false, description: 'What its values mean.' }),
      precision: t.arg.int({ required: false, description: 'Decimals shown.' }),
      scale: t.arg.float({ required: false, description: 'Shown value = stored value × scale.' }),
    },
    resolve: async (_root, args, ctx) => {
      const info = await ctx.catalogue.update(args.name, {
        label: args.label ?? null,
        unit: args.unit ?? null,
        quantity: (args.quantity as Quantity | null | undefined) ?? null,
        precision: args.precision ?? null,
        scale: args.scale ?? null,
      });
      if (!info) throw new BadInputError(`no parameter ${args.name}`);
      return info;
    },
  }),
);
