import type { DeviceUpdate, UpdateBatch } from '../server/live/update-batch.ts';
import { requireScope } from './access.ts';
import { builder } from './builder.ts';
import { ConditionInput } from './conditions.ts';
import { DeviceMetadataRef } from './device-meta.ts';

const DeviceUpdateRef = builder.objectRef<DeviceUpdate>('DeviceUpdate').implement({
  description: 'What changed of one device within one window.',
  fields: (t) => ({
    serial: t.exposeString('serial', { description: 'The device.' }),
    values: t.field({ type: 'JSON', description: 'Changed values; every value when entered.', resolve: (u) => u.values }),
    online: t.exposeBoolean('online', { description: 'Holds a socket to a server instance now.' }),
    lastSeen: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When it last sent a frame.',
      resolve: (u) => u.lastSeen,
    }),
    entered: t.exposeBoolean('entered', {
      description: 'The device matches the filter now but did not before (or is new to the fleet).',
    }),
    meta: t.field({
      type: DeviceMetadataRef,
      nullable: true,
      description: 'Its name, labels and groups when they changed within the window (or it entered); null otherwise.',
      resolve: (u) => u.meta ?? null,
    }),
  }),
});

const DeviceUpdateBatchRef = builder.objectRef<UpdateBatch>('DeviceUpdateBatch').implement({
  description: 'One window’s changes: devices that changed or entered the filter, and those that left it.',
  fields: (t) => ({
    updates: t.field({ type: [DeviceUpdateRef], description: 'One entry per changed device.', resolve: (b) => b.updates }),
    left: t.exposeStringList('left', { description: 'Serials that stopped matching the filter.' }),
  }),
});

builder.subscriptionField('deviceUpdates', (t) =>
  t.field({
    type: DeviceUpdateBatchRef,
    description: 'Changes of the devices matching where, coalesced: at most one batch per window (100 ms by default).',
    args: {
      where: t.arg({ type: [ConditionInput], required: false, description: 'As in `devices`; all your devices when omitted.' }),
    },
    subscribe: (_root, args, ctx) => ctx.hub.subscribeUpdates(args.where ?? [], requireScope(ctx)),
    resolve: (batch) => batch,
  }),
);
