import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { portError } from './port-check.ts';

/** Listens on host:port (0 picks a free port) and resolves with the base URL. */
export function listen(server: Server, host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', (err) => reject(portError(err, host, port)));
    server.listen(port, host, () => {
      const { port: bound } = server.address() as AddressInfo;
      resolve(`http://${host.includes(':') ? `[${host}]` : host}:${bound}`);
    });
  });
}
