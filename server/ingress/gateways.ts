import { type ChildProcess, fork } from 'node:child_process';
import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { WebSocket } from 'ws';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { SocketHandlers } from './device-socket.ts';
import {
  type FromGateway,
  FromSocket,
  type GatewayOptions,
  type SocketEvent,
  type SocketOp,
  type ToGateway,
} from './gateway-protocol.ts';
import { RemoteSocket } from './remote-socket.ts';
import { TurnBatch } from './turn-batch.ts';

// Compiled (dist/), the gateway's entry is JavaScript; from source it runs under tsx like the server.
const compiled = import.meta.url.endsWith('.js');
/** A gateway that died is started again after a random delay up to this, doubling from RESPAWN_BASE_MS. */
const RESPAWN_MAX_MS = 30_000;
const RESPAWN_BASE_MS = 500;

export interface GatewaysOptions extends GatewayOptions {
  count: number;
  /** Sockets one gateway holds at most (its process's open-file limit, less a margin). */
  maxSockets: number;
}

export function gatewayOptions(
  config: Pick<Config, 'deviceGateways' | 'gatewayMaxSockets' | 'maxFrameBytes' | 'heartbeatMs'>,
): GatewaysOptions {
  return {
    count: config.deviceGateways,
    maxSockets: config.gatewayMaxSockets,
    maxFrameBytes: config.maxFrameBytes,
    heartbeatMs: config.heartbeatMs,
  };
}

/** Called when a handed-over socket opened: returns where its events go. */
export type OnOpen = (socket: RemoteSocket) => SocketHandlers;

/** One gateway process and the sockets it holds. */
class GatewayProcess {
  child: ChildProcess | null = null;
  ready = false;
  readonly sockets = new Map<number, RemoteSocket>();
  readonly pending = new Map<number, OnOpen>();
  /** Everything sent to its sockets in one turn of the loop goes in one message. */
  private readonly ops = new TurnBatch<SocketOp>((ops) => {
    if (this.child?.connected) this.send({ t: 'ops', ops });
  });
  failures = 0;

  get load(): number {
    return this.sockets.size + this.pending.size;
  }

  queue = (op: SocketOp): void => this.ops.push(op);

  send(message: ToGateway, handle?: Socket): void {
    this.child?.send(message, handle as never, (err) => {
      // The channel closed under the message: the exit handler closes the sockets.
      if (err && message.t === 'adopt') this.pending.delete(message.id);
    });
  }

  /** The events of one batch from the gateway. */
  deliver(events: SocketEvent[]): void {
    for (const event of events) {
      const id = event[0];
      switch (event[1]) {
        case FromSocket.open: {
          const opened = this.pending.get(id);
          if (!opened) break;
          this.pending.delete(id);
          const socket = new RemoteSocket(id, event[2], this.queue);
          this.sockets.set(id, socket);
          socket.handlers = opened(socket);
          break;
        }
        case FromSocket.message: {
          const data = event[2];
          this.sockets.get(id)?.handlers?.message(typeof data === 'string' ? data : Buffer.from(data), event[3]);
          break;
        }
        case FromSocket.error:
          this.sockets.get(id)?.handlers?.error(event[2]);
          break;
        case FromSocket.close: {
          const socket = this.sockets.get(id);
          if (!socket) break;
          this.sockets.delete(id);
          if (event[2]) socket.handlers?.error(event[2]);
          this.closed(socket);
          break;
        }
        case FromSocket.buffered: {
          const socket = this.sockets.get(id);
          if (socket) socket.bufferedAmount = event[2];
          break;
        }
        case FromSocket.failed:
          this.pending.delete(id);
          break;
      }
    }
  }

  closed(socket: RemoteSocket): void {
    socket.readyState = WebSocket.CLOSED;
    socket.handlers?.close();
  }

  /** The process is gone, and every socket it held with it. */
  lost(): void {
    this.ready = false;
    this.child = null;
    this.pending.clear();
    this.ops.clear();
    const sockets = [...this.sockets.values()];
    this.sockets.clear();
    for (const socket of sockets) this.closed(socket);
  }
}

