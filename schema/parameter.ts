import type { ParameterInfo } from '../server/state/fleet.ts';
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

const ParameterRef = builder.objectRef<ParameterInfo>('Parameter').implement({
  description: 'A parameter name some device has reported: the columns of the fleet table.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'As devices report it (one leading underscore stripped).' }),
    kind: t.field({
      type: ParameterKind,
      nullable: true,
      description: 'From the first non-null value; null while only nulls were seen.',
      resolve: (p) => p.kind,
    }),
    firstSeen: t.field({ type: 'DateTime', description: 'When a device first reported it.', resolve: (p) => p.firstSeen }),
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
