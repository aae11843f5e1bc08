/** How a number moves from one tick to the next (the original emulator's answers). */
export type Pattern = 'random' | 'linear' | 'sine';

export interface Wave {
  pattern: Pattern;
  min: number;
  max: number;
  /** Ticks per period for linear (one ramp) and sine. */
  period: number;
  /** Where in its period this device starts (devices do not move in lockstep). */
  phase: number;
  decimals: number;
}

const round = (v: number, decimals: number) => {
  const f = 10 ** decimals;
  return Math.round(v * f) / f;
};

/** The value at tick `n`: random anywhere in range, a ramp that wraps (strictly rising), or a sine curve. */
export function valueAt(wave: Wave, n: number, random: () => number = Math.random): number {
  const span = wave.max - wave.min;
  const t = (n + wave.phase) / wave.period;
  switch (wave.pattern) {
    case 'random':
      return round(wave.min + random() * span, wave.decimals);
    case 'linear':
      return round(wave.min + (t - Math.floor(t)) * span, wave.decimals);
    case 'sine':
      return round(wave.min + ((Math.sin(2 * Math.PI * t) + 1) / 2) * span, wave.decimals);
  }
}
