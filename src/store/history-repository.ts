import { z } from 'zod';
import {
  type ChainEntry,
  ChainEntrySchema,
  type Head,
  HeadSchema,
  type HistoryEvent,
  HistoryEventSchema,
  hashOf,
} from '../core/history/event.js';
import type { HistoryRepository, NewEvent } from '../core/history/ports.js';
import type { Locker } from '../core/ports.js';
import { type Records, shortId, tenantKey } from './records.js';

const ChainHeadSchema = z.object({ n: z.number().int().min(0), hash: z.string() }).strict();

/**
 * History in the store, one key per event (nothing is ever rewritten whole): `hist:<record>:<seq>` and the
 * record's head, then `chain:<n>` and the tenant chain's head. Appends are serialised per tenant by a lock of their
 * own (taken inside a record's lock, never around one), so both chains stay gapless across replicas.
 */
export class KeyvHistoryRepository implements HistoryRepository {
  constructor(
    private readonly records: Records,
    private readonly locker: Locker,
  ) {}

  append(tenant: string, input: NewEvent): Promise<HistoryEvent> {
    return this.locker.withLock(`history:${tenant}`, async () => {
      const [head, chainHead] = await Promise.all([this.head(tenant, input.record), this.chainHead(tenant)]);
      const fields = { ...input, seq: (head?.seq ?? 0) + 1, prev: head?.hash ?? '' };
      const event = HistoryEventSchema.parse({ ...fields, hash: hashOf(fields) });
      await this.records.set(eventKey(tenant, event.record, event.seq), event);
      await this.records.set(headKey(tenant, event.record), { seq: event.seq, hash: event.hash });
      const entryFields = {
        n: (chainHead?.n ?? 0) + 1,
        record: event.record,
        seq: event.seq,
        event: event.hash,
        at: event.at,
        prev: chainHead?.hash ?? '',
      };
      const entry = ChainEntrySchema.parse({ ...entryFields, hash: hashOf(entryFields) });
      await this.records.set(chainKey(tenant, entry.n), entry);
      await this.records.set(chainHeadKey(tenant), { n: entry.n, hash: entry.hash });
      return event;
    });
  }

  head(tenant: string, record: string): Promise<Head | undefined> {
    return this.records.get(headKey(tenant, record), HeadSchema);
  }

  async events(tenant: string, record: string, from: number, to: number): Promise<HistoryEvent[]> {
    const keys = range(from, to).map((seq) => eventKey(tenant, record, seq));
    const found = await this.records.getMany(keys, HistoryEventSchema);
    return found.filter((event): event is HistoryEvent => event !== undefined);
  }

  async chainHead(tenant: string): Promise<{ n: number; hash: string } | undefined> {
    return this.records.get(chainHeadKey(tenant), ChainHeadSchema);
  }

  async chain(tenant: string, from: number, to: number): Promise<ChainEntry[]> {
    const found = await this.records.getMany(
      range(from, to).map((n) => chainKey(tenant, n)),
      ChainEntrySchema,
    );
    return found.filter((entry): entry is ChainEntry => entry !== undefined);
  }
}

function range(from: number, to: number): number[] {
  return to < from ? [] : Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function eventKey(tenant: string, record: string, seq: number): string {
  return tenantKey(tenant, 'hist', shortId(record), String(seq));
}

function headKey(tenant: string, record: string): string {
  return tenantKey(tenant, 'hist-head', shortId(record));
}

function chainKey(tenant: string, n: number): string {
  return tenantKey(tenant, 'chain', String(n));
}

function chainHeadKey(tenant: string): string {
  return tenantKey(tenant, 'chain-head');
}
