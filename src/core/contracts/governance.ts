/**
 * Relational governance with the supplier: joint reviews on a cadence (the tier's from the pack, or a custom one),
 * the supplier's notified changes, the pre-read posted before each review, and the relationship pulse recorded at
 * it. Forms, their parsing, and the pre-read, all pure.
 */
import { addDays, addMonths, compareDates, formatLocalDate, isLocalDate, type LocalDate } from '../calendar.js';
import { capInitials, type FieldErrors, textValue, tooLong } from '../form-values.js';
import type { Cadence, Pack, ScoredTier } from '../triage/pack-schema.js';
import type { FormField, FormValues, FormView, Paragraph, UserRef, ViewBlock } from '../view.js';
import { ContractActions } from './actions.js';
import {
  type Contract,
  CPN_RATING,
  currentBreaches,
  nextSequenceId,
  PULSE_QUESTIONS,
  type Pulse,
  type Reviews,
  type SupplierChange,
} from './contract.js';
import { latestResults, type Obligation, obligationsUntil } from './obligations.js';

/** The pre-read is posted with the procurement channel's digest this many days before each joint review. */
export const PREREAD_DAYS = 3;
export const CHANGE_NOTE_MAX = 1000;
export const CUSTOM = 'custom';

/** The cadences a contract's joint reviews may follow: the pack's single-speed ones, in months. */
export function reviewCadences(pack: Pack | undefined): { id: string; label: string; months: number }[] {
  return (pack?.cadences ?? [])
    .filter((c: Cadence) => c.thenMonths === undefined && Number.isInteger(c.months) && c.months <= 24)
    .map((c) => ({ id: c.id, label: c.label, months: c.months }));
}

/** The tier's default cadence id in the pack, if it sets one. */
export function defaultReviewCadence(pack: Pack | undefined, contract: Pick<Contract, 'triage'>): string | undefined {
  const tier = contract.triage?.tier;
  if (!pack?.jointReviews || !tier || tier === 'stop') return undefined;
  return pack.jointReviews[tier as ScoredTier];
}

export function reviewsForm(
  contract: Contract,
  pack: Pack | undefined,
  today: LocalDate,
  errors?: FieldErrors,
  values?: FormValues,
): FormView {
  const cadences = reviewCadences(pack);
  const fallback = defaultReviewCadence(pack, contract);
  const initial = (id: string, value?: string) => (values && id in values ? textValue(values, id) : value);
  const current = contract.reviews;
  const chosen = current?.cadence ?? fallback;
  const months = cadences.find((c) => c.id === chosen)?.months ?? current?.months ?? 3;
  const first = current?.first ?? firstReview(contract, today, months);
  const tierNote = fallback
    ? ` The pack’s default for a ${contract.triage?.tierLabel ?? contract.triage?.tier} contract is ${cadences.find((c) => c.id === fallback)?.label.toLowerCase() ?? fallback}.`
    : '';
  const fields: FormField[] = [
    {
      kind: 'select',
      id: 'cadence',
      label: 'How often',
      options: [
        ...cadences.map((c) => ({ id: c.id, label: c.id === fallback ? `${c.label} (this tier’s default)` : c.label })),
        { id: CUSTOM, label: 'Custom: every N months' },
      ],
      initial: initial('cadence', chosen ?? CUSTOM),
    },
    {
      kind: 'text',
      id: 'months',
      label: 'Custom: every how many months (1 to 24)',
      optional: true,
      maxLength: 2,
      initial: initial('months', current?.cadence === CUSTOM ? String(current.months) : undefined),
    },
    { kind: 'date', id: 'first', label: 'First joint review', initial: initial('first', first) },
  ];
  return capInitials({
    title: 'Joint reviews with the supplier',
    intro: [
      { strong: contract.title },
      ` · with ${contract.supplier}. Before each review a pre-read is posted with the digest, ${PREREAD_DAYS} days ahead: KPI results since the last review, open breaches, open checklist items and the changes the supplier has notified. At the review, record the relationship pulse.${tierNote}`,
    ],
    fields,
    submit: { id: ContractActions.submitReviews, label: 'Schedule', value: { c: contract.id }, style: 'primary' },
    ...(errors && Object.keys(errors).length ? { errors } : {}),
  });
}

