// The load generators of the benchmarks that need one: `workers` children (devices.ts), each playing its share
// of the devices at its share of the rate from its own source address, told and heard by op.
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { root } from '../server-process.ts';
import type { DevicesJob, FromDevices, ToDevices } from './devices.ts';

export interface Load {
  readonly children: readonly ChildProcess[];
  /** Every child's next message of this op. */
  next<T extends FromDevices['op']>(op: T): Promise<Array<Extract<FromDevices, { op: T }>>>;
  tell(op: Exclude<ToDevices['op'], 'rate'>): void;
  /** Changes the offered rate (frames per second, all workers together). */
  setRate(rate: number): void;
  kill(signal?: NodeJS.Signals): void;
}

export function startLoad(options: {
  /** The server's http(s) URL: devices connect to its /update/. */
  url: string;
  devices: number;
  rate: number;
  workers?: number;
  /** Worker w connects from `${addressPrefix}.${w + 1}`. */
  addressPrefix?: string;
  /**
   * Instead: devices connect to these hosts in turn (the server listening on all of them), each from any
   * source address. Past the ephemeral port limit without binding a source address before each connect,
   * which costs the kernel a search of every port bound (minutes at 100,000 sockets).
   */
  hosts?: string[];
}): Load {
  const workers = options.workers ?? 2;
  const per = Math.ceil(options.devices / workers);
  const children = Array.from({ length: workers }, (_, w) => {
    const job: DevicesJob = {
      urls: (options.hosts ?? [new URL(options.url).hostname]).map((host) => {
        const url = new URL(options.url.replace(/^http/, 'ws'));
        url.hostname = host;
        return `${url.origin}/update/`;
      }),
      first: w * per,
      count: Math.min(per, options.devices - w * per),
      rate: options.rate / workers,
      connectPerSecond: 1000,
      localAddresses: options.hosts ? [] : [`${options.addressPrefix ?? '127.0.1'}.${w + 1}`],
    };
    return fork(join(root, 'bench/ingest/devices.ts'), [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, BENCH_JOB: JSON.stringify(job) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
  });
  return {
    children,
    next: <T extends FromDevices['op']>(op: T) =>
      Promise.all(
        children.map(
          (child) =>
            new Promise<Extract<FromDevices, { op: T }>>((resolve) => {
              const on = (m: FromDevices) => {
                if (m.op !== op) return;
                child.off('message', on);
                resolve(m as Extract<FromDevices, { op: T }>);
              };
              child.on('message', on);
            }),
        ),
      ),
    tell(op) {
      for (const c of children) c.send({ op });
    },
    setRate(rate) {
      for (const c of children) c.send({ op: 'rate', rate: rate / workers } satisfies ToDevices);
    },
    kill(signal) {
      for (const c of children) c.kill(signal);
    },
  };
}
