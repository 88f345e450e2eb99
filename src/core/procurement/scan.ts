/**
 * Consequence scanning (doteveryone's kit, as the Consequence Scanner for AI procurement uses it), pure: what a
 * consequence may say, how a click sorts or marks it, and what closing a scan does with each sort. Act items become
 * checklist items; Influence items clause asks for the contract pack; Monitor items KPIs proposed on the contract
 * form.
 */
import { addDays, compareDates, type LocalDate } from '../calendar.js';
import type { UserRef } from '../view.js';
import { defaultDue, GATE_LEAD_DAYS } from './checklist.js';
import type { ChecklistItem, ClauseAsk, Consequence, KpiProposal, Procurement, Scan } from './procurement.js';
import { MAX_CLAUSE_ASKS, MAX_ITEMS, MAX_KPI_PROPOSALS, TEXT_MAX } from './procurement.js';

export const CONSEQUENCE_MIN = 3;
/** A renewal scan's actions are due this many days after it closes (there is no award date ahead). */
export const RENEWAL_ACTION_DAYS = 30;
/** Proposed KPIs are numbered from here, clear of the pack's own K-ids. */
export const PROPOSED_KPI_BASE = 100;

export type SortClick = 'act' | 'influence' | 'monitor' | 'positive' | 'negative' | 'intended' | 'unintended';

export const openScan = (p: Pick<Procurement, 'scans'>): Scan | undefined => p.scans.find((s) => !s.closedAt);

/** A reply's text as a consequence, or why not. Capped before anything reads it. */
export function consequenceText(raw: string): { text: string } | { error: string } {
  if (raw.length > TEXT_MAX * 2) return { error: `Keep a consequence under ${TEXT_MAX} characters.` };
  const text = raw.replace(/\s+/g, ' ').trim();
  if (text.length < CONSEQUENCE_MIN) return { error: 'Say what could happen, in a few words.' };
  if (text.length > TEXT_MAX)
    return { error: `Keep a consequence under ${TEXT_MAX} characters (it is ${text.length}).` };
  return { text };
}

export function applyClick(c: Consequence, set: SortClick): Consequence {
  if (set === 'act' || set === 'influence' || set === 'monitor') return { ...c, sort: set };
  if (set === 'positive' || set === 'negative') return { ...c, impact: set };
  return { ...c, intent: set };
}

/** The first clause id a consequence names that the triage's pack knows ("add C11 change control"). */
export function clauseRef(text: string, known: ReadonlySet<string>): string | undefined {
  for (const match of text.slice(0, TEXT_MAX).matchAll(/\bC(\d{1,2})\b/g)) {
    const id = `C${match[1]}`;
    if (known.has(id)) return id;
  }
  return undefined;
}

export interface Closed {
  /** Each new checklist item and the consequence it came from. */
  actions: { item: ChecklistItem; from: string }[];
  asks: ClauseAsk[];
  kpis: KpiProposal[];
  unsorted: Consequence[];
  /** Sorted, but past the most a procurement keeps (80 items, 100 clause asks, 50 KPI proposals). */
  dropped: Consequence[];
}

/** What closing `scan` adds: checklist items, clause asks and KPI proposals, numbered after those there. */
export function closeOutcome(
  p: Procurement,
  scan: Scan,
  input: { clauses: ReadonlySet<string>; today: LocalDate; owner: UserRef },
): Closed {
  const nextA = 1 + Math.max(0, ...p.items.filter((i) => i.kind === 'action').map((i) => Number(i.id.slice(1)) || 0));
  const nextK = 1 + Math.max(PROPOSED_KPI_BASE, ...p.kpiProposals.map((k) => Number(k.id.slice(1)) || 0));
  const room = MAX_ITEMS - p.items.length;
  // Before award, an action is due with the gates (never after the award); after it, a month on.
  const due =
    p.stage === 'pre-award' && compareDates(p.awardDate, input.today) >= 0
      ? defaultDue(p.awardDate, input.today, GATE_LEAD_DAYS)
      : addDays(input.today, RENEWAL_ACTION_DAYS);
  const sorted = (sort: Consequence['sort']) => scan.consequences.filter((c) => c.sort === sort);
  const actions = sorted('act')
    .slice(0, Math.max(0, room))
    .map((c, i) => ({
      from: c.id,
      item: {
        id: `A${nextA + i}`,
        kind: 'action',
        text: c.text,
        reason: `Consequence ${c.id} (${marks(c)}), scan ${scan.n}`,
        addressee: 'buyer',
        owner: input.owner,
        due,
        status: 'open',
        log: [],
      } satisfies ChecklistItem,
    }));
  const asks = sorted('influence')
    .slice(0, Math.max(0, MAX_CLAUSE_ASKS - p.clauseAsks.length))
    .map((c): ClauseAsk => {
      const ref = clauseRef(c.text, input.clauses);
      return { ...(ref ? { ref } : {}), text: c.text, from: c.id };
    });
  const kpis = sorted('monitor')
    .slice(0, Math.max(0, MAX_KPI_PROPOSALS - p.kpiProposals.length))
    .map((c, i): KpiProposal => ({ id: `K${nextK + i}`, title: c.text.slice(0, 200), from: c.id }));
  // Anything beyond what a procurement keeps is named in the log, not lost silently.
  const taken = new Set([...actions.map((a) => a.from), ...asks.map((a) => a.from), ...kpis.map((k) => k.from)]);
  const dropped = scan.consequences.filter((c) => c.sort && !taken.has(c.id));
  return { actions, asks, kpis, unsorted: scan.consequences.filter((c) => !c.sort), dropped };
}

/** "negative, unintended", or "not marked". */
export function marks(c: Pick<Consequence, 'impact' | 'intent'>): string {
  return [c.impact, c.intent].filter(Boolean).join(', ') || 'not marked';
}
