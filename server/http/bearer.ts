import type { IncomingHttpHeaders } from 'node:http';

/** What a request presents as a credential in its Authorization header. */
export type Presented = { kind: 'none' } | { kind: 'secret'; secret: string } | { kind: 'malformed' };

/** Secrets are our own URL-safe tokens; the bound keeps a header from costing a hash of megabytes. */
const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]{1,512})$/;

/** `Authorization: Bearer <secret>`; any other Authorization header is malformed (refused, never ignored). */
export function bearerOf(headers: IncomingHttpHeaders): Presented {
  const header = headers.authorization;
  if (header === undefined) return { kind: 'none' };
  const match = BEARER.exec(header.trim());
  return match?.[1] ? { kind: 'secret', secret: match[1] } : { kind: 'malformed' };
}
