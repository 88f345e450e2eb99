/** Every checklist message and form as a neutral View. Text is data: renderers escape it. */
import { formatLocalDate, type LocalDate } from '../calendar.js';
import type { DigestRow } from '../contracts/digest.js';
import { dueDate } from '../contracts/format.js';
import { historyAction } from '../history/actions.js';
import { recordLessonAction } from '../lessons/actions.js';
import type { FormValues, FormView, Paragraph, UserRef, View, ViewAction, ViewBlock } from '../view.js';
import { ProcurementActions, procurementValue } from './actions.js';
import { type DueChecklistItem, RECORD_NAMES } from './checklist.js';
import {
  allSettled,
  type ChecklistItem,
  type Procurement,
  type Published,
  progressOf,
  progressText,
  REASON_MAX,
  URL_MAX,
} from './procurement.js';

export const recordIdOf = (p: Pick<Procurement, 'id'>) => `procurement:${p.id}`;

const STATUS_MARK: Record<ChecklistItem['status'], string> = {
  open: '☐',
  received: '◐',
  done: '☑',
  waived: '⊘',
  na: '–',
};

/** One line per item: its id and text, then who owns it and when it is due, or how it was settled and by whom. */
export function itemLine(item: ChecklistItem, timeZone: string): Paragraph {
  const head: Paragraph = [`${STATUS_MARK[item.status]} `, { strong: item.id }, ` ${item.text}`];
  if (item.supports?.length) head.push({ em: ` (supports ${item.supports.join(', ')})` });
  const by: Paragraph = item.changedBy ? [' by ', { user: item.changedBy }] : [];
  switch (item.status) {
    case 'done':
      return [
        ...head,
        ' · done',
        ...by,
        ...(item.proof?.url ? [' · ', { link: { url: item.proof.url, label: 'proof' } }] : []),
      ];
    case 'waived':
      return [...head, ' · waived', ...by, `: ${item.statusReason ?? ''}`];
    case 'na':
      return [...head, ' · not applicable', ...by, `: ${item.statusReason ?? ''}`];
    case 'received':
      return [
        ...head,
        ' · evidence received',
        ...by,
        ...(item.proof?.url ? [' (', { link: { url: item.proof.url, label: 'open' } }, ')'] : []),
        ', to review',
      ];
    case 'open':
      return [
        ...head,
        ...(item.owner ? [' · owner ', { user: item.owner }] : []),
        ' · due ',
        dueDate(item.due, timeZone),
      ];
  }
}

/** The one checklist message in the triage's thread, redrawn in place on every change. */
export function checklistView(p: Procurement): View {
  const progress = progressOf(p.items);
  const group = (kind: ChecklistItem['kind']) => p.items.filter((i) => i.kind === kind);
  const blocks: ViewBlock[] = [
    {
      type: 'context',
      content: [
        `${p.id} · ${progressText(progress)} · planned award `,
        dueDate(p.awardDate, p.timeZone),
        ` · ${stageText(p)}`,
      ],
    },
  ];
  const section = (title: string, items: ChecklistItem[]) => {
    if (!items.length) return;
    blocks.push({ type: 'text', content: [{ strong: title }] });
    blocks.push({ type: 'list', items: items.map((i) => itemLine(i, p.timeZone)) });
  };
  section('Gates to pass before award', group('gate'));
  section('Evidence from the supplier', group('evidence'));
  section('Actions from consequence scans', group('action'));
  if (p.clauseAsks.length) {
    blocks.push({ type: 'text', content: [{ strong: 'Clauses to ask for (from consequence scans)' }] });
    blocks.push({
      type: 'list',
      items: p.clauseAsks.map((a) => [...(a.ref ? [{ strong: a.ref }, ' '] : []), a.text, { em: ` (${a.from})` }]),
    });
  }
  const value = procurementValue(p.id);
  const actions: ViewAction[] = [];
  if (p.stage === 'pre-award' || p.items.some((i) => i.kind === 'action')) {
    actions.push({ id: ProcurementActions.update, label: 'Update an item…', value, style: 'primary' });
  }
  if (p.stage === 'pre-award') {
    actions.push({ id: ProcurementActions.evidence, label: 'Attach evidence…', value });
    if (!p.ready && allSettled(progress))
      actions.push({ id: ProcurementActions.ready, label: 'Ready for award', value });
  }
  actions.push({ id: ProcurementActions.requestPack, label: 'Request evidence', value });
  actions.push({ id: ProcurementActions.scan, label: 'Run a consequence scan', value });
  actions.push(historyAction(recordIdOf(p)));
  return {
    fallback: `Checklist for ${p.title}: ${progressText(progress)}`,
    heading: `Checklist: ${p.title}`,
    blocks,
    actions,
  };
}

