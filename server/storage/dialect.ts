import type { ParameterKind } from '../state/fleet.ts';
import type { AlertWrite } from './alert-rows.ts';
import type { NewDevice, NewParameter } from './batch.ts';

export type IdRow = [key: string, id: number];
export type ParamRow = [name: string, id: number, kind: string | null];

/** The SQL one provider needs for a group commit; rows come as columns, ready for bulk statements. */
export interface Dialect {
  loadIds(): Promise<{ devices: IdRow[]; params: ParamRow[] }>;
  transaction(work: () => Promise<void>): Promise<void>;
  /** Registers devices (existing serials are left alone) and returns the ids of all of them. */
  insertDevices(rows: NewDevice[], instance: string): Promise<IdRow[]>;
  insertParameters(rows: NewParameter[]): Promise<ParamRow[]>;
  /** Sets the kind of parameters whose kind is still unknown. */
  setKinds(ids: number[], kinds: ParameterKind[]): Promise<void>;
  touch(ids: number[], lastSeen: number[], instance: string): Promise<void>;
  /** Marks devices as claimed: written with a credential, so anonymous sockets are refused for them. */
  claim(ids: number[]): Promise<void>;
  /** Marks devices offline unless another instance holds them by now. */
  setOffline(ids: number[], instance: string): Promise<void>;
  upsertValues(deviceIds: number[], paramIds: number[], values: string[]): Promise<void>;
  /** Appends accepted values to the history log. */
  appendHistory(
    deviceIds: number[],
    paramIds: number[],
    ts: number[],
    nums: Array<number | null>,
    texts: Array<string | null>,
  ): Promise<void>;
  /** Moves one bucket of the log into history, in one transaction. */
  moveToHistory(bucket: number): Promise<void>;
  /** Rows in the history log (at start, to know whether a move is due). */
  logRows(): Promise<number>;
  /** The device/parameter pairs that have values: what pruning walks through. */
  pairs(): Promise<Array<[deviceId: number, paramId: number]>>;
  /** For these pairs, deletes raw points and rollups older than their cut (null keeps them). */
  prune(pairs: Array<[number, number]>, cuts: PruneCuts): Promise<void>;
  /** Stores a batch of alert transitions in one transaction; false (nothing written) when fenced out. */
  writeAlerts(write: AlertWrite): Promise<boolean>;
  close(): Promise<void>;
}

export interface PruneCuts {
  raw: number | null;
  minute: number | null;
  hour: number | null;
}
