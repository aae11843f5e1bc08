import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../server/config.ts';
import { createLogger } from '../server/logger.ts';
import { openDatabase } from '../server/storage/database.ts';
import { tempDir } from './support/server.ts';

describe('Prisma on SQLite, in a thread of its own', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('waits for a write lock held elsewhere without blocking the event loop, and keeps Prisma errors and transactions', async () => {
    const config = parseConfig({ dataDir: dir.path });
    const db = await openDatabase(config, createLogger('silent', false));
    // Another connection (as the writer thread's while it commits) holds SQLite's one write lock.
    const other = new Database(join(dir.path, 'smart-os.db'));
    other.exec('BEGIN IMMEDIATE');
    other.prepare('INSERT INTO lease (name, owner, until) VALUES (?, ?, ?)').run('held', 'other', 1);
    const order: string[] = [];
    const write = db.lease
      .create({ data: { name: 'mine', owner: 'me', until: new Date() } })
      .then(() => order.push('prisma wrote'));
    // Run on this thread while the write waits for the lock. Had Prisma waited on this thread, this timer
    // could not run before its 10 s busy timeout (and the write would fail with SQLITE_BUSY).
    await new Promise((r) => setTimeout(r, 50));
    order.push('loop ran');
    other.exec('COMMIT');
    other.close();
    await write;
    expect(order).toEqual(['loop ran', 'prisma wrote']);
    expect((await db.lease.findMany({ orderBy: { name: 'asc' } })).map((l) => l.name)).toEqual(['held', 'mine']);

    // A driver error comes back as Prisma's own (a unique violation is P2002).
    await expect(db.lease.create({ data: { name: 'mine', owner: 'again', until: new Date() } })).rejects.toMatchObject({
      code: 'P2002',
    });
    // An interactive transaction that throws leaves nothing behind; one that returns commits.
    await expect(
      db.$transaction(async (tx) => {
        await tx.lease.create({ data: { name: 'rolled-back', owner: 'me', until: new Date() } });
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    await db.$transaction(async (tx) => {
      await tx.lease.update({ where: { name: 'mine' }, data: { owner: 'tx' } });
    });
    expect(await db.lease.findMany({ orderBy: { name: 'asc' }, select: { name: true, owner: true } })).toEqual([
      { name: 'held', owner: 'other' },
      { name: 'mine', owner: 'tx' },
    ]);
    await db.$disconnect();
  });
});
