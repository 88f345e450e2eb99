import { z } from 'zod';
import type { ViewAction } from '../view.js';

/** Ids of the history buttons (Slack action_id prefixes, Teams verbs), named once. */
export const HistoryActions = {
  /** "History" on a triage summary or a contract: its latest events. */
  show: 'history_show',
  /** "Export history" under them (admins): the whole history as a Markdown file, verified. */
  export: 'history_export',
  /** "Delete…" (admins): asks first, saying what goes and what the history keeps. */
  delete: 'history_delete',
  /** "Delete for good" on that question. */
  deleteConfirm: 'history_delete_confirm',
} as const;

/** A record as the buttons name it: a triage, a contract or a procurement of the clicker's tenant. */
export const HistoryPayloadSchema = z
  .object({
    r: z
      .string()
      .regex(
        /^(?:dialogue:[A-Za-z0-9_-]{1,32}|contract:C-[0-9A-HJKMNP-TV-Z]{6}|procurement:P-[0-9A-HJKMNP-TV-Z]{6}|lesson:L-[0-9A-HJKMNP-TV-Z]{6})$/,
      ),
  })
  .strict();

export const isHistoryAction = (id: string): boolean => Object.values(HistoryActions).includes(id as never);

export function historyAction(record: string): ViewAction {
  return { id: HistoryActions.show, label: 'History', value: { r: record } };
}
