import { execFile } from 'node:child_process';
import { EventEmitter } from 'eventemitter3';
import { WebSocket } from 'ws';
import { CloseCode, ErrorReason } from '../protocol/codes.ts';
import { formatDeviceFrame, formatMsgId, parseAnswer } from '../protocol/frames.ts';
import {
  type CommandCapability,
  type CommandFrame,
  FINAL_STATUSES,
  formatCapabilities,
  formatResult,
  type ProtocolVersion,
  parseCommand,
  type ResultBody,
  SET_COMMAND,
  V2_SUBPROTOCOL,
} from '../protocol/v2.ts';
import { DEFAULT_LIMITS, nameProblem, type Scalar, SERIAL_PATTERN, valueProblem } from '../protocol/values.ts';
import { reconnectDelay } from './backoff.ts';

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

/** What a command handler gets besides its args. */
export interface CommandContext {
  cmdid: string;
  /** Reports progress (0 to 100) of a long handler; the newest report wins. */
  progress(percent: number): void;
}

/** Runs a command; its return value is the result, a thrown error makes it `failed` with the message. */
export type CommandHandler = (args: Record<string, unknown>, context: CommandContext) => unknown;

export interface CommandEvent {
  cmdid: string;
  name: string;
  status: ResultBody['status'];
}

export interface DeviceEvents {
  state: (to: ConnectionState, from: ConnectionState) => void;
  /** Protocol v2: a command arrived, or finished. */
  command: (event: CommandEvent) => void;
  connected: () => void;
  disconnected: (code: number, reason: string) => void;
  ack: (event: AckEvent) => void;
  error: (event: ErrorEvent) => void;
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
}

export interface RunnableScript {
  /** The executable (run directly, no shell). */
  path: string;
  args?: string[];
  /** Killed after this long. Default 60 s. */
  timeoutMs?: number;
}

/** The most of a script's output a result carries (its end). */
const OUTPUT_TAIL_BYTES = 16 * 1024 - 256;

const TRANSIENT = new Set<string>([ErrorReason.storageFailed, ErrorReason.shuttingDown]);

interface InFlight {
  msgid: string;
  head: string;
  text: string;
  values: Record<string, Scalar>;
  sentAt: number;
  /** A RSLT or CAPS frame (no values). */
  control?: true;
}

/** A v2 frame waiting to be sent; answered like a value frame. */
interface Control {
  head: string;
  text: string;
  /** The cmdid of a RSLT (a newer report for it replaces a queued one), or null for CAPS. */
  cmdid: string | null;
}

/** How many finished commands are remembered, so a command resent after a reconnect is never run twice. */
const REMEMBERED_COMMANDS = 1000;

/**
 * One device: set its parameters, and it publishes what changed since the server last acknowledged it,
 * one frame in flight at a time, through reconnects, as the original SolMate devices did.
 */
export class Device extends EventEmitter<DeviceEvents> {
  readonly serial: string;
  private readonly options: Required<
    Omit<DeviceOptions, 'localAddress' | 'headers' | 'random' | 'settable' | 'agent' | 'scripts'>
  > &
    Pick<DeviceOptions, 'localAddress' | 'headers' | 'random' | 'settable' | 'agent' | 'scripts'>;
  private readonly handlers = new Map<string, { handler: CommandHandler; capability: CommandCapability }>();
  /** Commands seen, by cmdid: the newest report of each (a finished one is answered again, never run again). */
  private readonly reports = new Map<string, ResultBody>();
  private readonly outbox: Control[] = [];
  private version: ProtocolVersion = 1;
  private announceDue = false;
  private current: ConnectionState = ConnectionState.Idle;
  private ws: WebSocket | null = null;
  private readonly values = new Map<string, Scalar>();
  private readonly acked = new Map<string, Scalar>();
  private readonly rejected = new Map<string, Scalar>();
  /** Names whose value the server has not acknowledged yet. */
  private readonly dirty = new Set<string>();
  private inFlight: InFlight | null = null;
  private nextMsgId = 0;
  private sentInit = false;
  private lastSendAt = Number.NEGATIVE_INFINITY;
  private attempt = 0;
  private heard = true;
  private sendTimer: NodeJS.Timeout | null = null;
  private answerTimer: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;

