import { createHmac } from 'node:crypto';
import { createTransport, type Transporter } from 'nodemailer';
import type { Logger } from '../logger.ts';
import type { Db } from '../storage/database.ts';
import { httpPost } from './http-post.ts';

/** Bounds of the outbox (docs/alerts.md). */
export const NOTIFY_LIMITS = {
  /** Backoff between attempts: full jitter up to 2^n seconds, at most this. */
  maxBackoffMs: 300_000,
  /** A webhook or SMTP server that does not answer within this fails the attempt. */
  timeoutMs: 10_000,
  /** Notifications sent at once per round. */
  batch: 50,
} as const;

/** Kicks within this long make one round (one read and one write of the outbox, not one per transition). */
const ROUND_EVERY_MS = 100;

/** When the next attempt is due: full jitter, 1 s, 2 s, 4 s … up to 5 min. */
export function backoffMs(attempts: number, random = Math.random): number {
  return Math.round(random() * Math.min(NOTIFY_LIMITS.maxBackoffMs, 1000 * 2 ** attempts));
}

/**
 * The signature a webhook receiver checks: HMAC-SHA256 with the channel's secret over `<timestamp>.<body>`,
 * hex, in `X-SmartOS-Signature: sha256=<hex>` beside `X-SmartOS-Timestamp` (reject old timestamps: no replays).
 */
export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

type Row = Awaited<ReturnType<Db['notification']['findFirstOrThrow']>>;
type Channel = Awaited<ReturnType<Db['notificationChannel']['findFirstOrThrow']>>;

export interface NotifierOptions {
  smtpUrl: string | undefined;
  smtpFrom: string;
  /** Attempts before a notification is dead (listed in the dashboard, sent no more). */
  maxAttempts: number;
}

/**
 * Sends the outbox: each PENDING notification due, to its channel (a signed webhook POST, or an e-mail);
 * a failure is tried again with backoff, and after its attempts it is DEAD. Runs where the alerts lease is
 * held, so each notification goes out once (a crash between sending and marking sends it again: receivers
 * deduplicate by `id`).
 */
export class Notifier {
  private mail: Transporter | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private again = false;

  constructor(
    private readonly db: Db,
    private readonly options: NotifierOptions,
    private readonly log: Logger,
    private readonly active: () => boolean,
  ) {
    if (options.smtpUrl) {
      const url = new URL(options.smtpUrl);
      url.searchParams.set('connectionTimeout', String(NOTIFY_LIMITS.timeoutMs));
      url.searchParams.set('socketTimeout', String(NOTIFY_LIMITS.timeoutMs));
      this.mail = createTransport(url.toString());
    }
  }

  /**
   * Sends what is due: now, or ROUND_EVERY_MS after the last round began (kicks close together make one round);
   * then sleeps until the next attempt.
   */
  kick(): void {
    if (this.kicked) return;
    const wait = Math.max(0, this.lastRound + ROUND_EVERY_MS - performance.now());
    this.kicked = setTimeout(() => {
      this.kicked = null;
      this.startRound();
    }, wait);
    this.kicked.unref?.();
  }

  private kicked: NodeJS.Timeout | null = null;
  private lastRound = Number.NEGATIVE_INFINITY;

  private startRound(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.running = true;
    this.lastRound = performance.now();
    this.round()
      .catch((err: Error) => this.log.warn({ err: err.message }, 'sending notifications failed'))
      .finally(() => {
        this.running = false;
        if (this.again) {
          this.again = false;
          this.startRound();
        }
      });
  }

  stop(): void {
    if (this.kicked) clearTimeout(this.kicked);
    this.kicked = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.mail?.close();
  }

  private async round(): Promise<void> {
    for (;;) {
      if (!this.active()) return;
      const now = new Date();
      const due = await this.db.notification.findMany({
        where: { state: 'PENDING', nextAt: { lte: now } },
        orderBy: { id: 'asc' },
        take: NOTIFY_LIMITS.batch,
      });
      if (due.length === 0) break;
      const channels = new Map(
        (await this.db.notificationChannel.findMany({ where: { id: { in: [...new Set(due.map((n) => n.channelId))] } } })).map(
          (c) => [c.id, c],
        ),
      );
      const sent = (await Promise.all(due.map((n) => this.send(n, channels.get(n.channelId) ?? null)))).filter(
        (id): id is number => id !== null,
      );
      // Those that went out, marked in one statement.
      if (sent.length > 0)
        await this.db.notification.updateMany({
          where: { id: { in: sent } },
          data: { state: 'SENT', sentAt: new Date(), lastError: null, attempts: { increment: 1 } },
        });
      if (due.length < NOTIFY_LIMITS.batch) break;
    }
    const next = await this.db.notification.findFirst({ where: { state: 'PENDING' }, orderBy: { nextAt: 'asc' } });
    if (next && this.active()) {
      const wait = Math.max(0, Math.min(60_000, next.nextAt.getTime() - Date.now()));
      this.timer = setTimeout(() => this.startRound(), wait);
      this.timer.unref();
    }
  }

  /** One attempt; resolves with the id when it went out (marked with the others), else records the failure. */
  private async send(n: Row, channel: Channel | null): Promise<number | null> {
    let error: string | null = null;
    try {
      if (!channel) throw new Error('the channel was deleted');
      if (channel.kind === 'WEBHOOK') await this.webhook(n, channel);
      else await this.email(n, channel);
    } catch (err) {
      error = (err as Error).message.slice(0, 500);
    }
    const attempts = n.attempts + 1;
    if (error === null) return n.id;
    const dead = !channel || attempts >= this.options.maxAttempts;
    if (dead) this.log.warn({ notification: n.id, channel: n.channelId, error }, 'notification dead after its attempts');
    await this.db.notification.update({
      where: { id: n.id },
      data: { state: dead ? 'DEAD' : 'PENDING', attempts, lastError: error, nextAt: new Date(Date.now() + backoffMs(attempts)) },
    });
    return null;
  }

  private async webhook(n: Row, channel: Channel): Promise<void> {
    const body = JSON.stringify({ id: n.id, ...(JSON.parse(n.body) as Record<string, unknown>) });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const status = await httpPost(
      new URL(channel.target),
      {
        'content-type': 'application/json',
        'user-agent': 'smart-os-alerts',
        'x-smartos-delivery': String(n.id),
        'x-smartos-event': n.kind,
        'x-smartos-timestamp': timestamp,
        'x-smartos-signature': signature(channel.secret ?? '', timestamp, body),
      },
      body,
      NOTIFY_LIMITS.timeoutMs,
    );
    if (status < 200 || status >= 300) throw new Error(`HTTP ${status}`);
  }

  private async email(n: Row, channel: Channel): Promise<void> {
    if (!this.mail) throw new Error('no SMTP server configured (SMTP_URL)');
    const b = JSON.parse(n.body) as {
      rule: { name: string; severity: string };
      serial: string;
      state: string;
      value: unknown;
      at: string;
      held?: number;
    };
    const subject = `[${b.rule.severity}] ${b.rule.name}: ${b.serial} ${n.kind === 'FLAPPING' ? 'is flapping' : b.state}`;
    const lines = [
      `${b.rule.name} on ${b.serial}: ${n.kind}`,
      `state: ${b.state}, value: ${JSON.stringify(b.value)}, at ${b.at}`,
      ...(b.held !== undefined ? [`${b.held} more changes were held back while it flapped.`] : []),
    ];
    await this.mail.sendMail({ from: this.options.smtpFrom, to: channel.target, subject, text: `${lines.join('\n')}\n` });
  }
}
