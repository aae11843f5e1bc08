/**
 * The link between the core and its device gateways (DEVICE_GATEWAYS): a Node IPC channel with V8
 * serialisation, each message a batch of the events of one event-loop turn. The core hands a socket over
 * once its credential is checked; the gateway does the WebSocket handshake, framing and pings, the core
 * everything the frames mean.
 */

/** Core → gateway: what to do with a socket the gateway holds. */
export const ToSocket = {
  /** A text frame (whole). */
  send: 0,
  /** One fragment of a text frame: [buffer, fin]. */
  sendPart: 1,
  /** Close with [code, reason]. */
  close: 2,
  /** Drop without a closing handshake. */
  terminate: 3,
} as const;

/** Gateway → core: what happened to a socket. */
export const FromSocket = {
  /** The handshake completed: [protocol]. */
  open: 0,
  /** A frame from the device: [data, isBinary]. */
  message: 1,
  /** ws closed the socket for a reason the metrics count: [code] (e.g. WS_ERR_UNSUPPORTED_MESSAGE_LENGTH). */
  error: 2,
  /** The socket is gone: [reason] ('' for an ordinary close, 'heartbeatTimeout' for a missed ping). */
  close: 3,
  /** Bytes the socket holds unsent, reported while it holds any: [bytes]. */
  buffered: 4,
  /** The handshake failed (ws answered 400 itself): no socket was opened. */
  failed: 5,
} as const;

export type SocketOp =
  | [id: number, op: typeof ToSocket.send, text: string]
  | [id: number, op: typeof ToSocket.sendPart, part: Uint8Array, fin: boolean]
  | [id: number, op: typeof ToSocket.close, code: number, reason: string]
  | [id: number, op: typeof ToSocket.terminate];

export type SocketEvent =
  | [id: number, ev: typeof FromSocket.open, protocol: string]
  | [id: number, ev: typeof FromSocket.message, data: string | Uint8Array, isBinary: boolean]
  | [id: number, ev: typeof FromSocket.error, code: string]
  | [id: number, ev: typeof FromSocket.close, reason: string]
  | [id: number, ev: typeof FromSocket.buffered, bytes: number]
  | [id: number, ev: typeof FromSocket.failed];

/** Sent with a socket handle: the handshake the core read, for the gateway to complete. */
export interface Adopt {
  t: 'adopt';
  id: number;
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  head: Uint8Array;
}

export type ToGateway = Adopt | { t: 'ops'; ops: SocketOp[] };
export type FromGateway = { t: 'events'; events: SocketEvent[] } | { t: 'ready' };

/** What a gateway is started with (argv[2], JSON). */
export interface GatewayOptions {
  maxFrameBytes: number;
  heartbeatMs: number;
}
