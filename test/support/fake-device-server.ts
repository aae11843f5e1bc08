import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { formatAck, formatError, formatWelcome, type ParsedFrame, parseDeviceFrame } from '../../protocol/frames.ts';

export type Reply = { ok: true } | { ok: false; reason: string } | 'none';

export interface Received {
  text: string;
  frame: ParsedFrame;
  at: number;
  connection: number;
}

/**
 * A device server for agent tests: records every frame (parsed with the server's own parser, which must
 * accept it), answers as `reply` says, and can drop every connection.
 */
export class FakeDeviceServer {
  readonly received: Received[] = [];
  readonly connections: WebSocket[] = [];
  reply: (frame: ParsedFrame) => Reply = () => ({ ok: true });
  private readonly wss: WebSocketServer;
  private readonly listeners = new Set<() => void>();

  private constructor(wss: WebSocketServer) {
    this.wss = wss;
    wss.on('connection', (ws) => {
      const connection = this.connections.push(ws) - 1;
      ws.send(formatWelcome());
      ws.on('message', (data) => {
        const text = data.toString();
        const frame = parseDeviceFrame(text);
        if (!frame.ok) throw new Error(`the server parser refused an agent frame: ${text} (${frame.reason})`);
        this.received.push({ text, frame, at: performance.now(), connection });
        for (const l of this.listeners) l();
        const reply = this.reply(frame);
        if (reply === 'none') return;
        ws.send(reply.ok ? formatAck(frame.head) : formatError(frame.head, reply.reason));
      });
    });
  }

  /** `autoPong: false` plays a server that hangs without closing its sockets. */
  static start(options: { autoPong?: boolean } = {}): Promise<FakeDeviceServer> {
    return new Promise((resolve) => {
      const wss: WebSocketServer = new WebSocketServer({ port: 0, host: '127.0.0.1', autoPong: options.autoPong ?? true }, () =>
        resolve(new FakeDeviceServer(wss)),
      );
    });
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.wss.address() as AddressInfo).port}/update/`;
  }

  /** Values of each received frame, in order. */
  bodies(): Array<Record<string, unknown>> {
    return this.received.map((r) => Object.fromEntries(r.frame.values));
  }

  /** Resolves once `count` frames have arrived. */
  waitForFrames(count: number, timeoutMs = 5000): Promise<Received[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.received.length < count) return;
        this.listeners.delete(check);
        clearTimeout(timer);
        resolve(this.received.slice(0, count));
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`only ${this.received.length} of ${count} frames arrived: ${JSON.stringify(this.bodies())}`));
      }, timeoutMs);
      this.listeners.add(check);
      check();
    });
  }

  /** Drops every open connection without a close frame, as a crash or a lost network would. */
  dropAll(): void {
    for (const ws of this.connections) ws.terminate();
  }

  close(): Promise<void> {
    for (const ws of this.connections) ws.terminate();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }
}
