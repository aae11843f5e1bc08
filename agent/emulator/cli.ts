#!/usr/bin/env tsx
// `npm run emulate` / `smart-os-emulate`: many emulated devices against a SMART-OS server.
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { z } from 'zod';
import type { BehaviourFactory } from './behaviour.ts';
import { EmulatedFleet } from './fleet.ts';
import { localEnrollmentKey } from './local-key.ts';
import { loadProfile, ProfileError } from './profile.ts';
import { fromProfile } from './profile-behaviour.ts';
import { type Answers, askMissing, DEFAULT_ANSWERS } from './questions.ts';
import { solmate } from './solmate.ts';
import { describe, showStatus } from './status.ts';

const HELP = `Usage: npm run emulate -- [flags]
Without flags, in a terminal, it asks the original emulator's questions (Enter takes the default shown).
With any of the first five flags it asks nothing: what is not given takes its default.

  --devices N          how many devices                         [${DEFAULT_ANSWERS.devices}]
  --pattern P          random | linear | sine (strict monotone, with or without a sine curve)  [${DEFAULT_ANSWERS.pattern}]
  --max N              maximum value of the emulated numbers     [${DEFAULT_ANSWERS.max}]
  --min-sleep S        minimum seconds between two values of one device  [${DEFAULT_ANSWERS.minSleep}]
  --max-sleep S        maximum seconds between two values of one device  [${DEFAULT_ANSWERS.maxSleep}]
  --rate R             value changes per second for the whole fleet (instead of sleeps)
  --url URL            the server's device socket            [ws://127.0.0.1:8000/update/]
  --duration S         stop after S seconds (default: until Ctrl-C)
  --serial-start N     first serial number                   [1]
                       (serials are unique: a second emulator or a replay with the same serials
                       takes over these devices; give each its own range)
  --init               send every value as INIT on the first connection
  --profile FILE       another kind of device (see agent/profiles/*.json); default: the SolMate
  --connect-rate N     new connections per second            [1000]
  --token T            a device token (for one device: use with --devices 1 and its --serial-start)
  --enroll-key K       an enrollment key: new devices are registered to its owner
  --data-dir DIR       where a local server keeps enrollment.key  [$DATA_DIR, else data]
                       (against 127.0.0.1 without --token or --enroll-key, that key is used)
  --protocol 1|2       2: devices take commands (SolMates: switch-mode, reboot, set battery_reserve
                       and inject_limit); 1: exactly the original devices  [2]
  --command-failure-rate F  share of commands that fail, 0 to 1   [0]
  --update-failure-rate F   share of update commands that fail while installing, 0 to 1  [0]
  --unhealthy-after-update-rate F  share of updates that come up, drop out and roll back, 0 to 1  [0]
  --peers MS           v2 SolMates watch their owner's fleet over the IoT channel (one PEER frame per MS
                       at most) and report fleet_battery_avg and peers_online next to their own battery
  --help               this text
`;

