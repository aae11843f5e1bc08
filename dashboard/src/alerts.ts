import type { Client } from '@urql/core';
import { type Accessor, createSignal, onCleanup } from 'solid-js';
import {
  AcknowledgeAlertMutation,
  AlertChangedSubscription,
  AlertRulesQuery,
  AlertsQuery,
  CreateAlertRuleMutation,
  CreateChannelMutation,
  DeadLettersQuery,
  DeleteAlertRuleMutation,
  DeviceAlertMarksQuery,
  FiringCountQuery,
  RetryNotificationMutation,
  SetAlertRuleEnabledMutation,
} from './alert-documents.ts';
import { errorText } from './errors.ts';
import type {
  AlertFieldsFragment,
  AlertOp,
  AlertRuleFieldsFragment,
  AlertSeverity,
  AlertState,
  Condition,
  DeadLettersQuery as DeadResult,
  AlertRulesQuery as RulesResult,
} from './gql/graphql.ts';

export type AlertRow = AlertFieldsFragment;
export type AlertRuleRow = AlertRuleFieldsFragment;
export type Channel = RulesResult['notificationChannels'][number];
export type DeadLetter = DeadResult['notifications'][number];

/** What the rule editor makes: a threshold, presence (offline for N s) or no-data rule. */
export interface RuleDraft {
  name: string;
  where: Condition[];
  kind: 'threshold' | 'offline' | 'noData';
  parameter: string;
  op: AlertOp;
  threshold: string;
  clearThreshold: string;
  seconds: number;
  severity: AlertSeverity;
  reminderSeconds: number | null;
  notify: number[];
}

/** The rule input the API takes, from the editor's draft. */
export function ruleInput(d: RuleDraft) {
  const number = (text: string) => (text.trim() === '' ? null : Number.isFinite(Number(text)) ? Number(text) : text);
  const base = { name: d.name, where: d.where, severity: d.severity, notify: d.notify, reminderSeconds: d.reminderSeconds };
  if (d.kind === 'offline')
    return { ...base, parameter: 'online', op: 'EQUALS' as const, threshold: false, forSeconds: d.seconds };
  if (d.kind === 'noData') return { ...base, parameter: d.parameter, noDataSeconds: d.seconds };
  return {
    ...base,
    parameter: d.parameter,
    op: d.op,
    threshold: number(d.threshold),
    clearThreshold: number(d.clearThreshold),
    forSeconds: d.seconds,
  };
}

/** A rule's condition in words: "battery < 10 for 60 s". */
export function describeRule(r: AlertRuleRow): string {
  if (r.noDataSeconds !== null && r.noDataSeconds !== undefined) return `no ${r.parameter} for ${r.noDataSeconds} s`;
  if (r.parameter === 'online') return `offline for ${r.forSeconds} s`;
  const ops: Record<string, string> = { GT: '>', LT: '<', GTE: '≥', LTE: '≤', EQUALS: '=', NOT_EQUALS: '≠' };
  const clear = r.clearThreshold !== null && r.clearThreshold !== undefined ? `, clears at ${String(r.clearThreshold)}` : '';
  return `${r.parameter} ${ops[r.op ?? ''] ?? r.op} ${String(r.threshold)}${r.forSeconds > 0 ? ` for ${r.forSeconds} s` : ''}${clear}`;
}

/**
 * Runs `reread` after alert changes (those `concerns` keeps): once per 300 ms at most, however many arrive
 * together. Ends with the component.
 */
function onAlertChanges(client: Client, reread: () => void, concerns: (serial: string) => boolean = () => true): void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const sub = client.subscription(AlertChangedSubscription, {}).subscribe((r) => {
    const serial = r.data?.alertChanged.serial;
    if (serial === undefined || !concerns(serial)) return;
    timer ??= setTimeout(() => {
      timer = null;
      reread();
    }, 300);
  });
  onCleanup(() => {
    sub.unsubscribe();
    if (timer) clearTimeout(timer);
  });
}

/** How many alerts fire now, kept live (the header's badge). */
export function createFiringCount(client: Client): Accessor<number> {
  const [count, setCount] = createSignal(0);
  const load = async () => {
    const r = await client.query(FiringCountQuery, {}, { requestPolicy: 'network-only' }).toPromise();
    setCount(r.data?.alerts.length ?? 0);
  };
  void load();
  onAlertChanges(client, () => void load());
  return count;
}

