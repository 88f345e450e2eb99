/**
 * Teams digests across restarts and replicas: the real service (startService with Teams in local mode, scheduler
 * 'embedded', a moved clock) against the fake Bot Connector. Each procurement channel is set up as in Teams: someone
 * says "config channel" there, so the bot keeps the channel's conversation reference (its reader's zone and locale)
 * and the tenant's time zone. The service is stopped across digest hours and started again on one SQLite file; and
 * two services on one Redis namespace tick together.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { addDays, type LocalDate } from '../../src/core/calendar.js';
import type { Contract } from '../../src/core/contracts/contract.js';
import type { DigestTarget } from '../../src/scheduler/types.js';
import { REDIS_URL, sqliteUrl, testNamespace } from '../helpers/backends.js';
import { MutableClock } from '../helpers/clock.js';
import { TeamsHarness } from '../helpers/teams-harness.js';
import { cardsIn, validateCard } from '../support/adaptive-cards.js';
import { type ConnectorCall, type FakeConnector, startFakeConnector } from '../support/fake-connector.js';
import { channelMessage, postActivity } from '../support/teams-activities.js';
import {
  type CatchUpTenant,
  LONDON_DIGESTS,
  NEW_YORK_DIGESTS,
  RESTARTS_FROM,
  RunningHarnesses,
  reviewedFrom1May,
  runRestarts,
  schedulerOf,
  tickTogether,
} from './catch-up-scenario.js';
import { saveAll, teamsChannelOf, teamsChannelPosts } from './stack.js';
import { cardDate, cardLines, introOf } from './teams-digest-card.js';

interface Tenant extends CatchUpTenant {
  aad: string;
  /** The locale of the person who configured the channel (their zone is the tenant's): how cards read there. */
  locale: 'en-GB' | 'en-US';
}

const TENANTS: Tenant[] = [
  {
    aad: '7c2e9a10-0d4b-4f7e-8a51-3c9d2b7e0001',
    tenant: 'teams_7c2e9a10-0d4b-4f7e-8a51-3c9d2b7e0001',
    channel: '19:procurement-london@thread.tacv2',
    locale: 'en-GB',
    ...LONDON_DIGESTS,
  },
  {
    aad: '7c2e9a10-0d4b-4f7e-8a51-3c9d2b7e0002',
    tenant: 'teams_7c2e9a10-0d4b-4f7e-8a51-3c9d2b7e0002',
    channel: '19:procurement-newyork@thread.tacv2',
    locale: 'en-US',
    ...NEW_YORK_DIGESTS,
  },
];

const contracts: Contract[] = TENANTS.map((t, i) => reviewedFrom1May(`C-TMS00${i + 1}`, 'teams', t));

const targetOf = (t: Tenant): DigestTarget => ({ tenant: t.tenant, platform: 'teams', channel: t.channel });

interface Post {
  tenant: Tenant;
  /** The local date the card says it is the digest of. */
  date: LocalDate;
  /** The simulated instant it went out. */
  at: string;
  call: ConnectorCall;
  card: unknown;
}

/** The digest date a card names in its intro ("Daily digest · <date> · …"), among the days around the test. */
function digestDateOf(card: unknown, t: Tenant): LocalDate | undefined {
  const intro = introOf(card);
  const days = Array.from({ length: 20 }, (_, i) => addDays('2026-04-28', i));
  return days.find((d) => intro.startsWith(`Daily digest · ${cardDate(d, t.locale)} · `));
}

/** The Teams digests the fake received since `from` (an index into its calls), at the clock's current time. */
function collect(connector: FakeConnector, clock: MutableClock, from: number): Post[] {
  return teamsChannelPosts(connector.calls.slice(from)).map((call) => {
    const tenant = TENANTS.find((t) => t.channel === teamsChannelOf(call));
    if (!tenant) throw new Error(`a post to an unknown channel: ${teamsChannelOf(call)}`);
    const card = cardsIn(call.body)[0];
    const date = digestDateOf(card, tenant);
    if (!date) throw new Error(`not a digest card: ${cardLines(card).join(' / ')}`);
    return { tenant, date, at: clock.now().toISOString(), call, card };
  });
}

/**
 * "config channel" said in the channel by someone whose Teams runs in the tenant's zone and locale: the bot keeps
 * the channel's conversation reference (with that zone) and makes it the tenant's procurement channel.
 */
async function configureChannel(harness: TeamsHarness, t: Tenant): Promise<void> {
  const activity = channelMessage({
    serviceUrl: harness.connector.url,
    text: 'config channel',
    tenantId: t.aad,
    channelId: t.channel,
    locale: t.locale,
  });
  const before = harness.connector.calls.length;
  const result = await postActivity(harness.baseUrl, {
    ...activity,
    localTimezone: t.timeZone,
    entities: (activity.entities ?? []).map((e) => (e.type === 'clientInfo' ? { ...e, timezone: t.timeZone } : e)),
  });
  expect(result.status).toBeLessThan(300);
  // The bot says hello in the channel, then confirms in the thread: that reply is the sign the turn is done.
  await harness.connector.waitFor(
    (calls) => calls.slice(before).some((c) => JSON.stringify(c.body).includes('will now be posted to')),
    5000,
    'the config channel reply',
  );
}