function stageText(p: Procurement): string {
  if (p.stage !== 'pre-award') return `stage: ${p.stage}${p.contractId ? ` (${p.contractId})` : ''}`;
  return p.ready ? 'ready for award' : 'pre-award';
}

/** The buttons the procurement channel's summary gains: a consequence scan (posted in the thread), the checklist. */
export function summaryActions(p: Procurement): ViewAction[] {
  const value = procurementValue(p.id);
  return [
    { id: ProcurementActions.scan, label: 'Run a consequence scan', value },
    { id: ProcurementActions.open, label: 'Open checklist', value },
  ];
}

/** The line the procurement channel's summary gains, and keeps current. */
export function progressLine(p: Procurement): Paragraph {
  return [{ strong: 'Checklist' }, `: ${progressText(progressOf(p.items))} · ${stageText(p)} · ${p.id}`];
}

export function startForm(input: {
  dialogueId: string;
  title: string;
  awardDate: LocalDate;
  owner: UserRef;
  errors?: Record<string, string>;
  values?: FormValues;
}): FormView {
  return {
    title: 'Start the checklist',
    intro: [
      'Every gate and evidence item of ',
      { strong: input.title },
      ' becomes a checklist item with an owner and a due date: evidence two weeks before the planned award, gates one week before.',
    ],
    fields: [
      { kind: 'date', id: 'award', label: 'Planned award date', initial: input.awardDate },
      { kind: 'user', id: 'owner', label: 'Owner of the items (you can reassign each)', initial: input.owner },
    ],
    submit: { id: ProcurementActions.submitStart, label: 'Start checklist', value: { d: input.dialogueId } },
    ...(input.errors ? { errors: input.errors } : {}),
  };
}

export const UPDATE_CHOICES = [
  { id: 'done', label: 'Done' },
  { id: 'waive', label: 'Waived (admins; give the reason)' },
  { id: 'na', label: 'Not applicable (give the reason)' },
  { id: 'reopen', label: 'Reopen' },
  { id: 'keep', label: 'Keep its status (reassign only)' },
] as const;

const itemOption = (i: ChecklistItem) => ({ id: i.id, label: `${i.id} ${i.text}`.slice(0, 75) });

/** The buyer's form: one item, what happened to it, why, the proof, and (for procurement) its owner and due date. */
export function updateForm(p: Procurement, errors?: Record<string, string>, values?: FormValues): FormView {
  const initial = (id: string) => {
    const v = values?.[id];
    return typeof v === 'string' ? v : undefined;
  };
  return {
    title: 'Update a checklist item',
    intro: [`${p.title} · ${progressText(progressOf(p.items))}`],
    fields: [
      { kind: 'select', id: 'item', label: 'Item', options: p.items.map(itemOption), initial: initial('item') },
      {
        kind: 'select',
        id: 'change',
        label: 'What happened',
        options: UPDATE_CHOICES.map((c) => ({ ...c })),
        initial: initial('change') ?? 'done',
      },
      {
        kind: 'text',
        id: 'reason',
        label: 'Reason',
        optional: true,
        maxLength: REASON_MAX,
        multiline: true,
        hint: 'Needed to waive an item or mark it not applicable.',
        initial: initial('reason'),
      },
      {
        kind: 'text',
        id: 'proof',
        label: 'Link to the proof',
        optional: true,
        maxLength: URL_MAX,
        placeholder: 'https://…',
        hint: 'A link to the document or file (https).',
        initial: initial('proof'),
      },
      { kind: 'user', id: 'owner', label: 'New owner', optional: true },
      { kind: 'date', id: 'due', label: 'New due date', optional: true, initial: initial('due') },
    ],
    submit: { id: ProcurementActions.submitUpdate, label: 'Save', value: procurementValue(p.id) },
    ...(errors ? { errors } : {}),
  };
}

