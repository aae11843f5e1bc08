// Entry of the writer thread: owns the only write connection and runs one group commit at a time.

import { parentPort, workerData } from 'node:worker_threads';
import type { AlertWrite } from './alert-rows.ts';
import type { WriteItem } from './batch.ts';
import { BatchWriter } from './batch-writer.ts';
import type { Dialect } from './dialect.ts';
import { postgresDialect } from './postgres-dialect.ts';
import { sqliteDialect } from './sqlite-dialect.ts';
import { sqliteFile } from './sqlite-url.ts';
import type { FromWriter, ToWriter, WriterOptions } from './writer-protocol.ts';

const port = parentPort;
if (!port) throw new Error('writer-thread.ts runs as a worker thread');
const send = (msg: FromWriter) => port.postMessage(msg);
const options = workerData as WriterOptions;

async function openDialect(): Promise<Dialect> {
  return options.provider === 'sqlite'
    ? sqliteDialect(sqliteFile(options.url), options.sqliteSync)
    : postgresDialect(options.url);
}

try {
  const dialect = await openDialect();
  const writer = new BatchWriter(dialect, options.instance, undefined, options.retention);
  await writer.open();
  let queue = Promise.resolve();
  // Moving the history log and pruning happen one step at a time between group commits, and on a
  // timer when idle.
  const compact = async () => {
    try {
      await writer.compactStep();
    } catch (err) {
      send({ op: 'warn', message: `moving the history log failed (it stays in the log): ${(err as Error).message}` });
    }
  };
  const maintain = async () => {
    try {
      await writer.maintain();
    } catch (err) {
      send({ op: 'warn', message: `history maintenance failed (retried later): ${(err as Error).message}` });
    }
  };
  const idle = setInterval(() => {
    queue = queue.then(maintain);
  }, 250);
  port.on('message', (msg: ToWriter) => {
    queue = queue.then(async () => {
      if (msg.op === 'close') {
        clearInterval(idle);
        await writer.close();
        send({ op: 'closed' });
        port.close();
        return;
      }
      try {
        if (msg.op === 'alerts') {
          const ok = await dialect.writeAlerts(JSON.parse(msg.write) as AlertWrite);
          send(ok ? { op: 'written', id: msg.id } : { op: 'written', id: msg.id, fenced: true });
          return;
        }
        await writer.write(JSON.parse(msg.items) as WriteItem[]);
        send({ op: 'written', id: msg.id });
      } catch (err) {
        send({ op: 'failed', id: msg.id, message: (err as Error).message });
      }
      await compact();
    });
  });
  send({ op: 'ready' });
} catch (err) {
  send({ op: 'fatal', message: (err as Error).stack ?? String(err) });
}
