import type { Scalar } from '../../protocol/values.ts';
import { type Behaviour, type BehaviourFactory, pick, type ValueShape } from './behaviour.ts';
import { valueAt, type Wave } from './patterns.ts';

const COUNTRIES = ['AT', 'DE', 'CH', 'IT', 'SI'];
const MODES = ['meassuring', 'charging', 'injecting'] as const; // sic: the original devices' spelling
/** Ticks a mode lasts before the device switches to the next one, at most. */
const MODE_TICKS = 12;

/** The original emulator's clock format: 2024-03-17 12:10:46.466660 */
function localTime(now = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())} ${p(now.getHours())}:${p(now.getMinutes())}:${p(now.getSeconds())}.${p(now.getMilliseconds(), 3)}000`;
}

/**
 * The SolMate of the original emulator: edition v1 (one PV connector) or v2 (two, and a real-time
 * clock), cycling through measuring, charging and injecting; charging fills the battery (percent) from
 * the PV income, injecting drains it into the grid; the power readings follow the chosen pattern.
 */
export function solmate(shape: ValueShape): BehaviourFactory {
  return (_index, random) => {
    const v2 = random() < 0.5;
    const pv = v2 ? 2 : 1;
    const wave = (period: number): Wave => ({
      pattern: shape.pattern,
      min: 0,
      max: shape.max,
      period,
      phase: Math.floor(random() * period),
      decimals: 0,
    });
    const income = wave(40);
    const inject = wave(50);
    const consumption = wave(30);
    // The battery is a level in percent; the power readings span 0 to the chosen maximum (watts).
    let battery = Math.floor(random() * 101);
    let mode = Math.floor(random() * MODES.length);
    let modeTicks = 1 + Math.floor(random() * MODE_TICKS);
    const modeFlags = (): Record<string, Scalar> => Object.fromEntries(MODES.map((m, i) => [m, i === mode]));

    const behaviour: Behaviour = {
      initial() {
        return {
          solmate_version: v2 ? 'v2' : 'v1',
          software_version: `v${Math.floor(random() * 9)}.${Math.floor(random() * 10)}`,
          country: pick(COUNTRIES, random),
          postcode: 1000 + Math.floor(random() * 9000),
          pv_connectors: pv,
          capacity: 5_184_000,
          battery,
          power_income: valueAt(income, 0, random),
          power_inject: valueAt(inject, 0, random),
          power_consumption: valueAt(consumption, 0, random),
          ...modeFlags(),
          battery_reserve: 10,
          inject_limit: shape.max,
          ...(v2 ? { display_rtc: true, local_time: localTime() } : {}),
        };
      },
      tick(n) {
        const changes: Record<string, Scalar> = {};
        if (--modeTicks <= 0) {
          mode = (mode + 1) % MODES.length;
          modeTicks = 1 + Math.floor(random() * MODE_TICKS);
          Object.assign(changes, modeFlags());
        }
        const current = MODES[mode];
        if (current === 'charging') {
          const p = valueAt(income, n, random);
          changes.power_income = p;
          battery = Math.min(100, battery + Math.max(1, Math.round((3 * p * pv) / shape.max)));
        } else if (current === 'injecting') {
          const p = valueAt(inject, n, random);
          changes.power_inject = p;
          battery = Math.max(0, battery - Math.max(1, Math.round((3 * p) / shape.max)));
        } else {
          changes.power_consumption = valueAt(consumption, n, random);
        }
        changes.battery = battery;
        if (v2) changes.local_time = localTime();
        return changes;
      },
    };
    behaviour.commands = {
      'switch-mode': {
        description: 'Switch to measuring, charging or injecting now',
        args: { type: 'object', required: ['mode'], properties: { mode: { type: 'string', enum: [...MODES] } } },
        run(args) {
          const next = MODES.indexOf(args.mode as (typeof MODES)[number]);
          if (next < 0) throw new Error(`mode must be one of ${MODES.join(', ')}`);
          mode = next;
          modeTicks = MODE_TICKS;
          return modeFlags();
        },
      },
      reboot: {
        description: 'Restart: the device drops its connection and is back a few seconds later',
        run: () => ({}),
        reboots: true,
      },
    };
    // With --peers: the fleet's average battery next to its own, from the IoT channel (online peers only).
    behaviour.peers = {
      params: ['battery'],
      values(peers) {
        let sum = 0;
        let online = 0;
        for (const p of peers.values()) {
          if (!p.online || typeof p.values.battery !== 'number') continue;
          sum += p.values.battery;
          online++;
        }
        return { fleet_battery_avg: online === 0 ? null : Math.round((sum / online) * 10) / 10, peers_online: online };
      },
    };
    // Settings a `set` command may change: the battery reserve (percent) and the grid injection limit (W).
    behaviour.settable = (name, value) => {
      if (name === 'battery_reserve')
        return typeof value === 'number' && value >= 0 && value <= 100 ? true : 'a percentage, 0 to 100';
      if (name === 'inject_limit')
        return typeof value === 'number' && value >= 0 && value <= shape.max * 2 ? true : `watts, 0 to ${shape.max * 2}`;
      return `${name} is not a setting`;
    };
    return behaviour;
  };
}
