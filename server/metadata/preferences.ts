import { BadInputError } from '../errors.ts';
import type { Db } from '../storage/database.ts';

/** Keys a user may remember settings under, and the longest value (JSON text) each may hold. */
export const PREFERENCE_KEYS = ['overview'] as const;
export type PreferenceKey = (typeof PREFERENCE_KEYS)[number];
export const MAX_PREFERENCE_CHARS = 16_384;

/** A user's remembered dashboard settings, in the database so they follow them to any browser. */
export class Preferences {
  constructor(private readonly db: Db) {}

  async get(userId: number, key: PreferenceKey): Promise<unknown> {
    const row = await this.db.userPreference.findUnique({ where: { userId_key: { userId, key } } });
    return row ? JSON.parse(row.value) : null;
  }

  async set(userId: number, key: PreferenceKey, value: unknown): Promise<void> {
    if (value === null) {
      await this.db.userPreference.deleteMany({ where: { userId, key } });
      return;
    }
    const text = JSON.stringify(value);
    if (text.length > MAX_PREFERENCE_CHARS)
      throw new BadInputError(`a preference holds at most ${MAX_PREFERENCE_CHARS} characters of JSON`);
    const updatedAt = new Date();
    await this.db.userPreference.upsert({
      where: { userId_key: { userId, key } },
      create: { userId, key, value: text, updatedAt },
      update: { value: text, updatedAt },
    });
  }
}
