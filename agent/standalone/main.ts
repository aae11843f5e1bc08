#!/usr/bin/env node
// smart-os-agent: reports this machine to a SMART-OS server and takes its commands.
//   smart-os-agent --config /etc/smart-os-agent/config.yaml [--check] [--version]
import { parseArgs } from 'node:util';
import { startAgent } from './agent.ts';
import { builtinCollectors } from './collectors.ts';
import { ConfigFileError, loadConfig } from './config.ts';

// Replaced by the bundler with package.json's version (npm run build:agent); "dev" from source.
declare const AGENT_VERSION: string | undefined;
const version = typeof AGENT_VERSION === 'string' ? AGENT_VERSION : 'dev';

const USAGE = `Usage: smart-os-agent [--config FILE] [--check] [--version]
  --config FILE   the configuration (YAML or JSON)  [/etc/smart-os-agent/config.yaml]
  --check         validate the configuration, print one sample of the built-in collectors, and exit
  --version       print the agent's version
`;

let flags: { config?: string; check?: boolean; version?: boolean; help?: boolean };
try {
  flags = parseArgs({
    options: {
      config: { type: 'string' },
      check: { type: 'boolean' },
      version: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  }).values;
} catch (err) {
  process.stderr.write(`smart-os-agent: ${(err as Error).message}\n${USAGE}`);
  process.exit(2);
}
if (flags.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (flags.version) {
  process.stdout.write(`${version}\n`);
  process.exit(0);
}
const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig(flags.config ?? '/etc/smart-os-agent/config.yaml');
} catch (err) {
  if (!(err instanceof ConfigFileError)) throw err;
  process.stderr.write(`smart-os-agent: ${err.message}\n`);
  process.exit(2);
}
if (flags.check) {
  const sample = Object.assign(
    {},
    ...builtinCollectors(config.report.builtins, {
      mounts: config.report.mounts,
      agentVersion: version,
      softwareVersion: config.softwareVersion ?? version,
    }).map((c) => c.sample()),
  );
  process.stdout.write(`${JSON.stringify({ serial: config.serial, server: config.server, sample }, null, 2)}\n`);
  process.exit(0);
}
const agent = startAgent({ config, version, log, exit: (code) => process.exit(code) });
log(`smart-os-agent ${version}: ${config.serial} → ${config.server}`);
for (const signal of ['SIGTERM', 'SIGINT'] as const)
  process.once(signal, () => {
    log(`${signal}: sending what is pending, then stopping`);
    void agent.stop().then(() => process.exit(0));
  });
