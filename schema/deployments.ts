import { VERSION_PARAMETER } from '../protocol/releases.ts';
import type { DeploymentDeviceRow, DeploymentRow } from '../server/deployments/deployment-store.ts';
import {
  DEPLOYMENT_LIMITS,
  DEPLOYMENT_STATES,
  DEVICE_STATES,
  type DeploymentState,
  type DeviceUpdateState,
} from '../server/deployments/states.ts';
import { BadInputError, ForbiddenError } from '../server/errors.ts';
import { LatestStream } from '../server/live/streams.ts';
import { compileWhere } from '../server/state/query.ts';
import { isVisible, requireScope, seesEveryones, visibleDevices } from './access.ts';
import { builder, type Context } from './builder.ts';
import { ConditionInput } from './conditions.ts';
import { listCost } from './cost.ts';
import { DeviceRef } from './device.ts';
import { pageOf } from './paging.ts';
import { ReleaseRef } from './releases.ts';

const DEVICE_STATE_MEANING: Record<DeviceUpdateState, string> = {
  QUEUED: 'Waiting for its phase or the rate limit.',
  NOTIFIED: 'Sent the `update` command (or it waits for the device to connect).',
  DOWNLOADING: 'Downloading the artifact.',
  DOWNLOADED: 'The artifact is on the device.',
  VERIFIED: 'Its digest and the publisher’s signature checked out on the device.',
  INSTALLING: 'Installing (software) or running (script).',
  RESTARTING: 'Installed; the agent restarts on the new version.',
  UPDATED: 'Back online reporting the release’s `software_version`; the health rule’s clock runs.',
  HEALTHY: 'Online and sending on the new version for `healthSeconds` (final, succeeded).',
  FAILED: 'Did not make it: the reason says why (final).',
  ROLLED_BACK: 'The agent switched back to its previous version (final).',
  SKIPPED: 'Not updated: already on it, not matching the release’s target, protocol v1, or in another deployment (final).',
  CANCELED: 'The deployment was canceled or aborted before this device started installing (final).',
};

const DeviceStateEnum = builder.enumType('DeviceUpdateState', {
  description:
    'QUEUED → NOTIFIED → DOWNLOADING → DOWNLOADED → VERIFIED → INSTALLING → RESTARTING → UPDATED → HEALTHY, or FAILED, ROLLED_BACK, SKIPPED, CANCELED.',
  values: Object.fromEntries(DEVICE_STATES.map((s) => [s, { description: DEVICE_STATE_MEANING[s] }])) as Record<
    DeviceUpdateState,
    { description: string }
  >,
});

const STATE_MEANING: Record<DeploymentState, string> = {
  RUNNING: 'Starting devices phase by phase within the rate limit.',
  PAUSED: 'No device is started; those in flight are seen through.',
  COMPLETED: 'Every phase is done.',
  ABORTED: 'Stopped by the abort threshold (or its release was deleted): `reason` says why.',
  CANCELED: 'Stopped by a person.',
};

const DeploymentStateEnum = builder.enumType('DeploymentState', {
  description: 'RUNNING ⇄ PAUSED → COMPLETED | ABORTED | CANCELED.',
  values: Object.fromEntries(DEPLOYMENT_STATES.map((s) => [s, { description: STATE_MEANING[s] }])) as Record<
    DeploymentState,
    { description: string }
  >,
});

const EventRef = builder.objectRef<{ state: DeviceUpdateState; at: number; detail: string | null }>('DeploymentEvent').implement({
  description: 'One transition of a device in a deployment.',
  fields: (t) => ({
    state: t.field({ type: DeviceStateEnum, description: 'The state it entered.', resolve: (e) => e.state }),
    at: t.field({ type: 'DateTime', description: 'When.', resolve: (e) => e.at }),
    detail: t.string({ nullable: true, description: 'Why, when there is more to say.', resolve: (e) => e.detail }),
  }),
});

const DeploymentRef = builder.objectRef<DeploymentRow>('Deployment');

