import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  compareDates,
  daysBetween,
  formatLocalDate,
  isLocalDate,
  isoInZone,
  isValidTimeZone,
  type LocalDate,
  localDateOf,
  localTimeOf,
  monthStepper,
  zonedInstant,
} from '../../../src/core/calendar.js';

const ZONES = [
  'Europe/London',
  'America/New_York',
  'Australia/Sydney',
  'Asia/Kolkata',
  'America/St_Johns',
  'Pacific/Chatham',
  'UTC',
] as const;
const HOUR_MS = 3_600_000;

/** Every date of 2026 and 2027. */
const DAYS: LocalDate[] = Array.from({ length: daysBetween('2026-01-01', '2028-01-01') }, (_, i) =>
  addDays('2026-01-01', i),
);

const iso = (instant: Date) => instant.toISOString();
const minutesOf = (t: { hour: number; minute: number }) => t.hour * 60 + t.minute;

/** The zone's offset from UTC at `instant`, in minutes, read from its local wall time. */
function offsetMinutes(instant: Date, timeZone: string): number {
  const local = localTimeOf(instant, timeZone);
  const wall = Date.parse(
    `${local.date}T${String(local.hour).padStart(2, '0')}:${String(local.minute).padStart(2, '0')}:00Z`,
  );
  return Math.round((wall - Math.floor(instant.getTime() / 60_000) * 60_000) / 60_000);
}

describe('calendar dates', () => {
  it('accepts only real dates written YYYY-MM-DD', () => {
    expect(['2026-04-01', '2024-02-29', '2026-12-31'].every(isLocalDate)).toBe(true);
    for (const bad of [
      '2026-02-29',
      '2026-13-01',
      '2026-04-31',
      '2026-4-1',
      '01/04/2026',
      '2026-04-01T00:00',
      '',
      20260401,
    ]) {
      expect(isLocalDate(bad), String(bad)).toBe(false);
    }
  });

  it('adds months clamped to the end of the month, from the start each time', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2026-01-31', 2)).toBe('2026-03-31');
    expect(addMonths('2026-08-31', 1)).toBe('2026-09-30');
    expect(addMonths('2026-03-31', -1)).toBe('2026-02-28');
    expect(addMonths('2026-11-15', 3)).toBe('2027-02-15');
    expect(addMonths('2029-03-31', -6)).toBe('2028-09-30');
    expect(addMonths('2024-02-29', 12)).toBe('2025-02-28');
    const step = monthStepper('2026-01-31');
    expect([1, 2, 3, 13].map(step)).toEqual(['2026-02-28', '2026-03-31', '2026-04-30', '2027-02-28']);
  });

  it('adds days across month, year and leap-day boundaries, and counts days between dates', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-05-10', 30)).toBe('2026-06-09');
    expect(daysBetween('2026-01-01', '2027-01-01')).toBe(365);
    expect(daysBetween('2028-01-01', '2029-01-01')).toBe(366);
    expect(daysBetween('2026-04-08', '2026-04-01')).toBe(-7);
    expect(compareDates('2026-04-01', '2026-04-02')).toBe(-1);
    expect(compareDates('2026-04-02', '2026-04-02')).toBe(0);
    expect(compareDates('2027-01-01', '2026-12-31')).toBe(1);
  });

  it('agrees with Date.UTC for any date and day count', () => {
    fc.assert(
      fc.property(fc.integer({ min: -40_000, max: 60_000 }), fc.integer({ min: -5000, max: 5000 }), (dayNumber, n) => {
        const date = new Date(dayNumber * 86_400_000).toISOString().slice(0, 10);
        const expected = new Date((dayNumber + n) * 86_400_000).toISOString().slice(0, 10);
        expect(addDays(date, n)).toBe(expected);
        expect(daysBetween(date, expected)).toBe(n);
      }),
    );
  });

  it('never overshoots a month when adding months', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30_000 }), fc.integer({ min: -240, max: 240 }), (dayNumber, months) => {
        const date = new Date(dayNumber * 86_400_000).toISOString().slice(0, 10);
        const result = addMonths(date, months);
        const monthIndex = (d: string) => Number(d.slice(0, 4)) * 12 + Number(d.slice(5, 7));
        expect(monthIndex(result) - monthIndex(date)).toBe(months);
        expect(Number(result.slice(8))).toBeLessThanOrEqual(Number(date.slice(8)));
        expect(isLocalDate(result)).toBe(true);
      }),
    );
  });

  it('shows a date the same way in every zone', () => {
    expect(formatLocalDate('2026-04-01')).toBe('1 Apr 2026');
    expect(formatLocalDate('2029-12-31')).toBe('31 Dec 2029');
  });
});

