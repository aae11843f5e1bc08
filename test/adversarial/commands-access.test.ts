import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDeviceFrame } from '../../protocol/frames.ts';
import type { GraphQLResponse } from '../support/graphql.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { SessionClient } from '../support/session.ts';
import { V2TestDevice } from '../support/v2-device.ts';
import { eventually } from '../support/wait.ts';

const code = (r: GraphQLResponse) => r.errors?.[0]?.extensions?.code;
const SEND = 'mutation($s: [String!]) { sendCommand(input: { serials: $s, name: "reboot" }) { id createdBy } }';

describe('who may command which device', () => {
  let server: TestServer;
  let alice: SessionClient;
  let bob: SessionClient;
  const devices: V2TestDevice[] = [];

  beforeAll(async () => {
    server = await startServer({ auth: 'on', adminPassword: 'admin password 1' });
    for (const name of ['alice', 'bob']) await server.app.accounts.createUser(name, `${name} password 12`, 'owner');
    alice = new SessionClient(server.url);
    await alice.signIn('alice', 'alice password 12');
    bob = new SessionClient(server.url);
    await bob.signIn('bob', 'bob password 12');
    for (const [who, serial] of [
      [alice, 'CA1'],
      [bob, 'CB1'],
    ] as const) {
      const key = await who.gql<{ createEnrollmentKey: { secret: string } }>('mutation { createEnrollmentKey { secret } }');
      const d = await V2TestDevice.connect(server.deviceUrl, { authorization: `Bearer ${key.data?.createEnrollmentKey.secret}` });
      devices.push(d);
      expect((await d.request(formatDeviceFrame('INIT', 1, serial, { n: 1 }))).ok).toBe(true);
      const protocol = async () =>
        (await who.gql<{ device: { protocol: number } }>(`{ device(serial: "${serial}") { protocol } }`)).data?.device.protocol;
      await eventually(protocol, (p) => p === 2);
    }
  });
  afterAll(async () => {
    for (const d of devices) d.ws.terminate();
    await server?.close();
  });

  it('owners command their own devices only; jobs are seen by their creator; filters stay within what is yours', async () => {
    const mine = await alice.gql<{ sendCommand: { id: string; createdBy: string } }>(SEND, { s: ['CA1'] });
    expect(mine.data?.sendCommand.createdBy).toBe('alice');
    await devices[0]?.nextCommand();
    const theirs = await alice.gql(SEND, { s: ['CB1'] });
    expect(code(theirs)).toBe('FORBIDDEN');
    const id = mine.data?.sendCommand.id;
    expect(code(await bob.gql(`{ job(id: "${id}") { id } }`))).toBe('FORBIDDEN');
    expect(code(await bob.gql(`mutation { cancelJob(id: "${id}") { id } }`))).toBe('FORBIDDEN');
    const all = await alice.gql<{ sendCommand: { id: string } }>(
      'mutation { sendCommand(input: { where: [{ field: "serial", op: STARTS_WITH, value: "C" }], name: "ping" }) { id } }',
    );
    const job = await alice.gql<{ job: { executions: Array<{ serial: string }> } }>(
      `{ job(id: "${all.data?.sendCommand.id}") { executions { serial } } }`,
    );
    expect(job.data?.job.executions.map((e) => e.serial)).toEqual(['CA1']);
  });

  it('a read-only API token cannot command; a write token can; no credential cannot', async () => {
    const make = async (scopes: string) =>
      (await alice.gql<{ createApiToken: { secret: string } }>(`mutation { createApiToken(scopes: [${scopes}]) { secret } }`))
        .data?.createApiToken.secret ?? '';
    const as = async (token: string | null) => {
      const res = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query: SEND, variables: { s: ['CA1'] } }),
      });
      return (await res.json()) as GraphQLResponse;
    };
    expect(code(await as(await make('READ')))).toBe('FORBIDDEN');
    expect((await as(await make('READ, WRITE'))).errors).toBeUndefined();
    expect(code(await as(null))).toBe('UNAUTHENTICATED');
  });
});
