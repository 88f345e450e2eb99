/**
 * Which legal duties of an outcome bind on a given day. A duty carries `appliesFrom`: a date, or a date and the
 * later one a pending amendment would move it to. Until that amendment is adopted the law in force still says
 * the first date, so from then on the duty binds "unless moved"; from the later date it binds either way.
 */
import { formatLocalDate } from '../calendar.js';
import type { AppliesFrom, Binding, DatedDuty } from './types.js';

export function bindingOn(applies: AppliesFrom, day: string): Binding {
  const from = typeof applies === 'string' ? applies : applies.date;
  if (day < from) return 'not-yet';
  if (typeof applies !== 'string' && day < applies.pending.date) return 'binds-unless-moved';
  return 'binds';
}

export function datedDuty(
  ref: string,
  text: string,
  applies: AppliesFrom,
  triageDate: string,
  goLive?: string,
): DatedDuty {
  const duty: DatedDuty = {
    ref,
    text,
    from: typeof applies === 'string' ? applies : applies.date,
    onTriageDate: bindingOn(applies, triageDate),
  };
  if (typeof applies !== 'string') duty.pending = { from: applies.pending.date, by: applies.pending.by };
  if (goLive !== undefined) duty.atGoLive = bindingOn(applies, goLive);
  return duty;
}

/** "2 Aug 2026", or "2 Aug 2026 (2 Dec 2027 if the Digital Omnibus, adoption pending, is adopted first)". */
export function appliesFromText(applies: AppliesFrom): string {
  if (typeof applies === 'string') return formatLocalDate(applies);
  return `${formatLocalDate(applies.date)} (${formatLocalDate(applies.pending.date)} if ${applies.pending.by} is adopted first)`;
}

export const BINDING_TEXT: Record<Binding, string> = {
  binds: 'binds',
  'binds-unless-moved': 'binds unless the pending change moves it first',
  'not-yet': 'not yet',
};

/** One line on a dated duty for the chat summary: whether it binds today, and by go-live. */
export function dutyNote(duty: DatedDuty, goLive: string | undefined): string {
  const when = duty.pending
    ? `${formatLocalDate(duty.from)}, or ${formatLocalDate(duty.pending.from)} if ${duty.pending.by} is adopted first`
    : formatLocalDate(duty.from);
  const now = duty.onTriageDate === 'not-yet' ? `from ${when}` : `in force since ${when}`;
  if (duty.onTriageDate !== 'not-yet' || duty.atGoLive === undefined || goLive === undefined) return now;
  return `${now}; ${duty.atGoLive === 'not-yet' ? 'still not at' : 'binding by'} go-live (${formatLocalDate(goLive)})`;
}
