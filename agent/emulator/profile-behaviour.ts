import type { Scalar } from '../../protocol/values.ts';
import { type Behaviour, type BehaviourFactory, pick, type ValueShape } from './behaviour.ts';
import { type Pattern, valueAt, type Wave } from './patterns.ts';
import type { ParameterSpec, Profile } from './profile.ts';

type Next = (n: number) => Scalar | undefined;

function numberParam(spec: ParameterSpec, shape: ValueShape, random: () => number): { first: Scalar; next: Next } {
  const min = spec.min ?? 0;
  const max = spec.max ?? Math.max(min, shape.max);
  if (spec.pattern === 'static' || min === max) {
    const fixed = (spec.values?.[0] as number | undefined) ?? min;
    return { first: fixed, next: () => undefined };
  }
  const period = spec.period ?? 60;
  const wave: Wave = {
    pattern: (spec.pattern ?? shape.pattern) as Pattern,
    min,
    max,
    period,
    phase: Math.floor(random() * period),
    decimals: spec.decimals,
  };
  return { first: valueAt(wave, 0, random), next: (n) => valueAt(wave, n, random) };
}

function choiceParam(spec: ParameterSpec, random: () => number): { first: Scalar; next: Next } {
  const choices: readonly Scalar[] = spec.values ?? [true, false];
  const first = pick(choices, random);
  if (choices.length === 1 || spec.pattern === 'static') return { first, next: () => undefined };
  return { first, next: () => (random() < spec.changeChance ? pick(choices, random) : undefined) };
}

/** A device described by a profile file: each parameter moves as its spec says. */
export function fromProfile(profile: Profile, shape: ValueShape): BehaviourFactory {
  return (_index, random) => {
    const params = profile.parameters.map((spec) => ({
      name: spec.name,
      ...(spec.kind === 'number' ? numberParam(spec, shape, random) : choiceParam(spec, random)),
    }));
    const behaviour: Behaviour = {
      initial: () => Object.fromEntries(params.map((p) => [p.name, p.first])),
      tick(n) {
        const changes: Record<string, Scalar> = {};
        for (const p of params) {
          const v = p.next(n);
          if (v !== undefined) changes[p.name] = v;
        }
        return changes;
      },
    };
    return behaviour;
  };
}
