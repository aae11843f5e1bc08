import { BadInputError } from '../server/errors.ts';
import { type FLEET_AGGS, FLEET_LIMITS, type FleetPoint, type FleetSeries } from '../server/history/fleet-history.ts';
import type { DeviceState } from '../server/state/fleet.ts';
import {
  type Histogram,
  type HistogramBucket,
  histogram,
  type Outlier,
  offlineLongest,
  outliers,
  type ParameterStats,
  parameterStats,
  STATS_LIMITS,
} from '../server/state/fleet-stats.ts';
import { effectiveMeta } from '../server/state/parameter-meta.ts';
import { DAY_MS } from '../server/time.ts';
import { matchingDevices } from './access.ts';
import { alertViewer } from './alerts.ts';
import { builder, type Context } from './builder.ts';
import { ConditionInput } from './conditions.ts';
import type { CostArgs } from './cost.ts';
import { DeviceRef } from './device.ts';

// Who: anyone who may read; every aggregate covers only the devices the caller sees (an owner's own).

const FleetAggEnum = builder.enumType('FleetAgg', {
  description: 'How fleetHistory combines the devices of a bucket (each device’s value: its mean, or for a COUNTER its last).',
  values: {
    SUM: { description: 'The sum of the devices’ values: the fleet’s total.' },
    AVG: { description: 'The mean of the devices’ values.' },
    MIN: { description: 'The least value any device had.' },
    MAX: { description: 'The greatest value any device had.' },
    COUNT: { description: 'How many values the devices reported.' },
  } as const,
});

const FleetPointRef = builder.objectRef<FleetPoint>('FleetPoint').implement({
  description: 'One bucket of a fleet series.',
  fields: (t) => ({
    t: t.field({ type: 'DateTime', description: 'Where the bucket starts.', resolve: (p) => p.t }),
    value: t.exposeFloat('value', { nullable: true, description: 'The aggregate.' }),
    devices: t.exposeInt('devices', { description: 'Devices with a value in the bucket.' }),
  }),
});

const FleetSeriesRef = builder.objectRef<FleetSeries>('FleetSeries').implement({
  description: 'A fleet series: every matching device, or one group of them.',
  fields: (t) => ({
    group: t.exposeString('group', {
      nullable: true,
      description: 'The group (null: not grouped, or devices without a value for groupBy).',
    }),
    others: t.exposeBoolean('others', { description: `The groups beyond the ${FLEET_LIMITS.maxGroups} largest, together.` }),
    devices: t.exposeInt('devices', { description: 'Devices in the series.' }),
    points: t.field({ type: [FleetPointRef], description: 'Its buckets with data, oldest first.', resolve: (s) => s.points }),
  }),
});

/** Longest groupBy field: `label:` and a 40-character key, or a parameter name, fit. */
const MAX_GROUP_BY = 100;

const fleetHistoryCost = ({ args, childComplexity }: CostArgs): number => {
  const until = args.until instanceof Date ? args.until.getTime() : Date.now();
  const since = args.since instanceof Date ? args.since.getTime() : until - DAY_MS;
  const bucket = typeof args.bucketSeconds === 'number' && args.bucketSeconds > 0 ? args.bucketSeconds * 1000 : null;
  const points = bucket
    ? Math.min(FLEET_LIMITS.maxBuckets, Math.ceil(Math.max(0, until - since) / bucket))
    : FLEET_LIMITS.autoPoints;
  const series = typeof args.groupBy === 'string' ? FLEET_LIMITS.maxGroups + 1 : 1;
  return 1 + series * Math.max(1, points) * Math.max(1, childComplexity);
};

