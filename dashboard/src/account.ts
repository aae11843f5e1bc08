import type { Client } from '@urql/core';
import { createSignal } from 'solid-js';
import { ChangePasswordMutation, MeQuery, SignInMutation, SignOutMutation } from './documents.ts';
import { errorText } from './errors.ts';

export interface SignedInUser {
  username: string;
  role: string;
}

/** Whether the page may show the fleet: checking, signed out, or in (user null in lab mode, AUTH=off). */
export type Access = { kind: 'checking' } | { kind: 'signed-out' } | { kind: 'in'; user: SignedInUser | null };

/** Who is signed in, and signing in and out; the session itself is an HttpOnly cookie the page never sees. */
export function createAccount(client: Client) {
  const [access, setAccess] = createSignal<Access>({ kind: 'checking' });
  const check = async () => {
    const r = await client.query(MeQuery, {}).toPromise();
    const me = r.data?.me ?? null;
    const open = r.data?.authRequired === false; // lab mode
    setAccess(open || me ? { kind: 'in', user: me } : { kind: 'signed-out' });
  };
  void check();
  return {
    access,
    /** Resolves with the problem to show, or null once signed in. */
    async signIn(username: string, password: string): Promise<string | null> {
      const r = await client.mutation(SignInMutation, { username, password }).toPromise();
      if (!r.data?.signIn) return errorText(r.error) ?? 'could not sign in';
      await check();
      return null;
    },
    async signOut(): Promise<void> {
      await client.mutation(SignOutMutation, {}).toPromise();
      await check();
    },
    /** Resolves with what to tell the user, and whether it worked. */
    async changePassword(current: string, next: string): Promise<{ ok: boolean; message: string }> {
      const r = await client.mutation(ChangePasswordMutation, { current, next }).toPromise();
      return r.data?.changePassword
        ? { ok: true, message: 'Password changed.' }
        : { ok: false, message: errorText(r.error) ?? 'could not change it' };
    },
  };
}

export type Account = ReturnType<typeof createAccount>;
