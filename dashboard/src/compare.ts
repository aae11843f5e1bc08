import type { Client } from '@urql/core';
import { type Accessor, createEffect, createSignal, on } from 'solid-js';
import { DeviceHistoryQuery } from './documents.ts';
import { alignSeries, type ChartData, RANGES, type RangeId } from './overview.ts';

/** Chosen devices' trends of one parameter on one chart, over one range (each device's history, read together). */
export function createCompare(client: Client, serials: Accessor<string[]>, name: Accessor<string>, range: Accessor<RangeId>) {
  const [data, setData] = createSignal<ChartData | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const read = async () => {
    const ms = (RANGES.find((r) => r.id === range()) ?? RANGES[1]).ms;
    const until = Date.now();
    const vars = { names: [name()], since: new Date(until - ms).toISOString(), until: new Date(until).toISOString() };
    const results = await Promise.all(
      serials().map((serial) =>
        client.query(DeviceHistoryQuery, { serial, ...vars }, { requestPolicy: 'network-only' }).toPromise(),
      ),
    );
    const failed = results.find((r) => r.error);
    setError(failed?.error?.message ?? null);
    const series = results.map((r, i) => ({
      label: serials()[i] as string,
      points: (r.data?.device?.histories[0]?.points ?? []).map((p) => ({
        t: p.t,
        value: typeof p.avg === 'number' ? p.avg : typeof p.value === 'number' ? p.value : null,
      })),
    }));
    setData({ ...alignSeries(series), devices: serials().length });
  };
  createEffect(on([serials, name, range], () => void read()));
  return { data, error, refresh: read };
}
