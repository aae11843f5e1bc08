import { WebSocket } from 'ws';
import { type Answer, formatDeviceFrame, parseAnswer } from '../../protocol/frames.ts';
import type { Scalar } from '../../protocol/values.ts';

/** A raw device socket for tests: every text frame received is queued and can be awaited. */
export class TestDevice {
  readonly ws: WebSocket;
  readonly received: string[] = [];
  private readonly waiters: Array<(text: string) => void> = [];
  private readonly failers = new Set<(err: Error) => void>();
  private isClosed = false;
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly opened: Promise<void>;

  constructor(url: string, options: { autoPong?: boolean; headers?: Record<string, string> } = {}) {
    this.ws = new WebSocket(url, { autoPong: options.autoPong ?? true, headers: options.headers });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.ws.on('message', (data) => {
      const text = data.toString();
      const waiter = this.waiters.shift();
      if (waiter) waiter(text);
      else this.received.push(text);
    });
    this.closed = new Promise((resolve) => {
      this.ws.once('close', (code, reason) => {
        this.isClosed = true;
        for (const fail of this.failers) fail(new Error(`socket closed (${code}) before the server answered`));
        resolve({ code, reason: reason.toString() });
      });
    });
  }

  /** The next text frame from the server. */
  next(timeoutMs = 5000): Promise<string> {
    const queued = this.received.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.isClosed) return Promise.reject(new Error('socket closed'));
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.failers.delete(fail);
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
      };
      const fail = (err: Error) => {
        done();
        reject(err);
      };
      const timer = setTimeout(() => fail(new Error(`no frame from the server within ${timeoutMs} ms`)), timeoutMs);
      const waiter = (text: string) => {
        done();
        resolve(text);
      };
      this.waiters.push(waiter);
      this.failers.add(fail);
    });
  }

  async nextAnswer(timeoutMs = 5000): Promise<Answer> {
    const text = await this.next(timeoutMs);
    const answer = parseAnswer(text);
    if (!answer) throw new Error(`not an answer: ${text}`);
    return answer;
  }

  send(text: string): void {
    this.ws.send(text);
  }

  /** Sends a frame and waits for its answer. */
  async request(text: string): Promise<Answer> {
    this.send(text);
    return this.nextAnswer();
  }

  update(msgid: number, serial: string, body: Record<string, Scalar>, type: 'INIT' | 'UPDT' = 'UPDT'): Promise<Answer> {
    return this.request(formatDeviceFrame(type, msgid, serial, body));
  }

  close(): Promise<{ code: number; reason: string }> {
    this.ws.close();
    return this.closed;
  }
}

/** Connects and consumes the welcome frame. */
export async function connectDevice(
  url: string,
  options?: { autoPong?: boolean; headers?: Record<string, string> },
): Promise<TestDevice> {
  const device = new TestDevice(url, options);
  await device.opened;
  await device.next();
  return device;
}

/** The HTTP status a device handshake gets (101 when it becomes a socket). */
export async function handshake(url: string, headers: Record<string, string> = {}): Promise<number> {
  const d = new TestDevice(url, { headers });
  try {
    await d.opened;
    await d.close();
    return 101;
  } catch (err) {
    return Number(/Unexpected server response: (\d+)/.exec((err as Error).message)?.[1] ?? 0);
  }
}
