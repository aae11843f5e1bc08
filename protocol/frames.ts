// The device protocol v1 (docs/device-protocol.md): the frames, how they are parsed and written.
// Shared by the server and the agent so that both sides read and write frames with the same code.
// No Node-only imports: it runs on devices too.
import type { ErrorReasonName } from './codes.ts';
import { readSubscription, type Subscription } from './peers.ts';
import { type Capabilities, CMDID_PATTERN, type ProtocolVersion, type ResultBody, readCapabilities, readResult } from './v2.ts';
import {
  DEFAULT_LIMITS,
  nameProblem,
  type ProtocolLimits,
  type Scalar,
  SERIAL_PATTERN,
  TRANSPORT_KEYS,
  valueProblem,
} from './values.ts';

/** Every frame on the device socket, by its `type`. */
export interface Frames {
  /** Server to device: welcome, and the answer to every INIT/UPDT. */
  INFO: { type: 'INFO'; message: string; reason?: string };
  /** Device to server: the full attribute set, `<msgid>:<serial>:<json body>`. */
  INIT: { type: 'INIT'; message: string };
  /** Device to server: what changed since the last frame, same shape as INIT. */
  UPDT: { type: 'UPDT'; message: string };
  /** The original browser protocol's filter frame; devices never send it. */
  FILT: { type: 'FILT'; message: unknown };
  /** v2, server to device: run a command, `<cmdid>:<serial>:{"name", "args"}` (protocol/v2.ts). */
  CMND: { type: 'CMND'; message: string };
  /** v2, device to server: what became of a command, `<cmdid>:<serial>:{"status", …}`. */
  RSLT: { type: 'RSLT'; message: string };
  /** v2, device to server: the commands it accepts, `<msgid>:<serial>:{"commands": […], "agent"?}`. */
  CAPS: { type: 'CAPS'; message: string };
  /** v2, device to server: subscribe to its owner's devices, `<msgid>:<serial>:{"where", "params"?, "since"?, "intervalMs"?}`. */
  SUBS: { type: 'SUBS'; message: string };
  /** v2, device to server: stop the subscription, `<msgid>:<serial>:{}`. */
  UNSB: { type: 'UNSB'; message: string };
  /** v2, server to device: peers' values, `<seq>:<serial>:{"snapshot", "devices", "left"}` (protocol/peers.ts). */
  PEER: { type: 'PEER'; message: string };
}

export type FrameType = keyof Frames;
export type DeviceFrameType = 'INIT' | 'UPDT';

/** Old tests compare this string exactly. */
export const WELCOME_MESSAGE = "Welcome to SMART-Server - SolMate Real-Time ObServer! - SolServerConsumer: groups ['updates']";

export const DEVICE_PATHS: readonly string[] = ['/update/', '/update'];

const MSGID = /^\d{4,20}$/;
export interface ParsedFrame {
  ok: true;
  type: DeviceFrameType;
  /** `<msgid>:<serial>`, echoed in the answer. */
  head: string;
  msgid: string;
  serial: string;
  /** Parameter values to store, names without the leading underscore, in body order. */
  values: Array<[string, Scalar]>;
  /** v2: when the device observed the values (ms since the epoch), sent later from its offline buffer. */
  observedAt?: number;
}

export interface RejectedFrame {
  ok: false;
  /** `<msgid>:<serial>` when the frame had a readable head, otherwise null. */
  head: string | null;
  reason: ErrorReasonName;
}

export type FrameParse = ParsedFrame | RejectedFrame;

/** v2: a device's report on a command (its head's id is the cmdid). */
export interface ParsedResultFrame {
  ok: true;
  type: 'RSLT';
  head: string;
  cmdid: string;
  serial: string;
  result: ResultBody;
}

/** v2: the commands a device accepts. */
export interface ParsedCapsFrame {
  ok: true;
  type: 'CAPS';
  head: string;
  msgid: string;
  serial: string;
  caps: Capabilities;
}

/** v2: a subscription to peers (SUBS), or its end (UNSB, no subscription). */
export interface ParsedPeersFrame {
  ok: true;
  type: 'SUBS' | 'UNSB';
  head: string;
  msgid: string;
  serial: string;
  subscription: Subscription | null;
}

export type AnyFrameParse = FrameParse | ParsedResultFrame | ParsedCapsFrame | ParsedPeersFrame;

function reject(head: string | null, reason: ErrorReasonName): RejectedFrame {
  return { ok: false, head, reason };
}

/** The body's storable values, or the rejection of the first unacceptable entry. */
function readBody(body: Record<string, unknown>, head: string, limits: ProtocolLimits): FrameParse | Array<[string, Scalar]> {
  const values: Array<[string, Scalar]> = [];
  for (const key in body) {
    const raw = body[key];
    const name = key.charCodeAt(0) === 95 /* _ */ ? key.slice(1) : key;
    if (TRANSPORT_KEYS.has(name)) continue;
    const badName = nameProblem(name);
    if (badName) return reject(head, badName);
    const badValue = valueProblem(raw, limits);
    // Objects and arrays are transport state of old devices, not parameters: left out, frame accepted.
    if (badValue === 'notScalar') continue;
    if (badValue) return reject(head, badValue);
    values.push([name, raw as Scalar]);
  }
  // `_battery` and `battery` in one body are one parameter: the later one wins.
  if (values.length > 1 && new Set(values.map(([n]) => n)).size < values.length) {
    return [...new Map(values).entries()];
  }
  return values;
}

