import { input } from '@inquirer/prompts';
import type { Pattern } from './patterns.ts';

/** The original emulator's answers. */
export interface Answers {
  devices: number;
  pattern: Pattern;
  max: number;
  minSleep: number;
  maxSleep: number;
}

export const DEFAULT_ANSWERS: Answers = { devices: 10, pattern: 'random', max: 340, minSleep: 1, maxSleep: 10 };

/**
 * One question with its default shown (Enter takes it). A wrong answer is explained and the question
 * asked afresh, with an empty field: nothing typed next is appended to the wrong answer.
 */
async function askUntil<T>(message: string, fallback: string, parse: (text: string) => T | string): Promise<T> {
  for (;;) {
    const text = (await input({ message, default: fallback })).trim();
    const parsed = parse(text === '' ? fallback : text);
    if (typeof parsed !== 'string') return parsed;
    process.stdout.write(`  ${text} is not an answer: ${parsed}\n`);
  }
}

const yesNo = (message: string, fallback: boolean): Promise<boolean> =>
  askUntil(`${message} (y/n)`, fallback ? 'y' : 'n', (t) =>
    /^(y|yes)$/i.test(t) ? { yes: true } : /^(n|no)$/i.test(t) ? { yes: false } : 'answer y or n',
  ).then((a) => a.yes);

const ask = (message: string, fallback: number, min: number, max: number, whole = false): Promise<number> =>
  askUntil(message, String(fallback), (t) => {
    const n = Number(t);
    if (t === '' || !Number.isFinite(n)) return 'a number, please';
    if (whole && !Number.isInteger(n)) return 'a whole number, please';
    if (n < min) return `at least ${min}`;
    if (n > max) return `at most ${max}`;
    return { n };
  }).then((a) => a.n);

/** Asks, in the original order, what the flags did not say; a wrong answer is asked again. */
export async function askMissing(given: Partial<Answers>, askSleeps: boolean): Promise<Answers> {
  const d = DEFAULT_ANSWERS;
  const devices = given.devices ?? (await ask('How many devices?', d.devices, 1, 100_000, true));
  let pattern = given.pattern;
  if (!pattern) {
    const monotone = await yesNo('Strict monotone behaviour?', d.pattern !== 'random');
    pattern = monotone ? ((await yesNo('Sine curve behaviour?', d.pattern === 'sine')) ? 'sine' : 'linear') : 'random';
  }
  const max = given.max ?? (await ask('Maximum value?', d.max, 1, 1e9));
  let minSleep = given.minSleep ?? d.minSleep;
  let maxSleep = given.maxSleep ?? d.maxSleep;
  if (askSleeps) {
    minSleep = given.minSleep ?? (await ask('Minimum sleep between two values (seconds)?', d.minSleep, 0, 86_400));
    maxSleep =
      given.maxSleep ??
      (await ask('Maximum sleep between two values (seconds)?', Math.max(minSleep, d.maxSleep), minSleep, 86_400));
  }
  return { devices, pattern, max, minSleep, maxSleep };
}
