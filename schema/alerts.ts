import type { Scalar } from '../protocol/values.ts';
import {
  ALERT_LIMITS,
  ALERT_OPS,
  ALERT_STATES,
  type AlertOp,
  type AlertStateName,
  PRESENCE,
  type RuleInput,
  type RuleRow,
  type Severity,
} from '../server/alerts/alert-rule.ts';
import { entryOf } from '../server/alerts/alert-store.ts';
import { type AlertChange, type AlertViewer, seesRule } from '../server/alerts/alerts.ts';
import type { AlertEntry } from '../server/alerts/evaluator.ts';
import { BadInputError } from '../server/errors.ts';
import { QueueStream } from '../server/live/streams.ts';
import { isVisible, requireScope, requireViewer } from './access.ts';
import { builder, type Context } from './builder.ts';
import { ConditionInput } from './conditions.ts';
import { DeviceRef } from './device.ts';
import { pageOf } from './paging.ts';

/** Who asks, for the alerts service: a user, or null in lab mode (everything). */
export function alertViewer(ctx: Context): AlertViewer {
  requireScope(ctx);
  return ctx.authOff ? null : requireViewer(ctx);
}

const AlertOpEnum = builder.enumType('AlertOp', {
  description: 'How a rule compares its parameter with the threshold.',
  values: Object.fromEntries(
    ALERT_OPS.map((op) => [op, { description: `The value ${op.replace('_', ' ').toLowerCase()} the threshold.` }]),
  ) as Record<AlertOp, { description: string }>,
});

const SeverityEnum = builder.enumType('AlertSeverity', {
  description: 'How bad it is: INFO, WARNING, CRITICAL.',
  values: {
    INFO: { description: 'Worth knowing.' },
    WARNING: { description: 'Needs a look.' },
    CRITICAL: { description: 'Needs action now.' },
  } as const,
});

const STATE_MEANING: Record<AlertStateName, string> = {
  OK: 'The condition does not hold.',
  PENDING: 'The condition holds, not yet for `forSeconds`.',
  FIRING: 'The condition held for `forSeconds` (or there was no data for `noDataSeconds`); it resolves past `clearThreshold`.',
  RESOLVED: `It fired and has cleared; shown for ${ALERT_LIMITS.resolvedKeepMs / 60_000} minutes, then OK.`,
};

const AlertStateEnum = builder.enumType('AlertState', {
  description: 'OK → PENDING → FIRING → RESOLVED (→ OK).',
  values: Object.fromEntries(ALERT_STATES.map((s) => [s, { description: STATE_MEANING[s] }])) as Record<
    AlertStateName,
    { description: string }
  >,
});

type ChannelRow = Awaited<ReturnType<Context['alerts']['channels']>>[number];

const ChannelRef = builder.objectRef<ChannelRow>('NotificationChannel').implement({
  description: 'Where notifications go: a webhook (signed) or an e-mail address. Its owner and admins see it.',
  fields: (t) => ({
    id: t.exposeInt('id', { description: 'Its id, for `notify`.' }),
    name: t.exposeString('name', { description: 'A name to know it by.' }),
    kind: t.exposeString('kind', { description: 'WEBHOOK or EMAIL.' }),
    target: t.exposeString('target', { description: 'The URL or the address.' }),
    createdAt: t.field({ type: 'DateTime', description: 'When it was made.', resolve: (c) => c.createdAt }),
  }),
});

const CreatedChannelRef = builder
  .objectRef<{ channel: ChannelRow; secret: string | null }>('CreatedNotificationChannel')
  .implement({
    description: 'A new channel and, for a webhook, its signing secret (shown only now).',
    fields: (t) => ({
      channel: t.field({ type: ChannelRef, description: 'The channel.', resolve: (c) => c.channel }),
      secret: t.string({
        nullable: true,
        description: 'The HMAC-SHA256 key of `X-SmartOS-Signature` (webhooks); keep it, it is not shown again.',
        resolve: (c) => c.secret,
      }),
    }),
  });

