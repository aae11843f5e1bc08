import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { type RawData, WebSocket, type WebSocketServer } from 'ws';
import { CloseCode, ErrorReason, type ErrorReasonName } from '../../protocol/codes.ts';
import {
  formatAck,
  formatError,
  formatWelcome,
  type ParsedCapsFrame,
  type ParsedPeersFrame,
  type ParsedResultFrame,
  parseAnyFrame,
} from '../../protocol/frames.ts';
import { type ProtocolVersion, V2_SUBPROTOCOL } from '../../protocol/v2.ts';
import type { Credentials, DeviceCredential } from '../auth/credentials.ts';
import type { Config } from '../config.ts';
import { UnauthenticatedError } from '../errors.ts';
import { bearerOf, type Presented } from '../http/bearer.ts';
import type { Changes } from '../live/changes.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import type { PeerChannel } from '../peers/peer-channel.ts';
import type { PeerSink } from '../peers/peer-subscription.ts';
import type { DeviceChange, Fleet } from '../state/fleet.ts';
import { type DeviceSocket, deviceWebSocketServer, type SocketHandlers } from './device-socket.ts';
import type { Gateways } from './gateways.ts';
import { Heartbeat } from './heartbeat.ts';
import type { AnswerSink, Ingest } from './ingest.ts';
import type { TrafficLog } from './traffic-log.ts';
import type { V2Frames } from './v2-frames.ts';

export type DeviceServerConfig = Pick<
  Config,
  'maxFrameBytes' | 'maxFramesPerSecond' | 'maxStringBytes' | 'heartbeatMs' | 'deviceAuth'
>;

/** A device's credential: `Authorization: Bearer <secret>`, or `?token=<secret>` for clients that cannot set headers. */
export function secretOf(req: IncomingMessage): Presented {
  const presented = bearerOf(req.headers);
  if (presented.kind !== 'none') return presented;
  const query = new URL(req.url ?? '/', 'http://x').searchParams.get('token');
  return query ? { kind: 'secret', secret: query } : { kind: 'none' };
}

export interface DeviceServerDeps {
  config: DeviceServerConfig;
  fleet: Fleet;
  credentials: Credentials;
  ingest: Ingest;
  traffic: TrafficLog;
  metrics: Metrics;
  log: Logger;
  /** Committed changes, for the sockets they concern (revoked tokens, rejected devices). */
  changes: Changes;
  /** CAPS and RSLT of protocol v2 devices. */
  v2: V2Frames;
  /** SUBS and UNSB of protocol v2 devices: the IoT channel. */
  peers: PeerChannel;
  /** A socket here now speaks for this serial (commands waiting for it are sent). */
  bound?: (serial: string) => void;
  /** DEVICE_GATEWAYS: sockets are held by gateway processes, which also ping them. */
  gateways?: Gateways;
}

/** How long a closing socket waits for the answers of its frames in flight before it closes anyway. */
const ANSWER_WAIT_MS = 30_000;

/** One device socket: rate budget, liveness, the serials it speaks for, and its frames in flight. */
class Connection implements AnswerSink, PeerSink {
  readonly serials = new Set<string>();
  alive = true;
  tokens: number;
  refilled = performance.now();
  /** Frames admitted on this socket and not answered yet. */
  unanswered = 0;
  /** Set once the socket is to close: it reads no more frames, and closes once every admitted one is answered. */
  closing: { code: number; reason: string } | null = null;
  /** Resolved when the socket is gone. */
  readonly closed: Promise<void>;
  gone!: () => void;

  /** Its heartbeat slice; -1 when a gateway pings this socket. */
  slice = -1;

  constructor(
    readonly ws: DeviceSocket,
    readonly peer: string,
    burst: number,
    readonly credential: DeviceCredential,
  ) {
    this.tokens = burst;
    this.version = ws.protocol === V2_SUBPROTOCOL ? 2 : 1;
    this.closed = new Promise((resolve) => {
      this.gone = resolve;
    });
  }

  /** v1 devices only ever receive answers to their own frames; v2 devices may also receive commands. */
  readonly version: ProtocolVersion;

