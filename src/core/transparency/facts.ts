/** What the bot knows about a procurement, gathered once for every draft. */
import type { Contract } from '../contracts/contract.js';
import type { Procurement } from '../procurement/procurement.js';
import { answerIds } from '../triage/answers.js';
import type { Dialogue } from '../triage/dialogue.js';
import type { Pack } from '../triage/pack-schema.js';
import type { Outcome } from '../triage/types.js';
import { type DraftField, known, todo } from './draft.js';

export interface Facts {
  procurement: Procurement;
  dialogue: Dialogue;
  outcome: Outcome;
  pack: Pack;
  contract?: Contract;
  /** The date the draft speaks for, in the procurement's zone. */
  today: string;
}

/** The option ids a question's answer selected (none when unanswered, "Don't know" or text). */
export function chosen(facts: Facts, questionId: string): string[] {
  return answerIds(facts.dialogue.answers, questionId);
}

export function textAnswer(facts: Facts, questionId: string): string | undefined {
  const value = facts.dialogue.answers[questionId]?.value;
  return value?.kind === 'text' && value.text.trim() ? value.text.trim() : undefined;
}

/** Whether the checklist item `id` (a gate or evidence item) is done, and whether it is on the checklist at all. */
export function itemStatus(facts: Facts, id: string): 'done' | 'open' | 'absent' {
  const item = facts.procurement.items.find((i) => i.id === id);
  if (!item) return 'absent';
  return item.status === 'done' ? 'done' : 'open';
}

/** The lifecycle the registers ask about, from the procurement's stage and the planned go-live. */
export type Lifecycle = 'pre-deployment' | 'deployed' | 'retired';
export function lifecycleOf(facts: Facts): Lifecycle {
  const stage = facts.procurement.stage;
  if (stage === 'ended') return 'retired';
  const goLive = goLiveOf(facts);
  if (stage === 'live' && (!goLive || goLive <= facts.today)) return 'deployed';
  return 'pre-deployment';
}

/** The planned go-live date, from the pack's go-live question. */
export function goLiveOf(facts: Facts): string | undefined {
  const id = facts.pack.goLiveQuestion;
  return id ? textAnswer(facts, id) : undefined;
}

/** A field from a question's answer, worded by `map` (several options joined); a to-do saying `what` otherwise. */
export function answerField(
  facts: Facts,
  name: string,
  section: string,
  question: string,
  map: Record<string, string>,
  what: string,
): DraftField {
  const ids = chosen(facts, question).filter((id) => map[id]);
  return ids.length
    ? known(name, section, ids.map((id) => map[id]!).join(' '), `the triage’s ${question} answer`)
    : todo(name, section, what);
}
