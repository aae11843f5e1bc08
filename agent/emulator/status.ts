import logUpdate from 'log-update';
import type { EmulatedFleet, FleetStats } from './fleet.ts';

const ms = (v: number) => (Number.isNaN(v) ? '–' : `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`);

export function describe(s: FleetStats, total: number): string {
  return [
    `devices ${s.connected.toLocaleString('en')}/${total.toLocaleString('en')} connected`,
    `${s.answersPerSecond.toLocaleString('en')} frames/s`,
    `acks ${s.acks.toLocaleString('en')}`,
    `errors ${s.errors.toLocaleString('en')}`,
    `reconnects ${s.reconnects.toLocaleString('en')}`,
    `ack p99 ${ms(s.ackP99Ms)}`,
    ...(s.replaced > 0
      ? [
          `${s.replaced.toLocaleString('en')} taken over by another connection with the same serial (another emulator or replay?): give each its own --serial-start`,
        ]
      : []),
  ].join(' · ');
}

/** A live status line in a terminal; a plain line every 5 s otherwise (logs, pipes). */
export function showStatus(fleet: EmulatedFleet, total: number, tty: boolean): { stop(): void } {
  const timer = setInterval(
    () => {
      const line = describe(fleet.stats(), total);
      if (tty) logUpdate(line);
      else console.log(`${new Date().toISOString()} ${line}`);
    },
    tty ? 250 : 5000,
  );
  return {
    stop() {
      clearInterval(timer);
      if (tty) logUpdate.done();
    },
  };
}
