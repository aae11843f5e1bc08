// Protocol v2 (docs/device-protocol.md, "Protocol v2"): what flows server → device, negotiated by the
// WebSocket subprotocol `smart-os.v2`. A socket without it is v1 and never receives a frame it did not ask
// for. Same envelope as v1: {"type", "message": "<id>:<serial>:<json>"}. No Node-only imports.
import type { ErrorReasonName } from './codes.ts';
import { nameProblem } from './values.ts';

/** The subprotocol a v2 device offers in its handshake; the server selects it. */
export const V2_SUBPROTOCOL = 'smart-os.v2';

export type ProtocolVersion = 1 | 2;

/** What a device reports about a command: `received` first, then `progress`, then one final status. */
export const RESULT_STATUSES = ['received', 'progress', 'succeeded', 'failed', 'rejected'] as const;
export type ResultStatus = (typeof RESULT_STATUSES)[number];
export const FINAL_STATUSES: ReadonlySet<ResultStatus> = new Set(['succeeded', 'failed', 'rejected']);

/** The command name reserved for desired values: `args` is `{"values": {name: value}}`. */
export const SET_COMMAND = 'set';

/** Bounds of v2 frames (besides the frame size limit every frame has). */
export const V2_LIMITS = {
  /** A command's args and a result's `result`, as JSON. */
  payloadBytes: 16 * 1024,
  /** A result's `error` text. */
  errorChars: 1024,
  /** Commands one CAPS frame may declare, and the size of each one's description and schema. */
  capsCommands: 64,
  descriptionChars: 1024,
  schemaBytes: 8 * 1024,
} as const;

/** Command ids are decimal digits, unique per fleet. */
export const CMDID_PATTERN = /^\d{1,20}$/;

export interface ResultBody {
  status: ResultStatus;
  result?: unknown;
  error?: string;
  percent?: number;
}

export interface CommandCapability {
  name: string;
  description?: string;
  /** A JSON Schema of the command's args. */
  args?: Record<string, unknown>;
}

export interface Capabilities {
  agent?: { name: string; version: string };
  commands: CommandCapability[];
}

const byteLength = (value: unknown): number => new TextEncoder().encode(JSON.stringify(value) ?? '').length;

/** An RSLT body, or why it is refused. */
export function readResult(body: Record<string, unknown>): ResultBody | ErrorReasonName {
  const { status, result, error, percent } = body;
  if (typeof status !== 'string' || !(RESULT_STATUSES as readonly string[]).includes(status)) return 'badStatus';
  if (error !== undefined && (typeof error !== 'string' || error.length > V2_LIMITS.errorChars)) return 'badResult';
  if (percent !== undefined && (typeof percent !== 'number' || !(percent >= 0 && percent <= 100))) return 'badResult';
  if (result !== undefined && byteLength(result) > V2_LIMITS.payloadBytes) return 'resultTooLarge';
  const out: ResultBody = { status: status as ResultStatus };
  if (result !== undefined) out.result = result;
  if (error !== undefined) out.error = error;
  if (percent !== undefined) out.percent = percent;
  return out;
}

/** A CAPS body, or why it is refused. */
export function readCapabilities(body: Record<string, unknown>): Capabilities | ErrorReasonName {
  const { agent, commands } = body;
  if (!Array.isArray(commands) || commands.length > V2_LIMITS.capsCommands) return 'badCapabilities';
  const out: Capabilities = { commands: [] };
  if (agent !== undefined) {
    const a = agent as { name?: unknown; version?: unknown };
    if (typeof a !== 'object' || a === null || typeof a.name !== 'string' || typeof a.version !== 'string')
      return 'badCapabilities';
    if (a.name.length > 100 || a.version.length > 100) return 'badCapabilities';
    out.agent = { name: a.name, version: a.version };
  }
  const seen = new Set<string>();
  for (const c of commands as unknown[]) {
    if (typeof c !== 'object' || c === null) return 'badCapabilities';
    const { name, description, args } = c as { name?: unknown; description?: unknown; args?: unknown };
    if (typeof name !== 'string' || nameProblem(name) === 'badName' || seen.has(name)) return 'badCapabilities';
    if (description !== undefined && (typeof description !== 'string' || description.length > V2_LIMITS.descriptionChars))
      return 'badCapabilities';
    if (
      args !== undefined &&
      (typeof args !== 'object' || args === null || Array.isArray(args) || byteLength(args) > V2_LIMITS.schemaBytes)
    )
      return 'badCapabilities';
    seen.add(name);
    const capability: CommandCapability = { name };
    if (description !== undefined) capability.description = description as string;
    if (args !== undefined) capability.args = args as Record<string, unknown>;
    out.commands.push(capability);
  }
  return out;
}

/** Server → device: run a command. */
export function formatCommand(cmdid: string, serial: string, name: string, args: unknown): string {
  return JSON.stringify({ type: 'CMND', message: `${cmdid}:${serial}:${JSON.stringify({ name, args: args ?? {} })}` });
}

/** Device → server: what became of a command. */
export function formatResult(cmdid: string, serial: string, body: ResultBody): string {
  return JSON.stringify({ type: 'RSLT', message: `${cmdid}:${serial}:${JSON.stringify(body)}` });
}

/** Device → server: the commands it accepts. */
export function formatCapabilities(msgid: string, serial: string, caps: Capabilities): string {
  return JSON.stringify({ type: 'CAPS', message: `${msgid}:${serial}:${JSON.stringify(caps)}` });
}

export interface CommandFrame {
  cmdid: string;
  serial: string;
  name: string;
  args: unknown;
}

/** Reads a CMND frame (device side); null for anything else. */
export function parseCommand(text: string): CommandFrame | null {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return null;
  }
  const { type, message } = (frame ?? {}) as { type?: unknown; message?: unknown };
  if (type !== 'CMND' || typeof message !== 'string') return null;
  const c1 = message.indexOf(':');
  const c2 = c1 < 0 ? -1 : message.indexOf(':', c1 + 1);
  if (c2 < 0) return null;
  const cmdid = message.slice(0, c1);
  if (!CMDID_PATTERN.test(cmdid)) return null;
  try {
    const body = JSON.parse(message.slice(c2 + 1)) as { name?: unknown; args?: unknown };
    if (typeof body.name !== 'string') return null;
    return { cmdid, serial: message.slice(c1 + 1, c2), name: body.name, args: body.args ?? {} };
  } catch {
    return null;
  }
}
