// Values from outside the agent: a command's output or a file's content, as a number, a string, or JSON
// holding several. Bounded: a command is killed after its timeout; at most 64 KiB of output is read.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { Scalar } from '../../protocol/values.ts';
import type { Values } from './collectors.ts';

const MAX_OUTPUT_BYTES = 64 * 1024;
const MAX_STRING_BYTES = 1024;

export interface ParseRule {
  name?: string;
  parse: 'number' | 'string' | 'json';
  scale?: number;
}

const scalar = (v: unknown): v is Scalar => v === null || ['number', 'string', 'boolean'].includes(typeof v);

/** The values in a source's text, or why there are none. */
export function parseOutput(text: string, rule: ParseRule): Values | string {
  const scaled = (n: number) => (rule.scale === undefined ? n : n * rule.scale);
  if (rule.parse === 'number') {
    // The first number in the text: `48.3` as well as `temp=48.3'C`.
    const m = /-?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(text);
    if (!m) return `no number in "${text.trim().slice(0, 80)}"`;
    return { [rule.name as string]: scaled(Number(m[0])) };
  }
  if (rule.parse === 'string')
    return { [rule.name as string]: Buffer.from(text.trim()).subarray(0, MAX_STRING_BYTES).toString() };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return `not JSON: "${text.trim().slice(0, 80)}"`;
  }
  if (rule.name !== undefined)
    return scalar(json) ? { [rule.name]: typeof json === 'number' ? scaled(json) : json } : `${rule.name}: not a single value`;
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return 'JSON output must be an object of values';
  const out: Values = {};
  for (const [k, v] of Object.entries(json)) if (scalar(v)) out[k] = typeof v === 'number' ? scaled(v) : v;
  return out;
}

export function runSource(command: readonly string[], timeoutSeconds: number): Promise<string> {
  const [file, ...args] = command as [string, ...string[]];
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutSeconds * 1000, maxBuffer: MAX_OUTPUT_BYTES }, (err, stdout) => {
      if (err) reject(new Error(`${file}: ${err.message.split('\n')[0]}`));
      else resolve(stdout);
    });
  });
}

export async function readSource(path: string): Promise<string> {
  const text = await readFile(path, 'utf8');
  return text.slice(0, MAX_OUTPUT_BYTES);
}
