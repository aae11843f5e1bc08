import { type CommandCapability, type CommandFrame, FINAL_STATUSES, type ResultBody, SET_COMMAND } from '../protocol/v2.ts';
import { DEFAULT_LIMITS, nameProblem, type Scalar, valueProblem } from '../protocol/values.ts';

/** What a command handler gets besides its args. */
export interface CommandContext {
  cmdid: string;
  /**
   * Reports progress (0 to 100) of a long handler, with an optional stage (`update` reports downloading,
   * downloaded, verified, installing: deployments show them); the newest report wins.
   */
  progress(percent: number, stage?: string): void;
}

/** Runs a command; its return value is the result, a thrown error makes it `failed` with the message. */
export type CommandHandler = (args: Record<string, unknown>, context: CommandContext) => unknown;

export interface CommandEvent {
  cmdid: string;
  name: string;
  status: ResultBody['status'];
}

/** What the runner needs of its device. */
export interface CommandHost {
  /** Sends a report (RSLT) about a command. */
  report(cmdid: string, body: ResultBody): void;
  emit(event: CommandEvent): void;
  /** Applies values (the built-in `set`). */
  set(values: Record<string, Scalar>): void;
}

/** How many commands are remembered, so a command resent after a reconnect is never run twice. */
const REMEMBERED_COMMANDS = 1000;

/**
 * A device's commands (protocol v2): the handlers it registered, the built-in `set`, and the newest report
 * of every command seen (a command sent again after a reconnect is answered with it, never run twice).
 */
export class CommandRunner {
  private readonly handlers = new Map<string, { handler: CommandHandler; capability: CommandCapability }>();
  private readonly reports = new Map<string, ResultBody>();

  constructor(
    private readonly host: CommandHost,
    private readonly settable?: (name: string, value: Scalar) => true | string,
  ) {}

  add(capability: CommandCapability, handler: CommandHandler): void {
    this.handlers.set(capability.name, { handler, capability });
  }

  get size(): number {
    return this.handlers.size;
  }

  capabilities(): CommandCapability[] {
    return [...this.handlers.values()].map((h) => h.capability);
  }

  /** Records the newest report of a command (bounded: the oldest are forgotten). */
  remember(cmdid: string, body: ResultBody): void {
    this.reports.set(cmdid, body);
    if (this.reports.size > REMEMBERED_COMMANDS) this.reports.delete(this.reports.keys().next().value as string);
  }

  /** A CMND for this device: answered with what is known when seen before, else run (or refused). */
  handle(command: CommandFrame): void {
    const known = this.reports.get(command.cmdid);
    if (known) {
      // Sent again after a reconnect: answered with what is known, never run twice.
      this.host.report(command.cmdid, known);
      return;
    }
    this.host.report(command.cmdid, { status: 'received' });
    this.host.emit({ cmdid: command.cmdid, name: command.name, status: 'received' });
    const finish = (body: ResultBody) => {
      this.host.report(command.cmdid, body);
      this.host.emit({ cmdid: command.cmdid, name: command.name, status: body.status });
    };
    const args = (typeof command.args === 'object' && command.args !== null ? command.args : {}) as Record<string, unknown>;
    if (command.name === SET_COMMAND) {
      finish(this.applySet(args));
      return;
    }
    const entry = this.handlers.get(command.name);
    if (!entry) {
      finish({ status: 'rejected', error: `this device has no command "${command.name}"` });
      return;
    }
    const context: CommandContext = {
      cmdid: command.cmdid,
      progress: (percent, stage) => {
        const current = this.reports.get(command.cmdid);
        if (current && FINAL_STATUSES.has(current.status)) return;
        const body: ResultBody = { status: 'progress', percent: Math.max(0, Math.min(100, percent)) };
        if (stage !== undefined) body.result = { stage };
        this.host.report(command.cmdid, body);
      },
    };
    Promise.resolve()
      .then(() => entry.handler(args, context))
      .then(
        (result) => finish(result === undefined ? { status: 'succeeded' } : { status: 'succeeded', result }),
        (err: unknown) => finish({ status: 'failed', error: String(err instanceof Error ? err.message : err).slice(0, 1024) }),
      );
  }

  /** The built-in `set`: every value checked first; all applied, or none. */
  private applySet(args: Record<string, unknown>): ResultBody {
    const values = args.values;
    if (typeof values !== 'object' || values === null || Array.isArray(values))
      return { status: 'rejected', error: 'set takes {"values": {name: value}}' };
    for (const [name, value] of Object.entries(values)) {
      if (nameProblem(name) || valueProblem(value, DEFAULT_LIMITS)) return { status: 'rejected', error: `cannot set ${name}` };
      const verdict = this.settable?.(name, value as Scalar) ?? true;
      if (verdict !== true) return { status: 'rejected', error: `${name}: ${verdict}` };
    }
    this.host.set(values as Record<string, Scalar>);
    return { status: 'succeeded', result: { values } };
  }
}
