import type { Retention } from './maintenance.ts';
import type { SqliteSync } from './sqlite-dialect.ts';

/** What the writer thread is started with. */
export interface WriterOptions {
  provider: 'sqlite' | 'postgres';
  /** file:<path> or postgres://… */
  url: string;
  sqliteSync: SqliteSync;
  /** This server instance, recorded on the devices whose sockets it holds. */
  instance: string;
  retention: Retention;
}

/** Messages to the writer thread. */
export type ToWriter =
  | { op: 'write'; id: number /** WriteItem[] as JSON */; items: string }
  | { op: 'alerts'; id: number /** AlertWrite as JSON */; write: string }
  | { op: 'close' };

/** Messages from the writer thread. */
export type FromWriter =
  | { op: 'ready' }
  /** Committed; `fenced`: an alerts batch found its lease lost and wrote nothing. */
  | { op: 'written'; id: number; fenced?: true }
  | { op: 'failed'; id: number; message: string }
  | { op: 'closed' }
  | { op: 'warn'; message: string }
  | { op: 'fatal'; message: string };
