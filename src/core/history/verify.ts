import { type ChainEntry, DELETION_KINDS, type HistoryEvent, hashOf } from './event.js';
import type { HistoryRepository } from './ports.js';

/** Reads are batched so a tenant with millions of events is verified in bounded memory per batch. */
const BATCH = 500;

export interface VerifyReport {
  ok: boolean;
  records: number;
  events: number;
  /** The tenant chain's last hash: published or handed over, it pins the whole history as of now. */
  head?: string;
  /** The first problem found, naming the record and the event; nothing after it is trusted. */
  problem?: string;
}

/**
 * Recomputes every hash of a tenant's history (or of one record in it) and checks every link: each event against
 * the one before it, each record's last event against the tenant chain, and the tenant chain itself. A changed event
 * breaks its own hash; a removed one breaks a link; a record removed whole, or cut short, no longer matches the
 * tenant chain.
 */
export async function verifyHistory(
  repository: HistoryRepository,
  tenant: string,
  options: { record?: string } = {},
): Promise<VerifyReport> {
  const chainHead = await repository.chainHead(tenant);
  const latest = new Map<string, { seq: number; event: string }>();
  let previous = '';
  let expected = 1;
  const total = chainHead?.n ?? 0;
  for (let from = 1; from <= total; from += BATCH) {
    const entries = await repository.chain(tenant, from, Math.min(total, from + BATCH - 1));
    for (const entry of entries) {
      const problem = chainProblem(entry, expected, previous);
      if (problem) return fail(problem, latest.size, expected - 1);
      latest.set(entry.record, { seq: entry.seq, event: entry.event });
      previous = entry.hash;
      expected += 1;
    }
    if (expected <= Math.min(total, from + BATCH - 1)) {
      return fail(`the tenant chain is missing entry #${expected}`, latest.size, expected - 1);
    }
  }
  if (chainHead && chainHead.hash !== previous)
    return fail('the tenant chain head does not match its last entry', 0, 0);

  const records = options.record ? [options.record] : [...latest.keys()];
  let events = 0;
  for (const record of records) {
    const listed = latest.get(record);
    const head = await repository.head(tenant, record);
    if (!head || head.seq === 0) {
      if (listed)
        return fail(`record ${record} was removed: the tenant chain lists ${listed.seq} events of it`, 0, events);
      return fail(`record ${record} has no history`, 0, events);
    }
    let link = '';
    let redactedFrom: number | undefined;
    let last: HistoryEvent | undefined;
    for (let from = 1; from <= head.seq; from += BATCH) {
      const to = Math.min(head.seq, from + BATCH - 1);
      const batch = await repository.events(tenant, record, from, to);
      const bySeq = new Map(batch.map((event) => [event.seq, event]));
      for (let seq = from; seq <= to; seq += 1) {
        const event = bySeq.get(seq);
        if (!event) return fail(`record ${record}: event #${seq} is missing`, 0, events);
        const problem = eventProblem(event, record, link);
        if (problem) return fail(`record ${record}: event #${seq} ${problem}`, 0, events);
        if (event.redacted) redactedFrom ??= seq;
        last = event;
        link = event.hash;
        events += 1;
      }
    }
    if (head.hash !== link) return fail(`record ${record}: its head does not match event #${head.seq}`, 0, events);
    // Tombstones are honest only on a deleted record: its last event, whole, says who deleted it and when.
    if (redactedFrom !== undefined && !(last && !last.redacted && DELETION_KINDS.has(last.kind))) {
      return fail(`record ${record}: event #${redactedFrom} was blanked, but the record was never deleted`, 0, events);
    }
    if (!listed) return fail(`record ${record}: its events are not in the tenant chain`, 0, events);
    if (listed.seq > head.seq) {
      return fail(
        `record ${record}: events after #${head.seq} were removed (the tenant chain lists #${listed.seq})`,
        0,
        events,
      );
    }
    if (listed.seq < head.seq) {
      return fail(
        `record ${record}: event #${listed.seq + 1} is not in the tenant chain (a write cut short, or added later)`,
        0,
        events,
      );
    }
    if (listed.event !== head.hash)
      return fail(`record ${record}: event #${head.seq} differs from the tenant chain`, 0, events);
  }
  return { ok: true, records: records.length, events, ...(chainHead ? { head: chainHead.hash } : {}) };
}

function chainProblem(entry: ChainEntry, expected: number, previous: string): string | undefined {
  if (entry.n !== expected) return `the tenant chain is missing entry #${expected}`;
  if (entry.prev !== previous) return `tenant chain entry #${entry.n} does not follow #${entry.n - 1}`;
  if (hashOf(entry) !== entry.hash) return `tenant chain entry #${entry.n} was changed`;
  return undefined;
}

function eventProblem(event: HistoryEvent, record: string, previous: string): string | undefined {
  if (event.record !== record) return `belongs to ${event.record}`;
  if (event.prev !== previous) return 'does not follow the event before it';
  // A tombstone's content is gone by design; its hash still links it to the events around it.
  if (!event.redacted && hashOf(event) !== event.hash) return 'was changed after it was written';
  return undefined;
}

function fail(problem: string, records: number, events: number): VerifyReport {
  return { ok: false, records, events, problem };
}
