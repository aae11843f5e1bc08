import type { DeviceState } from '../server/state/fleet.ts';
import { isVisible, requireScope } from './access.ts';
import { builder } from './builder.ts';

export const DeviceRef = builder.objectRef<DeviceState>('Device').implement({
  description: 'A device of the fleet, with the latest value of every parameter it reported.',
  fields: (t) => ({
    serial: t.exposeString('serial', { description: 'The device’s unique name, as it reports it.' }),
    online: t.exposeBoolean('online', { description: 'Holds a socket to a server instance right now.' }),
    lastSeen: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When its newest accepted frame arrived.',
      resolve: (d) => d.lastSeen,
    }),
    createdAt: t.field({
      type: 'DateTime',
      description: 'First contact with this server (the original system called it manufacturing date).',
      resolve: (d) => d.createdAt,
    }),
    params: t.field({
      type: 'JSON',
      description: 'Every parameter: name → latest value (number, string, boolean or null).',
      resolve: (d) => d.params,
    }),
    value: t.field({
      type: 'JSON',
      nullable: true,
      description: 'The latest value of one parameter; null when the device never reported it.',
      args: { name: t.arg.string({ required: true, description: 'The parameter’s name.' }) },
      resolve: (d, { name }) => d.params[name] ?? null,
    }),
    protocol: t.int({
      description: 'The protocol of its newest socket: 2 takes commands; 1 (the original devices) never gets unasked frames.',
      resolve: (d) => d.protocol ?? 1,
    }),
    capabilities: t.field({
      type: 'JSON',
      nullable: true,
      description:
        'Protocol v2: what its last CAPS frame declared, {"commands": [{"name", "description", "args" (JSON Schema)}], "agent"}; null before one.',
      resolve: (d) => d.capabilities ?? null,
    }),
  }),
});

builder.queryField('device', (t) =>
  t.field({
    type: DeviceRef,
    nullable: true,
    description: 'One device by serial; null when unknown or not yours.',
    args: { serial: t.arg.string({ required: true, description: 'The device’s serial.' }) },
    resolve: (_root, { serial }, ctx) => {
      requireScope(ctx);
      const device = ctx.fleet.get(serial);
      return device && isVisible(ctx, device) ? device : null;
    },
  }),
);