/** The first review: one cadence after the start, or after today when that is past. */
function firstReview(contract: Pick<Contract, 'start' | 'end'>, today: LocalDate, months: number): LocalDate {
  const fromStart = addMonths(contract.start, months);
  return compareDates(fromStart, today) > 0 ? fromStart : addMonths(today, months);
}

export function parseReviews(
  values: FormValues,
  ctx: { contract: Contract; pack: Pack | undefined; today: LocalDate; by: UserRef; now: Date },
): { ok: true; reviews: Reviews } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const cadence = textValue(values, 'cadence');
  const known = reviewCadences(ctx.pack).find((c) => c.id === cadence);
  let months = known?.months;
  if (cadence === CUSTOM) {
    const raw = textValue(values, 'months');
    const n = Number(raw);
    if (!/^\d{1,2}$/.test(raw) || n < 1 || n > 24) errors.months = 'Give a whole number of months from 1 to 24.';
    else months = n;
  } else if (!known) errors.cadence = 'Choose how often.';
  const first = textValue(values, 'first');
  if (!isLocalDate(first)) errors.first = 'Give the date of the first review.';
  else if (compareDates(first, ctx.today) < 0) errors.first = 'The first review cannot be in the past.';
  else if (compareDates(first, ctx.contract.end) > 0) {
    errors.first = `The contract ends on ${formatLocalDate(ctx.contract.end)}: choose a date before then.`;
  }
  if (Object.keys(errors).length || months === undefined) return { ok: false, errors };
  return {
    ok: true,
    reviews: { months, first, cadence: known ? known.id : CUSTOM, by: ctx.by, at: ctx.now.toISOString() },
  };
}

export function changeForm(contract: Contract, today: LocalDate, errors?: FieldErrors, values?: FormValues): FormView {
  const initial = (id: string, value?: string) => (values && id in values ? textValue(values, id) : value);
  return capInitials({
    title: 'Log a supplier change',
    intro: [
      { strong: contract.title },
      ' · a change the supplier has notified (model, data, subprocessor, hosting): the next joint review’s pre-read lists it.',
    ],
    fields: [
      { kind: 'date', id: 'on', label: 'Notified on', initial: initial('on', today) },
      {
        kind: 'text',
        id: 'note',
        label: 'What changes',
        multiline: true,
        maxLength: CHANGE_NOTE_MAX,
        initial: initial('note'),
        placeholder: 'e.g. Model v4 replaces v3 from 1 June; retrained on 2025 data',
      },
    ],
    submit: { id: ContractActions.submitChange, label: 'Log change', value: { c: contract.id } },
    ...(errors && Object.keys(errors).length ? { errors } : {}),
  });
}

export function parseChange(
  values: FormValues,
  ctx: { contract: Contract; today: LocalDate; by: UserRef; now: Date },
): { ok: true; change: SupplierChange } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const on = textValue(values, 'on');
  if (!isLocalDate(on)) errors.on = 'Give the date the supplier told you.';
  else if (compareDates(on, ctx.today) > 0) errors.on = 'The date cannot be in the future.';
  const note = textValue(values, 'note');
  if (!note) errors.note = 'Say what changes.';
  else {
    const long = tooLong(note, CHANGE_NOTE_MAX, 'the description');
    if (long) errors.note = long;
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    change: {
      id: nextSequenceId('N', ctx.contract.changes ?? []),
      on,
      note,
      by: ctx.by,
      at: ctx.now.toISOString(),
    },
  };
}

