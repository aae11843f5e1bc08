import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, upgrade } from '../support/raw-http.ts';
import { startServer, type TestServer } from '../support/server.ts';

describe('handshakes and requests no client should send', () => {
  let server: TestServer;
  let crashes = 0;
  const onCrash = () => {
    crashes++;
  };

  beforeAll(async () => {
    // vitest would report an uncaught exception too; counting it here names the request that caused it.
    process.on('uncaughtException', onCrash);
    server = await startServer({ auth: 'on' });
  });
  afterAll(async () => {
    process.off('uncaughtException', onCrash);
    await server?.close();
  });

  const healthy = async () => (await fetch(`${server.url}/healthz`)).status;

  it('refuses a graphql-ws handshake from a foreign, null or malformed origin, and stays up', async () => {
    for (const origin of ['null', 'http://127.0.0.1:8000.evil.example', '::::', 'http://[::1', 'https://evil.example', '']) {
      const status = await upgrade(server.url, '/graphql', { Origin: origin });
      expect(status, `Origin: ${origin}`).toMatch(/^HTTP\/1\.1 403/);
      expect(await healthy()).toBe(200);
    }
    // The page's own origin still gets its socket.
    expect(
      await upgrade(server.url, '/graphql', { Origin: server.url, 'Sec-WebSocket-Protocol': 'graphql-transport-ws' }),
    ).toMatch(/^HTTP\/1\.1 101/);
    expect(crashes).toBe(0);
  });

  it('answers malformed upgrades and requests with a refusal, never a crash', async () => {
    const cases = [
      'GET /update/?token=%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
      'GET /update/ HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 99\r\n\r\n',
      'GET /graphql HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nOrigin: http://%zz\r\n\r\n',
      'GET /update/ HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nAuthorization: Bearer \r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
      'GET /export.csv?device=%ZZ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      'POST /graphql HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: 5\r\n\r\n{"que',
      'GET /graphql?query=%7B HTTP/1.1\r\nHost: x\r\nConnection: close\r\nx-graphql-yoga-csrf: 1\r\n\r\n',
      'GET //// HTTP/1.1\r\nHost: \r\nConnection: close\r\n\r\n',
      'GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\nCookie: smartos_session=%ZZ%\r\n\r\n',
    ];
    for (const request of cases) {
      const answer = await rawRequest(server.url, request, 1500);
      expect(answer.split('\r\n', 1)[0], request).toMatch(/^HTTP\/1\.1 [2345]\d\d/);
      expect(await healthy()).toBe(200);
    }
    expect(crashes).toBe(0);
  });
});
