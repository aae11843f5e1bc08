/** Who is asking: a signed-in person. */
export interface Viewer {
  id: number;
  username: string;
  role: Role;
}

export type Role = 'admin' | 'owner';
export const ROLES: readonly Role[] = ['admin', 'owner'];

/** Which devices a request may see: every one (admins, and AUTH=off), or one owner's. */
export type Scope = { kind: 'all' } | { kind: 'owner'; ownerId: number };

export function canSee(scope: Scope, device: { ownerId: number | null }): boolean {
  return scope.kind === 'all' || device.ownerId === scope.ownerId;
}

/** A stable key for caches and shared subscription views. */
export function scopeKey(scope: Scope): string {
  return scope.kind === 'all' ? 'all' : `owner:${scope.ownerId}`;
}

/** Every device: admins, and everyone with AUTH=off. */
export const ALL_DEVICES: Scope = { kind: 'all' };

/** What a request may see: admins everything, owners their own, nobody nothing (unless AUTH=off). */
export function scopeOf(viewer: Viewer | null, authOff: boolean): Scope | null {
  if (viewer) return viewer.role === 'admin' ? ALL_DEVICES : { kind: 'owner', ownerId: viewer.id };
  return authOff ? ALL_DEVICES : null;
}
