import type { Redis } from 'ioredis';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { BadInputError, ForbiddenError, UnauthenticatedError } from '../errors.ts';
import type { Db } from '../storage/database.ts';
import { DAY_MS } from '../time.ts';
import { hashPassword, MAX_PASSWORD_LENGTH, passwordProblem, verifyPassword } from './passwords.ts';
import { hashSecret, MAX_SECRET_LENGTH, newSecret } from './secrets.ts';
import { ROLES, type Role, type Viewer } from './viewer.ts';

export const USERNAME_PATTERN = /^[A-Za-z0-9_.@-]{1,64}$/;
/** How long a session read from the database is trusted before it is read again (sign-outs elsewhere). */
const SESSION_CACHE_MS = 10_000;
const SESSION_CACHE_MAX = 10_000;

export interface LoginLimits {
  /** Failed sign-ins per username and address before it is locked for `lockSeconds`. */
  perUser: number;
  /** Failed sign-ins per address, any username. */
  perAddress: number;
  windowSeconds: number;
  lockSeconds: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perUser: 5, perAddress: 30, windowSeconds: 900, lockSeconds: 900 };

export interface Session {
  token: string;
  viewer: Viewer;
  expiresAt: number;
}

/** A hash to verify against when the username is unknown, so both cases take as long. */
const decoy = hashPassword('not a password of anyone');

/**
 * Users, sessions and login limits. Sessions are random tokens in an HttpOnly cookie; the database
 * holds only their SHA-256.
 */
export class Accounts {
  private readonly sessions = new Map<string, { viewer: Viewer | null; expiresAt: number; readAt: number }>();
  private readonly userLimiter: RateLimiterAbstract;
  private readonly addressLimiter: RateLimiterAbstract;
  private readonly signOutListeners = new Set<(tokenHash: string) => void>();
  private readonly names = new Map<number, string>();

  constructor(
    private readonly db: Db,
    private readonly sessionMs: number,
    redis?: Redis,
    limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
  ) {
    // With Redis the limits hold across instances; a guesser gains nothing from the balancer. While Redis
    // is unreachable each instance limits on its own (insurance), so signing in keeps working.
    const memory = (keyPrefix: string, points: number) =>
      new RateLimiterMemory({ keyPrefix, points, duration: limits.windowSeconds, blockDuration: limits.lockSeconds });
    const make = (keyPrefix: string, points: number) =>
      redis
        ? new RateLimiterRedis({
            storeClient: redis,
            keyPrefix,
            points,
            duration: limits.windowSeconds,
            blockDuration: limits.lockSeconds,
            insuranceLimiter: memory(keyPrefix, points),
          })
        : memory(keyPrefix, points);
    this.userLimiter = make('smartos:login:user', limits.perUser);
    this.addressLimiter = make('smartos:login:addr', limits.perAddress);
  }

  async userCount(): Promise<number> {
    return this.db.user.count();
  }

  async createUser(username: string, password: string, role: Role): Promise<Viewer> {
    if (!USERNAME_PATTERN.test(username)) throw new BadInputError('a username is 1 to 64 letters, digits or _ . @ -');
    if (!ROLES.includes(role)) throw new BadInputError('role is admin or owner');
    const problem = passwordProblem(password);
    if (problem) throw new BadInputError(problem);
    if (await this.db.user.findUnique({ where: { username } })) throw new BadInputError(`${username} exists already`);
    const user = await this.db.user.create({
      data: { username, passwordHash: await hashPassword(password), role, createdAt: new Date(), passwordChangedAt: new Date() },
    });
    return { id: user.id, username: user.username, role };
  }

  async users(): Promise<UserInfo[]> {
    const rows = await this.db.user.findMany({ orderBy: { username: 'asc' } });
    return rows.map(userInfo);
  }

  async user(username: string): Promise<UserInfo | null> {
    const row = await this.db.user.findUnique({ where: { username } });
    return row ? userInfo(row) : null;
  }

  /** A new role, or disabled/enabled; the caller ends the user's sessions (user-admin.ts). */
  async update(userId: number, change: { role?: Role; disabled?: boolean }): Promise<UserInfo> {
    const data: { role?: Role; disabledAt?: Date | null } = {};
    if (change.role !== undefined) data.role = change.role;
    if (change.disabled !== undefined) data.disabledAt = change.disabled ? new Date() : null;
    return userInfo(await this.db.user.update({ where: { id: userId }, data }));
  }

  /** Removes the account; its sessions, API tokens and enrollment keys go with it (cascade). */
  async delete(userId: number): Promise<void> {
    await this.endSessions(userId);
    await this.db.user.delete({ where: { id: userId } });
    this.names.delete(userId);
  }

  /** Ends every session of a user except `keepToken`'s, here at once and elsewhere within 10 s. */
  async endSessions(userId: number, keepToken?: string): Promise<void> {
    const keep = keepToken ? hashSecret(keepToken) : '';
    const ended = await this.db.session.findMany({ where: { userId, NOT: { tokenHash: keep } }, select: { tokenHash: true } });
    await this.db.session.deleteMany({ where: { userId, NOT: { tokenHash: keep } } });
    for (const { tokenHash } of ended) {
      this.sessions.delete(tokenHash);
      for (const listener of this.signOutListeners) listener(tokenHash);
    }
  }

  /** Usernames by id, for showing owners; users are few and never renamed. */
  async usernameOf(id: number): Promise<string | null> {
    const known = this.names.get(id);
    if (known !== undefined) return known;
    const u = await this.db.user.findUnique({ where: { id }, select: { username: true } });
    if (u) this.names.set(id, u.username);
    return u?.username ?? null;
  }

