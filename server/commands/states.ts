/** Where one device's execution of a command is; every transition is stored with its time. */
export const EXECUTION_STATES = [
  'QUEUED',
  'SENT',
  'DELIVERED',
  'SUCCEEDED',
  'FAILED',
  'REJECTED',
  'TIMED_OUT',
  'EXPIRED',
  'CANCELED',
  'SKIPPED',
] as const;
export type ExecutionState = (typeof EXECUTION_STATES)[number];

export const FINAL_STATES: ReadonlySet<ExecutionState> = new Set([
  'SUCCEEDED',
  'FAILED',
  'REJECTED',
  'EXPIRED',
  'CANCELED',
  'SKIPPED',
]);

/** Not final: still to be sent, or waiting for the device. (TIMED_OUT is passed through on the way to a retry.) */
export const OPEN_STATES: readonly ExecutionState[] = ['QUEUED', 'SENT', 'DELIVERED'];

/** Not final at all: open, or timed out on the way to a retry (what expiry, cancel and reports may still move). */
export const UNFINISHED_STATES: readonly ExecutionState[] = [...OPEN_STATES, 'TIMED_OUT'];

/** Bounds and defaults of commands (docs/commands.md). */
export const COMMAND_LIMITS = {
  argsBytes: 16 * 1024,
  /** Open executions one device may have; beyond, the oldest expire. */
  pendingPerDevice: 100,
  /** Devices one job may target. */
  targets: 100_000,
  defaultAckTimeoutSeconds: 10,
  defaultRetries: 2,
  maxRetries: 10,
  defaultExpiresInSeconds: 3600,
  maxExpiresInSeconds: 30 * 86_400,
  /** Jobs one user may create per minute. */
  jobsPerMinute: 60,
} as const;
