import { createHash, randomBytes } from 'node:crypto';

/** Prefixes say what a secret is when it turns up in a config file or a log. */
export const SECRET_PREFIX = { session: 'sos_s_', deviceToken: 'sos_d_', enrollmentKey: 'sos_e_', apiToken: 'sos_p_' } as const;

/** 32 random bytes: guessing is hopeless, so a fast hash is enough to store them. */
export function newSecret(kind: keyof typeof SECRET_PREFIX): string {
  return `${SECRET_PREFIX[kind]}${randomBytes(32).toString('base64url')}`;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Secrets are short: anything longer is not one of ours, and is not hashed. */
export const MAX_SECRET_LENGTH = 128;
