import { CloseCode } from '../../protocol/codes.ts';
import { createDevice, type Device } from '../device.ts';
import { ConnectionState } from '../device-options.ts';
import type { BehaviourFactory } from './behaviour.ts';
import { emulateUpdate } from './update.ts';

export interface FleetOptions {
  url: string;
  devices: number;
  serialStart: number;
  serialPrefix: string;
  init: boolean;
  behaviour: BehaviourFactory;
  /** Seconds between two value changes of one device, drawn between these... */
  minSleepS: number;
  maxSleepS: number;
  /** ...unless an aggregate rate (changes per second for the whole fleet) is set. */
  rate?: number;
  /** New connections per second. */
  connectPerSecond: number;
  /** Source addresses to spread sockets over (past the ephemeral port limit of one address). */
  localAddresses?: string[];
  /** A device token or enrollment key every device sends (Authorization: Bearer). */
  credential?: string;
  /** 2 (default): devices take commands; 1: exactly the original devices. */
  protocol?: 1 | 2;
  /** Share of commands that fail (0 to 1), to see failures in the dashboard. */
  commandFailureRate?: number;
  /** Share of `update` commands that fail while installing (0 to 1). */
  updateFailureRate?: number;
  /** Share of updates that come up, drop out and roll back to the version before (0 to 1). */
  unhealthyAfterUpdateRate?: number;
  /** Protocol v2: devices that have a `peers` behaviour watch their owner's fleet, one frame per this many ms. */
  peersIntervalMs?: number;
  random?: () => number;
}

export interface FleetStats {
  created: number;
  connected: number;
  /** Devices that were connected at least once. */
  everConnected: number;
  acks: number;
  errors: number;
  reconnects: number;
  /** Answers per second over the last few seconds. */
  answersPerSecond: number;
  ackP50Ms: number;
  ackP99Ms: number;
  /** Devices another connection with the same serial took over (closed 4001): they stop here. */
  replaced: number;
}

/** Ack latencies of the last few seconds, for percentiles that follow the present. */
class RecentLatencies {
  private readonly windows: number[][] = [[]];
  add(ms: number): void {
    (this.windows[this.windows.length - 1] as number[]).push(ms);
  }
  rotate(): void {
    this.windows.push([]);
    if (this.windows.length > 5) this.windows.shift();
  }
  percentile(p: number): number {
    const all = this.windows.flat().sort((a, b) => a - b);
    return all.length === 0 ? Number.NaN : (all[Math.min(all.length - 1, Math.floor((p / 100) * all.length))] as number);
  }
  count(): number {
    return this.windows.reduce((n, w) => n + w.length, 0);
  }
}

