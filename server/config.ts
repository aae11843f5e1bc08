import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { parseTrustedProxies } from './http/client-address.ts';
import { isSqliteUrl, sqliteFile } from './storage/sqlite-url.ts';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const bool = z.union([
  z.boolean(),
  z.enum(['true', 'false', '1', '0', 'on', 'off']).transform((v) => ['true', '1', 'on'].includes(v)),
]);

/**
 * Every setting: its environment variable is the UPPER_SNAKE name, its flag the --kebab-name.
 * Flags win over the environment, the environment over the defaults.
 */
const settings = {
  port: { schema: int(0, 65535).default(8000), help: 'HTTP and WebSocket port (0 picks a free one)' },
  host: { schema: z.string().min(1).default('127.0.0.1'), help: 'address to listen on' },
  dataDir: { schema: z.string().min(1).default('data'), help: 'folder for the SQLite database and logs' },
  databaseUrl: {
    schema: z
      .string()
      .regex(/^(file:|postgres(ql)?:\/\/)/, 'must start with file: (SQLite) or postgres:// (PostgreSQL)')
      .optional(),
    help: 'file:<path> for SQLite (default <dataDir>/smart-os.db) or postgres://…',
  },
  redisUrl: {
    schema: z
      .string()
      .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
      .optional(),
    help: 'Redis for pub/sub between instances; in-process when unset',
  },
  unknownDevices: {
    schema: z.enum(['register', 'reject']).default('register'),
    help: 'what to do with a serial never seen before',
  },
  logLevel: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    help: 'fatal | error | warn | info | debug | trace | silent',
  },
  logPretty: { schema: bool.optional(), help: 'human-readable log lines (default: when stdout is a terminal)' },
  batchWindowMs: { schema: int(0, 1000).default(4), help: 'group commit: how long frames wait for others, ms' },
  batchMaxFrames: { schema: int(1, 100_000).default(8192), help: 'group commit: most frames in one transaction' },
  coalesceMs: { schema: int(10, 60_000).default(100), help: 'deviceUpdates: at most one batch per subscriber per window, ms' },
  heartbeatMs: {
    schema: int(1000, 3_600_000).default(30_000),
    help: 'ping interval: a device that answers neither a ping nor with a frame within one interval is dropped and goes offline, ms',
  },
  deviceGateways: {
    schema: int(0, 64).default(0),
    help: 'processes that hold device sockets for this one (0: it holds them itself); for more devices than one process may open files',
  },
  gatewayMaxSockets: {
    schema: int(1, 1_000_000).default(19_000),
    help: 'device sockets one gateway process holds at most (keep under its open-file limit, ulimit -n); more are refused with 503',
  },
  maxFrameBytes: { schema: int(256, 16 * 1024 * 1024).default(64 * 1024), help: 'larger frames close the socket (1009)' },
  maxFramesPerSecond: { schema: int(1, 1_000_000).default(100), help: 'per connection; more closes the socket (1008)' },
  maxStringBytes: { schema: int(1, 1024 * 1024).default(1024), help: 'longest string value, UTF-8 bytes' },
  maxParamsPerDevice: { schema: int(1, 100_000).default(256), help: 'parameters one device may have' },
  maxParameters: { schema: int(1, 1_000_000).default(10_000), help: 'parameter names in the whole catalogue' },
  maxDevices: { schema: int(1, 100_000_000).default(1_000_000), help: 'devices the server registers at most' },
  trafficLog: { schema: bool.default(true), help: 'write every device frame to <dataDir>/log/traffic.jsonl' },
  trafficLogBytes: {
    schema: int(4096, 1024 * 1024 * 1024).default(1024 * 1024),
    help: 'traffic log keeps this many latest bytes',
  },
  retentionRawDays: { schema: int(0, 36_500).default(7), help: 'days raw points are kept (0: for ever)' },
  retentionMinuteDays: { schema: int(0, 36_500).default(90), help: 'days minute rollups are kept (0: for ever)' },
  retentionHourDays: { schema: int(0, 36_500).default(0), help: 'days hour rollups are kept (0: for ever)' },
  auth: {
    schema: z.enum(['on', 'off']).default('on'),
    help: 'off: lab mode, anyone sees and controls every device without signing in (logged loudly)',
  },
  deviceAuth: {
    schema: z.enum(['optional', 'required']).default('optional'),
    help: 'required: devices without a token or enrollment key are refused; optional: they go to the unclaimed list',
  },
  adminPassword: {
    schema: z.string().min(10, 'at least 10 characters').max(256).optional(),
    help: 'password of the admin created at first start (else a random one is printed once)',
  },
  adminPasswordFile: {
    schema: z.string().min(1).optional(),
    help: 'a file holding ADMIN_PASSWORD (for secrets mounted as files)',
  },
  sessionDays: { schema: int(1, 365).default(14), help: 'days a dashboard session lasts' },
  graphiql: { schema: bool.default(true), help: 'serve GraphiQL at /graphql in a browser' },
  introspection: { schema: bool.default(true), help: 'answer schema introspection queries' },
  secureCookies: {
    schema: z.enum(['auto', 'always']).default('auto'),
    help: 'auto: Secure cookies when the request came over HTTPS (X-Forwarded-Proto); always: always',
  },
  trustProxy: {
    schema: z.string().max(4096).default(''),
    help: 'addresses or CIDR ranges of balancers whose X-Forwarded-For names the client (comma-separated; empty: trust none)',
  },
  graphqlMaxCost: {
    schema: int(10, 100_000_000).default(100_000),
    help: 'most a GraphQL operation may cost, about the values its answer may hold: 1 per field, times `limit` under a list, times the points of a history series',
  },
  graphqlMaxDepth: { schema: int(2, 100).default(12), help: 'deepest field nesting a GraphQL operation may have' },
  graphqlMaxAliases: { schema: int(1, 1000).default(15), help: 'aliases a GraphQL operation may have' },
  graphqlMaxTokens: { schema: int(100, 1_000_000).default(5000), help: 'tokens a GraphQL document may have' },
  historySeriesPerRequest: {
    schema: int(1, 100_000).default(200),
    help: 'history series (device × parameter) one GraphQL request may read',
  },
  leaseSeconds: {
    schema: int(3, 300).default(15),
    help: 'how long an instance holds a lease (alert evaluation, each deployment) unrenewed before another takes over',
  },
  fleetCacheMb: {
    schema: int(0, 65_536).default(64),
    help: 'MB of closed rollup units fleetHistory keeps in memory per instance (0: reads the database every time)',
  },
  maxSubscriptionsPerSocket: { schema: int(1, 10_000).default(20), help: 'live subscriptions on one graphql-ws socket' },
  maxSubscriptionsPerUser: {
    schema: int(1, 100_000).default(100),
    help: 'live subscriptions of one user (or token) across all its sockets on this instance',
  },
  releaseMaxBytes: {
    schema: int(1024, 1024 * 1024 * 1024).default(32 * 1024 * 1024),
    help: 'largest release artifact one may publish (stored in the database), bytes',
  },
  observedMaxAgeSeconds: {
    schema: int(60, 366 * 86_400).default(7 * 86_400),
    help: 'a v2 frame observed longer ago than this (sent late from an offline buffer) is refused, seconds',
  },
  peerPageDevices: {
    schema: int(1, 10_000).default(200),
    help: 'IoT channel: most devices in one PEER frame (a larger snapshot or batch of changes goes in several)',
  },
  peerMaxBufferedBytes: {
    schema: int(16 * 1024, 1024 * 1024 * 1024).default(1024 * 1024),
    help: 'IoT channel: a device whose socket holds more unsent bytes than this gets no PEER frame until it drains, then the changes since, coalesced',
  },
  peerResumeSeconds: {
    schema: int(10, 86_400).default(600),
    help: 'IoT channel: a device resuming with `since` older than this (or from before this instance started) gets a fresh snapshot, seconds',
  },
  smtpUrl: {
    schema: z
      .string()
      .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
      .optional(),
    help: 'the SMTP server alert e-mails go through, smtp://user:password@host:587 (unset: no e-mail channels)',
  },
  smtpFrom: { schema: z.string().min(3).max(200).default('SMART-OS <alerts@localhost>'), help: 'the From of alert e-mails' },
  alertRestartGraceSeconds: {
    schema: int(0, 3600).default(60),
    help: 'alerts: presence timers that fell due while no instance evaluated wait this much longer (devices reconnecting after a restart), seconds',
  },
  alertNotifyAttempts: {
    schema: int(1, 100).default(8),
    help: 'alerts: attempts per notification (backoff up to 5 min between them) before it is dead (listed in the dashboard)',
  },
  maxAlertRulesPerUser: { schema: int(1, 1_000_000).default(10_000), help: 'alert rules one user may have' },
  maxChannelsPerUser: { schema: int(1, 10_000).default(50), help: 'notification channels one user may have' },
  maxExportsPerUser: { schema: int(1, 1000).default(2), help: 'exports one user may stream at once (more: 429)' },
  commitTimeoutMs: {
    schema: int(100, 600_000).default(10_000),
    help: 'a commit the database does not answer within this fails: its frames get storageFailed, ms',
  },
  shutdownTimeoutMs: {
    schema: int(1000, 600_000).default(15_000),
    help: 'SIGTERM: exit (status 1) if a graceful stop takes longer than this, ms',
  },
  sqliteSync: {
    schema: z.enum(['FULL', 'NORMAL']).default('FULL'),
    help: 'FULL: an OK survives power loss; NORMAL: it survives a crash of the server',
  },
} as const;

