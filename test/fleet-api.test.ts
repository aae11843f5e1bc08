import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scalar } from '../protocol/values.ts';
import { connectDevice, type TestDevice } from './support/device.ts';
import { startServer, type TestServer, tempDir } from './support/server.ts';
import { SessionClient } from './support/session.ts';
import { eventually } from './support/wait.ts';

const PASSWORD = 'owner password 1';
const code = (r: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => r.errors?.[0]?.extensions?.code;
const message = (r: { errors?: Array<{ message: string }> }) => r.errors?.[0]?.message ?? '';

// Owners name, label and group their devices; aggregates and bulk edits only ever touch the devices the
// caller sees. Alice has a1..a4, bob b1..b2.
describe('fleet metadata and aggregates over the API', () => {
  let server: TestServer;
  const users: Record<string, SessionClient> = {};
  const anonymous = () => new SessionClient(server.url);
  const sockets: TestDevice[] = [];
  const power: Record<string, number> = { a1: 100, a2: 200, a3: 300, a4: 1000, b1: 5000, b2: 7000 };

  async function send(serial: string, owner: string, values: Record<string, Scalar>, key: string) {
    const d = await connectDevice(server.deviceUrl, { headers: { authorization: `Bearer ${key}` } });
    sockets.push(d);
    expect((await d.update(0, serial, values)).ok).toBe(true);
    void owner;
  }

  beforeAll(async () => {
    server = await startServer({ auth: 'on', adminPassword: 'admin password 1' });
    const admin = new SessionClient(server.url);
    await admin.signIn('admin', 'admin password 1');
    users.admin = admin;
    for (const user of ['alice', 'bob']) {
      await server.app.accounts.createUser(user, PASSWORD, 'owner');
      const c = new SessionClient(server.url);
      await c.signIn(user, PASSWORD);
      users[user] = c;
      const made = await c.gql<{ createEnrollmentKey: { secret: string } }>(
        'mutation { createEnrollmentKey(label: "k") { secret } }',
      );
      const key = made.data?.createEnrollmentKey.secret ?? '';
      for (const [serial, p] of Object.entries(power)) {
        if (serial[0] === user[0]) await send(serial, user, { power: p, battery: p / 100, postcode: 1010 }, key);
      }
    }
  });
  afterAll(async () => {
    for (const d of sockets) d.ws.terminate();
    await server?.close();
  });

  const alice = () => users.alice as SessionClient;
  const bob = () => users.bob as SessionClient;

  it('lets an owner name, label and group their device, and nobody else', async () => {
    const set = await alice().gql<{
      updateDevice: { name: string; labels: Array<{ key: string; value: string }>; groups: string[] };
    }>(
      `mutation { updateDevice(serial: "a1", name: " Roof east ", labels: [{ key: "site", value: "vienna" }, { key: "customer", value: "acme" }], groups: ["pilot", "north", "pilot"]) { name labels { key value } groups } }`,
    );
    expect(set.errors).toBeUndefined();
    expect(set.data?.updateDevice).toEqual({
      name: 'Roof east',
      labels: [
        { key: 'customer', value: 'acme' },
        { key: 'site', value: 'vienna' },
      ],
      groups: ['north', 'pilot'],
    });
    const other = await bob().gql('mutation { updateDevice(serial: "a1", name: "mine") { name } }');
    expect(code(other)).toBe('FORBIDDEN');
    const none = await anonymous().gql('mutation { updateDevice(serial: "a1", name: "x") { name } }');
    expect(code(none)).toBe('UNAUTHENTICATED');
    // Bounds, with a clear message each.
    const badKey = await alice().gql('mutation { updateDevice(serial: "a1", labels: [{ key: "a b", value: "x" }]) { name } }');
    expect(message(badKey)).toMatch(/label key "a b"/);
    const long = await alice().gql(`mutation { updateDevice(serial: "a1", name: "${'x'.repeat(101)}") { name } }`);
    expect(message(long)).toMatch(/longer than 100/);
    const many = await alice().gql(
      `mutation { updateDevice(serial: "a1", groups: [${Array.from({ length: 21 }, (_, i) => `"g${i}"`).join(',')}]) { name } }`,
    );
    expect(message(many)).toMatch(/at most 20 groups/);
    // Unchanged by the refused edits; bob's view of a1 is nothing.
    const read = await alice().gql<{ device: { name: string } }>('{ device(serial: "a1") { name } }');
    expect(read.data?.device.name).toBe('Roof east');
  });

  it('filters and sorts by name, label and group like any field', async () => {
    await alice().gql(
      'mutation { updateDevice(serial: "a2", name: "Attic", labels: [{ key: "site", value: "graz" }], groups: ["north"]) { name } }',
    );
    const q = async (where: string, orderBy = '') =>
      (
        await alice().gql<{ devices: { nodes: Array<{ serial: string }> } }>(
          `{ devices(where: ${where}${orderBy}) { nodes { serial } } }`,
        )
      ).data?.devices.nodes.map((n) => n.serial);
    expect(await q('[{ field: "label:site", op: EQUALS, value: "vienna" }]')).toEqual(['a1']);
    expect(await q('[{ field: "meta:group", op: EQUALS, value: "north" }]')).toEqual(['a1', 'a2']);
    expect(await q('[{ field: "meta:group", op: NOT_EQUALS, value: "pilot" }]')).toEqual(['a2', 'a3', 'a4']);
    expect(await q('[{ field: "meta:group", op: IS_NULL }]')).toEqual(['a3', 'a4']);
    expect(await q('[{ field: "meta:name", op: CONTAINS, value: "roof" }]')).toEqual(['a1']);
    expect(await q('[]', ', orderBy: [{ field: "meta:name", direction: ASC }]')).toEqual(['a2', 'a1', 'a3', 'a4']);
  });

  it('labels a filtered set in bulk, only among the devices the caller sees', async () => {
    const r = await alice().gql<{ labelDevices: number }>(
      'mutation { labelDevices(where: [{ field: "power", op: GTE, value: "200" }], setLabels: [{ key: "tier", value: "big" }], addGroups: ["fleet"]) }',
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?.labelDevices).toBe(3); // a2, a3, a4: never bob's b1 and b2, though they match
    const bobs = await bob().gql<{ devices: { nodes: Array<{ serial: string; labels: unknown[]; groups: string[] }> } }>(
      '{ devices { nodes { serial labels { key } groups } } }',
    );
    expect(bobs.data?.devices.nodes).toEqual([
      { serial: 'b1', labels: [], groups: [] },
      { serial: 'b2', labels: [], groups: [] },
    ]);
    // Again: nothing changes. Removing works the same way.
    const again = await alice().gql<{ labelDevices: number }>(
      'mutation { labelDevices(where: [{ field: "power", op: GTE, value: "200" }], setLabels: [{ key: "tier", value: "big" }]) }',
    );
    expect(again.data?.labelDevices).toBe(0);
    const removed = await alice().gql<{ labelDevices: number }>('mutation { labelDevices(removeGroups: ["fleet"]) }');
    expect(removed.data?.labelDevices).toBe(3);
    expect(code(await anonymous().gql('mutation { labelDevices(addGroups: ["x"]) }'))).toBe('UNAUTHENTICATED');
    // A bulk edit that would take one device past a bound changes none.
    const full = Array.from({ length: 19 }, (_, i) => `{ key: "k${i}", value: "v" }`).join(',');
    await alice().gql(`mutation { updateDevice(serial: "a4", labels: [${full}]) { name } }`);
    const over = await alice().gql(
      'mutation { labelDevices(setLabels: [{ key: "x1", value: "1" }, { key: "x2", value: "2" }]) }',
    );
    expect(message(over)).toMatch(/at most 20 labels/);
    const a3 = await alice().gql<{ device: { label: string | null } }>('{ device(serial: "a3") { label(key: "x1") } }');
    expect(a3.data?.device.label).toBeNull();
  });

  it('carries names, labels and groups in exports', async () => {
    const csv = await (await alice().fetch('/export.csv?device=a1&param=power')).text();
    const [header, row] = csv.trim().split('\r\n');
    expect(header).toBe('device,parameter,t,value,name,labels,groups');
    expect(row).toMatch(/^a1,power,[^,]+,100,Roof east,customer=acme;site=vienna,north;pilot$/);
    const ndjson = await (await alice().fetch('/export.ndjson?device=a1&device=a3&param=power')).text();
    const [a1, a3] = ndjson
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(a1).toMatchObject({
      device: 'a1',
      name: 'Roof east',
      labels: { customer: 'acme', site: 'vienna' },
      groups: ['north', 'pilot'],
    });
    expect(a3).toMatchObject({ device: 'a3', labels: { tier: 'big' } });
  });

  it('aggregates only the devices the caller sees: fleetHistory and fleetStats', async () => {
    const history = async (c: SessionClient, extra = '') =>
      c.gql<{
        fleetHistory: Array<{ group: string | null; devices: number; points: Array<{ value: number; devices: number }> }>;
      }>(`{ fleetHistory(name: "power", bucketSeconds: 3600${extra}) { group devices points { value devices } } }`);
    const mine = await eventually(
      () => history(alice()),
      (r) => r.data?.fleetHistory[0]?.points.length === 1,
    );
    expect(mine.data?.fleetHistory).toEqual([{ group: null, devices: 4, points: [{ value: 1600, devices: 4 }] }]);
    const his = await history(bob());
    expect(his.data?.fleetHistory).toEqual([{ group: null, devices: 2, points: [{ value: 12000, devices: 2 }] }]);
    const avg = await history(alice(), ', agg: AVG, groupBy: "label:site"');
    expect(avg.data?.fleetHistory).toEqual([
      { group: null, devices: 2, points: [{ value: 650, devices: 2 }] },
      { group: 'graz', devices: 1, points: [{ value: 200, devices: 1 }] },
      { group: 'vienna', devices: 1, points: [{ value: 100, devices: 1 }] },
    ]);
    const longGroup = await alice().gql(`{ fleetHistory(name: "power", groupBy: "${'x'.repeat(101)}") { devices } }`);
    expect(message(longGroup)).toMatch(/groupBy is at most 100 characters/);
    const identifier = await alice().gql('{ fleetHistory(name: "postcode") { devices } }');
    expect(message(identifier)).toMatch(/identifier: only COUNT/);
    expect(code(await anonymous().gql('{ fleetHistory(name: "power") { devices } }'))).toBe('UNAUTHENTICATED');

    const stats = await alice().gql<{
      fleetStats: {
        total: number;
        online: number;
        inAlert: number;
        values: Array<{ name: string; sum: number; avg: number; devices: number }>;
        histogram: { buckets: Array<{ count: number }> };
        outliers: Array<{ device: { serial: string } }>;
      };
    }>(
      '{ fleetStats { total online inAlert values(names: ["power"]) { name sum avg devices } histogram(name: "power", buckets: 3) { buckets { count } } outliers(name: "power", minDeviation: 1.5) { device { serial } } } }',
    );
    expect(stats.errors).toBeUndefined();
    expect(stats.data?.fleetStats).toEqual({
      total: 4,
      online: 4,
      inAlert: 0,
      values: [{ name: 'power', sum: 1600, avg: 400, devices: 4 }],
      histogram: { buckets: [{ count: 3 }, { count: 0 }, { count: 1 }] },
      outliers: [{ device: { serial: 'a4' } }],
    });
    const filtered = await bob().gql<{ fleetStats: { total: number; values: Array<{ sum: number }> } }>(
      '{ fleetStats(where: [{ field: "power", op: GT, value: "6000" }]) { total values(names: ["power"]) { sum } } }',
    );
    expect(filtered.data?.fleetStats).toEqual({ total: 1, values: [{ sum: 7000 }] });
    expect(code(await anonymous().gql('{ fleetStats { total } }'))).toBe('UNAUTHENTICATED');
  });

  it('lets admins set how a parameter is shown, with SolMate defaults; owners only read it', async () => {
    const read = async (c: SessionClient) =>
      (
        await c.gql<{
          parameters: Array<{
            name: string;
            label: string;
            unit: string | null;
            quantity: string;
            precision: number | null;
            customized: boolean;
          }>;
        }>('{ parameters { name label unit quantity precision customized } }')
      ).data?.parameters;
    const defaults = await read(alice());
    expect(defaults?.find((p) => p.name === 'battery')).toEqual({
      name: 'battery',
      label: 'Battery',
      unit: '%',
      quantity: 'MEASUREMENT',
      precision: 0,
      customized: false,
    });
    expect(defaults?.find((p) => p.name === 'postcode')?.quantity).toBe('IDENTIFIER');
    expect(defaults?.find((p) => p.name === 'power')).toMatchObject({ label: 'Power', unit: null, quantity: 'MEASUREMENT' });
    const owner = await alice().gql('mutation { updateParameter(name: "power", unit: "W") { unit } }');
    expect(code(owner)).toBe('FORBIDDEN');
    const set = await (users.admin as SessionClient).gql<{ updateParameter: { label: string; unit: string; precision: number } }>(
      'mutation { updateParameter(name: "power", label: "AC power", unit: "W", precision: 1, quantity: COUNTER) { label unit precision } }',
    );
    expect(set.data?.updateParameter).toEqual({ label: 'AC power', unit: 'W', precision: 1 });
    expect((await read(alice()))?.find((p) => p.name === 'power')).toMatchObject({
      label: 'AC power',
      unit: 'W',
      quantity: 'COUNTER',
      customized: true,
    });
    const bad = await (users.admin as SessionClient).gql('mutation { updateParameter(name: "power", precision: 9) { unit } }');
    expect(message(bad)).toMatch(/precision must be/);
    // Back to the defaults for the rest of the file.
    await (users.admin as SessionClient).gql('mutation { updateParameter(name: "power") { unit } }');
  });

  it('remembers a user’s overview settings for them alone', async () => {
    const config = { tiles: [{ name: 'power', agg: 'SUM' }] };
    const set = await alice().gql('mutation($v: JSON) { setPreference(key: overview, value: $v) }', { v: config });
    expect(set.errors).toBeUndefined();
    expect((await alice().gql<{ preference: unknown }>('{ preference(key: overview) }')).data?.preference).toEqual(config);
    expect((await bob().gql<{ preference: unknown }>('{ preference(key: overview) }')).data?.preference).toBeNull();
    expect(code(await anonymous().gql('{ preference(key: overview) }'))).toBe('UNAUTHENTICATED');
    const big = await alice().gql('mutation($v: JSON) { setPreference(key: overview, value: $v) }', { v: 'x'.repeat(20_000) });
    expect(message(big)).toMatch(/at most 16384 characters/);
  });

  it('tells live subscribers of a change of name or labels', async () => {
    const client = alice().ws();
    const batches: Array<{ updates: Array<{ serial: string; meta: { name: string | null } | null }> }> = [];
    const stop = client.subscribe<{ deviceUpdates: (typeof batches)[number] }>(
      {
        query:
          'subscription { deviceUpdates(where: [{ field: "label:site", op: EQUALS, value: "linz" }]) { updates { serial meta { name } } } }',
      },
      { next: (m) => m.data && batches.push(m.data.deviceUpdates), error: () => {}, complete: () => {} },
    );
    await new Promise((r) => setTimeout(r, 200));
    await alice().gql(
      'mutation { updateDevice(serial: "a3", name: "Garage", labels: [{ key: "site", value: "linz" }]) { name } }',
    );
    const seen = await eventually(
      () => batches.flatMap((b) => b.updates),
      (u) => u.some((x) => x.serial === 'a3' && x.meta?.name === 'Garage'),
    );
    expect(seen.length).toBeGreaterThan(0);
    stop();
    await client.dispose();
  });
});

describe('fleet metadata after a restart', () => {
  it('loads names, labels, groups and parameter metadata from the database', async () => {
    const dir = tempDir();
    try {
      const first = await startServer({ dataDir: dir.path });
      const d = await connectDevice(first.deviceUrl);
      expect((await d.update(0, 'r1', { power: 1 })).ok).toBe(true);
      const lab = new SessionClient(first.url);
      await lab.gql(
        'mutation { updateDevice(serial: "r1", name: "Barn", labels: [{ key: "site", value: "x" }], groups: ["g"]) { name } }',
      );
      await lab.gql('mutation { updateParameter(name: "power", unit: "kW") { unit } }');
      d.ws.terminate();
      await first.close();
      const second = await startServer({ dataDir: dir.path });
      const read = await new SessionClient(second.url).gql<{
        device: { name: string; labels: Array<{ key: string; value: string }>; groups: string[] };
        parameters: Array<{ name: string; unit: string }>;
      }>('{ device(serial: "r1") { name labels { key value } groups } parameters { name unit } }');
      expect(read.data?.device).toEqual({ name: 'Barn', labels: [{ key: 'site', value: 'x' }], groups: ['g'] });
      expect(read.data?.parameters.find((p) => p.name === 'power')?.unit).toBe('kW');
      await second.close();
    } finally {
      dir.remove();
    }
  });
});