const AlertRuleRef = builder.objectRef<RuleRow>('AlertRule').implement({
  description: 'A rule on a parameter (or presence) of the devices its owner sees: its owner and admins see it.',
  fields: (t) => ({
    id: t.exposeInt('id', { description: 'Its id.' }),
    name: t.exposeString('name', { description: 'Its name.' }),
    where: t.field({ type: 'JSON', description: 'Its conditions, as in `devices`.', resolve: (r) => r.where }),
    parameter: t.exposeString('parameter', { description: `The parameter it watches (\`${PRESENCE}\`: presence).` }),
    op: t.field({
      type: AlertOpEnum,
      nullable: true,
      description: 'The comparison; null for a no-data rule.',
      resolve: (r) => r.op,
    }),
    threshold: t.field({
      type: 'JSON',
      nullable: true,
      description: 'What the value is compared with.',
      resolve: (r) => r.threshold,
    }),
    clearThreshold: t.field({
      type: 'JSON',
      nullable: true,
      description: 'A firing alert resolves once the value is past this (null: the threshold).',
      resolve: (r) => r.clearThreshold,
    }),
    forSeconds: t.exposeInt('forSeconds', { description: 'How long the condition must hold before it fires.' }),
    noDataSeconds: t.exposeInt('noDataSeconds', {
      nullable: true,
      description: 'No-data rule: fires after this long without a value.',
    }),
    severity: t.field({ type: SeverityEnum, description: 'How bad it is.', resolve: (r) => r.severity }),
    enabled: t.exposeBoolean('enabled', { description: 'A disabled rule evaluates nothing (its alerts went back to OK).' }),
    reminderSeconds: t.exposeInt('reminderSeconds', {
      nullable: true,
      description: 'Remind this often while firing and unacknowledged.',
    }),
    flapCount: t.exposeInt('flapCount', {
      description: 'More changes than this within flapSeconds: held back, then one summary.',
    }),
    flapSeconds: t.exposeInt('flapSeconds', { description: 'The flapping window.' }),
    notify: t.field({
      type: [ChannelRef],
      description: 'Where its notifications go (besides the dashboard).',
      resolve: async (r, _a, ctx) => (await ctx.alerts.channels(alertViewer(ctx))).filter((c) => r.notify.includes(c.id)),
    }),
  }),
});

interface AlertView extends AlertEntry {
  rule: RuleRow;
}

const AlertRef = builder.objectRef<AlertView>('Alert').implement({
  description: 'A rule on a device that is not OK.',
  fields: (t) => ({
    rule: t.field({ type: AlertRuleRef, description: 'The rule.', resolve: (a) => a.rule }),
    serial: t.exposeString('serial', { description: 'The device.' }),
    severity: t.field({ type: SeverityEnum, description: 'The rule’s severity.', resolve: (a) => a.rule.severity }),
    state: t.field({ type: AlertStateEnum, description: 'Where it is.', resolve: (a) => a.state }),
    since: t.field({ type: 'DateTime', description: 'When it entered this state.', resolve: (a) => a.since }),
    value: t.field({ type: 'JSON', nullable: true, description: 'The value that moved it.', resolve: (a) => a.value }),
    firedAt: t.field({ type: 'DateTime', nullable: true, description: 'When it last fired.', resolve: (a) => a.firedAt }),
    acknowledgedBy: t.string({
      nullable: true,
      description: 'Who acknowledged it (while firing).',
      resolve: async (a, _x, ctx) =>
        a.ackAt === null ? null : a.ackUserId === null ? 'lab mode' : ((await ctx.accounts.usernameOf(a.ackUserId)) ?? null),
    }),
    acknowledgedAt: t.field({ type: 'DateTime', nullable: true, description: 'When.', resolve: (a) => a.ackAt }),
    comment: t.string({ nullable: true, description: 'What they said.', resolve: (a) => a.ackComment }),
  }),
});

type EventRow = Awaited<ReturnType<Context['alerts']['store']['events']>>[number];

