/**
 * A year of reminders, driven by a clock: two tenants (London at 09:00, New York at 08:00) through 2026 and all
 * four daylight-saving changes, the real SQLite store, ContractService, digest repository, EmbeddedScheduler and
 * Slack poster against the fake Web API. People act at local noon (after the digest): they record each result on
 * its due day, except one left overdue (escalation) and one snoozed. What each channel should have received is
 * computed independently from the obligation schedule and that plan of actions (year-model.ts), then compared post
 * by post; the checks Teams shares are in year-checks.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, type LocalDate, zonedInstant } from '../../src/core/calendar.js';
import type { UserRef } from '../../src/core/view.js';
import { EmbeddedScheduler } from '../../src/scheduler/embedded.js';
import { occurrenceKey } from '../../src/scheduler/types.js';
import { sqliteUrl, testNamespace } from '../helpers/backends.js';
import { MutableClock } from '../helpers/clock.js';
import { type FakeSlack, type FakeSlackCall, startFakeSlack } from '../support/fake-slack.js';
import { kpi } from '../unit/contracts/helpers.js';
import {
  itemsIn,
  mentionsIn,
  metadataKey,
  openStack,
  type Stack,
  saveAll,
  schedulerDeps,
  slackPosterFor,
} from './stack.js';
import {
  type DigestReader,
  itEscalatesAnOverdueReview,
  itKeepsTheDailySchedule,
  itRemindsOfNotices,
} from './year-checks.js';
import {
  benefitFraudScoring,
  councilTaxChatbot,
  eligibilityScreening,
  escalatedTo,
  LONDON_DIGESTS,
  NEW_YORK_DIGESTS,
  openOn,
  placed,
  RUNNING_SINCE,
  SNOOZED,
  withBreach,
  type YearContract,
  type YearTenant,
} from './year-model.js';
import { ActionPlan, type Posted, postedAt, runYear, YEAR_START, YearPosts } from './year-run.js';

const LONDON: YearTenant = { id: 'slack_TLONDON', ...LONDON_DIGESTS, channel: 'CLONDON01' };
const NEW_YORK: YearTenant = { id: 'slack_TNEWYORK', ...NEW_YORK_DIGESTS, channel: 'CNEWYORK1' };
const TENANTS = [LONDON, NEW_YORK];

const person = (id: string): UserRef => ({ id, name: id });
const CLERK = person('U0CLERK01');
const people = (tenant: YearTenant, code: string) => ({
  tenant,
  platform: 'slack' as const,
  owner: person(`U0${code}OWN`),
  sro: person(`U0${code}SRO`),
  createdBy: CLERK,
});

const GB1 = benefitFraudScoring(people(LONDON, 'GB1'));
const GB2 = councilTaxChatbot(people(LONDON, 'GB2'));
/** US; registered mid-year (12 Feb): monthly for 6 months, then quarterly; the first review falls on 12 Mar. */
const NY1 = placed(people(NEW_YORK, 'NY1'), {
  id: 'C-NY0001',
  title: 'Permit application triage',
  value: { amount: 2_000_000, currency: 'USD' },
  jurisdiction: 'US',
  start: '2026-02-12',
  end: '2029-02-11',
  kpis: [kpi('K1', 'Turnaround time', { months: 1, thenMonths: 3 })],
  trackedFrom: '2026-02-12',
  createdAt: '2026-02-12T17:00:00.000Z',
  updatedAt: '2026-02-12T17:00:00.000Z',
});
const NY2 = eligibilityScreening(people(NEW_YORK, 'NY2'));
/** NY1 is registered at noon on this day. */
const NY1_REGISTERED = '2026-02-12';

/** Each contract as its schedule stands at the end of the year (the breach included), from when it existed. */
const YEAR: YearContract[] = [
  { contract: withBreach(GB1, CLERK), from: RUNNING_SINCE },
  { contract: GB2, from: RUNNING_SINCE },
  { contract: NY1, from: NY1_REGISTERED },
  { contract: NY2, from: RUNNING_SINCE },
];

const expectedDigest = (tenant: YearTenant, date: LocalDate) => openOn(YEAR, tenant, date);

interface Post extends Posted {
  key: string | undefined;
  call: FakeSlackCall;
}

const reader: DigestReader<Post> = {
  lists: (post, item) => post !== undefined && itemsIn(post.call).has(item),
  // Slack mentions whoever must act, once per digest, whichever item it is for.
  names: (post, _item, _role, person) => mentionsIn(post.call).has(person.id),
  text: (post) => JSON.stringify(post.call.args.blocks),
};

