import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface HookCall {
  headers: IncomingHttpHeaders;
  body: string;
  json: Record<string, unknown>;
  at: number;
}

/** A webhook receiver on a free port: records every call; `failNext` answers that many calls with 500. */
export class HookReceiver {
  readonly calls: HookCall[] = [];
  failNext = 0;
  /** Calls received but never answered (the sender crashes meanwhile), counted. */
  hangNext = 0;
  hung = 0;
  private server: Server | null = null;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        if (this.hangNext > 0) {
          this.hangNext--;
          this.hung++;
          return;
        }
        if (this.failNext > 0) {
          this.failNext--;
          res.writeHead(500).end('try later');
          return;
        }
        let json: Record<string, unknown> = {};
        try {
          json = JSON.parse(body) as Record<string, unknown>;
        } catch {}
        this.calls.push({ headers: req.headers, body, json, at: Date.now() });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
    return this;
  }

  of(kind: string, serial?: string): HookCall[] {
    return this.calls.filter((c) => c.json.kind === kind && (serial === undefined || c.json.serial === serial));
  }

  close(): Promise<void> {
    this.server?.closeAllConnections();
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

export interface Mail {
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP server on a free port (no TLS, no auth), keeping every message. */
export async function startSmtp(): Promise<{ port: number; mails: Mail[]; close(): Promise<void> }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (c: Buffer) => {
        raw += c.toString();
      });
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
        });
        callback();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.server.address() as AddressInfo).port;
  return { port, mails, close: () => new Promise((r) => server.close(() => r())) };
}
