/** SQLite's DATABASE_URL is `file:<path>`; PostgreSQL's is anything else. */
export const SQLITE_SCHEME = 'file:';

export function isSqliteUrl(url: string): boolean {
  return url.startsWith(SQLITE_SCHEME);
}

/** The file of a `file:` URL. */
export function sqliteFile(url: string): string {
  return url.slice(SQLITE_SCHEME.length);
}
