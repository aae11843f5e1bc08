import type { Client } from '@urql/core';
import { createSignal } from 'solid-js';
import { createActing } from './acting.ts';
import {
  AccessQuery,
  AssignDeviceMutation,
  CreateEnrollmentKeyMutation,
  CreateUserMutation,
  RejectDeviceMutation,
  RevokeEnrollmentKeyMutation,
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
    createUser: (username: string, password: string, role: Role) =>
      act(() => client.mutation(CreateUserMutation, { username, password, role }).toPromise()),
  };
}

export type Access = ReturnType<typeof createAccess>;
