import type { ChainEntry, Head, HistoryEvent } from './event.js';

/** An event to append: the repository numbers it and links it to the one before. */
export type NewEvent = Omit<HistoryEvent, 'seq' | 'prev' | 'hash'>;

/** Where history is kept: an append-only chain per record, and the tenant's chain of every append. */
export interface HistoryRepository {
  append(tenant: string, event: NewEvent): Promise<HistoryEvent>;
  head(tenant: string, record: string): Promise<Head | undefined>;
  /** Events `from`..`to` (inclusive) of a record, in order; missing ones are left out. */
  events(tenant: string, record: string, from: number, to: number): Promise<HistoryEvent[]>;
  chainHead(tenant: string): Promise<{ n: number; hash: string } | undefined>;
  /** Entries `from`..`to` of the tenant's chain; missing ones are left out. */
  chain(tenant: string, from: number, to: number): Promise<ChainEntry[]>;
  /** Rewrites events `from`..`to` of a record as tombstones (see `redact`), keeping their hashes and links. */
  redact(tenant: string, record: string, from: number, to: number): Promise<number>;
}