describe('a year of daily digests in London and New York', () => {
  let fake: FakeSlack;
  let stack: Stack;
  const posts = new YearPosts<Post>();

  beforeAll(async () => {
    fake = await startFakeSlack();
    const clock = new MutableClock(new Date(YEAR_START));
    stack = await openStack(sqliteUrl(), { clock, namespace: testNamespace() });
    for (const tenant of TENANTS) {
      await stack.settings.update(tenant.id, { timeZone: tenant.timeZone, digestHour: tenant.digestHour });
    }
    await saveAll(stack, [GB1, GB2, NY2]);
    for (const tenant of TENANTS) {
      await stack.digests.setLastSent({ tenant: tenant.id, platform: 'slack', channel: tenant.channel }, RUNNING_SINCE);
    }
    const plan = new ActionPlan(stack);
    for (const { contract } of YEAR) plan.recordResults(contract);
    plan.logBreach(GB1, CLERK);
    plan.snooze(NY2);
    plan.at(NEW_YORK.id, NY1_REGISTERED, () => stack.contractRepository.save(NY1));
    // Pacing is 1 ms, not 1 s: a simulated day passes in well under a real second (delivery.test.ts checks pacing).
    const scheduler = new EmbeddedScheduler(schedulerDeps(stack, { slack: slackPosterFor(stack, fake, 1) }, clock));

    await runYear({
      clock,
      scheduler,
      tenants: TENANTS,
      plan,
      calls: () => fake.calls,
      digestOf: (call, now) => {
        if (call.method !== 'chat.postMessage') return undefined;
        const tenant = TENANTS.find((x) => x.channel === String(call.args.channel))!;
        return { ...postedAt(tenant, now), key: metadataKey(call), call };
      },
      posts,
      label: 'year simulation',
    });
  }, 180_000);

  afterAll(async () => {
    await stack?.close();
    await fake?.close();
  });

  const suite = {
    london: LONDON,
    newYork: NEW_YORK,
    posts,
    reader,
    escalated: GB2,
    isDue: (tenant: YearTenant, date: LocalDate) => expectedDigest(tenant, date).length > 0,
    alsoOnceEach: (tenant: YearTenant) => {
      const keys = posts.of(tenant).map((p) => p.key);
      expect(new Set(keys).size).toBe(keys.length);
      for (const post of posts.of(tenant)) {
        expect(post.key).toBe(
          occurrenceKey({ tenant: tenant.id, platform: 'slack', channel: tenant.channel }, post.localDate),
        );
      }
    },
  };

  it('posts every digest successfully and within Block Kit limits', () => {
    expect(posts.all.length).toBeGreaterThan(100);
    expect(fake.violations).toEqual([]);
    for (const post of posts.all) expect(post.call.status, post.key).toBe(200);
  });

  itKeepsTheDailySchedule(suite);

  it.each(TENANTS)(
    '$timeZone: each digest lists exactly what is open that day, and mentions whom it must',
    (tenant) => {
      for (const post of posts.of(tenant)) {
        const expected = expectedDigest(tenant, post.localDate);
        expect({ date: post.localDate, items: [...itemsIn(post.call)].sort() }).toEqual({
          date: post.localDate,
          items: expected.map((e) => e.item).sort(),
        });
        const mentions = new Set(expected.flatMap((e) => escalatedTo(e).map((x) => x.person.id)));
        expect({ date: post.localDate, mentions: [...mentionsIn(post.call)].sort() }).toEqual({
          date: post.localDate,
          mentions: [...mentions].sort(),
        });
      }
    },
  );

  it('shows dates as Slack date tokens, so each reader sees them in their own zone', () => {
    for (const post of posts.all) {
      const seconds = zonedInstant(post.localDate, 9, 0, post.tenant.timeZone).getTime() / 1000;
      expect(JSON.stringify(post.call.args.blocks)).toContain(`<!date^${seconds}^{date_short_pretty}|`);
    }
  });

  itEscalatesAnOverdueReview(suite);

  it('hides a snoozed item for 7 days, then shows it again, overdue since its original date', () => {
    const item = `${SNOOZED.contract}|${SNOOZED.key}`;
    expect(itemsIn(posts.on(NEW_YORK, '2026-05-03')!.call).has(item)).toBe(true);
    for (let n = 1; n <= 6; n += 1) {
      const post = posts.on(NEW_YORK, addDays('2026-05-03', n));
      if (post) expect(itemsIn(post.call).has(item)).toBe(false);
    }
    const back = posts.on(NEW_YORK, '2026-05-10')!;
    expect(itemsIn(back.call).has(item)).toBe(true);
    expect(JSON.stringify(back.call.args.blocks)).toContain('(7 days)');
    expect(mentionsIn(back.call).has(NY2.owner.id)).toBe(true);
    expect(itemsIn(posts.on(NEW_YORK, '2026-05-12')!.call).has(item)).toBe(true);
    expect(posts.on(NEW_YORK, '2026-05-13')).toBeUndefined();
  });

  itRemindsOfNotices(suite);
});
