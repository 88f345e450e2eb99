/** Dates people type into a triage ("2027-04-01", or a month, "2027-04"), checked before anything relies on them. */
import { isLocalDate } from '../calendar.js';

const DATE = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/;

/** A real calendar date as YYYY-MM-DD (a month alone means its first day), or null. */
export function parseDate(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed.length > 10) return null;
  const match = DATE.exec(trimmed);
  if (!match) return null;
  const date = `${match[1]}-${match[2]}-${match[3] ?? '01'}`;
  return isLocalDate(date) ? date : null;
}