describe('Teams digests across restarts', () => {
  const running = new RunningHarnesses<TeamsHarness>();
  let connector: FakeConnector | undefined;

  afterEach(async () => {
    await running.stopAll();
    await connector?.close();
    connector = undefined;
  });

  it('posts one digest per channel at once for the days it was down, then resumes at the local digest hour', {
    timeout: 90_000,
  }, async () => {
    const fake = await startFakeConnector();
    connector = fake;
    const storeUrl = sqliteUrl();
    const namespace = testNamespace();
    const clock = new MutableClock(new Date(RESTARTS_FROM));

    const { posts, last } = await runRestarts<TeamsHarness, Post>({
      clock,
      calls: () => fake.calls.length,
      collect: (from) => collect(fake, clock, from),
      start: () =>
        running.add(
          TeamsHarness.start({ connector: fake, storeUrl, namespace, clock, env: { scheduler: 'embedded' } }),
        ),
      stop: (harness) => running.stop(harness),
      setUp: async (harness) => {
        for (const t of TENANTS) {
          await configureChannel(harness, t);
          await harness.service.settingsRepository.update(t.tenant, { digestHour: t.digestHour });
        }
        await saveAll({ contractRepository: harness.service.contractRepository }, contracts);
      },
      // It is Wednesday's digest: the review due on Friday 1 May is 5 days overdue, dated in the channel's zone.
      checkCaughtUp: ([london, newYork]) => {
        expect(cardLines(london!.card).join('\n')).toContain('overdue since 1 May 2026 (5 days)');
        expect(cardLines(newYork!.card).join('\n')).toContain('overdue since May 1, 2026 (5 days)');
      },
    });

    // Every digest a new post in its procurement channel, with a valid card, and nothing posted twice; the only
    // other posts there are the hellos said when each channel was configured.
    const hellos = teamsChannelPosts(fake.calls).filter((c) => JSON.stringify(c.body).includes('will now receive'));
    expect(hellos).toHaveLength(TENANTS.length);
    expect(teamsChannelPosts(fake.calls)).toHaveLength(posts.length + hellos.length);
    expect(fake.violations).toEqual([]);
    for (const post of posts) {
      expect(post.call.conversationId?.startsWith(`${post.tenant.channel};messageid=`)).toBe(true);
      expect(validateCard(post.card)).toEqual([]);
    }

    // The store agrees: each posted date is "sent" with the post's id, the skipped ones were never planned.
    const digests = last.service.digests;
    for (const t of TENANTS) {
      const target = targetOf(t);
      expect(await digests.lastSent(target)).toBe('2026-05-09');
      for (const post of posts.filter((p) => p.tenant === t)) {
        expect(await digests.occurrence(target, post.date)).toMatchObject({
          state: 'sent',
          message: { id: post.call.activityId },
        });
      }
      for (const skipped of ['2026-05-03', '2026-05-05']) {
        expect(await digests.occurrence(target, skipped), skipped).toBeUndefined();
      }
    }
  });
});

describe('two Teams replicas on one store', () => {
  it('two services on one Redis namespace, ticking at the same moments, post each Teams digest once', {
    timeout: 90_000,
  }, async () => {
    const fake = await startFakeConnector();
    const namespace = testNamespace();
    const clock = new MutableClock(new Date('2026-05-04T11:00:00Z'));
    const running = new RunningHarnesses<TeamsHarness>();
    try {
      const start = () =>
        running.add(
          TeamsHarness.start({
            connector: fake,
            storeUrl: REDIS_URL,
            namespace,
            clock,
            env: { scheduler: 'embedded' },
          }),
        );
      const [a, b] = [await start(), await start()];
      // One channel is configured through each replica; both read the same store.
      await configureChannel(a, TENANTS[0]!);
      await configureChannel(b, TENANTS[1]!);
      for (const t of TENANTS) await a.service.settingsRepository.update(t.tenant, { digestHour: t.digestHour });
      await saveAll({ contractRepository: b.service.contractRepository }, contracts);
      const before = fake.calls.length;

      // Two days in 15-minute steps, both replicas ticking together each time.
      const posts = await tickTogether(
        clock,
        '2026-05-06T13:00:00Z',
        [schedulerOf(a.service), schedulerOf(b.service)],
        {
          calls: () => fake.calls.length,
          collect: (from) => collect(fake, clock, from),
        },
      );

      expect(posts.map((p) => [p.tenant.timeZone, p.date, p.at])).toEqual([
        ['Europe/London', '2026-05-04', '2026-05-04T11:15:00.000Z'],
        ['America/New_York', '2026-05-04', '2026-05-04T12:00:00.000Z'],
        ['Europe/London', '2026-05-05', '2026-05-05T08:00:00.000Z'],
        ['America/New_York', '2026-05-05', '2026-05-05T12:00:00.000Z'],
        ['Europe/London', '2026-05-06', '2026-05-06T08:00:00.000Z'],
        ['America/New_York', '2026-05-06', '2026-05-06T12:00:00.000Z'],
      ]);
      // Nothing else went to the connector: no second post, no failed attempt.
      expect(fake.calls.slice(before).map((c) => [c.method, c.status])).toEqual(posts.map(() => ['create', 201]));
      for (const post of posts) expect(validateCard(post.card)).toEqual([]);
      await a.service.store.keyv.clear();
    } finally {
      await running.stopAll();
      await fake.close();
    }
  });
});
