import { ForbiddenError } from '../errors.ts';
import type { Changes } from '../live/changes.ts';
import type { Fleet } from '../state/fleet.ts';
import type { Db } from '../storage/database.ts';
import type { Credentials, TokenInfo } from './credentials.ts';
import { canSee, type Scope } from './viewer.ts';

/**
 * What changes who may see or write for a device: owners, rejection, tokens. Each change is stored,
 * then committed through `Changes` like a frame: applied here and sent to the other instances.
 */
export class DeviceAdmin {
  constructor(
    private readonly db: Db,
    private readonly fleet: Fleet,
    private readonly changes: Changes,
    private readonly credentials: Credentials,
  ) {}

  /** The device's row id, when the scope may manage it. */
  async deviceId(serial: string, scope: Scope): Promise<number> {
    const device = this.fleet.get(serial);
    if (!device || !canSee(scope, device)) throw new ForbiddenError(`no device ${serial} of yours`);
    const row = await this.db.device.findUnique({ where: { serial }, select: { id: true } });
    if (!row) throw new ForbiddenError(`no device ${serial} of yours`);
    return row.id;
  }

  async assign(serial: string, ownerId: number | null): Promise<void> {
    if (!this.fleet.get(serial)) throw new ForbiddenError(`no device ${serial}`);
    await this.db.device.update({ where: { serial }, data: { ownerId } });
    this.changes.commitFor(serial, { owner: ownerId });
  }

  /** The device leaves the fleet and its socket closes; its serial is refused from now on. Its history is kept. */
  async reject(serial: string): Promise<void> {
    await this.db.rejectedSerial.upsert({ where: { serial }, create: { serial, rejectedAt: new Date() }, update: {} });
    this.changes.commitFor(serial, { removed: true });
  }

  async createToken(serial: string, scope: Scope, label: string | null, expiresAt: number | null) {
    const id = await this.deviceId(serial, scope);
    const made = await this.credentials.createToken(id, label, expiresAt);
    if (!this.fleet.locked.has(serial)) this.changes.commitFor(serial, { locked: true });
    return made;
  }

  async tokens(serial: string, scope: Scope): Promise<TokenInfo[]> {
    return this.credentials.tokensOf(await this.deviceId(serial, scope));
  }

  async revokeToken(id: number, scope: Scope): Promise<void> {
    const token = await this.credentials.token(id);
    const device = token ? this.fleet.get(token.serial) : undefined;
    if (!token || (scope.kind === 'owner' && device?.ownerId !== scope.ownerId))
      throw new ForbiddenError(`no token ${id} of yours`);
    await this.credentials.revokeToken(id);
    this.changes.commitFor(token.serial, { revokedToken: id });
  }
}
