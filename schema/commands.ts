import { SET_COMMAND } from '../protocol/v2.ts';
import { nameProblem, valueProblem } from '../protocol/values.ts';
import type { ExecutionRow, JobRow } from '../server/commands/command-store.ts';
import { COMMAND_LIMITS, EXECUTION_STATES, type ExecutionState } from '../server/commands/states.ts';
import { BadInputError, bounded, ForbiddenError } from '../server/errors.ts';
import { LatestStream, QueueStream } from '../server/live/streams.ts';
import { compileWhere } from '../server/state/query.ts';
import { isVisible, seesEveryones, visibleDevices } from './access.ts';
import { builder } from './builder.ts';
import { ConditionInput } from './conditions.ts';
import { listCost } from './cost.ts';
import { DeviceRef } from './device.ts';
import { pageOf } from './paging.ts';

const STATE_MEANING: Record<ExecutionState, string> = {
  QUEUED: 'Waiting to be sent: the device is offline, or the job is paced.',
  SENT: 'Sent on the device’s socket; no answer yet.',
  DELIVERED: 'The device said it received the command and is working on it.',
  SUCCEEDED: 'The device reported success (final).',
  FAILED: 'The device reported failure, or retries ran out (final).',
  REJECTED: 'The device refused the command, e.g. unknown or not allowed (final).',
  TIMED_OUT: 'No "received" within the ack timeout; retried while retries remain.',
  EXPIRED: 'Not finished when the job expired (final).',
  CANCELED: 'Canceled before it finished (final).',
  SKIPPED: 'The device cannot take commands (protocol v1) (final).',
};

const StateEnum = builder.enumType('ExecutionState', {
  description:
    'QUEUED → SENT → DELIVERED (the device said "received") → SUCCEEDED | FAILED | REJECTED; SENT → TIMED_OUT → retried or FAILED; open ones → EXPIRED or CANCELED; SKIPPED: the device cannot take commands (protocol v1).',
  values: Object.fromEntries(EXECUTION_STATES.map((s) => [s, { description: STATE_MEANING[s] }])) as Record<
    ExecutionState,
    { description: string }
  >,
});

const ExecutionRef = builder.objectRef<ExecutionRow>('Execution').implement({
  description: "One device's execution of a command.",
  fields: (t) => ({
    cmdid: t.string({ description: 'The id on the wire (CMND/RSLT).', resolve: (e) => String(e.id) }),
    jobId: t.exposeID('jobId', { description: 'The job it belongs to.' }),
    serial: t.exposeString('serial', { description: 'The device.' }),
    state: t.field({ type: StateEnum, description: 'Where it is now.', resolve: (e) => e.state }),
    attempts: t.exposeInt('attempts', { description: 'How often it was sent (retries after timeouts count).' }),
    percent: t.float({ nullable: true, description: 'Progress the device reported, 0 to 100.', resolve: (e) => e.percent }),
    result: t.field({
      type: 'JSON',
      nullable: true,
      description: 'What the device answered on success.',
      resolve: (e) => e.result,
    }),
    error: t.string({
      nullable: true,
      description: 'What the device said went wrong (FAILED, REJECTED).',
      resolve: (e) => e.error,
    }),
    reason: t.string({
      nullable: true,
      description: 'Why it was skipped, timed out, expired or canceled.',
      resolve: (e) => e.reason,
    }),
    updatedAt: t.field({ type: 'DateTime', description: 'When its state last changed.', resolve: (e) => e.updatedAt }),
  }),
});

const CountsRef = builder.objectRef<Record<ExecutionState, number>>('ExecutionCounts').implement({
  description: 'How many executions are in each state.',
  fields: (t) =>
    Object.fromEntries(
      EXECUTION_STATES.map((s) => [s, t.int({ description: `Executions in state ${s}.`, resolve: (c) => c[s] })]),
    ) as never,
});