describe('time zones', () => {
  it('knows IANA zones and refuses anything else', () => {
    for (const zone of ZONES) expect(isValidTimeZone(zone), zone).toBe(true);
    for (const bad of ['', 'Mars/Olympus', 'Europe/Londn', 'GMT+25', 'x'.repeat(80)]) {
      expect(isValidTimeZone(bad), bad).toBe(false);
    }
  });

  it('reads the local date and time of an instant', () => {
    const instant = new Date('2026-04-01T23:30:00Z');
    expect(localDateOf(instant, 'Europe/London')).toBe('2026-04-02');
    expect(localDateOf(instant, 'America/New_York')).toBe('2026-04-01');
    expect(localTimeOf(instant, 'Asia/Kolkata')).toEqual({ date: '2026-04-02', hour: 5, minute: 0 });
    expect(localTimeOf(instant, 'America/St_Johns')).toEqual({ date: '2026-04-01', hour: 21, minute: 0 });
    expect(localTimeOf(instant, 'Pacific/Chatham')).toEqual({ date: '2026-04-02', hour: 13, minute: 15 });
  });

  it('Europe/London, 29 March 2026: 01:30 does not exist and fires at 02:00 BST; 09:00 comes 23 hours after the day before', () => {
    expect(iso(zonedInstant('2026-03-29', 1, 30, 'Europe/London'))).toBe('2026-03-29T01:00:00.000Z');
    expect(localTimeOf(zonedInstant('2026-03-29', 1, 30, 'Europe/London'), 'Europe/London')).toEqual({
      date: '2026-03-29',
      hour: 2,
      minute: 0,
    });
    expect(iso(zonedInstant('2026-03-28', 9, 0, 'Europe/London'))).toBe('2026-03-28T09:00:00.000Z');
    expect(iso(zonedInstant('2026-03-29', 9, 0, 'Europe/London'))).toBe('2026-03-29T08:00:00.000Z');
  });

  it('Europe/London, 25 October 2026: 01:30 happens twice and fires at the first; 09:00 comes 25 hours after the day before', () => {
    expect(iso(zonedInstant('2026-10-25', 1, 30, 'Europe/London'))).toBe('2026-10-25T00:30:00.000Z');
    expect(iso(zonedInstant('2026-10-24', 9, 0, 'Europe/London'))).toBe('2026-10-24T08:00:00.000Z');
    expect(iso(zonedInstant('2026-10-25', 9, 0, 'Europe/London'))).toBe('2026-10-25T09:00:00.000Z');
  });

  it('America/New_York, 8 March and 1 November 2026: the gap maps forward, the repeated hour to its first pass', () => {
    expect(iso(zonedInstant('2026-03-08', 2, 30, 'America/New_York'))).toBe('2026-03-08T07:00:00.000Z');
    expect(iso(zonedInstant('2026-03-08', 9, 0, 'America/New_York'))).toBe('2026-03-08T13:00:00.000Z');
    expect(iso(zonedInstant('2026-03-07', 9, 0, 'America/New_York'))).toBe('2026-03-07T14:00:00.000Z');
    expect(iso(zonedInstant('2026-11-01', 1, 30, 'America/New_York'))).toBe('2026-11-01T05:30:00.000Z');
    expect(iso(zonedInstant('2026-11-01', 9, 0, 'America/New_York'))).toBe('2026-11-01T14:00:00.000Z');
  });

  it('handles southern-hemisphere and part-hour zones', () => {
    // Sydney leaves daylight saving on 5 April 2026 and starts again on 4 October.
    expect(iso(zonedInstant('2026-04-05', 2, 30, 'Australia/Sydney'))).toBe('2026-04-04T15:30:00.000Z');
    expect(localTimeOf(zonedInstant('2026-10-04', 2, 30, 'Australia/Sydney'), 'Australia/Sydney').hour).toBe(3);
    expect(iso(zonedInstant('2026-06-01', 9, 0, 'Asia/Kolkata'))).toBe('2026-06-01T03:30:00.000Z');
    expect(iso(zonedInstant('2026-06-01', 9, 0, 'America/St_Johns'))).toBe('2026-06-01T11:30:00.000Z');
    expect(iso(zonedInstant('2026-06-01', 9, 0, 'Pacific/Chatham'))).toBe('2026-05-31T20:15:00.000Z');
  });

  it('maps every wall time of 2026–2027 in every zone back to its own date, at its hour or just after a gap', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.constantFrom(...DAYS),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        (zone, date, hour, minute) => {
          const instant = zonedInstant(date, hour, minute, zone);
          const local = localTimeOf(instant, zone);
          expect(local.date).toBe(date);
          const wanted = hour * 60 + minute;
          if (minutesOf(local) !== wanted) {
            // Only inside a spring-forward gap: later than asked, and the clock jumped over the asked time.
            expect(minutesOf(local)).toBeGreaterThan(wanted);
            const justBefore = localTimeOf(new Date(instant.getTime() - 1000), zone);
            expect(justBefore.date === date ? minutesOf(justBefore) : -1).toBeLessThan(wanted);
          }
          // Never the later of two passes: an hour earlier the clock did not read the same time.
          const hourEarlier = localTimeOf(new Date(instant.getTime() - HOUR_MS), zone);
          expect(hourEarlier.date === date && minutesOf(hourEarlier) === minutesOf(local)).toBe(false);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('gives a daily 09:00 reminder exactly one instant per date: 24 hours apart, 23 or 25 across a DST change', () => {
    for (const zone of ZONES) {
      const instants = DAYS.map((date) => zonedInstant(date, 9, 0, zone));
      const changes: string[] = [];
      for (let i = 1; i < instants.length; i += 1) {
        const gap = (instants[i]!.getTime() - instants[i - 1]!.getTime()) / HOUR_MS;
        expect([23, 24, 25], `${zone} ${DAYS[i]}`).toContain(gap);
        const offsetChanged = offsetMinutes(instants[i]!, zone) !== offsetMinutes(instants[i - 1]!, zone);
        expect(offsetChanged, `${zone} ${DAYS[i]}`).toBe(gap !== 24);
        if (gap !== 24) changes.push(DAYS[i]!);
      }
      // Two changes a year where the zone has daylight saving; none in Kolkata or UTC.
      expect(changes.length, `${zone}: ${changes.join(', ')}`).toBe(zone === 'Asia/Kolkata' || zone === 'UTC' ? 0 : 4);
    }
    expect(
      DAYS.filter(
        (d, i) =>
          i > 0 &&
          zonedInstant(d, 9, 0, 'Europe/London').getTime() -
            zonedInstant(DAYS[i - 1]!, 9, 0, 'Europe/London').getTime() !==
            24 * HOUR_MS,
      ),
    ).toEqual(['2026-03-29', '2026-10-25', '2027-03-28', '2027-10-31']);
  });

  it('keeps night-time reminders (01:30, 02:30) to one instant per date, between 23 and 25 hours apart', () => {
    for (const zone of ZONES) {
      for (const [hour, minute] of [
        [1, 30],
        [2, 30],
      ] as const) {
        const instants = DAYS.map((date) => zonedInstant(date, hour, minute, zone));
        for (let i = 1; i < instants.length; i += 1) {
          const gap = (instants[i]!.getTime() - instants[i - 1]!.getTime()) / HOUR_MS;
          expect(gap, `${zone} ${DAYS[i]} ${hour}:${minute}`).toBeGreaterThanOrEqual(23);
          expect(gap, `${zone} ${DAYS[i]} ${hour}:${minute}`).toBeLessThanOrEqual(25);
          if (gap !== 24) {
            // Only around a DST change: the offset moved, or one of the two fell in a gap and was moved forward.
            const moved = [instants[i - 1]!, instants[i]!].some(
              (t) => minutesOf(localTimeOf(t, zone)) !== hour * 60 + minute,
            );
            const offsetChanged = offsetMinutes(instants[i]!, zone) !== offsetMinutes(instants[i - 1]!, zone);
            expect(moved || offsetChanged, `${zone} ${DAYS[i]} ${hour}:${minute}`).toBe(true);
          }
        }
      }
    }
  });

  it('writes instants with the zone offset so the local date stays visible', () => {
    expect(isoInZone(new Date('2026-03-31T23:00:00Z'), 'Europe/London')).toBe('2026-04-01T00:00:00+01:00');
    expect(isoInZone(new Date('2026-01-15T12:00:00Z'), 'Europe/London')).toBe('2026-01-15T12:00:00Z');
    expect(isoInZone(new Date('2026-06-01T11:30:00Z'), 'America/St_Johns')).toBe('2026-06-01T09:00:00-02:30');
    expect(isoInZone(new Date('2026-05-31T20:15:00Z'), 'Pacific/Chatham')).toBe('2026-06-01T09:00:00+12:45');
  });
});
