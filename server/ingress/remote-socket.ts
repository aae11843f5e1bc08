import { WebSocket } from 'ws';
import type { DeviceSocket, SocketHandlers } from './device-socket.ts';
import { type SocketOp, ToSocket } from './gateway-protocol.ts';

/** A device socket held by a gateway process: what is sent goes into that gateway's next batch. */
export class RemoteSocket implements DeviceSocket {
  readyState: number = WebSocket.OPEN;
  handlers: SocketHandlers | null = null;
  /**
   * Unsent bytes, as the gateway last reported them (every 100 ms while there are any): the bound of a slow
   * consumer holds within one report of lag.
   */
  bufferedAmount = 0;

  constructor(
    readonly id: number,
    readonly protocol: string,
    private readonly queue: (op: SocketOp) => void,
  ) {}

  send(data: string | Buffer, options?: { binary: false; fin: boolean }): void {
    if (this.readyState !== WebSocket.OPEN) return;
    if (typeof data === 'string') {
      this.queue([this.id, ToSocket.send, data]);
    } else {
      this.queue([this.id, ToSocket.sendPart, data, options?.fin ?? true]);
    }
  }

  close(code: number, reason: string): void {
    if (this.readyState !== WebSocket.OPEN) return;
    this.readyState = WebSocket.CLOSING;
    this.queue([this.id, ToSocket.close, code, reason]);
  }

  /** The gateway pings its sockets itself. */
  ping(): void {}

  terminate(): void {
    if (this.readyState === WebSocket.CLOSED) return;
    this.readyState = WebSocket.CLOSING;
    this.queue([this.id, ToSocket.terminate]);
  }
}
