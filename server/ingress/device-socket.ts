/**
 * What the device server needs of a device's socket: a `ws` WebSocket held here, or a RemoteSocket held by
 * a device gateway process. Events go the other way, through SocketHandlers.
 */
export interface DeviceSocket {
  readonly protocol: string;
  /** WebSocket.OPEN (1) while frames may be sent. */
  readonly readyState: number;
  /** Bytes sent and not yet written to the network. */
  readonly bufferedAmount: number;
  send(data: string): void;
  send(data: Buffer, options: { binary: false; fin: boolean }): void;
  close(code: number, reason: string): void;
  terminate(): void;
  /** A heartbeat ping (a gateway pings its sockets itself). */
  ping(): void;
}

/** What happens to a device socket, for the device server. */
export interface SocketHandlers {
  message(data: string | Buffer, isBinary: boolean): void;
  /** The socket was closed for a reason the metrics count (ws error codes). */
  error(code: string): void;
  /** The device answered a ping. */
  pong(): void;
  close(): void;
}
