import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKey, sha256Hex, signRelease } from '../agent/release/signature.ts';
import { applyUpdate } from '../agent/standalone/update.ts';
import { tempDir } from './support/server.ts';

// A script release of about 300 KB (a comment pads it), signed.
const script = Buffer.from(`#!/bin/sh\necho resumed-and-ran\n#${'x'.repeat(300_000)}\n`);
const key = generateSigningKey();
const release = {
  id: 7,
  kind: 'script' as const,
  name: 'fix',
  version: '1.0.0',
  sha256: sha256Hex(script),
  signature: '',
};
release.signature = signRelease(release, key.privateKeyPem);

describe('the agent downloading a release', () => {
  let server: Server;
  let url = '';
  const ranges: Array<string | undefined> = [];
  beforeAll(async () => {
    // The artifact route as the server serves it (Range, If-Range on the ETag), except that the first
    // response is cut off after 100 KB: the network failing mid-download.
    server = createServer((req, res) => {
      ranges.push(req.headers.range);
      const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      const start = m && req.headers['if-range'] === `"${release.sha256}"` ? Number(m[1]) : 0;
      const body = script.subarray(start);
      res.writeHead(start > 0 ? 206 : 200, {
        'content-length': body.length,
        etag: `"${release.sha256}"`,
        ...(start > 0 ? { 'content-range': `bytes ${start}-${script.length - 1}/${script.length}` } : {}),
      });
      if (ranges.length === 1) {
        res.write(body.subarray(0, 100_000), () => res.destroy());
        return;
      }
      res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/update/`;
  });
  afterAll(() => server.close());

  it('continues a cut download where it stopped (Range), verifies it, then runs it', async () => {
    const dir = tempDir('smartos-download-');
    try {
      const progress: Array<[number, string | undefined]> = [];
      const result = await applyUpdate(
        { ...release, healthSeconds: 0 },
        { cmdid: '1', progress: (p, stage) => progress.push([p, stage]) },
        {
          server: url,
          credential: 'sos_d_test',
          settings: { publicKey: key.publicKey, dir: dir.path, maxBytes: 1_000_000, scriptTimeoutSeconds: 10 },
          exit: () => {},
        },
      );
      expect(result).toMatchObject({ ran: 'fix 1.0.0', exitCode: 0, output: expect.stringContaining('resumed-and-ran') });
      expect(ranges[0]).toBeUndefined();
      // The second request asks only for what the first did not bring.
      const resumedAt = Number(/^bytes=(\d+)-$/.exec(ranges[1] ?? '')?.[1]);
      expect(resumedAt).toBeGreaterThan(0);
      expect(resumedAt).toBeLessThan(script.length);
      expect(progress.map(([, s]) => s)).toEqual(expect.arrayContaining(['downloading', 'downloaded', 'verified', 'installing']));
    } finally {
      dir.remove();
    }
  });
});