const JobRef = builder.objectRef<JobRow>('Job').implement({
  description: 'One command sent to one or many devices.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable id (for job, cancelJob, jobProgress).' }),
    name: t.exposeString('name', { description: 'The command, e.g. `set`, `reboot`.' }),
    args: t.field({ type: 'JSON', description: 'Its arguments as sent.', resolve: (j) => j.args }),
    createdAt: t.field({ type: 'DateTime', description: 'When it was sent.', resolve: (j) => j.createdAt }),
    expiresAt: t.field({ type: 'DateTime', description: 'Unfinished executions expire then.', resolve: (j) => j.expiresAt }),
    canceledAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When it was canceled; null otherwise.',
      resolve: (j) => j.canceledAt,
    }),
    createdBy: t.string({
      nullable: true,
      description: 'Who sent it (null in lab mode); `via` and `address` say how and from where.',
      resolve: async (j, _a, ctx) => (j.userId === null ? null : ((await ctx.accounts.usernameOf(j.userId)) ?? null)),
    }),
    via: t.exposeString('via', { description: 'session, token or lab' }),
    address: t.exposeString('address', { description: 'The client address it was sent from.' }),
    counts: t.field({
      type: CountsRef,
      description: 'Its executions per state.',
      resolve: (j, _a, ctx) => ctx.commands.store.counts(j.id),
    }),
    executions: t.field({
      type: [ExecutionRef],
      description: 'Its executions, one per device.',
      args: {
        states: t.arg({ type: [StateEnum], required: false, description: 'Only these states; all when omitted.' }),
        offset: t.arg.int({ required: false, defaultValue: 0, description: 'How many to skip.' }),
        limit: t.arg.int({ required: false, defaultValue: 50, description: 'At most 500.' }),
      },
      extensions: { complexity: listCost(50) },
      resolve: (j, args, ctx) =>
        ctx.commands.store.executions({ jobId: j.id, states: args.states ?? undefined }, ...pageOf(args)),
    }),
  }),
});

const SendCommandInput = builder.inputType('SendCommandInput', {
  description: 'A command and the devices it goes to (serials, where, or both).',
  fields: (t) => ({
    serials: t.stringList({ required: false, description: 'These devices (yours).' }),
    where: t.field({
      type: [ConditionInput],
      required: false,
      description: 'And/or every device of yours matching, as in `devices`.',
    }),
    name: t.string({ required: true, description: '`set` is reserved: args {"values": {name: value}}.' }),
    args: t.field({ type: 'JSON', required: false, description: `At most ${COMMAND_LIMITS.argsBytes / 1024} KiB as JSON.` }),
    ackTimeoutSeconds: t.int({
      required: false,
      description: `Default ${COMMAND_LIMITS.defaultAckTimeoutSeconds}: no "received" within it is TIMED_OUT.`,
    }),
    expiresInSeconds: t.int({
      required: false,
      description: `Default ${COMMAND_LIMITS.defaultExpiresInSeconds}; at most ${COMMAND_LIMITS.maxExpiresInSeconds}.`,
    }),
    retries: t.int({
      required: false,
      description: `After a timeout; default ${COMMAND_LIMITS.defaultRetries}, at most ${COMMAND_LIMITS.maxRetries}.`,
    }),
    ratePerSecond: t.int({
      required: false,
      description: 'At most this many devices a second are sent it (per instance); default: all at once.',
    }),
  }),
});

function checkArgs(name: string, args: unknown): void {
  if (nameProblem(name) === 'badName') throw new BadInputError('a command name is 1 to 64 of A-Z a-z 0-9 . _ -');
  if (args !== undefined && args !== null && (typeof args !== 'object' || Array.isArray(args)))
    throw new BadInputError('args must be a JSON object');
  if (new TextEncoder().encode(JSON.stringify(args ?? {})).length > COMMAND_LIMITS.argsBytes)
    throw new BadInputError(`args are over ${COMMAND_LIMITS.argsBytes / 1024} KiB as JSON`);
  if (name !== SET_COMMAND) return;
  const values = (args as { values?: unknown } | null)?.values;
  if (typeof values !== 'object' || values === null || Array.isArray(values))
    throw new BadInputError('set takes args {"values": {name: value}}');
  for (const [k, v] of Object.entries(values)) {
    if (nameProblem(k)) throw new BadInputError(`"${k}" is not a parameter name`);
    if (valueProblem(v, { maxStringBytes: 1024 }))
      throw new BadInputError(`the value of ${k} must be a number, a string of at most 1 KiB, a boolean or null`);
  }
}

