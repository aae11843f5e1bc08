import { formatSubscribe, formatUnsubscribe, type Subscription } from '../protocol/peers.ts';
import { type Capabilities, formatCapabilities, formatResult, type ResultBody } from '../protocol/v2.ts';
import type { Scalar } from '../protocol/values.ts';

/** The one frame of a device waiting for its answer. */
export interface InFlight {
  msgid: string;
  head: string;
  text: string;
  values: Record<string, Scalar>;
  sentAt: number;
  /** A RSLT, CAPS, SUBS or UNSB frame (no values). */
  control?: true;
  /** A SUBS or UNSB: never sent again on a new connection (the device subscribes afresh, with a newer since). */
  peers?: true;
  /** Values observed while offline, sent from the buffer with their observation time. */
  buffered?: true;
}

/** A v2 frame waiting to be sent; answered like a value frame. */
export interface Control {
  head: string;
  text: string;
  /** The cmdid of a RSLT (a newer report for it replaces a queued one), or null for CAPS. */
  cmdid: string | null;
  /** SUBS or UNSB. */
  peers?: true;
}

/** Protocol v2 frames of one device waiting for their turn: they go before values, one in flight at a time. */
export class Outbox {
  private readonly queue: Control[] = [];

  constructor(private readonly serial: string) {}

  get length(): number {
    return this.queue.length;
  }

  shift(): Control | undefined {
    return this.queue.shift();
  }

  /** Puts a frame back at the front (sent, but not answered before the connection was lost). */
  again(head: string, text: string): void {
    this.queue.unshift({ head, text, cmdid: null });
  }

  /** SUBS (a queued SUBS or UNSB is replaced: only the newest wish counts). */
  subscribe(msgid: string, sub: Subscription): void {
    this.dropPeers();
    this.queue.push({
      head: `${msgid}:${this.serial}`,
      text: formatSubscribe(msgid, this.serial, sub),
      cmdid: null,
      peers: true,
    });
  }

  unsubscribe(msgid: string): void {
    this.dropPeers();
    this.queue.push({ head: `${msgid}:${this.serial}`, text: formatUnsubscribe(msgid, this.serial), cmdid: null, peers: true });
  }

  /** Forgets queued SUBS and UNSB (a new connection subscribes afresh). */
  dropPeers(): void {
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i]?.peers) this.queue.splice(i, 1);
  }

  capabilities(msgid: string, caps: Capabilities): void {
    this.queue.push({ head: `${msgid}:${this.serial}`, text: formatCapabilities(msgid, this.serial, caps), cmdid: null });
  }

  /** A report on a command; a newer one replaces a queued one of the same command (progress piles up otherwise). */
  result(cmdid: string, body: ResultBody): void {
    const control = { head: `${cmdid}:${this.serial}`, text: formatResult(cmdid, this.serial, body), cmdid };
    const queued = this.queue.findIndex((c) => c.cmdid === cmdid);
    if (queued >= 0) this.queue[queued] = control;
    else this.queue.push(control);
  }
}