/**
 * The core's side of DEVICE_GATEWAYS: device sockets, once their credential is checked here, are handed to
 * gateway processes (the open-file limit is per process), which hold them and pass their frames here. One
 * process (this one) still applies every change, commits and answers; the gateways only hold sockets.
 */
export class Gateways {
  private readonly processes: GatewayProcess[];
  private nextId = 0;
  private stopping = false;

  constructor(
    private readonly options: GatewaysOptions,
    private readonly log: Logger,
  ) {
    this.processes = Array.from({ length: options.count }, () => new GatewayProcess());
  }

  /** Starts every gateway and waits until each is ready. */
  async start(): Promise<void> {
    await Promise.all(this.processes.map((gateway, i) => this.spawn(gateway, i)));
  }

  /** Sockets the gateways hold (open). */
  get size(): number {
    return this.processes.reduce((sum, gateway) => sum + gateway.sockets.size, 0);
  }

  /** Open sockets per gateway. */
  get loads(): number[] {
    return this.processes.map((gateway) => gateway.sockets.size);
  }

  /** Pids of the gateway processes running now. */
  get pids(): number[] {
    return this.processes.flatMap((gateway) => (gateway.child?.pid === undefined ? [] : [gateway.child.pid]));
  }

  /**
   * Hands a checked device handshake to the least loaded gateway. False when none can take it (all full or
   * restarting): the caller answers 503 and the device tries again later.
   */
  adopt(req: IncomingMessage, socket: Socket, head: Buffer, opened: OnOpen): boolean {
    let best: GatewayProcess | null = null;
    for (const gateway of this.processes)
      if (gateway.ready && gateway.load < this.options.maxSockets && (!best || gateway.load < best.load)) best = gateway;
    if (!best || socket.destroyed) return false;
    const id = ++this.nextId;
    best.pending.set(id, opened);
    const headers = { ...req.headers };
    best.send({ t: 'adopt', id, method: req.method ?? 'GET', url: req.url ?? '/', headers, head }, socket);
    return true;
  }

  /** Stops the gateways (their sockets should be closed first: what they still hold is dropped). */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      this.processes.map(
        (gateway) =>
          new Promise<void>((resolve) => {
            const child = gateway.child;
            if (!child || child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.disconnect();
            setTimeout(() => child.kill('SIGKILL'), 5000).unref();
          }),
      ),
    );
  }

  private spawn(gateway: GatewayProcess, index: number): Promise<void> {
    const entry = fileURLToPath(new URL(`./gateway-main.${compiled ? 'js' : 'ts'}`, import.meta.url));
    const { maxFrameBytes, heartbeatMs } = this.options;
    const child = fork(entry, [JSON.stringify({ maxFrameBytes, heartbeatMs } satisfies GatewayOptions)], {
      serialization: 'advanced',
      // Compiled, tsx is not even installed (npm ci --omit=dev).
      execArgv: compiled ? [] : ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    gateway.child = child;
    return new Promise<void>((resolve) => {
      child.on('message', (message: FromGateway) => {
        if (message.t === 'events') gateway.deliver(message.events);
        else if (message.t === 'ready') {
          gateway.ready = true;
          gateway.failures = 0;
          this.log.info({ gateway: index, pid: child.pid }, 'device gateway ready');
          resolve();
        }
      });
      child.on('error', (err) => this.log.error({ gateway: index, err: err.message }, 'device gateway failed'));
      child.on('exit', (code, signal) => {
        const held = gateway.sockets.size;
        gateway.lost();
        resolve();
        if (this.stopping) return;
        gateway.failures++;
        const delay = Math.random() * Math.min(RESPAWN_MAX_MS, RESPAWN_BASE_MS * 2 ** gateway.failures);
        this.log.error(
          { gateway: index, code, signal, sockets: held, restartInMs: Math.round(delay) },
          'device gateway exited; its devices will reconnect',
        );
        setTimeout(() => {
          if (!this.stopping) void this.spawn(gateway, index);
        }, delay).unref();
      });
    });
  }
}