const DeploymentDeviceRef = builder.objectRef<DeploymentDeviceRow>('DeploymentDevice').implement({
  description: 'One device of a deployment: where its update is.',
  fields: (t) => ({
    deploymentId: t.exposeInt('deploymentId', { description: 'The deployment.' }),
    deployment: t.field({
      type: DeploymentRef,
      description: 'The deployment (its release, its settings).',
      resolve: async (x, _a, ctx) => (await ctx.deployments.store.get(x.deploymentId)) as DeploymentRow,
    }),
    serial: t.exposeString('serial', { description: 'The device.' }),
    phase: t.int({ description: 'Its phase, 1 = the first.', resolve: (x) => x.phase + 1 }),
    state: t.field({ type: DeviceStateEnum, description: 'Where it is now.', resolve: (x) => x.state }),
    reason: t.string({ nullable: true, description: 'Why it failed, was skipped or canceled.', resolve: (x) => x.reason }),
    percent: t.float({ nullable: true, description: 'Progress the device reported, 0 to 100.', resolve: (x) => x.percent }),
    fromVersion: t.string({
      nullable: true,
      description: 'The `software_version` it reported when the deployment was created.',
      resolve: (x) => x.fromVersion,
    }),
    cmdid: t.string({
      nullable: true,
      description: 'Its `update` command’s id, once started.',
      resolve: (x) => (x.executionId === null ? null : String(x.executionId)),
    }),
    startedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When it was sent the update.',
      resolve: (x) => x.startedAt,
    }),
    updatedAt: t.field({ type: 'DateTime', description: 'When its state last changed.', resolve: (x) => x.updatedAt }),
    events: t.field({
      type: [EventRef],
      description: 'Every transition, oldest first.',
      resolve: (x, _a, ctx) => ctx.deployments.store.events(x.id),
    }),
  }),
});

const CountsRef = builder.objectRef<Record<DeviceUpdateState, number>>('DeploymentCounts').implement({
  description: 'How many devices of a deployment are in each state.',
  fields: (t) =>
    Object.fromEntries(
      DEVICE_STATES.map((s) => [s, t.int({ description: `Devices in state ${s}.`, resolve: (c) => c[s] })]),
    ) as never,
});

DeploymentRef.implement({
  description: 'A release sent to devices in phases, with a rate limit, an abort threshold and a health rule.',
  fields: (t) => ({
    id: t.exposeInt('id', { description: 'Stable id.' }),
    release: t.field({
      type: ReleaseRef,
      nullable: true,
      description: 'What it deploys (null once deleted).',
      resolve: (d, _a, ctx) => (d.releaseId === null ? null : ctx.releases.byId(d.releaseId)),
    }),
    state: t.field({ type: DeploymentStateEnum, description: 'Where it is.', resolve: (d) => d.state }),
    reason: t.string({ nullable: true, description: 'Why it was aborted or canceled.', resolve: (d) => d.reason }),
    phases: t.intList({ description: 'Cumulative percentages of the devices, e.g. [5, 25, 100].', resolve: (d) => d.phases }),
    phase: t.int({ description: 'The phase rolling out now, 1 = the first.', resolve: (d) => d.phase + 1 }),
    ratePerMinute: t.exposeInt('ratePerMinute', { description: 'Devices started per minute at most.' }),
    abortFailedPercent: t.exposeInt('abortFailedPercent', {
      description: 'Aborts when this share (%) of finished devices failed or rolled back…',
    }),
    abortMinCount: t.exposeInt('abortMinCount', { description: '…and at least this many did.' }),
    healthSeconds: t.exposeInt('healthSeconds', {
      description: 'A device is HEALTHY once online on the new version and sending for this long.',
    }),
    timeoutSeconds: t.exposeInt('timeoutSeconds', { description: 'A started device not HEALTHY within this long FAILS.' }),
    counts: t.field({
      type: CountsRef,
      description: 'Its devices per state.',
      resolve: (d, _a, ctx) => ctx.deployments.store.counts(d.id),
    }),
    devices: t.field({
      type: [DeploymentDeviceRef],
      description: 'Its devices, in the order they were added.',
      args: {
        states: t.arg({ type: [DeviceStateEnum], required: false, description: 'Only these states; all when omitted.' }),
        offset: t.arg.int({ required: false, defaultValue: 0, description: 'How many to skip.' }),
        limit: t.arg.int({ required: false, defaultValue: 50, description: 'At most 500.' }),
      },
      extensions: { complexity: listCost(50) },
      resolve: (d, args, ctx) =>
        ctx.deployments.store.devices({ deploymentId: d.id, states: args.states ?? undefined }, ...pageOf(args, 50)),
    }),
    createdBy: t.string({
      nullable: true,
      description: 'Who created it (null in lab mode); `via` says how.',
      resolve: async (d, _a, ctx) => (d.userId === null ? null : ((await ctx.accounts.usernameOf(d.userId)) ?? null)),
    }),
    via: t.exposeString('via', { description: 'session, token or lab' }),
    createdAt: t.field({ type: 'DateTime', description: 'When it was created.', resolve: (d) => d.createdAt }),
    updatedAt: t.field({ type: 'DateTime', description: 'When its own state last changed.', resolve: (d) => d.updatedAt }),
    finishedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When nothing was left in flight; null while it runs.',
      resolve: (d) => d.finishedAt,
    }),
  }),
});

