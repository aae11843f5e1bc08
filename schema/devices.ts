import { parseLegacyQuery } from '../server/state/legacy-query.ts';
import { MAX_LIMIT, type Page, runQuery } from '../server/state/query.ts';
import { visibleDevices } from './access.ts';
import { builder } from './builder.ts';
import { ConditionInput, OrderInput } from './conditions.ts';
import { listCost } from './cost.ts';
import { DeviceRef } from './device.ts';

const DevicePageRef = builder.objectRef<Page>('DevicePage').implement({
  description: 'One page of devices and how many match in all.',
  fields: (t) => ({
    totalCount: t.exposeInt('totalCount', { description: 'Devices matching the filter, on all pages.' }),
    nodes: t.field({ type: [DeviceRef], description: 'The devices of this page, in order.', resolve: (p) => p.nodes }),
  }),
});

builder.queryField('devices', (t) =>
  t.field({
    type: DevicePageRef,
    description:
      'One page of the fleet, filtered and sorted (default: by serial). What is asked of each node costs `limit` times.',
    extensions: { complexity: listCost(20) },
    args: {
      where: t.arg({
        type: [ConditionInput],
        required: false,
        description: 'Conditions, and-ed; all your devices when omitted.',
      }),
      orderBy: t.arg({ type: [OrderInput], required: false, description: 'Sort keys in order; then by serial.' }),
      offset: t.arg.int({ required: false, defaultValue: 0, description: 'How many matching devices to skip.' }),
      limit: t.arg.int({ required: false, defaultValue: 20, description: `At most ${MAX_LIMIT}.` }),
      legacyQuery: t.arg.stringList({
        required: false,
        description:
          'The original dashboard\'s query strings, e.g. "filter:serial_number:=:0", "sort:battery:>:123"; and-ed with where, sorted after orderBy.',
      }),
      seedQuery: t.arg.stringList({
        required: false,
        deprecationReason: 'Use legacyQuery (the same strings).',
        description: 'The old name of legacyQuery; both may be given and are joined.',
      }),
    },
    resolve: (_root, args, ctx) => {
      const legacy = parseLegacyQuery([...(args.legacyQuery ?? []), ...(args.seedQuery ?? [])]);
      return runQuery(visibleDevices(ctx), {
        where: [...(args.where ?? []), ...legacy.where],
        orderBy: [...(args.orderBy ?? []), ...legacy.orderBy],
        offset: args.offset ?? 0,
        limit: args.limit ?? 20,
      });
    },
  }),
);
