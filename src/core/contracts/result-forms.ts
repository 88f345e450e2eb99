/** "Record result" for a reminder, and "Log breach" for a contract: the forms and their parsing. */

import { formatLocalDate, isLocalDate, type LocalDate } from '../calendar.js';
import { capInitials, type FieldErrors, textValue, tooLong } from '../form-values.js';
import type { FormField, FormValues, FormView, Paragraph, UserRef } from '../view.js';
import { ContractActions } from './actions.js';
import {
  type Breach,
  type Contract,
  type ContractResult,
  CPN_RATING,
  CPN_RATINGS,
  type CpnRating,
  currentBreaches,
  nextSequenceId,
} from './contract.js';
import { parsePulse, pulseFields } from './governance.js';
import { isRated, latestResults, type Obligation } from './obligations.js';

export const ResultFields = { value: 'value', rating: 'rating', note: 'note', reason: 'reason' } as const;
export const BreachFields = { on: 'on', note: 'note', corrects: 'corrects', reason: 'reason' } as const;
/** The "corrects" choice that logs a new breach rather than correcting one. */
export const NEW_BREACH = 'new';

export const RESULT_VALUE_MAX = 500;
export const RESULT_NOTE_MAX = 2000;
export const CORRECTION_REASON_MAX = 500;
export const BREACH_NOTE_MAX = 1000;

const initialOf = (values: FormValues | undefined, id: string, fallback?: string) =>
  values && id in values ? textValue(values, id) : fallback;
const withErrors = (errors?: FieldErrors) => (errors && Object.keys(errors).length ? { errors } : {});

export function resultForm(
  contract: Contract,
  obligation: Obligation,
  errors?: FieldErrors,
  values?: FormValues,
): FormView {
  const kpi = contract.kpis.find((k) => k.id === obligation.kpiId);
  const rated = isRated(obligation);
  const review = obligation.kind === 'review';
  const intro: Paragraph = [
    { strong: contract.title },
    ` · ${obligation.title} · due ${formatLocalDate(obligation.due)} · covers ${formatLocalDate(obligation.from)} to ${formatLocalDate(obligation.due)}`,
  ];
  if (kpi) intro.push(` · target: ${kpi.target}`);
  const previous = latestResults(contract).get(obligation.key);
  if (previous) {
    const rated = previous.rating ? ` (${CPN_RATING[previous.rating].label})` : '';
    intro.push(` · already recorded: ${previous.value}${rated}; this replaces it, and both stay in the history.`);
  }
  return capInitials({
    title: 'Record result',
    intro,
    fields: [
      // A joint review records the relationship pulse, both sides, and what was agreed.
      ...(review ? pulseFields(values) : []),
      {
        kind: 'text',
        id: ResultFields.value,
        label: kpi ? 'Result for the period' : rated ? 'Result' : review ? 'What was agreed' : 'What was done',
        initial: initialOf(values, ResultFields.value),
        placeholder: kpi
          ? kpi.measure.slice(0, 150)
          : rated
            ? 'e.g. CPN published on Find a Tender'
            : 'e.g. AIA and DPIA updated',
        maxLength: RESULT_VALUE_MAX,
      },
      ...(rated
        ? [
            {
              kind: 'select',
              id: ResultFields.rating,
              label: 'Rating (Contract Performance Notice scale)',
              options: CPN_RATINGS.map((r) => ({ id: r, label: CPN_RATING[r].label })),
              initial: initialOf(values, ResultFields.rating),
              hint: 'Good: meets the target · Approaching target: close · Requires improvement: below · Inadequate: significantly below.',
            } satisfies FormField,
          ]
        : []),
      {
        kind: 'text',
        id: ResultFields.note,
        label: 'Note',
        initial: initialOf(values, ResultFields.note),
        multiline: true,
        optional: true,
        maxLength: RESULT_NOTE_MAX,
      },
      ...(previous
        ? [
            {
              kind: 'text',
              id: ResultFields.reason,
              label: 'Why the earlier result is corrected',
              initial: initialOf(values, ResultFields.reason),
              placeholder: 'e.g. the supplier’s figure excluded planned downtime',
              maxLength: CORRECTION_REASON_MAX,
            } satisfies FormField,
          ]
        : []),
    ],
    submit: {
      id: ContractActions.submitResult,
      label: 'Record',
      value: { c: contract.id, k: obligation.key },
      style: 'primary',
    },
    ...withErrors(errors),
  });
}

export type ParsedResult = { ok: true; result: ContractResult } | { ok: false; errors: FieldErrors };

