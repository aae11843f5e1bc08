/**
 * Errors whose message goes to the client as it is, with a code saying what kind of mistake it was.
 * Anything else a resolver throws is masked for the client and logged.
 */
export abstract class ClientError extends Error {
  abstract readonly code: 'BAD_USER_INPUT' | 'UNAUTHENTICATED' | 'FORBIDDEN';
}

/** The request itself is wrong: a bad filter, range, label or password. */
export class BadInputError extends ClientError {
  override name = 'BadInputError';
  readonly code = 'BAD_USER_INPUT';
}

/** No valid credential came with the request. */
export class UnauthenticatedError extends ClientError {
  override name = 'UnauthenticatedError';
  readonly code = 'UNAUTHENTICATED';
}

/** The credential is valid but does not allow this. */
export class ForbiddenError extends ClientError {
  override name = 'ForbiddenError';
  readonly code = 'FORBIDDEN';
}

/** An optional whole number within bounds (its default when absent), or the bad input named `what`. */
export function bounded(value: number | null | undefined, fallback: number, min: number, max: number, what: string): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < min || v > max) throw new BadInputError(`${what} must be ${min} to ${max}`);
  return v;
}
