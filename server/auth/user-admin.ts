import { BadInputError, ForbiddenError } from '../errors.ts';
import type { Fleet } from '../state/fleet.ts';
import type { Accounts, UserInfo } from './accounts.ts';
import type { ApiTokens } from './api-tokens.ts';
import type { DeviceAdmin } from './device-admin.ts';
import type { Role, Viewer } from './viewer.ts';

/** What managing accounts touches besides the account itself. */
export interface UserAdminDeps {
  accounts: Accounts;
  apiTokens: ApiTokens;
  deviceAdmin: DeviceAdmin;
  fleet: Fleet;
}

/**
 * Nobody locks themselves out. As only an active admin may act, and never on themselves, an active
 * admin (the one who asks) always remains.
 */
async function target(deps: UserAdminDeps, actor: Viewer, username: string, demotes: boolean): Promise<UserInfo> {
  const user = await deps.accounts.user(username);
  if (!user) throw new BadInputError(`no user ${username}`);
  if (demotes && user.id === actor.id) throw new ForbiddenError('you cannot disable, demote or delete yourself');
  return user;
}

/**
 * A new role, or disabled/enabled (admins only). A change of role or a disable signs the user out
 * everywhere and revokes their API tokens: nothing keeps the rights they had.
 */
export async function updateUser(
  deps: UserAdminDeps,
  actor: Viewer,
  username: string,
  change: { role?: Role; disabled?: boolean },
): Promise<UserInfo> {
  const user = await target(
    deps,
    actor,
    username,
    change.disabled === true || (change.role !== undefined && change.role !== 'admin'),
  );
  const roleChanges = change.role !== undefined && change.role !== user.role;
  const disables = change.disabled === true && user.disabledAt === null;
  const updated = await deps.accounts.update(user.id, change);
  if (roleChanges || disables) {
    await deps.accounts.endSessions(user.id);
    await deps.apiTokens.revokeAllOf(user.id);
  }
  return updated;
}

/** Deletes an account (admins only): its devices go back to the unclaimed list, with their history. */
export async function deleteUser(deps: UserAdminDeps, actor: Viewer, username: string): Promise<number> {
  const user = await target(deps, actor, username, true);
  const owned = [...deps.fleet.devices.values()].filter((d) => d.ownerId === user.id);
  for (const device of owned) await deps.deviceAdmin.assign(device.serial, null);
  await deps.apiTokens.revokeAllOf(user.id);
  await deps.accounts.delete(user.id);
  return owned.length;
}
