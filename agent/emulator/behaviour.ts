import type { Scalar } from '../../protocol/values.ts';
import type { PeerState } from '../peers.ts';
import type { Pattern } from './patterns.ts';

/** What an emulated device reports: its values at start, and what changes on each tick. */
export interface Behaviour {
  initial(): Record<string, Scalar>;
  tick(n: number): Record<string, Scalar>;
  /** Protocol v2: commands it accepts; `run` returns the values that change (a thrown error fails it). */
  commands?: Record<string, EmulatedCommand>;
  /** Which values a `set` command may change (true), or why not. */
  settable?: (name: string, value: Scalar) => true | string;
  /** With --peers: the parameters it watches on its owner's devices (the IoT channel), and what it reports from them. */
  peers?: { params: string[]; values(peers: ReadonlyMap<string, PeerState>): Record<string, Scalar> };
}

export interface EmulatedCommand {
  description: string;
  /** A JSON Schema of its args. */
  args?: Record<string, unknown>;
  run(args: Record<string, unknown>): Record<string, Scalar>;
  /** The device drops its socket after answering and comes back a few seconds later. */
  reboots?: true;
}

/** The answers to the original emulator's questions that shape every device's values. */
export interface ValueShape {
  pattern: Pattern;
  /** The range of the emulated numbers is 0 to max. */
  max: number;
}

export type BehaviourFactory = (index: number, random: () => number) => Behaviour;

export const pick = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length)] as T;
