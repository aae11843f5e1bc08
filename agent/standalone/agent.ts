// The standalone agent: a config file's collectors, settings, scripts and permissions, on one device.
import { execFile } from 'node:child_process';
import type { Scalar } from '../../protocol/values.ts';
import { createDevice, type Device } from '../device.ts';
import { builtinCollectors, type Values } from './collectors.ts';
import type { AgentConfig } from './config.ts';
import { DiskObservations } from './offline-buffer.ts';
import { every, ReportFilter } from './sampler.ts';
import { parseOutput, readSource, runSource } from './sources.ts';
import { superviseTrial } from './trial.ts';
import { applyUpdate } from './update.ts';

export interface AgentOptions {
  config: AgentConfig;
  /** This agent's version, reported as agent_version (and software_version unless the config says). */
  version: string;
  log: (line: string) => void;
  /** restart-agent: how this process ends so its service manager starts it again. */
  exit: (code: number) => void;
}

/** Checks a `set` of a configured setting against its type and bounds. */
export function checkSetting(config: AgentConfig, name: string, value: Scalar): true | string {
  const s = config.settings[name];
  if (!s) return `${name} is not a setting of this device`;
  if (typeof value !== s.type) return `${name} takes a ${s.type}`;
  if (typeof value === 'number' && s.min !== undefined && value < s.min) return `${name} is at least ${s.min}`;
  if (typeof value === 'number' && s.max !== undefined && value > s.max) return `${name} is at most ${s.max}`;
  if (s.values && !s.values.includes(value as string | number)) return `${name} is one of ${s.values.join(', ')}`;
  return true;
}

/** Starts the device and every collector; resolves to a stop function. */
export function startAgent(options: AgentOptions): { device: Device; stop: () => Promise<void> } {
  const { config, log } = options;
  const credential = config.token ?? config.enrollmentKey;
  const scripts = Object.fromEntries(
    Object.entries(config.scripts).map(([name, s]) => [name, { path: s.path, args: s.args, timeoutMs: s.timeoutSeconds * 1000 }]),
  );
  const device = createDevice({
    url: config.server,
    serial: config.serial,
    headers: credential ? { authorization: `Bearer ${credential}` } : undefined,
    agent: { name: 'smart-os-agent', version: options.version },
    settable: (name, value) => checkSetting(config, name, value),
    scripts,
    offlineBuffer: config.offlineBuffer
      ? new DiskObservations(config.offlineBuffer.file, config.offlineBuffer.maxBytes, log)
      : undefined,
  });
  device.on('state', (to, from) => log(`connection: ${from} → ${to}`));
  device.on('error', ({ reason, values }) => log(`refused ${Object.keys(values).join(', ')}: ${reason}`));
  if (config.allow.reboot)
    device.command(
      'reboot',
      () =>
        new Promise((resolve, reject) =>
          execFile('systemctl', ['reboot'], (err) => (err ? reject(err) : resolve({ rebooting: true }))),
        ),
      {
        description: 'Reboot the machine',
      },
    );
  if (config.allow.restartAgent)
    device.command(
      'restart-agent',
      () => {
        // Answer first, then end: the service manager starts the agent again.
        setTimeout(() => options.exit(0), 500).unref();
        return { restarting: true };
      },
      { description: 'Restart the agent' },
    );

  const stops: Array<() => void> = [];
  if (config.updates) {
    const settings = config.updates;
    stops.push(superviseTrial(settings.dir, options.version, device, options.exit, log));
    device.command(
      'update',
      (args, ctx) => applyUpdate(args, ctx, { server: config.server, credential, settings, exit: options.exit }),
      {
        description: 'Download, verify and install (software) or run (script) a signed release',
      },
    );
  }

  // Settings start at their defaults; `set` changes them through the device library (which reports them).
  device.set(Object.fromEntries(Object.entries(config.settings).map(([name, s]) => [name, s.default])));

  const filter = new ReportFilter(config.report.parameters);
  const report = (values: Values) => {
    const picked = filter.pick(values);
    if (Object.keys(picked).length > 0) device.set(picked);
  };
  const complain = (what: string) => (err: Error) => log(`${what}: ${err.message}`);
  const collectors = builtinCollectors(config.report.builtins, {
    mounts: config.report.mounts,
    agentVersion: options.version,
    softwareVersion: config.softwareVersion ?? options.version,
  });
  for (const c of collectors) stops.push(every(config.report.intervalSeconds, c.sample, report, complain(c.builtin)));
  for (const s of config.exec) {
    const sample = async () => {
      const parsed = parseOutput(await runSource(s.command, s.timeoutSeconds), s);
      if (typeof parsed === 'string') throw new Error(parsed);
      return parsed;
    };
    stops.push(every(s.intervalSeconds, sample, report, complain(`exec ${s.command[0]}`)));
  }
  for (const f of config.files) {
    const sample = async () => {
      const parsed = parseOutput(await readSource(f.path), f);
      if (typeof parsed === 'string') throw new Error(parsed);
      return parsed;
    };
    stops.push(every(f.intervalSeconds, sample, report, complain(`file ${f.path}`)));
  }
  return {
    device,
    async stop() {
      for (const stop of stops) stop();
      await device.flush(5000);
      await device.close();
    },
  };
}
