import { HistoryActions } from '../history/actions.js';
import type { View } from '../view.js';
import type { RecordKind } from './service.js';

export const noun = (kind: RecordKind) => ({ contract: 'contract', dialogue: 'triage', lesson: 'lesson' })[kind];
const recordOf = (kind: RecordKind, id: string) => `${kind}:${id}`;

/** The confirmation: what goes, what stays, and the one button that deletes. */
export function deleteQuestionView(kind: RecordKind, id: string, title: string): View {
  const what = {
    contract: 'its KPIs, results, breaches and snoozes go, and its reminders stop.',
    dialogue: 'its answers and messages’ record go.',
    lesson: 'its text and tags go, and if it was shared, it leaves the commons feed.',
  }[kind];
  return {
    fallback: `Delete the ${noun(kind)} “${title}”?`,
    heading: `Delete the ${noun(kind)} “${title}”?`,
    blocks: [
      { type: 'text', content: [`This cannot be undone: ${what}`] },
      {
        type: 'context',
        content: [
          'The history keeps a tombstone: who deleted it and when, and that earlier events existed, without their content.',
        ],
      },
    ],
    actions: [
      { id: HistoryActions.deleteConfirm, label: 'Delete for good', value: { r: recordOf(kind, id) }, style: 'danger' },
    ],
  };
}

export function deletedView(kind: RecordKind, id: string, title: string): View {
  return {
    fallback: `Deleted the ${noun(kind)} “${title}”.`,
    blocks: [
      {
        type: 'text',
        content: [`Deleted the ${noun(kind)} “${title}” (${id}). Its history keeps the tombstone.`],
      },
    ],
  };
}
