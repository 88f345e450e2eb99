/** "Snooze…" on a reminder: how long and why, within the limits that keep a statutory reminder from being buried. */

import { addDays, formatLocalDate, type LocalDate } from '../calendar.js';
import { capInitials, type FieldErrors, textValue, tooLong } from '../form-values.js';
import type { FormField, FormValues, FormView, Paragraph } from '../view.js';
import { ContractActions } from './actions.js';
import type { Contract } from './contract.js';
import type { Obligation } from './obligations.js';

export const SnoozeFields = { days: 'days', reason: 'reason' } as const;

/** Snoozes per obligation; then it must be recorded (or explained in a result's note). */
export const MAX_SNOOZES = 3;
/** A snooze never hides an item, nor holds off its escalation, past this many days after it fell due. */
export const SNOOZE_OVERDUE_LIMIT_DAYS = 30;
export const SNOOZE_REASON_MAX = 300;
const DAYS = ['7', '14', '30'] as const;

export function snoozesOf(contract: Contract, obligation: Obligation): number {
  return contract.snoozeLog.filter((s) => s.obligation === obligation.key).length;
}

/** The last day an obligation may stay hidden. */
export function snoozeLimit(obligation: Obligation): LocalDate {
  return addDays(obligation.due, SNOOZE_OVERDUE_LIMIT_DAYS);
}

/** Why a snooze is not allowed now, or undefined when it is. */
export function snoozeRefusal(contract: Contract, obligation: Obligation, today: LocalDate): string | undefined {
  if (snoozesOf(contract, obligation) >= MAX_SNOOZES) {
    return `${obligation.title} has been snoozed ${MAX_SNOOZES} times already: record its result now (a note can say what is late and why).`;
  }
  if (today >= snoozeLimit(obligation)) {
    return `${obligation.title} is more than ${SNOOZE_OVERDUE_LIMIT_DAYS} days overdue: it can no longer be snoozed, and its escalation stands.`;
  }
  return undefined;
}

export function snoozeForm(
  contract: Contract,
  obligation: Obligation,
  errors?: FieldErrors,
  values?: FormValues,
): FormView {
  const used = snoozesOf(contract, obligation);
  const intro: Paragraph = [
    { strong: contract.title },
    ` · ${obligation.title} · due ${formatLocalDate(obligation.due)} · snoozed ${used} of ${MAX_SNOOZES} times so far · it stays hidden until ${formatLocalDate(snoozeLimit(obligation))} at the latest (${SNOOZE_OVERDUE_LIMIT_DAYS} days overdue).`,
  ];
  const initial = (id: string, fallback?: string) => (values && id in values ? textValue(values, id) : fallback);
  return capInitials({
    title: 'Snooze reminder',
    intro,
    fields: [
      {
        kind: 'select',
        id: SnoozeFields.days,
        label: 'For',
        options: DAYS.map((d) => ({ id: d, label: `${d} days` })),
        initial: initial(SnoozeFields.days, '7'),
      } satisfies FormField,
      {
        kind: 'text',
        id: SnoozeFields.reason,
        label: 'Why',
        initial: initial(SnoozeFields.reason),
        placeholder: 'e.g. the supplier’s report is due on Friday',
        maxLength: SNOOZE_REASON_MAX,
      },
    ],
    submit: {
      id: ContractActions.submitSnooze,
      label: 'Snooze',
      value: { c: contract.id, k: obligation.key },
      style: 'primary',
    },
    ...(errors && Object.keys(errors).length ? { errors } : {}),
  });
}

export type ParsedSnooze = { ok: true; days: number; reason: string } | { ok: false; errors: FieldErrors };

export function parseSnooze(values: FormValues): ParsedSnooze {
  const errors: FieldErrors = {};
  const days = textValue(values, SnoozeFields.days);
  if (!(DAYS as readonly string[]).includes(days)) errors[SnoozeFields.days] = 'Choose 7, 14 or 30 days.';
  const reason = textValue(values, SnoozeFields.reason);
  if (!reason) errors[SnoozeFields.reason] = 'Say why it is snoozed.';
  else {
    const long = tooLong(reason, SNOOZE_REASON_MAX, 'the reason');
    if (long) errors[SnoozeFields.reason] = long;
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, days: Number(days), reason };
}
