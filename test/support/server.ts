import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type App, type AppOptions, createApp } from '../../server/app.ts';
import { parseConfig, type SettingName } from '../../server/config.ts';

export interface TestServer {
  app: App;
  url: string;
  /** ws://…/update/ */
  deviceUrl: string;
  /** ws://…/graphql */
  graphqlUrl: string;
  dataDir: string;
  close(): Promise<void>;
}

export function tempDir(prefix = 'smartos-test-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A real server on a free port, with its own data folder (removed on close unless given). */
export async function startServer(
  settings: Partial<Record<SettingName, unknown>> = {},
  options: AppOptions = {},
): Promise<TestServer> {
  const own = settings.dataDir === undefined ? tempDir() : null;
  const config = parseConfig({
    port: 0,
    logLevel: process.env.LOG_LEVEL ?? 'silent',
    dataDir: own?.path,
    // Lab mode unless a test is about accounts: the other tests exercise everything else.
    auth: 'off',
    // TEST_DEVICE_GATEWAYS=2 runs any suite with device sockets held by gateway processes.
    ...(process.env.TEST_DEVICE_GATEWAYS ? { deviceGateways: process.env.TEST_DEVICE_GATEWAYS } : {}),
    ...settings,
  });
  const app = await createApp(config, { print: () => {}, ...options });
  const url = await app.listen();
  const ws = url.replace(/^http/, 'ws');
  return {
    app,
    url,
    deviceUrl: `${ws}/update/`,
    graphqlUrl: `${ws}/graphql`,
    dataDir: config.dataDir,
    async close() {
      await app.close();
      own?.remove();
    },
  };
}