  constructor(options: DeviceOptions) {
    super();
    if (!SERIAL_PATTERN.test(options.serial)) throw new TypeError(`serial "${options.serial}": ${ErrorReason.badSerial}`);
    this.serial = options.serial;
    this.options = {
      init: false,
      minIntervalMs: 250,
      answerTimeoutMs: 5000,
      reconnectDelayMs: 5000,
      maxReconnectDelayMs: 60_000,
      heartbeatMs: 30_000,
      maxParameters: 256,
      autoConnect: true,
      protocol: 2,
      ...options,
    };
    if (this.options.scripts && Object.keys(this.options.scripts).length > 0) this.addRun(this.options.scripts);
    if (this.options.autoConnect) this.connect();
  }

  /** The built-in `run`: only the configured scripts, by name, with a timeout; exit code and output tail as result. */
  private addRun(scripts: Record<string, RunnableScript>): void {
    const names = Object.keys(scripts);
    this.handlers.set('run', {
      capability: {
        name: 'run',
        description: 'Run one of the scripts this device is configured with',
        args: { type: 'object', required: ['script'], properties: { script: { type: 'string', enum: names } } },
      },
      handler: (args) =>
        new Promise((resolve, reject) => {
          const script = typeof args.script === 'string' ? scripts[args.script] : undefined;
          if (!script) {
            reject(new Error(`no script "${String(args.script)}": one of ${names.join(', ')}`));
            return;
          }
          execFile(
            script.path,
            script.args ?? [],
            { timeout: script.timeoutMs ?? 60_000, maxBuffer: 1024 * 1024 },
            (err, stdout, stderr) => {
              const output = `${stdout}${stderr}`;
              const tail = Buffer.from(output).subarray(-OUTPUT_TAIL_BYTES).toString();
              const code = err && 'code' in err && typeof err.code === 'number' ? err.code : err ? -1 : 0;
              if (err && code === -1) reject(new Error(`${args.script}: ${err.message}`.slice(0, 1024)));
              else resolve({ exitCode: code, output: tail });
            },
          );
        }),
    });
  }

  get state(): ConnectionState {
    return this.current;
  }

  /** Values set but not acknowledged yet (queued while offline, or in flight). */
  get unacknowledged(): number {
    return this.dirty.size + (this.inFlight ? Object.keys(this.inFlight.values).length : 0);
  }

  get(name: string): Scalar | undefined {
    return this.values.get(name);
  }

  snapshot(): Record<string, Scalar> {
    return Object.fromEntries(this.values);
  }

  /** Sets one value, or several at once; only real changes are sent. */
  set(name: string, value: Scalar): void;
  set(values: Record<string, Scalar>): void;
  set(nameOrValues: string | Record<string, Scalar>, value?: Scalar): void {
    const entries: Array<[string, Scalar]> =
      typeof nameOrValues === 'string' ? [[nameOrValues, value as Scalar]] : Object.entries(nameOrValues);
    for (const [name, v] of entries) this.setOne(name, v);
    this.scheduleSend();
  }

  /**
   * Protocol v2: accepts a command by name (announced to the server in CAPS, so the dashboard can build a
   * form from `args`, a JSON Schema). The reserved `set` is built in (see `settable`).
   */
  command(name: string, handler: CommandHandler, info: { description?: string; args?: Record<string, unknown> } = {}): this {
    if (nameProblem(name) === 'badName') throw new TypeError(`command "${name}": ${ErrorReason.badName}`);
    if (name === SET_COMMAND) throw new TypeError('"set" is built in: pass `settable` to check its values');
    this.handlers.set(name, { handler, capability: { name, ...info } });
    if (this.current === ConnectionState.Connected) this.announce();
    return this;
  }

  /** The protocol of the current connection (1 until connected with v2). */
  get protocol(): ProtocolVersion {
    return this.version;
  }