  send(text: string): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(text);
  }

  sendParts(parts: readonly Buffer[]): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    const last = parts.length - 1;
    parts.forEach((part, i) => {
      this.ws.send(part, { binary: false, fin: i === last });
    });
  }

  get buffered(): number {
    return this.ws.bufferedAmount;
  }

  answer(text: string): void {
    this.send(text);
    this.unanswered--;
    if (this.closing && this.unanswered === 0) this.ws.close(this.closing.code, this.closing.reason);
  }

  /**
   * Closes once every frame admitted on this socket is answered, so nothing stored goes unanswered (the
   * device would send it again and store it twice). Frames that arrive meanwhile are neither stored nor answered.
   */
  closeWhenAnswered(code: number, reason: string): void {
    if (this.closing) return;
    this.closing = { code, reason };
    if (this.unanswered === 0) this.ws.close(code, reason);
    else setTimeout(() => this.ws.close(code, reason), ANSWER_WAIT_MS).unref();
  }
}

/** Device ingress at /update/: welcome, parse, admit, answer; floods and oversize frames close the socket. */
export class DeviceServer {
  private readonly wss: WebSocketServer;
  private readonly connections = new Set<Connection>();
  /** Pings the sockets held here (a gateway pings its own). */
  private readonly heartbeat: Heartbeat<Connection>;
  /** Which socket speaks for a serial; a newer socket replaces an older one. */
  private readonly bindings = new Map<string, Connection>();
  private readonly welcome = formatWelcome();

  private readonly config: DeviceServerConfig;
  private readonly fleet: Fleet;
  private readonly credentials: Credentials;
  private readonly ingest: Ingest;
  private readonly traffic: TrafficLog;
  private readonly metrics: Metrics;
  private readonly log: Logger;
  private readonly v2: V2Frames;
  private readonly peers: PeerChannel;
  private readonly bound: ((serial: string) => void) | undefined;
  private readonly gateways: Gateways | undefined;

  constructor(deps: DeviceServerDeps) {
    ({
      config: this.config,
      fleet: this.fleet,
      credentials: this.credentials,
      ingest: this.ingest,
      traffic: this.traffic,
      metrics: this.metrics,
      log: this.log,
      v2: this.v2,
      peers: this.peers,
      bound: this.bound,
      gateways: this.gateways,
    } = deps);
    const { config, changes } = deps;
    changes.onControl((change) => this.control(change));
    this.wss = deviceWebSocketServer(config.maxFrameBytes);
    this.heartbeat = new Heartbeat<Connection>(
      (conn) => conn.ws.ping(),
      (conn) => {
        this.metrics.closes.inc({ reason: 'heartbeatTimeout' });
        conn.ws.terminate();
      },
    );
  }

  /** The serials whose sockets this instance holds. */
  boundSerials(): Iterable<string> {
    return this.bindings.keys();
  }

  /** The protocol of the socket this instance holds for a serial, or null. */
  versionOf(serial: string): ProtocolVersion | null {
    const conn = this.bindings.get(serial);
    return conn && !conn.closing ? conn.version : null;
  }

  /** Sends an unasked frame (a command) to a serial's socket here: v2 sockets only, never v1. */
  sendTo(serial: string, text: string): boolean {
    const conn = this.bindings.get(serial);
    if (conn?.version !== 2 || conn.closing || conn.ws.readyState !== WebSocket.OPEN) return false;
    conn.ws.send(text);
    return true;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Checks the credential before the WebSocket exists: a bad one gets HTTP 401 and no socket. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const presented = secretOf(req);
    const refuse = (why: string) => {
      this.metrics.closes.inc({ reason: 'unauthorized' });
      this.log.info({ peer: req.socket.remoteAddress, why }, 'device connection refused');
      socket.end(`HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${why}\n`);
    };
    if (presented.kind === 'malformed') {
      refuse('malformed Authorization header: send "Bearer <token>"');
      return;
    }
    if (presented.kind === 'none' && this.config.deviceAuth === 'required') {
      refuse('a device token or enrollment key is required');
      return;
    }
    const peer = `${req.socket.remoteAddress}:${req.socket.remotePort}`;
    this.credentials.authenticate(presented.kind === 'secret' ? presented.secret : null).then(
      (credential) => {
        if (!this.gateways) {
          this.wss.handleUpgrade(req, socket, head, (ws) => this.wireLocal(ws, this.onConnection(ws, peer, credential, true)));
          return;
        }
        // Handed over with the handshake still to answer: the gateway holds the socket from now on.
        const adopted = this.gateways.adopt(req, socket as Socket, head, (remote) =>
          this.onConnection(remote, peer, credential, false),
        );
        if (!adopted) {
          this.metrics.closes.inc({ reason: 'gatewaysFull' });
          socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 5\r\n\r\n');
        }
      },
      (err: Error) => {
        if (err instanceof UnauthenticatedError) refuse(err.message);
        else {
          this.log.error({ err }, 'checking a device credential failed');
          socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
        }
      },
    );
  }

