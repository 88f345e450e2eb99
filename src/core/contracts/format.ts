/** Small pieces of wording shared by the contract views and forms. Text as data, like every view. */

import { type LocalDate, zonedInstant } from '../calendar.js';
import { LEGACY_FIRST_MONTHS } from '../triage/pack-schema.js';
import type { Inline, Paragraph } from '../view.js';
import type { Contract, ContractKpi } from './contract.js';
import type { OpenItem } from './obligations.js';

/** The local hour a due date is shown (and reminded) at: a date inline is a moment, read in each reader's zone. */
export const REMINDER_HOUR = 9;

export function formatMoney(value: Contract['value']): string {
  const whole = Number.isInteger(value.amount);
  return new Intl.NumberFormat('en-GB', {
    style: 'currency',
    currency: value.currency,
    minimumFractionDigits: whole ? 0 : 2,
    maximumFractionDigits: whole ? 0 : 2,
  }).format(value.amount);
}

const EVERY: Record<number, string> = { 1: 'monthly', 3: 'quarterly', 6: 'every 6 months', 12: 'annually' };
const every = (months: number) => EVERY[months] ?? `every ${months} months`;
const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** 'Quarterly', 'Monthly for the first 6 months, then quarterly'. */
export function cadenceLabel(cadence: ContractKpi['cadence']): string {
  if (cadence.thenMonths === undefined || cadence.thenMonths === cadence.months)
    return capitalise(every(cadence.months));
  const first = cadence.firstMonths ?? LEGACY_FIRST_MONTHS;
  return `${capitalise(every(cadence.months))} for the first ${first} months, then ${every(cadence.thenMonths)}`;
}

/** A due date as a moment (09:00 in the contract's zone), so Slack shows it in each reader's own zone. */
export function dueDate(due: LocalDate, timeZone: string): Inline {
  return { date: { at: zonedInstant(due, REMINDER_HOUR, 0, timeZone).getTime(), style: 'date' } };
}

const days = (n: number) => (n === 1 ? '1 day' : `${n} days`);

export function statusPhrase(item: OpenItem, timeZone: string): Paragraph {
  switch (item.status) {
    case 'overdue':
      return ['overdue since ', dueDate(item.obligation.due, timeZone), ` (${days(item.overdueDays)})`];
    case 'today':
      return ['due today'];
    case 'upcoming':
      return ['due ', dueDate(item.obligation.due, timeZone)];
  }
}

export function kpiLine(kpi: ContractKpi): Paragraph {
  return [
    { strong: `${kpi.id} ${kpi.title}` },
    `: ${kpi.target} · ${cadenceLabel(kpi.cadence)}`,
    kpi.material ? ' · one of the 3 most material' : '',
  ];
}