  /** Starts connecting (when created with autoConnect: false). */
  connect(): void {
    if (this.current !== ConnectionState.Idle && this.current !== ConnectionState.Waiting) return;
    this.clearTimer('reconnectTimer');
    this.transition(ConnectionState.Connecting);
    const ws = new WebSocket(this.options.url, this.options.protocol === 2 ? [V2_SUBPROTOCOL] : [], {
      perMessageDeflate: false,
      handshakeTimeout: this.options.answerTimeoutMs,
      localAddress: this.options.localAddress,
      headers: this.options.headers,
    });
    this.ws = ws;
    ws.on('open', () => this.onOpen());
    ws.on('message', (data) => this.onMessage(data.toString()));
    ws.on('pong', () => {
      this.heard = true;
    });
    ws.on('ping', () => {
      this.heard = true;
    });
    ws.on('error', () => {}); // 'close' follows and handles it
    ws.on('close', (code, reason) => this.onClose(ws, code, reason.toString()));
  }

  /** Resolves when everything set so far is acknowledged (or refused), or after timeoutMs. */
  flush(timeoutMs = 10_000): Promise<boolean> {
    return new Promise((resolve) => {
      const done = () => this.dirty.size === 0 && !this.inFlight;
      if (done()) return resolve(true);
      const check = () => {
        if (!done()) return;
        cleanup();
        resolve(true);
      };
      const timer = setTimeout(() => {
        cleanup();
        resolve(false);
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.off('ack', check);
        this.off('error', check);
      };
      this.on('ack', check);
      this.on('error', check);
    });
  }

  /** Drops the socket as a crash or a reboot would; the device connects again after its reconnect delay. */
  drop(): void {
    this.ws?.terminate();
  }

  /** Stops for good: closes the socket (1000) and every timer. */
  close(): Promise<void> {
    const ws = this.ws;
    for (const t of ['sendTimer', 'answerTimer', 'reconnectTimer', 'heartbeatTimer'] as const) this.clearTimer(t);
    this.transition(ConnectionState.Closed);
    this.ws = null;
    if (!ws || ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      ws.once('close', () => resolve());
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else ws.close(CloseCode.normal);
      setTimeout(() => ws.terminate(), 2000).unref();
    });
  }

  private setOne(name: string, value: Scalar): void {
    // The server's own checks, here where the caller can still fix the mistake.
    const badName = nameProblem(name);
    if (badName) throw new TypeError(`parameter "${name}": ${ErrorReason[badName]}`);
    const badValue = valueProblem(value, DEFAULT_LIMITS);
    if (badValue === 'notScalar') throw new TypeError(`parameter "${name}": values are numbers, strings, booleans or null`);
    if (badValue) throw new TypeError(`parameter "${name}": ${ErrorReason[badValue]}`);
    if (!this.values.has(name) && this.values.size >= this.options.maxParameters) {
      throw new RangeError(`a device holds at most ${this.options.maxParameters} parameters`);
    }
    this.values.set(name, value);
    if (this.rejected.has(name)) {
      if (Object.is(this.rejected.get(name), value)) return; // refused before: not again
      this.rejected.delete(name);
    }
    const pending = this.inFlight && name in this.inFlight.values;
    if (!pending && this.acked.has(name) && Object.is(this.acked.get(name), value)) this.dirty.delete(name);
    else this.dirty.add(name);
  }

  private scheduleSend(): void {
    if (this.current !== ConnectionState.Connected || this.inFlight || this.sendTimer) return;
    if (this.outbox.length > 0) {
      this.sendNext();
      return;
    }
    if (this.dirty.size === 0 && (this.sentInit || !this.options.init)) return;
    const wait = Math.max(0, this.lastSendAt + this.options.minIntervalMs - performance.now());
    this.sendTimer = setTimeout(() => {
      this.sendTimer = null;
      this.sendNext();
    }, wait);
  }

  private sendNext(): void {
    if (this.current !== ConnectionState.Connected || this.inFlight) return;
    // Reports on commands go before values: the server is waiting for them.
    const control = this.outbox.shift();
    if (control) {
      this.inFlight = {
        msgid: control.head,
        head: control.head,
        text: control.text,
        values: {},
        sentAt: performance.now(),
        control: true,
      };
      this.transmit();
      return;
    }
    const init = this.options.init && !this.sentInit;
    const names = init ? [...this.values.keys()].filter((n) => !this.rejected.has(n)) : [...this.dirty];
    if (names.length === 0 && !init) return;
    const values: Record<string, Scalar> = {};
    for (const name of names) values[name] = this.values.get(name) as Scalar;
    this.dirty.clear();
    const n = this.nextMsgId++;
    const msgid = formatMsgId(n);
    const text = formatDeviceFrame(init ? 'INIT' : 'UPDT', n, this.serial, values);
    this.sentInit ||= init;
    this.inFlight = { msgid, head: `${msgid}:${this.serial}`, text, values, sentAt: performance.now() };
    this.transmit();
  }

