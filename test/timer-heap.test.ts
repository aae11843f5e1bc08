import { describe, expect, it } from 'vitest';
import { TimerHeap } from '../server/alerts/timer-heap.ts';

describe('the alerts timer heap', () => {
  it('fires live timers in order, skips replaced and cancelled ones, and does not grow with replacements', () => {
    const fired: Array<[string, number]> = [];
    const heap = new TimerHeap((key, at) => fired.push([key, at]));
    const far = Date.now() + 3_600_000;
    // 100 alerts, each timer replaced 1,000 times (as a resolved alert's expiry is, each time it fires again).
    for (let round = 0; round < 1000; round++) for (let k = 0; k < 100; k++) heap.set(`d|${k}`, far + round * 100 + k);
    heap.cancel('d|0');
    expect(heap.entries).toBeLessThan(400);
    heap.run(far + 1_000_000);
    heap.stop();
    expect(fired.map(([key]) => key)).toEqual(Array.from({ length: 99 }, (_, i) => `d|${i + 1}`));
    expect(fired.map(([, at]) => at)).toEqual(Array.from({ length: 99 }, (_, i) => far + 99_900 + i + 1));
  });
});