type Settings = typeof settings;
export type SettingName = keyof Settings;
type Parsed = { [K in SettingName]: z.output<Settings[K]['schema']> };

export interface Config extends Omit<Parsed, 'databaseUrl' | 'dataDir' | 'logPretty'> {
  dataDir: string;
  databaseUrl: string;
  provider: 'sqlite' | 'postgres';
  logPretty: boolean;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const names = Object.keys(settings) as SettingName[];

export const envName = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
export const flagName = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Validates raw settings (strings from env/flags, or typed values from tests). */
export function parseConfig(input: Partial<Record<SettingName, unknown>>): Config {
  const shape = Object.fromEntries(names.map((n) => [n, settings[n].schema])) as { [K in SettingName]: Settings[K]['schema'] };
  const result = z.object(shape).strict().safeParse(input);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '');
      const label = key in settings ? `${envName(key)} (--${flagName(key)})` : key;
      return `  ${label}: ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const parsed = result.data as Parsed;
  const dataDir = resolve(parsed.dataDir);
  let databaseUrl = parsed.databaseUrl ?? `file:${join(dataDir, 'smart-os.db')}`;
  const provider = isSqliteUrl(databaseUrl) ? 'sqlite' : 'postgres';
  if (provider === 'sqlite') {
    const path = sqliteFile(databaseUrl);
    if (path === '' || path === ':memory:') {
      throw new ConfigError('invalid configuration:\n  DATABASE_URL: SQLite needs a file, not memory');
    }
    databaseUrl = `file:${isAbsolute(path) ? path : resolve(path)}`;
  }
  try {
    parseTrustedProxies(parsed.trustProxy);
  } catch (err) {
    throw new ConfigError(`invalid configuration:\n  TRUST_PROXY (--trust-proxy): ${(err as Error).message}`);
  }
  let adminPassword = parsed.adminPassword;
  if (parsed.adminPasswordFile) {
    try {
      adminPassword = readFileSync(parsed.adminPasswordFile, 'utf8').trim();
    } catch (err) {
      throw new ConfigError(`invalid configuration:\n  ADMIN_PASSWORD_FILE: ${(err as Error).message}`);
    }
    if (adminPassword.length < 10) throw new ConfigError('invalid configuration:\n  ADMIN_PASSWORD_FILE: at least 10 characters');
  }
  return { ...parsed, adminPassword, dataDir, databaseUrl, provider, logPretty: parsed.logPretty ?? false };
}

/** Reads flags and environment; `help` when --help was asked. */
export function configFromProcess(argv: string[], env: NodeJS.ProcessEnv): Config | 'help' {
  const options = Object.fromEntries(names.map((n) => [flagName(n), { type: 'string' as const }]));
  let flags: Record<string, string | boolean | undefined>;
  try {
    flags = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true }).values;
  } catch (err) {
    throw new ConfigError(`${(err as Error).message}\nRun with --help for the list of settings.`);
  }
  if (flags.help) return 'help';
  const input: Partial<Record<SettingName, unknown>> = {};
  for (const n of names) {
    const value = flags[flagName(n)] ?? env[envName(n)];
    if (value !== undefined && value !== '') input[n] = value;
  }
  input.logPretty ??= process.stdout.isTTY ? 'true' : undefined;
  return parseConfig(input);
}

export function helpText(): string {
  const rows = names.map((n) => {
    const def = settings[n].schema.safeParse(undefined);
    const shown = def.success && def.data !== undefined ? ` [default: ${def.data}]` : '';
    return `  --${flagName(n).padEnd(24)} ${envName(n).padEnd(24)} ${settings[n].help}${shown}`;
  });
  return `Usage: npm start -- [flags]   (every flag is also an environment variable)\n\n${rows.join('\n')}\n`;
}
