/** The commons as people see it: the share review form, its confirmation, and the commons status. Text is data. */
import type { FormValues, FormView, Paragraph, View, ViewBlock } from '../view.js';
import type { SharedLesson, Subscription } from './commons.js';
import { LESSON_TEXT_MAX, type Lesson, TAG_MAX } from './lesson.js';
import { describeRemoved, type Removed } from './redact.js';
import { lessonLine } from './views.js';

/** A lesson verb, so Teams routes the card's submit with the other lesson actions. */
export const COMMONS_SHARE_SUBMIT = 'lesson_share_submit';
export const CHECKED = 'checked';

export function shareForm(input: {
  lesson: Lesson;
  /** The text after the review step: what the form proposes. */
  happened: string;
  differently: string;
  removed: Removed;
  org: string;
  feedUrl?: string;
  errors?: Record<string, string>;
  values?: FormValues;
}): FormView {
  const text = (id: string, fallback?: string) => {
    const v = input.values?.[id];
    return typeof v === 'string' ? v : fallback;
  };
  const taken = describeRemoved(input.removed);
  const intro: Paragraph = [
    { strong: `Shared lessons are public. ` },
    `Anyone can read this one in ${input.org}’s feed${input.feedUrl ? ` (${input.feedUrl})` : ''}, without your names. `,
    taken ? `The bot took out ${taken}. ` : 'The bot found no names or personal data to take out. ',
    'Read it as a stranger would, and take out anything else that could identify a person or a case.',
  ];
  return {
    title: 'Share to the commons',
    intro,
    fields: [
      {
        kind: 'text',
        id: 'happened',
        label: 'What happened (as published)',
        multiline: true,
        maxLength: LESSON_TEXT_MAX,
        initial: text('happened', input.happened),
      },
      {
        kind: 'text',
        id: 'differently',
        label: 'What we would do differently (as published)',
        multiline: true,
        maxLength: LESSON_TEXT_MAX,
        initial: text('differently', input.differently),
      },
      {
        kind: 'text',
        id: 'supplier',
        label: 'Supplier (an organisation, never a person)',
        optional: true,
        maxLength: TAG_MAX,
        initial: text('supplier', input.lesson.tags.supplier),
      },
      {
        kind: 'select',
        id: 'reviewed',
        label: 'Review',
        options: [{ id: CHECKED, label: 'I have read it: no names or personal data remain' }],
        initial: text('reviewed'),
      },
    ],
    submit: { id: COMMONS_SHARE_SUBMIT, label: 'Share', value: { l: input.lesson.id }, style: 'primary' },
    ...(input.errors ? { errors: input.errors } : {}),
  };
}

export function sharedView(shared: SharedLesson, org: string, feedUrl?: string): View {
  const text = `Lesson ${shared.id} is shared: it is in ${org}’s commons feed.`;
  return {
    fallback: text,
    blocks: [
      { type: 'text', content: [text] },
      { type: 'text', content: [{ strong: 'As published' }] },
      { type: 'list', items: [lessonLine({ ...shared, at: shared.sharedAt, source: org })] },
      {
        type: 'context',
        content: [feedUrl ? `Feed: ${feedUrl} · ` : '', 'Withdraw it with ', { code: `unshare ${shared.id}` }],
      },
    ],
  };
}

export function commonsStatusView(input: {
  publishing?: { org: string; feedUrl?: string; keyId?: string; shared: number };
  subscriptions: Subscription[];
}): View {
  const blocks: ViewBlock[] = [];
  const p = input.publishing;
  blocks.push({
    type: 'text',
    content: p
      ? [
          { strong: 'Publishing: ' },
          `${p.shared} lesson${p.shared === 1 ? '' : 's'} shared from here as ${p.org}`,
          p.feedUrl ? ` at ${p.feedUrl}` : '',
          p.keyId ? ` · key ${p.keyId}` : '',
        ]
      : [{ strong: 'Publishing: ' }, 'off (the operator sets COMMONS_ORG to turn it on).'],
  });
  blocks.push({ type: 'text', content: [{ strong: 'Subscriptions' }] });
  blocks.push(
    input.subscriptions.length
      ? { type: 'list', items: input.subscriptions.map(subscriptionLine) }
      : { type: 'context', content: ['None. Add one with ', { code: 'config commons subscribe <feed url>' }] },
  );
  return { fallback: 'The commons', heading: 'The commons', blocks };
}

export function subscriptionLine(s: Subscription): Paragraph {
  return [
    { strong: s.org },
    ` · ${s.url} · ${s.lessons.length} lesson${s.lessons.length === 1 ? '' : 's'} · key ${s.keyId}`,
    s.lastPullAt ? ` · pulled ${s.lastPullAt.slice(0, 16).replace('T', ' ')} UTC` : '',
    s.refused ? ` · ${s.refused} refused (${s.refusedWhy ?? 'bad signature'})` : '',
    s.lastError ? ` · last pull failed: ${s.lastError}` : '',
  ];
}

export function subscribedView(s: Subscription, already: boolean): View {
  const text = already
    ? `Already subscribed to ${s.org}: pulled again.`
    : `Subscribed to ${s.org}: its lessons now show in lessons searches, marked “from ${s.org}”.`;
  return {
    fallback: text,
    blocks: [
      { type: 'text', content: [text] },
      { type: 'list', items: [subscriptionLine(s)] },
      {
        type: 'context',
        content: [
          `Every item is checked against the key pinned now (${s.keyId}); ask ${s.org} to confirm it. Stop with `,
          { code: `config commons unsubscribe ${s.url}` },
        ],
      },
    ],
  };
}
