import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { nameProblem } from '../../protocol/values.ts';

const name = z
  .string()
  .refine((n) => nameProblem(n) === null, { message: 'names are 1 to 64 of A-Z a-z 0-9 . _ - and not reserved' });

const parameter = z
  .object({
    name,
    kind: z.enum(['number', 'string', 'boolean']),
    /** numbers: the range, and how the value moves (the --pattern answer when absent) */
    min: z.number().finite().optional(),
    max: z.number().finite().optional(),
    pattern: z.enum(['random', 'linear', 'sine', 'static']).optional(),
    /** ticks per period for linear and sine */
    period: z.number().int().min(2).max(100_000).optional(),
    decimals: z.number().int().min(0).max(6).default(0),
    /** strings and booleans: the choices (strings need them); one choice makes it static */
    values: z
      .array(z.union([z.string().max(1024), z.number().finite(), z.boolean()]))
      .min(1)
      .max(1000)
      .optional(),
    /** strings and booleans: chance to change on a tick */
    changeChance: z.number().min(0).max(1).default(0.2),
    /** for people reading the profile; the protocol does not carry units */
    unit: z.string().max(32).optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.kind === 'number' && p.min !== undefined && p.max !== undefined && p.min > p.max) {
      ctx.addIssue({ code: 'custom', message: `${p.name}: min is above max` });
    }
    if (p.kind === 'string' && !p.values) ctx.addIssue({ code: 'custom', message: `${p.name}: a string parameter needs values` });
  });

export const profileSchema = z
  .object({
    name: z.string().min(1).max(64),
    description: z.string().max(1000).optional(),
    /** serials are this prefix and a number (default: the bare number, like the original SolMates) */
    serialPrefix: z
      .string()
      .regex(/^[A-Za-z0-9._-]{0,32}$/)
      .default(''),
    parameters: z.array(parameter).min(1).max(256),
  })
  .strict();

export type Profile = z.output<typeof profileSchema>;
export type ParameterSpec = Profile['parameters'][number];

export class ProfileError extends Error {
  override name = 'ProfileError';
}

/** Reads and checks a profile; every problem is reported with where it is. */
export function loadProfile(path: string): Profile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ProfileError(`cannot read profile ${path}: ${(err as Error).message}`);
  }
  const result = profileSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(profile)'}: ${i.message}`);
    throw new ProfileError(`invalid profile ${path}:\n${lines.join('\n')}`);
  }
  return result.data;
}