/** Many emulated devices in one process, each with its own socket, values and tick timer. */
export class EmulatedFleet {
  private readonly devices: Device[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly latencies = new RecentLatencies();
  private readonly everConnected = new Set<string>();
  private readonly replaced = new Set<string>();
  private connectedNow = 0;
  private acks = 0;
  private errors = 0;
  private reconnects = 0;
  private rotateTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly random: () => number;

  constructor(private readonly options: FleetOptions) {
    this.random = options.random ?? Math.random;
  }

  serial(index: number): string {
    const last = this.options.serialStart + this.options.devices - 1;
    const width = Math.max(4, String(last).length);
    return `${this.options.serialPrefix}${String(this.options.serialStart + index).padStart(width, '0')}`;
  }

  /** Opens the devices' sockets at the paced rate; resolves when all are created. */
  async start(): Promise<void> {
    this.rotateTimer = setInterval(() => this.latencies.rotate(), 1000);
    const perBatch = Math.max(1, Math.round(this.options.connectPerSecond / 20));
    for (let i = 0; i < this.options.devices && !this.stopped; i += perBatch) {
      const end = Math.min(this.options.devices, i + perBatch);
      for (let k = i; k < end; k++) this.add(k);
      if (end < this.options.devices) await new Promise((r) => setTimeout(r, 50));
    }
  }

  stats(): FleetStats {
    return {
      created: this.devices.length,
      connected: this.connectedNow,
      everConnected: this.everConnected.size,
      acks: this.acks,
      errors: this.errors,
      reconnects: this.reconnects,
      answersPerSecond: Math.round(this.latencies.count() / 5),
      ackP50Ms: this.latencies.percentile(50),
      ackP99Ms: this.latencies.percentile(99),
      replaced: this.replaced.size,
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.rotateTimer) clearInterval(this.rotateTimer);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.all(this.devices.map((d) => d.close()));
  }

  private add(index: number): void {
    const { options } = this;
    const addresses = options.localAddresses ?? [];
    const behaviour = options.behaviour(index, this.random);
    const device = createDevice({
      url: options.url,
      serial: this.serial(index),
      init: options.init,
      localAddress: addresses.length > 0 ? addresses[index % addresses.length] : undefined,
      minIntervalMs: 100,
      headers: options.credential ? { authorization: `Bearer ${options.credential}` } : undefined,
      protocol: options.protocol ?? 2,
      agent: { name: 'smart-os-emulator', version: '1' },
      settable: (name, value) => behaviour.settable?.(name, value) ?? `${name} is not a setting`,
    });
    this.devices.push(device);
    // Another emulator or a replay connected with this serial: reconnecting would take it back, and
    // the two would evict each other for ever. This one yields, and the status line says so.
    device.on('disconnected', (code) => {
      if (code !== CloseCode.replaced) return;
      this.replaced.add(device.serial);
      void device.close();
    });
    device.on('state', (to, from) => {
      if (to === ConnectionState.Connected) {
        this.connectedNow++;
        if (this.everConnected.has(device.serial)) this.reconnects++;
        this.everConnected.add(device.serial);
      } else if (from === ConnectionState.Connected) {
        this.connectedNow--;
      }
    });
    device.on('ack', (e) => {
      this.acks++;
      this.latencies.add(e.latencyMs);
    });
    device.on('error', () => {
      this.errors++;
    });
    device.set(behaviour.initial());
    const peers = behaviour.peers;
    if (peers && options.peersIntervalMs && (options.protocol ?? 2) === 2)
      device.watch({ params: peers.params, intervalMs: options.peersIntervalMs }, (_change, known) =>
        device.set(peers.values(known)),
      );
    for (const [name, command] of Object.entries(behaviour.commands ?? {})) {
      device.command(
        name,
        (args) => {
          if (this.random() < (options.commandFailureRate ?? 0)) throw new Error('emulated failure (--command-failure-rate)');
          device.set(command.run(args));
          if (command.reboots) setTimeout(() => device.drop(), 500);
          return { ok: true };
        },
        { description: command.description, ...(command.args ? { args: command.args } : {}) },
      );
    }
    if ((options.protocol ?? 2) === 2)
      device.command(
        'update',
        emulateUpdate(device, {
          url: options.url,
          credential: options.credential,
          failureRate: options.updateFailureRate ?? 0,
          unhealthyRate: options.unhealthyAfterUpdateRate ?? 0,
          random: this.random,
        }),
        { description: 'Download and check a release, then restart on it (emulated)' },
      );
    let n = 0;
    const sleepMs = () =>
      options.rate
        ? (options.devices / options.rate) * 1000
        : (options.minSleepS + this.random() * (options.maxSleepS - options.minSleepS)) * 1000;
    const tick = () => {
      this.timers.delete(timer);
      if (this.stopped) return;
      device.set(behaviour.tick(++n));
      timer = setTimeout(tick, sleepMs());
      this.timers.add(timer);
    };
    // The first change comes after a random part of one sleep, so the fleet does not tick in step.
    let timer = setTimeout(tick, this.random() * sleepMs());
    this.timers.add(timer);
  }
}
