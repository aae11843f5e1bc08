import type { Client } from '@urql/core';
import { createSignal, onCleanup } from 'solid-js';
import { errorText } from './errors.ts';
import type {
  Condition,
  DeploymentFieldsFragment,
  DeploymentProblemsQuery,
  DeviceUpdatesQuery as DeviceUpdatesResult,
  ReleasesQuery,
} from './gql/graphql.ts';
import {
  CancelDeploymentMutation,
  CreateDeploymentMutation,
  DeploymentProgressSubscription,
  DeploymentsQuery,
  DeviceUpdatesQuery,
  PauseDeploymentMutation,
  DeploymentProblemsQuery as ProblemsDocument,
  ReleasesQuery as ReleasesDocument,
  ResumeDeploymentMutation,
} from './update-documents.ts';

export type Release = ReleasesQuery['releases'][number];
export type Deployment = DeploymentFieldsFragment;
export type DeploymentProblem = NonNullable<DeploymentProblemsQuery['deployment']>['devices'][number];
export type DeviceState = keyof Deployment['counts'];

/** The states a deployment counts, in the schema's order. */
export const deviceStates = (d: Deployment) => Object.keys(d.counts).filter((k) => k !== '__typename') as DeviceState[];
export const deviceTotal = (d: Deployment) =>
  Object.values(d.counts).reduce<number>((n, c) => n + (typeof c === 'number' ? c : 0), 0);
export const isFinished = (d: Deployment) => d.finishedAt !== null && d.finishedAt !== undefined;

/** "5,25,100" → [5, 25, 100], or null when it is not a list of whole numbers. */
export function readPhases(text: string): number[] | null {
  const parts = text.split(',').map((p) => Number(p.trim()));
  return parts.length > 0 && parts.every((p) => Number.isInteger(p) && p > 0) ? parts : null;
}

/** Releases and recent deployments, and deploying a release to the devices a filter matches. */
export function createUpdates(client: Client) {
  const [releases, setReleases] = createSignal<Release[]>([]);
  const [deployments, setDeployments] = createSignal<Deployment[]>([]);
  const [problem, setProblem] = createSignal<string | null>(null);
  return {
    releases,
    deployments,
    problem,
    async load(): Promise<void> {
      const [r, d] = await Promise.all([
        client.query(ReleasesDocument, {}, { requestPolicy: 'network-only' }).toPromise(),
        client.query(DeploymentsQuery, {}, { requestPolicy: 'network-only' }).toPromise(),
      ]);
      setProblem(errorText(r.error ?? d.error));
      setReleases(r.data?.releases ?? []);
      setDeployments(d.data?.deployments ?? []);
    },
    /** Resolves with the new deployment's id, or null (the problem says why). */
    async deploy(releaseId: number, where: Condition[], phasesText: string, healthSeconds: number): Promise<number | null> {
      const phases = readPhases(phasesText);
      if (!phases) {
        setProblem('phases: whole percentages separated by commas, e.g. 5,25,100');
        return null;
      }
      const input = { releaseId, phases, healthSeconds, ...(where.length > 0 ? { where } : { all: true }) };
      const r = await client.mutation(CreateDeploymentMutation, { input }).toPromise();
      setProblem(errorText(r.error));
      return r.data?.createDeployment.id ?? null;
    },
  };
}

/** One deployment, live (deploymentProgress): counts per state, what failed and why, pause/resume/cancel. */
export function createDeploymentView(client: Client, id: number) {
  const [deployment, setDeployment] = createSignal<Deployment | null>(null);
  const [problems, setProblems] = createSignal<DeploymentProblem[]>([]);
  const [problem, setProblem] = createSignal<string | null>(null);
  const loadProblems = async () => {
    const r = await client.query(ProblemsDocument, { id }, { requestPolicy: 'network-only' }).toPromise();
    setProblems(r.data?.deployment?.devices ?? []);
  };
  const sub = client.subscription(DeploymentProgressSubscription, { id }).subscribe((r) => {
    if (r.error) setProblem(errorText(r.error));
    const next = r.data?.deploymentProgress;
    if (!next) return;
    setDeployment(next);
    void loadProblems();
  });
  onCleanup(() => sub.unsubscribe());
  const act = async (doc: typeof PauseDeploymentMutation | typeof ResumeDeploymentMutation | typeof CancelDeploymentMutation) => {
    const r = await client.mutation(doc as typeof PauseDeploymentMutation, { id }).toPromise();
    setProblem(errorText(r.error));
  };
  return {
    deployment,
    problems,
    problem,
    pause: () => act(PauseDeploymentMutation),
    resume: () => act(ResumeDeploymentMutation),
    cancel: () => act(CancelDeploymentMutation),
  };
}

/** A device's software version and update history (read when its panel opens). */
export function createDeviceUpdates(client: Client, serial: string) {
  const [data, setData] = createSignal<{
    version: string | null;
    updates: NonNullable<DeviceUpdatesResult['device']>['updates'];
  }>({ version: null, updates: [] });
  const load = async () => {
    const r = await client.query(DeviceUpdatesQuery, { serial }, { requestPolicy: 'network-only' }).toPromise();
    setData({ version: r.data?.device?.softwareVersion ?? null, updates: r.data?.device?.updates ?? [] });
  };
  void load();
  return { data, reload: load };
}