const AlertEventRef = builder.objectRef<EventRow>('AlertEvent').implement({
  description: 'One transition of an alert (or its acknowledgement).',
  fields: (t) => ({
    ruleId: t.exposeInt('ruleId', { description: 'The rule.' }),
    ruleName: t.string({ description: 'The rule’s name.', resolve: (e) => e.ruleName }),
    parameter: t.string({ description: 'The parameter the rule watches (`online`: presence).', resolve: (e) => e.parameter }),
    severity: t.field({ type: SeverityEnum, description: 'The rule’s severity.', resolve: (e) => e.severity as Severity }),
    serial: t.exposeString('serial', { description: 'The device.' }),
    from: t.exposeString('from', { description: 'The state before.' }),
    to: t.exposeString('to', { description: 'The state after, or ACKNOWLEDGED.' }),
    at: t.field({ type: 'DateTime', description: 'When.', resolve: (e) => e.at }),
    value: t.field({
      type: 'JSON',
      nullable: true,
      description: 'The value then.',
      resolve: (e) => (e.value === null ? null : JSON.parse(e.value)),
    }),
    by: t.string({
      nullable: true,
      description: 'Who acknowledged.',
      resolve: async (e, _a, ctx) => (e.userId === null ? null : ((await ctx.accounts.usernameOf(e.userId)) ?? null)),
    }),
    comment: t.exposeString('comment', { nullable: true, description: 'Their comment.' }),
  }),
});

type NotificationRow = Awaited<ReturnType<Context['alerts']['store']['notifications']>>[number];

const NotificationRef = builder.objectRef<NotificationRow>('Notification').implement({
  description: 'One notification in the outbox: sent, waiting for its next attempt, or dead.',
  fields: (t) => ({
    id: t.exposeInt('id', { description: 'Its id (the `id` of the webhook body).' }),
    channelId: t.exposeInt('channelId', { description: 'The channel.' }),
    ruleId: t.exposeInt('ruleId', { description: 'The rule.' }),
    serial: t.exposeString('serial', { description: 'The device.' }),
    kind: t.exposeString('kind', { description: 'FIRING, RESOLVED, REMINDER or FLAPPING.' }),
    state: t.exposeString('state', { description: 'PENDING, SENT or DEAD.' }),
    attempts: t.exposeInt('attempts', { description: 'Attempts so far.' }),
    lastError: t.exposeString('lastError', { nullable: true, description: 'Why the last attempt failed.' }),
    body: t.field({ type: 'JSON', description: 'What is sent.', resolve: (n) => JSON.parse(n.body) }),
    createdAt: t.field({ type: 'DateTime', description: 'When it was written.', resolve: (n) => n.createdAt }),
    sentAt: t.field({ type: 'DateTime', nullable: true, description: 'When it went out.', resolve: (n) => n.sentAt }),
  }),
});

const AlertChangeRef = builder.objectRef<AlertChange>('AlertChange').implement({
  description: 'An alert moved (or was acknowledged).',
  fields: (t) => ({
    ruleId: t.exposeInt('ruleId', { description: 'The rule.' }),
    serial: t.exposeString('serial', { description: 'The device.' }),
    severity: t.field({ type: SeverityEnum, description: 'The rule’s severity.', resolve: (c) => c.severity }),
    from: t.exposeString('from', { description: 'The state before.' }),
    to: t.exposeString('to', { description: 'The state after, or ACKNOWLEDGED.' }),
    state: t.field({ type: AlertStateEnum, description: 'The state now.', resolve: (c) => c.state }),
    at: t.field({ type: 'DateTime', description: 'When.', resolve: (c) => c.at }),
    value: t.field({ type: 'JSON', nullable: true, description: 'The value then.', resolve: (c) => c.value }),
  }),
});

