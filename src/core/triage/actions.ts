import { z } from 'zod';

/**
 * Ids of every triage action, named once. Slack uses them as `action_id` prefixes, Teams as `Action.Execute`
 * verbs; the handlers on both platforms match on the same constants.
 */
export const TriageActions = {
  answer: 'triage_answer',
  dontKnow: 'triage_dont_know',
  back: 'triage_back',
  confirmMulti: 'triage_confirm',
  multiInput: 'triage_multi',
  textInput: 'triage_text',
  submitText: 'triage_submit_text',
  exportReport: 'triage_export',
} as const;

/** What a triage button carries: dialogue id, the step it was drawn at, question and option. */
export const ActionPayloadSchema = z.object({
  d: z.string().min(1).max(64),
  s: z.number().int().nonnegative(),
  q: z.string().max(64).optional(),
  o: z.string().max(64).optional(),
});
export type ActionPayload = z.infer<typeof ActionPayloadSchema>;
