import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKey, sha256Hex, signRelease, verifyRelease } from '../agent/release/signature.ts';
import { connectDevice } from './support/device.ts';
import { runNode } from './support/process.ts';
import { startServer, type TestServer, tempDir } from './support/server.ts';
import { createPgDatabase, postgresAvailable } from './support/services.ts';
import { SessionClient } from './support/session.ts';

const ADMIN = 'admin password 1';
const PASS = 'owner password 1';
const key = generateSigningKey();

function signed(name: string, version: string, artifact: Buffer, kind: 'software' | 'script' = 'software') {
  return signRelease({ kind, name, version, sha256: sha256Hex(artifact) }, key.privateKeyPem);
}

async function publish(
  url: string,
  auth: string | null,
  name: string,
  version: string,
  artifact: Buffer,
  signature = signed(name, version, artifact),
) {
  const res = await fetch(`${url}/releases`, {
    method: 'POST',
    headers: {
      ...(auth ? { authorization: `Bearer ${auth}` } : {}),
      'content-type': 'application/octet-stream',
      'x-release-name': name,
      'x-release-version': version,
      'x-release-signature': signature,
      'x-release-notes': encodeURIComponent('faster charging; ünïcode'),
    },
    body: new Uint8Array(artifact),
  });
  return { status: res.status, body: (await res.json()) as { id?: number; sha256?: string; error?: string; notes?: string } };
}

const get = (url: string, id: number, auth: string | null, headers: Record<string, string> = {}) =>
  fetch(`${url}/releases/${id}/artifact`, { headers: { ...(auth ? { authorization: `Bearer ${auth}` } : {}), ...headers } });