  async userByName(username: string): Promise<Viewer | null> {
    const u = await this.db.user.findUnique({ where: { username } });
    return u ? { id: u.id, username: u.username, role: u.role as Role } : null;
  }

  /** Checks the password under the login limits; a new session when it is right. */
  async signIn(username: string, password: string, address: string): Promise<Session> {
    const userKey = `${username.toLowerCase().slice(0, 64)}|${address}`;
    const [byUser, byAddress] = await Promise.all([this.userLimiter.get(userKey), this.addressLimiter.get(address)]);
    const blocked = [byUser, byAddress].find((r) => r !== null && r.remainingPoints <= 0);
    if (blocked) throw tooMany(blocked.msBeforeNext);
    const user = password.length <= MAX_PASSWORD_LENGTH ? await this.db.user.findUnique({ where: { username } }) : null;
    // An unknown user costs a hash too, so timing does not tell which usernames exist.
    const verified = await verifyPassword(password.slice(0, MAX_PASSWORD_LENGTH), user?.passwordHash ?? (await decoy));
    const ok = user !== null && verified;
    if (ok && user.disabledAt !== null) throw new ForbiddenError('this account is disabled; ask an admin');
    if (!ok || !user) {
      try {
        await Promise.all([this.userLimiter.consume(userKey), this.addressLimiter.consume(address)]);
      } catch (err) {
        if (err instanceof RateLimiterRes) throw tooMany(err.msBeforeNext);
        throw err;
      }
      throw new UnauthenticatedError('wrong username or password');
    }
    await this.userLimiter.delete(userKey);
    const token = newSecret('session');
    const expiresAt = Date.now() + this.sessionMs;
    await this.db.session.create({
      data: { tokenHash: hashSecret(token), userId: user.id, createdAt: new Date(), expiresAt: new Date(expiresAt) },
    });
    const viewer: Viewer = { id: user.id, username: user.username, role: user.role as Role };
    return { token, viewer, expiresAt };
  }

  /** The person behind a session cookie, or null (unknown, expired or signed out). */
  async viewerOf(token: string | undefined): Promise<Viewer | null> {
    if (!token || token.length > MAX_SECRET_LENGTH) return null;
    const hash = hashSecret(token);
    const now = Date.now();
    const cached = this.sessions.get(hash);
    if (cached && now - cached.readAt < SESSION_CACHE_MS && now < cached.expiresAt) return cached.viewer;
    const row = await this.db.session.findUnique({ where: { tokenHash: hash }, include: { user: true } });
    const valid = row !== null && row.expiresAt.getTime() > now && row.user.disabledAt === null;
    const viewer = valid ? { id: row.user.id, username: row.user.username, role: row.user.role as Role } : null;
    if (this.sessions.size >= SESSION_CACHE_MAX) this.sessions.clear();
    this.sessions.set(hash, { viewer, expiresAt: valid ? row.expiresAt.getTime() : now + SESSION_CACHE_MS, readAt: now });
    return viewer;
  }

  async signOut(token: string | undefined): Promise<void> {
    if (!token || token.length > MAX_SECRET_LENGTH) return;
    const hash = hashSecret(token);
    this.sessions.delete(hash);
    await this.db.session.deleteMany({ where: { tokenHash: hash } });
    for (const listener of this.signOutListeners) listener(hash);
  }

  /** Called with the hash of every session signed out here (to close its subscription sockets). */
  onSignOut(listener: (tokenHash: string) => void): void {
    this.signOutListeners.add(listener);
  }

  /** A new password; every other session of the user ends. */
  async changePassword(viewer: Viewer, current: string, next: string, keepToken: string | undefined): Promise<void> {
    const user = await this.db.user.findUnique({ where: { id: viewer.id } });
    if (!user || !(await verifyPassword(current.slice(0, MAX_PASSWORD_LENGTH), user.passwordHash)))
      throw new ForbiddenError('the current password is wrong');
    await this.setPassword(user.id, next, keepToken);
  }

  /** For admins and the reset CLI: no current password asked. */
  async setPassword(userId: number, next: string, keepToken?: string): Promise<void> {
    const problem = passwordProblem(next);
    if (problem) throw new BadInputError(problem);
    await this.db.user.update({
      where: { id: userId },
      data: { passwordHash: await hashPassword(next), passwordChangedAt: new Date() },
    });
    await this.endSessions(userId, keepToken);
  }

  /** Prunes expired sessions every interval (they are refused anyway; this keeps the table small). */
  pruneEvery(ms: number, onError: (err: Error) => void): () => void {
    const timer = setInterval(() => void this.pruneSessions().catch(onError), ms);
    timer.unref();
    return () => clearInterval(timer);
  }

  async pruneSessions(): Promise<number> {
    const { count } = await this.db.session.deleteMany({ where: { expiresAt: { lt: new Date() } } });
    return count;
  }
}

export interface UserInfo extends Viewer {
  createdAt: number;
  /** When an admin disabled the account; null while it is active. */
  disabledAt: number | null;
}

function userInfo(u: { id: number; username: string; role: string; createdAt: Date; disabledAt: Date | null }): UserInfo {
  return {
    id: u.id,
    username: u.username,
    role: u.role as Role,
    createdAt: u.createdAt.getTime(),
    disabledAt: u.disabledAt?.getTime() ?? null,
  };
}

function tooMany(ms: number): ForbiddenError {
  return new ForbiddenError(`too many failed sign-ins; try again in ${Math.ceil(ms / 1000)} s`);
}

export const sessionMsOf = (days: number): number => days * DAY_MS;
