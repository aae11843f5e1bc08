import { BadInputError } from '../server/errors.ts';
import type { Point } from '../server/history/aggregate.ts';
import type { HistoryQuery } from '../server/history/history-service.ts';
import type { DeviceState } from '../server/state/fleet.ts';
import { DAY_MS } from '../server/time.ts';
import { builder } from './builder.ts';
import { type CostArgs, seriesCost } from './cost.ts';
import { DeviceRef } from './device.ts';

const MAX_NAMES = 50;

const PointRef = builder.objectRef<Point>('Point').implement({
  description: 'One point of a trend: a raw value (count 1), or the summary of the bucket starting at t.',
  fields: (t) => ({
    t: t.field({
      type: 'DateTime',
      description: 'When the value was observed, or where the bucket starts.',
      resolve: (p) => p.t,
    }),
    count: t.exposeInt('count', { description: 'Values in the bucket (1 for a raw value).' }),
    avg: t.exposeFloat('avg', { nullable: true, description: 'Numbers only.' }),
    min: t.exposeFloat('min', { nullable: true, description: 'Numbers only.' }),
    max: t.exposeFloat('max', { nullable: true, description: 'Numbers only.' }),
    last: t.field({ type: 'JSON', nullable: true, description: 'The newest value of the bucket.', resolve: (p) => p.last }),
    value: t.field({
      type: 'JSON',
      nullable: true,
      description: 'The value: the raw value, or the newest of the bucket (the changes of strings and booleans).',
      resolve: (p) => p.last,
    }),
  }),
});

const ParameterHistoryRef = builder.objectRef<{ name: string; points: Point[] }>('ParameterHistory').implement({
  description: 'The trend of one parameter, in histories.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The parameter.' }),
    points: t.field({ type: [PointRef], description: 'Its points, oldest first.', resolve: (h) => h.points }),
  }),
});

interface RangeArgs {
  since?: Date | null;
  until?: Date | null;
  bucketSeconds?: number | null;
}

function query(device: DeviceState, name: string, args: RangeArgs, numeric: boolean): HistoryQuery {
  const until = args.until?.getTime() ?? Date.now();
  const since = args.since?.getTime() ?? until - DAY_MS;
  return {
    serial: device.serial,
    name,
    numeric,
    since,
    until,
    bucketMs: args.bucketSeconds == null ? null : args.bucketSeconds * 1000,
  };
}

const rangeArgs = (t: Parameters<Parameters<typeof builder.objectField>[2]>[0]) => ({
  since: t.arg({ type: 'DateTime', required: false, description: 'Start, inclusive (default: 24 h before until).' }),
  until: t.arg({ type: 'DateTime', required: false, description: 'End, exclusive (default: now).' }),
  bucketSeconds: t.arg.int({
    required: false,
    description:
      'Bucket width, aligned to the epoch (UTC). Whole hours read hour rollups, whole minutes minute rollups (the range widens to whole rollups). Without it: raw points when there are at most 1,000, else a bucket giving about 1,000.',
  }),
});

builder.objectField(DeviceRef, 'history', (t) =>
  t.field({
    type: [PointRef],
    description: 'The trend of one parameter. Query cost: each point it may return (1,000, or one per bucket) times its fields.',
    args: { name: t.arg.string({ required: true, description: 'The parameter.' }), ...rangeArgs(t) },
    extensions: { complexity: seriesCost },
    resolve: (device, args, ctx) =>
      ctx.history.load(query(device, args.name, args, ctx.fleet.parameters.get(args.name)?.kind === 'number')),
  }),
);

builder.objectField(DeviceRef, 'histories', (t) =>
  t.field({
    type: [ParameterHistoryRef],
    description: 'The trends of several parameters over the same range, read together. Query cost: that of history, per name.',
    args: { names: t.arg.stringList({ required: true, description: 'The parameters.' }), ...rangeArgs(t) },
    extensions: {
      complexity: ({ args, childComplexity }: CostArgs) =>
        1 + Math.max(1, (args.names as unknown[] | undefined)?.length ?? 1) * seriesCost({ args, childComplexity }),
    },
    resolve: async (device, args, ctx) => {
      if (args.names.length > MAX_NAMES) throw new BadInputError(`at most ${MAX_NAMES} names`);
      const loaded = await ctx.history.loadMany(
        args.names.map((name) => query(device, name, args, ctx.fleet.parameters.get(name)?.kind === 'number')),
      );
      return args.names.map((name, i) => {
        const points = loaded[i];
        if (points instanceof Error) throw points;
        return { name, points: points ?? [] };
      });
    },
  }),
);
