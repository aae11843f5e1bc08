import type { Socket } from 'node:net';
import { WebSocket, type WebSocketServer } from 'ws';
import { deviceWebSocketServer } from './device-socket.ts';
import { type Adopt, FromSocket, type GatewayOptions, type SocketEvent, type SocketOp, ToSocket } from './gateway-protocol.ts';
import { Heartbeat } from './heartbeat.ts';
import { TurnBatch } from './turn-batch.ts';

/** How often sockets holding unsent bytes report how many. */
const BUFFERED_REPORT_MS = 100;

interface Held {
  ws: WebSocket;
  alive: boolean;
  slice: number;
  /** Why it closed, for the core's metrics: '' or 'heartbeatTimeout'. */
  reason: string;
  /** Unsent bytes as last reported to the core. */
  reported: number;
}

/**
 * A device gateway: holds device sockets handed over by the core, completes their handshakes, pings them,
 * and passes frames both ways in batches. It knows nothing of what frames mean, so it needs no database,
 * no fleet and no bus: one more gateway costs sockets' memory, not another replica.
 */
export class Gateway {
  private readonly wss: WebSocketServer;
  private readonly held = new Map<number, Held>();
  private readonly heartbeat = new Heartbeat<Held>(
    (held) => held.ws.ping(),
    (held) => {
      held.reason = 'heartbeatTimeout';
      held.ws.terminate();
    },
  );
  private readonly buffering = new Set<number>();
  /** Events go to the core once per event-loop turn, however many sockets spoke in it. */
  private readonly outbox: TurnBatch<SocketEvent>;
  private reporter: NodeJS.Timeout | null = null;

  constructor(
    private readonly options: GatewayOptions,
    emit: (events: SocketEvent[]) => void,
  ) {
    this.wss = deviceWebSocketServer(options.maxFrameBytes);
    this.outbox = new TurnBatch(emit);
  }

  get size(): number {
    return this.held.size;
  }

  start(): void {
    this.heartbeat.start(this.options.heartbeatMs);
    this.reporter = setInterval(() => this.reportBuffered(), BUFFERED_REPORT_MS);
  }

  stop(): void {
    this.heartbeat.stop();
    if (this.reporter) clearInterval(this.reporter);
    for (const { ws } of this.held.values()) ws.terminate();
  }

  /** A socket from the core, with the handshake it read. */
  adopt(message: Adopt, socket: Socket): void {
    const { id } = message;
    let opened = false;
    socket.once('close', () => {
      if (!opened) this.outbox.push([id, FromSocket.failed]);
    });
    socket.on('error', () => socket.destroy());
    const req = { method: message.method, url: message.url, headers: message.headers, socket };
    try {
      // ws reads only the method, url, headers and socket of the request.
      this.wss.handleUpgrade(req as never, socket, Buffer.from(message.head), (ws) => {
        opened = true;
        this.open(id, ws);
      });
    } catch {
      // Whatever a handshake holds, it costs that socket, never the gateway and its thousands of others.
      socket.destroy();
    }
  }

  /** What the core asks of the sockets. */
  apply(ops: SocketOp[]): void {
    for (const op of ops) {
      const held = this.held.get(op[0]);
      if (!held) continue;
      // A terminate also ends a socket whose closing handshake hangs; everything else needs it open.
      if (op[1] !== ToSocket.terminate && held.ws.readyState !== WebSocket.OPEN) continue;
      switch (op[1]) {
        case ToSocket.send:
          held.ws.send(op[2]);
          break;
        case ToSocket.sendPart:
          held.ws.send(op[2], { binary: false, fin: op[3] });
          break;
        case ToSocket.close:
          held.ws.close(op[2], op[3]);
          break;
        case ToSocket.terminate:
          held.ws.terminate();
          break;
      }
      if (held.ws.bufferedAmount > 0) this.buffering.add(op[0]);
    }
  }

  private open(id: number, ws: WebSocket): void {
    const held: Held = { ws, alive: true, slice: -1, reason: '', reported: 0 };
    this.held.set(id, held);
    this.heartbeat.add(held);
    ws.on('message', (data, isBinary) => {
      held.alive = true;
      // ws hands a Buffer (its default binaryType), as the server's own sockets get: no copy per frame. Text goes
      // as a string (V8 serialises it compactly); binary frames only get refused, but as they came.
      const bytes = data as Buffer;
      this.outbox.push([id, FromSocket.message, isBinary ? bytes : bytes.toString(), isBinary]);
    });
    ws.on('pong', () => {
      held.alive = true;
    });
    ws.on('error', (err: Error & { code?: string }) => this.outbox.push([id, FromSocket.error, err.code ?? 'error']));
    ws.on('close', () => {
      this.held.delete(id);
      this.heartbeat.delete(held);
      this.buffering.delete(id);
      this.outbox.push([id, FromSocket.close, held.reason]);
    });
    this.outbox.push([id, FromSocket.open, ws.protocol]);
  }

  /**
   * Sockets holding unsent bytes say how many; one that drained says 0 once. A socket written to is checked
   * at the next tick (right after a send its bytes are always still counted), most have drained by then and
   * cost no report.
   */
  private reportBuffered(): void {
    for (const id of this.buffering) {
      const held = this.held.get(id);
      const bytes = held?.ws.bufferedAmount ?? 0;
      if (bytes === 0) this.buffering.delete(id);
      if (!held || bytes === held.reported) continue;
      held.reported = bytes;
      this.outbox.push([id, FromSocket.buffered, bytes]);
    }
  }
}