const RuleInputRef = builder.inputType('AlertRuleInput', {
  description: `A rule: \`parameter\` \`op\` \`threshold\` for \`forSeconds\`; or presence (\`${PRESENCE}\` EQUALS false for N s: offline for N s); or no data (\`noDataSeconds\`, no op).`,
  fields: (t) => ({
    name: t.string({ required: true, description: `1 to ${ALERT_LIMITS.nameChars} characters.` }),
    where: t.field({
      type: [ConditionInput],
      required: false,
      description: 'Which of your devices (as in `devices`; default all; devices that match later are included).',
    }),
    parameter: t.string({ required: true, description: `A parameter name, or \`${PRESENCE}\`.` }),
    op: t.field({
      type: AlertOpEnum,
      required: false,
      description: 'GT LT GTE LTE EQUALS NOT_EQUALS; omitted for a no-data rule.',
    }),
    threshold: t.field({
      type: 'JSON',
      required: false,
      description: 'A number (GT…LTE), or a number, text or boolean (EQUALS, NOT_EQUALS).',
    }),
    clearThreshold: t.field({
      type: 'JSON',
      required: false,
      description: 'Hysteresis: a firing alert resolves only past this (GT 80 with 70: at 70 or below). Default: the threshold.',
    }),
    forSeconds: t.int({
      required: false,
      description: `The condition must hold this long (PENDING meanwhile); 0 to ${ALERT_LIMITS.maxForSeconds}, default 0.`,
    }),
    noDataSeconds: t.int({
      required: false,
      description: `No-data rule: fires when no value of the parameter came for this long (a device that stays offline too); ${ALERT_LIMITS.minNoDataSeconds} to ${ALERT_LIMITS.maxNoDataSeconds}.`,
    }),
    severity: t.field({ type: SeverityEnum, required: false, description: 'Default WARNING.' }),
    reminderSeconds: t.int({
      required: false,
      description: `Remind this often while firing and unacknowledged; 1 to ${ALERT_LIMITS.maxReminderSeconds}; default none.`,
    }),
    flapCount: t.int({
      required: false,
      description: `More than this many changes within flapSeconds is flapping; default 5, at most ${ALERT_LIMITS.maxFlapCount}.`,
    }),
    flapSeconds: t.int({
      required: false,
      description: `The flapping window; default 600, at most ${ALERT_LIMITS.maxFlapSeconds}.`,
    }),
    notify: t.intList({ required: false, description: `Channel ids (yours), at most ${ALERT_LIMITS.maxChannels}.` }),
  }),
});

function ruleInput(input: {
  name: string;
  where?: Array<{ field: string; op: string; value?: string | null }> | null;
  parameter: string;
  op?: AlertOp | null;
  threshold?: unknown;
  clearThreshold?: unknown;
  forSeconds?: number | null;
  noDataSeconds?: number | null;
  severity?: Severity | null;
  reminderSeconds?: number | null;
  flapCount?: number | null;
  flapSeconds?: number | null;
  notify?: number[] | null;
}): RuleInput {
  const scalar = (label: string, v: unknown): Scalar => {
    if (v === undefined || v === null) return null;
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
    throw new BadInputError(`${label} must be a number, text or a boolean`);
  };
  return {
    ...input,
    where: (input.where ?? []) as RuleInput['where'],
    threshold: scalar('threshold', input.threshold),
    clearThreshold: scalar('clearThreshold', input.clearThreshold),
  };
}

builder.mutationField('createAlertRule', (t) =>
  t.field({
    type: AlertRuleRef,
    description: 'Makes a rule on your devices (an admin’s rule: every device).',
    args: { input: t.arg({ type: RuleInputRef, required: true, description: 'The rule.' }) },
    resolve: (_r, { input }, ctx) => ctx.alerts.createRule(alertViewer(ctx), ruleInput(input)),
  }),
);

builder.mutationField('updateAlertRule', (t) =>
  t.field({
    type: AlertRuleRef,
    description: 'Changes a rule (its owner or an admin); its alerts start afresh.',
    args: {
      id: t.arg.int({ required: true, description: 'The rule.' }),
      input: t.arg({ type: RuleInputRef, required: true, description: 'The whole rule, as on creation.' }),
    },
    resolve: (_r, { id, input }, ctx) => ctx.alerts.updateRule(alertViewer(ctx), id, ruleInput(input)),
  }),
);

