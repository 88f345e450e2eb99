/** The lesson form, its confirmation, and search results, as neutral views. Text is data. */
import type { Pack } from '../triage/pack-schema.js';
import { TIERS } from '../triage/types.js';
import type { FormField, FormValues, FormView, Paragraph, View } from '../view.js';
import { LESSON_OUTCOMES, LESSON_STAGES, LESSON_TEXT_MAX, type Lesson, TAG_MAX } from './lesson.js';
import type { Searchable } from './search.js';

export const LESSON_SUBMIT = 'lesson_submit';
export const SHOWN = 10;

const OUTCOME_LABEL: Record<Lesson['tags']['outcome'], string> = {
  worked: 'Worked',
  failed: 'Failed',
  'near-miss': 'Near miss',
};
const STAGE_LABEL: Record<Lesson['tags']['stage'], string> = {
  triage: 'Triage',
  award: 'Award',
  live: 'Live',
  exit: 'Exit',
};

/** The pack's options for a question, as form choices (the domains and techniques lessons are tagged with). */
export function packOptions(pack: Pack, questionId: string): { id: string; label: string }[] {
  const q = pack.questions.find((x) => x.id === questionId);
  return q && 'options' in q ? q.options.filter((o) => o.id !== 'none').map((o) => ({ id: o.id, label: o.label })) : [];
}

export interface LessonPrefill {
  supplier?: string;
  domains?: string[];
  technique?: string;
  tier?: string;
  stage?: string;
  link?: string;
}

export function lessonForm(
  pack: Pack,
  prefill: LessonPrefill = {},
  errors?: Record<string, string>,
  values?: FormValues,
): FormView {
  const text = (id: string, fallback?: string) => {
    const v = values?.[id];
    return typeof v === 'string' ? v : fallback;
  };
  const list = (id: string, fallback: string[] = []) => {
    const v = values?.[id];
    return Array.isArray(v) ? v : typeof v === 'string' ? v.split(',').filter(Boolean) : fallback;
  };
  const fields: FormField[] = [
    {
      kind: 'text',
      id: 'happened',
      label: 'What happened',
      multiline: true,
      maxLength: LESSON_TEXT_MAX,
      initial: text('happened'),
    },
    {
      kind: 'text',
      id: 'differently',
      label: 'What we would do differently',
      multiline: true,
      maxLength: LESSON_TEXT_MAX,
      initial: text('differently'),
    },
    {
      kind: 'text',
      id: 'supplier',
      label: 'Supplier',
      optional: true,
      maxLength: TAG_MAX,
      initial: text('supplier', prefill.supplier),
    },
    {
      kind: 'multiselect',
      id: 'domains',
      label: 'Domain',
      options: packOptions(pack, 'domains'),
      optional: true,
      initial: list('domains', prefill.domains),
    },
    {
      kind: 'select',
      id: 'technique',
      label: 'Technique',
      options: packOptions(pack, 'technique'),
      optional: true,
      initial: text('technique', prefill.technique),
    },
    {
      kind: 'select',
      id: 'tier',
      label: 'Tier',
      options: TIERS.map((t) => ({ id: t, label: pack.tiers[t].label })),
      optional: true,
      initial: text('tier', prefill.tier),
    },
    {
      kind: 'select',
      id: 'stage',
      label: 'Stage',
      options: LESSON_STAGES.map((s) => ({ id: s, label: STAGE_LABEL[s] })),
      initial: text('stage', prefill.stage),
    },
    {
      kind: 'select',
      id: 'outcome',
      label: 'Outcome',
      options: LESSON_OUTCOMES.map((o) => ({ id: o, label: OUTCOME_LABEL[o] })),
      initial: text('outcome'),
    },
    {
      kind: 'text',
      id: 'link',
      label: 'Procurement or contract (P-… or C-…)',
      optional: true,
      maxLength: 12,
      initial: text('link', prefill.link),
    },
  ];
  return {
    title: 'Record a lesson',
    intro: ['What one team learned, the next one can find: colleagues search lessons by words and tags.'],
    fields,
    submit: { id: LESSON_SUBMIT, label: 'Save lesson', value: {}, style: 'primary' },
    ...(errors ? { errors } : {}),
  };
}

export function lessonLine(l: Searchable): Paragraph {
  const tags = [
    OUTCOME_LABEL[l.tags.outcome],
    STAGE_LABEL[l.tags.stage],
    l.tags.supplier,
    ...l.tags.domains,
    l.tags.technique,
    l.tags.tier,
    l.link,
  ].filter(Boolean);
  return [
    { strong: l.id },
    ` · ${tags.join(' · ')}: `,
    l.happened.slice(0, 300),
    ' → ',
    { em: l.differently.slice(0, 300) },
    ' · ',
    ...(l.source ? [`from ${l.source}`] : l.by ? [{ user: l.by }] : []),
  ];
}

export function lessonSavedView(l: Lesson): View {
  const text = `Lesson ${l.id} saved. Colleagues find it with the lessons command.`;
  return {
    fallback: text,
    blocks: [
      { type: 'text', content: [text] },
      { type: 'list', items: [lessonLine(l)] },
      {
        type: 'context',
        content: ['An admin can share it with other organisations, after a review: ', { code: `share ${l.id}` }],
      },
    ],
  };
}

/** Search results, or (with `about`) the lessons offered with a triage's summary. */
export function lessonsView(found: Searchable[], query: string, about?: string): View {
  if (!found.length && about) {
    const text = 'No lessons from colleagues are about this kind of system any more.';
    return { fallback: text, blocks: [{ type: 'text', content: [text] }] };
  }
  if (!found.length) {
    const text = query ? `No lessons match “${query.slice(0, 80)}”.` : 'No lessons are recorded yet.';
    return { fallback: text, blocks: [{ type: 'text', content: [text] }] };
  }
  const shown = found.slice(0, SHOWN);
  const title = `${found.length} lesson${found.length === 1 ? '' : 's'} from colleagues`;
  return {
    fallback: title,
    heading: title,
    blocks: [
      ...(about
        ? [{ type: 'context' as const, content: [`Same domain, technique or supplier as “${about.slice(0, 80)}”.`] }]
        : []),
      { type: 'list', items: shown.map(lessonLine) },
      ...(found.length > SHOWN
        ? [
            {
              type: 'context' as const,
              content: [`and ${found.length - SHOWN} more: add words or tags to narrow it down.`],
            },
          ]
        : []),
    ],
  };
}
