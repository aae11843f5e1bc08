import type { ProtocolVersion } from '../protocol/v2.ts';
import type { Scalar } from '../protocol/values.ts';
import type { CommandEvent } from './commands.ts';
import type { ObservationBuffer } from './observations.ts';
import type { RunnableScript } from './run-scripts.ts';

/**
 * The connection state of a device. Transitions:
 * `idle` → `connecting` → `connected` → (socket lost) → `waiting` → `connecting` → …; `close()` → `closed`
 * from anywhere. Values set in any state are kept and sent once `connected`.
 */
export const ConnectionState = {
  /** Created with autoConnect: false and not started yet. */
  Idle: 'idle',
  /** Opening the socket. */
  Connecting: 'connecting',
  /** Open: frames flow. */
  Connected: 'connected',
  /** The socket was lost; waiting out the reconnect delay. */
  Waiting: 'waiting',
  /** close() was called: no socket, no reconnecting, for good. */
  Closed: 'closed',
} as const;
export type ConnectionState = (typeof ConnectionState)[keyof typeof ConnectionState];

export interface AckEvent {
  msgid: string;
  values: Record<string, Scalar>;
  /** Frame sent to OK received, ms (from the last send: a resent frame counts from its resending). */
  latencyMs: number;
}

export interface ErrorEvent {
  /** The msgid of the rejected frame. */
  msgid: string;
  reason: string;
  /** The values the server refused; they are not sent again unless set to something else. */
  values: Record<string, Scalar>;
  /** The server failed, not the values (storage, shutdown): they are sent again. */
  transient: boolean;
}

export interface DeviceEvents {
  state: (to: ConnectionState, from: ConnectionState) => void;
  /** Protocol v2: a command arrived, or finished. */
  command: (event: CommandEvent) => void;
  connected: () => void;
  disconnected: (code: number, reason: string) => void;
  ack: (event: AckEvent) => void;
  error: (event: ErrorEvent) => void;
  /** Protocol v2: the server refused the watch's subscription (the reason), or the server speaks only v1. */
  watchError: (reason: string) => void;
}

export interface DeviceOptions {
  /** ws://host:port/update/ */
  url: string;
  serial: string;
  /** Send every value as INIT on the first connection (the originals' init mode); UPDT otherwise. */
  init?: boolean;
  /** Changes made within this interval go out in one frame; frames are at least this far apart. Default 250 ms. */
  minIntervalMs?: number;
  /** Wait this long for an answer before the connection counts as lost. Default 5 s, as the originals. */
  answerTimeoutMs?: number;
  /** First reconnect delay ceiling. Default 5 s, the originals' interval. */
  reconnectDelayMs?: number;
  /** Reconnect delays never grow past this. Default 60 s. */
  maxReconnectDelayMs?: number;
  /** Ping a silent server this often; no word back within another interval means the connection is lost. Default 30 s. */
  heartbeatMs?: number;
  /** Most distinct parameters the device holds (this bounds what is queued while offline). Default 256. */
  maxParameters?: number;
  /** Connect at once. Default true. */
  autoConnect?: boolean;
  /** Source address for the socket (the emulator spreads connections over 127.0.0.x). */
  localAddress?: string;
  /** Extra handshake headers (credentials). */
  headers?: Record<string, string>;
  /** For tests: the randomness of the reconnect jitter. */
  random?: () => number;
  /** Protocol 2 (default) takes commands; 1 behaves exactly like the original devices. */
  protocol?: ProtocolVersion;
  /** Checks each value of a `set` command: true to apply it, or the reason it is refused. Default: all accepted. */
  settable?: (name: string, value: Scalar) => true | string;
  /** The agent's name and version, announced in CAPS. */
  agent?: { name: string; version: string };
  /**
   * Scripts the built-in `run` command may execute, by name (nothing else ever runs; without this option
   * there is no `run` command). The result is the exit code and the tail of the output.
   */
  scripts?: Record<string, RunnableScript>;
  /**
   * Protocol v2: values set while the server cannot be reached go here with their time and are sent, oldest
   * first, once it can (the server keeps them in history at that time). Without it, only the newest value of
   * each parameter is sent on reconnect (as the original devices do).
   */
  offlineBuffer?: ObservationBuffer;
}