builder.mutationField('setAlertRuleEnabled', (t) =>
  t.field({
    type: AlertRuleRef,
    description: 'Enables or disables a rule (its owner or an admin); disabling sends its alerts back to OK, quietly.',
    args: {
      id: t.arg.int({ required: true, description: 'The rule.' }),
      enabled: t.arg.boolean({ required: true, description: 'true to evaluate it.' }),
    },
    resolve: (_r, { id, enabled }, ctx) => ctx.alerts.setEnabled(alertViewer(ctx), id, enabled),
  }),
);

builder.mutationField('deleteAlertRule', (t) =>
  t.boolean({
    description: 'Deletes a rule (its owner or an admin); its history stays.',
    args: { id: t.arg.int({ required: true, description: 'The rule.' }) },
    resolve: async (_r, { id }, ctx) => {
      await ctx.alerts.deleteRule(alertViewer(ctx), id);
      return true;
    },
  }),
);

builder.mutationField('acknowledgeAlert', (t) =>
  t.boolean({
    description: 'Acknowledges a firing alert (who, when, a comment): no more reminders. Whoever sees its rule.',
    args: {
      ruleId: t.arg.int({ required: true, description: 'The rule.' }),
      serial: t.arg.string({ required: true, description: 'The device.' }),
      comment: t.arg.string({ required: false, description: `At most ${ALERT_LIMITS.commentChars} characters.` }),
    },
    resolve: async (_r, { ruleId, serial, comment }, ctx) => {
      await ctx.alerts.acknowledge(alertViewer(ctx), ruleId, serial, comment ?? null);
      return true;
    },
  }),
);

builder.mutationField('createNotificationChannel', (t) =>
  t.field({
    type: CreatedChannelRef,
    description: 'A webhook (POST of the JSON body, signed) or an e-mail address (needs SMTP_URL), yours.',
    args: {
      name: t.arg.string({ required: true, description: '1 to 100 characters.' }),
      kind: t.arg.string({ required: true, description: 'WEBHOOK or EMAIL.' }),
      target: t.arg.string({ required: true, description: 'The http(s) URL, or the address.' }),
    },
    resolve: (_r, { name, kind, target }, ctx) => {
      if (kind !== 'WEBHOOK' && kind !== 'EMAIL') throw new BadInputError('kind is WEBHOOK or EMAIL');
      return ctx.alerts.createChannel(alertViewer(ctx), name, kind, target);
    },
  }),
);

builder.mutationField('deleteNotificationChannel', (t) =>
  t.boolean({
    description: 'Deletes a channel (its owner or an admin); notifications waiting for it go dead.',
    args: { id: t.arg.int({ required: true, description: 'The channel.' }) },
    resolve: async (_r, { id }, ctx) => {
      await ctx.alerts.deleteChannel(alertViewer(ctx), id);
      return true;
    },
  }),
);

builder.mutationField('retryNotification', (t) =>
  t.boolean({
    description: 'Sends a dead notification again, its attempts starting over (whoever sees its rule).',
    args: { id: t.arg.int({ required: true, description: 'The notification.' }) },
    resolve: async (_r, { id }, ctx) => {
      await ctx.alerts.retry(alertViewer(ctx), id);
      return true;
    },
  }),
);

builder.queryField('alertRules', (t) =>
  t.field({
    type: [AlertRuleRef],
    description: 'Your rules (admins: everyone’s).',
    resolve: (_r, _a, ctx) => ctx.alerts.rules(alertViewer(ctx)),
  }),
);

builder.queryField('notificationChannels', (t) =>
  t.field({
    type: [ChannelRef],
    description: 'Your channels (admins: everyone’s).',
    resolve: (_r, _a, ctx) => ctx.alerts.channels(alertViewer(ctx)),
  }),
);

const RANK: Record<string, number> = { FIRING: 0, PENDING: 1, RESOLVED: 2 };