/** The alerts page's data: alerts (firing first) with filters, rules, channels, dead letters, and the actions. */
export function createAlerts(client: Client) {
  const [alerts, setAlerts] = createSignal<AlertRow[]>([]);
  const [rules, setRules] = createSignal<AlertRuleRow[]>([]);
  const [channels, setChannels] = createSignal<Channel[]>([]);
  const [dead, setDead] = createSignal<DeadLetter[]>([]);
  const [problem, setProblem] = createSignal<string | null>(null);
  const [secret, setSecret] = createSignal<string | null>(null);
  const [filter, setFilter] = createSignal<{ state: AlertState | null; severity: AlertSeverity | null; ruleId: number | null }>({
    state: null,
    severity: null,
    ruleId: null,
  });
  const loadAlerts = async () => {
    const f = filter();
    const r = await client.query(AlertsQuery, f, { requestPolicy: 'network-only' }).toPromise();
    if (r.error) setProblem(errorText(r.error));
    setAlerts(r.data?.alerts ?? []);
  };
  const loadRules = async () => {
    const r = await client.query(AlertRulesQuery, {}, { requestPolicy: 'network-only' }).toPromise();
    if (r.error) setProblem(errorText(r.error));
    setRules(r.data?.alertRules ?? []);
    setChannels(r.data?.notificationChannels ?? []);
    const d = await client.query(DeadLettersQuery, {}, { requestPolicy: 'network-only' }).toPromise();
    setDead(d.data?.notifications ?? []);
  };
  // The list is read again on changes only while the page is open (the badge counts without it).
  let open = false;
  onAlertChanges(client, () => {
    if (open) void loadAlerts();
  });
  const act = async (run: () => Promise<{ error?: Parameters<typeof errorText>[0] }>) => {
    const r = await run();
    setProblem(errorText(r.error));
    await Promise.all([loadAlerts(), loadRules()]);
    return !r.error;
  };
  return {
    alerts,
    rules,
    channels,
    dead,
    problem,
    secret,
    filter,
    /** The page opened (read everything, then follow changes) or closed. */
    async setOpen(next: boolean) {
      open = next;
      if (next) await Promise.all([loadAlerts(), loadRules()]);
    },
    setFilter(next: Partial<ReturnType<typeof filter>>) {
      setFilter({ ...filter(), ...next });
      void loadAlerts();
    },
    acknowledge: (a: AlertRow, comment: string) =>
      act(() =>
        client.mutation(AcknowledgeAlertMutation, { ruleId: a.rule.id, serial: a.serial, comment: comment || null }).toPromise(),
      ),
    createRule: (draft: RuleDraft) =>
      act(() => client.mutation(CreateAlertRuleMutation, { input: ruleInput(draft) }).toPromise()),
    setEnabled: (id: number, enabled: boolean) =>
      act(() => client.mutation(SetAlertRuleEnabledMutation, { id, enabled }).toPromise()),
    deleteRule: (id: number) => act(() => client.mutation(DeleteAlertRuleMutation, { id }).toPromise()),
    retry: (id: number) => act(() => client.mutation(RetryNotificationMutation, { id }).toPromise()),
    async createChannel(name: string, kind: 'WEBHOOK' | 'EMAIL', target: string) {
      const r = await client.mutation(CreateChannelMutation, { name, kind, target }).toPromise();
      setProblem(errorText(r.error));
      setSecret(r.data?.createNotificationChannel.secret ?? null);
      await loadRules();
    },
  };
}

export interface AlertMark {
  at: number;
  firing: boolean;
  title: string;
}

/** A device's alert transitions per parameter, for marks on its trend charts (read again on every change). */
export function createAlertMarks(client: Client, serial: string, since: Accessor<number>) {
  const [marks, setMarks] = createSignal<Map<string, AlertMark[]>>(new Map());
  const load = async () => {
    const r = await client
      .query(DeviceAlertMarksQuery, { serial, since: new Date(since()).toISOString() }, { requestPolicy: 'network-only' })
      .toPromise();
    const out = new Map<string, AlertMark[]>();
    for (const e of r.data?.device?.alerts ?? []) {
      if (e.to !== 'FIRING' && e.to !== 'RESOLVED') continue;
      const list = out.get(e.parameter) ?? [];
      list.push({ at: Date.parse(e.at), firing: e.to === 'FIRING', title: `${e.ruleName}: ${e.to.toLowerCase()}` });
      out.set(e.parameter, list);
    }
    setMarks(out);
  };
  void load();
  onAlertChanges(
    client,
    () => void load(),
    (changed) => changed === serial,
  );
  return { marks };
}
