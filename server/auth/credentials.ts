import { BadInputError, UnauthenticatedError } from '../errors.ts';
import type { Db } from '../storage/database.ts';
import { hashSecret, MAX_SECRET_LENGTH, newSecret, SECRET_PREFIX } from './secrets.ts';

/** What a device socket proved at connect. */
export type DeviceCredential =
  | { kind: 'none' }
  | { kind: 'token'; tokenId: number; serial: string }
  | { kind: 'enrollment'; keyId: number; ownerId: number };

export interface TokenInfo {
  id: number;
  label: string;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
}

export interface KeyInfo {
  id: number;
  label: string;
  ownerId: number;
  createdAt: number;
  revokedAt: number | null;
}

const LABEL_MAX = 100;
const label = (text: string | null | undefined, fallback: string) => {
  const t = (text ?? '').trim();
  if (t.length > LABEL_MAX) throw new BadInputError(`a label has at most ${LABEL_MAX} characters`);
  return t || fallback;
};

/** Device tokens and enrollment keys: shown once when made, stored as SHA-256. */
export class Credentials {
  constructor(private readonly db: Db) {}

  /** The credential a connecting device presents; throws when it is presented but not valid. */
  async authenticate(secret: string | null): Promise<DeviceCredential> {
    if (secret === null) return { kind: 'none' };
    if (secret.length > MAX_SECRET_LENGTH) throw new UnauthenticatedError('unknown credential');
    const hash = hashSecret(secret);
    if (secret.startsWith(SECRET_PREFIX.deviceToken)) {
      const t = await this.db.deviceToken.findUnique({ where: { tokenHash: hash }, include: { device: true } });
      if (!t || t.revokedAt) throw new UnauthenticatedError('unknown or revoked token');
      if (t.expiresAt && t.expiresAt.getTime() <= Date.now()) throw new UnauthenticatedError('expired token');
      return { kind: 'token', tokenId: t.id, serial: t.device.serial };
    }
    if (secret.startsWith(SECRET_PREFIX.enrollmentKey)) {
      const k = await this.db.enrollmentKey.findUnique({ where: { keyHash: hash } });
      if (!k || k.revokedAt) throw new UnauthenticatedError('unknown or revoked enrollment key');
      return { kind: 'enrollment', keyId: k.id, ownerId: k.ownerId };
    }
    throw new UnauthenticatedError('unknown credential');
  }

  async createToken(
    deviceId: number,
    text: string | null,
    expiresAt: number | null,
  ): Promise<{ secret: string; info: TokenInfo }> {
    if (expiresAt !== null && expiresAt <= Date.now()) throw new BadInputError('the expiry is in the past');
    const secret = newSecret('deviceToken');
    const row = await this.db.deviceToken.create({
      data: {
        tokenHash: hashSecret(secret),
        deviceId,
        label: label(text, 'token'),
        createdAt: new Date(),
        expiresAt: expiresAt === null ? null : new Date(expiresAt),
      },
    });
    return { secret, info: tokenInfo(row) };
  }

  async tokensOf(deviceId: number): Promise<TokenInfo[]> {
    const rows = await this.db.deviceToken.findMany({ where: { deviceId }, orderBy: { id: 'asc' } });
    return rows.map(tokenInfo);
  }

  async token(id: number): Promise<{ id: number; deviceId: number; serial: string; ownerId: number | null } | null> {
    const t = await this.db.deviceToken.findUnique({ where: { id }, include: { device: true } });
    return t ? { id: t.id, deviceId: t.deviceId, serial: t.device.serial, ownerId: t.device.ownerId } : null;
  }

  async revokeToken(id: number): Promise<void> {
    await this.db.deviceToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
  }

  async createKey(ownerId: number, text: string | null): Promise<{ secret: string; info: KeyInfo }> {
    const secret = newSecret('enrollmentKey');
    const row = await this.db.enrollmentKey.create({
      data: { keyHash: hashSecret(secret), ownerId, label: label(text, 'enrollment key'), createdAt: new Date() },
    });
    return { secret, info: keyInfo(row) };
  }

  async keysOf(ownerId: number | null): Promise<KeyInfo[]> {
    const rows = await this.db.enrollmentKey.findMany({ where: ownerId === null ? {} : { ownerId }, orderBy: { id: 'asc' } });
    return rows.map(keyInfo);
  }

  async key(id: number): Promise<KeyInfo | null> {
    const k = await this.db.enrollmentKey.findUnique({ where: { id } });
    return k ? keyInfo(k) : null;
  }

  async revokeKey(id: number): Promise<void> {
    await this.db.enrollmentKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
  }

  /** Whether an enrollment key is still good (the local key file is checked at start). */
  async keyValid(secret: string): Promise<boolean> {
    const k = await this.db.enrollmentKey.findUnique({ where: { keyHash: hashSecret(secret) } });
    return k !== null && k.revokedAt === null;
  }
}

function tokenInfo(t: { id: number; label: string; createdAt: Date; expiresAt: Date | null; revokedAt: Date | null }): TokenInfo {
  return {
    id: t.id,
    label: t.label,
    createdAt: t.createdAt.getTime(),
    expiresAt: t.expiresAt?.getTime() ?? null,
    revokedAt: t.revokedAt?.getTime() ?? null,
  };
}

function keyInfo(k: { id: number; label: string; ownerId: number; createdAt: Date; revokedAt: Date | null }): KeyInfo {
  return {
    id: k.id,
    label: k.label,
    ownerId: k.ownerId,
    createdAt: k.createdAt.getTime(),
    revokedAt: k.revokedAt?.getTime() ?? null,
  };
}
