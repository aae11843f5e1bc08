import type { Scalar } from '../../protocol/values.ts';
import type { Pattern } from './patterns.ts';

/** What an emulated device reports: its values at start, and what changes on each tick. */
export interface Behaviour {
  initial(): Record<string, Scalar>;
  tick(n: number): Record<string, Scalar>;
}

/** The answers to the original emulator's questions that shape every device's values. */
export interface ValueShape {
  pattern: Pattern;
  /** The range of the emulated numbers is 0 to max. */
  max: number;
}

export type BehaviourFactory = (index: number, random: () => number) => Behaviour;

export const pick = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length)] as T;
