import { createSignal, Show } from 'solid-js';
import { useConnection } from '../clients.ts';
import type { Condition } from '../gql/graphql.ts';
import { createJobs } from '../jobs.ts';
import { JobView } from './JobView.tsx';

/** Sends one command to every device the current filter matches, after a confirmation that says how many. */
export function RunOnFilter(props: { where: Condition[]; matching: number }) {
  const jobs = createJobs(useConnection().client);
  const [asking, setAsking] = createSignal<{ name: string; args: Record<string, unknown> } | null>(null);
  const [jobId, setJobId] = createSignal<string | null>(null);
  const [argsProblem, setArgsProblem] = createSignal<string | null>(null);
  let name: HTMLInputElement | undefined;
  let args: HTMLTextAreaElement | undefined;
  return (
    <details class="run-on-filter">
      <summary>Run a command</summary>
      <div class="access-body">
        <form
          class="inline-form"
          aria-label="Run a command"
          onSubmit={(e) => {
            e.preventDefault();
            try {
              const parsed = args?.value.trim() ? (JSON.parse(args.value) as Record<string, unknown>) : {};
              setArgsProblem(null);
              setAsking({ name: name?.value ?? '', args: parsed });
            } catch {
              setArgsProblem('args must be JSON, e.g. {"mode": "charging"}');
            }
          }}
        >
          <label>
            Command
            <input ref={name} required maxLength={64} placeholder="switch-mode" />
          </label>
          <label>
            Args (JSON)
            <textarea ref={args} rows={2} placeholder='{"mode": "charging"}' />
          </label>
          <button type="submit">Run on the {props.matching} device(s) matching this filter…</button>
        </form>
        <Show when={argsProblem()}>{(p) => <p class="error">{p()}</p>}</Show>
        <Show when={asking()}>
          {(a) => (
            <div role="alertdialog" aria-label="Confirm">
              <p>
                Send <strong>{a().name}</strong> to {props.matching} device(s)?
              </p>
              <button
                type="button"
                onClick={async () => {
                  const id = await jobs.runOnFilter(props.where, a().name, a().args);
                  setAsking(null);
                  if (id) setJobId(id);
                }}
              >
                Send to {props.matching}
              </button>{' '}
              <button type="button" onClick={() => setAsking(null)}>
                Do not send
              </button>
            </div>
          )}
        </Show>
        <Show when={jobs.problem()}>{(p) => <p class="error">{p()}</p>}</Show>
        <Show when={jobId()} keyed>
          {(id) => <JobView id={id} />}
        </Show>
      </div>
    </details>
  );
}
