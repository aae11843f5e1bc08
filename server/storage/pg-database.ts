import pg from 'pg';
import type { Logger } from '../logger.ts';
import { StartupError } from '../startup-error.ts';

const CONNECT_TIMEOUT_MS = 5000;

/** The database name in a PostgreSQL URL, and the URL of the same server's `postgres` database. */
function parts(url: string): { name: string; maintenance: string } {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.slice(1));
  u.pathname = '/postgres';
  return { name, maintenance: u.toString() };
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Checks that the PostgreSQL server answers and the database exists before anything else runs; a
 * missing database is created when the role may (CREATEDB), else a one-line StartupError says how.
 */
export async function ensurePgDatabase(url: string, log: Logger): Promise<void> {
  const { name } = parts(url);
  const target = `${new URL(url).host}/${name}`;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  client.on('error', () => {});
  try {
    await client.connect();
    return;
  } catch (err) {
    const e = err as Error & { code?: string };
    if (e.code !== '3D000') {
      throw new StartupError(`cannot reach PostgreSQL at ${target}: ${e.message}; check DATABASE_URL and that the server runs`);
    }
  } finally {
    await client.end().catch(() => {});
  }
  const admin = new pg.Client({ connectionString: parts(url).maintenance, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  admin.on('error', () => {});
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
    log.info({ database: name }, 'created the PostgreSQL database');
  } catch (err) {
    const e = err as Error & { code?: string };
    if (e.code === '42P04') return; // another instance created it at the same moment
    throw new StartupError(
      `PostgreSQL database "${name}" does not exist and could not be created (${e.message}); create it with: createdb ${name}`,
    );
  } finally {
    await admin.end().catch(() => {});
  }
}
