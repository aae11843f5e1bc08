import { BadInputError, ForbiddenError } from '../errors.ts';
import type { Db } from '../storage/database.ts';
import { MINUTE_MS } from '../time.ts';
import { hashSecret, MAX_SECRET_LENGTH, newSecret, SECRET_PREFIX } from './secrets.ts';
import type { Role, Viewer } from './viewer.ts';

/** What a personal API token may do: `read` (queries, subscriptions, export), `write` (mutations). */
export type ApiScope = 'read' | 'write';
export const API_SCOPES: readonly ApiScope[] = ['read', 'write'];

export interface ApiTokenInfo {
  id: number;
  label: string;
  scopes: ApiScope[];
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

/** A script that presented a valid token: it acts as the token's user, within the token's scopes. */
export interface TokenIdentity {
  viewer: Viewer;
  scopes: ReadonlySet<ApiScope>;
  tokenHash: string;
}

/** Bounds (documented in docs/accounts.md). */
export const API_TOKEN_LIMITS = { labelChars: 100, perUser: 50, maxDays: 3650 } as const;
/** How long a token read from the database is trusted before it is read again (revocations elsewhere). */
const CACHE_MS = 10_000;
const CACHE_MAX = 10_000;

type Row = {
  id: number;
  label: string;
  scopes: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
};

const info = (r: Row): ApiTokenInfo => ({
  id: r.id,
  label: r.label,
  scopes: r.scopes.split(' ').filter((s): s is ApiScope => API_SCOPES.includes(s as ApiScope)),
  createdAt: r.createdAt.getTime(),
  expiresAt: r.expiresAt?.getTime() ?? null,
  revokedAt: r.revokedAt?.getTime() ?? null,
  lastUsedAt: r.lastUsedAt?.getTime() ?? null,
});

/** Personal API tokens (`sos_p_…`) for scripts, CI and notebooks: shown once, stored as SHA-256. */
export class ApiTokens {
  private readonly cache = new Map<string, { identity: TokenIdentity | null; readAt: number; expiresAt: number }>();
  private readonly revokeListeners = new Set<(tokenHash: string) => void>();

  constructor(private readonly db: Db) {}

  async create(viewer: Viewer, text: string | null, scopes: readonly ApiScope[], expiresAt: number | null) {
    const label = (text ?? '').trim() || 'script';
    if (label.length > API_TOKEN_LIMITS.labelChars)
      throw new BadInputError(`a label has at most ${API_TOKEN_LIMITS.labelChars} characters`);
    const wanted = [...new Set(scopes)];
    if (wanted.length === 0) throw new BadInputError('a token needs at least one scope: read, write');
    if (expiresAt !== null && expiresAt <= Date.now()) throw new BadInputError('the expiry is in the past');
    const live = await this.db.apiToken.count({ where: { userId: viewer.id, revokedAt: null } });
    if (live >= API_TOKEN_LIMITS.perUser)
      throw new BadInputError(`at most ${API_TOKEN_LIMITS.perUser} live tokens per user: revoke one first`);
    const secret = newSecret('apiToken');
    const row = await this.db.apiToken.create({
      data: {
        tokenHash: hashSecret(secret),
        userId: viewer.id,
        label,
        scopes: API_SCOPES.filter((s) => wanted.includes(s)).join(' '),
        createdAt: new Date(),
        expiresAt: expiresAt === null ? null : new Date(expiresAt),
      },
    });
    return { secret, info: info(row) };
  }

  async list(userId: number): Promise<ApiTokenInfo[]> {
    return (await this.db.apiToken.findMany({ where: { userId }, orderBy: { id: 'asc' } })).map(info);
  }

  /** Its owner may revoke a token, and an admin any token. Its open subscriptions on this instance end. */
  async revoke(id: number, viewer: Viewer): Promise<void> {
    const row = await this.db.apiToken.findUnique({ where: { id } });
    if (!row || (row.userId !== viewer.id && viewer.role !== 'admin')) throw new ForbiddenError(`no token ${id} of yours`);
    if (!row.revokedAt) await this.db.apiToken.update({ where: { id }, data: { revokedAt: new Date() } });
    this.cache.delete(row.tokenHash);
    for (const listener of this.revokeListeners) listener(row.tokenHash);
  }

  /** Revokes every live token of a user (disabled, demoted or deleted); their subscriptions here end. */
  async revokeAllOf(userId: number): Promise<void> {
    const rows = await this.db.apiToken.findMany({ where: { userId, revokedAt: null }, select: { tokenHash: true } });
    await this.db.apiToken.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date() } });
    for (const { tokenHash } of rows) {
      this.cache.delete(tokenHash);
      for (const listener of this.revokeListeners) listener(tokenHash);
    }
  }

  onRevoke(listener: (tokenHash: string) => void): void {
    this.revokeListeners.add(listener);
  }

  static looksLikeOne(secret: string): boolean {
    return secret.startsWith(SECRET_PREFIX.apiToken) && secret.length <= MAX_SECRET_LENGTH;
  }

  /** The identity behind a token, or null (unknown, revoked or expired). */
  async authenticate(secret: string): Promise<TokenIdentity | null> {
    if (!ApiTokens.looksLikeOne(secret)) return null;
    const hash = hashSecret(secret);
    const now = Date.now();
    const cached = this.cache.get(hash);
    if (cached && now - cached.readAt < CACHE_MS && now < cached.expiresAt) return cached.identity;
    const row = await this.db.apiToken.findUnique({ where: { tokenHash: hash }, include: { user: true } });
    const valid =
      row !== null &&
      row.revokedAt === null &&
      row.user.disabledAt === null &&
      (row.expiresAt === null || row.expiresAt.getTime() > now);
    const identity: TokenIdentity | null = valid
      ? {
          viewer: { id: row.user.id, username: row.user.username, role: row.user.role as Role },
          scopes: new Set(info(row).scopes),
          tokenHash: hash,
        }
      : null;
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(hash, { identity, readAt: now, expiresAt: valid && row.expiresAt ? row.expiresAt.getTime() : now + CACHE_MS });
    // When it was last used, to the minute: enough to find unused tokens, without a write per request.
    if (valid && (row.lastUsedAt === null || now - row.lastUsedAt.getTime() > MINUTE_MS)) {
      void this.db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date(now) } }).catch(() => {});
    }
    return identity;
  }
}