describe('releases: publish, see, download', () => {
  let server: TestServer;
  const artifact = randomBytes(150_000);
  const tokens: Record<string, string> = {};
  const devices: Record<string, string> = {};
  let id = 0;

  beforeAll(async () => {
    server = await startServer({ auth: 'on', adminPassword: ADMIN, releaseMaxBytes: 200_000 });
    const admin = new SessionClient(server.url);
    await admin.signIn('admin', ADMIN);
    for (const user of ['alice', 'bob']) await server.app.accounts.createUser(user, PASS, 'owner');
    for (const user of ['alice', 'bob', 'admin']) {
      const c = new SessionClient(server.url);
      await c.signIn(user, user === 'admin' ? ADMIN : PASS);
      const made = await c.gql<{ w: { secret: string }; r: { secret: string }; k: { secret: string } }>(
        'mutation { w: createApiToken(scopes: [READ, WRITE]) { secret } r: createApiToken(scopes: [READ]) { secret } k: createEnrollmentKey { secret } }',
      );
      tokens[user] = made.data?.w.secret as string;
      tokens[`${user}-read`] = made.data?.r.secret as string;
      // A device of theirs, enrolled with their key; it downloads with that key's device token.
      const d = await connectDevice(`${server.deviceUrl}?token=${made.data?.k.secret}`);
      expect((await d.update(1, `${user}-box`, { v: 1 })).ok).toBe(true);
      await d.close();
      const t = await c.gql<{ createDeviceToken: { secret: string } }>(
        `mutation { createDeviceToken(serial: "${user}-box") { secret } }`,
      );
      devices[user] = t.data?.createDeviceToken.secret as string;
    }
  });
  afterAll(() => server.close());

  it('publishes with an API token that may write; refuses the rest with the reason', async () => {
    const ok = await publish(server.url, tokens.alice as string, 'solmate-agent', '2.1.0', artifact);
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ sha256: sha256Hex(artifact), notes: 'faster charging; ünïcode' });
    id = ok.body.id as number;
    expect((await publish(server.url, tokens.alice as string, 'solmate-agent', '2.1.0', artifact)).body.error).toBe(
      'solmate-agent 2.1.0 exists already: versions are never replaced',
    );
    expect((await publish(server.url, null, 'x', '1.0.0', artifact)).status).toBe(401);
    expect((await publish(server.url, tokens['alice-read'] as string, 'x', '1.0.0', artifact)).status).toBe(403);
    expect((await publish(server.url, tokens.alice as string, 'x', '1.0', artifact)).body.error).toMatch(/semantic version/);
    expect((await publish(server.url, tokens.alice as string, 'x', '1.0.0', artifact, 'unsigned')).body.error).toMatch(
      /signature/,
    );
    expect((await publish(server.url, tokens.alice as string, 'big', '1.0.0', randomBytes(250_000))).status).toBe(413);
  });

  it('shows a release to its publisher and admins only', async () => {
    const as = async (user: string) => {
      const c = new SessionClient(server.url);
      await c.signIn(user, user === 'admin' ? ADMIN : PASS);
      return c;
    };
    const alice = await as('alice');
    const mine = await alice.gql<{ releases: Array<{ name: string; publishedBy: string; artifactPath: string; size: number }> }>(
      '{ releases { name version kind publishedBy artifactPath size } }',
    );
    expect(mine.data?.releases).toEqual([
      {
        name: 'solmate-agent',
        version: '2.1.0',
        kind: 'SOFTWARE',
        publishedBy: 'alice',
        artifactPath: `/releases/${id}/artifact`,
        size: 150_000,
      },
    ]);
    const bob = await as('bob');
    expect((await bob.gql('{ releases { id } }')).data).toEqual({ releases: [] });
    expect((await bob.gql(`{ release(id: ${id}) { id } }`)).errors?.[0]?.message).toBe(`no release ${id} of yours`);
    expect((await bob.gql(`mutation { deleteRelease(id: ${id}) }`)).errors?.[0]?.message).toBe(`no release ${id} of yours`);
    expect((await new SessionClient(server.url).gql('{ releases { id } }')).errors?.[0]?.extensions?.code).toBe(
      'UNAUTHENTICATED',
    );
    expect(((await (await as('admin')).gql('{ releases { id } }')).data as { releases: unknown[] }).releases).toHaveLength(1);
  });

  it('lets its owner’s devices download it whole or in pieces (Range, ETag), and nobody else', async () => {
    const whole = await get(server.url, id, devices.alice as string);
    expect(whole.status).toBe(200);
    const etag = whole.headers.get('etag') as string;
    expect(etag).toBe(`"${sha256Hex(artifact)}"`);
    const body = Buffer.from(await whole.arrayBuffer());
    expect(
      verifyRelease(
        { kind: 'software', name: 'solmate-agent', version: '2.1.0', sha256: sha256Hex(body) },
        signed('solmate-agent', '2.1.0', artifact),
        key.publicKey,
        body,
      ),
    ).toBe(true);

    // A cut download resumes where it stopped.
    const first = await get(server.url, id, devices.alice as string, { range: 'bytes=0-49999' });
    expect(first.status).toBe(206);
    expect(first.headers.get('content-range')).toBe('bytes 0-49999/150000');
    const rest = await get(server.url, id, devices.alice as string, { range: 'bytes=50000-', 'if-range': etag });
    expect(rest.status).toBe(206);
    expect(Buffer.concat([Buffer.from(await first.arrayBuffer()), Buffer.from(await rest.arrayBuffer())]).equals(artifact)).toBe(
      true,
    );
    expect((await get(server.url, id, devices.alice as string, { range: 'bytes=0-9', 'if-range': '"other"' })).status).toBe(200);
    expect((await get(server.url, id, devices.alice as string, { 'if-none-match': etag })).status).toBe(304);
    expect((await get(server.url, id, devices.alice as string, { range: 'bytes=200000-' })).status).toBe(416);

    expect((await get(server.url, id, devices.bob as string)).status).toBe(404);
    expect((await get(server.url, id, null)).status).toBe(401);
    expect((await get(server.url, id, 'sos_d_not-a-real-token-at-all')).status).toBe(401);
    expect((await get(server.url, 999, devices.alice as string)).status).toBe(404);
  });

  it('publishes from the command line (npm run release -- publish), as in a CI job', async () => {
    const dir = tempDir('smartos-publish-');
    try {
      const pem = join(dir.path, 'release-key.pem');
      writeFileSync(pem, key.privateKeyPem);
      const file = join(dir.path, 'fix.sh');
      writeFileSync(file, '#!/bin/sh\necho fixed\n');
      const cli = (version: string, token: string) =>
        runNode(
          [
            'agent/release/cli.ts',
            'publish',
            '--file',
            file,
            '--name',
            'hotfix',
            '--version',
            version,
            '--kind',
            'script',
            '--key',
            pem,
            '--server',
            server.url,
          ],
          { SMARTOS_TOKEN: token },
        );
      const ok = await cli('1.0.0', tokens.alice as string);
      expect(ok.status, ok.stderr).toBe(0);
      const released = Number(/as release (\d+)/.exec(ok.stdout)?.[1]);
      const got = await get(server.url, released, devices.alice as string);
      const bytes = Buffer.from(await got.arrayBuffer());
      expect(
        verifyRelease(
          { kind: 'script', name: 'hotfix', version: '1.0.0', sha256: sha256Hex(bytes) },
          signed('hotfix', '1.0.0', bytes, 'script'),
          key.publicKey,
          bytes,
        ),
      ).toBe(true);
      const again = await cli('1.0.0', tokens.alice as string);
      expect(again.status).toBe(1);
      expect(again.stderr).toMatch(/refused it \(400\): hotfix 1\.0\.0 exists already/);
      expect((await cli('1.0.1', tokens['alice-read'] as string)).stderr).toMatch(
        /refused it \(403\): this API token lacks the write scope/,
      );
    } finally {
      dir.remove();
    }
  });

  it('lets every device fetch what an admin published', async () => {
    const admin = await publish(server.url, tokens.admin as string, 'fleet-fix', '1.0.0', Buffer.from('echo fixed'));
    expect(admin.status).toBe(201);
    expect((await get(server.url, admin.body.id as number, devices.bob as string)).status).toBe(200);
  });
});

describe.skipIf(!(await postgresAvailable()))('releases across instances (PostgreSQL)', () => {
  it('serves an artifact published on one instance through another', async () => {
    const db = await createPgDatabase();
    const a = await startServer({ databaseUrl: db.url });
    const b = await startServer({ databaseUrl: db.url });
    try {
      const artifact = randomBytes(10_000);
      const made = await publish(a.url, null, 'across', '1.0.0', artifact);
      expect(made.status).toBe(201);
      const got = await get(b.url, made.body.id as number, null);
      expect(Buffer.from(await got.arrayBuffer()).equals(artifact)).toBe(true);
    } finally {
      await a.close();
      await b.close();
      await db.drop();
    }
  });
});
