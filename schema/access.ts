import { canSee, type Scope, type Viewer } from '../server/auth/viewer.ts';
import { ForbiddenError, UnauthenticatedError } from '../server/errors.ts';
import type { DeviceState } from '../server/state/fleet.ts';
import { parseLegacyQuery } from '../server/state/legacy-query.ts';
import { type Condition, compileWhere } from '../server/state/query.ts';
import type { Context } from './builder.ts';

/** The devices this request may see; not signed in is an error, not an empty fleet. */
export function requireScope(ctx: Context): Scope {
  if (!ctx.scope) throw new UnauthenticatedError('sign in first');
  return ctx.scope;
}

export function requireViewer(ctx: Context): Viewer {
  if (!ctx.viewer) throw new UnauthenticatedError('sign in first');
  return ctx.viewer;
}

/** Admins only (and everyone in lab mode). */
export function requireAdmin(ctx: Context): void {
  if (ctx.authOff) return;
  if (requireViewer(ctx).role !== 'admin') throw new ForbiddenError('only an admin may do this');
}

/** Admins (and everyone in lab mode) see everyone's jobs and deployments; others their own. */
export const seesEveryones = (ctx: Context): boolean => ctx.authOff || ctx.viewer?.role === 'admin';

export function isVisible(ctx: Context, device: DeviceState): boolean {
  return ctx.scope !== null && canSee(ctx.scope, device);
}

export function* visibleDevices(ctx: Context): Iterable<DeviceState> {
  const scope = requireScope(ctx);
  if (scope.kind === 'all') {
    yield* ctx.fleet.devices.values();
    return;
  }
  for (const d of ctx.fleet.devices.values()) if (d.ownerId === scope.ownerId) yield d;
}

/** The devices this request may see that match conditions and the original dashboard's query strings (and-ed). */
export function matchingDevices(
  ctx: Context,
  where: readonly Condition[] | null | undefined,
  legacyQuery: readonly string[] | null | undefined,
): DeviceState[] {
  requireScope(ctx);
  const match = compileWhere([...(where ?? []), ...parseLegacyQuery(legacyQuery ?? []).where]);
  const out: DeviceState[] = [];
  for (const d of visibleDevices(ctx)) if (match(d)) out.push(d);
  return out;
}
