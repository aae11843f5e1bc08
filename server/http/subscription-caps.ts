import { GraphQLError } from 'graphql';

const refusal = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

/**
 * Bounds live subscriptions per graphql-ws socket and per user (all their sockets on this instance), so
 * one client cannot make the server hold thousands of views. A socket's count is returned when a
 * subscription ends and when the socket closes.
 */
export class SubscriptionCaps {
  private readonly bySocket = new Map<object, Map<string, string | null>>();
  private readonly byUser = new Map<string, number>();

  constructor(
    private readonly perSocket: number,
    private readonly perUser: number,
  ) {}

  /** Takes a place for subscription `id` on `socket` for `user` (null: nobody signed in); an error when full. */
  take(socket: object, id: string, user: string | null): GraphQLError | null {
    let mine = this.bySocket.get(socket);
    if (mine?.has(id)) return null;
    if ((mine?.size ?? 0) >= this.perSocket)
      return refusal(`at most ${this.perSocket} subscriptions on one connection: end one first`);
    if (user !== null && (this.byUser.get(user) ?? 0) >= this.perUser)
      return refusal(`at most ${this.perUser} subscriptions per user: end one first`);
    if (!mine) {
      mine = new Map();
      this.bySocket.set(socket, mine);
    }
    mine.set(id, user);
    if (user !== null) this.byUser.set(user, (this.byUser.get(user) ?? 0) + 1);
    return null;
  }

  release(socket: object, id: string): void {
    const mine = this.bySocket.get(socket);
    if (!mine?.has(id)) return;
    const user = mine.get(id) ?? null;
    mine.delete(id);
    if (mine.size === 0) this.bySocket.delete(socket);
    if (user !== null) {
      const left = (this.byUser.get(user) ?? 1) - 1;
      if (left > 0) this.byUser.set(user, left);
      else this.byUser.delete(user);
    }
  }

  releaseSocket(socket: object): void {
    for (const id of [...(this.bySocket.get(socket)?.keys() ?? [])]) this.release(socket, id);
  }

  get held(): number {
    let n = 0;
    for (const m of this.bySocket.values()) n += m.size;
    return n;
  }
}
