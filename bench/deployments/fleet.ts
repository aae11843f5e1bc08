// Child of bench/deployments/run.ts: emulated SolMates that take `update` (download for real, check the
// digest, restart on the new version), in a process of their own.
import { EmulatedFleet } from '../../agent/emulator/fleet.ts';
import { solmate } from '../../agent/emulator/solmate.ts';

const { url, devices } = JSON.parse(process.env.BENCH_FLEET ?? '{}') as { url: string; devices: number };
const fleet = new EmulatedFleet({
  url,
  devices,
  serialStart: 1,
  serialPrefix: 'upd-',
  init: false,
  behaviour: solmate({ pattern: 'random', max: 100 }),
  // Each sends every 2–4 s: the health rule sees it keep sending.
  minSleepS: 2,
  maxSleepS: 4,
  connectPerSecond: 500,
});
await fleet.start();
process.send?.({ op: 'ready' });
process.on('message', (m: { op: string }) => {
  if (m.op === 'stop') void fleet.stop().then(() => process.exit(0));
});
