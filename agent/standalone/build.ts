// `npm run build:agent`: the standalone agent as one JavaScript file (no node_modules; Node 18 or newer,
// any CPU) in dist/agent/, with its systemd unit, install script and an example configuration.
import { copyFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { build } from 'esbuild';

const here = (p: string) => new URL(p, import.meta.url).pathname;
// AGENT_BUILD_VERSION and AGENT_BUILD_OUT: another version into another folder (a release from CI, tests).
const out = process.env.AGENT_BUILD_OUT ? `${process.env.AGENT_BUILD_OUT.replace(/\/$/, '')}/` : here('../../dist/agent/');
const version =
  process.env.AGENT_BUILD_VERSION ??
  (JSON.parse(readFileSync(here('../../package.json'), 'utf8')) as { version: string }).version;

mkdirSync(out, { recursive: true });
await build({
  entryPoints: [here('main.ts')],
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'esm',
  outfile: `${out}smart-os-agent.mjs`,
  // ws loads these native helpers when present and works without them.
  external: ['bufferutil', 'utf-8-validate'],
  define: { AGENT_VERSION: JSON.stringify(version) },
  // Bundled CommonJS dependencies call require(); give the ES module one.
  banner: {
    js: "import { createRequire as __smartosRequire } from 'node:module'; const require = __smartosRequire(import.meta.url);",
  },
  legalComments: 'none',
  logLevel: 'warning',
});
for (const file of ['smart-os-agent.service', 'install.sh', 'launch.sh', 'config.example.yaml'])
  copyFileSync(here(file), `${out}${file}`);
const size = statSync(`${out}smart-os-agent.mjs`).size;
process.stdout.write(
  `dist/agent/smart-os-agent.mjs (${Math.round(size / 1024)} KiB, version ${version}), its unit, install.sh, config.example.yaml\n`,
);