builder.queryField('alerts', (t) =>
  t.field({
    type: [AlertRef],
    description: 'Alerts that are not OK on rules you see: firing first, then pending, then resolved; newest first within.',
    args: {
      state: t.arg({ type: AlertStateEnum, required: false, description: 'Only this state.' }),
      severity: t.arg({ type: SeverityEnum, required: false, description: 'Only this severity.' }),
      ruleId: t.arg.int({ required: false, description: 'Only this rule.' }),
      serial: t.arg.string({ required: false, description: 'Only this device.' }),
      offset: t.arg.int({ required: false, defaultValue: 0, description: 'How many to skip.' }),
      limit: t.arg.int({ required: false, defaultValue: 100, description: 'At most 500.' }),
    },
    resolve: async (_r, args, ctx) => {
      const rules = new Map((await ctx.alerts.rules(alertViewer(ctx))).map((r) => [r.id, r]));
      const rows = await ctx.alerts.store.stateRows({
        ruleIds: args.ruleId != null ? [args.ruleId].filter((id) => rules.has(id)) : [...rules.keys()],
        state: args.state ?? null,
        serial: args.serial ?? null,
      });
      const out: AlertView[] = [];
      for (const row of rows) {
        const rule = rules.get(row.ruleId);
        if (!rule || (args.severity && rule.severity !== args.severity)) continue;
        out.push({ ...entryOf(row), rule });
      }
      out.sort((a, b) => (RANK[a.state] ?? 3) - (RANK[b.state] ?? 3) || b.since - a.since);
      const [offset, limit] = pageOf(args, 100);
      return out.slice(offset, offset + limit);
    },
  }),
);

builder.queryField('notifications', (t) =>
  t.field({
    type: [NotificationRef],
    description: 'The outbox of rules you see, newest first: DEAD ones are the dead letters.',
    args: {
      state: t.arg.string({ required: false, description: 'PENDING, SENT or DEAD.' }),
      offset: t.arg.int({ required: false, defaultValue: 0, description: 'How many to skip.' }),
      limit: t.arg.int({ required: false, defaultValue: 100, description: 'At most 500.' }),
    },
    resolve: async (_r, args, ctx) => {
      const ruleIds = (await ctx.alerts.rules(alertViewer(ctx))).map((r) => r.id);
      return ctx.alerts.store.notifications(ruleIds, args.state ?? null, ...pageOf(args, 100));
    },
  }),
);

builder.objectField(DeviceRef, 'alerts', (t) =>
  t.field({
    type: [AlertEventRef],
    description: 'Its alert history, newest first: every transition and acknowledgement of the rules you see.',
    args: {
      since: t.arg({ type: 'DateTime', required: false, description: 'From this time.' }),
      limit: t.arg.int({ required: false, defaultValue: 100, description: 'At most 500.' }),
    },
    resolve: async (d, args, ctx) => {
      const rules = await ctx.alerts.rules(alertViewer(ctx));
      return ctx.alerts.store.events(d.serial, rules, args.since ?? null, pageOf({ limit: args.limit }, 100)[1]);
    },
  }),
);

builder.subscriptionField('alertChanged', (t) =>
  t.field({
    type: AlertChangeRef,
    description: 'Every alert change on rules you see, from whichever instance evaluates them.',
    args: {
      severity: t.arg({ type: SeverityEnum, required: false, description: 'Only this severity.' }),
      ruleId: t.arg.int({ required: false, description: 'Only this rule.' }),
    },
    subscribe: (_r, { severity, ruleId }, ctx) => {
      const viewer = alertViewer(ctx);
      let off = () => {};
      const stream = new QueueStream<AlertChange>(1000, () => off());
      off = ctx.alerts.listen((c) => {
        if (
          !seesRule(viewer, { ownerId: c.ruleOwnerId }) ||
          (severity && c.severity !== severity) ||
          (ruleId != null && c.ruleId !== ruleId)
        )
          return;
        const device = ctx.fleet.get(c.serial);
        if (device && !isVisible(ctx, device)) return;
        stream.deliver(c);
      });
      return stream;
    },
    resolve: (c) => c,
  }),
);
