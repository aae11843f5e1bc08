import type { UpdateStage } from '../../protocol/releases.ts';

/** Where one device of a deployment is; every transition is stored with its time (its update history). */
export const DEVICE_STATES = [
  'QUEUED',
  'NOTIFIED',
  'DOWNLOADING',
  'DOWNLOADED',
  'VERIFIED',
  'INSTALLING',
  'RESTARTING',
  'UPDATED',
  'HEALTHY',
  'FAILED',
  'ROLLED_BACK',
  'SKIPPED',
  'CANCELED',
] as const;
export type DeviceUpdateState = (typeof DEVICE_STATES)[number];

export const FINAL_DEVICE_STATES: ReadonlySet<DeviceUpdateState> = new Set([
  'HEALTHY',
  'FAILED',
  'ROLLED_BACK',
  'SKIPPED',
  'CANCELED',
]);

/** Started and not final: what the driver watches each tick. */
export const IN_FLIGHT: readonly DeviceUpdateState[] = [
  'NOTIFIED',
  'DOWNLOADING',
  'DOWNLOADED',
  'VERIFIED',
  'INSTALLING',
  'RESTARTING',
  'UPDATED',
];

/** Before the device starts installing: canceling a deployment stops these (later ones are seen through). */
export const CANCELABLE: readonly DeviceUpdateState[] = ['QUEUED', 'NOTIFIED', 'DOWNLOADING', 'DOWNLOADED', 'VERIFIED'];

/** The `stage` an agent reports in its `progress` results of `update`, and the state each one means. */
export const STAGES: Readonly<Record<UpdateStage, DeviceUpdateState>> = {
  downloading: 'DOWNLOADING',
  downloaded: 'DOWNLOADED',
  verified: 'VERIFIED',
  installing: 'INSTALLING',
};

export const DEPLOYMENT_STATES = ['RUNNING', 'PAUSED', 'COMPLETED', 'ABORTED', 'CANCELED'] as const;
export type DeploymentState = (typeof DEPLOYMENT_STATES)[number];

/** Bounds and defaults of deployments (docs/releases.md). */
export const DEPLOYMENT_LIMITS = {
  phases: 10,
  defaultPhases: [100],
  defaultRatePerMinute: 600,
  maxRatePerMinute: 100_000,
  defaultAbortFailedPercent: 20,
  defaultAbortMinCount: 5,
  defaultHealthSeconds: 60,
  maxHealthSeconds: 86_400,
  defaultTimeoutSeconds: 1800,
  maxTimeoutSeconds: 7 * 86_400,
  /** Devices one deployment may target. */
  targets: 100_000,
  /** Deployments one user may have unfinished at once. */
  unfinishedPerUser: 20,
  /** How long an instance's lease on a deployment lasts without renewal. */
  leaseMs: 15_000,
  tickMs: 1000,
} as const;
