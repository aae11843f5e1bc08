import type { ErrorReasonName } from '../../protocol/codes.ts';
import type { ParsedCapsFrame, ParsedResultFrame } from '../../protocol/frames.ts';
import type { ResultBatch } from '../commands/result-batch.ts';
import type { Transitions } from '../commands/transitions.ts';
import type { Changes } from '../live/changes.ts';
import type { Fleet } from '../state/fleet.ts';
import type { Db } from '../storage/database.ts';

/**
 * What protocol v2 devices send besides values: CAPS (the commands they accept) and RSLT (what became of
 * a command). Both are answered like UPDT: OK once stored, ERROR with a named reason otherwise.
 */
export class V2Frames {
  constructor(
    private readonly db: Db,
    private readonly fleet: Fleet,
    private readonly changes: Changes,
    private readonly results: ResultBatch,
    private readonly transitions: Transitions,
  ) {}

  /** Stores a device's capabilities; resolves with a refusal, or null once they are durable. */
  async capabilities(frame: ParsedCapsFrame): Promise<ErrorReasonName | null> {
    const device = this.fleet.get(frame.serial);
    if (!device) return 'initFirst';
    // CAPS comes only over protocol v2: the device speaks it.
    await this.db.device.update({
      where: { serial: frame.serial },
      data: { capabilities: JSON.stringify(frame.caps), protocol: 2 },
    });
    this.changes.commitFor(frame.serial, { capabilities: frame.caps, protocol: 2 });
    return null;
  }

  /** A device's report on a command, stored before it is answered. A repeat of a final report is answered OK. */
  async result(frame: ParsedResultFrame): Promise<ErrorReasonName | null> {
    const row = await this.results.submit(Number(frame.cmdid), frame.serial, frame.result);
    if (row === 'unknown') return 'unknownCommand';
    this.transitions.emit([row]);
    return null;
  }
}