/** The pulse's six fields: our three answers, then the supplier's, 1 to 5. */
export const pulseField = (side: 'buyer' | 'supplier', n: number) => `pulse_${side}_${n}`;
const SCORES = [1, 2, 3, 4, 5].map((n) => ({
  id: String(n),
  label: `${n}${n === 1 ? ' (not at all)' : n === 5 ? ' (fully)' : ''}`,
}));

export function pulseFields(values: FormValues | undefined): FormField[] {
  const initial = (id: string) => (values && id in values ? textValue(values, id) : undefined);
  return (['buyer', 'supplier'] as const).flatMap((side) =>
    PULSE_QUESTIONS.map(
      (q, i): FormField => ({
        kind: 'select',
        id: pulseField(side, i + 1),
        label: `${side === 'buyer' ? 'Us' : 'The supplier'}: ${q}`,
        options: SCORES,
        initial: initial(pulseField(side, i + 1)),
      }),
    ),
  );
}

export function parsePulse(values: FormValues, errors: FieldErrors): Pulse | undefined {
  const side = (s: 'buyer' | 'supplier') =>
    PULSE_QUESTIONS.map((_, i) => {
      const id = pulseField(s, i + 1);
      const n = Number(textValue(values, id));
      if (!Number.isInteger(n) || n < 1 || n > 5) errors[id] = 'Choose 1 to 5.';
      return n;
    });
  const pulse = { buyer: side('buyer'), supplier: side('supplier') };
  return Object.keys(errors).some((k) => k.startsWith('pulse_')) ? undefined : pulse;
}

export const pulseText = (p: Pulse) =>
  `Pulse (us / supplier): ${p.buyer.map((b, i) => `${b}/${p.supplier[i]}`).join(' · ')}`;

/**
 * The pre-read for `review`: KPI results recorded since the last review, breaches still open, the procurement's
 * open checklist items, and the changes the supplier notified since.
 */
export function preReadBlocks(
  contract: Contract,
  review: Obligation,
  openChecklist: { id: string; text: string }[],
): ViewBlock[] {
  const since = review.from;
  const titles = new Map(obligationsUntil(contract, review.due).map((o) => [o.key, o.title]));
  const results = contract.results.filter((r) => r.at.slice(0, 10) >= since && !r.pulse);
  const latest = latestResults(contract);
  const breaches = currentBreaches(contract.breaches).filter((b) => !latest.get(`breach-cpn:${b.id}`));
  const changes = (contract.changes ?? []).filter((c) => c.on >= since);
  const list = (title: string, items: Paragraph[], none: string): ViewBlock[] => [
    { type: 'text', content: [{ strong: title }] },
    items.length ? { type: 'list', items } : { type: 'context', content: [none] },
  ];
  return [
    {
      type: 'text',
      content: [
        {
          strong: `Pre-read: joint review of ${contract.title} with ${contract.supplier}, ${formatLocalDate(review.due)}`,
        },
      ],
    },
    ...list(
      `KPI results since ${formatLocalDate(since)}`,
      results.map((r) => [
        `${titles.get(r.obligation) ?? r.obligation}: ${r.value}${r.rating ? ` (${CPN_RATING[r.rating].label})` : ''}`,
      ]),
      'None recorded.',
    ),
    ...list(
      'Open breaches',
      breaches.map((b) => [`${b.id} ${formatLocalDate(b.on)}: ${b.note}`]),
      'None.',
    ),
    ...list(
      'Open checklist items',
      openChecklist.map((i) => [`${i.id} ${i.text}`]),
      'None.',
    ),
    ...list(
      'Changes the supplier has notified',
      changes.map((c) => [`${formatLocalDate(c.on)}: ${c.note}`]),
      'None.',
    ),
    { type: 'divider' },
  ];
}

/** Joint reviews whose pre-read goes out on `date`: those due exactly PREREAD_DAYS later. */
export function reviewsForPreRead(contract: Contract, date: LocalDate): Obligation[] {
  const due = addDays(date, PREREAD_DAYS);
  return obligationsUntil(contract, due).filter((o) => o.kind === 'review' && o.due === due);
}
