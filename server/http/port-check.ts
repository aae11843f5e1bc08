import { createServer } from 'node:net';
import { StartupError } from '../startup-error.ts';

/**
 * Fails fast, before anything is created or printed, when the port is taken or not ours to bind.
 * (Another program may still take it before we listen; listen() then fails with the same words.)
 */
export function ensurePortFree(host: string, port: number): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err: Error & { code?: string }) => reject(portError(err, host, port)));
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

export function portError(err: Error & { code?: string }, host: string, port: number): Error {
  if (err.code === 'EADDRINUSE')
    return new StartupError(
      `port ${port} on ${host} is in use by another program; stop it, or choose another with --port or PORT`,
    );
  if (err.code === 'EACCES')
    return new StartupError(
      `port ${port} on ${host} needs privileges this user lacks; choose a port above 1023 with --port or PORT`,
    );
  if (err.code === 'EADDRNOTAVAIL')
    return new StartupError(`${host} is not an address of this machine; set HOST to one of its addresses (or 0.0.0.0)`);
  return err;
}
