import { type Capabilities, formatCapabilities, formatResult, type ResultBody } from '../protocol/v2.ts';
import type { Scalar } from '../protocol/values.ts';

/** The one frame of a device waiting for its answer. */
export interface InFlight {
  msgid: string;
  head: string;
  text: string;
  values: Record<string, Scalar>;
  sentAt: number;
  /** A RSLT or CAPS frame (no values). */
  control?: true;
  /** Values observed while offline, sent from the buffer with their observation time. */
  buffered?: true;
}

/** A v2 frame waiting to be sent; answered like a value frame. */
export interface Control {
  head: string;
  text: string;
  /** The cmdid of a RSLT (a newer report for it replaces a queued one), or null for CAPS. */
  cmdid: string | null;
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