builder.queryField('fleetHistory', (t) =>
  t.field({
    type: [FleetSeriesRef],
    description: `One series of a parameter over every device you see that matches where, from the rollups; with groupBy one per group (the ${FLEET_LIMITS.maxGroups} largest, the rest as \`others\`). Identifiers take COUNT only. At most ${FLEET_LIMITS.maxBuckets} buckets.`,
    extensions: { complexity: fleetHistoryCost },
    args: {
      where: t.arg({ type: [ConditionInput], required: false, description: 'As in `devices`; all your devices when omitted.' }),
      legacyQuery: t.arg.stringList({ required: false, description: 'As in `devices`; and-ed with where.' }),
      name: t.arg.string({ required: true, description: 'The parameter.' }),
      agg: t.arg({ type: FleetAggEnum, required: false, defaultValue: 'SUM', description: 'How devices combine (default SUM).' }),
      since: t.arg({ type: 'DateTime', required: false, description: 'Start, inclusive (default: 24 h before until).' }),
      until: t.arg({ type: 'DateTime', required: false, description: 'End, exclusive (default: now).' }),
      bucketSeconds: t.arg.int({
        required: false,
        description: `Bucket width in whole minutes (whole hours read hour rollups); default: about ${FLEET_LIMITS.autoPoints} buckets, whole hours for ranges over 12 h.`,
      }),
      groupBy: t.arg.string({
        required: false,
        description: `One series per value of \`meta:group\`, \`label:<key>\` or a parameter (e.g. country); at most ${MAX_GROUP_BY} characters.`,
      }),
    },
    resolve: async (_root, args, ctx) => {
      if ((args.groupBy?.length ?? 0) > MAX_GROUP_BY) throw new BadInputError(`groupBy is at most ${MAX_GROUP_BY} characters`);
      const devices = matchingDevices(ctx, args.where, args.legacyQuery);
      const info = ctx.fleet.parameters.get(args.name);
      if (!info) throw new BadInputError(`no parameter ${args.name}`);
      const until = args.until?.getTime() ?? Date.now();
      const since = args.since?.getTime() ?? until - DAY_MS;
      if (args.bucketSeconds != null && args.bucketSeconds < 1) throw new BadInputError('bucketSeconds must be at least 60');
      return ctx.fleetHistory.series({
        devices,
        name: args.name,
        agg: (args.agg ?? 'SUM') as (typeof FLEET_AGGS)[number],
        since,
        until,
        bucketMs: args.bucketSeconds == null ? null : args.bucketSeconds * 1000,
        groupBy: args.groupBy ?? null,
        quantity: effectiveMeta(info).quantity,
      });
    },
  }),
);

const ParameterStatsRef = builder.objectRef<ParameterStats>('ParameterStats').implement({
  description: 'Now-values of one parameter over a set of devices (numbers only).',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The parameter.' }),
    devices: t.exposeInt('devices', { description: 'Devices with a number for it.' }),
    sum: t.exposeFloat('sum', { nullable: true, description: 'Their sum.' }),
    avg: t.exposeFloat('avg', { nullable: true, description: 'Their mean.' }),
    min: t.exposeFloat('min', { nullable: true, description: 'The least.' }),
    max: t.exposeFloat('max', { nullable: true, description: 'The greatest.' }),
  }),
});

const HistogramBucketRef = builder.objectRef<HistogramBucket>('HistogramBucket').implement({
  description: 'One bar of a distribution.',
  fields: (t) => ({
    from: t.exposeFloat('from', { description: 'Lower edge, inclusive.' }),
    to: t.exposeFloat('to', { description: 'Upper edge, exclusive (inclusive for the last bar).' }),
    count: t.exposeInt('count', { description: 'Devices in it.' }),
  }),
});

const HistogramRef = builder.objectRef<Histogram>('Histogram').implement({
  description: 'The distribution of a parameter’s current values over a set of devices.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The parameter.' }),
    min: t.exposeFloat('min', { nullable: true, description: 'The least value.' }),
    max: t.exposeFloat('max', { nullable: true, description: 'The greatest value.' }),
    buckets: t.field({ type: [HistogramBucketRef], description: 'Equal-width bars from min to max.', resolve: (h) => h.buckets }),
  }),
});

const OutlierRef = builder.objectRef<Outlier>('Outlier').implement({
  description: 'A device whose value is far from the set’s mean.',
  fields: (t) => ({
    device: t.field({ type: DeviceRef, description: 'The device.', resolve: (o) => o.device }),
    value: t.exposeFloat('value', { description: 'Its value now.' }),
    deviation: t.exposeFloat('deviation', { description: 'Standard deviations from the mean (signed).' }),
  }),
});

