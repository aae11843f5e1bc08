import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDevice } from './support/device.ts';
import { data, gql } from './support/graphql.ts';
import { startServer, type TestServer } from './support/server.ts';

interface Page {
  devices: { totalCount: number; nodes: Array<{ serial: string; value: unknown }> };
}
const PAGE = `query($where: [Condition!], $orderBy: [Order!], $offset: Int, $limit: Int, $seed: [String!]) {
  devices(where: $where, orderBy: $orderBy, offset: $offset, limit: $limit, seedQuery: $seed) {
    totalCount nodes { serial value(name: "battery") }
  }
}`;

describe('GraphQL queries over HTTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ maxFramesPerSecond: 10_000 });
    const d = await connectDevice(server.deviceUrl);
    const fleet: Array<[string, Record<string, number | string | boolean | null>]> = [
      ['0001', { battery: 344, country: 'IT', charging: true }],
      ['0002', { battery: 99, country: 'CH' }],
      ['0010', { battery: 1000, country: 'it' }],
      ['1009', { battery: 5, country: 'AT', note: null }],
      ['2032', { country: 'DE' }],
    ];
    for (const [i, [serial, body]] of fleet.entries()) expect((await d.update(i, serial, body)).ok).toBe(true);
    await d.close();
  });
  afterAll(() => server?.close());

  const page = (variables: Record<string, unknown>) => data<Page>(server.url, PAGE, variables);

  it('filters, sorts and pages through the same engine', async () => {
    const res = await page({
      where: [{ field: 'country', op: 'CONTAINS', value: 't' }],
      orderBy: [{ field: 'battery', direction: 'DESC' }],
      limit: 2,
    });
    expect(res.devices).toEqual({
      totalCount: 3,
      nodes: [
        { serial: '0010', value: 1000 },
        { serial: '0001', value: 344 },
      ],
    });
    const next = await page({
      where: [{ field: 'country', op: 'CONTAINS', value: 't' }],
      orderBy: [{ field: 'battery', direction: 'DESC' }],
      offset: 2,
      limit: 2,
    });
    expect(next.devices.nodes).toEqual([{ serial: '1009', value: 5 }]);
  });

  it('defaults to 20 devices sorted by serial, and puts devices without the key last', async () => {
    const all = await page({});
    expect(all.devices.nodes.map((n) => n.serial)).toEqual(['0001', '0002', '0010', '1009', '2032']);
    const byBattery = await page({ orderBy: [{ field: 'battery' }] });
    expect(byBattery.devices.nodes.map((n) => n.serial)).toEqual(['1009', '0002', '0001', '0010', '2032']);
  });

  it('takes the original query strings', async () => {
    const res = await page({ seed: ['filter:serial_number:=:0', 'sort:serial_number:>:abc'] });
    expect(res.devices.nodes.map((n) => n.serial)).toEqual(['2032', '1009', '0010', '0002', '0001']);
    const exact = await page({ seed: ['filter:country:==:IT'] });
    expect(exact.devices.nodes.map((n) => n.serial)).toEqual(['0001']);
  });

  it('takes them as legacyQuery too, joined with the deprecated seedQuery', async () => {
    const query = `query($legacy: [String!], $seed: [String!]) {
      devices(legacyQuery: $legacy, seedQuery: $seed) { nodes { serial } }
    }`;
    const res = await gql<{ devices: { nodes: Array<{ serial: string }> } }>(server.url, query, {
      legacy: ['filter:serial_number:=:0', 'sort:serial_number:>:abc'],
      seed: ['filter:serial_number:^:00'],
    });
    expect(res.data?.devices.nodes.map((n) => n.serial)).toEqual(['0010', '0002', '0001']);
    const introspected = await gql<{
      __type: { fields: Array<{ name: string; args: Array<{ name: string; isDeprecated: boolean }> }> };
    }>(server.url, '{ __type(name: "Query") { fields { name args(includeDeprecated: true) { name isDeprecated } } } }');
    const args = introspected.data?.__type.fields.find((f) => f.name === 'devices')?.args ?? [];
    expect(args.find((a) => a.name === 'legacyQuery')?.isDeprecated).toBe(false);
    expect(args.find((a) => a.name === 'seedQuery')?.isDeprecated).toBe(true);
  });

  it('answers a caller mistake with a clear error', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ seed: ['filter:battery:~:3'] }, /unknown filter operator "~"/],
      [{ limit: 501 }, /limit must be between 0 and 500/],
      [{ where: [{ field: 'battery', op: 'GT' }] }, /GT on battery needs a value/],
      [{ where: [{ field: 'battery', op: 'ALMOST', value: '1' }] }, /FilterOp/],
    ];
    for (const [variables, message] of cases) {
      const res = await gql(server.url, PAGE, variables);
      expect(res.data?.devices ?? null).toBeNull();
      expect(res.errors?.[0]?.message).toMatch(message);
    }
    const bad = await gql(server.url, PAGE, { limit: 501 });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('reads one device, a value, and the catalogue', async () => {
    const one = await data<{ device: unknown; missing: unknown }>(
      server.url,
      '{ device(serial: "1009") { serial online params value(name: "note") createdAt } missing: device(serial: "nope") { serial } }',
    );
    expect(one.device).toMatchObject({
      serial: '1009',
      online: false,
      params: { battery: 5, country: 'AT', note: null },
      value: null,
    });
    expect(one.missing).toBeNull();
    const { parameters } = await data<{ parameters: Array<{ name: string; kind: string | null }> }>(
      server.url,
      '{ parameters { name kind firstSeen } }',
    );
    expect(parameters.map((p) => [p.name, p.kind])).toEqual([
      ['battery', 'NUMBER'],
      ['charging', 'BOOLEAN'],
      ['country', 'STRING'],
      ['note', null],
    ]);
  });
});
