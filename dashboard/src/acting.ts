import type { CombinedError } from '@urql/core';
import { createSignal } from 'solid-js';
import { errorText } from './errors.ts';

/** A section's last problem, and actions that report their error there and then read the section again. */
export function createActing(reload: () => Promise<void>) {
  const [problem, setProblem] = createSignal<string | null>(null);
  return {
    problem,
    /** Shows the error of a read (or clears it). */
    report: (error: CombinedError | undefined) => setProblem(errorText(error)),
    /** Runs an action; true when it succeeded. */
    async act(run: () => Promise<{ error?: CombinedError }>): Promise<boolean> {
      const r = await run();
      setProblem(errorText(r.error));
      await reload();
      return r.error === undefined;
    },
  };
}
