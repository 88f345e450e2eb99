import { z } from 'zod';
import {
  type ChainEntry,
  ChainEntrySchema,
  type Head,
  HeadSchema,
  type HistoryEvent,
  HistoryEventSchema,
  hashOf,
  redact,
} from '../core/history/event.js';
import type { HistoryRepository, NewEvent } from '../core/history/ports.js';
import type { Locker } from '../core/ports.js';
import { type Records, shortId, tenantKey } from './records.js';

const ChainHeadSchema = z.object({ n: z.number().int().min(0), hash: z.string() }).strict();

/**
 * History in the store, one key per event (nothing is ever rewritten whole): `hist:<record>:<seq>` and the
 * record's head, `chain:<n>` and the tenant chain's head, the four written at once. With replicas, appends are
 * serialised per tenant by a store lock of their own (taken inside a record's lock, never around one), so both chains
 * stay gapless; a sole writer (SQLite's one process) numbers them from the heads it keeps, without a lock.
 */
export class KeyvHistoryRepository implements HistoryRepository {
  /** Heads as this process last wrote them, when it is the only writer; with replicas, every append reads them. */
  private readonly recordHeads: BoundedMap<Head> | undefined;
  private readonly chainHeads: BoundedMap<ChainHead> | undefined;
  private readonly chainLoads = new Map<string, Promise<void>>();

  constructor(
    private readonly records: Records,
    private readonly locker: Locker,
    options: { soleWriter?: boolean } = {},
  ) {
    if (options.soleWriter) {
      this.recordHeads = new BoundedMap(10_000);
      this.chainHeads = new BoundedMap(1000);
    }
  }

  append(tenant: string, input: NewEvent): Promise<HistoryEvent> {
    if (this.recordHeads && this.chainHeads) return this.appendAlone(tenant, input, this.recordHeads, this.chainHeads);
    return this.locker.withLock(`history:${tenant}`, async () => {
      const [head, chainHead] = await Promise.all([this.head(tenant, input.record), this.chainHead(tenant)]);
      const { event, writes } = linked(tenant, input, head, chainHead);
      await this.records.setMany(writes);
      return event;
    });
  }

  /**
   * The sole writer numbers events from the heads it keeps, synchronously, so appends need no lock and share one
   * group commit; only a record or tenant not seen since start is read first. A failed write forgets the tenant's
   * heads, so the next append starts again from what the store holds.
   */
  private async appendAlone(
    tenant: string,
    input: NewEvent,
    recordHeads: BoundedMap<Head>,
    chainHeads: BoundedMap<ChainHead>,
  ): Promise<HistoryEvent> {
    const recordKey = headKey(tenant, input.record);
    const chainHeadAt = chainHeadKey(tenant);
    const stored = recordHeads.get(recordKey) ? undefined : await this.head(tenant, input.record);
    if (!chainHeads.get(chainHeadAt)) {
      let loading = this.chainLoads.get(chainHeadAt);
      if (!loading) {
        loading = this.chainHead(tenant).then((head) => {
          if (!chainHeads.get(chainHeadAt)) chainHeads.set(chainHeadAt, head ?? { n: 0, hash: '' });
        });
        this.chainLoads.set(chainHeadAt, loading);
        void loading.finally(() => this.chainLoads.delete(chainHeadAt)).catch(() => undefined);
      }
      await loading;
    }
    // From here to the write, nothing awaits: the heads are read and moved on in one step.
    const head = recordHeads.get(recordKey) ?? stored;
    const { event, writes, recordHead, chainHead } = linked(tenant, input, head, chainHeads.get(chainHeadAt));
    recordHeads.set(recordKey, recordHead);
    chainHeads.set(chainHeadAt, chainHead);
    try {
      await this.records.setMany(writes);
    } catch (error) {
      chainHeads.delete(chainHeadAt);
      recordHeads.delete(recordKey);
      throw error;
    }
    return event;
  }

  head(tenant: string, record: string): Promise<Head | undefined> {
    return this.records.get(headKey(tenant, record), HeadSchema);
  }

  async events(tenant: string, record: string, from: number, to: number): Promise<HistoryEvent[]> {
    const keys = range(from, to).map((seq) => eventKey(tenant, record, seq));
    const found = await this.records.getMany(keys, HistoryEventSchema);
    return found.filter((event): event is HistoryEvent => event !== undefined);
  }

  /** Tombstones in place, a batch per write; the heads and the tenant chain are untouched. */
  async redact(tenant: string, record: string, from: number, to: number): Promise<number> {
    let done = 0;
    for (let start = from; start <= to; start += REDACT_BATCH) {
      const events = await this.events(tenant, record, start, Math.min(to, start + REDACT_BATCH - 1));
      const changed = events.filter((event) => !event.redacted).map(redact);
      if (changed.length > 0) {
        await this.records.setMany(
          changed.map((event) => ({ key: eventKey(tenant, record, event.seq), value: event })),
        );
      }
      done += changed.length;
    }
    return done;
  }

  async chainHead(tenant: string): Promise<ChainHead | undefined> {
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

type ChainHead = { n: number; hash: string };

/**
 * The next event of a record and the tenant chain's next entry, linked to the heads before them, and the four keys
 * to write in one atomic write (one SQLite transaction, a Redis MULTI, one PostgreSQL statement): a crash leaves an
 * append whole or absent, never a head without its event.
 */
function linked(tenant: string, input: NewEvent, head: Head | undefined, chainHead: ChainHead | undefined) {
  const fields = { ...input, seq: (head?.seq ?? 0) + 1, prev: head?.hash ?? '' };
  const event = HistoryEventSchema.parse({ ...fields, hash: hashOf(fields) });
  const entryFields = {
    n: (chainHead?.n ?? 0) + 1,
    record: event.record,
    seq: event.seq,
    event: event.hash,
    at: event.at,
    prev: chainHead?.hash ?? '',
  };
  const entry = ChainEntrySchema.parse({ ...entryFields, hash: hashOf(entryFields) });
  const recordHead: Head = { seq: event.seq, hash: event.hash };
  const nextChainHead: ChainHead = { n: entry.n, hash: entry.hash };
  const writes = [
    { key: eventKey(tenant, event.record, event.seq), value: event },
    { key: chainKey(tenant, entry.n), value: entry },
    { key: headKey(tenant, event.record), value: recordHead },
    { key: chainHeadKey(tenant), value: nextChainHead },
  ];
  return { event, writes, recordHead, chainHead: nextChainHead };
}

/** A map that forgets its least recently written entry beyond `max`. */
class BoundedMap<V> {
  private readonly entries = new Map<string, V>();
  constructor(private readonly max: number) {}

  get(key: string): V | undefined {
    return this.entries.get(key);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.max) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }
}

const REDACT_BATCH = 200;

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
