import pino from 'pino';

export type Logger = pino.Logger;

/** The process logger; namespaces are children: `logger.child({ ns: 'ingress' })`. */
export function createLogger(level: pino.LevelWithSilent, pretty: boolean): Logger {
  return pino({
    level,
    base: undefined,
    transport: pretty
      ? {
          target: 'pino-pretty',
          options: { ignore: 'ns', messageFormat: '{if ns}[{ns}] {end}{msg}', translateTime: 'SYS:HH:MM:ss.l' },
        }
      : undefined,
  });
}
