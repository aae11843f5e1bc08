/**
 * What one batch of alert transitions writes, as rows (times in ms since the epoch): the alerts' states, their
 * history, the notification outbox, and the lease that fences it. The writer thread stores it in one
 * transaction with statements prepared once; on SQLite that is also the one connection that writes, so
 * alerts never wait for the write lock on the event loop (Prisma would, and costs a millisecond a row).
 */
export interface AlertWrite {
  /** Alerts back to OK: their rows go. */
  deletes: Array<[ruleId: number, serial: string]>;
  upserts: AlertStateRow[];
  events: AlertEventRow[];
  notifications: NotificationRow[];
  /** Renewed first; when this instance no longer holds it, nothing is written. */
  fence: { lease: string; instance: string; now: number; until: number } | null;
}

export interface AlertStateRow {
  ruleId: number;
  serial: string;
  state: string;
  since: number;
  dueAt: number | null;
  /** JSON */
  value: string;
  firedAt: number | null;
  ackUserId: number | null;
  ackAt: number | null;
  ackComment: string | null;
  /** JSON list of times */
  flips: string;
  suppressed: number;
}

export interface AlertEventRow {
  ruleId: number;
  serial: string;
  from: string;
  to: string;
  at: number;
  /** JSON */
  value: string;
  userId: number | null;
  comment: string | null;
}

export interface NotificationRow {
  channelId: number;
  ruleId: number;
  serial: string;
  kind: string;
  body: string;
  /** When it is due (and was made): now. */
  at: number;
}
