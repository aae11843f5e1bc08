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

/** Not signed in, or not allowed: its message goes to the client as it is, with a code. */
export class AuthError extends Error {
  constructor(
    readonly code: 'UNAUTHENTICATED' | 'FORBIDDEN',
    message: string,
  ) {
    super(message);
  }
}