interface StatsSource {
  devices: DeviceState[];
  ctx: Context;
}

const FleetStatsRef = builder.objectRef<StatsSource>('FleetStats').implement({
  description: 'Now-values of the devices you see that match: for the overview.',
  fields: (t) => ({
    total: t.int({ description: 'Devices.', resolve: (s) => s.devices.length }),
    online: t.int({ description: 'Devices online now.', resolve: (s) => s.devices.filter((d) => d.online).length }),
    offline: t.int({ description: 'Devices offline now.', resolve: (s) => s.devices.filter((d) => !d.online).length }),
    inAlert: t.int({
      description: 'Devices with a firing alert on a rule you see.',
      resolve: async ({ devices, ctx }) => {
        const rules = await ctx.alerts.rules(alertViewer(ctx));
        if (rules.length === 0) return 0;
        const rows = await ctx.alerts.store.stateRows({ ruleIds: rules.map((r) => r.id), state: 'FIRING', serial: null });
        const firing = new Set(rows.map((r) => r.serial));
        return devices.filter((d) => firing.has(d.serial)).length;
      },
    }),
    values: t.field({
      type: [ParameterStatsRef],
      description: `Sum, mean, least and greatest of parameters now, at most ${STATS_LIMITS.maxNames}.`,
      args: { names: t.arg.stringList({ required: true, description: 'The parameters.' }) },
      resolve: ({ devices }, { names }) => {
        if (names.length > STATS_LIMITS.maxNames) throw new BadInputError(`at most ${STATS_LIMITS.maxNames} names`);
        return names.map((n) => parameterStats(devices, n));
      },
    }),
    histogram: t.field({
      type: HistogramRef,
      description: `The distribution of a parameter now, in 1 to ${STATS_LIMITS.maxBuckets} bars.`,
      args: {
        name: t.arg.string({ required: true, description: 'The parameter.' }),
        buckets: t.arg.int({ required: false, defaultValue: 10, description: 'How many bars (default 10).' }),
      },
      resolve: ({ devices }, args) => histogram(devices, args.name, args.buckets ?? 10),
    }),
    offlineLongest: t.field({
      type: [DeviceRef],
      description: `Offline devices, silent longest first (at most ${STATS_LIMITS.maxList}).`,
      args: { limit: t.arg.int({ required: false, defaultValue: 10, description: 'How many.' }) },
      resolve: ({ devices }, args) => offlineLongest(devices, checkLimit(args.limit)),
    }),
    outliers: t.field({
      type: [OutlierRef],
      description: `Devices at least minDeviation standard deviations from the mean of a parameter, furthest first (at most ${STATS_LIMITS.maxList}).`,
      args: {
        name: t.arg.string({ required: true, description: 'The parameter.' }),
        limit: t.arg.int({ required: false, defaultValue: 10, description: 'How many.' }),
        minDeviation: t.arg.float({ required: false, defaultValue: 2, description: 'Standard deviations (default 2).' }),
      },
      resolve: ({ devices }, args) => outliers(devices, args.name, checkLimit(args.limit), args.minDeviation ?? 2),
    }),
  }),
});

function checkLimit(limit: number | null | undefined): number {
  const n = limit ?? 10;
  if (!Number.isInteger(n) || n < 0 || n > STATS_LIMITS.maxList)
    throw new BadInputError(`limit must be from 0 to ${STATS_LIMITS.maxList}`);
  return n;
}

builder.queryField('fleetStats', (t) =>
  t.field({
    type: FleetStatsRef,
    description:
      'Now-values of the devices you see that match where: counts, sums and means, alerts, distributions, who needs attention.',
    args: {
      where: t.arg({ type: [ConditionInput], required: false, description: 'As in `devices`; all your devices when omitted.' }),
      legacyQuery: t.arg.stringList({ required: false, description: 'As in `devices`; and-ed with where.' }),
    },
    resolve: (_root, args, ctx) => ({ devices: matchingDevices(ctx, args.where, args.legacyQuery), ctx }),
  }),
);
