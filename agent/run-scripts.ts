import { execFile } from 'node:child_process';
import type { CommandCapability } from '../protocol/v2.ts';
import type { CommandHandler } from './commands.ts';

export interface RunnableScript {
  /** The executable (run directly, no shell). */
  path: string;
  args?: string[];
  /** Killed after this long. Default 60 s. */
  timeoutMs?: number;
}

/** The most of a script's output a result carries (its end). */
const OUTPUT_TAIL_BYTES = 16 * 1024 - 256;

/**
 * Runs one script: no shell, killed after its timeout, the exit code and the tail of its output (sized to
 * fit a command's result). `error` when it could not run at all.
 */
export function runScript(script: RunnableScript): Promise<{ exitCode: number; output: string; error?: string }> {
  return new Promise((resolve) => {
    execFile(
      script.path,
      script.args ?? [],
      { timeout: script.timeoutMs ?? 60_000, maxBuffer: 1024 * 1024 },
      (err, stdout, stderr) => {
        const output = Buffer.from(`${stdout}${stderr}`).subarray(-OUTPUT_TAIL_BYTES).toString();
        const exitCode = err && 'code' in err && typeof err.code === 'number' ? err.code : err ? -1 : 0;
        resolve(err && exitCode === -1 ? { exitCode, output, error: err.message } : { exitCode, output });
      },
    );
  });
}

/** The built-in `run`: only the configured scripts, by name, no shell, with a timeout; exit code and output tail as result. */
export function runCommand(scripts: Record<string, RunnableScript>): { capability: CommandCapability; handler: CommandHandler } {
  const names = Object.keys(scripts);
  return {
    capability: {
      name: 'run',
      description: 'Run one of the scripts this device is configured with',
      args: { type: 'object', required: ['script'], properties: { script: { type: 'string', enum: names } } },
    },
    handler: async (args) => {
      const script = typeof args.script === 'string' ? scripts[args.script] : undefined;
      if (!script) throw new Error(`no script "${String(args.script)}": one of ${names.join(', ')}`);
      const { exitCode, output, error } = await runScript(script);
      if (error !== undefined) throw new Error(`${args.script}: ${error}`.slice(0, 1024));
      return { exitCode, output };
    },
  };
}