const CreateDeploymentInput = builder.inputType('CreateDeploymentInput', {
  description: 'A release and the devices it goes to: serials, where, all, or serials and where together.',
  fields: (t) => ({
    releaseId: t.int({ required: true, description: 'A release you published, or one an admin did.' }),
    serials: t.stringList({ required: false, description: 'These devices (yours).' }),
    where: t.field({
      type: [ConditionInput],
      required: false,
      description: 'And/or every device of yours matching, as in `devices`.',
    }),
    all: t.boolean({ required: false, description: 'Every device you may command.' }),
    phases: t.intList({
      required: false,
      description: `Cumulative percentages, rising, ending at 100 (default [100], at most ${DEPLOYMENT_LIMITS.phases}). A phase starts when every device of the ones before is final.`,
    }),
    ratePerMinute: t.int({
      required: false,
      description: `Devices started per minute at most; default ${DEPLOYMENT_LIMITS.defaultRatePerMinute}.`,
    }),
    abortFailedPercent: t.int({
      required: false,
      description: `Abort when this share (%) of finished devices failed or rolled back; default ${DEPLOYMENT_LIMITS.defaultAbortFailedPercent}.`,
    }),
    abortMinCount: t.int({
      required: false,
      description: `…once at least this many did; default ${DEPLOYMENT_LIMITS.defaultAbortMinCount}.`,
    }),
    healthSeconds: t.int({
      required: false,
      description: `HEALTHY after this long online on the new version, sending; default ${DEPLOYMENT_LIMITS.defaultHealthSeconds}, at most ${DEPLOYMENT_LIMITS.maxHealthSeconds}.`,
    }),
    timeoutSeconds: t.int({
      required: false,
      description: `A started device not HEALTHY within this long FAILS; default ${DEPLOYMENT_LIMITS.defaultTimeoutSeconds}, 10 to ${DEPLOYMENT_LIMITS.maxTimeoutSeconds}.`,
    }),
  }),
});

/** A deployment, when the caller may see it: its creator, or an admin (everyone in lab mode). */
async function visibleDeployment(ctx: Context, id: number): Promise<DeploymentRow> {
  requireScope(ctx);
  const d = await ctx.deployments.store.get(id);
  if (!d || (!seesEveryones(ctx) && d.userId !== ctx.viewer?.id)) throw new ForbiddenError(`no deployment ${id} of yours`);
  return d;
}

const who = (ctx: Context) => ({
  userId: ctx.viewer?.id ?? null,
  username: ctx.viewer?.username ?? 'lab mode',
  via: ctx.identity.via,
  address: ctx.http?.address ?? 'graphql-ws',
});

builder.mutationField('createDeployment', (t) =>
  t.field({
    type: DeploymentRef,
    description:
      'Sends a signed release to your devices (admins: any) in phases. Devices on protocol v1, already on the version, outside the release’s target or in another deployment are SKIPPED with the reason.',
    args: { input: t.arg({ type: CreateDeploymentInput, required: true, description: 'The release, devices and rules.' }) },
    resolve: async (_root, { input }, ctx) => {
      const release = await ctx.releases.deployable(input.releaseId, requireScope(ctx));
      if (!input.serials && !input.where && !input.all) throw new BadInputError('name the devices: serials, where, or all');
      const targets = new Set<string>();
      for (const serial of input.serials ?? []) {
        const d = ctx.fleet.get(serial);
        if (!d || !isVisible(ctx, d)) throw new ForbiddenError(`no device ${serial} of yours`);
        targets.add(serial);
      }
      if (input.where || input.all) {
        const match = compileWhere(input.where ?? []);
        for (const d of visibleDevices(ctx)) if (match(d)) targets.add(d.serial);
      }
      return ctx.deployments.create(release, [...targets], input, who(ctx));
    },
  }),
);

