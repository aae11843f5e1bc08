import { createSignal, For, Show } from 'solid-js';
import { type AlertRow, createAlerts, createFiringCount, describeRule, type RuleDraft } from '../alerts.ts';
import { useConnection } from '../clients.ts';
import { formatValue, localDateTime } from '../format.ts';
import type { AlertOp, AlertSeverity, AlertState } from '../gql/graphql.ts';
import { FilterBuilder } from './FilterBuilder.tsx';

const OPS: AlertOp[] = ['LT', 'LTE', 'GT', 'GTE', 'EQUALS', 'NOT_EQUALS'];
const SEVERITIES: AlertSeverity[] = ['CRITICAL', 'WARNING', 'INFO'];
const STATES: AlertState[] = ['FIRING', 'PENDING', 'RESOLVED'];

const emptyDraft = (): RuleDraft => ({
  name: '',
  where: [],
  kind: 'threshold',
  parameter: 'battery',
  op: 'LT',
  threshold: '10',
  clearThreshold: '',
  seconds: 0,
  severity: 'WARNING',
  reminderSeconds: null,
  notify: [],
});

/** One alert: what, where, since when, and acknowledging it with a comment. */
function AlertItem(props: { alert: AlertRow; onAck: (comment: string) => void }) {
  const [comment, setComment] = createSignal('');
  return (
    <li class={`alert alert-${props.alert.state.toLowerCase()}`} data-serial={props.alert.serial}>
      <span class={`severity severity-${props.alert.severity.toLowerCase()}`}>{props.alert.severity}</span>{' '}
      <strong>{props.alert.rule.name}</strong> · {props.alert.serial} · {props.alert.state.toLowerCase()} since{' '}
      {localDateTime(props.alert.since)} · {formatValue(props.alert.rule.parameter, props.alert.value)}
      <Show
        when={props.alert.acknowledgedAt}
        fallback={
          <Show when={props.alert.state === 'FIRING'}>
            <span class="inline-form">
              <input
                placeholder="Comment"
                aria-label="Comment"
                value={comment()}
                onInput={(e) => setComment(e.currentTarget.value)}
              />
              <button type="button" onClick={() => props.onAck(comment())}>
                Acknowledge
              </button>
            </span>
          </Show>
        }
      >
        <span class="meta ack">
          {' '}
          · acknowledged by {props.alert.acknowledgedBy} {localDateTime(props.alert.acknowledgedAt)}
          {props.alert.comment ? `: ${props.alert.comment}` : ''}
        </span>
      </Show>
    </li>
  );
}

