import { z } from 'zod';
import type { ViewAction } from '../view.js';

/**
 * Ids of every procurement action, named once: Slack `action_id` prefixes and modal `callback_id`s, Teams
 * `Action.Execute` verbs. All start with `proc_`, so each platform routes them with one pattern.
 */
export const ProcurementActions = {
  /** "Start checklist" on a triage summary: the form that asks for the planned award date. */
  start: 'proc_start',
  submitStart: 'proc_start_submit',
  /** "Update an item…": the form that marks an item done, waived or not applicable, or reassigns it. */
  update: 'proc_update',
  submitUpdate: 'proc_update_submit',
  /** "Attach evidence…": the supplier's form, offering only the items addressed to the supplier. */
  evidence: 'proc_evidence',
  submitEvidence: 'proc_evidence_submit',
  ready: 'proc_ready',
  requestPack: 'proc_request',
  scan: 'proc_scan',
  /** A consequence's sort (Act, Influence, Monitor) or its marks (positive or negative, intended or unintended). */
  sort: 'proc_sort',
  closeScan: 'proc_scan_close',
  /** A consequence typed on the scan's card (Teams); in Slack it is a reply in the thread. */
  addConsequence: 'proc_scan_add',
  open: 'proc_open',
} as const;

/** The scan card's text input (Teams). */
export const CONSEQUENCE_INPUT = 'proc_consequence';

export const isProcurementAction = (id: string): boolean => id.startsWith('proc_');

/** What "Start checklist" carries: the triage. */
export const StartPayloadSchema = z.object({ d: z.string().min(1).max(64) }).strict();

/** What the other procurement buttons and forms carry: the procurement. */
export const ProcurementPayloadSchema = z
  .object({
    p: z.string().min(1).max(16),
    i: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,100}$/)
      .optional(),
  })
  .strict();

/** A consequence button: the procurement, the consequence, and what the click sets. */
export const SortPayloadSchema = z
  .object({
    p: z.string().min(1).max(16),
    c: z.string().regex(/^S\d{1,3}-\d{1,3}$/),
    set: z.enum(['act', 'influence', 'monitor', 'positive', 'negative', 'intended', 'unintended']),
  })
  .strict();

export function startChecklistAction(dialogueId: string): ViewAction {
  return { id: ProcurementActions.start, label: 'Start checklist', value: { d: dialogueId } };
}

export const procurementValue = (id: string) => ({ p: id });
