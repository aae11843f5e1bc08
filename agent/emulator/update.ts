// The emulator's `update` command: a release is downloaded for real (the device's credential, the server's
// artifact route) and its digest checked, with the stages a real agent reports; then the device "restarts"
// on the new version. --update-failure-rate makes a share fail while installing; --unhealthy-after-update-rate
// makes a share come up on the new version for half the health window, drop out, and come back on the old one reporting update_rollback
// (what the standalone agent does when a version does not stay connected).
import { createHash } from 'node:crypto';
import { ROLLBACK_PARAMETER, rollbackMark, VERSION_PARAMETER } from '../../protocol/releases.ts';
import type { CommandContext } from '../commands.ts';
import type { Device } from '../device.ts';
import { artifactUrl, readUpdateArgs } from '../standalone/update.ts';

export interface EmulatedUpdates {
  url: string;
  credential?: string;
  failureRate: number;
  unhealthyRate: number;
  random: () => number;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Downloads the artifact and resolves with its SHA-256 (hex), reporting progress every 10 %. */
async function download(o: EmulatedUpdates, id: number, ctx: CommandContext): Promise<string> {
  const res = await fetch(artifactUrl(o.url, id), {
    headers: o.credential ? { authorization: `Bearer ${o.credential}` } : {},
  });
  if (res.status !== 200 || !res.body) throw new Error(`download: HTTP ${res.status}`);
  const hash = createHash('sha256');
  const total = Number(res.headers.get('content-length') ?? 0);
  let received = 0;
  let reported = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    hash.update(chunk);
    received += chunk.length;
    const percent = total > 0 ? Math.round((90 * received) / total) : 0;
    if (percent - reported >= 10) {
      reported = percent;
      ctx.progress(percent, 'downloading');
    }
  }
  return hash.digest('hex');
}

export function emulateUpdate(device: Device, o: EmulatedUpdates) {
  return async (raw: Record<string, unknown>, ctx: CommandContext): Promise<Record<string, unknown>> => {
    const a = readUpdateArgs(raw);
    if (typeof a === 'string') throw new Error(`bad update: ${a}`);
    ctx.progress(0, 'downloading');
    // A cut or refused download is tried again (three times in all), as the standalone agent does.
    let digest = '';
    for (let attempt = 1; ; attempt++) {
      try {
        digest = await download(o, a.id, ctx);
        break;
      } catch (err) {
        if (attempt >= 3) throw err;
        await pause(1000 * attempt);
      }
    }
    ctx.progress(90, 'downloaded');
    if (digest !== a.sha256) throw new Error('refused: the artifact is not the one the release names');
    ctx.progress(93, 'verified');
    ctx.progress(95, 'installing');
    await pause(200);
    if (o.random() < o.failureRate) throw new Error('emulated install failure (--update-failure-rate)');
    if (a.kind === 'script') return { ran: `${a.name} ${a.version}`, exitCode: 0, output: '' };
    const before = device.get(VERSION_PARAMETER) ?? null;
    const unhealthy = o.random() < o.unhealthyRate;
    // Answer first, then "restart" on the new version.
    setTimeout(() => {
      device.set({ [VERSION_PARAMETER]: a.version });
      device.drop();
      if (!unhealthy) return;
      // Up on the new version for half its health window (at least a second) once it is back, then back
      // on the version before.
      device.once('connected', () =>
        setTimeout(
          () => {
            device.set({ [VERSION_PARAMETER]: before, [ROLLBACK_PARAMETER]: rollbackMark(a.version, ctx.cmdid) });
            device.drop();
          },
          Math.max(1000, (a.healthSeconds * 1000) / 2),
        ),
      );
    }, 300);
    return { installed: a.version, restarting: true };
  };
}
