import { randomUUID } from 'node:crypto';
import type { Db } from './database.ts';

/** The id of this installation: made by the first instance, read by every later one. */
export async function fleetId(db: Db): Promise<string> {
  await db.$executeRaw`INSERT INTO setting (key, value) VALUES ('fleet_id', ${randomUUID()}) ON CONFLICT (key) DO NOTHING`;
  const row = await db.setting.findUniqueOrThrow({ where: { key: 'fleet_id' } });
  return row.value;
}