const flagsSchema = z
  .object({
    devices: z.coerce.number().int().min(1).max(100_000).optional(),
    pattern: z.enum(['random', 'linear', 'sine']).optional(),
    max: z.coerce.number().positive().finite().optional(),
    minSleep: z.coerce.number().min(0).max(86_400).optional(),
    maxSleep: z.coerce.number().min(0).max(86_400).optional(),
    rate: z.coerce.number().positive().max(1_000_000).optional(),
    url: z
      .string()
      .regex(/^wss?:\/\//, 'must start with ws:// or wss://')
      .default('ws://127.0.0.1:8000/update/'),
    duration: z.coerce.number().positive().optional(),
    serialStart: z.coerce.number().int().min(0).default(1),
    init: z.boolean().default(false),
    profile: z.string().optional(),
    connectRate: z.coerce.number().int().min(1).max(100_000).default(1000),
    token: z
      .string()
      .regex(/^sos_d_[\w-]{10,120}$/, 'a device token starts with sos_d_')
      .optional(),
    enrollKey: z
      .string()
      .regex(/^sos_e_[\w-]{10,120}$/, 'an enrollment key starts with sos_e_')
      .optional(),
    dataDir: z
      .string()
      .min(1)
      .default(process.env.DATA_DIR || 'data'),
    protocol: z.enum(['1', '2']).default('2'),
    commandFailureRate: z.coerce.number().min(0).max(1).default(0),
    updateFailureRate: z.coerce.number().min(0).max(1).default(0),
    unhealthyAfterUpdateRate: z.coerce.number().min(0).max(1).default(0),
    peers: z.coerce.number().int().min(100).max(60_000).optional(),
  })
  .refine((f) => !(f.token && f.enrollKey), { message: 'give --token or --enroll-key, not both' })
  .refine((f) => f.minSleep === undefined || f.maxSleep === undefined || f.minSleep <= f.maxSleep, {
    message: '--min-sleep must not exceed --max-sleep',
  });

function fail(message: string, code = 2): never {
  process.stderr.write(`smart-os-emulate: ${message}\n`);
  process.exit(code);
}

function readFlags() {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      options: {
        devices: { type: 'string' },
        pattern: { type: 'string' },
        max: { type: 'string' },
        'min-sleep': { type: 'string' },
        'max-sleep': { type: 'string' },
        rate: { type: 'string' },
        url: { type: 'string' },
        duration: { type: 'string' },
        'serial-start': { type: 'string' },
        init: { type: 'boolean' },
        profile: { type: 'string' },
        'connect-rate': { type: 'string' },
        token: { type: 'string' },
        'enroll-key': { type: 'string' },
        'data-dir': { type: 'string' },
        protocol: { type: 'string' },
        'command-failure-rate': { type: 'string' },
        'update-failure-rate': { type: 'string' },
        'unhealthy-after-update-rate': { type: 'string' },
        peers: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (err) {
    fail(`${(err as Error).message}\n\n${HELP}`);
  }
  if (values.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  const camel = Object.fromEntries(
    Object.entries(values).map(([k, v]) => [k.replace(/-(\w)/g, (_, c: string) => c.toUpperCase()), v]),
  );
  const parsed = flagsSchema.safeParse(camel);
  if (!parsed.success) fail(parsed.error.issues.map((i) => `${i.path.join('.') || 'flags'}: ${i.message}`).join('\n'));
  return parsed.data;
}

/** One socket to the server first: a clear message beats ten thousand silent retries. */
function probe(url: string, credential: string | undefined): Promise<string | null> {
  return new Promise((resolve) => {
    const headers = credential ? { authorization: `Bearer ${credential}` } : undefined;
    const ws = new WebSocket(url, { handshakeTimeout: 5000, headers });
    ws.once('message', () => {
      ws.close();
      resolve(null);
    });
    ws.once('error', (err) => resolve(err.message));
    ws.once('close', () => resolve('the server closed the connection'));
  });
}

const flags = readFlags();
const given: Partial<Answers> = {
  devices: flags.devices,
  pattern: flags.pattern,
  max: flags.max,
  minSleep: flags.minSleep,
  maxSleep: flags.maxSleep,
};
const askSleeps = flags.rate === undefined;
// Questions only for a bare `npm run emulate` in a terminal: a command line that says anything of the
// kind is a script, and takes the defaults for the rest.
const saysSomething =
  Object.values(given).some((v) => v !== undefined) || flags.rate !== undefined || flags.profile !== undefined;
const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY) && !saysSomething;
let answers: Answers;
try {
  answers = interactive
    ? await askMissing(given, askSleeps)
    : { ...DEFAULT_ANSWERS, ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) };
} catch (err) {
  if ((err as Error).name === 'ExitPromptError') process.exit(130); // Ctrl-C at a question
  throw err;
}

let behaviour: BehaviourFactory;
let serialPrefix = '';
let what = `SolMate device(s) against ${flags.url}: ${answers.pattern} values up to ${answers.max}`;
try {
  if (flags.profile) {
    const profile = loadProfile(flags.profile);
    behaviour = fromProfile(profile, answers);
    serialPrefix = profile.serialPrefix;
    const names = profile.parameters.map((p) => p.name);
    const listed = `${names.slice(0, 6).join(', ')}${names.length > 6 ? ', …' : ''}`;
    what = `${profile.name} device(s) against ${flags.url}: ${names.length} parameter(s) (${listed}) as the profile says`;
  } else {
    behaviour = solmate(answers);
  }
} catch (err) {
  if (err instanceof ProfileError) fail(err.message);
  throw err;
}

const loopback = /^wss?:\/\/(127\.0\.0\.1|localhost)[:/]/.test(flags.url);
let credential = flags.token ?? flags.enrollKey;
let problem: string | null;
const local = credential === undefined && loopback ? localEnrollmentKey(flags.dataDir) : undefined;
if (local && (await probe(flags.url, local)) === null) {
  credential = local;
  problem = null;
  process.stderr.write(`using the local enrollment key in ${flags.dataDir}/enrollment.key\n`);
} else {
  // No local key, or it belongs to another server: go without, like the original devices.
  problem = await probe(flags.url, credential);
}
if (problem) fail(`cannot connect to ${flags.url}: ${problem}`, 1);
const fleet = new EmulatedFleet({
  url: flags.url,
  devices: answers.devices,
  serialStart: flags.serialStart,
  serialPrefix,
  init: flags.init,
  behaviour,
  minSleepS: answers.minSleep,
  maxSleepS: answers.maxSleep,
  rate: flags.rate,
  connectPerSecond: flags.connectRate,
  credential,
  protocol: flags.protocol === '1' ? 1 : 2,
  commandFailureRate: flags.commandFailureRate,
  updateFailureRate: flags.updateFailureRate,
  unhealthyAfterUpdateRate: flags.unhealthyAfterUpdateRate,
  peersIntervalMs: flags.peers,
  // One loopback address has about 28,000 ephemeral ports; beyond that, use more source addresses.
  localAddresses: loopback && answers.devices > 20_000 ? Array.from({ length: 8 }, (_, i) => `127.0.0.${i + 1}`) : undefined,
});
const tty = Boolean(process.stdout.isTTY);
console.log(
  `emulating ${answers.devices} ${what}, ${flags.rate ? `${flags.rate} changes/s in all` : `every ${answers.minSleep}–${answers.maxSleep} s`}`,
);
const started = Date.now();
const status = showStatus(fleet, answers.devices, tty);

let stopping = false;
async function stop(reason: string): Promise<never> {
  if (stopping) process.exit(1);
  stopping = true;
  status.stop();
  const connected = fleet.stats().connected;
  await fleet.stop();
  const s = { ...fleet.stats(), connected };
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `\n${reason} after ${seconds} s. ${describe(s, answers.devices)}; ${s.everConnected} device(s) connected at some point.`,
  );
  process.exit(s.everConnected === 0 ? 1 : 0);
}
process.on('SIGINT', () => void stop('stopped'));
process.on('SIGTERM', () => void stop('stopped'));
if (flags.duration) setTimeout(() => void stop('done'), flags.duration * 1000);

await fleet.start();
// Nothing connected long after every socket was opened: the server refuses these devices.
setTimeout(() => {
  if (fleet.stats().everConnected === 0) void stop('no device could connect');
}, 10_000).unref();