export function parseResult(
  values: FormValues,
  ctx: { contract: Contract; obligation: Obligation; by: UserRef; now: Date },
): ParsedResult {
  const errors: FieldErrors = {};
  const review = ctx.obligation.kind === 'review';
  const pulse = review ? parsePulse(values, errors) : undefined;
  const value = textValue(values, ResultFields.value);
  if (!value) {
    errors[ResultFields.value] = review
      ? 'Say what was agreed, e.g. a fairness re-test by June.'
      : 'Enter the result, e.g. 99.7 % uptime.';
  } else {
    const long = tooLong(value, RESULT_VALUE_MAX, 'the result');
    if (long) errors[ResultFields.value] = long;
  }
  const rated = isRated(ctx.obligation);
  const rating = textValue(values, ResultFields.rating);
  if (rated && !(CPN_RATINGS as readonly string[]).includes(rating)) errors[ResultFields.rating] = 'Choose a rating.';
  const note = textValue(values, ResultFields.note);
  const longNote = tooLong(note, RESULT_NOTE_MAX, 'the note');
  if (longNote) errors[ResultFields.note] = longNote;
  // A correction says why: the record keeps both results, and an auditor will ask.
  const previous = latestResults(ctx.contract).get(ctx.obligation.key);
  const reason = previous ? textValue(values, ResultFields.reason) : '';
  if (previous && !reason) errors[ResultFields.reason] = 'Say why the earlier result is corrected.';
  else {
    const longReason = tooLong(reason, CORRECTION_REASON_MAX, 'the reason');
    if (longReason) errors[ResultFields.reason] = longReason;
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    result: {
      id: nextSequenceId('R', ctx.contract.results),
      obligation: ctx.obligation.key,
      ...(ctx.obligation.kpiId ? { kpiId: ctx.obligation.kpiId } : {}),
      value,
      ...(rated ? { rating: rating as CpnRating } : {}),
      ...(pulse ? { pulse } : {}),
      ...(note ? { note } : {}),
      by: ctx.by,
      at: ctx.now.toISOString(),
      ...(previous ? { replaces: previous.id, reason } : {}),
    },
  };
}

export function breachForm(contract: Contract, today: LocalDate, errors?: FieldErrors, values?: FormValues): FormView {
  const standing = currentBreaches(contract.breaches);
  const intro: Paragraph = [{ strong: contract.title }, ' · '];
  intro.push(
    contract.cpnDuty
      ? 'Procurement Act 2023 s.71(5): a breach that leads to termination in part, damages or a settlement, or a failure to improve after notice, needs a Contract Performance Notice within 30 days. The reminder starts now.'
      : 'A breach review falls due 30 days after the breach; the reminder starts now.',
  );
  return capInitials({
    title: 'Log breach',
    intro,
    fields: [
      {
        kind: 'date',
        id: BreachFields.on,
        label: 'Date of the breach',
        initial: initialOf(values, BreachFields.on, today),
      },
      {
        kind: 'text',
        id: BreachFields.note,
        label: 'What happened',
        initial: initialOf(values, BreachFields.note),
        multiline: true,
        maxLength: BREACH_NOTE_MAX,
        placeholder: 'e.g. Damages agreed for the outage of 3 March',
      },
      // With breaches on record, the form can correct one instead: the correction replaces it, and says why.
      ...(standing.length
        ? [
            {
              kind: 'select',
              id: BreachFields.corrects,
              label: 'A new breach, or a correction of one logged before',
              options: [
                { id: NEW_BREACH, label: 'A new breach' },
                ...standing.map((b) => ({
                  id: b.id,
                  label: `Corrects ${b.id} (${formatLocalDate(b.on)})`.slice(0, 75),
                })),
              ],
              initial: initialOf(values, BreachFields.corrects, NEW_BREACH),
            } satisfies FormField,
            {
              kind: 'text',
              id: BreachFields.reason,
              label: 'Why it is corrected (for a correction)',
              initial: initialOf(values, BreachFields.reason),
              maxLength: CORRECTION_REASON_MAX,
              placeholder: 'e.g. the breach was on the 3rd, not the 13th',
            } satisfies FormField,
          ]
        : []),
    ],
    submit: { id: ContractActions.submitBreach, label: 'Log breach', value: { c: contract.id }, style: 'danger' },
    ...withErrors(errors),
  });
}

export type ParsedBreach = { ok: true; breach: Breach } | { ok: false; errors: FieldErrors };

export function parseBreach(
  values: FormValues,
  ctx: { contract: Contract; by: UserRef; now: Date; today: LocalDate },
): ParsedBreach {
  const errors: FieldErrors = {};
  const on = textValue(values, BreachFields.on);
  if (!on) errors[BreachFields.on] = 'Choose the date of the breach.';
  else if (!isLocalDate(on)) errors[BreachFields.on] = 'Write the date as YYYY-MM-DD, e.g. 2026-04-01.';
  else if (on > ctx.today) errors[BreachFields.on] = 'The date cannot be in the future.';
  else if (on < ctx.contract.start) {
    errors[BreachFields.on] =
      `The contract started on ${formatLocalDate(ctx.contract.start)}: choose a date since then.`;
  }
  const note = textValue(values, BreachFields.note);
  if (!note) errors[BreachFields.note] = 'Say what happened.';
  else {
    const long = tooLong(note, BREACH_NOTE_MAX, 'the description');
    if (long) errors[BreachFields.note] = long;
  }
  const corrects = textValue(values, BreachFields.corrects);
  const replaced =
    corrects && corrects !== NEW_BREACH
      ? currentBreaches(ctx.contract.breaches).find((b) => b.id === corrects)
      : undefined;
  if (corrects && corrects !== NEW_BREACH && !replaced) {
    errors[BreachFields.corrects] = 'That breach was already corrected; choose another, or a new breach.';
  }
  const reason = replaced ? textValue(values, BreachFields.reason) : '';
  if (replaced && !reason) errors[BreachFields.reason] = 'Say why the breach is corrected.';
  else {
    const longReason = tooLong(reason, CORRECTION_REASON_MAX, 'the reason');
    if (longReason) errors[BreachFields.reason] = longReason;
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    breach: {
      id: nextSequenceId('B', ctx.contract.breaches),
      on,
      note,
      by: ctx.by,
      at: ctx.now.toISOString(),
      ...(replaced ? { replaces: replaced.id, reason } : {}),
    },
  };
}
