import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientAddressOf, parseTrustedProxies } from '../server/http/client-address.ts';
import { startServer, type TestServer } from './support/server.ts';

const PASSWORD = 'admin password 1';

/** A sign-in as if through a balancer that says the client is `forwardedFor`. */
async function signIn(url: string, password: string, forwardedFor: string): Promise<string | undefined> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
    body: JSON.stringify({
      query: 'mutation($p: String!) { signIn(username: "admin", password: $p) { username } }',
      variables: { p: password },
    }),
  });
  const body = (await res.json()) as { errors?: Array<{ message: string }> };
  return body.errors?.[0]?.message;
}

const req = (remoteAddress: string, forwardedFor?: string) => ({
  socket: { remoteAddress } as never,
  headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
});

describe('client addresses behind a balancer (TRUST_PROXY)', () => {
  it('believes X-Forwarded-For only from a trusted proxy, read from the right', () => {
    const proxies = parseTrustedProxies('10.0.0.0/8, ::1');
    expect(clientAddressOf(req('203.0.113.9', '198.51.100.1'), proxies)).toBe('203.0.113.9');
    expect(clientAddressOf(req('10.1.2.3', '198.51.100.1'), proxies)).toBe('198.51.100.1');
    // A client that sends its own header gets it prepended to, not believed.
    expect(clientAddressOf(req('::ffff:10.1.2.3', '1.2.3.4, 198.51.100.1, 10.9.9.9'), proxies)).toBe('198.51.100.1');
    expect(clientAddressOf(req('::1', 'not-an-address, 198.51.100.1'), proxies)).toBe('198.51.100.1');
    expect(clientAddressOf(req('::1', '198.51.100.1, garbage'), proxies)).toBe('::1');
    expect(clientAddressOf(req('10.1.2.3', undefined), proxies)).toBe('10.1.2.3');
    expect(clientAddressOf(req('10.1.2.3', '198.51.100.1'), null)).toBe('10.1.2.3');
  });

  it('refuses a setting that is not addresses or ranges, with the reason', () => {
    expect(() => parseTrustedProxies('10.0.0.0/33')).toThrow(/bad prefix length/);
    expect(() => parseTrustedProxies('balancer.local')).toThrow(/not an IP address/);
  });

  describe.each([
    ['off (the default): a forged header does not escape the lock', '', true],
    ['127.0.0.1: each forwarded client has its own lock', '127.0.0.1', false],
  ])('TRUST_PROXY %s', (_name, trustProxy, sharedLock) => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer({ auth: 'on', adminPassword: PASSWORD, trustProxy });
    });
    afterAll(() => server.close());

    it('locks sign-ins per client address', async () => {
      for (let i = 0; i < 5; i++) await signIn(server.url, `wrong password ${i}`, '198.51.100.1');
      expect(await signIn(server.url, PASSWORD, '198.51.100.1')).toMatch(/too many failed sign-ins/);
      const other = await signIn(server.url, PASSWORD, '198.51.100.2');
      if (sharedLock) expect(other).toMatch(/too many failed sign-ins/);
      else expect(other).toBeUndefined();
    });
  });
});
