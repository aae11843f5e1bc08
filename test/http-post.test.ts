import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpPost } from '../server/alerts/http-post.ts';

describe('webhook POSTs', () => {
  let server: Server;
  let base: string;
  const seen: Array<{ headers: Record<string, unknown>; body: string }> = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        seen.push({ headers: req.headers, body });
        if (req.url === '/hang') return;
        if (req.url === '/redirect') res.writeHead(302, { location: '/ok' });
        else res.writeHead(req.url === '/fail' ? 503 : 204);
        res.end('ignored');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it('sends the body and headers, answers the status (redirects not followed), and gives up after its timeout', async () => {
    expect(await httpPost(new URL(`${base}/ok`), { 'x-test': 'yes' }, '{"ünï":"code"}', 5000)).toBe(204);
    expect(seen[0]).toMatchObject({ headers: { 'x-test': 'yes', 'content-length': '16' }, body: '{"ünï":"code"}' });
    expect(await httpPost(new URL(`${base}/fail`), {}, '{}', 5000)).toBe(503);
    expect(await httpPost(new URL(`${base}/redirect`), {}, '{}', 5000)).toBe(302);
    await expect(httpPost(new URL(`${base}/hang`), {}, '{}', 200)).rejects.toThrow('no answer within 200 ms');
    await expect(httpPost(new URL('http://127.0.0.1:1/'), {}, '{}', 5000)).rejects.toThrow(/ECONNREFUSED/);
  });
});
