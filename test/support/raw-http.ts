import { connect } from 'node:net';

/**
 * Sends raw bytes to the server and resolves with everything it answers until it closes the connection
 * (or the timeout): for requests no well-behaved client library would send.
 */
export function rawRequest(baseUrl: string, text: string, timeoutMs = 3000): Promise<string> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(answer);
    }, timeoutMs);
    socket.on('data', (d) => {
      answer += d.toString('latin1');
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      if (answer) resolve(answer);
      else reject(err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer);
    });
    socket.write(text);
  });
}

/** A WebSocket handshake with the given extra header lines; resolves with the status line. */
export async function upgrade(baseUrl: string, path: string, headers: Record<string, string>): Promise<string> {
  const { host } = new URL(baseUrl);
  const lines = [
    `GET ${path} HTTP/1.1`,
    `Host: ${host}`,
    'Connection: Upgrade',
    'Upgrade: websocket',
    'Sec-WebSocket-Version: 13',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  const answer = await rawRequest(baseUrl, `${lines.join('\r\n')}\r\n\r\n`, 1500);
  return answer.split('\r\n', 1)[0] ?? '';
}
