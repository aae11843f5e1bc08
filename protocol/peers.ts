// The IoT channel (docs/device-protocol.md, "Peers"): a v2 device subscribes with SUBS to the live data of
// its owner's other devices and receives PEER frames: a snapshot, then only what changed. Shared by the
// server (reading SUBS, writing PEER) and the agent (the reverse). No Node-only imports.
import type { ErrorReasonName } from './codes.ts';
import type { Scalar } from './values.ts';
import { nameProblem } from './values.ts';

/** Bounds of a subscription (besides the frame size limit every frame has). */
export const PEER_LIMITS = {
  /** PEER frames of changes are at least this far apart per subscription, ms. */
  minIntervalMs: 100,
  defaultIntervalMs: 1000,
  maxIntervalMs: 60_000,
  /** Conditions in `where` (as the `devices` query). */
  maxConditions: 50,
  /** Names in `params`. */
  maxParams: 256,
  /** Characters of a condition's field, op and value. */
  fieldChars: 64,
  valueChars: 1024,
} as const;

/** One condition, as the `devices` query's `Condition` input: `{"field", "op", "value"?}`. */
export interface PeerCondition {
  field: string;
  op: string;
  value?: string | null;
}

/** What a SUBS frame asks for. */
export interface Subscription {
  where: PeerCondition[];
  /** Only these parameters (presence is always sent); null: every parameter. */
  params: string[] | null;
  /** The `seq` of the last PEER frame the device applied (of a finished snapshot or later), to resume. */
  since: number | null;
  intervalMs: number;
}

/** One device in a PEER frame: its values (all, or those that changed), and its presence as the server knows it. */
export type PeerDevice = Record<string, Scalar> & { online?: boolean; lastSeen?: number | null };

/** The body of a PEER frame. */
export interface PeerBody {
  /** The devices replace what the subscriber knew (a first frame, or a resume the server could not serve). */
  snapshot: boolean;
  /** More frames of the same snapshot (or of the same batch of changes) follow. */
  more?: true;
  devices: Record<string, PeerDevice>;
  /** Devices that left the subscription: forget them. */
  left: string[];
}

/** A PEER frame as a device reads it. */
export interface PeerFrame {
  seq: number;
  serial: string;
  body: PeerBody;
}

function readCondition(raw: unknown): PeerCondition | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const { field, op, value } = raw as { field?: unknown; op?: unknown; value?: unknown };
  if (typeof field !== 'string' || field.length === 0 || field.length > PEER_LIMITS.fieldChars) return null;
  if (typeof op !== 'string' || op.length === 0 || op.length > PEER_LIMITS.fieldChars) return null;
  if (value === undefined || value === null) return { field, op, value: null };
  // Numbers and booleans are written as the `devices` query reads them: as text.
  if (typeof value === 'number' || typeof value === 'boolean') return { field, op, value: String(value) };
  if (typeof value !== 'string' || value.length > PEER_LIMITS.valueChars) return null;
  return { field, op, value };
}

/** A SUBS body, or why it is refused. The server checks the conditions' fields and ops as the `devices` query does. */
export function readSubscription(body: Record<string, unknown>): Subscription | ErrorReasonName {
  const { where = [], params, since, intervalMs = PEER_LIMITS.defaultIntervalMs } = body;
  if (!Array.isArray(where) || where.length > PEER_LIMITS.maxConditions) return 'badSubscription';
  const conditions: PeerCondition[] = [];
  for (const raw of where) {
    const c = readCondition(raw);
    if (!c) return 'badSubscription';
    conditions.push(c);
  }
  let names: string[] | null = null;
  if (params !== undefined && params !== null) {
    if (!Array.isArray(params) || params.length > PEER_LIMITS.maxParams) return 'badSubscription';
    for (const p of params) if (typeof p !== 'string' || nameProblem(p) !== null) return 'badSubscription';
    names = [...new Set(params as string[])];
  }
  if (since !== undefined && since !== null && (typeof since !== 'number' || !Number.isSafeInteger(since) || since < 0))
    return 'badSubscription';
  if (
    typeof intervalMs !== 'number' ||
    !Number.isInteger(intervalMs) ||
    intervalMs < PEER_LIMITS.minIntervalMs ||
    intervalMs > PEER_LIMITS.maxIntervalMs
  )
    return 'badSubscription';
  return { where: conditions, params: names, since: typeof since === 'number' ? since : null, intervalMs };
}

/** Device → server: subscribe (or replace the subscription). */
export function formatSubscribe(msgid: string, serial: string, sub: Partial<Subscription>): string {
  const body: Record<string, unknown> = { where: sub.where ?? [] };
  if (sub.params) body.params = sub.params;
  if (sub.since !== undefined && sub.since !== null) body.since = sub.since;
  if (sub.intervalMs !== undefined) body.intervalMs = sub.intervalMs;
  return JSON.stringify({ type: 'SUBS', message: `${msgid}:${serial}:${JSON.stringify(body)}` });
}

/** Device → server: stop the subscription. */
export function formatUnsubscribe(msgid: string, serial: string): string {
  return JSON.stringify({ type: 'UNSB', message: `${msgid}:${serial}:{}` });
}

/**
 * The body of a PEER frame as the text that goes inside its message string (JSON, escaped as a JSON string
 * without its quotes): computed once per distinct payload, then framed per subscriber between `peerFrameHead` and
 * `PEER_FRAME_TAIL`.
 */
export function peerBodyText(body: PeerBody): string {
  const quoted = JSON.stringify(JSON.stringify(body));
  return quoted.slice(1, -1);
}

/** What goes before a PEER body: the envelope and the head. The serial needs no escaping (SERIAL_PATTERN). */
export function peerFrameHead(seq: number, serial: string): string {
  return `{"type":"PEER","message":"${seq}:${serial}:`;
}

/** What goes after a PEER body. */
export const PEER_FRAME_TAIL = '"}';

/** Reads a PEER frame (device side); null for anything else. */
export function parsePeer(text: string): PeerFrame | null {
  let frame: { type?: unknown; message?: unknown };
  try {
    frame = JSON.parse(text) as { type?: unknown; message?: unknown };
  } catch {
    return null;
  }
  const message = frame?.message;
  if (frame?.type !== 'PEER' || typeof message !== 'string') return null;
  const c1 = message.indexOf(':');
  const c2 = c1 < 0 ? -1 : message.indexOf(':', c1 + 1);
  if (c2 < 0) return null;
  const seq = Number(message.slice(0, c1));
  if (!Number.isSafeInteger(seq)) return null;
  try {
    const body = JSON.parse(message.slice(c2 + 1)) as PeerBody;
    if (typeof body !== 'object' || body === null || typeof body.devices !== 'object' || !Array.isArray(body.left)) return null;
    return { seq, serial: message.slice(c1 + 1, c2), body };
  } catch {
    return null;
  }
}
