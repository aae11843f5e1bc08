// The standalone agent's configuration: one YAML or JSON file, validated, every error a line naming its
// place in the file. Defaults make a useful agent from three lines (server, serial, credential).
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { nameProblem, SERIAL_PATTERN } from '../../protocol/values.ts';

export const BUILTINS = ['cpu', 'load', 'memory', 'disk', 'temperature', 'uptime', 'network', 'agent'] as const;
export type Builtin = (typeof BUILTINS)[number];

const seconds = (min: number, max: number) => z.number().min(min).max(max);
// The protocol's own rule for names, so a configured name is never refused by the server.
const parameterName = z
  .string()
  .refine((n) => nameProblem(n) === null, 'a name is 1 to 64 of A-Z a-z 0-9 . _ - and not one the protocol reserves');
const parse = z.enum(['number', 'string', 'json']).default('number');

/** A command whose output is a value (or, with parse: json, an object of several). */
const execSource = z
  .object({
    name: parameterName.optional(),
    command: z.array(z.string().min(1)).min(1).max(64),
    parse,
    intervalSeconds: seconds(1, 86_400).default(60),
    timeoutSeconds: seconds(1, 600).default(10),
    scale: z.number().finite().optional(),
  })
  .strict()
  .refine((s) => s.parse === 'json' || s.name !== undefined, { message: 'name is needed unless parse is json' });

/** A file whose content is a value (sysfs sensors, a version file). */
const fileSource = z
  .object({
    name: parameterName.optional(),
    path: z.string().min(1),
    parse,
    intervalSeconds: seconds(1, 86_400).default(60),
    scale: z.number().finite().optional(),
  })
  .strict()
  .refine((s) => s.parse === 'json' || s.name !== undefined, { message: 'name is needed unless parse is json' });

/** A setting the server may change with `set`: its bounds, and its value before any set. */
const setting = z
  .object({
    type: z.enum(['number', 'string', 'boolean']),
    default: z.union([z.number(), z.string(), z.boolean()]),
    min: z.number().optional(),
    max: z.number().optional(),
    values: z
      .array(z.union([z.string(), z.number()]))
      .max(100)
      .optional(),
  })
  .strict()
  .refine((s) => typeof s.default === s.type, { message: 'default must be of the setting’s type' });

export const configSchema = z
  .object({
    /** ws:// or wss://…/update/ */
    server: z.string().regex(/^wss?:\/\/[^\s]+$/, 'must be a ws:// or wss:// URL'),
    serial: z.string().regex(SERIAL_PATTERN, 'a serial is 1 to 64 of A-Z a-z 0-9 . _ - with a letter or digit'),
    token: z
      .string()
      .regex(/^sos_d_[\w-]{10,120}$/, 'a device token starts with sos_d_')
      .optional(),
    enrollmentKey: z
      .string()
      .regex(/^sos_e_[\w-]{10,120}$/, 'an enrollment key starts with sos_e_')
      .optional(),
    report: z
      .object({
        builtins: z.array(z.enum(BUILTINS)).default([...BUILTINS]),
        /** How often built-in collectors sample. */
        intervalSeconds: seconds(1, 86_400).default(10),
        /** Mount points whose use is reported (disk). */
        mounts: z.array(z.string().startsWith('/')).max(32).default(['/']),
        /** Per parameter: another interval, and a deadband (a number that moved less is not sent). */
        parameters: z
          .record(
            parameterName,
            z.object({ intervalSeconds: seconds(1, 86_400).optional(), deadband: z.number().min(0).optional() }).strict(),
          )
          .default({}),
      })
      .strict()
      .default({ builtins: [...BUILTINS], intervalSeconds: 10, mounts: ['/'], parameters: {} }),
    exec: z.array(execSource).max(64).default([]),
    files: z.array(fileSource).max(64).default([]),
    settings: z.record(parameterName, setting).default({}),
    scripts: z
      .record(
        parameterName,
        z
          .object({
            path: z.string().startsWith('/'),
            args: z.array(z.string()).max(64).optional(),
            timeoutSeconds: seconds(1, 3600).default(60),
          })
          .strict(),
      )
      .default({}),
    allow: z
      .object({ reboot: z.boolean().default(false), restartAgent: z.boolean().default(true) })
      .strict()
      .default({ reboot: false, restartAgent: true }),
    /** Signed updates (`update` command): the publisher's public key, and where versions live. */
    updates: z
      .object({
        publicKey: z.string().regex(/^ed25519:[A-Za-z0-9+/]{43}=$/, 'an Ed25519 public key: ed25519:<44 characters of base64>'),
        dir: z.string().startsWith('/').default('/opt/smart-os-agent'),
        maxBytes: z
          .number()
          .int()
          .min(1024)
          .max(1024 * 1024 * 1024)
          .default(64 * 1024 * 1024),
        scriptTimeoutSeconds: seconds(1, 3600).default(300),
      })
      .strict()
      .optional(),
    /** Values observed while the server is unreachable: kept on disk and sent later with their time. */
    offlineBuffer: z
      .object({
        file: z.string().startsWith('/').default('/var/lib/smart-os-agent/offline.jsonl'),
        maxBytes: z
          .number()
          .int()
          .min(1024)
          .max(1024 * 1024 * 1024)
          .default(16 * 1024 * 1024),
      })
      .strict()
      .optional(),
    /** The software this box runs, reported as software_version (default: the agent's own version). */
    softwareVersion: z.string().min(1).max(64).optional(),
  })
  .strict()
  .refine((c) => !(c.token && c.enrollmentKey), { message: 'give token or enrollmentKey, not both' });

export type AgentConfig = z.output<typeof configSchema>;

export class ConfigFileError extends Error {
  override name = 'ConfigFileError';
}

/** Reads and validates a config file (YAML, or JSON which is YAML too); every problem on its own line. */
export function loadConfig(path: string): AgentConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigFileError(`cannot read ${path}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new ConfigFileError(`${path} is not YAML or JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  const result = configSchema.safeParse(raw ?? {});
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(top)'}: ${i.message}`);
    throw new ConfigFileError(`${path}:\n${lines.join('\n')}`);
  }
  return result.data;
}
