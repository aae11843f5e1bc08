import { canSee } from '../server/auth/viewer.ts';
import { ForbiddenError } from '../server/errors.ts';
import type { ChangeEvent } from '../server/live/hub.ts';
import { requireScope } from './access.ts';
import { builder } from './builder.ts';

const DeviceChangeRef = builder.objectRef<ChangeEvent>('DeviceChange').implement({
  description: 'One accepted change of one device (a frame, or the device going offline).',
  fields: (t) => ({
    serial: t.exposeString('serial', { description: 'The device.' }),
    at: t.field({ type: 'DateTime', description: 'When the server accepted it.', resolve: (c) => c.at }),
    values: t.field({
      type: 'JSON',
      description: 'The values the frame carried; {} for presence changes.',
      resolve: (c) => c.values,
    }),
    online: t.exposeBoolean('online', { description: 'Holds a socket after this change.' }),
    lastSeen: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When it last sent a frame.',
      resolve: (c) => c.lastSeen,
    }),
  }),
});

builder.subscriptionField('deviceChanged', (t) =>
  t.field({
    type: DeviceChangeRef,
    description: 'Every accepted change of one device, in order.',
    args: { serial: t.arg.string({ required: true, description: 'The device’s serial (yours).' }) },
    subscribe: (_root, { serial }, ctx) => {
      const scope = requireScope(ctx);
      // An owner may watch only a device that is theirs now; admins may wait for one to appear.
      const device = ctx.fleet.get(serial);
      if (scope.kind === 'owner' && (!device || !canSee(scope, device))) throw new ForbiddenError(`no device ${serial} of yours`);
      return ctx.hub.subscribeDevice(serial, scope);
    },
    resolve: (event) => event,
  }),
);
