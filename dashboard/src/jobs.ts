import type { Client } from '@urql/core';
import { createSignal, onCleanup } from 'solid-js';
import { CancelJobMutation, JobProblemsQuery, JobProgressSubscription, JobsQuery, SendCommandMutation } from './documents.ts';
import { errorText } from './errors.ts';
import type { Condition, JobFieldsFragment, JobProblemsQuery as Problems } from './gql/graphql.ts';

export type Job = JobFieldsFragment;
export type Problem = NonNullable<Problems['job']>['executions'][number];

/** States that are not final: the job is running while any execution is in one. */
const OPEN = ['QUEUED', 'SENT', 'DELIVERED', 'TIMED_OUT'] as const;

/** The states a job counts, in the schema's order (QUEUED … SKIPPED). */
export const states = (job: Job) => Object.keys(job.counts).filter((k) => k !== '__typename') as Array<keyof Job['counts']>;

export const isRunning = (job: Job) => OPEN.some((s) => job.counts[s] > 0);
export const total = (job: Job) => Object.values(job.counts).reduce<number>((n, c) => n + (typeof c === 'number' ? c : 0), 0);

/** Recent jobs, and sending one command to every device a filter matches. */
export function createJobs(client: Client) {
  const [jobs, setJobs] = createSignal<Job[]>([]);
  const [problem, setProblem] = createSignal<string | null>(null);
  return {
    jobs,
    problem,
    async load(): Promise<void> {
      const r = await client.query(JobsQuery, {}, { requestPolicy: 'network-only' }).toPromise();
      setProblem(errorText(r.error));
      setJobs(r.data?.jobs ?? []);
    },
    /** Resolves with the new job's id, or null (the problem says why). */
    async runOnFilter(where: Condition[], name: string, args: Record<string, unknown>): Promise<string | null> {
      const r = await client.mutation(SendCommandMutation, { input: { where, name, args } }).toPromise();
      setProblem(errorText(r.error));
      return r.data?.sendCommand.id ?? null;
    },
  };
}

/** One job, live: its counts per state (jobProgress), what failed and why, and cancelling it. */
export function createJobView(client: Client, id: string) {
  const [job, setJob] = createSignal<Job | null>(null);
  const [problems, setProblems] = createSignal<Problem[]>([]);
  const [problem, setProblem] = createSignal<string | null>(null);
  const loadProblems = async () => {
    const r = await client.query(JobProblemsQuery, { id }, { requestPolicy: 'network-only' }).toPromise();
    setProblems(r.data?.job?.executions ?? []);
  };
  const sub = client.subscription(JobProgressSubscription, { id }).subscribe((r) => {
    if (r.error) setProblem(errorText(r.error));
    const next = r.data?.jobProgress;
    if (!next) return;
    setJob(next);
    void loadProblems();
  });
  onCleanup(() => sub.unsubscribe());
  return {
    job,
    problems,
    problem,
    async cancel(): Promise<void> {
      const r = await client.mutation(CancelJobMutation, { id }).toPromise();
      setProblem(errorText(r.error));
    },
  };
}