builder.mutationField('sendCommand', (t) =>
  t.field({
    type: JobRef,
    description: 'Sends a command to your devices (admins: any). Devices that cannot take commands are SKIPPED with the reason.',
    args: { input: t.arg({ type: SendCommandInput, required: true, description: 'The command and its devices.' }) },
    resolve: async (_root, { input }, ctx) => {
      checkArgs(input.name, input.args);
      const ackTimeout = bounded(input.ackTimeoutSeconds, COMMAND_LIMITS.defaultAckTimeoutSeconds, 1, 3600, 'ackTimeoutSeconds');
      const expiresIn = bounded(
        input.expiresInSeconds,
        COMMAND_LIMITS.defaultExpiresInSeconds,
        1,
        COMMAND_LIMITS.maxExpiresInSeconds,
        'expiresInSeconds',
      );
      const retries = bounded(input.retries, COMMAND_LIMITS.defaultRetries, 0, COMMAND_LIMITS.maxRetries, 'retries');
      if (!input.serials && !input.where) throw new BadInputError('name the devices: serials, where, or both');
      const targets = new Map<string, string | null>();
      for (const serial of input.serials ?? []) {
        const d = ctx.fleet.get(serial);
        if (!d || !isVisible(ctx, d)) throw new ForbiddenError(`no device ${serial} of yours`);
        targets.set(serial, null);
      }
      if (input.where) {
        const match = compileWhere(input.where);
        for (const d of visibleDevices(ctx)) if (match(d)) targets.set(d.serial, null);
      }
      if (targets.size === 0) throw new BadInputError('no device of yours matches');
      if (targets.size > COMMAND_LIMITS.targets) throw new BadInputError(`at most ${COMMAND_LIMITS.targets} devices per command`);
      const userId = ctx.viewer?.id ?? null;
      if ((await ctx.commands.store.jobsSince(userId, Date.now() - 60_000)) >= COMMAND_LIMITS.jobsPerMinute)
        throw new BadInputError(`at most ${COMMAND_LIMITS.jobsPerMinute} commands a minute: wait a little`);
      const list = [...targets.keys()].map((serial) => ({
        serial,
        skip: ctx.fleet.get(serial)?.protocol === 2 ? null : 'the device speaks protocol v1: it cannot take commands',
      }));
      const job = await ctx.commands.store.create(
        {
          name: input.name,
          args: input.args ?? {},
          userId,
          via: ctx.identity.via,
          address: ctx.http?.address ?? 'graphql-ws',
          ackTimeoutMs: ackTimeout * 1000,
          retries,
          expiresAt: Date.now() + expiresIn * 1000,
          ratePerSecond: input.ratePerSecond == null ? null : bounded(input.ratePerSecond, 1, 1, 100_000, 'ratePerSecond'),
        },
        list,
      );
      ctx.commands.queued(list.filter((t) => t.skip === null).map((t) => t.serial));
      return job;
    },
  }),
);

/** A job, when the caller may see it: its creator, or an admin (everyone in lab mode). */
async function visibleJob(ctx: Parameters<typeof isVisible>[0], id: string): Promise<JobRow> {
  const job = Number.isInteger(Number(id)) ? await ctx.commands.store.job(Number(id)) : null;
  if (!job || (!seesEveryones(ctx) && job.userId !== ctx.viewer?.id)) throw new ForbiddenError(`no job ${id} of yours`);
  return job;
}

builder.queryField('job', (t) =>
  t.field({
    type: JobRef,
    description: 'One job: its creator or an admin.',
    args: { id: t.arg.id({ required: true, description: 'The job’s id.' }) },
    resolve: (_root, { id }, ctx) => visibleJob(ctx, String(id)),
  }),
);

builder.queryField('jobs', (t) =>
  t.field({
    type: [JobRef],
    description: "Your jobs, newest first (admins: everyone's).",
    args: {
      offset: t.arg.int({ required: false, defaultValue: 0, description: 'How many to skip.' }),
      limit: t.arg.int({ required: false, defaultValue: 20, description: 'At most 500.' }),
    },
    resolve: (_root, args, ctx) => {
      return ctx.commands.store.jobs(seesEveryones(ctx) ? null : (ctx.viewer?.id ?? -1), ...pageOf(args, 20));
    },
  }),
);

builder.mutationField('cancelJob', (t) =>
  t.field({
    type: JobRef,
    description: 'Cancels what of a job has not finished (its creator or an admin).',
    args: { id: t.arg.id({ required: true, description: 'The job’s id.' }) },
    resolve: async (_root, { id }, ctx) => {
      const job = await visibleJob(ctx, String(id));
      ctx.commands.transitions.emit(await ctx.commands.store.cancel(job.id, ctx.viewer?.username ?? 'lab mode'));
      return (await ctx.commands.store.job(job.id)) ?? job;
    },
  }),
);

