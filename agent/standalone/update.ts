// The agent's `update` command: download a release with the device's own credential (resuming a cut
// download), verify its digest and the publisher's signature with the public key in this config, then
// install software into versions/<version> and switch the `current` link atomically (the service manager
// starts the new one), or run a script once with a timeout and bounded output.
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RELEASE_NAME_PATTERN, rollbackMark, SEMVER_PATTERN } from '../../protocol/releases.ts';
import type { CommandContext } from '../commands.ts';
import { type ReleaseIdentity, verifyRelease } from '../release/signature.ts';
import { runScript } from '../run-scripts.ts';
import { beginTrial, currentTarget, switchLink } from './trial.ts';

export interface UpdateSettings {
  /** The publisher's public key (`ed25519:…`): nothing else is ever installed or run. */
  publicKey: string;
  /** Where versions, downloads and the `current` link live (the unit runs current/smart-os-agent.mjs). */
  dir: string;
  /** Largest artifact it downloads, bytes. */
  maxBytes: number;
  /** A script release is killed after this long, seconds. */
  scriptTimeoutSeconds: number;
}

export interface UpdateArgs extends ReleaseIdentity {
  id: number;
  signature: string;
  /** The deployment's health window: the new version stays on trial that long (connected). */
  healthSeconds: number;
}

/** The command's args, checked: a server may send anything. */
export function readUpdateArgs(args: Record<string, unknown>): UpdateArgs | string {
  const { id, kind, name, version, sha256, signature } = args;
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 1) return 'id: a release id';
  if (kind !== 'software' && kind !== 'script') return 'kind: software or script';
  if (typeof name !== 'string' || !RELEASE_NAME_PATTERN.test(name)) return 'name: a release name';
  // The version names a folder here: only what the server accepts, never a path.
  if (typeof version !== 'string' || !SEMVER_PATTERN.test(version)) return 'version: a semantic version';
  if (typeof signature !== 'string' || signature.length === 0 || signature.length > 200) return 'signature: text';
  if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) return 'sha256: 64 hex digits';
  const health = args.healthSeconds ?? 60;
  if (typeof health !== 'number' || !Number.isInteger(health) || health < 0 || health > 86_400)
    return 'healthSeconds: 0 to 86400';
  return { id, kind, name, version, sha256, signature, healthSeconds: health };
}

/** The artifact's URL on the server the device speaks to. */
export const artifactUrl = (server: string, id: number) =>
  `${server.replace(/^ws/, 'http').replace(/\/update\/?$/, '')}/releases/${id}/artifact`;

/** Downloads into `part`, continuing what a cut download left there. */
async function download(
  url: string,
  part: string,
  credential: string | undefined,
  a: UpdateArgs,
  s: UpdateSettings,
  ctx: CommandContext,
): Promise<Buffer> {
  // One report per 5 % at most: a download is not a flood of frames.
  let reported = -5;
  const report = (percent: number) => {
    if (percent - reported < 5) return;
    reported = percent;
    ctx.progress(percent, 'downloading');
  };
  for (let attempt = 1; ; attempt++) {
    const have = existsSync(part) ? statSync(part).size : 0;
    const headers: Record<string, string> = credential ? { authorization: `Bearer ${credential}` } : {};
    if (have > 0) Object.assign(headers, { range: `bytes=${have}-`, 'if-range': `"${a.sha256}"` });
    try {
      const res = await fetch(url, { headers });
      if (res.status === 416) rmSync(part, { force: true });
      else if (res.status !== 200 && res.status !== 206) throw new Error(`download: HTTP ${res.status}`);
      else {
        const total = Number(res.headers.get('content-range')?.split('/')[1] ?? res.headers.get('content-length') ?? 0);
        if (total > s.maxBytes) throw new Error(`the artifact is over ${s.maxBytes} bytes`);
        if (res.status === 200) await writeFile(part, Buffer.alloc(0));
        let received = res.status === 206 ? have : 0;
        const reader = res.body?.getReader();
        for (;;) {
          const chunk = await reader?.read();
          if (!chunk || chunk.done) break;
          received += chunk.value.length;
          if (received > s.maxBytes) throw new Error(`the artifact is over ${s.maxBytes} bytes`);
          await appendFile(part, chunk.value);
          if (total > 0) report(Math.min(90, Math.round((90 * received) / total)));
        }
        return readFileSync(part);
      }
    } catch (err) {
      if (attempt >= 3 || /over \d+ bytes|HTTP 4/.test((err as Error).message)) throw err;
      await new Promise((r) => setTimeout(r, 1000 * attempt));
    }
  }
}

export async function applyUpdate(
  raw: Record<string, unknown>,
  ctx: CommandContext,
  env: { server: string; credential: string | undefined; settings: UpdateSettings; exit: (code: number) => void },
): Promise<Record<string, unknown>> {
  const a = readUpdateArgs(raw);
  if (typeof a === 'string') throw new Error(`bad update: ${a}`);
  const s = env.settings;
  mkdirSync(join(s.dir, 'downloads'), { recursive: true });
  const part = join(s.dir, 'downloads', `${a.id}-${a.sha256.slice(0, 16)}.part`);
  ctx.progress(0, 'downloading');
  const bytes = await download(artifactUrl(env.server, a.id), part, env.credential, a, s, ctx);
  ctx.progress(90, 'downloaded');
  const verdict = verifyRelease(a, a.signature, s.publicKey, bytes);
  if (verdict !== true) {
    rmSync(part, { force: true });
    throw new Error(`refused: ${verdict}`);
  }
  ctx.progress(93, 'verified');
  ctx.progress(95, 'installing');
  if (a.kind === 'script') {
    const file = join(s.dir, 'scripts', `${a.name}-${a.version}`);
    mkdirSync(join(s.dir, 'scripts'), { recursive: true });
    writeFileSync(file, bytes, { mode: 0o700 });
    chmodSync(file, 0o700);
    rmSync(part, { force: true });
    const { exitCode, output } = await runScript({ path: file, timeoutMs: s.scriptTimeoutSeconds * 1000 });
    return { ran: `${a.name} ${a.version}`, exitCode, output };
  }
  const versionDir = join(s.dir, 'versions', a.version);
  mkdirSync(versionDir, { recursive: true });
  writeFileSync(join(versionDir, 'smart-os-agent.mjs'), bytes);
  rmSync(part, { force: true });
  const current = join(s.dir, 'current');
  // The version it ran before stays, for a switch back; the new one runs on trial (trial.ts).
  const before = currentTarget(s.dir);
  if (before !== null) {
    switchLink(join(s.dir, 'previous'), before);
    beginTrial(s.dir, {
      version: a.version,
      previous: before,
      mark: rollbackMark(a.version, ctx.cmdid),
      healthSeconds: a.healthSeconds,
    });
  }
  switchLink(current, join('versions', a.version));
  // Answer first, then end: the service manager starts current/smart-os-agent.mjs.
  setTimeout(() => env.exit(0), 500).unref();
  return { installed: a.version, restarting: true };
}
