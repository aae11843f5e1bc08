import { input, number } from '@inquirer/prompts';
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

const yesNo = async (message: string): Promise<boolean> => {
  const answer = await input({
    message: `${message} (y/n)`,
    validate: (v) => /^(y|yes|n|no)$/i.test(v.trim()) || 'Please answer y or n',
  });
  return /^y/i.test(answer.trim());
};

const ask = async (message: string, min: number, max: number, step: number | 'any' = 'any'): Promise<number> => {
  const value = await number({ message, min, max, step, required: true });
  return value as number;
};

/** Asks, in the original order, what the flags did not say; a wrong answer is asked again. */
export async function askMissing(given: Partial<Answers>, askSleeps: boolean): Promise<Answers> {
  const devices = given.devices ?? (await ask('How many devices?', 1, 100_000, 1));
  let pattern = given.pattern;
  if (!pattern) {
    const monotone = await yesNo('Strict monotone behaviour?');
    pattern = monotone ? ((await yesNo('Sine curve behaviour?')) ? 'sine' : 'linear') : 'random';
  }
  const max = given.max ?? (await ask('Maximum value?', 1, 1e9));
  let minSleep = given.minSleep ?? DEFAULT_ANSWERS.minSleep;
  let maxSleep = given.maxSleep ?? DEFAULT_ANSWERS.maxSleep;
  if (askSleeps) {
    minSleep = given.minSleep ?? (await ask('Minimum sleep between two values (seconds)?', 0, 86_400));
    maxSleep = given.maxSleep ?? (await ask('Maximum sleep between two values (seconds)?', minSleep, 86_400));
  }
  return { devices, pattern, max, minSleep, maxSleep };
}
