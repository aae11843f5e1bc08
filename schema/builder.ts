import SchemaBuilder from '@pothos/core';
import type DataLoader from 'dataloader';
import type { Point } from '../server/history/aggregate.ts';
import type { HistoryQuery } from '../server/history/history-service.ts';
import type { LiveHub } from '../server/live/hub.ts';
import type { Fleet } from '../server/state/fleet.ts';

/**
 * What every resolver gets: the live fleet (queries read memory, not the database), the hub, and a
 * history loader made for this request (it batches the trends one request asks for).
 */
export interface Context {
  fleet: Fleet;
  hub: LiveHub;
  history: DataLoader<HistoryQuery, Point[], string>;
}

export const builder = new SchemaBuilder<{
  Context: Context;
  DefaultFieldNullability: false;
  Scalars: {
    /** Milliseconds since the epoch or a Date out, a Date in; ISO 8601 on the wire. */
    DateTime: { Input: Date; Output: Date | number };
    JSON: { Input: unknown; Output: unknown };
  };
}>({ defaultFieldNullability: false });
