import { EventEmitter } from 'eventemitter3';
import { WebSocket } from 'ws';
import { CloseCode, ErrorReason } from '../protocol/codes.ts';
import { formatDeviceFrame, formatMsgId, parseAnswer } from '../protocol/frames.ts';
import { parsePeer } from '../protocol/peers.ts';
import { type ProtocolVersion, parseCommand, type ResultBody, SET_COMMAND, V2_SUBPROTOCOL } from '../protocol/v2.ts';
import { DEFAULT_LIMITS, nameProblem, type Scalar, SERIAL_PATTERN, valueProblem } from '../protocol/values.ts';
import { reconnectDelay } from './backoff.ts';
import { type CommandHandler, CommandRunner } from './commands.ts';
import { ConnectionState, type DeviceEvents, type DeviceOptions } from './device-options.ts';
import { type InFlight, Outbox } from './outbox.ts';
import { type PeerListener, type PeerState, PeerWatch, type WatchOptions } from './peers.ts';
import { runCommand } from './run-scripts.ts';

/** Options without a default. */
type Optional = 'localAddress' | 'headers' | 'random' | 'settable' | 'agent' | 'scripts' | 'offlineBuffer';

const TRANSIENT = new Set<string>([ErrorReason.storageFailed, ErrorReason.shuttingDown]);

/**
 * One device: set its parameters, and it publishes what changed since the server last acknowledged it,
 * one frame in flight at a time, through reconnects, as the original SolMate devices did.
 */
