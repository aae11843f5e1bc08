import type { IncomingHttpHeaders } from 'node:http';
import { parseCookie, stringifySetCookie } from 'cookie';

export const SESSION_COOKIE = 'smartos_session';

type HeaderSource = { get(name: string): string | null } | IncomingHttpHeaders;

function header(headers: HeaderSource, name: string): string | undefined {
  if (typeof headers.get === 'function') return (headers as { get(n: string): string | null }).get(name) ?? undefined;
  const value = (headers as IncomingHttpHeaders)[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The session token from a Fetch or Node request's Cookie header. */
export function sessionToken(headers: HeaderSource): string | undefined {
  const raw = header(headers, 'cookie');
  return raw ? parseCookie(raw)[SESSION_COOKIE] : undefined;
}

/** HTTPS as the browser sees it: directly, or through a proxy that says so. */
export function viaHttps(headers: HeaderSource, url: string): boolean {
  return url.startsWith('https:') || header(headers, 'x-forwarded-proto')?.split(',')[0]?.trim() === 'https';
}

/**
 * HttpOnly (scripts cannot read it), SameSite=Strict (other sites' requests do not carry it), Secure
 * over HTTPS; a laptop on plain http://127.0.0.1 still works.
 */
export function sessionCookie(token: string | null, expiresAt: number, secure: boolean): string {
  return stringifySetCookie(SESSION_COOKIE, token ?? '', {
    httpOnly: true,
    sameSite: 'strict',
    secure,
    path: '/',
    ...(token === null ? { maxAge: 0 } : { expires: new Date(expiresAt) }),
  });
}
