import type { CombinedError } from '@urql/core';

/** What to show a person: the server's own message (not urql's "[GraphQL]" prefix), or null. */
export function errorText(error: CombinedError | undefined): string | null {
  return error ? (error.graphQLErrors[0]?.message ?? error.message) : null;
}