/** The alerts page (from the header's badge): alerts firing first, filters, rules with their editor, channels, dead letters. */
export function AlertsMenu(props: { fields: string[] }) {
  const { client } = useConnection();
  const firing = createFiringCount(client);
  const alerts = createAlerts(client);
  const [draft, setDraft] = createSignal<RuleDraft>(emptyDraft());
  const edit = (next: Partial<RuleDraft>) => setDraft({ ...draft(), ...next });
  const [channel, setChannel] = createSignal({ name: '', kind: 'WEBHOOK' as 'WEBHOOK' | 'EMAIL', target: '' });
  return (
    <details class="jobs-menu alerts-menu" onToggle={(e) => void alerts.setOpen(e.currentTarget.open)}>
      <summary>
        Alerts{' '}
        <span class="badge" classList={{ hot: firing() > 0 }} title={`${firing()} firing`} data-firing={firing()}>
          {firing()}
        </span>
      </summary>
      <div class="access-body">
        <fieldset class="inline-form" aria-label="Alert filters">
          <label>
            State{' '}
            <select onChange={(e) => alerts.setFilter({ state: (e.currentTarget.value || null) as AlertState | null })}>
              <option value="">any</option>
              <For each={STATES}>{(s) => <option value={s}>{s.toLowerCase()}</option>}</For>
            </select>
          </label>
          <label>
            Severity{' '}
            <select onChange={(e) => alerts.setFilter({ severity: (e.currentTarget.value || null) as AlertSeverity | null })}>
              <option value="">any</option>
              <For each={SEVERITIES}>{(s) => <option value={s}>{s.toLowerCase()}</option>}</For>
            </select>
          </label>
          <label>
            Rule{' '}
            <select onChange={(e) => alerts.setFilter({ ruleId: e.currentTarget.value ? Number(e.currentTarget.value) : null })}>
              <option value="">any</option>
              <For each={alerts.rules()}>{(r) => <option value={r.id}>{r.name}</option>}</For>
            </select>
          </label>
        </fieldset>
        <ul class="alerts">
          <For each={alerts.alerts()} fallback={<li class="meta">Nothing is wrong.</li>}>
            {(a) => <AlertItem alert={a} onAck={(comment) => void alerts.acknowledge(a, comment)} />}
          </For>
        </ul>

        <h3>Rules</h3>
        <ul class="rules">
          <For each={alerts.rules()} fallback={<li class="meta">No rules yet.</li>}>
            {(r) => (
              <li>
                <strong>{r.name}</strong> · {describeRule(r)} · {r.severity.toLowerCase()}
                {r.notify.length > 0 ? ` · to ${r.notify.map((c) => c.name).join(', ')}` : ''}{' '}
                <label>
                  <input
                    type="checkbox"
                    checked={r.enabled}
                    onChange={(e) => void alerts.setEnabled(r.id, e.currentTarget.checked)}
                  />{' '}
                  on
                </label>{' '}
                <button type="button" onClick={() => void alerts.deleteRule(r.id)}>
                  Delete
                </button>
              </li>
            )}
          </For>
        </ul>
        {/* Not a form: Enter in a condition's value commits the condition, it does not add the rule. */}
        <fieldset class="rule-editor" aria-label="New rule">
          <div class="inline-form">
            <label>
              Name <input required value={draft().name} onInput={(e) => edit({ name: e.currentTarget.value })} />
            </label>
            <label>
              When{' '}
              <select value={draft().kind} onChange={(e) => edit({ kind: e.currentTarget.value as RuleDraft['kind'] })}>
                <option value="threshold">a value crosses a threshold</option>
                <option value="offline">offline</option>
                <option value="noData">no data</option>
              </select>
            </label>
            <Show when={draft().kind !== 'offline'}>
              <label>
                Parameter{' '}
                <input
                  list="alert-params"
                  value={draft().parameter}
                  onInput={(e) => edit({ parameter: e.currentTarget.value })}
                />
              </label>
              <datalist id="alert-params">
                <For each={props.fields}>{(f) => <option value={f} />}</For>
              </datalist>
            </Show>
            <Show when={draft().kind === 'threshold'}>
              <select aria-label="Comparison" value={draft().op} onChange={(e) => edit({ op: e.currentTarget.value as AlertOp })}>
                <For each={OPS}>{(op) => <option value={op}>{op}</option>}</For>
              </select>
              <input
                aria-label="Threshold"
                size={6}
                value={draft().threshold}
                onInput={(e) => edit({ threshold: e.currentTarget.value })}
              />
              <label>
                clears at{' '}
                <input
                  size={6}
                  placeholder="threshold"
                  value={draft().clearThreshold}
                  onInput={(e) => edit({ clearThreshold: e.currentTarget.value })}
                />
              </label>
            </Show>
            <label>
              {draft().kind === 'noData' ? 'for (s)' : draft().kind === 'offline' ? 'for (s)' : 'holding for (s)'}{' '}
              <input
                type="number"
                min="0"
                value={draft().seconds}
                onInput={(e) => edit({ seconds: Number(e.currentTarget.value) })}
              />
            </label>
            <label>
              Severity{' '}
              <select value={draft().severity} onChange={(e) => edit({ severity: e.currentTarget.value as AlertSeverity })}>
                <For each={SEVERITIES}>{(s) => <option value={s}>{s.toLowerCase()}</option>}</For>
              </select>
            </label>
            <label>
              Remind every (s){' '}
              <input
                type="number"
                min="0"
                value={draft().reminderSeconds ?? ''}
                onInput={(e) => edit({ reminderSeconds: e.currentTarget.value ? Number(e.currentTarget.value) : null })}
              />
            </label>
          </div>
          <p class="meta">On the devices that match (all of yours without conditions):</p>
          <FilterBuilder where={draft().where} fields={props.fields} onChange={(where) => edit({ where })} />
          <div class="inline-form">
            <For each={alerts.channels()}>
              {(c) => (
                <label>
                  <input
                    type="checkbox"
                    checked={draft().notify.includes(c.id)}
                    onChange={(e) =>
                      edit({
                        notify: e.currentTarget.checked ? [...draft().notify, c.id] : draft().notify.filter((id) => id !== c.id),
                      })
                    }
                  />{' '}
                  {c.name}
                </label>
              )}
            </For>
            <button
              type="button"
              onClick={async () => {
                if (await alerts.createRule(draft())) setDraft(emptyDraft());
              }}
            >
              Add rule
            </button>
          </div>
        </fieldset>

        <h3>Channels</h3>
        <ul>
          <For
            each={alerts.channels()}
            fallback={<li class="meta">Notifications show here only, until you add a webhook or an address.</li>}
          >
            {(c) => (
              <li>
                {c.name} · {c.kind.toLowerCase()} · {c.target}
              </li>
            )}
          </For>
        </ul>
        <div class="inline-form">
          <input
            aria-label="Channel name"
            placeholder="Name"
            value={channel().name}
            onInput={(e) => setChannel({ ...channel(), name: e.currentTarget.value })}
          />
          <select
            aria-label="Channel kind"
            onChange={(e) => setChannel({ ...channel(), kind: e.currentTarget.value as 'WEBHOOK' | 'EMAIL' })}
          >
            <option value="WEBHOOK">webhook</option>
            <option value="EMAIL">e-mail</option>
          </select>
          <input
            aria-label="URL or address"
            placeholder="https://… or name@example.com"
            value={channel().target}
            onInput={(e) => setChannel({ ...channel(), target: e.currentTarget.value })}
          />
          <button type="button" onClick={() => void alerts.createChannel(channel().name, channel().kind, channel().target)}>
            Add channel
          </button>
        </div>
        <Show when={alerts.secret()}>
          {(s) => (
            <p class="secret">
              Signing secret (shown once): <code>{s()}</code>
            </p>
          )}
        </Show>

        <h3>Dead letters</h3>
        <ul class="dead-letters">
          <For each={alerts.dead()} fallback={<li class="meta">Every notification went out.</li>}>
            {(n) => (
              <li>
                {n.kind.toLowerCase()} · {n.serial} · {n.attempts} attempts · {n.lastError} · {localDateTime(n.createdAt)}{' '}
                <button type="button" onClick={() => void alerts.retry(n.id)}>
                  Send again
                </button>
              </li>
            )}
          </For>
        </ul>
        <Show when={alerts.problem()}>{(p) => <p class="error">{p()}</p>}</Show>
      </div>
    </details>
  );
}
