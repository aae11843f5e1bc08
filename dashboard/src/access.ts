import type { Client } from '@urql/core';
import { createSignal } from 'solid-js';
import { createActing } from './acting.ts';
import {
  AccessQuery,
  AssignDeviceMutation,
  AssignDevicesMutation,
  CreateEnrollmentKeyMutation,
  CreateUserMutation,
  DeleteUserMutation,
  RejectDeviceMutation,
  RevokeEnrollmentKeyMutation,
  UpdateUserMutation,
} from './documents.ts';
import type { AccessQuery as AccessData, Role } from './gql/graphql.ts';

export type EnrollmentKey = AccessData['enrollmentKeys'][number];
export type UnclaimedDevice = NonNullable<AccessData['unclaimedDevices']>[number];
export type UserRow = NonNullable<AccessData['users']>[number];

/**
 * Who may connect and who may sign in: enrollment keys for everyone; for admins also the unclaimed
 * devices and the accounts. Read when opened; every action reads it again.
 */
export function createAccess(client: Client, admin: () => boolean) {
  const [data, setData] = createSignal<AccessData | null>(null);
  const [secret, setSecret] = createSignal<string | null>(null);
  /** Unclaimed devices ticked for a bulk assignment. */
  const [chosen, setChosen] = createSignal<ReadonlySet<string>>(new Set());
  /** What the last action did, in words (a new account, a bulk assignment). */
  const [notice, setNotice] = createSignal<string | null>(null);
  const done = (ok: boolean, text: string) => {
    setNotice(ok ? text : null);
    return ok;
  };

  const load = async () => {
    const r = await client.query(AccessQuery, { admin: admin() }).toPromise();
    acting.report(r.error);
    setData(r.data ?? null);
  };
  const acting = createActing(load);
  const act = acting.act;

  return {
    load,
    problem: acting.problem,
    /** A new enrollment key's secret, shown once. */
    secret,
    keys: () => data()?.enrollmentKeys ?? [],
    unclaimed: () => data()?.unclaimedDevices ?? [],
    users: () => data()?.users ?? [],
    notice,
    /** The signed-in admin: nobody may demote, disable or delete themselves. */
    isMe: (username: string) => data()?.me?.username === username,
    assign: (serial: string, owner: string | null) =>
      act(() => client.mutation(AssignDeviceMutation, { serial, owner }).toPromise()),
    reject: (serial: string) => act(() => client.mutation(RejectDeviceMutation, { serial }).toPromise()),
    revokeKey: (id: number) => act(() => client.mutation(RevokeEnrollmentKeyMutation, { id }).toPromise()),
    createKey: (label: string | null) =>
      act(async () => {
        const r = await client.mutation(CreateEnrollmentKeyMutation, { label }).toPromise();
        setSecret(r.data?.createEnrollmentKey.secret ?? null);
        return r;
      }),
    createUser: async (username: string, password: string, role: Role) =>
      done(
        await act(() => client.mutation(CreateUserMutation, { username, password, role }).toPromise()),
        `Created ${username} (${role.toLowerCase()}). Give them their password; they can change it under their name.`,
      ),
    setRole: async (username: string, role: Role) =>
      done(
        await act(() => client.mutation(UpdateUserMutation, { username, role }).toPromise()),
        `${username} is now ${role.toLowerCase()}; they were signed out and their API tokens revoked.`,
      ),
    setDisabled: async (username: string, disabled: boolean) =>
      done(
        await act(() => client.mutation(UpdateUserMutation, { username, disabled }).toPromise()),
        disabled ? `${username} is disabled: signed out, API tokens revoked.` : `${username} may sign in again.`,
      ),
    deleteUser: async (username: string) =>
      done(
        await act(() => client.mutation(DeleteUserMutation, { username }).toPromise()),
        `Deleted ${username}; their devices are unclaimed again.`,
      ),
    chosen,
    choose: (serial: string, on: boolean) =>
      setChosen((s) => {
        const next = new Set(s);
        if (on) next.add(serial);
        else next.delete(serial);
        return next;
      }),
    chooseAll: (on: boolean) => setChosen(new Set(on ? (data()?.unclaimedDevices ?? []).map((d) => d.serial) : [])),
    /** Assigns the ticked devices to one owner at once. */
    assignChosen: async (owner: string | null) => {
      const serials = [...chosen()];
      const ok = await act(() => client.mutation(AssignDevicesMutation, { serials, owner }).toPromise());
      if (ok) setChosen(new Set<string>());
      return done(ok, `Assigned ${serials.length} device(s) to ${owner ?? 'nobody'}.`);
    },
  };
}

export type Access = ReturnType<typeof createAccess>;