export class Device extends EventEmitter<DeviceEvents> {
  /** The serial it reports as. */
  readonly serial: string;
  private readonly options: Required<Omit<DeviceOptions, Optional>> & Pick<DeviceOptions, Optional>;
  private readonly commands: CommandRunner;
  private readonly outbox: Outbox;
  private version: ProtocolVersion = 1;
  private announceDue = false;
  private watcher: PeerWatch | null = null;
  /** SUBS waits for the server to know the device (its first acknowledged frame). */
  private subscribeDue = false;
  private known = false;
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
    this.outbox = new Outbox(options.serial);
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
    this.commands = new CommandRunner(
      {
        report: (cmdid, body) => this.report(cmdid, body),
        emit: (event) => this.emit('command', event),
        set: (values) => this.set(values),
      },
      this.options.settable,
    );
    if (this.options.scripts && Object.keys(this.options.scripts).length > 0) {
      const run = runCommand(this.options.scripts);
      this.commands.add(run.capability, run.handler);
    }
    if (this.options.autoConnect) this.connect();
  }

  /** Where the connection is now (see ConnectionState). */
  get state(): ConnectionState {
    return this.current;
  }

  /** Values set but not acknowledged yet (queued while offline, or in flight). */
  get unacknowledged(): number {
    return this.dirty.size + (this.inFlight ? Object.keys(this.inFlight.values).length : 0);
  }

  /** The value last set for `name`. */
  get(name: string): Scalar | undefined {
    return this.values.get(name);
  }

  /** Every value set so far. */
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
    const buffer = this.options.offlineBuffer;
    if (buffer && this.options.protocol !== 1 && this.current !== ConnectionState.Connected) {
      // Kept with their time, sent oldest first once connected (not again as live values).
      const values = Object.fromEntries(entries.filter(([n]) => this.dirty.has(n)));
      for (const n of Object.keys(values)) this.dirty.delete(n);
      if (Object.keys(values).length > 0) buffer.push({ at: Date.now(), values });
    }
    this.scheduleSend();
  }

  /**
   * Protocol v2: accepts a command by name (announced to the server in CAPS, so the dashboard can build a
   * form from `args`, a JSON Schema). The reserved `set` is built in (see `settable`).
   */
  command(name: string, handler: CommandHandler, info: { description?: string; args?: Record<string, unknown> } = {}): this {
    if (nameProblem(name) === 'badName') throw new TypeError(`command "${name}": ${ErrorReason.badName}`);
    if (name === SET_COMMAND) throw new TypeError('"set" is built in: pass `settable` to check its values');
    this.commands.add({ name, ...info }, handler);
    if (this.current === ConnectionState.Connected) this.announce();
    return this;
  }

  /** The protocol of the current connection (1 until connected with v2). */
  get protocol(): ProtocolVersion {
    return this.version;
  }

  /**
   * Protocol v2: keeps a live map of the owner's other devices (`peers`) from the IoT channel: a snapshot,
   * then what changed, at most once per `intervalMs`; resumed from where it was after a reconnect (the
   * server sends a fresh snapshot when it cannot tell what changed). One watch per device: a new one replaces it.
   * `onChange` hears of every change once it is applied. A refusal is emitted as `watchError`.
   */
  watch(options: WatchOptions, onChange: PeerListener): this {
    this.watcher = new PeerWatch({ intervalMs: 1000, ...options }, onChange);
    if (this.current === ConnectionState.Connected) this.subscribeNow();
    return this;
  }

  /** Stops the watch (UNSB); the map is forgotten. */
  unwatch(): void {
    if (!this.watcher) return;
    this.watcher = null;
    this.subscribeDue = false;
    if (this.current === ConnectionState.Connected && this.version === 2) {
      this.outbox.unsubscribe(formatMsgId(this.nextMsgId++));
      this.scheduleSend();
    } else this.outbox.dropPeers();
  }

  /** The peers the watch knows now (empty without a watch). */
  get peers(): ReadonlyMap<string, PeerState> {
    return this.watcher?.peers ?? new Map();
  }

  /** Queues SUBS now if the server knows this device, else after its first acknowledged frame. */
  private subscribeNow(): void {
    if (!this.watcher) return;
    if (this.version !== 2) {
      this.emit('watchError', ErrorReason.v2Only);
      return;
    }
    if (!this.known) {
      this.subscribeDue = true;
      return;
    }
    this.subscribeDue = false;
    this.outbox.subscribe(formatMsgId(this.nextMsgId++), this.watcher.request());
    this.scheduleSend();
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
    if (this.outbox.length > 0 || (this.options.offlineBuffer?.size ?? 0) > 0) {
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
        ...(control.peers ? { peers: true as const } : {}),
      };
      this.transmit();
      return;
    }
    const late = this.options.offlineBuffer?.first();
    if (late) {
      const n = this.nextMsgId++;
      const msgid = formatMsgId(n);
      const text = formatDeviceFrame('UPDT', n, this.serial, late.values, late.at);
      this.inFlight = { msgid, head: `${msgid}:${this.serial}`, text, values: late.values, sentAt: 0, buffered: true };
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
    this.announceDue = this.version === 2 && this.commands.size > 0;
    // A report of the previous connection that was not answered goes again first; CAPS after the first values.
    if (this.inFlight?.control && this.version === 2) {
      if (!this.inFlight.peers) this.outbox.again(this.inFlight.head, this.inFlight.text);
      this.inFlight = null;
    }
    this.outbox.dropPeers();
    this.transition(ConnectionState.Connected);
    this.subscribeNow();
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
      const peer = parsePeer(text);
      if (peer) {
        if (peer.serial === this.serial) this.watcher?.apply(peer);
        return;
      }
      const command = parseCommand(text);
      if (command) {
        if (command.serial === this.serial) this.commands.handle(command);
        return;
      }
    }
    const answer = parseAnswer(text);
    const frame = this.inFlight;
    if (!answer || !frame || (answer.head !== null && answer.head !== frame.head)) return;
    this.clearTimer('answerTimer');
    this.inFlight = null;
    if (frame.peers) {
      // Refused because the server does not know the device yet: again after its next acknowledged frame.
      if (!answer.ok && this.watcher) {
        if (answer.reason === ErrorReason.initFirst) this.subscribeDue = true;
        else if (TRANSIENT.has(answer.reason ?? '')) this.subscribeNow();
        else this.emit('watchError', answer.reason ?? 'ERROR');
      }
      this.scheduleSend();
      return;
    }
    if (frame.control) {
      // A refused report is not sent again unless the server failed (its state is gone, or it is malformed).
      if (!answer.ok && TRANSIENT.has(answer.reason ?? '')) this.outbox.again(frame.head, frame.text);
      this.scheduleSend();
      return;
    }
    // A late frame leaves the buffer once stored, or once refused for good (a transient refusal: again).
    if (frame.buffered && (answer.ok || !TRANSIENT.has(answer.reason ?? ''))) this.options.offlineBuffer?.shift();
    if (answer.ok) {
      this.known = true;
      if (this.subscribeDue) this.subscribeNow();
      // CAPS once per connection, after the first values (the server stores it for a device it knows).
      if (this.announceDue) {
        this.announceDue = false;
        this.announce();
      }
      for (const [name, v] of Object.entries(frame.values)) {
        this.acked.set(name, v);
        // A late frame's newer values follow it from the buffer (or went live): not sent again from here.
        if (!frame.buffered && !Object.is(this.values.get(name), v)) this.dirty.add(name);
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
      commands: this.commands.capabilities(),
      ...(this.options.agent ? { agent: this.options.agent } : {}),
    };
    const msgid = formatMsgId(this.nextMsgId++);
    this.outbox.capabilities(msgid, caps);
    this.scheduleSend();
  }

  private report(cmdid: string, body: ResultBody): void {
    this.commands.remember(cmdid, body);
    this.outbox.result(cmdid, body);
    this.scheduleSend();
  }

  private onClose(ws: WebSocket, code: number, reason: string): void {
    if (ws !== this.ws) return;
    this.ws = null;
    for (const t of ['sendTimer', 'answerTimer', 'heartbeatTimer'] as const) this.clearTimer(t);
    this.watcher?.disconnected();
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
