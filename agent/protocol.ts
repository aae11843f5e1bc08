// The device protocol (v1, docs/device-protocol.md), shared by the server and the agent so that
// both sides read and write frames with the same code. No Node-only imports: it runs on devices too.

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
}

export type FrameType = keyof Frames;
export type DeviceFrameType = 'INIT' | 'UPDT';

/** Old tests compare this string exactly. */
export const WELCOME_MESSAGE = "Welcome to SMART-Server - SolMate Real-Time ObServer! - SolServerConsumer: groups ['updates']";

export const DEVICE_PATHS: readonly string[] = ['/update/', '/update'];

/** WebSocket close codes this protocol uses. */
export const CloseCode = {
  normal: 1000,
  /** Server shutting down, or the agent stopping. */
  goingAway: 1001,
  /** Invalid UTF-8 in a text frame. */
  invalidPayload: 1007,
  /** Flooding: more frames per second than the server allows. */
  policyViolation: 1008,
  /** A frame over the size limit. */
  messageTooBig: 1009,
  internalError: 1011,
  /** The same device connected again on another socket; the newer one wins. */
  replaced: 4001,
  /** No pong within the heartbeat interval. */
  heartbeatTimeout: 4002,
  /** The token this socket connected with was revoked, or an admin rejected the device. */
  credentialsRevoked: 4003,
} as const;

export type CloseCodeName = keyof typeof CloseCode;

/** Why a frame was answered ERROR: the `reason` key of the answer. */
export const ErrorReason = {
  notText: 'binary frames are not supported, send JSON text',
  notJson: 'frame is not valid JSON',
  notEnvelope: 'frame must be a JSON object with "type" and "message"',
  unsupportedType: 'unsupported frame type, expected INIT or UPDT',
  messageNotString: 'message must be a string "<msgid>:<serial>:<json body>"',
  badHead: 'message must look like "<msgid>:<serial>:<json body>"',
  badMsgId: 'msgid must be 4 to 20 decimal digits',
  badSerial: 'serial must be 1 to 64 characters of A-Z a-z 0-9 . _ -',
  bodyNotJson: 'body is not valid JSON',
  bodyNotObject: 'body must be a JSON object',
  badName: 'parameter names must be 1 to 64 characters of A-Z a-z 0-9 . _ -',
  reservedName: 'parameter name is reserved (serial, online, lastSeen, createdAt)',
  notFinite: 'numbers must be finite',
  stringTooLong: 'string value longer than the limit',
  tooManyParameters: 'device has too many parameters',
  catalogueFull: 'the server knows too many parameter names to add another',
  tooManyDevices: 'the server has reached its device limit',
  unknownDevice: 'unknown device: this server does not register new devices',
  notAuthorized: 'the credentials of this connection do not allow writing for this serial',
  rejected: 'an admin rejected this device',
  shuttingDown: 'server is shutting down, send again after reconnecting',
  storageFailed: 'the update could not be stored, send it again',
} as const;

export type ErrorReasonName = keyof typeof ErrorReason;

export type Scalar = number | string | boolean | null;

/**
 * Transport internals the original devices put in INIT bodies (their object's whole attribute
 * dict); they are not device parameters. `serial_number` repeats the head's serial.
 */
export const TRANSPORT_KEYS: ReadonlySet<string> = new Set([
  'server_url',
  'websocket',
  'connected',
  'publish',
  'message_id',
  'message_queue',
  'tasks',
  'serial_number',
]);

/** Names a device parameter may not take: they are the built-in fields of a device. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(['serial', 'online', 'lastSeen', 'createdAt']);

export interface ProtocolLimits {
  /** Longest string value, in UTF-8 bytes. */
  maxStringBytes: number;
}

export const DEFAULT_LIMITS: ProtocolLimits = { maxStringBytes: 1024 };

const MSGID = /^\d{4,20}$/;
const NAME = /^[A-Za-z0-9._-]{1,64}$/;
/** Serials: old devices use 4 digits; the protocol allows this. */
export const SERIAL_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

export interface ParsedFrame {
  ok: true;
  type: DeviceFrameType;
  /** `<msgid>:<serial>`, echoed in the answer. */
  head: string;
  msgid: string;
  serial: string;
  /** Parameter values to store, names without the leading underscore, in body order. */
  values: Array<[string, Scalar]>;
}

export interface RejectedFrame {
  ok: false;
  /** `<msgid>:<serial>` when the frame had a readable head, otherwise null. */
  head: string | null;
  reason: ErrorReasonName;
}

export type FrameParse = ParsedFrame | RejectedFrame;

function reject(head: string | null, reason: ErrorReasonName): RejectedFrame {
  return { ok: false, head, reason };
}

/** True when the string's UTF-8 encoding is longer than max bytes. */
function longerThan(s: string, max: number): boolean {
  if (s.length * 3 <= max) return false; // a UTF-16 unit never takes more than 3 bytes
  if (s.length > max) return true;
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // Surrogate pairs: 2 units, 4 bytes, so 2 bytes per unit.
    bytes += c < 0x80 ? 1 : c < 0x800 || (c >= 0xd800 && c < 0xe000) ? 2 : 3;
  }
  return bytes > max;
}

/** Why a parameter name is not acceptable (after the leading underscore is dropped), or null. */
export function nameProblem(name: string): 'badName' | 'reservedName' | null {
  if (!NAME.test(name)) return 'badName';
  return RESERVED_NAMES.has(name) ? 'reservedName' : null;
}

/** Why a value cannot be stored, or null; `notScalar` for objects and arrays. */
export function valueProblem(value: unknown, limits: ProtocolLimits): 'notFinite' | 'stringTooLong' | 'notScalar' | null {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? null : 'notFinite';
    case 'string':
      return longerThan(value, limits.maxStringBytes) ? 'stringTooLong' : null;
    case 'boolean':
      return null;
    default:
      return value === null ? null : 'notScalar';
  }
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

/** Parses one text frame from a device. Never throws. */
export function parseDeviceFrame(text: string, limits: ProtocolLimits = DEFAULT_LIMITS): FrameParse {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return reject(null, 'notJson');
  }
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) return reject(null, 'notEnvelope');
  const { type, message } = frame as { type?: unknown; message?: unknown };
  if (typeof message !== 'string') return reject(null, type === undefined ? 'notEnvelope' : 'messageNotString');
  const c1 = message.indexOf(':');
  const c2 = c1 < 0 ? -1 : message.indexOf(':', c1 + 1);
  if (c2 < 0) return reject(null, 'badHead');
  const msgid = message.slice(0, c1);
  const serial = message.slice(c1 + 1, c2);
  if (!MSGID.test(msgid)) return reject(null, 'badMsgId');
  if (!SERIAL_PATTERN.test(serial)) return reject(null, 'badSerial');
  const head = message.slice(0, c2);
  if (type !== 'INIT' && type !== 'UPDT') return reject(head, 'unsupportedType');
  let body: unknown;
  try {
    body = JSON.parse(message.slice(c2 + 1));
  } catch {
    return reject(head, 'bodyNotJson');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return reject(head, 'bodyNotObject');
  const values = readBody(body as Record<string, unknown>, head, limits);
  if (!Array.isArray(values)) return values;
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

/** A device frame, as the original devices write it. */
export function formatDeviceFrame(type: DeviceFrameType, msgid: number, serial: string, body: Record<string, Scalar>): string {
  const frame: Frames[DeviceFrameType] = { type, message: `${formatMsgId(msgid)}:${serial}:${JSON.stringify(body)}` };
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
