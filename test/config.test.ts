import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, configFromProcess, helpText, parseConfig } from '../server/config.ts';

describe('configuration', () => {
  it('has defaults for a laptop: SQLite under data/, port 8000, in-process pub/sub', () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      port: 8000,
      host: '127.0.0.1',
      provider: 'sqlite',
      databaseUrl: `file:${resolve('data', 'smart-os.db')}`,
      unknownDevices: 'register',
      coalesceMs: 100,
      heartbeatMs: 30_000,
      maxFrameBytes: 65_536,
      maxStringBytes: 1024,
      maxParamsPerDevice: 256,
      trafficLogBytes: 1_048_576,
    });
    expect(config.redisUrl).toBeUndefined();
  });

  it('reads the environment, and flags over the environment', () => {
    const config = configFromProcess(['--port', '9001', '--unknown-devices', 'reject'], {
      PORT: '7000',
      DATABASE_URL: 'postgres://u@db:5432/fleet',
      REDIS_URL: 'redis://cache:6379',
      COALESCE_MS: '250',
    });
    expect(config).toMatchObject({
      port: 9001,
      unknownDevices: 'reject',
      provider: 'postgres',
      databaseUrl: 'postgres://u@db:5432/fleet',
      redisUrl: 'redis://cache:6379',
      coalesceMs: 250,
    });
  });

  it('fails fast with every problem named by its variable and flag', () => {
    let error: unknown;
    try {
      configFromProcess([], { PORT: 'eighty', DATABASE_URL: 'mysql://x', MAX_FRAME_BYTES: '10' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/PORT \(--port\): /);
    expect(message).toMatch(/DATABASE_URL \(--database-url\): must start with file: \(SQLite\) or postgres:\/\//);
    expect(message).toMatch(/MAX_FRAME_BYTES \(--max-frame-bytes\): /);
  });

  it('refuses unknown flags and an in-memory SQLite database', () => {
    expect(() => configFromProcess(['--prot', '1'], {})).toThrow(/Unknown option '--prot'/);
    expect(() => parseConfig({ databaseUrl: 'file::memory:' })).toThrow(/SQLite needs a file/);
  });

  it('answers --help with every setting', () => {
    expect(configFromProcess(['--help'], {})).toBe('help');
    const text = helpText();
    for (const name of [
      'PORT',
      'HOST',
      'DATABASE_URL',
      'REDIS_URL',
      'DATA_DIR',
      'UNKNOWN_DEVICES',
      'LOG_LEVEL',
      'BATCH_WINDOW_MS',
      'COALESCE_MS',
      'MAX_FRAMES_PER_SECOND',
    ]) {
      expect(text).toContain(name);
    }
    expect(text).toContain('[default: 8000]');
  });
});