for (const [name, verb, act] of [
  ['pauseDeployment', 'Pauses', (ctx: Context, id: number) => ctx.deployments.pause(id)],
  ['resumeDeployment', 'Resumes', (ctx: Context, id: number) => ctx.deployments.resume(id)],
  ['cancelDeployment', 'Cancels', (ctx: Context, id: number) => ctx.deployments.cancel(id, who(ctx).username)],
] as const)
  builder.mutationField(name, (t) =>
    t.field({
      type: DeploymentRef,
      description: `${verb} a deployment (its creator or an admin).`,
      args: { id: t.arg.int({ required: true, description: 'The deployment’s id.' }) },
      resolve: async (_root, { id }, ctx) => {
        await visibleDeployment(ctx, id);
        await act(ctx, id);
        return visibleDeployment(ctx, id);
      },
    }),
  );

builder.queryField('deployment', (t) =>
  t.field({
    type: DeploymentRef,
    description: 'One deployment: its creator or an admin.',
    args: { id: t.arg.int({ required: true, description: 'The deployment’s id.' }) },
    resolve: (_root, { id }, ctx) => visibleDeployment(ctx, id),
  }),
);

builder.queryField('deployments', (t) =>
  t.field({
    type: [DeploymentRef],
    description: 'Your deployments, newest first (admins: everyone’s).',
    args: {
      offset: t.arg.int({ required: false, defaultValue: 0, description: 'How many to skip.' }),
      limit: t.arg.int({ required: false, defaultValue: 20, description: 'At most 500.' }),
    },
    resolve: (_root, args, ctx) => {
      requireScope(ctx);
      return ctx.deployments.store.list(seesEveryones(ctx) ? null : (ctx.viewer?.id ?? -1), ...pageOf(args, 20));
    },
  }),
);

/** How often a deployment's progress is sent at most. */
const PROGRESS_MS = 250;

builder.subscriptionField('deploymentProgress', (t) =>
  t.field({
    type: DeploymentRef,
    description: `A deployment as it moves: at once, then at most every ${PROGRESS_MS} ms while anything changes (its creator or an admin).`,
    args: { id: t.arg.int({ required: true, description: 'The deployment’s id.' }) },
    subscribe: async (_root, { id }, ctx) => {
      const first = await visibleDeployment(ctx, id);
      let timer: NodeJS.Timeout | null = null;
      let off = () => {};
      const stream = new LatestStream<DeploymentRow>(() => {
        off();
        if (timer) clearTimeout(timer);
      });
      off = ctx.deployments.on((changed) => {
        if (changed !== id || timer) return;
        timer = setTimeout(async () => {
          timer = null;
          const d = await ctx.deployments.store.get(id).catch(() => null);
          if (d) stream.deliver(d);
        }, PROGRESS_MS);
      });
      stream.deliver(first);
      return stream;
    },
    resolve: (d) => d,
  }),
);

builder.objectField(DeviceRef, 'softwareVersion', (t) =>
  t.string({
    nullable: true,
    description: `The \`${VERSION_PARAMETER}\` it reports (deployments wait for the release's).`,
    resolve: (d) => {
      const v = d.params[VERSION_PARAMETER];
      return v === undefined || v === null ? null : String(v);
    },
  }),
);

builder.objectField(DeviceRef, 'updates', (t) =>
  t.field({
    type: [DeploymentDeviceRef],
    description: 'Its update history: every deployment that included it, newest first.',
    args: {
      offset: t.arg.int({ required: false, defaultValue: 0, description: 'How many to skip.' }),
      limit: t.arg.int({ required: false, defaultValue: 20, description: 'At most 500.' }),
    },
    extensions: { complexity: listCost(20) },
    resolve: (d, args, ctx) => ctx.deployments.store.devices({ serial: d.serial }, ...pageOf(args, 20)),
  }),
);
