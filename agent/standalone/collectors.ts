// Built-in collectors: what a Linux box says about itself, read from os and /proc and /sys. Each returns
// the values it can read now; what the machine lacks (no thermal zone, not Linux) is simply absent.
import { readdirSync, readFileSync, statfsSync } from 'node:fs';
import os from 'node:os';
import type { Scalar } from '../../protocol/values.ts';
import type { Builtin } from './config.ts';

export type Values = Record<string, Scalar>;

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

function cpuTimes(): { idle: number; total: number } {
  let idle = 0;
  let total = 0;
  for (const cpu of os.cpus()) {
    const t = cpu.times;
    idle += t.idle;
    total += t.user + t.nice + t.sys + t.idle + t.irq;
  }
  return { idle, total };
}

/** Busy share of all cores since the previous sample. */
function cpuCollector(): () => Values {
  let last = cpuTimes();
  return (): Values => {
    const now = cpuTimes();
    const total = now.total - last.total;
    const busy = total - (now.idle - last.idle);
    last = now;
    return total > 0 ? { cpu_percent: round((100 * busy) / total) } : {};
  };
}

function memory(): Values {
  // MemAvailable (what programs can still get) is the honest figure on Linux; os.freemem elsewhere.
  let available = os.freemem();
  try {
    const m = /^MemAvailable:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'));
    if (m?.[1]) available = Number(m[1]) * 1024;
  } catch {
    // not Linux
  }
  const total = os.totalmem();
  return { memory_available_bytes: available, memory_used_percent: round((100 * (total - available)) / total) };
}

/** The mount point as a parameter name: / is root, /var/lib becomes var_lib. */
export const mountName = (mount: string) =>
  mount === '/' ? 'root' : mount.replace(/^\/+|\/+$/g, '').replace(/[^A-Za-z0-9._-]+/g, '_');

function disk(mounts: readonly string[]): Values {
  const out: Values = {};
  for (const mount of mounts) {
    try {
      const s = statfsSync(mount);
      const total = s.blocks * s.bsize;
      const free = s.bavail * s.bsize;
      out[`disk_${mountName(mount)}_used_percent`] = total > 0 ? round((100 * (total - free)) / total) : 0;
      out[`disk_${mountName(mount)}_free_bytes`] = free;
    } catch {
      // not mounted now
    }
  }
  return out;
}

/** The first thermal zone, in °C (Raspberry Pis have one: the SoC). */
function temperature(root = '/sys/class/thermal'): Values {
  try {
    const zone = readdirSync(root)
      .filter((z) => z.startsWith('thermal_zone'))
      .sort()[0];
    if (!zone) return {};
    const milli = Number(readFileSync(`${root}/${zone}/temp`, 'utf8').trim());
    return Number.isFinite(milli) ? { temperature_c: round(milli / 1000) } : {};
  } catch {
    return {};
  }
}

/** Bytes through every interface but loopback, since boot. */
function network(): Values {
  try {
    let rx = 0;
    let tx = 0;
    for (const line of readFileSync('/proc/net/dev', 'utf8').split('\n').slice(2)) {
      const [name, rest] = line.split(':');
      if (!rest || name?.trim() === 'lo') continue;
      const f = rest.trim().split(/\s+/).map(Number);
      rx += f[0] ?? 0;
      tx += f[8] ?? 0;
    }
    return { net_rx_bytes: rx, net_tx_bytes: tx };
  } catch {
    return {};
  }
}

/** One sampler per built-in; `agent` reports the agent's and the software's versions. */
export function builtinCollectors(
  names: readonly Builtin[],
  options: { mounts: readonly string[]; agentVersion: string; softwareVersion: string },
): Array<{ builtin: Builtin; sample: () => Values }> {
  const make: Record<Builtin, () => () => Values> = {
    cpu: cpuCollector,
    load: () => () => {
      const [a = 0, b = 0, c = 0] = os.loadavg();
      return { load_1: round(a, 2), load_5: round(b, 2), load_15: round(c, 2) };
    },
    memory: () => memory,
    disk: () => () => disk(options.mounts),
    temperature: () => () => temperature(),
    uptime: () => () => ({ uptime_s: Math.round(os.uptime()) }),
    network: () => network,
    agent: () => () => ({ agent_version: options.agentVersion, software_version: options.softwareVersion }),
  };
  return names.map((builtin) => ({ builtin, sample: make[builtin]() }));
}
