// What every benchmark needs of a real server process: start it, find its URL, read its memory.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));

export interface ServerProc {
  proc: ChildProcess;
  url: string;
}

/**
 * The server on a free port, in lab mode (`AUTH=off`: load generators do not sign in; a session
 * costs one cached lookup per request). Resolves with the URL it logs once it listens.
 */
export function startServerProcess(
  flags: string[],
  nodeFlags: string[] = [],
  env: NodeJS.ProcessEnv = {},
  /** `source`: TypeScript through tsx; `dist`: the compiled server `npm start` runs (build it first). */
  entry: 'source' | 'dist' = 'source',
  /** Another checkout to run instead of this one (a before/after comparison). */
  cwd = root,
): Promise<ServerProc> {
  if (entry === 'dist') execFileSync('node_modules/.bin/tsc', ['-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  const main = entry === 'dist' ? ['dist/server/main.js'] : ['--import', 'tsx', 'server/main.ts'];
  const proc = spawn(process.execPath, [...nodeFlags, ...main, ...flags], {
    cwd,
    env: { ...process.env, AUTH: 'off', PORT: '0', LOG_PRETTY: 'false', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    proc.stdout?.on('data', (c: Buffer) => {
      if (process.env.BENCH_SERVER_STDOUT) process.stdout.write(c);
      out += c.toString();
      const m = /"url":"(http:\/\/[^"]+)"/.exec(out);
      if (m?.[1]) resolve({ proc, url: m[1] });
    });
    proc.once('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
}

/** GraphQL over HTTP to a server in lab mode: the data, or an error with the errors. */
export function graphql(url: string) {
  return async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: T; errors?: unknown };
    if (!body.data) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
}

export function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) * 1024;
}

/** The q-quantile (0..1) of a list of samples. */
export function quantile(samples: readonly number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

/** Clock ticks per second of /proc's CPU times. */
export const CLK_TCK = 100;

/** User and system time from a /proc `stat` file, in clock ticks, apart. */
function statUserSystem(path: string): [user: number, system: number] {
  const stat = readFileSync(path, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return [Number(fields[11]), Number(fields[12])];
}

/** User and system time from a /proc `stat` file, in clock ticks. */
function statTicks(path: string): number {
  const [user, system] = statUserSystem(path);
  return user + system;
}

/** User and system CPU time of a process so far (every thread), in clock ticks. */
export function cpuUserSystem(pid: number): [user: number, system: number] {
  return statUserSystem(`/proc/${pid}/stat`);
}

/** The pids of a process's children (a server's gateway processes), those whose command line matches `pattern`. */
export function childPids(pid: number, pattern?: string): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid), ...(pattern ? ['-f', pattern] : [])], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** CPU time a process used so far (user and system, every thread), in clock ticks. */
export function cpuTicks(pid: number): number {
  return statTicks(`/proc/${pid}/stat`);
}

/** The whole machine's busy and total clock ticks so far. */
export function machineTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.split(/\s+/).slice(1).map(Number) ?? [];
  const total = line.reduce((a, b) => a + b, 0);
  const idle = (line[3] ?? 0) + (line[4] ?? 0);
  return { busy: total - idle, total };
}

/** CPU time of a process's main thread (the event loop) so far, in clock ticks. */
export function mainThreadTicks(pid: number): number {
  return statTicks(`/proc/${pid}/task/${pid}/stat`);
}

/** A server's /metrics as `name{labels}` → value. */
export async function scrapeMetrics(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

/** The sum of every series of a metric (all label sets). */
export function metricSum(metrics: Map<string, number>, name: string): number {
  let sum = 0;
  for (const [key, value] of metrics) if (key === name || key.startsWith(`${name}{`)) sum += value;
  return sum;
}
