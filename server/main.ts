// `npm start`: the only module that listens. Configuration errors exit with status 2.
import { createApp } from './app.ts';
import { ConfigError, configFromProcess, helpText } from './config.ts';
import { ensurePortFree } from './http/port-check.ts';
import { createLogger } from './logger.ts';
import { StartupError } from './startup-error.ts';

let config: ReturnType<typeof configFromProcess>;
try {
  config = configFromProcess(process.argv.slice(2), process.env);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`smart-os: ${err.message}\n`);
  process.exit(2);
}
if (config === 'help') {
  process.stdout.write(helpText());
  process.exit(0);
}

const log = createLogger(config.logLevel, config.logPretty);
let app: Awaited<ReturnType<typeof createApp>>;
let url: string;
try {
  await ensurePortFree(config.host, config.port);
  app = await createApp(config, { logger: log });
  url = await app.listen();
} catch (err) {
  // One line that says what is wrong and what to do; the details only at debug level.
  const message = err instanceof StartupError ? err.message : `could not start: ${(err as Error).message.split('\n')[0]}`;
  log.debug({ err }, 'start failed');
  process.stderr.write(`smart-os: ${message}\n`);
  process.exit(1);
}
log.info(
  {
    url,
    graphql: `${url}/graphql`,
    devices: `${url.replace(/^http/, 'ws')}/update/`,
    database: config.provider,
    instance: app.instance,
  },
  `SMART-OS listening on ${url} (dashboard ${url}/, GraphiQL ${url}/graphql, devices ${url.replace(/^http/, 'ws')}/update/)`,
);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) {
      log.warn(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    log.info(`${signal}: stopping; committing and answering pending frames`);
    // A database that does not answer must not keep the process (and its port) forever.
    setTimeout(() => {
      log.error(`did not stop within ${config.shutdownTimeoutMs} ms (SHUTDOWN_TIMEOUT_MS); exiting now`);
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    app.close().then(
      () => process.exit(0),
      (err: Error) => {
        log.error({ err }, 'error while stopping');
        process.exit(1);
      },
    );
  });
}