  /** Revoked tokens and rejected devices: their sockets close at once. */
  private control(change: DeviceChange): void {
    for (const conn of this.connections) {
      const revoked =
        change.revokedToken !== undefined && conn.credential.kind === 'token' && conn.credential.tokenId === change.revokedToken;
      const rejected = change.removed && conn.serials.has(change.serial);
      if (revoked || rejected)
        conn.closeWhenAnswered(CloseCode.credentialsRevoked, revoked ? 'token revoked' : 'device rejected');
    }
  }

  /**
   * Whether this connection may write for this serial; an enrolled new device gets its owner. A device that
   * has ever written with a credential (or has a token) belongs to it: an anonymous socket may speak only for
   * serials that never had one, so it can neither write for a claimed device nor replace its socket.
   */
  private authorize(conn: Connection, serial: string): { refusal: ErrorReasonName } | { owner?: number; credentialed?: true } {
    if (this.fleet.rejected.has(serial)) return { refusal: 'rejected' };
    const cred = conn.credential;
    const device = this.fleet.get(serial);
    switch (cred.kind) {
      case 'token':
        return cred.serial === serial ? { credentialed: true } : { refusal: 'notAuthorized' };
      case 'enrollment':
        if (!device) return { owner: cred.ownerId, credentialed: true };
        return device.ownerId === cred.ownerId && !this.fleet.locked.has(serial)
          ? { credentialed: true }
          : { refusal: 'notAuthorized' };
      default:
        // Old devices cannot send credentials: they keep working as long as their serial never had one.
        return this.fleet.locked.has(serial) || this.fleet.claimed.has(serial) ? { refusal: 'unauthorized' } : {};
    }
  }

  /** Pings every socket held here once per interval; one that sent nothing since its previous ping is closed. */
  startHeartbeat(): void {
    this.heartbeat.start(this.config.heartbeatMs);
  }

  /** Closes every device socket (shutdown: 1001) and waits until they are gone. */
  async closeAll(code: number, reason: string): Promise<void> {
    this.heartbeat.stop();
    const closed = [...this.connections].map((conn) => {
      conn.ws.close(code, reason);
      setTimeout(() => conn.ws.terminate(), 2000).unref();
      return conn.closed;
    });
    await Promise.all(closed);
    this.wss.close();
  }

  /** A socket opened (here or in a gateway): its connection, and where its events go. */
  private onConnection(ws: DeviceSocket, peer: string, credential: DeviceCredential, local: boolean): SocketHandlers {
    const conn = new Connection(ws, peer, this.config.maxFramesPerSecond, credential);
    this.connections.add(conn);
    if (local) this.heartbeat.add(conn);
    this.metrics.connections.inc();
    ws.send(this.welcome);
    return {
      message: (data, isBinary) => this.onMessage(conn, data, isBinary),
      error: (code) => {
        // The socket closes itself (1009 for an oversized frame, 1007 for bad UTF-8; a missed ping in a gateway).
        this.metrics.closes.inc({ reason: code });
        this.log.debug({ peer, code }, 'device socket error');
      },
      pong: () => {
        conn.alive = true;
      },
      close: () => this.onClose(conn),
    };
  }

  /** The events of a socket held here. */
  private wireLocal(ws: WebSocket, handlers: SocketHandlers): void {
    ws.on('message', (data, isBinary) => handlers.message(data as Buffer, isBinary));
    ws.on('pong', () => handlers.pong());
    ws.on('error', (err: Error & { code?: string }) => handlers.error(err.code ?? 'error'));
    ws.on('close', () => handlers.close());
  }