builder.objectField(DeviceRef, 'commands', (t) =>
  t.field({
    type: [ExecutionRef],
    description: 'Its commands, newest first.',
    args: {
      states: t.arg({ type: [StateEnum], required: false, description: 'Only these states; all when omitted.' }),
      offset: t.arg.int({ required: false, defaultValue: 0, description: 'How many to skip.' }),
      limit: t.arg.int({ required: false, defaultValue: 20, description: 'At most 500.' }),
    },
    extensions: { complexity: listCost(20) },
    resolve: (d, args, ctx) =>
      ctx.commands.store.executions({ serial: d.serial, states: args.states ?? undefined }, ...pageOf(args)),
  }),
);

builder.objectField(DeviceRef, 'desired', (t) =>
  t.field({
    type: 'JSON',
    description: 'Values set with setDesired that it has not reported yet: name → {"value", "setAt", "setBy"}.',
    resolve: async (d, _a, ctx) => {
      const out: Record<string, unknown> = {};
      for (const [name, e] of Object.entries(d.desired ?? {})) {
        out[name] = {
          value: e.value,
          setAt: new Date(e.setAt).toISOString(),
          setBy: e.userId === null ? null : ((await ctx.accounts.usernameOf(e.userId)) ?? null),
        };
      }
      return out;
    },
  }),
);

builder.mutationField('setDesired', (t) =>
  t.field({
    type: JobRef,
    nullable: true,
    description:
      'Values you want one of your devices to take: recorded, sent as a `set` command (now, or when it connects), and cleared when it reports them. Supersedes older pending values. Null when the device speaks protocol v1 (nothing can be sent; the values stay pending).',
    args: {
      serial: t.arg.string({ required: true, description: 'The device’s serial.' }),
      values: t.arg({ type: 'JSON', required: true, description: 'Parameter name → the value it should take.' }),
    },
    resolve: async (_root, { serial, values }, ctx) => {
      const device = ctx.fleet.get(serial);
      if (!device || !isVisible(ctx, device)) throw new ForbiddenError(`no device ${serial} of yours`);
      checkArgs(SET_COMMAND, { values });
      if (Object.keys(values as object).length === 0) throw new BadInputError('values is empty');
      return ctx.commands.desired.set(serial, values as Record<string, never>, {
        userId: ctx.viewer?.id ?? null,
        via: ctx.identity.via,
        address: ctx.http?.address ?? 'graphql-ws',
        ackTimeoutMs: COMMAND_LIMITS.defaultAckTimeoutSeconds * 1000,
        retries: COMMAND_LIMITS.defaultRetries,
        expiresAt: Date.now() + COMMAND_LIMITS.defaultExpiresInSeconds * 1000,
      });
    },
  }),
);

/** How often a job's progress is sent at most (transitions in between are coalesced into one update). */
const PROGRESS_MS = 250;

builder.subscriptionField('jobProgress', (t) =>
  t.field({
    type: JobRef,
    description: `A job as its executions move: at once, then at most every ${PROGRESS_MS} ms while anything changes (its creator or an admin).`,
    args: { id: t.arg.id({ required: true, description: 'The job’s id.' }) },
    subscribe: async (_root, { id }, ctx) => {
      const job = await visibleJob(ctx, String(id));
      let timer: NodeJS.Timeout | null = null;
      let off = () => {};
      const stream = new LatestStream<JobRow>(() => {
        off();
        if (timer) clearTimeout(timer);
      });
      const send = async () => {
        timer = null;
        stream.deliver((await ctx.commands.store.job(job.id)) ?? job);
      };
      off = ctx.commands.transitions.on((rows) => {
        if (timer || !rows.some((r) => r.jobId === job.id)) return;
        timer = setTimeout(() => void send(), PROGRESS_MS);
      });
      stream.deliver(job);
      return stream;
    },
    resolve: (job) => job,
  }),
);

builder.subscriptionField('deviceCommands', (t) =>
  t.field({
    type: ExecutionRef,
    description: "Every state change of one device's commands (owner or admin).",
    args: { serial: t.arg.string({ required: true, description: 'The device’s serial.' }) },
    subscribe: (_root, { serial }, ctx) => {
      const device = ctx.fleet.get(serial);
      if (!device || !isVisible(ctx, device)) throw new ForbiddenError(`no device ${serial} of yours`);
      let off = () => {};
      const stream = new QueueStream<ExecutionRow>(1000, () => off());
      off = ctx.commands.transitions.on((rows) => {
        for (const r of rows) if (r.serial === serial) stream.deliver(r);
      });
      return stream;
    },
    resolve: (row) => row,
  }),
);
