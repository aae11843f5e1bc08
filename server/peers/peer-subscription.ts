import { PEER_FRAME_TAIL, peerFrameHead, type Subscription } from '../../protocol/peers.ts';
import type { ProtocolVersion } from '../../protocol/v2.ts';
import type { Cohort } from './feed.ts';
import type { Projection } from './peer-payload.ts';

/** A device socket, as the IoT channel sees it. */
export interface PeerSink {
  readonly version: ProtocolVersion;
  /**
   * Sends one text message in parts (WebSocket fragments, reassembled by every client library): the pages
   * shared by every subscriber go out as they are, never copied per subscriber.
   */
  sendParts(parts: readonly Buffer[]): void;
  /** Bytes written to the socket and not yet sent. */
  readonly buffered: number;
}

/**
 * Whose devices a subscription reads: its device's owner's. Unclaimed devices read the other unclaimed ones
 * only in lab mode (AUTH=off); otherwise (a device that lost its owner) nothing.
 */
export interface PeerScope {
  key: string;
  /** undefined: nobody's devices. */
  owner: number | null | undefined;
}

export const NOBODY: PeerScope = { key: 'nobody', owner: undefined };

export function scopeSees(scope: PeerScope, device: { ownerId: number | null }): boolean {
  return scope.owner !== undefined && device.ownerId === scope.owner;
}

const TAIL = Buffer.from(PEER_FRAME_TAIL);

/** One device's subscription: where it stands (its `seq`, and up to when it has the changes). */
export class PeerSubscription {
  seq = 0;
  /** This instance's clock when the last payload it received in full was taken; null: it needs a snapshot. */
  cursor: number | null = null;
  /** The subscribers it ticks with (its feed's, with its params and interval); null once it ended. */
  cohort: Cohort | null = null;

  constructor(
    readonly sink: PeerSink,
    readonly serial: string,
    readonly request: Subscription,
    public scope: PeerScope,
    readonly projection: Projection,
  ) {
    // A resumed subscription goes on counting from where the device was.
    if (request.since !== null) this.seq = request.since;
  }

  /**
   * Sends pages (encoded once for every subscriber) as PEER frames (head, page, tail); `takenAt` is what they
   * are up to date with. Per subscriber only the head (seq and serial) is new: no copy, no encoding of the page.
   */
  send(pages: readonly Buffer[], takenAt: number, now: number): number {
    for (const page of pages) {
      this.seq = Math.max(this.seq + 1, now);
      this.sink.sendParts([Buffer.from(peerFrameHead(this.seq, this.serial)), page, TAIL]);
    }
    this.cursor = takenAt;
    return pages.length;
  }
}
