// vitest globalSetup: the browser tests run against the dashboard as `npm start` serves it, built from
// the sources as they are now.
import { build } from 'vite';

export default async function setup(): Promise<void> {
  await build({ configFile: new URL('../../dashboard/vite.config.ts', import.meta.url).pathname, logLevel: 'warn' });
}
