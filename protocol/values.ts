// What a device may store: parameter names and values, and the limits that bound them.

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

const NAME = /^[A-Za-z0-9._-]{1,64}$/;

export interface ProtocolLimits {
  /** Longest string value, in UTF-8 bytes. */
  maxStringBytes: number;
}

export const DEFAULT_LIMITS: ProtocolLimits = { maxStringBytes: 1024 };

/** Serials: old devices use 4 digits. At least one letter or digit: `.` and `..` are no names. */
export const SERIAL_PATTERN = /^(?=.*[A-Za-z0-9])[A-Za-z0-9._-]{1,64}$/;

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