/** The supplier's form: only the open evidence addressed to the supplier. */
export function evidenceForm(p: Procurement, errors?: Record<string, string>, values?: FormValues): FormView {
  const open = p.items.filter((i) => i.addressee === 'supplier' && ['open', 'received'].includes(i.status));
  const initial = (id: string) => {
    const v = values?.[id];
    return typeof v === 'string' ? v : undefined;
  };
  return {
    title: 'Attach evidence',
    intro: [
      `${p.title}: attach a link to each document asked for. The buying team reviews it before marking the item done.`,
    ],
    fields: [
      { kind: 'select', id: 'item', label: 'Evidence item', options: open.map(itemOption), initial: initial('item') },
      {
        kind: 'text',
        id: 'proof',
        label: 'Link to the document',
        maxLength: URL_MAX,
        placeholder: 'https://…',
        initial: initial('proof'),
      },
      {
        kind: 'text',
        id: 'note',
        label: 'Note for the buyer',
        optional: true,
        maxLength: REASON_MAX,
        multiline: true,
        initial: initial('note'),
      },
    ],
    submit: { id: ProcurementActions.submitEvidence, label: 'Attach', value: procurementValue(p.id) },
    ...(errors ? { errors } : {}),
  };
}

export function changedView(p: Procurement, item: ChecklistItem): View {
  const text = `${item.id} updated. ${progressText(progressOf(p.items))}.`;
  // A waiver is a judgement others will meet again: ask for the lesson.
  return {
    fallback: text,
    blocks: [{ type: 'text', content: itemLine(item, p.timeZone) }],
    ...(item.status === 'waived' ? { actions: [recordLessonAction(p.id)] } : {}),
  };
}

export function publishedView(p: Procurement, r: Published): View {
  const text = `${RECORD_NAMES[r.kind] ?? r.kind} of ${p.title} published on ${formatLocalDate(r.on)}: its review comes up in the digest on ${formatLocalDate(r.review)} (a documentation refresh).`;
  return { fallback: text, blocks: [{ type: 'text', content: [text] }] };
}

export function readyView(p: Procurement): View {
  const text = `${p.title} is ready for award: every item is done, waived or not applicable.`;
  return {
    fallback: text,
    heading: 'Ready for award',
    blocks: [
      { type: 'text', content: [text] },
      { type: 'context', content: ['Set by ', { user: p.ready?.by ?? { id: '?' } }, ` · ${p.id}`] },
    ],
  };
}

/** A checklist item in the daily digest: the procurement, the item, when, and whom it escalates to. */
export function digestItemLine(
  p: Pick<Procurement, 'title' | 'timeZone' | 'createdBy'>,
  due: DueChecklistItem,
  n: number,
): Paragraph {
  const when: Paragraph =
    due.status === 'overdue'
      ? [
          'overdue since ',
          dueDate(due.item.due, p.timeZone),
          ` (${due.overdueDays} day${due.overdueDays === 1 ? '' : 's'})`,
        ]
      : due.status === 'today'
        ? ['due today']
        : ['due ', dueDate(due.item.due, p.timeZone)];
  const owner = due.item.owner ?? p.createdBy;
  const escalation: Paragraph =
    due.escalate === 'sro'
      ? [' · owner ', { mention: owner }, ' · lead ', { mention: p.createdBy }]
      : due.escalate === 'owner'
        ? [' · owner ', { mention: owner }]
        : [];
  return [
    `${n}. `,
    { strong: p.title },
    isReview(due.item) ? ` · ${due.item.text} · ` : ` · checklist ${due.item.id} ${due.item.text.slice(0, 120)} · `,
    ...when,
    ...escalation,
  ];
}

const isReview = (item: Pick<ChecklistItem, 'id'>) => item.id.startsWith('R-');

/** A procurement's due checklist items as rows of the daily digest, each with Update and Open buttons. */
export function checklistRows(entries: { procurement: Procurement; due: DueChecklistItem }[]): DigestRow[] {
  return entries.map(({ procurement: p, due }) => ({
    status: due.status,
    due: due.item.due,
    title: p.title,
    line: (n) => digestItemLine(p, due, n),
    // A record's review is settled by publishing it again (the published command), not on the checklist form.
    actions: [
      ...(isReview(due.item)
        ? []
        : [
            {
              id: ProcurementActions.update,
              label: 'Update…',
              value: { p: p.id, i: due.item.id },
              style: 'primary' as const,
            },
          ]),
      { id: ProcurementActions.open, label: 'Open checklist', value: procurementValue(p.id) },
    ],
  }));
}