  private onMessage(conn: Connection, data: RawData | string, isBinary: boolean): void {
    const now = performance.now();
    conn.alive = true;
    if (conn.closing) return;
    const rate = this.config.maxFramesPerSecond;
    conn.tokens = Math.min(rate, conn.tokens + ((now - conn.refilled) * rate) / 1000);
    conn.refilled = now;
    if (conn.tokens < 1) {
      this.metrics.closes.inc({ reason: 'flood' });
      this.log.warn({ peer: conn.peer, serials: [...conn.serials] }, 'device flooding; closing its socket');
      conn.closeWhenAnswered(CloseCode.policyViolation, `more than ${rate} frames per second`);
      return;
    }
    conn.tokens -= 1;
    this.metrics.frames.inc();
    if (isBinary) {
      this.refuse(conn, null, 'notText');
      return;
    }
    const text = data.toString();
    this.traffic.frame(text);
    const frame = parseAnyFrame(text, this.config, conn.version);
    if (!frame.ok) {
      this.refuse(conn, frame.head, frame.reason);
      return;
    }
    const allowed = this.authorize(conn, frame.serial);
    if ('refusal' in allowed) {
      this.refuse(conn, frame.head, allowed.refusal);
      return;
    }
    if (frame.type === 'RSLT' || frame.type === 'CAPS') {
      this.v2Frame(conn, frame);
      return;
    }
    if ('subscription' in frame) {
      this.peersFrame(conn, frame);
      return;
    }
    const refusal = this.ingest.admit(frame, conn, Date.now(), allowed.owner, allowed.credentialed === true);
    if (refusal) {
      this.refuse(conn, frame.head, refusal);
      return;
    }
    conn.unanswered++;
    this.bind(frame.serial, conn);
  }

  /** CAPS and RSLT: answered, like every frame, once what they say is stored (or refused). */
  private v2Frame(conn: Connection, frame: ParsedResultFrame | ParsedCapsFrame): void {
    conn.unanswered++;
    const handled = frame.type === 'CAPS' ? this.v2.capabilities(frame) : this.v2.result(frame);
    handled.then(
      (refusal) => {
        if (refusal) {
          this.metrics.errors.inc({ reason: refusal });
          conn.answer(formatError(frame.head, ErrorReason[refusal]));
        } else conn.answer(formatAck(frame.head));
      },
      (err: Error) => {
        this.log.error({ err: err.message, type: frame.type }, 'storing a v2 frame failed');
        conn.answer(formatError(frame.head, ErrorReason.storageFailed));
      },
    );
  }

  /** SUBS and UNSB: answered at once (nothing is stored); a subscription's first PEER frames follow its OK. */
  private peersFrame(conn: Connection, frame: ParsedPeersFrame): void {
    if (frame.subscription === null) this.peers.unsubscribe(conn);
    else {
      const refusal = this.peers.subscribe(conn, frame.serial, frame.subscription);
      if (refusal) {
        this.refuse(conn, frame.head, refusal);
        return;
      }
    }
    this.metrics.acks.inc({ result: 'ok' });
    conn.send(formatAck(frame.head));
    if (frame.subscription !== null) this.peers.begin(conn);
  }

  private refuse(conn: Connection, head: string | null, reason: ErrorReasonName): void {
    this.metrics.errors.inc({ reason });
    this.metrics.acks.inc({ result: 'error' });
    conn.send(formatError(head, ErrorReason[reason]));
  }

  private bind(serial: string, conn: Connection): void {
    const previous = this.bindings.get(serial);
    if (previous === conn) return;
    this.bindings.set(serial, conn);
    conn.serials.add(serial);
    this.bound?.(serial);
    if (!previous) return;
    previous.serials.delete(serial);
    if (previous.serials.size === 0) {
      this.metrics.closes.inc({ reason: 'replaced' });
      previous.closeWhenAnswered(CloseCode.replaced, 'replaced by a newer connection of the same device');
    }
  }

  private onClose(conn: Connection): void {
    this.peers.unsubscribe(conn);
    this.connections.delete(conn);
    this.heartbeat.delete(conn);
    this.metrics.connections.dec();
    conn.gone();
    for (const serial of conn.serials) {
      if (this.bindings.get(serial) !== conn) continue;
      this.bindings.delete(serial);
      this.ingest.offline(serial);
    }
  }
}
