import { createSignal, For, Show } from 'solid-js';
import { useConnection } from '../clients.ts';
import { localDateTime } from '../format.ts';
import { createJobs, isRunning, total } from '../jobs.ts';
import { JobView } from './JobView.tsx';

/** The recent jobs; one opens as a live view. */
export function JobsMenu() {
  const jobs = createJobs(useConnection().client);
  const [open, setOpen] = createSignal<string | null>(null);
  return (
    <details class="jobs-menu" onToggle={(e) => e.currentTarget.open && void jobs.load()}>
      <summary>Jobs</summary>
      <div class="access-body">
        <ul>
          <For each={jobs.jobs()} fallback={<li class="meta">No jobs yet.</li>}>
            {(job) => (
              <li>
                <button type="button" class="device-link" onClick={() => setOpen(job.id)}>
                  {job.name}
                </button>{' '}
                · {total(job)} device(s) · {job.counts.SUCCEEDED} succeeded · {isRunning(job) ? 'running' : 'finished'} ·{' '}
                {localDateTime(job.createdAt)}
              </li>
            )}
          </For>
        </ul>
        <Show when={open()} keyed>
          {(id) => <JobView id={id} />}
        </Show>
        <Show when={jobs.problem()}>{(p) => <p class="error">{p()}</p>}</Show>
      </div>
    </details>
  );
}
