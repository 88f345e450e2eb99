/**
 * Calendar dates and wall-clock times in IANA time zones, without a date library. Contract dates are calendar
 * dates ('YYYY-MM-DD', no zone); a reminder becomes an instant only when it meets a zone and an hour. Date
 * arithmetic is integer arithmetic on day numbers (fast: the scheduler walks many obligations); only the
 * zone conversions use Intl.
 */

/** A calendar date, 'YYYY-MM-DD'. */
export type LocalDate = string;

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** True for a real calendar date written 'YYYY-MM-DD' (so '2026-02-30' is not one). */
export function isLocalDate(value: unknown): value is LocalDate {
  if (typeof value !== 'string') return false;
  const match = LOCAL_DATE.exec(value);
  if (!match) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

interface Ymd {
  year: number;
  month: number;
  day: number;
}

function parse(date: LocalDate): Ymd {
  if (!isLocalDate(date)) throw new RangeError(`Not a date: ${JSON.stringify(date)} (expected YYYY-MM-DD)`);
  return { year: Number(date.slice(0, 4)), month: Number(date.slice(5, 7)), day: Number(date.slice(8, 10)) };
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

function format({ year, month, day }: Ymd): LocalDate {
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
}

// Days since 1970-01-01 and back (H. Hinnant's civil-date algorithms): exact, and no Date objects.
function dayNumber({ year, month, day }: Ymd): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function fromDayNumber(days: number): Ymd {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return format(fromDayNumber(dayNumber(parse(date)) + days));
}

/** Calendar months, clamped to the end of the month: 31 Jan + 1 month is 28 (or 29) Feb. */
export function addMonths(date: LocalDate, months: number): LocalDate {
  return monthStepper(date)(months);
}

/**
 * `addMonths(start, n)` for many n: parses `start` once. The schedule of a long contract is hundreds of these, and
 * the scheduler walks the schedules of every contract.
 */
export function monthStepper(start: LocalDate): (months: number) => LocalDate {
  const { year, month, day } = parse(start);
  const base = year * 12 + month - 1;
  return (months) => {
    const index = base + months;
    const toYear = Math.floor(index / 12);
    const toMonth = index - toYear * 12 + 1;
    const last = daysInMonth(toYear, toMonth);
    return format({ year: toYear, month: toMonth, day: Math.min(day, last) });
  };
}

/** Whole days from `a` to `b`: positive when `b` is later. */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  return dayNumber(parse(b)) - dayNumber(parse(a));
}

/** -1, 0 or 1. 'YYYY-MM-DD' strings sort as dates, so this is a string comparison. */
export function compareDates(a: LocalDate, b: LocalDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** '1 Apr 2026': a calendar date for people, the same in every zone (contract dates are not instants). */
export function formatLocalDate(date: LocalDate): string {
  const { year, month, day } = parse(date);
  return `${day} ${MONTHS[month - 1]} ${year}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Time zones

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when Intl knows the zone ('Europe/London', 'UTC'); false for typos and offsets like '+01:00'. */
export function isValidTimeZone(timeZone: string): boolean {
  if (!timeZone || timeZone.length > 64) return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

interface WallTime extends Ymd {
  hour: number;
  minute: number;
  second: number;
}

function wallTime(instant: number, timeZone: string): WallTime {
  const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatter(timeZone).formatToParts(instant)) {
    if (part.type in out) out[part.type as keyof typeof out] = Number(part.value);
  }
  return out;
}

/** The zone's offset from UTC at `instant`, in milliseconds (positive east of Greenwich). */
function offsetAt(instant: number, timeZone: string): number {
  const whole = Math.floor(instant / 1000) * 1000;
  const w = wallTime(whole, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - whole;
}

export function localDateOf(instant: Date, timeZone: string): LocalDate {
  return format(wallTime(instant.getTime(), timeZone));
}

export function localTimeOf(instant: Date, timeZone: string): { date: LocalDate; hour: number; minute: number } {
  const w = wallTime(instant.getTime(), timeZone);
  return { date: format(w), hour: w.hour, minute: w.minute };
}

/**
 * The instant at which the wall clock in `timeZone` reads `date` `hour`:`minute`. Exactly one instant per wall
 * time, so a daily reminder fires once per local date whatever daylight saving does:
 * - a wall time that does not exist (the spring-forward gap) maps to the first instant after the gap, when the
 *   clocks have just gone forward (01:30 on a 01:00→02:00 day fires at 02:00);
 * - an ambiguous one (fall-back, the hour that happens twice) maps to the earlier instant.
 */
export function zonedInstant(date: LocalDate, hour: number, minute: number, timeZone: string): Date {
  if (!Number.isInteger(hour) || hour < 0 || hour > 23 || !Number.isInteger(minute) || minute < 0 || minute > 59) {
    throw new RangeError(`Not a time of day: ${hour}:${minute}`);
  }
  const { year, month, day } = parse(date);
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  // Offsets a day either side bracket any transition near this wall time.
  const before = offsetAt(wall - DAY_MS, timeZone);
  const after = offsetAt(wall + DAY_MS, timeZone);
  const candidates = [...new Set([wall - before, wall - after])]
    .filter((t) => t + offsetAt(t, timeZone) === wall)
    .sort((a, b) => a - b);
  const first = candidates[0];
  if (first !== undefined) return new Date(first);
  return new Date(transitionBetween(wall - after, wall - before, timeZone));
}

/** The first second at which the offset changes in (lo, hi]; the zone has one offset at lo and another at hi. */
function transitionBetween(lo: number, hi: number, timeZone: string): number {
  const startOffset = offsetAt(lo, timeZone);
  let low = Math.floor(lo / 1000);
  let high = Math.ceil(hi / 1000);
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (offsetAt(mid * 1000, timeZone) === startOffset) low = mid;
    else high = mid;
  }
  return high * 1000;
}

/** An instant as ISO 8601 with the zone's offset, e.g. '2026-04-01T00:00:00+01:00': the local date stays visible. */
export function isoInZone(instant: Date, timeZone: string): string {
  const t = Math.floor(instant.getTime() / 1000) * 1000;
  const w = wallTime(t, timeZone);
  const offsetMinutes = Math.round(offsetAt(t, timeZone) / 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const offset = abs === 0 ? 'Z' : `${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
  return `${format(w)}T${pad2(w.hour)}:${pad2(w.minute)}:${pad2(w.second)}${offset}`;
}
