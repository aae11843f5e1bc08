import { WebSocketServer } from 'ws';
import { V2_SUBPROTOCOL } from '../../protocol/v2.ts';

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

/**
 * The WebSocket server for device sockets, wherever they are held (the server or a gateway): no compression,
 * the frame size bound, and protocol v2 only when offered (ws would otherwise pick the first protocol a
 * client offers; a device offering nothing stays v1).
 */
export function deviceWebSocketServer(maxFrameBytes: number): WebSocketServer {
  return new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload: maxFrameBytes,
    handleProtocols: (offered) => (offered.has(V2_SUBPROTOCOL) ? V2_SUBPROTOCOL : false),
  });
}