/** Parses one text frame from a v1 device (INIT, UPDT). Never throws. */
export function parseDeviceFrame(text: string, limits: ProtocolLimits = DEFAULT_LIMITS): FrameParse {
  const parsed = parseAnyFrame(text, limits, 1);
  return parsed.ok && parsed.type !== 'INIT' && parsed.type !== 'UPDT'
    ? reject(parsed.head, 'unsupportedType')
    : (parsed as FrameParse);
}

/** Parses one text frame from a device speaking `version`: v2 adds RSLT, CAPS, SUBS and UNSB. Never throws. */
export function parseAnyFrame(text: string, limits: ProtocolLimits, version: ProtocolVersion): AnyFrameParse {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return reject(null, 'notJson');
  }
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) return reject(null, 'notEnvelope');
  const { type, message, at } = frame as { type?: unknown; message?: unknown; at?: unknown };
  if (typeof message !== 'string') return reject(null, type === undefined ? 'notEnvelope' : 'messageNotString');
  const c1 = message.indexOf(':');
  const c2 = c1 < 0 ? -1 : message.indexOf(':', c1 + 1);
  if (c2 < 0) return reject(null, 'badHead');
  const msgid = message.slice(0, c1);
  const serial = message.slice(c1 + 1, c2);
  if (!(type === 'RSLT' ? CMDID_PATTERN : MSGID).test(msgid)) return reject(null, 'badMsgId');
  if (!SERIAL_PATTERN.test(serial)) return reject(null, 'badSerial');
  const head = message.slice(0, c2);
  const v2 = type === 'RSLT' || type === 'CAPS' || type === 'SUBS' || type === 'UNSB';
  if (type !== 'INIT' && type !== 'UPDT' && !v2) return reject(head, 'unsupportedType');
  if (v2 && version !== 2) return reject(head, 'v2Only');
  let body: unknown;
  try {
    body = JSON.parse(message.slice(c2 + 1));
  } catch {
    return reject(head, 'bodyNotJson');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return reject(head, 'bodyNotObject');
  if (type === 'RSLT') {
    const result = readResult(body as Record<string, unknown>);
    return typeof result === 'string' ? reject(head, result) : { ok: true, type, head, cmdid: msgid, serial, result };
  }
  if (type === 'SUBS') {
    const subscription = readSubscription(body as Record<string, unknown>);
    return typeof subscription === 'string' ? reject(head, subscription) : { ok: true, type, head, msgid, serial, subscription };
  }
  if (type === 'UNSB') return { ok: true, type, head, msgid, serial, subscription: null };
  if (type === 'CAPS') {
    const caps = readCapabilities(body as Record<string, unknown>);
    return typeof caps === 'string' ? reject(head, caps) : { ok: true, type, head, msgid, serial, caps };
  }
  const values = readBody(body as Record<string, unknown>, head, limits);
  if (!Array.isArray(values)) return values;
  // v2: an observation time beside the message (v1 sockets never read it: old devices stay unchanged).
  if (version === 2 && at !== undefined) {
    if (typeof at !== 'number' || !Number.isSafeInteger(at) || at < 0) return reject(head, 'badObservedAt');
    return { ok: true, type, head, msgid, serial, values, observedAt: at };
  }
  return { ok: true, type, head, msgid, serial, values };
}

/** The answer to an accepted frame. */
export function formatAck(head: string): string {
  return `{"type":"INFO","message":"${head}:OK"}`;
}

/** The answer to a rejected frame; headless when the frame had no readable head. */
export function formatError(head: string | null, reason: string): string {
  const frame: Frames['INFO'] = { type: 'INFO', message: head === null ? 'ERROR' : `${head}:ERROR`, reason };
  return JSON.stringify(frame);
}

export function formatWelcome(): string {
  const frame: Frames['INFO'] = { type: 'INFO', message: WELCOME_MESSAGE };
  return JSON.stringify(frame);
}

/** Message ids count up from 0000 and grow past 9999 as 10000. */
export function formatMsgId(n: number): string {
  return String(n).padStart(4, '0');
}

/**
 * A device frame, as the original devices write it; `observedAt` (protocol v2 only) adds `"at"`, when the
 * values were observed, for frames sent late from an offline buffer.
 */
export function formatDeviceFrame(
  type: DeviceFrameType,
  msgid: number,
  serial: string,
  body: Record<string, Scalar>,
  observedAt?: number,
): string {
  const frame: Frames[DeviceFrameType] & { at?: number } = {
    type,
    message: `${formatMsgId(msgid)}:${serial}:${JSON.stringify(body)}`,
  };
  if (observedAt !== undefined) frame.at = observedAt;
  return JSON.stringify(frame);
}

export interface Answer {
  head: string | null;
  ok: boolean;
  reason?: string;
}

/** Reads a server INFO answer; null for the welcome or anything that is not an answer. */
export function parseAnswer(text: string): Answer | null {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return null;
  }
  const { type, message, reason } = (frame ?? {}) as { type?: unknown; message?: unknown; reason?: unknown };
  if (type !== 'INFO' || typeof message !== 'string') return null;
  const reasonText = typeof reason === 'string' ? reason : undefined;
  if (message === 'ERROR') return { head: null, ok: false, reason: reasonText };
  const cut = message.lastIndexOf(':');
  const verdict = message.slice(cut + 1);
  if (cut < 0 || (verdict !== 'OK' && verdict !== 'ERROR')) return null;
  return { head: message.slice(0, cut), ok: verdict === 'OK', reason: reasonText };
}
