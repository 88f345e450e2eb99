import { z } from 'zod';
import type { ViewAction } from '../view.js';

/**
 * Ids of every contract action, named once. Slack uses them as `action_id` prefixes (buttons) and `callback_id`s
 * (modals), Teams as `Action.Execute` verbs; the handlers on both platforms match on the same constants.
 */
export const ContractActions = {
  /** "Register contract" on a completed triage: opens the registration form. */
  register: 'contract_register',
  /** The registration form's submit. */
  submitRegistration: 'contract_submit',
  /** "Record result" on a reminder: opens the result form. */
  record: 'reminder_record',
  submitResult: 'reminder_result',
  /** "Snooze…" on a reminder: opens the snooze form (how long, and why). */
  snooze: 'reminder_snooze',
  submitSnooze: 'reminder_snooze_submit',
  open: 'contract_open',
  breach: 'contract_breach',
  submitBreach: 'contract_breach_submit',
  exportOcds: 'contract_export',
  /** "Joint reviews…": schedule the reviews with the supplier (the tier's cadence or a custom one). */
  reviews: 'contract_reviews',
  submitReviews: 'contract_reviews_submit',
  /** "Log supplier change": a change the supplier notified, for the next review's pre-read. */
  change: 'contract_change',
  submitChange: 'contract_change_submit',
} as const;

export type ContractActionId = (typeof ContractActions)[keyof typeof ContractActions];

/** What "Register contract" and the registration form carry: the triage dialogue. */
export const RegisterPayloadSchema = z.object({ d: z.string().min(1).max(64) }).strict();
export type RegisterPayload = z.infer<typeof RegisterPayloadSchema>;

/** What a contract or reminder button (and the result and breach forms) carry: the contract, and the obligation. */
export const ContractPayloadSchema = z
  .object({
    c: z.string().min(1).max(16),
    k: z.string().min(1).max(100).optional(),
  })
  .strict();
export type ContractPayload = z.infer<typeof ContractPayloadSchema>;

/** The button for a completed triage summary (the triage views add it). */
export function registerContractAction(dialogueId: string): ViewAction {
  return { id: ContractActions.register, label: 'Register contract', value: { d: dialogueId } };
}
