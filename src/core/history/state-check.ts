import type { Contract } from '../contracts/contract.js';
import type { Dialogue } from '../triage/dialogue.js';
import { canonicalJson, DELETION_KINDS, type HistoryEvent } from './event.js';
import type { HistoryRepository } from './ports.js';

const BATCH = 500;

/** Where the current records are read from. */
export interface StateSources {
  dialogue(tenant: string, id: string): Promise<Dialogue | undefined>;
  contract(tenant: string, id: string): Promise<Contract | undefined>;
}

export interface StateReport {
  ok: boolean;
  /** Records whose stored state was compared with their events. */
  checked: number;
  /** Records whose history began after them (kept from before this version): not comparable. */
  skipped: number;
  problem?: string;
}

/**
 * The stored state checked against its history: a triage's answers and result are what its events give when
 * replayed; a contract holds exactly the results and breaches its events recorded; a deleted record is gone. A state
 * changed in the store without an event (or an event whose change was lost) is named.
 */
export async function checkState(
  repository: HistoryRepository,
  tenant: string,
  records: readonly string[],
  sources: StateSources,
): Promise<StateReport> {
  let checked = 0;
  let skipped = 0;
  for (const record of records) {
    const [kind, id] = splitRecord(record);
    if (!id || (kind !== 'dialogue' && kind !== 'contract')) continue;
    const events = await allEvents(repository, tenant, record);
    const last = events.at(-1);
    const stored = kind === 'dialogue' ? await sources.dialogue(tenant, id) : await sources.contract(tenant, id);
    if (last && DELETION_KINDS.has(last.kind)) {
      if (stored)
        return fail(`record ${record} was deleted (event #${last.seq}) but is still stored`, checked, skipped);
      checked += 1;
      continue;
    }
    const first = events[0]?.kind;
    if (first !== (kind === 'dialogue' ? 'triage.started' : 'contract.registered')) {
      skipped += 1;
      continue;
    }
    if (!stored)
      return fail(`record ${record} has a history but is not stored (removed without an event)`, checked, skipped);
    const problem =
      kind === 'dialogue' ? dialogueProblem(stored as Dialogue, events) : contractProblem(stored as Contract, events);
    if (problem) return fail(`record ${record}: ${problem}`, checked, skipped);
    checked += 1;
  }
  return { ok: true, checked, skipped };
}

function dialogueProblem(dialogue: Dialogue, events: HistoryEvent[]): string | undefined {
  const answers = new Map<string, string>();
  let result: string | undefined;
  for (const event of events) {
    const questionId = typeof event.data.questionId === 'string' ? event.data.questionId : undefined;
    if (event.kind === 'triage.answered' && questionId) answers.set(questionId, canonicalJson(event.data.value));
    if (event.kind === 'triage.back' && questionId) answers.delete(questionId);
    if (event.kind === 'triage.completed') result = canonicalJson(event.data);
  }
  const stored = Object.entries(dialogue.answers);
  for (const [questionId, answer] of stored) {
    const recorded = answers.get(questionId);
    if (recorded === undefined) return `the answer to ${questionId} is stored but no event recorded it`;
    if (recorded !== canonicalJson(answer.value)) return `the answer to ${questionId} differs from its event`;
  }
  for (const questionId of answers.keys()) {
    if (!dialogue.answers[questionId]) return `the answer to ${questionId} was recorded but is not stored`;
  }
  if (result !== undefined && canonicalJson(dialogue.result) !== result) return 'its result differs from its event';
  if (result === undefined && dialogue.result) return 'it has a result no event recorded';
  return undefined;
}

function contractProblem(contract: Contract, events: HistoryEvent[]): string | undefined {
  const idsOf = (kinds: string[], field: 'result' | 'breach') =>
    events
      .filter((e) => kinds.includes(e.kind))
      .map((e) => (e.data[field] as { id?: unknown } | undefined)?.id)
      .filter((id): id is string => typeof id === 'string')
      .sort();
  const results = idsOf(['contract.result', 'contract.result.corrected'], 'result');
  const breaches = idsOf(['contract.breach', 'contract.breach.corrected'], 'breach');
  const storedResults = contract.results.map((r) => r.id).sort();
  const storedBreaches = contract.breaches.map((b) => b.id).sort();
  if (canonicalJson(results) !== canonicalJson(storedResults)) {
    return `its results (${storedResults.join(', ') || 'none'}) differ from those recorded (${results.join(', ') || 'none'})`;
  }
  if (canonicalJson(breaches) !== canonicalJson(storedBreaches)) {
    return `its breaches (${storedBreaches.join(', ') || 'none'}) differ from those recorded (${breaches.join(', ') || 'none'})`;
  }
  return undefined;
}

async function allEvents(repository: HistoryRepository, tenant: string, record: string): Promise<HistoryEvent[]> {
  const head = await repository.head(tenant, record);
  const out: HistoryEvent[] = [];
  for (let from = 1; from <= (head?.seq ?? 0); from += BATCH) {
    out.push(...(await repository.events(tenant, record, from, Math.min(head?.seq ?? 0, from + BATCH - 1))));
  }
  return out;
}

function splitRecord(record: string): [string, string | undefined] {
  const at = record.indexOf(':');
  return at < 0 ? [record, undefined] : [record.slice(0, at), record.slice(at + 1)];
}

function fail(problem: string, checked: number, skipped: number): StateReport {
  return { ok: false, checked, skipped, problem };
}