  /** Sends (or sends again, after a reconnect) the frame in flight and waits for its answer. */
  private transmit(): void {
    const frame = this.inFlight;
    if (!frame || !this.ws) return;
    frame.sentAt = performance.now();
    this.lastSendAt = frame.sentAt;
    this.ws.send(frame.text);
    this.clearTimer('answerTimer');
    // No answer in time: the connection is presumed dead; the frame goes again on the next one.
    this.answerTimer = setTimeout(() => this.ws?.terminate(), this.options.answerTimeoutMs);
  }

  private onOpen(): void {
    this.attempt = 0;
    this.heard = true;
    this.version = this.ws?.protocol === V2_SUBPROTOCOL ? 2 : 1;
    this.announceDue = this.version === 2 && this.handlers.size > 0;
    // A report of the previous connection that was not answered goes again first; CAPS after the first values.
    if (this.inFlight?.control && this.version === 2) {
      this.outbox.unshift({ head: this.inFlight.head, text: this.inFlight.text, cmdid: null });
      this.inFlight = null;
    }
    this.transition(ConnectionState.Connected);
    this.emit('connected');
    this.heartbeatTimer = setInterval(() => {
      if (!this.heard) {
        this.ws?.terminate();
        return;
      }
      this.heard = false;
      this.ws?.ping();
    }, this.options.heartbeatMs);
    if (this.inFlight) this.transmit();
    else this.scheduleSend();
  }

  private onMessage(text: string): void {
    this.heard = true;
    if (this.version === 2) {
      const command = parseCommand(text);
      if (command) {
        this.onCommand(command);
        return;
      }
    }
    const answer = parseAnswer(text);
    const frame = this.inFlight;
    if (!answer || !frame || (answer.head !== null && answer.head !== frame.head)) return;
    this.clearTimer('answerTimer');
    this.inFlight = null;
    if (frame.control) {
      // A refused report is not sent again unless the server failed (its state is gone, or it is malformed).
      if (!answer.ok && TRANSIENT.has(answer.reason ?? ''))
        this.outbox.unshift({ head: frame.head, text: frame.text, cmdid: null });
      this.scheduleSend();
      return;
    }
    if (answer.ok) {
      // CAPS once per connection, after the first values (the server stores it for a device it knows).
      if (this.announceDue) {
        this.announceDue = false;
        this.announce();
      }
      for (const [name, v] of Object.entries(frame.values)) {
        this.acked.set(name, v);
        if (!Object.is(this.values.get(name), v)) this.dirty.add(name);
      }
      this.emit('ack', { msgid: frame.msgid, values: frame.values, latencyMs: performance.now() - frame.sentAt });
    } else {
      const reason = answer.reason ?? 'ERROR';
      const transient = TRANSIENT.has(reason);
      for (const [name, v] of Object.entries(frame.values)) {
        const changed = !Object.is(this.values.get(name), v);
        if (transient || changed) this.dirty.add(name);
        else this.rejected.set(name, v);
      }
      this.emit('error', { msgid: frame.msgid, reason, values: frame.values, transient });
    }
    this.scheduleSend();
  }

  /** Queues CAPS: the commands this device accepts (the server stores it once the device has said hello). */
  private announce(): void {
    if (this.version !== 2) return;
    const caps = {
      commands: [...this.handlers.values()].map((h) => h.capability),
      ...(this.options.agent ? { agent: this.options.agent } : {}),
    };
    const msgid = formatMsgId(this.nextMsgId++);
    this.outbox.push({ head: `${msgid}:${this.serial}`, text: formatCapabilities(msgid, this.serial, caps), cmdid: null });
    this.scheduleSend();
  }

