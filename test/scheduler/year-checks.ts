/**
 * The tests both year simulations run, Slack and Teams alike, against the model in year-model.ts. Each registers
 * its `it` blocks where it is called, inside the simulation's `describe`, once `beforeAll` has collected the posts;
 * a DigestReader says how to read a platform's digest (Block Kit message or Adaptive Card).
 */
import { expect, it } from 'vitest';
import { addDays, type LocalDate } from '../../src/core/calendar.js';
import type { Contract } from '../../src/core/contracts/contract.js';
import type { UserRef } from '../../src/core/view.js';
import { DATES_2026, ESCALATED, IDS, type YearTenant } from './year-model.js';
import type { Posted, YearPosts } from './year-run.js';

export interface DigestReader<P> {
  /** Whether the digest lists the item `contractId|obligationKey`; false when there is no digest. */
  lists(post: P | undefined, item: string): boolean;
  /** Whether the digest names `person` as the item's owner or SRO (Slack mentions them, Teams writes them bold). */
  names(post: P, item: string, role: 'owner' | 'SRO', person: UserRef): boolean;
  /** The digest's text, to find phrases in. */
  text(post: P): string;
}

export interface YearSuite<T extends YearTenant, P extends Posted<T>> {
  london: T;
  newYork: T;
  posts: YearPosts<P>;
  reader: DigestReader<P>;
  /** Whether the model has anything open in `tenant` on `date`, so that a digest is due. */
  isDue(tenant: T, date: LocalDate): boolean;
  /** The council tax chatbot, whose review is left overdue: its owner and SRO are named as it escalates. */
  escalated: Contract;
  /** The platform's own checks of a tenant's posts, run last in the "once each" test. */
  alsoOnceEach?(tenant: T): void;
}

/** Each day's digest, at 09:00 London or 08:00 New York, before, on and after each change of the clocks. */
const AROUND_DST: Array<[zone: string, date: LocalDate, instant: string]> = [
  // London: GMT → BST on 29 Mar (09:00 local is 09:00Z, then 08:00Z); BST → GMT on 25 Oct.
  ['Europe/London', '2026-03-28', '2026-03-28T09:00:00.000Z'],
  ['Europe/London', '2026-03-29', '2026-03-29T08:00:00.000Z'],
  ['Europe/London', '2026-03-30', '2026-03-30T08:00:00.000Z'],
  ['Europe/London', '2026-10-24', '2026-10-24T08:00:00.000Z'],
  ['Europe/London', '2026-10-25', '2026-10-25T09:00:00.000Z'],
  ['Europe/London', '2026-10-26', '2026-10-26T09:00:00.000Z'],
  // New York at 08:00: EST → EDT on 8 Mar (13:00Z, then 12:00Z); EDT → EST on 1 Nov.
  ['America/New_York', '2026-03-07', '2026-03-07T13:00:00.000Z'],
  ['America/New_York', '2026-03-08', '2026-03-08T12:00:00.000Z'],
  ['America/New_York', '2026-03-09', '2026-03-09T12:00:00.000Z'],
  ['America/New_York', '2026-10-31', '2026-10-31T12:00:00.000Z'],
  ['America/New_York', '2026-11-01', '2026-11-01T13:00:00.000Z'],
  ['America/New_York', '2026-11-02', '2026-11-02T13:00:00.000Z'],
];

/** When digests go out: on the days something is open, once each, at the local digest hour, across DST. */
export function itKeepsTheDailySchedule<T extends YearTenant, P extends Posted<T>>(suite: YearSuite<T, P>): void {
  const { posts } = suite;
  const tenants = [suite.london, suite.newYork];

  it.each(tenants)('$timeZone: a digest on exactly the days something is due, overdue or upcoming, once each', (t) => {
    const expected = DATES_2026.filter((date) => suite.isDue(t, date));
    expect(posts.of(t).map((p) => p.localDate)).toEqual(expected);
    // Quiet days exist (results are recorded on time), so this is not simply "every day".
    expect(expected.length).toBeGreaterThan(60);
    expect(expected.length).toBeLessThan(300);
    suite.alsoOnceEach?.(t);
  });

  it.each(tenants)('$timeZone: every digest goes out at the tenant’s local digest hour', (t) => {
    for (const post of posts.of(t)) {
      expect({ date: post.localDate, hour: post.localHour, minute: post.localMinute }).toEqual({
        date: post.localDate,
        hour: t.digestHour,
        minute: 0,
      });
    }
  });

  it.each(AROUND_DST)('around daylight saving: %s on %s gets one digest, at %s', (zone, date, instant) => {
    const onDay = posts.all.filter((p) => p.tenant.timeZone === zone && p.localDate === date);
    expect(onDay).toHaveLength(1);
    expect(onDay[0]!.at.toISOString()).toBe(instant);
  });
}

export function itEscalatesAnOverdueReview<T extends YearTenant, P extends Posted<T>>(suite: YearSuite<T, P>): void {
  const { posts, reader, london, escalated } = suite;
  it('escalates an overdue review: the owner from 7 days, the SRO from 14; recording it ends the reminders', () => {
    const item = `${ESCALATED.contract}|${ESCALATED.key}`;
    const day = (n: number) => addDays('2026-01-28', n);
    for (let n = 1; n <= 20; n += 1) {
      const post = posts.on(london, day(n));
      expect(post, day(n)).toBeDefined();
      expect(reader.lists(post, item), day(n)).toBe(true);
      expect(reader.names(post!, item, 'owner', escalated.owner), `owner on ${day(n)}`).toBe(n >= 7);
      expect(reader.names(post!, item, 'SRO', escalated.sro), `SRO on ${day(n)}`).toBe(n >= 14);
    }
    const after = posts.of(london).filter((p) => p.localDate > ESCALATED.recordedOn);
    expect(after.length).toBeGreaterThan(0);
    for (const post of after) expect(reader.lists(post, item)).toBe(false);
  });
}

export function itRemindsOfNotices<T extends YearTenant, P extends Posted<T>>(suite: YearSuite<T, P>): void {
  const { posts, reader, london, newYork } = suite;
  it('reminds of the CPN, the breach’s 30-day CPN clock, documentation refreshes and re-triage', () => {
    const listed = (t: T, date: LocalDate, item: string) => reader.lists(posts.on(t, date), item);
    const window = (t: T, item: string, due: LocalDate) => {
      expect(listed(t, addDays(due, -8), item), `${item} before its week`).toBe(false);
      for (let n = -7; n <= 0; n += 1) expect(listed(t, addDays(due, n), item), `${item} ${n}`).toBe(true);
      expect(listed(t, addDays(due, 1), item), `${item} after it was recorded`).toBe(false);
    };
    window(london, `${IDS.gb1}|cpn:2026-10-01`, '2026-10-01');
    window(london, `${IDS.gb1}|breach-cpn:B1`, '2026-07-12');
    window(london, `${IDS.gb1}|docs:2026-10-01`, '2026-10-01');
    window(london, `${IDS.gb2}|retriage:2026-10-28`, '2026-10-28');
    window(newYork, `${IDS.ny2}|retriage:2026-08-03`, '2026-08-03');
    window(newYork, `${IDS.ny2}|docs:2026-08-03`, '2026-08-03');
    expect(reader.text(posts.on(london, '2026-07-12')!)).toContain('Breach: publish a CPN within 30 days');
    const notices = reader.text(posts.on(london, '2026-10-01')!);
    expect(notices).toContain('Contract Performance Notice due');
    expect(notices).toContain('Documentation refresh');
  });
}
