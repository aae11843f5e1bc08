import { PEER_LIMITS, type PeerCondition, type PeerFrame } from '../protocol/peers.ts';
import type { Scalar } from '../protocol/values.ts';

/** What `device.watch` asks for: the same conditions as the `devices` query, within the device's owner's devices. */
export interface WatchOptions {
  /** Conditions, and-ed, e.g. `[{ field: 'battery', op: 'LT', value: '20' }]`. Default: every device of the owner. */
  where?: PeerCondition[];
  /** Only these parameters (presence always comes). Default: every parameter. */
  params?: string[];
  /** At most one frame of changes per this many ms (100 to 60000). Default 1000. */
  intervalMs?: number;
}

/** A peer as the device knows it: its latest values and the server's word on its presence. */
export interface PeerState {
  values: Record<string, Scalar>;
  online: boolean;
  lastSeen: number | null;
}

/** What one PEER frame (or the last page of a snapshot) changed. */
export interface PeerChange {
  /** The map was replaced: a first snapshot, or a resume the server could not serve. */
  snapshot: boolean;
  /** Peers that entered or changed. */
  changed: string[];
  /** Peers that left (another owner, the filter no longer matches, rejected). */
  left: string[];
}

export type PeerListener = (change: PeerChange, peers: ReadonlyMap<string, PeerState>) => void;

function stateOf(entry: Record<string, unknown>, known: PeerState | undefined): PeerState {
  const state: PeerState = known
    ? { values: { ...known.values }, online: known.online, lastSeen: known.lastSeen }
    : { values: Object.create(null) as Record<string, Scalar>, online: false, lastSeen: null };
  for (const [name, value] of Object.entries(entry)) {
    if (name === 'online') state.online = value === true;
    else if (name === 'lastSeen') state.lastSeen = typeof value === 'number' ? value : null;
    else state.values[name] = value as Scalar;
  }
  return state;
}

/**
 * A device's live map of its peers, kept from PEER frames: snapshots replace it (once their last page is in),
 * changes merge into it. It remembers the `seq` of the last whole frame, to resume from after a reconnect.
 */
export class PeerWatch {
  readonly peers = new Map<string, PeerState>();
  /** The seq to resume from: the last frame applied that finished a snapshot or a batch; null before the first. */
  resumeSeq: number | null = null;
  private incoming: Map<string, PeerState> | null = null;
  private incomingChanged: string[] = [];

  constructor(
    readonly options: Required<Pick<WatchOptions, 'intervalMs'>> & WatchOptions,
    private readonly listener: PeerListener,
  ) {
    if (options.intervalMs < PEER_LIMITS.minIntervalMs || options.intervalMs > PEER_LIMITS.maxIntervalMs)
      throw new RangeError(`intervalMs must be ${PEER_LIMITS.minIntervalMs} to ${PEER_LIMITS.maxIntervalMs}`);
  }

  /** The SUBS body for now: with `since` once there is something to resume. */
  request(): { where: PeerCondition[]; params: string[] | null; since: number | null; intervalMs: number } {
    return {
      where: this.options.where ?? [],
      params: this.options.params ?? null,
      since: this.resumeSeq,
      intervalMs: this.options.intervalMs,
    };
  }

  /** Applies one PEER frame; the listener hears of it once a snapshot is whole. */
  apply(frame: PeerFrame): void {
    const { body } = frame;
    if (body.snapshot) {
      this.incoming ??= new Map();
      for (const [serial, entry] of Object.entries(body.devices)) {
        this.incoming.set(serial, stateOf(entry, this.incoming.get(serial)));
        this.incomingChanged.push(serial);
      }
      for (const serial of body.left) this.incoming.delete(serial);
      if (body.more) return;
      const left = [...this.peers.keys()].filter((s) => !this.incoming?.has(s));
      this.peers.clear();
      for (const [serial, state] of this.incoming) this.peers.set(serial, state);
      const changed = this.incomingChanged;
      this.incoming = null;
      this.incomingChanged = [];
      this.resumeSeq = frame.seq;
      this.listener({ snapshot: true, changed: [...new Set(changed)], left }, this.peers);
      return;
    }
    const changed: string[] = [];
    for (const [serial, entry] of Object.entries(body.devices)) {
      this.peers.set(serial, stateOf(entry, this.peers.get(serial)));
      changed.push(serial);
    }
    const left = body.left.filter((serial) => this.peers.delete(serial));
    if (!body.more) this.resumeSeq = frame.seq;
    if (changed.length > 0 || left.length > 0) this.listener({ snapshot: false, changed, left }, this.peers);
  }

  /** A snapshot cut short by a lost connection is dropped: the server sends it again. */
  disconnected(): void {
    this.incoming = null;
    this.incomingChanged = [];
  }
}