  private report(cmdid: string, body: ResultBody): void {
    this.reports.set(cmdid, body);
    if (this.reports.size > REMEMBERED_COMMANDS) this.reports.delete(this.reports.keys().next().value as string);
    // A newer report of the same command replaces a queued one (progress piles up otherwise).
    const queued = this.outbox.findIndex((c) => c.cmdid === cmdid);
    const control = { head: `${cmdid}:${this.serial}`, text: formatResult(cmdid, this.serial, body), cmdid };
    if (queued >= 0) this.outbox[queued] = control;
    else this.outbox.push(control);
    this.scheduleSend();
  }

  private onCommand(command: CommandFrame): void {
    if (command.serial !== this.serial) return;
    const known = this.reports.get(command.cmdid);
    if (known) {
      // Sent again after a reconnect: answered with what is known, never run twice.
      this.report(command.cmdid, known);
      return;
    }
    this.report(command.cmdid, { status: 'received' });
    this.emit('command', { cmdid: command.cmdid, name: command.name, status: 'received' });
    const finish = (body: ResultBody) => {
      this.report(command.cmdid, body);
      this.emit('command', { cmdid: command.cmdid, name: command.name, status: body.status });
    };
    const args = (typeof command.args === 'object' && command.args !== null ? command.args : {}) as Record<string, unknown>;
    if (command.name === SET_COMMAND) {
      finish(this.applySet(args));
      return;
    }
    const entry = this.handlers.get(command.name);
    if (!entry) {
      finish({ status: 'rejected', error: `this device has no command "${command.name}"` });
      return;
    }
    const context: CommandContext = {
      cmdid: command.cmdid,
      progress: (percent) => {
        const current = this.reports.get(command.cmdid);
        if (current && FINAL_STATUSES.has(current.status)) return;
        this.report(command.cmdid, { status: 'progress', percent: Math.max(0, Math.min(100, percent)) });
      },
    };
    Promise.resolve()
      .then(() => entry.handler(args, context))
      .then(
        (result) => finish(result === undefined ? { status: 'succeeded' } : { status: 'succeeded', result }),
        (err: unknown) => finish({ status: 'failed', error: String(err instanceof Error ? err.message : err).slice(0, 1024) }),
      );
  }

  /** The built-in `set`: every value checked first; all applied, or none. */
  private applySet(args: Record<string, unknown>): ResultBody {
    const values = args.values;
    if (typeof values !== 'object' || values === null || Array.isArray(values))
      return { status: 'rejected', error: 'set takes {"values": {name: value}}' };
    for (const [name, value] of Object.entries(values)) {
      if (nameProblem(name) || valueProblem(value, DEFAULT_LIMITS)) return { status: 'rejected', error: `cannot set ${name}` };
      const verdict = this.options.settable?.(name, value as Scalar) ?? true;
      if (verdict !== true) return { status: 'rejected', error: `${name}: ${verdict}` };
    }
    this.set(values as Record<string, Scalar>);
    return { status: 'succeeded', result: { values } };
  }

  private onClose(ws: WebSocket, code: number, reason: string): void {
    if (ws !== this.ws) return;
    this.ws = null;
    for (const t of ['sendTimer', 'answerTimer', 'heartbeatTimer'] as const) this.clearTimer(t);
    if (this.current === ConnectionState.Closed) return;
    const wasConnected = this.current === ConnectionState.Connected;
    this.transition(ConnectionState.Waiting);
    if (wasConnected) this.emit('disconnected', code, reason);
    const delay = reconnectDelay(this.attempt++, {
      minDelayMs: this.options.reconnectDelayMs,
      maxDelayMs: this.options.maxReconnectDelayMs,
      random: this.options.random,
    });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
  }

  private transition(to: ConnectionState): void {
    const from = this.current;
    if (from === to) return;
    this.current = to;
    this.emit('state', to, from);
  }

  private clearTimer(name: 'sendTimer' | 'answerTimer' | 'reconnectTimer' | 'heartbeatTimer'): void {
    const timer = this[name];
    if (timer) {
      clearTimeout(timer);
      clearInterval(timer);
    }
    this[name] = null;
  }
}

/** A device connected to `url`, publishing what changes. */
export function createDevice(options: DeviceOptions): Device {
  return new Device(options);
}
